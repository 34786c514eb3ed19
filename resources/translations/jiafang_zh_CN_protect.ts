<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
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
            <source>Intact: every laptop's chain of audit events checks out.</source>
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
            <source>The district's key for resetting a forgotten password on this laptop</source>
            <translation>区教育局保管的密钥，用于在这台电脑上重设忘记的密码</translation>
        </message>
        <message>
            <source>Verify that no audit event was changed or removed</source>
            <translation>核对没有任何审计记录被修改或删除</translation>
        </message>
        <message>
            <source>Who viewed or revealed a student's file, exported, printed, signed in or reset a password, and when; newest first. Events cannot be changed or deleted, and every laptop chains its own, so tampering shows.</source>
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
            <source>Copy the report's path</source>
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
        <name>LoginDialog</name>
        <message>
            <source>Forgot password?</source>
            <translation>忘记密码？</translation>
        </message>
        <message>
            <source>Forgot password? This data folder has no recovery key, so a password cannot be reset here; ask your school's administrator.</source>
            <translation>忘记密码？这个数据文件夹没有恢复密钥，无法在这里重设密码，请联系学校管理员。</translation>
        </message>
        <message>
            <source>The password of {user} was reset. Sign in with the new password.</source>
            <translation>{user} 的密码已重设，请用新密码登录。</translation>
        </message>
    </context>
    <context>
        <name>Pages</name>
        <message>
            <source>Audit log</source>
            <translation>审计日志</translation>
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
            <source>Write this key down now, on paper, and give it to the district education bureau to keep in a safe place. It is shown only this once. With it, a forgotten password can be reset on this laptop (sign-in window, "Forgot password?"). A recovery key made before no longer works.</source>
            <translation>请现在就把这个密钥抄在纸上，交给区教育局妥善保管。它只显示这一次。有了它，就能在这台电脑上重设忘记的密码（登录窗口中的“忘记密码？”）。以前建立的恢复密钥从此失效。</translation>
        </message>
    </context>
    <context>
        <name>StudentView</name>
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
</TS>
