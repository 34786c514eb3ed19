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
        <source>Click a student to record an absence or mark them back. Enter or a double-click opens the student&apos;s file.</source>
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
    <name>AddUserDialog</name>
    <message>
        <source>The password again</source>
        <translation>再输入一次密码</translation>
    </message>
    <message>
        <source>Add a user</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <source>Add user</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>User name (to sign in with)</source>
        <translation>用户名（登录时使用）</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>as the 包保 lists write it, e.g. 黄丽</source>
        <translation>与包保名单上写的一致，例如 黄丽</translation>
    </message>
    <message>
        <source>A teacher may change the records of the students whose responsible persons (包保责任人) carry this name.</source>
        <translation>教师可以修改“包保责任人”中写有这个姓名的学生的记录。</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>School</source>
        <translation>学校</translation>
    </message>
    <message>
        <source>No school</source>
        <translation>不属于某所学校</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
</context>
<context>
    <name>AuditPage</name>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>All actions</source>
        <translation>全部操作</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <source>Check integrity</source>
        <translation>检查完整性</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <source>Create a recovery key…</source>
        <translation>建立恢复密钥…</translation>
    </message>
    <message>
        <source>Intact: every laptop&apos;s chain of audit events checks out.</source>
        <translation>完整：每台电脑的审计记录链都校验无误。</translation>
    </message>
    <message>
        <source>Only from</source>
        <translation>只看日期从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>到</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>恢复密钥</translation>
    </message>
    <message>
        <source>Replace the recovery key? The key the district keeps now stops working; give them the new one.</source>
        <translation>要更换恢复密钥吗？区教育局现在保管的密钥将失效，请把新密钥交给他们。</translation>
    </message>
    <message>
        <source>Replace the recovery key…</source>
        <translation>更换恢复密钥…</translation>
    </message>
    <message>
        <source>The audit log was tampered with: {count} problem(s).</source>
        <translation>审计日志被改动过：发现 {count} 处问题。</translation>
    </message>
    <message>
        <source>The district&apos;s key for resetting a forgotten password on this laptop</source>
        <translation>区教育局保管的密钥，用于在这台电脑上重设忘记的密码</translation>
    </message>
    <message>
        <source>Verify that no audit event was changed or removed</source>
        <translation>核对没有任何审计记录被修改或删除</translation>
    </message>
    <message>
        <source>Who viewed or revealed a student&apos;s file, exported, printed, signed in or reset a password, and when; newest first. Events cannot be changed or deleted, and every laptop chains its own, so tampering shows.</source>
        <translation>谁在什么时候查看或显示了学生档案、导出、打印、登录或重设密码，最新的在前。审计记录不能修改或删除；每台电脑的记录前后相连，任何改动都会被发现。</translation>
    </message>
    <message>
        <source>{count} event(s)</source>
        <translation>共 {count} 条记录</translation>
    </message>
    <message>
        <source>… and {count} more</source>
        <translation>……另有 {count} 处</translation>
    </message>
</context>
<context>
    <name>AuditTable</name>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>by hand</source>
        <translation>手动</translation>
    </message>
    <message>
        <source>disability details</source>
        <translation>残疾信息</translation>
    </message>
    <message>
        <source>household phone</source>
        <translation>家庭电话</translation>
    </message>
    <message>
        <source>unknown user name</source>
        <translation>未知用户名</translation>
    </message>
    <message>
        <source>with the recovery key</source>
        <translation>使用恢复密钥</translation>
    </message>
</context>
<context>
    <name>BackupPage</name>
    <message>
        <source>Backups</source>
        <translation>备份</translation>
    </message>
    <message>
        <source>Jiafang backs up this laptop&apos;s data by itself: once a day, before a sync brings in other laptops&apos; changes, and before an update changes the data. A backup is encrypted: it opens only with the password of a user of this laptop. Keep a recent one on a USB stick, away from the laptop.</source>
        <translation>家访通会自动备份本机数据：每天一次，同步引入其他电脑的变更之前一次，程序升级改动数据之前一次。备份是加密的，只有本机用户的密码才能打开。请定期把最近的一份备份另存到U盘，与电脑分开保管。</translation>
    </message>
    <message>
        <source>Backup folder</source>
        <translation>备份文件夹</translation>
    </message>
    <message>
        <source>Open the folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Back up now</source>
        <translation>立即备份</translation>
    </message>
    <message>
        <source>Make a backup into the backup folder above</source>
        <translation>在上面的备份文件夹里做一份备份</translation>
    </message>
    <message>
        <source>Back up to…</source>
        <translation>备份到…</translation>
    </message>
    <message>
        <source>Make a backup on a USB stick or in another folder</source>
        <translation>把备份保存到U盘或其他文件夹</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>To restore a backup: quit Jiafang, then choose &quot;Restore from a backup…&quot; in the sign-in window. The data it replaces is kept in the backup folder, not deleted.</source>
        <translation>要恢复备份：先退出家访通，再在登录窗口点“从备份恢复…”。被替换的数据会保留在备份文件夹里，不会删除。</translation>
    </message>
    <message>
        <source>No backup in this folder yet.</source>
        <extracomment>Asks where to write a backup (None: cancelled); replaced in tests, where a file dialog cannot be used.</extracomment>
        <translation>这个文件夹里还没有备份。</translation>
    </message>
    <message>
        <source>{count} backup(s), {size} in all</source>
        <translation>共 {count} 个备份，合计 {size}</translation>
    </message>
    <message>
        <source>Back up to</source>
        <translation>备份到</translation>
    </message>
    <message>
        <source>Jiafang backups (*.jfbak)</source>
        <translation>家访通备份 (*.jfbak)</translation>
    </message>
    <message>
        <source>Backup made: {path} ({size}). It opens only with the password of a user of this laptop.</source>
        <translation>备份已完成：{path}（{size}）。只有本机用户的密码才能打开它。</translation>
    </message>
    <message>
        <source>Cancelled: no backup file was written.</source>
        <translation>已取消：没有写入备份文件。</translation>
    </message>
</context>
<context>
    <name>BackupTable</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>By hand</source>
        <translation>手动</translation>
    </message>
    <message>
        <source>Daily (automatic)</source>
        <translation>每日（自动）</translation>
    </message>
    <message>
        <source>Before a sync (automatic)</source>
        <translation>同步前（自动）</translation>
    </message>
    <message>
        <source>Before a data upgrade (automatic)</source>
        <translation>数据升级前（自动）</translation>
    </message>
    <message>
        <source>{path}
The database file as it was before the upgrade, for putting back by hand; the sign-in window&apos;s restore does not take it.</source>
        <translation>{path}
