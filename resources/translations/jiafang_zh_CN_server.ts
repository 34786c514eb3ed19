<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
    <context>
        <name>SyncPage</name>
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
            <source>This laptop is not enrolled with a server yet.</source>
            <translation>这台电脑尚未在服务器登记。</translation>
        </message>
        <message>
            <source>Enrolled with %1</source>
            <translation>已在 %1 登记</translation>
        </message>
        <message>
            <source>Type the server&apos;s address first.</source>
            <translation>请先填写服务器地址。</translation>
        </message>
    </context>
</TS>
