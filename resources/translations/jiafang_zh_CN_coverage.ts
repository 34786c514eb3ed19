<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
    <context>
        <name>CoverageDialog</name>
        <message>
            <source>Role</source>
            <translation>职责</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>姓名</translation>
        </message>
        <message>
            <source>the person's name as the lists write it, e.g. 李芳</source>
            <translation>按包保名单上的写法填写姓名，如 李芳</translation>
        </message>
        <message>
            <source>Unit</source>
            <translation>单位</translation>
        </message>
        <message>
            <source>optional, e.g. 石埠小学</source>
            <translation>可不填，如 石埠小学</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>电话</translation>
        </message>
        <message>
            <source>optional, e.g. 13877110001</source>
            <translation>可不填，如 13877110001</translation>
        </message>
        <message>
            <source>Now held by {name}; saving replaces what is recorded for this role.</source>
            <translation>现由 {name} 负责；保存后替换这项职责的登记。</translation>
        </message>
        <message>
            <source>No one holds this role yet.</source>
            <translation>这项职责还没有人负责。</translation>
        </message>
        <message>
            <source>Keep the phone number on record ({phone})</source>
            <translation>保留已登记的电话（{phone}）</translation>
        </message>
    </context>
    <context>
        <name>RosterPage</name>
        <message>
            <source>the search and the other filters</source>
            <translation>搜索及其他筛选条件</translation>
        </message>
        <message>
            <source>Choose a school first (and usually a grade and a class): who covers is named for the students the list shows.</source>
            <translation>请先选择学校（通常还要选年级和班级）：包保责任人将指定给列表中显示的学生。</translation>
        </message>
        <message>
            <source>No student is listed: there is no one to name a person for.</source>
            <translation>列表中没有学生，无法指定包保责任人。</translation>
        </message>
        <message>
            <source>The list shows {count} students; who covers can be named for at most {limit} at a time. Choose a grade and a class.</source>
            <translation>列表中有 {count} 名学生，一次最多为 {limit} 名学生指定包保责任人。请选择年级和班级。</translation>
        </message>
        <message>
            <source>Assign who covers {count} students</source>
            <translation>为 {count} 名学生指定包保责任人</translation>
        </message>
        <message>
            <source>Assign</source>
            <translation>指定</translation>
        </message>
        <message>
            <source>The person is named for each of the {count} students the list shows ({listed}); on each of them an earlier holder of the same role is replaced.</source>
            <translation>将为列表中的 {count} 名学生（{listed}）逐一指定此人；每名学生原来担任同一职责的人将被替换。</translation>
        </message>
        <message>
            <source>Nothing was changed: the list now shows more than {limit} students.</source>
            <translation>没有做任何修改：列表中的学生现已超过 {limit} 名。</translation>
        </message>
        <message>
            <source>{person} now covers {count} students ({role}).</source>
            <translation>{person} 现为 {count} 名学生的包保责任人（{role}）。</translation>
        </message>
        <message>
            <source>Assign who covers…</source>
            <translation>指定包保责任人…</translation>
        </message>
        <message>
            <source>Name who covers every student the list shows (e.g. the head teacher of a class: choose the school, grade and class first)</source>
            <translation>为列表中显示的每名学生指定包保责任人（如包班的班主任：请先选择学校、年级和班级）</translation>
        </message>
    </context>
    <context>
        <name>StudentView</name>
        <message>
            <source>Select a line to change or remove it. The teachers named on the education line may change the student's records.</source>
            <translation>选中一行可修改或移除。教育线上列出的老师可以修改该学生的记录。</translation>
        </message>
        <message>
            <source>Only an administrator can change who covers the student.</source>
            <translation>只有管理员可以修改学生的包保责任人。</translation>
        </message>
        <message>
            <source>Who covers {name}</source>
            <translation>{name} 的包保责任人</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>保存</translation>
        </message>
        <message>
            <source>{person} now covers the student ({role}).</source>
            <translation>{person} 现为该学生的包保责任人（{role}）。</translation>
        </message>
        <message>
            <source>Remove {person} ({role}) from who covers {name}?</source>
            <translation>要把 {person}（{role}）从 {name} 的包保责任人中移除吗？</translation>
        </message>
        <message>
            <source>{person} ({role}) no longer covers the student.</source>
            <translation>{person}（{role}）已不再是该学生的包保责任人。</translation>
        </message>
        <message>
            <source>Add or change…</source>
            <translation>添加/修改…</translation>
        </message>
        <message>
            <source>Name who covers the student in a role; an earlier holder of the role is replaced</source>
            <translation>为学生指定某项职责的包保责任人；原来担任该职责的人将被替换</translation>
        </message>
        <message>
            <source>Remove</source>
            <translation>移除</translation>
        </message>
    </context>
</TS>