升级前的数据库文件，供手工放回；登录窗口的“从备份恢复”不能使用它。</translation>
    </message>
</context>
<context>
    <name>BarChart</name>
    <message>
        <source>No figures to show</source>
        <translation>没有可显示的数据</translation>
    </message>
</context>
<context>
    <name>CaseView</name>
    <message>
        <source>Case</source>
        <translation>个案</translation>
    </message>
    <message>
        <source>Record a persuasion attempt</source>
        <translation>记录劝返</translation>
    </message>
    <message>
        <source>Record the outcome</source>
        <translation>记录处置结果</translation>
    </message>
    <message>
        <source>Retention follow-up</source>
        <translation>巩固回访</translation>
    </message>
    <message>
        <source>Verify the placement</source>
        <translation>核实安置</translation>
    </message>
    <message>
        <source>Dropped out again</source>
        <translation>复辍</translation>
    </message>
    <message>
        <source>Close the case</source>
        <translation>销号</translation>
    </message>
    <message>
        <source>Typical case…</source>
        <translation>典型案例…</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <source>{name} · {school} {klass} · {status}</source>
        <translation>{name} · {school} {klass} · {status}</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>辍学原因</translation>
    </message>
    <message>
        <source>Detected</source>
        <translation>发现日期</translation>
    </message>
    <message>
        <source>Dropped out in</source>
        <translation>辍学月份</translation>
    </message>
    <message>
        <source>Whereabouts</source>
        <translation>去向</translation>
    </message>
    <message>
        <source>Guardian and phone</source>
        <translation>监护人及电话</translation>
    </message>
    <message>
        <source>Help already given</source>
        <translation>已采取的帮扶</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>劝返方案</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>处置结果</translation>
    </message>
    <message>
        <source>Placement</source>
        <translation>安置去向</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>已核实</translation>
    </message>
    <message>
        <source>not verified yet</source>
        <translation>尚未核实</translation>
    </message>
    <message>
        <source>Retention follow-ups</source>
        <translation>巩固回访次数</translation>
    </message>
    <message>
        <source>Typical case</source>
        <translation>典型案例</translation>
    </message>
    <message>
        <source>Who covers the case</source>
        <translation>包保责任人</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>销号日期</translation>
    </message>
    <message>
        <source>Persuasion attempt</source>
        <translation>劝返记录</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Persuaders</source>
        <translation>劝返人</translation>
    </message>
    <message>
        <source>How (e.g. home visit, phone)</source>
        <translation>方式（如上门、电话）</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>How the child rejoined (for a return)</source>
        <translation>返校方式（返校复学时填写）</translation>
    </message>
    <message>
        <source>(not a return)</source>
        <translation>（非返校复学）</translation>
    </message>
    <message>
        <source>Receiving school (for a placement or transfer)</source>
        <translation>接收学校（安置或转学时填写）</translation>
    </message>
    <message>
        <source>Retention follow-up: the child is in school</source>
        <translation>巩固回访：学生在校</translation>
    </message>
    <message>
        <source>Verify the placement: the child attends there</source>
        <translation>核实安置：学生已在接收学校就读</translation>
    </message>
    <message>
        <source>Dropped out again: persuasion starts again</source>
        <translation>复辍：重新开始劝返</translation>
    </message>
    <message>
        <source>Checked by</source>
        <translation>回访人</translation>
    </message>
    <message>
        <source>What was found</source>
        <translation>回访情况</translation>
    </message>
    <message>
        <source>Typical case for the June summary</source>
        <translation>典型案例（用于六月总结）</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>The story of the case</source>
        <translation>案例经过</translation>
    </message>
</context>
<context>
    <name>CasesPage</name>
    <message>
        <source>← Back to the list</source>
        <translation>← 返回列表</translation>
    </message>
    <message>
        <source>Dropout cases</source>
        <translation>劝返个案</translation>
    </message>
    <message>
        <source>Not closed</source>
        <translation>未销号</translation>
    </message>
    <message>
        <source>All cases</source>
        <translation>全部个案</translation>
    </message>
    <message>
        <source>All schools</source>
        <translation>全部学校</translation>
    </message>
    <message>
        <source>Open a case…</source>
        <translation>新建个案…</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>School</source>
        <translation>学校</translation>
    </message>
    <message>
        <source>{count} case(s)</source>
        <translation>共 {count} 件个案</translation>
    </message>
    <message>
        <source>Open a case: choose the student</source>
        <translation>新建个案：选择学生</translation>
    </message>
    <message>
        <source>Open a dropout case</source>
        <translation>新建辍学个案</translation>
    </message>
    <message>
        <source>Open the case</source>
        <translation>建立个案</translation>
    </message>
    <message>
        <source>Found out of school on</source>
        <translation>发现辍学日期</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>辍学原因</translation>
    </message>
    <message>
        <source>Month dropped out (e.g. 2026-03)</source>
        <translation>辍学月份（如 2026-03）</translation>
    </message>
    <message>
        <source>About the reason</source>
        <translation>原因说明</translation>
    </message>
    <message>
        <source>Whereabouts</source>
        <translation>去向</translation>
    </message>
    <message>
        <source>Help already given</source>
        <translation>已采取的帮扶</translation>
    </message>
    <message>
        <source>Plan for this child</source>
        <translation>劝返方案（一生一策）</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <source>The new password again</source>
        <translation>再输入一次新密码</translation>
    </message>
    <message>
        <source>Change my password</source>
        <translation>修改我的密码</translation>
    </message>
    <message>
        <source>Change password</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <source>Current password</source>
        <translation>当前密码</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
</context>
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
    <message>
        <source>On roll</source>
        <translation>在册学生</translation>
    </message>
    <message>
        <source>Found</source>
        <translation>新发现辍学</translation>
    </message>
    <message>
        <source>Back in school</source>
        <translation>劝返复学</translation>
    </message>
    <message>
        <source>Still out</source>
        <translation>仍未返校</translation>
    </message>
    <message>
        <source>Registered poor (found/back/out)</source>
        <translation>建档立卡（发现/复学/未返）</translation>
    </message>
    <message>
        <source>Visits done/planned</source>
        <translation>家访 完成/计划</translation>
    </message>
    <message>
        <source>Key targets</source>
        <translation>重点监测对象</translation>
    </message>
    <message>
        <source>Dropout rate</source>
        <translation>辍学率</translation>
    </message>
    <message>
        <source>Primary retention</source>
        <translation>小学巩固率</translation>
    </message>
    <message>
        <source>Junior retention</source>
        <translation>初中巩固率</translation>
    </message>
    <message>
        <source>Change (found/back/out)</source>
        <translation>比上期（发现/复学/未返）</translation>
    </message>
    <message>
        <source>Counted as</source>
        <translation>统计为</translation>
    </message>
    <message>
        <source>Found on</source>
        <translation>发现日期</translation>
    </message>
    <message>
        <source>Registered poor</source>
        <translation>建档立卡</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>起始日期</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>预警</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Covered by</source>
        <translation>包保责任人</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行号</translation>
    </message>
    <message>
        <source>Mismatch</source>
        <translation>不一致类型</translation>
    </message>
    <message>
        <source>Our record</source>
        <translation>本系统</translation>
    </message>
    <message>
        <source>The list</source>
        <translation>名单</translation>
    </message>
    <message>
        <source>Settled</source>
        <translation>处理情况</translation>
    </message>
