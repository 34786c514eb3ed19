"""The district server: ``serve`` and its administration (``serve init``, ``serve user add``, ``serve code``,
``serve devices``, ``serve revoke``). The server's packages are imported only when a command runs: they are an
extra (``jiafang[server]``) the desktop app does not ship."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import EXIT_OK, UserError, _password, _t
from app.cli.sync import SYNC_PASSPHRASE_ENV, _sync_passphrase

if TYPE_CHECKING:
    from sync.server.store import ServerStore


def _server_store(args: argparse.Namespace, *, deployment: tuple[str, bytes] | None = None) -> ServerStore:
    from sync.server.admin import open_store

    return open_store(getattr(args, "db", None), args.data_dir, deployment=deployment)


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        from sync.server.app import serve
    except ImportError:
        raise UserError("运行服务器需要安装服务器组件：pip install 'jiafang[server]'。",
                        "Running the server needs its extra: pip install 'jiafang[server]'.") from None
    if bool(args.cert) != bool(args.key):
        raise UserError("--cert 和 --key 需要一起给出。", "--cert and --key go together.")
    store = _server_store(args)
    scheme = "https" if args.cert else "http"
    print(_t(f"家访通服务器：{scheme}://{args.host}:{args.port}/（看板）与 /v1（同步）；按 Ctrl+C 停止。",
             f"Jiafang server on {scheme}://{args.host}:{args.port}/ (dashboard) and /v1 (sync); Ctrl+C stops it."),
          flush=True)
    try:
        serve(store, data_dir=args.data_dir, host=args.host, port=args.port, cert=args.cert,
              key=args.key, workers=args.workers, dashboard_db=args.dashboard_db)
    finally:
        store.close()
    return EXIT_OK


def cmd_serve_init(args: argparse.Namespace) -> int:
    from sync.server.admin import share_deployment

    deployment = None
    if args.join_share:
        passphrase = _sync_passphrase(args)
        if not passphrase:
            if sys.stdin is None or not sys.stdin.isatty():
                raise UserError(f"加入同步文件夹需要它的口令（{SYNC_PASSPHRASE_ENV}）。",
                                f"Adopting a share needs its passphrase ({SYNC_PASSPHRASE_ENV}).")
            passphrase = getpass.getpass(_t("同步口令：", "Sync passphrase: "))
        deployment = share_deployment(Path(args.join_share), passphrase)
    store = _server_store(args, deployment=deployment)
    deployment_id = store.deployment[0]
    store.close()
    print(_t(f"服务器数据库已就绪，部署编号 {deployment_id}。", f"Server database ready; deployment {deployment_id}."))
    return EXIT_OK


def cmd_serve_user_add(args: argparse.Namespace) -> int:
    from sync.server.admin import resolve_scope

    store = _server_store(args)
    try:
        school_id = None
        if args.role != "district":
            school_id, _ = resolve_scope(store, args.data_dir, args.school, district=False)
        password = _password("为新用户设定密码：", "Password for the new user: ")
        user = store.add_user(args.username, password, role=args.role, school_id=school_id,
                              display_name=args.display_name)
    finally:
        store.close()
    print(_t(f"已添加看板用户 {user.username}（{args.role}）。",
             f"Added dashboard user {user.username} ({args.role})."))
    return EXIT_OK


def cmd_serve_code(args: argparse.Namespace) -> int:
    from sync.server.admin import enrollment_link, qr_file, qr_terminal, resolve_scope

    store = _server_store(args)
    try:
        scope, label = resolve_scope(store, args.data_dir, args.school, district=args.district)
        code = store.new_enrollment_code(scope, hours=args.hours, label=label)
    finally:
        store.close()
    print(_t(f"登记码（{label}，{args.hours:g} 小时内有效，只能用一次）：{code}",
             f"Enrollment code ({label}, valid {args.hours:g} hours, once): {code}"))
    if args.url:
        link = enrollment_link(args.url, code)
        print(link)
        if args.qr:
            qr_file(link, Path(args.qr))
            print(_t(f"二维码已写入 {args.qr}。", f"QR code written to {args.qr}."))
        elif sys.stdout.isatty():
            art = qr_terminal(link)
            if art:
                print(art)
    print(_t(f"在笔记本上：jiafang sync server {args.url or 'https://服务器:端口'} --enroll {code}",
             f"On the laptop: jiafang sync server {args.url or 'https://server:port'} --enroll {code}"))
    return EXIT_OK


def cmd_serve_devices(args: argparse.Namespace) -> int:
    store = _server_store(args)
    try:
        devices = store.devices()
    finally:
        store.close()
    if args.json:
        print(json.dumps(devices, ensure_ascii=False))
        return EXIT_OK
    for device in devices:
        state = _t("已撤销", "revoked") if device["revoked"] else _t("有效", "active")
        print(f"{device['id']}  {device['scope']}  {device['name'] or '-'}  {state}  ops={device['ops']}  "
              f"{device['last_seen_at'] or '-'}")
    return EXIT_OK


def cmd_serve_revoke(args: argparse.Namespace) -> int:
    store = _server_store(args)
    try:
        device_id = store.revoke(args.device)
    finally:
        store.close()
    print(_t(f"已撤销设备 {device_id} 的同步权限。", f"Revoked the sync access of device {device_id}."))
    return EXIT_OK
