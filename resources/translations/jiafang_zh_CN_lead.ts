<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ConflictListModel</name>
    <message>
        <location filename="../work/main/app/ui/pages/conflicts_page.py" line="62" />
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/conflicts_page.py" line="62" />
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/conflicts_page.py" line="62" />
        <source>Values</source>
        <translation>各方的值</translation>
    </message>
</context>
<context>
    <name>ConflictsPage</name>
    <message>
        <location filename="../work/main/app/ui/pages/conflicts_page.py" line="81" />
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/conflicts_page.py" line="83" />
        <source>Two laptops changed the same field differently without seeing each other's change. Choose the right value; the other stays in the record's history.</source>
        <translation>两台电脑在互不知情的情况下把同一栏改成了不同的值。请选定正确的值；另一个值会保留在该记录的修改历史中。</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/conflicts_page.py" line="93" />
        <source>Values</source>
        <translation>各方的值</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/conflicts_page.py" line="96" />
        <source>or type the right value</source>
        <translation>或输入正确的值</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/conflicts_page.py" line="97" />
        <source>Use this value</source>
        <translation>采用这个值</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/conflicts_page.py" line="105" />
        <source>No conflicts to review.</source>
        <translation>没有待处理的冲突。</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/conflicts_page.py" line="146" />
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/conflicts_page.py" line="146" />
        <source>Changed by</source>
        <translation>修改人</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/conflicts_page.py" line="146" />
        <source>On laptop</source>
        <translation>所在电脑</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/conflicts_page.py" line="146" />
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/conflicts_page.py" line="151" />
        <source>(shown now)</source>
        <translation>（当前显示）</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/conflicts_page.py" line="153" />
        <source>another laptop's user</source>
        <translation>另一台电脑的用户</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/conflicts_page.py" line="156" />
        <source>Keep this</source>
        <translation>保留这个</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/conflicts_page.py" line="179" />
        <source>Type the value first.</source>
        <translation>请先输入新的值。</translation>
    </message>
</context>
<context>
    <name>ImportPage</name>
    <message>
        <location filename="../work/main/app/ui/pages/import_page.py" line="45" />
        <source>Import a roster</source>
        <translation>导入学生名单</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/import_page.py" line="47" />
        <source>Import the student registry's export (.xlsx, .xls or .csv), or the poverty or disability systems' lists. Students already here are updated, not duplicated.</source>
        <translation>导入学籍系统导出的名单（.xlsx、.xls 或 .csv），或扶贫、残联系统的名单。已有的学生会被更新，不会重复。</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/import_page.py" line="51" />
        <source>the file exported from the registry</source>
        <translation>学籍系统导出的文件</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/import_page.py" line="52" />
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/import_page.py" line="57" />
        <source>Import the valid rows even if some rows have errors</source>
        <translation>有错误的行跳过，只导入无误的行</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/import_page.py" line="58" />
        <source>Check the file</source>
        <translation>检查文件</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/import_page.py" line="60" />
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/import_page.py" line="62" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/import_page.py" line="89" />
        <source>Choose the roster file</source>
        <translation>选择名单文件</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/import_page.py" line="90" />
        <source>Spreadsheets (*.xlsx *.xls *.csv)</source>
        <translation>电子表格 (*.xlsx *.xls *.csv)</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/import_page.py" line="99" />
        <source>Choose the file first.</source>
        <translation>请先选择文件。</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/import_page.py" line="142" />
        <source>%1 rows read</source>
        <translation>已读取 %1 行</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/import_page.py" line="147" />
        <source>… and %1 more: see the report file</source>
        <translation>……另有 %1 条，见导入报告</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/import_page.py" line="165" />
        <source>Report: %1</source>
        <translation>导入报告：%1</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/import_page.py" line="176" />
        <source>Cancelled; nothing was imported.</source>
        <translation>已取消，没有导入任何记录。</translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="42" />
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="44" />
        <source>Sync with the school's shared folder or a USB stick. Changes made on other laptops come in, this laptop's changes go out; nothing anybody typed is lost.</source>
        <translation>与学校的共享文件夹或U盘同步：其他电脑的修改会导入本机，本机的修改会发送出去；任何人填写的内容都不会丢失。</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="48" />
        <source>Shared folder or USB stick</source>
        <translation>共享文件夹或U盘</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="51" />
        <source>e.g. \\school-server\jiafang or E:\jiafang</source>
        <translation>如 \\学校服务器\jiafang 或 E:\jiafang</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="52" />
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="57" />
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="60" />
        <source>only needed the first time with this folder</source>
        <translation>仅第一次使用该文件夹时需要</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="61" />
        <source>Sync passphrase</source>
        <translation>同步口令</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="66" />
        <source>District server</source>
        <translation>区教育局服务器</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="69" />
        <source>e.g. https://jiafang.district.example:8443</source>
        <translation>如 https://jiafang.district.example:8443</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="70" />
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="72" />
        <source>only the first time: the code the district gave</source>
        <translation>仅第一次：区教育局提供的注册码</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="73" />
        <source>Enrollment code</source>
        <translation>注册码</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="76" />
        <source>optional: a device token instead of a code</source>
        <translation>可选：用设备令牌代替注册码</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="77" />
        <source>Device token</source>
        <translation>设备令牌</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="79" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="80" />
        <source>Sync with server</source>
        <translation>与服务器同步</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="84" />
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="87" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="113" />
        <source>Last sync</source>
        <translation>上次同步</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="123" />
        <source>This laptop is not enrolled with a server yet.</source>
        <translation>本机尚未在服务器注册。</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="125" />
        <source>Enrolled with %1</source>
        <translation>已在 %1 注册</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="127" />
        <source>Changes on this laptop not yet synced: %1</source>
        <translation>本机尚未同步的修改：%1 条</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="131" />
        <source>This laptop has never synced.</source>
        <translation>本机从未同步过。</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="137" />
        <source>Choose the shared folder or USB stick</source>
        <translation>选择共享文件夹或U盘</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="147" />
        <source>Choose the shared folder or USB stick first.</source>
        <translation>请先选择共享文件夹或U盘。</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="162" />
        <source>Type the server's address first.</source>
        <translation>请先输入服务器地址。</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="210" />
        <source>The sync finished with problems; see below.</source>
        <translation>同步已完成，但有问题，见下方说明。</translation>
    </message>
    <message>
        <location filename="../work/main/app/ui/pages/sync_page.py" line="215" />
        <source>Sync cancelled. What was already applied stays applied.</source>
        <translation>同步已取消；已导入的内容保持有效。</translation>
    </message>
</context>
</TS>