</context>
<context>
    <name>ConflictListModel</name>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Values</source>
        <translation>各方的值</translation>
    </message>
</context>
<context>
    <name>ConflictsPage</name>
    <message>
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>Two laptops changed the same field differently without seeing each other&apos;s change. Choose the right value; the other stays in the record&apos;s history.</source>
        <translation>两台电脑在互不知情的情况下把同一栏改成了不同的值。请选定正确的值；另一个值会保留在该记录的修改历史中。</translation>
    </message>
    <message>
        <source>Values</source>
        <translation>各方的值</translation>
    </message>
    <message>
        <source>or type the right value</source>
        <translation>或输入正确的值</translation>
    </message>
    <message>
        <source>Use this value</source>
        <translation>采用这个值</translation>
    </message>
    <message>
        <source>No conflicts to review.</source>
        <translation>没有待处理的冲突。</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Changed by</source>
        <translation>修改人</translation>
    </message>
    <message>
        <source>On laptop</source>
        <translation>所在电脑</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>(shown now)</source>
        <translation>（当前显示）</translation>
    </message>
    <message>
        <source>another laptop&apos;s user</source>
        <translation>另一台电脑的用户</translation>
    </message>
    <message>
        <source>Keep this</source>
        <translation>保留这个</translation>
    </message>
    <message>
        <source>Type the value first.</source>
        <translation>请先输入新的值。</translation>
    </message>
</context>
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
        <source>the person&apos;s name as the lists write it, e.g. 李芳</source>
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
    <name>CrashDialog</name>
    <message>
        <source>(This happened {count} times.)</source>
        <translation>（已发生 {count} 次。）</translation>
    </message>
    <message>
        <source>A draft could not be saved: its form stays open with what was typed; press Save there once the problem is solved.</source>
        <translation>有一份草稿没能保存：它的表单仍然打开着，填写的内容都在；问题解决后请在那里点“保存”。</translation>
    </message>
    <message>
        <source>A report without personal data was written to:</source>
        <translation>已写入一份不含个人信息的报告：</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Copied.</source>
        <translation>已复制。</translation>
    </message>
    <message>
        <source>Copy the report&apos;s path</source>
        <translation>复制报告路径</translation>
    </message>
    <message>
        <source>Jiafang hit an error</source>
        <translation>家访通出错了</translation>
    </message>
    <message>
        <source>Jiafang hit an error.</source>
        <translation>家访通出错了。</translation>
    </message>
    <message>
        <source>No report could be written (the data folder and the temporary folder cannot be written to).</source>
        <translation>无法写入报告（数据文件夹和临时文件夹都不能写入）。</translation>
    </message>
    <message>
        <source>You can go on working; if something looks wrong, save and restart Jiafang.</source>
        <translation>可以继续工作；如果发现异常，请保存后重新启动家访通。</translation>
    </message>
    <message>
        <source>Your draft is saved.</source>
        <translation>草稿已保存。</translation>
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
    <name>DailyBackups</name>
    <message>
        <source>Automatic backup made: {name}</source>
        <extracomment>The first check, this long after the window is shown. Then every few hours: the backup itself is made once a day (backup_if_due decides). How long the status bar says that a backup was made. After each check: the backup&apos;s Path, None when none was due, or the exception that stopped it. The last failure&apos;s message while no backup has been made since (shown in the status bar).</extracomment>
        <translation>已自动备份：{name}</translation>
    </message>
    <message>
        <source>The automatic backup could not be made.</source>
        <translation>自动备份没有做成。</translation>
    </message>
    <message>
        <source>Why?</source>
        <translation>为什么？</translation>
    </message>
    <message>
        <source>Automatic backup</source>
        <translation>自动备份</translation>
    </message>
    <message>
        <source>The automatic backup could not be made; Jiafang goes on working and tries again in a few hours. {reason}</source>
        <translation>自动备份没有做成；家访通照常工作，几小时后会再试。{reason}</translation>
    </message>
