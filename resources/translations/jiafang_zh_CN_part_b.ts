<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
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
        <name>Pages</name>
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
        <name>VisitForm</name>
        <message>
            <source>Student</source>
            <translation>学生</translation>
        </message>
        <message>
            <source>Household members and parents' work:</source>
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
            <source>Guardian's signature</source>
            <translation>监护人签名</translation>
        </message>
        <message>
            <source>Visitors' signature</source>
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
</TS>
