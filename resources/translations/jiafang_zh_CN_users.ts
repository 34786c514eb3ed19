<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
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
        <name>MainWindow</name>
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
            <source>Users</source>
            <translation>用户</translation>
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
        <name>UserDialogs</name>
        <message>
            <source>at least 6 characters</source>
            <translation>至少 6 个字符</translation>
        </message>
    </context>
    <context>
        <name>UsersPage</name>
        <message>
            <source>{name}'s old password stops working at once. Tell them the new one in person, not in a message.</source>
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
            <source>The people who sign in on this laptop. Each password opens the data by itself; a deactivated account's password opens nothing. Accounts stay on this laptop (they are not synced); every change is in the audit log.</source>
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
</TS>