</context>
<context>
    <name>DemoDialog</name>
    <message>
        <source>Try the demo district</source>
        <translation>试用演示区</translation>
    </message>
    <message>
        <source>A fictional Xixiangtang district will be generated (all students, households, visits and cases are synthetic). The administrator&apos;s user name is admin.</source>
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
    <name>Dialogs</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Name, pinyin initials (wxm) or student number</source>
        <translation>姓名、拼音首字母（如 wxm）或学籍号</translation>
    </message>
    <message>
        <source>Choose</source>
        <translation>选择</translation>
    </message>
    <message>
        <source>Choose a student from the list.</source>
        <translation>请在列表中选择一名学生。</translation>
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
    <message>
        <source>e.g. 2026-03-01</source>
        <translation>如 2026-03-01</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>身份</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Add a row</source>
        <translation>添加一行</translation>
    </message>
    <message>
        <source>Remove the selected row</source>
        <translation>删除所选行</translation>
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
    <message>
        <source>Replacing a laptop? Restore the school&apos;s backup…</source>
        <translation>换了新电脑？从学校的备份恢复…</translation>
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
    <name>ImportPage</name>
    <message>
        <source>Import a roster</source>
        <translation>导入学生名单</translation>
    </message>
    <message>
        <source>Import the student registry&apos;s export (.xlsx, .xls or .csv), or the poverty or disability systems&apos; lists. Students already here are updated, not duplicated.</source>
        <translation>导入学籍系统导出的名单（.xlsx、.xls 或 .csv），或扶贫、残联系统的名单。已有的学生会被更新，不会重复。</translation>
    </message>
    <message>
        <source>the file exported from the registry</source>
        <translation>学籍系统导出的文件</translation>
    </message>
    <message>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>Import the valid rows even if some rows have errors</source>
        <translation>有错误的行跳过，只导入无误的行</translation>
    </message>
    <message>
        <source>Check the file</source>
        <translation>检查文件</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Choose the roster file</source>
        <translation>选择名单文件</translation>
    </message>
    <message>
        <source>Spreadsheets (*.xlsx *.xls *.csv)</source>
        <translation>电子表格 (*.xlsx *.xls *.csv)</translation>
    </message>
    <message>
        <source>Choose the file first.</source>
        <translation>请先选择文件。</translation>
    </message>
    <message>
        <source>%1 rows read</source>
        <translation>已读取 %1 行</translation>
    </message>
    <message>
        <source>… and %1 more: see the report file</source>
        <translation>……另有 %1 条，见导入报告</translation>
    </message>
    <message>
        <source>Report: %1</source>
        <translation>导入报告：%1</translation>
    </message>
    <message>
        <source>Cancelled; nothing was imported.</source>
        <translation>已取消，没有导入任何记录。</translation>
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
    <message>
        <source>Restore from a backup…</source>
        <translation>从备份恢复…</translation>
    </message>
    <message>
        <source>The backup was restored. Sign in with a password of the backup&apos;s users.</source>
        <translation>备份已恢复。请用备份中用户的密码登录。</translation>
    </message>
    <message>
        <source>Forgot password?</source>
        <extracomment>Whether this data folder has a recovery key; None until looked up (its module is slow to import, so it is looked up once the window is up, not before it appears).</extracomment>
        <translation>忘记密码？</translation>
    </message>
    <message>
        <source>Forgot password? This data folder has no recovery key, so a password cannot be reset here; ask your school&apos;s administrator.</source>
        <translation>忘记密码？这个数据文件夹没有恢复密钥，无法在这里重设密码，请联系学校管理员。</translation>
    </message>
    <message>
        <source>The password of {user} was reset. Sign in with the new password.</source>
        <translation>{user} 的密码已重设，请用新密码登录。</translation>
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
    <message>
        <source>Change my password</source>
        <translation>修改我的密码</translation>
    </message>
    <message>
        <source>Your password was changed.</source>
        <translation>您的密码已修改。</translation>
    </message>
</context>
<context>
    <name>NewPasswordDialog</name>
    <message>
        <source>The new password again</source>
        <translation>再输入一次新密码</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
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
    <message>
        <source>Absences</source>
        <translation>缺勤</translation>
    </message>
    <message>
        <source>Backups</source>
        <translation>备份</translation>
    </message>
    <message>
        <source>Home visits</source>
        <translation>家访</translation>
    </message>
    <message>
        <source>Dropout cases</source>
        <translation>劝返</translation>
    </message>
    <message>
        <source>Return check</source>
        <translation>返校核查</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>Reconciliation</source>
        <translation>名单比对</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>用户</translation>
    </message>
</context>
<context>
    <name>PhotoStrip</name>
    <message>
        <source>Drop photos here, or</source>
        <translation>把照片拖到这里，或</translation>
    </message>
    <message>
        <source>Choose photos…</source>
        <translation>选择照片…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Choose photos</source>
        <translation>选择照片</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
</context>
<context>
    <name>ReconciliationPage</name>
    <message>
        <source>Reconcile with another system&apos;s list</source>
        <translation>与其他系统名单比对（账实相符）</translation>
    </message>
    <message>
        <source>Compare a list from the student registry, the poverty system or the disability federation with the records. Accept a line to apply it, or dismiss it with the reason; dismissed lines stay settled the next time.</source>
        <translation>把学籍系统、建档立卡（防返贫监测）系统或残联的名单与本系统的记录逐条比对。接受一行即按名单更正记录；或写明原因后忽略，下次比对时仍保持已处理。</translation>
    </message>
    <message>
        <source>the list file (.xlsx, .xls or .csv)</source>
        <translation>名单文件（.xlsx、.xls 或 .csv）</translation>
    </message>
    <message>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>Recognise from the columns</source>
        <translation>按表头自动识别</translation>
    </message>
    <message>
        <source>Check the list</source>
        <translation>比对名单</translation>
    </message>
    <message>
        <source>Show settled lines</source>
        <translation>显示已处理的行</translation>
    </message>
    <message>
        <source>(the school the list names)</source>
        <translation>（名单所填的学校）</translation>
    </message>
    <message>
        <source>why the selected lines are dismissed</source>
        <translation>忽略所选行的原因</translation>
    </message>
    <message>
        <source>Accept selected</source>
        <translation>接受所选</translation>
    </message>
    <message>
        <source>Dismiss selected</source>
        <translation>忽略所选</translation>
    </message>
    <message>
        <source>School for children added</source>
        <translation>新登记学生的学校</translation>
    </message>
    <message>
        <source>Choose the list</source>
        <translation>选择名单</translation>
    </message>
    <message>
        <source>Spreadsheets (*.xlsx *.xls *.csv)</source>
        <translation>电子表格 (*.xlsx *.xls *.csv)</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Choose the file first.</source>
        <translation>请先选择文件。</translation>
    </message>
    <message>
        <source>Dismissed: %1</source>
        <translation>已忽略：%1</translation>
    </message>
    <message>
        <source>Select the lines first.</source>
        <translation>请先选择要处理的行。</translation>
    </message>
    <message>
        <source>Write why the lines are dismissed.</source>
        <translation>请写明忽略的原因。</translation>
    </message>
    <message>
        <source>Dismissed.</source>
        <translation>已忽略。</translation>
    </message>
</context>
<context>
    <name>RecordLists</name>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Student</source>
        <translation>学生</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>班级</translation>
    </message>
    <message>
        <source>School</source>
        <translation>学校</translation>
    </message>
    <message>
        <source>Purpose</source>
        <translation>目的</translation>
    </message>
    <message>
        <source>Visitors</source>
        <translation>走访人</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Detected</source>
        <translation>发现日期</translation>
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
        <source>Student number</source>
        <translation>学籍号</translation>
    </message>
    <message>
        <source>Came back</source>
        <translation>已返校</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source> (amendment)</source>
        <translation>（更正）</translation>
    </message>
    <message>
        <source>case open</source>
        <translation>个案未销号</translation>
    </message>
    <message>
        <source>, </source>
        <translation>；</translation>
    </message>
</context>
<context>
    <name>RecoveryDialog</name>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>恢复密钥</translation>
    </message>
    <message>
        <source>Repeat new password</source>
        <translation>再次输入新密码</translation>
    </message>
    <message>
        <source>Reset a forgotten password</source>
        <extracomment>The user whose password was reset, once it was.</extracomment>
        <translation>重设忘记的密码</translation>
    </message>
    <message>
        <source>Set the new password</source>
        <translation>设置新密码</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>With the recovery key the district keeps, give a user a new password. Every record stays as it is; the reset is written to the audit log.</source>
        <translation>用区教育局保管的恢复密钥给用户设置新密码。所有记录保持不变；这次重设会记入审计日志。</translation>
    </message>
