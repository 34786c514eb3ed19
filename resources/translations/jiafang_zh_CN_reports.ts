<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
    <context>
        <name>BarChart</name>
        <message>
            <source>No figures to show</source>
            <translation>没有可显示的数据</translation>
        </message>
    </context>
    <context>
        <name>Columns</name>
        <message>
            <source>Unit</source>
            <translation>单位</translation>
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
            <source>Name</source>
            <translation>姓名</translation>
        </message>
        <message>
            <source>Class</source>
            <translation>班级</translation>
        </message>
        <message>
            <source>Counted as</source>
            <translation>统计为</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>Found on</source>
            <translation>发现日期</translation>
        </message>
        <message>
            <source>Outcome</source>
            <translation>处置结果</translation>
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
            <source>School</source>
            <translation>学校</translation>
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
            <source>ID number</source>
            <translation>身份证号</translation>
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
        <name>Pages</name>
        <message>
            <source>Reports</source>
            <translation>报表</translation>
        </message>
        <message>
            <source>Reconciliation</source>
            <translation>名单比对</translation>
        </message>
    </context>
    <context>
        <name>ReconciliationPage</name>
        <message>
            <source>Reconcile with another system's list</source>
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
</TS>
