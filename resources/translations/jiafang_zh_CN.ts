<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>Columns</name>
        <message>
            <source>Head of household</source>
            <translation>户主</translation>
        </message>
        <message>
            <source>Address</source>
            <translation>家庭住址</translation>
        </message>
        <message>
            <source>Village</source>
            <translation>村/社区</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>电话</translation>
        </message>
        <message>
            <source>Hardship</source>
            <translation>困难类别</translation>
        </message>
        <message>
            <source>Students</source>
            <translation>学生数</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>姓名</translation>
        </message>
        <message>
            <source>Sex</source>
            <translation>性别</translation>
        </message>
        <message>
            <source>Birth date</source>
            <translation>出生日期</translation>
        </message>
        <message>
            <source>School</source>
            <translation>学校</translation>
        </message>
        <message>
            <source>Grade</source>
            <translation>年级</translation>
        </message>
        <message>
            <source>Class</source>
            <translation>班级</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>ID number</source>
            <translation>身份证号</translation>
        </message>
        <message>
            <source>Student number</source>
            <translation>学籍号</translation>
        </message>
        <message>
            <source>Flags</source>
            <translation>标记</translation>
        </message>
        <message>
            <source>Relation</source>
            <translation>关系</translation>
        </message>
        <message>
            <source>Work</source>
            <translation>务工情况</translation>
        </message>
        <message>
            <source>Works away</source>
            <translation>外出务工</translation>
        </message>
        <message>
            <source>Guardian</source>
            <translation>监护人</translation>
        </message>
        <message>
            <source>Line</source>
            <translation>责任线</translation>
        </message>
        <message>
            <source>Role</source>
            <translation>职责</translation>
        </message>
        <message>
            <source>Person</source>
            <translation>责任人</translation>
        </message>
        <message>
            <source>Unit</source>
            <translation>单位</translation>
        </message>
        <message>
            <source>Visit date</source>
            <translation>家访日期</translation>
        </message>
        <message>
            <source>Purpose</source>
            <translation>家访目的</translation>
        </message>
        <message>
            <source>Visitors</source>
            <translation>走访人</translation>
        </message>
        <message>
            <source>Follow-up date</source>
            <translation>跟进日期</translation>
        </message>
        <message>
            <source>Detected</source>
            <translation>发现日期</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>Attempts</source>
            <translation>劝返次数</translation>
        </message>
        <message>
            <source>Last attempt</source>
            <translation>最近劝返</translation>
        </message>
        <message>
            <source>Outcome</source>
            <translation>处置结果</translation>
        </message>
        <message>
            <source>Closed</source>
            <translation>销号日期</translation>
        </message>
        <message>
            <source>Effective date</source>
            <translation>异动日期</translation>
        </message>
        <message>
            <source>Change</source>
            <translation>异动类型</translation>
        </message>
        <message>
            <source>When</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>Who</source>
            <translation>修改人</translation>
        </message>
        <message>
            <source>From</source>
            <translation>原值</translation>
        </message>
        <message>
            <source>To</source>
            <translation>新值</translation>
        </message>
        <message>
            <source>To do</source>
            <translation>事项</translation>
        </message>
        <message>
            <source>Due</source>
            <translation>到期</translation>
        </message>
        <message>
            <source>Student</source>
            <translation>学生</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>说明</translation>
        </message>
    </context>
    <context>
        <name>Curtain</name>
        <message>
            <source>Jiafang is locked</source>
            <translation>家访通已锁定</translation>
        </message>
    </context>
    <context>
        <name>DemoDialog</name>
        <message>
            <source>Try the demo district</source>
            <translation>试用演示区</translation>
        </message>
        <message>
            <source>A fictional Xixiangtang district will be generated (all students, households, visits and cases are synthetic). The administrator's user name is admin.</source>
            <translation>将生成一个虚构的西乡塘区（学生、家庭、家访和劝返个案均为合成数据），管理员用户名为 admin。</translation>
        </message>
        <message>
            <source>Number of students</source>
            <translation>学生人数</translation>
        </message>
        <message>
            <source>Administrator password</source>
            <translation>管理员密码</translation>
        </message>
        <message>
            <source>Repeat password</source>
            <translation>再次输入密码</translation>
        </message>
        <message>
            <source>District administrator</source>
            <translation>区教育局管理员</translation>
        </message>
        <message>
            <source>Generating the demo district…</source>
            <translation>正在生成演示数据…</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>Cancelled; nothing was kept.</source>
            <translation>已取消，没有留下任何数据。</translation>
        </message>
    </context>
    <context>
        <name>Fields</name>
        <message>
            <source>Sex</source>
            <translation>性别</translation>
        </message>
        <message>
            <source>Birth date</source>
            <translation>出生日期</translation>
        </message>
        <message>
            <source>Ethnicity</source>
            <translation>民族</translation>
        </message>
        <message>
            <source>ID type</source>
            <translation>证件类型</translation>
        </message>
        <message>
            <source>ID number</source>
            <translation>身份证号</translation>
        </message>
        <message>
            <source>Student number</source>
            <translation>学籍号</translation>
        </message>
        <message>
            <source>School</source>
            <translation>学校</translation>
        </message>
        <message>
            <source>Grade</source>
            <translation>年级</translation>
        </message>
        <message>
            <source>Class</source>
            <translation>班级</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>学籍状态</translation>
        </message>
        <message>
            <source>Registered poor household</source>
            <translation>建档立卡户</translation>
        </message>
        <message>
            <source>Left-behind child</source>
            <translation>留守儿童</translation>
        </message>
        <message>
            <source>Disability type</source>
            <translation>残疾类别</translation>
        </message>
        <message>
            <source>Disability grade</source>
            <translation>残疾等级</translation>
        </message>
        <message>
            <source>Migrant child</source>
            <translation>随迁子女</translation>
        </message>
        <message>
            <source>Orphan</source>
            <translation>孤儿</translation>
        </message>
        <message>
            <source>Martyr or veteran family</source>
            <translation>烈士或优抚家庭子女</translation>
        </message>
        <message>
            <source>Day or boarding</source>
            <translation>就读方式</translation>
        </message>
        <message>
            <source>Head of household</source>
            <translation>户主</translation>
        </message>
        <message>
            <source>Address</source>
            <translation>家庭住址</translation>
        </message>
        <message>
            <source>Household registration type</source>
            <translation>户口性质</translation>
        </message>
        <message>
            <source>Registration place</source>
            <translation>户籍所在地</translation>
        </message>
        <message>
            <source>Hardship categories</source>
            <translation>困难类别</translation>
        </message>
        <message>
            <source>Notes</source>
            <translation>备注</translation>
        </message>
    </context>
    <context>
        <name>FirstRunDialog</name>
        <message>
            <source>Welcome to Jiafang</source>
            <translation>欢迎使用家访通</translation>
        </message>
        <message>
            <source>Jiafang: home visits and dropout cases. First time here, choose:</source>
            <translation>家访通：控辍保学家访与劝返台账。第一次使用，请选择：</translation>
        </message>
        <message>
            <source>Try the demo district (synthetic data)</source>
            <translation>试用演示区（合成数据）</translation>
        </message>
        <message>
            <source>Set up my school</source>
            <translation>设置我的学校</translation>
        </message>
    </context>
    <context>
        <name>Flags</name>
        <message>
            <source>Key target</source>
            <translation>重点</translation>
        </message>
        <message>
            <source>Registered poor</source>
            <translation>建档立卡</translation>
        </message>
        <message>
            <source>Left-behind</source>
            <translation>留守</translation>
        </message>
        <message>
            <source>Disability</source>
            <translation>残疾</translation>
        </message>
    </context>
    <context>
        <name>HouseholdsPage</name>
        <message>
            <source>{count} households</source>
            <translation>共 {count} 户</translation>
        </message>
        <message>
            <source>Choose a household</source>
            <translation>请选择一户家庭</translation>
        </message>
        <message>
            <source>(no head of household recorded)</source>
            <translation>（未登记户主）</translation>
        </message>
        <message>
            <source>Yes</source>
            <translation>是</translation>
        </message>
        <message>
            <source>No</source>
            <translation>否</translation>
        </message>
        <message>
            <source>Members ({n})</source>
            <translation>家庭成员（{n}）</translation>
        </message>
        <message>
            <source>Children on the roster ({n}): Enter opens</source>
            <translation>在册子女（{n}），按回车打开</translation>
        </message>
        <message>
            <source>Households</source>
            <translation>家庭</translation>
        </message>
        <message>
            <source>Search: head of household, address or village</source>
            <translation>搜索：户主姓名、家庭住址或村/社区</translation>
        </message>
        <message>
            <source>Address</source>
            <translation>家庭住址</translation>
        </message>
        <message>
            <source>Village</source>
            <translation>村/社区</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>联系电话</translation>
        </message>
        <message>
            <source>Registration type</source>
            <translation>户口性质</translation>
        </message>
        <message>
            <source>Registration place</source>
            <translation>户籍所在地</translation>
        </message>
        <message>
            <source>Hardship</source>
            <translation>困难类别</translation>
        </message>
        <message>
            <source>Members</source>
            <translation>家庭成员</translation>
        </message>
        <message>
            <source>Children on the roster</source>
            <translation>在册子女</translation>
        </message>
    </context>
    <context>
        <name>LockDialog</name>
        <message>
            <source>Jiafang is locked</source>
            <translation>家访通已锁定</translation>
        </message>
        <message>
            <source>Locked after a while without use. Enter the password of {user} to go on; every open form is kept as it was.</source>
            <translation>一段时间未操作，已自动锁定。请输入 {user} 的密码继续；所有打开的表单和已填写的内容都原样保留。</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>密码</translation>
        </message>
        <message>
            <source>Unlock</source>
            <translation>解锁</translation>
        </message>
        <message>
            <source>Quit Jiafang</source>
            <translation>退出家访通</translation>
        </message>
    </context>
    <context>
        <name>LoginDialog</name>
        <message>
            <source>Sign in to Jiafang</source>
            <translation>登录家访通</translation>
        </message>
        <message>
            <source>User name</source>
            <translation>用户名</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>密码</translation>
        </message>
        <message>
            <source>Sign in</source>
            <translation>登录</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>No page here can open this record.</source>
            <translation>没有可以打开这条记录的页面。</translation>
        </message>
        <message>
            <source>User: {name}</source>
            <translation>当前用户：{name}</translation>
        </message>
        <message>
            <source>Changes not yet synced: {count}</source>
            <translation>本机未同步的变更：{count} 条</translation>
        </message>
        <message>
            <source>Last sync: never synced</source>
            <translation>上次同步：尚未同步</translation>
        </message>
        <message>
            <source>Last sync: {time}</source>
            <translation>上次同步：{time}</translation>
        </message>
        <message>
            <source>Jiafang</source>
            <translation>家访通</translation>
        </message>
    </context>
    <context>
        <name>Pages</name>
        <message>
            <source>Households</source>
            <translation>家庭</translation>
        </message>
        <message>
            <source>Students</source>
            <translation>学生</translation>
        </message>
        <message>
            <source>Today</source>
            <translation>工作台</translation>
        </message>
    </context>
    <context>
        <name>RosterPage</name>
        <message>
            <source>All classes</source>
            <translation>全部班级</translation>
        </message>
        <message>
            <source>{count} students</source>
            <translation>共 {count} 名学生</translation>
        </message>
        <message>
            <source>No student matches. Check the spelling, or clear the filters (Ctrl+Shift+F).</source>
            <translation>没有符合条件的学生。请检查输入，或清除筛选（Ctrl+Shift+F）。</translation>
        </message>
        <message>
            <source>Students</source>
            <translation>学生</translation>
        </message>
        <message>
            <source>Search: name, pinyin initials (wxm), ID number or student number</source>
            <translation>搜索：姓名、拼音首字母（如 wxm）、身份证号或学籍号</translation>
        </message>
        <message>
            <source>All schools</source>
            <translation>全部学校</translation>
        </message>
        <message>
            <source>All grades</source>
            <translation>全部年级</translation>
        </message>
        <message>
            <source>Grade {n}</source>
            <translation>{n} 年级</translation>
        </message>
        <message>
            <source>All statuses</source>
            <translation>全部状态</translation>
        </message>
        <message>
            <source>Key targets</source>
            <translation>重点监测对象</translation>
        </message>
        <message>
            <source>Registered poor</source>
            <translation>建档立卡</translation>
        </message>
        <message>
            <source>Left-behind</source>
            <translation>留守儿童</translation>
        </message>
        <message>
            <source>Disability</source>
            <translation>残疾</translation>
        </message>
        <message>
            <source>Clear filters</source>
            <translation>清除筛选</translation>
        </message>
        <message>
            <source>Enter or double-click opens a student · Ctrl+F search · Ctrl+Shift+F clear filters · Esc back to the list</source>
            <translation>回车或双击打开学生档案 · Ctrl+F 搜索 · Ctrl+Shift+F 清除筛选 · Esc 返回名单</translation>
        </message>
    </context>
    <context>
        <name>SetupDialog</name>
        <message>
            <source>Set up my school</source>
            <translation>设置我的学校</translation>
        </message>
        <message>
            <source>School name</source>
            <translation>学校名称</translation>
        </message>
        <message>
            <source>This laptop's name</source>
            <translation>本机名称</translation>
        </message>
        <message>
            <source>Administrator user name</source>
            <translation>管理员用户名</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>密码</translation>
        </message>
        <message>
            <source>Repeat password</source>
            <translation>再次输入密码</translation>
        </message>
    </context>
    <context>
        <name>StudentView</name>
        <message>
            <source>Yes</source>
            <translation>是</translation>
        </message>
        <message>
            <source>No</source>
            <translation>否</translation>
        </message>
        <message>
            <source>{school} · grade {grade} {class_name} · {status}</source>
            <translation>{school} · {grade}年级 {class_name} · {status}</translation>
        </message>
        <message>
            <source>Key target</source>
            <translation>重点监测对象</translation>
        </message>
        <message>
            <source>Open dropout case</source>
            <translation>有未销号的辍学个案</translation>
        </message>
        <message>
            <source>No household is recorded for this student.</source>
            <translation>这名学生没有登记家庭。</translation>
        </message>
        <message>
            <source>a user of another laptop</source>
            <translation>其他电脑上的用户</translation>
        </message>
        <message>
            <source>(created)</source>
            <translation>（新建）</translation>
        </message>
        <message>
            <source>{count} change(s); the newest first. Nothing is ever overwritten: every earlier value stays in the change log.</source>
            <translation>共 {count} 次变更，最新的在前。任何修改都不会覆盖旧值：每个旧值都保留在变更记录中。</translation>
        </message>
        <message>
            <source>Profile</source>
            <translation>基本信息</translation>
        </message>
        <message>
            <source>Household and guardians</source>
            <translation>家庭与监护人</translation>
        </message>
        <message>
            <source>Who covers the student</source>
            <translation>包保责任人</translation>
        </message>
        <message>
            <source>Visits ({n})</source>
            <translation>家访（{n}）</translation>
        </message>
        <message>
            <source>Dropout cases ({n})</source>
            <translation>辍学个案（{n}）</translation>
        </message>
        <message>
            <source>Registry changes ({n})</source>
            <translation>学籍异动（{n}）</translation>
        </message>
        <message>
            <source>Change history</source>
            <translation>修改记录</translation>
        </message>
        <message>
            <source>← Back to the list</source>
            <translation>← 返回名单</translation>
        </message>
        <message>
            <source>Esc</source>
            <translation>Esc</translation>
        </message>
        <message>
            <source>History</source>
            <translation>历史</translation>
        </message>
        <message>
            <source>Who changed this field, when, and from what</source>
            <translation>谁在什么时候把这一项从什么改成了什么</translation>
        </message>
        <message>
            <source>Members and guardians</source>
            <translation>家庭成员与监护人</translation>
        </message>
        <message>
            <source>Open the household</source>
            <translation>打开家庭页面</translation>
        </message>
        <message>
            <source>Field</source>
            <translation>项目</translation>
        </message>
        <message>
            <source>Household: {field}</source>
            <translation>家庭：{field}</translation>
        </message>
    </context>
    <context>
        <name>TodayPage</name>
        <message>
            <source>Visit follow-up</source>
            <translation>家访跟进</translation>
        </message>
        <message>
            <source>Retention follow-up</source>
            <translation>巩固回访</translation>
        </message>
        <message>
            <source>Case without a recent attempt</source>
            <translation>个案近期未劝返</translation>
        </message>
        <message>
            <source>Visit draft to finish</source>
            <translation>家访草稿待完成</translation>
        </message>
        <message>
            <source>All</source>
            <translation>全部</translation>
        </message>
        <message>
            <source>Visit drafts</source>
            <translation>家访草稿</translation>
        </message>
        <message>
            <source>Visits finalized</source>
            <translation>已定稿家访</translation>
        </message>
        <message>
            <source>Follow-ups</source>
            <translation>家访跟进</translation>
        </message>
        <message>
            <source>Retention checks</source>
            <translation>巩固回访</translation>
        </message>
        <message>
            <source>Cases to persuade</source>
            <translation>待劝返个案</translation>
        </message>
        <message>
            <source>Drafts</source>
            <translation>家访草稿</translation>
        </message>
        <message>
            <source>Key targets</source>
            <translation>重点监测对象</translation>
        </message>
        <message>
            <source>Returned at term start</source>
            <translation>开学已返校</translation>
        </message>
        <message>
            <source>Not returned</source>
            <translation>未返校</translation>
        </message>
        <message>
            <source>Dropouts found in the campaign</source>
            <translation>活动期间发现辍学</translation>
        </message>
        <message>
            <source>Cases not closed</source>
            <translation>未销号个案</translation>
        </message>
        <message>
            <source>Cases closed</source>
            <translation>已销号个案</translation>
        </message>
        <message>
            <source>Loading the day's work…</source>
            <translation>正在读取今天的工作…</translation>
        </message>
        <message>
            <source>The day's work could not be read: {error}</source>
            <translation>无法读取今天的工作：{error}</translation>
        </message>
        <message>
            <source>No campaign has been set up yet.</source>
            <translation>还没有建立专项行动。</translation>
        </message>
        <message>
            <source>running</source>
            <translation>进行中</translation>
        </message>
        <message>
            <source>ended</source>
            <translation>已结束</translation>
        </message>
        <message>
            <source>{name}, {start} – {end}, {state}</source>
            <translation>{name}，{start} 至 {end}，{state}</translation>
        </message>
        <message>
            <source>{title} {count}</source>
            <translation>{title} {count}</translation>
        </message>
        <message>
            <source>{title} {count} ({overdue} overdue)</source>
            <translation>{title} {count}（逾期 {overdue}）</translation>
        </message>
        <message>
            <source>Nothing to do here today.</source>
            <translation>今天这里没有待办事项。</translation>
        </message>
        <message>
            <source>Showing the {shown} most urgent of {total}. Enter or double-click opens a line.</source>
            <translation>共 {total} 项，显示最紧急的 {shown} 项。回车或双击打开。</translation>
        </message>
        <message>
            <source>{total} to do. Enter or double-click opens a line.</source>
            <translation>共 {total} 项待办。回车或双击打开。</translation>
        </message>
        <message>
            <source>{date} (overdue)</source>
            <translation>{date}（已逾期）</translation>
        </message>
        <message>
            <source>visited {date}</source>
            <translation>{date} 家访</translation>
        </message>
        <message>
            <source>Today</source>
            <translation>工作台</translation>
        </message>
        <message>
            <source>Refresh (F5)</source>
            <translation>刷新（F5）</translation>
        </message>
        <message>
            <source>Current campaign</source>
            <translation>当前专项行动</translation>
        </message>
        <message>
            <source>Loading…</source>
            <translation>正在读取…</translation>
        </message>
    </context>
    <context>
        <name>_Form</name>
        <message>
            <source>OK</source>
            <extracomment>DomainError.field values of the services, mapped to this form's fields.</extracomment>
            <translation>确定</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
    </context>
</TS>