</context>
<context>
    <name>RecoveryKeyDialog</name>
    <message>
        <source>I have written it down</source>
        <translation>我已抄下</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>恢复密钥</translation>
    </message>
    <message>
        <source>Write this key down now, on paper, and give it to the district education bureau to keep in a safe place. It is shown only this once. With it, a forgotten password can be reset on this laptop (sign-in window, &quot;Forgot password?&quot;). A recovery key made before no longer works.</source>
        <translation>请现在就把这个密钥抄在纸上，交给区教育局妥善保管。它只显示这一次。有了它，就能在这台电脑上重设忘记的密码（登录窗口中的“忘记密码？”）。以前建立的恢复密钥从此失效。</translation>
    </message>
</context>
<context>
    <name>RekeyDialog</name>
    <message>
        <source>The folder has a new passphrase. Give it to the people using the other laptops: each types it once on its Sync page.</source>
        <translation>同步文件夹已换上新口令。请把新口令告诉使用其他电脑的同事：每台电脑在“同步”页输入一次即可。</translation>
    </message>
    <message>
        <source>Another administrator has already changed this folder&apos;s passphrase. Sync once with the new passphrase on the Sync page, then change it here if it is still needed.</source>
        <translation>另一位管理员已经更换了这个同步文件夹的口令。请先在“同步”页用新口令同步一次，如仍需要，再在这里更换。</translation>
    </message>
    <message>
        <source>Change the share passphrase</source>
        <extracomment>The :class:`sync.rekey.RekeyResult`, once the share has its new key.</extracomment>
        <translation>更换同步口令</translation>
    </message>
    <message>
        <source>Use this when a laptop that syncs with this folder is lost or stolen. This laptop syncs first, then the folder gets a new passphrase and key:</source>
        <translation>与这个同步文件夹同步的笔记本丢失或被盗时使用。本机先同步一次，然后同步文件夹换上新的口令和密钥：</translation>
    </message>
    <message>
        <source>every other laptop must be given the new passphrase once: its next sync stops and asks for it;</source>
        <translation>其他每台电脑都要输入一次新口令：它下次同步时会停下来要求输入；</translation>
    </message>
    <message>
        <source>the laptops ticked below are revoked: what they synced before is kept, every change they make from now on is refused by all laptops;</source>
        <translation>下面勾选的电脑将被撤销：它们之前同步的内容保留，此后它们做的任何变更，各电脑一律拒收；</translation>
    </message>
    <message>
        <source>the lost laptop cannot open anything synced after the change.</source>
        <translation>丢失的电脑打不开更换之后同步的任何内容。</translation>
    </message>
    <message>
        <source>If it was also enrolled with the district server, have the district revoke it there too.</source>
        <translation>如果它也在区教育局服务器上登记过，请区里在服务器上也将它撤销。</translation>
    </message>
    <message>
        <source>Shared folder: %1</source>
        <translation>同步文件夹：%1</translation>
    </message>
    <message>
        <source>Laptops of this folder (as of this laptop&apos;s last sync): tick the lost one to revoke it</source>
        <translation>使用这个同步文件夹的电脑（以本机上次同步时为准）：勾选丢失的电脑以撤销它</translation>
    </message>
    <message>
        <source>Reading the laptops…</source>
        <translation>正在读取电脑列表…</translation>
    </message>
    <message>
        <source>at least 8 characters, not the current one</source>
        <translation>至少 8 个字符，不能与现在的口令相同</translation>
    </message>
    <message>
        <source>New sync passphrase</source>
        <translation>新的同步口令</translation>
    </message>
    <message>
        <source>The new passphrase again</source>
        <translation>再输入一次新口令</translation>
    </message>
    <message>
        <source>Change the passphrase</source>
        <translation>更换口令</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>This laptop knows no other laptop of this folder yet: sync first.</source>
        <translation>本机还不知道这个同步文件夹的其他电脑：请先同步一次。</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>（未命名）</translation>
    </message>
    <message>
        <source>%1 change(s)</source>
        <translation>%1 条变更</translation>
    </message>
    <message>
        <source>this laptop</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>revoked already (its first %1 changes are kept)</source>
        <translation>已撤销（保留其前 %1 条变更）</translation>
    </message>
    <message>
        <source>The two passphrases differ; type the same one twice.</source>
        <translation>两次输入的口令不一样，请输入两次相同的口令。</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Cancelled: the passphrase was not changed. What the sync had already applied stays applied.</source>
        <translation>已取消：口令没有更换。同步已经应用的变更保持不变。</translation>
    </message>
</context>
<context>
    <name>ReportsPage</name>
    <message>
        <source>Found this period</source>
        <translation>本期新发现</translation>
    </message>
    <message>
        <source>Back this period</source>
        <translation>本期劝返复学</translation>
    </message>
    <message>
        <source>Other outcome this period</source>
        <translation>本期处置（其他）</translation>
    </message>
    <message>
        <source>Still out</source>
        <translation>仍未返校</translation>
    </message>
    <message>
        <source>Key target to visit</source>
        <translation>重点对象待家访</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>Weekly</source>
        <translation>周报</translation>
    </message>
    <message>
        <source>Monthly</source>
        <translation>月报</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>查看</translation>
    </message>
    <message>
        <source>Back up a level</source>
        <translation>返回上一级</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>Day in the period</source>
        <translation>统计日期</translation>
    </message>
    <message>
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <source>Export Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <source>Export ledger…</source>
        <translation>导出台账…</translation>
    </message>
    <message>
        <source>Ledger</source>
        <translation>台账</translation>
    </message>
    <message>
        <source>Checker</source>
        <translation>核查人</translation>
    </message>
    <message>
        <source>Prepared by</source>
        <translation>填表人</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>The ledger covers what the report shows: the district, a township or a school.</source>
        <translation>台账的范围与当前报表一致：全区、某个镇/街道或某所学校。</translation>
    </message>
    <message>
        <source>Indicators</source>
        <translation>主要指标</translation>
    </message>
    <message>
        <source>Warnings</source>
        <translation>预警</translation>
    </message>
    <message>
        <source>Ledgers</source>
        <translation>台账</translation>
    </message>
    <message>
        <source>District</source>
        <translation>全区</translation>
    </message>
    <message>
        <source>Found</source>
        <translation>新发现辍学</translation>
    </message>
    <message>
        <source>Back in school</source>
        <translation>劝返复学</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>Warnings: %1</source>
        <translation>预警：%1 条</translation>
    </message>
    <message>
        <source>weekly report</source>
        <translation>周报</translation>
    </message>
    <message>
        <source>monthly report</source>
        <translation>月报</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Export the report</source>
        <translation>导出报表</translation>
    </message>
    <message>
        <source>Export the ledger</source>
        <translation>导出台账</translation>
    </message>
    <message>
        <source>Saved %1 (it holds personal data: keep it safe).</source>
        <translation>已保存 %1（含个人信息，请妥善保管）。</translation>
    </message>
