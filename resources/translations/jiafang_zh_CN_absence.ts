<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
    <context>
        <name>AbsenceModel</name>
        <message>
            <source>{severity}: {detail}</source>
            <translation>{severity}：{detail}</translation>
        </message>
        <message>
            <source>leave granted</source>
            <translation>准假</translation>
        </message>
        <message>
            <source>, </source>
            <translation>、</translation>
        </message>
        <message>
            <source>; </source>
            <translation>；</translation>
        </message>
    </context>
    <context>
        <name>AbsencePage</name>
        <message>
            <source>Reading the class…</source>
            <translation>正在读取本班名单…</translation>
        </message>
        <message>
            <source>Choose a school and a class.</source>
            <translation>请选择学校和班级。</translation>
        </message>
        <message>
            <source>No students in this class.</source>
            <translation>本班没有学生。</translation>
        </message>
        <message>
            <source>{away} of {total} students away on {date}; {warned} with an early warning.</source>
            <translation>{date}：全班 {total} 人，缺勤 {away} 人；{warned} 人有预警。</translation>
        </message>
        <message>
            <source>Correct the absence</source>
            <translation>修改缺勤记录</translation>
        </message>
        <message>
            <source>Record an absence</source>
            <translation>登记缺勤</translation>
        </message>
        <message>
            <source>Student</source>
            <translation>学生</translation>
        </message>
        <message>
            <source>Click a student in the list to record an absence or mark them back.</source>
            <translation>在上方名单中点选一名学生，即可登记缺勤或返校。</translation>
        </message>
        <message>
            <source>In class on {date}.</source>
            <translation>{date} 在校上课。</translation>
        </message>
        <message>
            <source>Away from {start} to {end}.</source>
            <translation>{start} 至 {end} 缺勤。</translation>
        </message>
        <message>
            <source>Away since {start}, {days} school day(s).</source>
            <translation>自 {start} 起缺勤，已 {days} 个上学日。</translation>
        </message>
        <message>
            <source>Registered as: {status}.</source>
            <translation>学籍状态：{status}。</translation>
        </message>
        <message>
            <source>{name}: absence recorded from {start}.</source>
            <translation>已登记：{name} 自 {start} 起缺勤。</translation>
        </message>
        <message>
            <source>{name} is back; last day away {end}.</source>
            <translation>已登记：{name} 返校，最后缺勤日期 {end}。</translation>
        </message>
        <message>
            <source>Absences</source>
            <translation>缺勤</translation>
        </message>
        <message>
            <source>School</source>
            <translation>学校</translation>
        </message>
        <message>
            <source>Class</source>
            <translation>班级</translation>
        </message>
        <message>
            <source>Date</source>
            <translation>日期</translation>
        </message>
        <message>
            <source>(choose a school)</source>
            <translation>（请选择学校）</translation>
        </message>
        <message>
            <source>Refresh (F5)</source>
            <translation>刷新（F5）</translation>
        </message>
        <message>
            <source>Click a student to record an absence or mark them back. Enter or a double-click opens the student's file.</source>
            <translation>点选学生可登记缺勤或返校；按回车键或双击打开学生档案。</translation>
        </message>
        <message>
            <source>First day away</source>
            <translation>缺勤开始日期</translation>
        </message>
        <message>
            <source>Reason (optional)</source>
            <translation>缺勤原因（可不填）</translation>
        </message>
        <message>
            <source>e.g. ill, family matter, not known</source>
            <translation>例如：生病、家中有事、原因不明</translation>
        </message>
        <message>
            <source>Leave granted (no warning)</source>
            <translation>已准假（不预警）</translation>
        </message>
        <message>
            <source>Record the absence</source>
            <translation>保存缺勤</translation>
        </message>
        <message>
            <source>Back in class</source>
            <translation>返校</translation>
        </message>
        <message>
            <source>Last day away</source>
            <translation>最后缺勤日期</translation>
        </message>
        <message>
            <source>Mark back</source>
            <translation>登记返校</translation>
        </message>
    </context>
    <context>
        <name>Columns</name>
        <message>
            <source>Away since</source>
            <translation>缺勤开始</translation>
        </message>
        <message>
            <source>Last day away</source>
            <translation>最后缺勤日</translation>
        </message>
        <message>
            <source>School days away</source>
            <translation>缺勤上学日</translation>
        </message>
    </context>
    <context>
        <name>Pages</name>
        <message>
            <source>Absences</source>
            <translation>缺勤</translation>
        </message>
    </context>
</TS>
