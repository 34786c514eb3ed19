<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
    <context>
        <name>BackupPage</name>
        <message>
            <source>Backups</source>
            <translation>备份</translation>
        </message>
        <message>
            <source>Jiafang backs up this laptop's data by itself: once a day, before a sync brings in other laptops' changes, and before an update changes the data. A backup is encrypted: it opens only with the password of a user of this laptop. Keep a recent one on a USB stick, away from the laptop.</source>
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
            <source>To restore a backup: quit Jiafang, then choose "Restore from a backup…" in the sign-in window. The data it replaces is kept in the backup folder, not deleted.</source>
            <translation>要恢复备份：先退出家访通，再在登录窗口点“从备份恢复…”。被替换的数据会保留在备份文件夹里，不会删除。</translation>
        </message>
        <message>
            <source>No backup in this folder yet.</source>
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
The database file as it was before the upgrade, for putting back by hand; the sign-in window's restore does not take it.</source>
            <translation>{path}
升级前的数据库文件，供手工放回；登录窗口的“从备份恢复”不能使用它。</translation>
        </message>
    </context>
    <context>
        <name>DailyBackups</name>
        <message>
            <source>Automatic backup made: {name}</source>
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
        <name>FirstRunDialog</name>
        <message>
            <source>Replacing a laptop? Restore the school&apos;s backup…</source>
            <translation>换了新电脑？从学校的备份恢复…</translation>
        </message>
    </context>
    <context>
        <name>LoginDialog</name>
        <message>
            <source>Restore from a backup…</source>
            <translation>从备份恢复…</translation>
        </message>
        <message>
            <source>The backup was restored. Sign in with a password of the backup's users.</source>
            <translation>备份已恢复。请用备份中用户的密码登录。</translation>
        </message>
    </context>
    <context>
        <name>Pages</name>
        <message>
            <source>Backups</source>
            <translation>备份</translation>
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
            <source>Every record on this laptop is replaced by the backup's. What was entered after the backup was made is no longer in the app, unless it was synced: the next sync brings it back.</source>
            <translation>本机的所有记录都会换成备份里的记录。备份之后录入的内容将不在程序里；已经同步过的，下次同步会取回。</translation>
        </message>
        <message>
            <source>Nothing is deleted: the current data is moved to a folder named "replaced-" with the date and time, in {folder}</source>
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
            <source>I understand: the data on this laptop will be replaced by the backup's</source>
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
            <source>This laptop's new device id: {device}</source>
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
</TS>