</context>
<context>
    <name>RestoreDialog</name>
    <message>
        <source>Restore from a backup</source>
        <translation>从备份恢复</translation>
    </message>
    <message>
        <source>Replace the data on this laptop with a backup</source>
        <translation>用备份替换本机的数据</translation>
    </message>
    <message>
        <source>Every record on this laptop is replaced by the backup&apos;s. What was entered after the backup was made is no longer in the app, unless it was synced: the next sync brings it back.</source>
        <translation>本机的所有记录都会换成备份里的记录。备份之后录入的内容将不在程序里；已经同步过的，下次同步会取回。</translation>
    </message>
    <message>
        <source>Nothing is deleted: the current data is moved to a folder named &quot;replaced-&quot; with the date and time, in {folder}</source>
        <translation>不会删除任何数据：现有数据会移到 {folder} 里一个以“replaced-”加日期时间命名的文件夹</translation>
    </message>
    <message>
        <source>This laptop gets a new device id; the other laptops are not affected.</source>
        <translation>本机将获得新的设备编号；其他电脑不受影响。</translation>
    </message>
    <message>
        <source>Backup file</source>
        <translation>备份文件</translation>
    </message>
    <message>
        <source>No backup in the backup folder: choose a file</source>
        <translation>备份文件夹里没有备份，请选择文件</translation>
    </message>
    <message>
        <source>Choose a file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password (as it was when the backup was made)</source>
        <translation>密码（做备份时的密码）</translation>
    </message>
    <message>
        <source>I understand: the data on this laptop will be replaced by the backup&apos;s</source>
        <translation>我明白：本机的数据将被备份里的数据替换</translation>
    </message>
    <message>
        <source>Restoring… this takes a moment; do not turn the laptop off.</source>
        <translation>正在恢复……需要一点时间，请不要关闭电脑。</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Back to sign-in</source>
        <translation>返回登录</translation>
    </message>
    <message>
        <source>Choose the backup file</source>
        <extracomment>The restore&apos;s outcome, once it is done. Asks for a backup file (None: cancelled); replaced in tests, where a file dialog cannot be used.</extracomment>
        <translation>选择备份文件</translation>
    </message>
    <message>
        <source>Jiafang backups (*.jfbak);;All files (*)</source>
        <translation>家访通备份 (*.jfbak);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Choose the backup file first.</source>
        <translation>请先选择备份文件。</translation>
    </message>
    <message>
        <source>The backup was restored.</source>
        <translation>备份已恢复。</translation>
    </message>
    <message>
        <source>Backup made: {time}</source>
        <translation>备份时间：{time}</translation>
    </message>
    <message>
        <source>This laptop&apos;s new device id: {device}</source>
        <translation>本机的新设备编号：{device}</translation>
    </message>
    <message>
        <source>The data it replaced is kept in: {folder}</source>
        <translation>被替换的数据保存在：{folder}</translation>
    </message>
    <message>
        <source>Sign in as usual, then sync: what other laptops entered since the backup was made comes in.</source>
        <translation>请照常登录，然后同步：其他电脑在备份之后录入的内容会同步进来。</translation>
    </message>
</context>
<context>
    <name>ReturnCheckPage</name>
    <message>
        <source>Return check at term start</source>
        <translation>开学返校核查</translation>
    </message>
    <message>
        <source>(choose a school)</source>
        <translation>（请选择学校）</translation>
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
        <source>Term</source>
        <translation>学期</translation>
    </message>
    <message>
        <source>Check date</source>
        <translation>核查日期</translation>
    </message>
    <message>
        <source>Mark everyone as back</source>
        <translation>全部标为已返校</translation>
    </message>
    <message>
        <source>Save the check</source>
        <translation>保存核查结果</translation>
    </message>
    <message>
        <source>Tick each student who came back. For each who did not, choose the reason (double-click the cell) and add details if you know them.</source>
        <translation>请勾选已返校的学生；未返校的学生请选择原因（双击单元格），了解情况的可补充说明。</translation>
    </message>
    <message>
        <source>Save and open cases for {count} not back</source>
        <translation>保存并为 {count} 名未返校学生建立个案</translation>
    </message>
    <message>
        <source>Recording the return check…</source>
        <translation>正在保存返校核查…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Recorded {count} check(s).</source>
        <translation>已记录 {count} 名学生的核查结果。</translation>
    </message>
    <message>
        <source>Opened {count} dropout case(s).</source>
        <translation>已建立 {count} 件辍学个案。</translation>
    </message>
    <message>
        <source>{count} already had an open case, which goes on.</source>
        <translation>{count} 名学生已有未销号的个案，继续在原个案中跟进。</translation>
    </message>
    <message>
        <source>Cancelled; nothing was recorded.</source>
        <translation>已取消，没有记录任何内容。</translation>
    </message>
</context>
<context>
    <name>RoleDialog</name>
    <message>
        <source>A teacher sees the students of the school and edits those they cover; a school administrator also manages users, imports and exports; the district education bureau does all of that for every school.</source>
        <translation>教师查看本校学生，编辑自己包保的学生；学校管理员还可以管理用户、导入和导出；区教育局对所有学校都可以这样做。</translation>
    </message>
    <message>
        <source>Role of {name}</source>
        <translation>{name} 的角色</translation>
    </message>
    <message>
        <source>Change the role of {name}</source>
        <translation>更改 {name} 的角色</translation>
    </message>
    <message>
        <source>Change role</source>
        <translation>更改角色</translation>
    </message>
