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
    <context>
        <name>RekeyDialog</name>
        <message>
            <source>The folder has a new passphrase. Give it to the people using the other laptops: each types it once on its Sync page.</source>
            <translation>同步文件夹已换上新口令。请把新口令告诉使用其他电脑的同事：每台电脑在“同步”页输入一次即可。</translation>
        </message>
        <message>
            <source>Another administrator has already changed this folder's passphrase. Sync once with the new passphrase on the Sync page, then change it here if it is still needed.</source>
            <translation>另一位管理员已经更换了这个同步文件夹的口令。请先在“同步”页用新口令同步一次，如仍需要，再在这里更换。</translation>
        </message>
        <message>
            <source>Change the share passphrase</source>
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
            <source>Laptops of this folder (as of this laptop's last sync): tick the lost one to revoke it</source>
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
        <name>SyncPage</name>
        <message>
            <source>Needed the first time with this folder, and once more after an administrator changes the folder's passphrase (when a laptop is lost)</source>
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
            <source>This is not the folder's new passphrase. An administrator changed the passphrase of this folder (a laptop was lost): ask them for the new one, type it in the passphrase field and sync again. Nothing on this laptop was changed.</source>
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
</TS>