</context>
<context>
    <name>RosterPage</name>
    <message>
        <source>All classes</source>
        <extracomment>The most students &quot;Assign who covers…&quot; names at once: a class, a grade of a large school; not a district by mistake.</extracomment>
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
        <source>This laptop&apos;s name</source>
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
    <name>SignatureBox</name>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Accept signature</source>
        <translation>确认签名</translation>
    </message>
    <message>
        <source>Sign on the pad first.</source>
        <translation>请先在签名板上签名。</translation>
    </message>
    <message>
        <source>Signed</source>
        <translation>已签名</translation>
    </message>
    <message>
        <source>Not signed yet</source>
        <translation>尚未签名</translation>
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
    <message>
        <source>Select a line to change or remove it. The teachers named on the education line may change the student&apos;s records.</source>
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
    <message>
        <source>(hidden)</source>
        <translation>（已隐藏）</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
    <message>
        <source>Mask it again</source>
        <translation>重新隐藏</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Show the full value in this view only; this is recorded in the audit log</source>
        <translation>仅在本次查看中显示完整内容；此操作会记入审计日志</translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>Sync with the school&apos;s shared folder or a USB stick. Changes made on other laptops come in, this laptop&apos;s changes go out; nothing anybody typed is lost.</source>
        <translation>与学校的共享文件夹或U盘同步：其他电脑的修改会导入本机，本机的修改会发送出去；任何人填写的内容都不会丢失。</translation>
    </message>
    <message>
        <source>Shared folder or USB stick</source>
        <translation>共享文件夹或U盘</translation>
    </message>
    <message>
        <source>e.g. \\school-server\jiafang or E:\jiafang</source>
        <translation>如 \\学校服务器\jiafang 或 E:\jiafang</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>only needed the first time with this folder</source>
        <translation>仅第一次使用该文件夹时需要</translation>
    </message>
    <message>
        <source>Sync passphrase</source>
        <translation>同步口令</translation>
    </message>
    <message>
        <source>District server</source>
        <translation>区教育局服务器</translation>
    </message>
    <message>
        <source>e.g. https://jiafang.district.example:8443</source>
        <translation>例如 https://jiafang.district.example:8443</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <source>only the first time: the code the district gave</source>
        <translation>仅第一次需要：区教育局给的登记码</translation>
    </message>
    <message>
        <source>Enrollment code</source>
        <translation>登记码</translation>
    </message>
    <message>
        <source>optional: a device token instead of a code</source>
        <translation>可选：用设备令牌代替登记码</translation>
    </message>
    <message>
        <source>Device token</source>
        <translation>设备令牌</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Sync with server</source>
        <translation>与服务器同步</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Last sync</source>
        <translation>上次同步</translation>
    </message>
    <message>
        <source>This laptop is not enrolled with a server yet.</source>
        <translation>这台电脑尚未在服务器登记。</translation>
    </message>
    <message>
        <source>Enrolled with %1</source>
        <translation>已在 %1 登记</translation>
    </message>
    <message>
        <source>Changes on this laptop not yet synced: %1</source>
        <translation>本机尚未同步的修改：%1 条</translation>
    </message>
    <message>
        <source>This laptop has never synced.</source>
        <translation>本机从未同步过。</translation>
    </message>
    <message>
        <source>Choose the shared folder or USB stick</source>
        <translation>选择共享文件夹或U盘</translation>
    </message>
    <message>
        <source>Choose the shared folder or USB stick first.</source>
        <translation>请先选择共享文件夹或U盘。</translation>
    </message>
    <message>
        <source>Type the server&apos;s address first.</source>
        <translation>请先填写服务器地址。</translation>
    </message>
    <message>
        <source>The sync finished with problems; see below.</source>
        <translation>同步已完成，但有问题，见下方说明。</translation>
    </message>
    <message>
        <source>Sync cancelled. What was already applied stays applied.</source>
        <translation>同步已取消；已导入的内容保持有效。</translation>
    </message>
    <message>
        <source>Needed the first time with this folder, and once more after an administrator changes the folder&apos;s passphrase (when a laptop is lost)</source>
        <translation>第一次使用这个同步文件夹时需要；管理员更换文件夹的口令后（有电脑丢失时）也需要再输入一次</translation>
    </message>
    <message>
        <source>Change the share passphrase (lost laptop)…</source>
        <translation>更换同步口令（笔记本丢失）…</translation>
    </message>
    <message>
        <source>When a laptop is lost or stolen: give this folder a new passphrase and shut the lost laptop out</source>
        <translation>笔记本丢失或被盗时：为这个同步文件夹换上新口令，不再让丢失的电脑同步</translation>
    </message>
    <message>
        <source>This is not the folder&apos;s new passphrase. An administrator changed the passphrase of this folder (a laptop was lost): ask them for the new one, type it in the passphrase field and sync again. Nothing on this laptop was changed.</source>
        <translation>输入的不是这个同步文件夹的新口令。管理员已更换了它的口令（有电脑丢失）：请向管理员索取新口令，填入同步口令一栏后再同步。本机的数据没有变化。</translation>
    </message>
    <message>
        <source>An administrator changed the passphrase of this folder (a laptop was lost). Ask them for the new passphrase, type it in the passphrase field and sync again; it is needed only once. Nothing on this laptop was changed.</source>
        <translation>管理员已更换这个同步文件夹的口令（有电脑丢失）。请向管理员索取新口令，填入同步口令一栏后再同步；只需输入这一次。本机的数据没有变化。</translation>
    </message>
    <message>
        <source>the new passphrase (an administrator changed it)</source>
        <translation>新口令（管理员已更换了口令）</translation>
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
        <source>Loading the day&apos;s work…</source>
        <translation>正在读取今天的工作…</translation>
    </message>
    <message>
        <source>The day&apos;s work could not be read: {error}</source>
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
    <name>UserDialogs</name>
    <message>
        <source>at least 6 characters</source>
        <translation>至少 6 个字符</translation>
    </message>
</context>
<context>
    <name>UsersPage</name>
    <message>
        <source>{name}&apos;s old password stops working at once. Tell them the new one in person, not in a message.</source>
        <translation>{name} 的旧密码立即失效。请当面告诉对方新密码，不要用消息发送。</translation>
    </message>
    <message>
        <source>{name} signs in again with a new password (the old one was removed when the account was deactivated).</source>
        <translation>{name} 将用新密码重新登录（停用账号时旧密码已被删除）。</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>The people who sign in on this laptop. Each password opens the data by itself; a deactivated account&apos;s password opens nothing. Accounts stay on this laptop (they are not synced); every change is in the audit log.</source>
        <translation>在这台电脑上登录的人。每个人的密码各自都能打开数据；停用账号的密码什么也打不开。账号只保存在这台电脑上（不同步）；每一项改动都记入审计日志。</translation>
    </message>
    <message>
        <source>Add user…</source>
        <translation>添加用户…</translation>
    </message>
    <message>
        <source>Set password…</source>
        <translation>设定密码…</translation>
    </message>
    <message>
        <source>Change role…</source>
        <translation>更改角色…</translation>
    </message>
    <message>
        <source>Deactivate…</source>
        <translation>停用…</translation>
    </message>
    <message>
        <source>Reactivate…</source>
        <translation>重新启用…</translation>
    </message>
    <message>
        <source>Added {name}. They can sign in with the password you gave them.</source>
        <extracomment>The dialog open now (one at a time), for tests to fill in.</extracomment>
        <translation>已添加 {name}，可以用您设定的密码登录。</translation>
    </message>
    <message>
        <source>New password for {name}</source>
        <translation>为 {name} 设定新密码</translation>
    </message>
    <message>
        <source>Set password</source>
        <translation>设定密码</translation>
    </message>
    <message>
        <source>{name} has a new password; the old one no longer works.</source>
        <translation>{name} 已有新密码，旧密码不再有效。</translation>
    </message>
    <message>
        <source>{name} is now: {role}.</source>
        <translation>{name} 现在的角色：{role}。</translation>
    </message>
    <message>
        <source>Reactivate {name}</source>
        <translation>重新启用 {name}</translation>
    </message>
    <message>
        <source>Reactivate</source>
        <translation>重新启用</translation>
    </message>
    <message>
        <source>{name} is active again and signs in with the new password.</source>
        <translation>{name} 已重新启用，用新密码登录。</translation>
    </message>
    <message>
        <source>Deactivate {name}? Their password stops opening the data at once; you can reactivate the account later with a new password.</source>
        <translation>停用 {name}？其密码将立即不能再打开数据；以后可以用新密码重新启用这个账号。</translation>
    </message>
    <message>
        <source>{name} is deactivated.</source>
        <translation>{name} 已停用。</translation>
    </message>
    <message>
        <source>Deactivate a user</source>
        <translation>停用用户</translation>
    </message>
</context>
<context>
    <name>UsersTable</name>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>显示名称</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>School</source>
        <translation>学校</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>建立日期</translation>
    </message>
    <message>
        <source>Last sign-in</source>
        <translation>上次登录</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Deactivated</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未登录</translation>
    </message>
</context>
<context>
    <name>VisitForm</name>
    <message>
        <source>Student</source>
        <translation>学生</translation>
    </message>
    <message>
        <source>Household members and parents&apos; work:</source>
        <translation>家庭成员及父母务工情况：</translation>
    </message>
    <message>
        <source>The visit</source>
        <translation>家访情况</translation>
    </message>
    <message>
        <source>(choose)</source>
        <translation>（请选择）</translation>
    </message>
    <message>
        <source>Visit date</source>
        <translation>家访日期</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>e.g. 14:30</source>
        <translation>如 14:30</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>专项行动</translation>
    </message>
    <message>
        <source>Purpose of the visit</source>
        <translation>家访目的</translation>
    </message>
    <message>
        <source>Contact phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Visitors (teachers and cadres)</source>
        <translation>走访人员（教师和干部）</translation>
    </message>
    <message>
        <source>Who visited</source>
        <translation>走访人</translation>
    </message>
    <message>
        <source>Family and child</source>
        <translation>家庭与学生情况</translation>
    </message>
    <message>
        <source>Policies explained</source>
        <translation>宣讲政策</translation>
    </message>
    <message>
        <source>Findings and help</source>
        <translation>问题与帮扶</translation>
    </message>
    <message>
        <source>Follow-up</source>
        <translation>跟进</translation>
    </message>
    <message>
        <source>Follow-up date</source>
        <translation>跟进日期</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>Guardian&apos;s signature</source>
        <translation>监护人签名</translation>
    </message>
    <message>
        <source>Visitors&apos; signature</source>
        <translation>走访人签名</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Restored what was typed before, including fields that still need correcting.</source>
        <translation>已恢复上次填写的内容，包括仍需改正的栏目。</translation>
    </message>
    <message>
        <source>{name} · {sex} · age {age} · {school} {klass} · student number {number}</source>
        <translation>{name} · {sex} · {age} 岁 · {school} {klass} · 学籍号 {number}</translation>
    </message>
    <message>
        <source>No household members recorded.</source>
        <translation>尚未登记家庭成员。</translation>
    </message>
    <message>
        <source>Finalized {when}. This record is read-only; to correct it, make an amendment.</source>
        <translation>已于 {when} 定稿。本记录只读；如需更正，请新建更正记录。</translation>
    </message>
    <message>
        <source>Draft of an amendment to an earlier visit record.</source>
        <translation>更正记录草稿（更正此前的一份家访记录）。</translation>
    </message>
    <message>
        <source>Draft: saved automatically as you type.</source>
        <translation>草稿：填写时自动保存。</translation>
    </message>
    <message>
        <source>Draft saved at {time}; {count} field(s) need correcting (what you typed there is kept).</source>
        <translation>草稿已于 {time} 保存；有 {count} 个栏目需要改正（已填写的内容会保留）。</translation>
    </message>
    <message>
        <source>Draft saved at {time}.</source>
        <translation>草稿已于 {time} 保存。</translation>
    </message>
    <message>
        <source>Delete this draft? What was typed in it will be gone.</source>
        <translation>删除这份草稿？其中填写的内容将不再保留。</translation>
    </message>
    <message>
        <source>Please confirm</source>
        <translation>请确认</translation>
    </message>
    <message>
        <source>Adding {count} photo(s)…</source>
        <translation>正在添加 {count} 张照片…</translation>
    </message>
</context>
<context>
    <name>VisitsPage</name>
    <message>
        <source>Home visits</source>
        <translation>家访记录</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>All campaigns</source>
        <translation>全部专项行动</translation>
    </message>
    <message>
        <source>All schools</source>
        <translation>全部学校</translation>
    </message>
    <message>
        <source>New visit</source>
        <translation>新建家访</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>专项行动</translation>
    </message>
    <message>
        <source>School</source>
        <translation>学校</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>← Back to the list</source>
        <translation>← 返回列表</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Finalize</source>
        <translation>定稿</translation>
    </message>
    <message>
        <source>Make an amendment</source>
        <translation>新建更正记录</translation>
    </message>
    <message>
        <source>Delete draft</source>
        <translation>删除草稿</translation>
    </message>
    <message>
        <source>{count} visit record(s)</source>
        <translation>共 {count} 份家访记录</translation>
    </message>
    <message>
        <source>New home visit: choose the student</source>
        <translation>新建家访：选择学生</translation>
    </message>
</context>
<context>
    <name>_Form</name>
    <message>
        <source>OK</source>
        <extracomment>DomainError.field values of the services, mapped to this form&apos;s fields.</extracomment>
        <translation>确定</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
</TS>
