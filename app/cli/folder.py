"""The data folder: ``init``, ``demo``, ``check`` and ``audit``."""

from __future__ import annotations

import argparse
import json
import sys

from app.cli.common import EXIT_OK, EXIT_USER_ERROR, UserError, _day, _open, _password, _progress_printer, _t
from app.domain.i18n import current_language


def cmd_init(args: argparse.Namespace) -> int:
    from app.domain.codes import SchoolType, UserRole
    from app.services.places import add_school
    from app.store.db import create_folder

    password = _password("新密码：", "New password: ")
    database = create_folder(args.data_dir, username=args.admin, password=password, role=UserRole.SCHOOL_ADMIN,
                             device_name=args.device_name)
    try:
        if args.school:
            with database.write() as session:
                add_school(session, name=args.school, school_type=SchoolType.parse(args.school_type))
    finally:
        database.close()
    print(_t(f"已建立数据文件夹 {args.data_dir}，管理员 {args.admin}。",
             f"Created data folder {args.data_dir} with administrator {args.admin}."))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from app.domain.codes import UserRole
    from app.services.demo import generate_demo
    from app.store.db import create_folder, remove_data_folder

    if args.students < 1 or args.students > 500_000:
        raise UserError("--students 应在 1 到 500000 之间。", "--students must be between 1 and 500000.")
    password = _password("为管理员 admin 设定密码：", "Password for the administrator admin: ")
    existed = args.data_dir.exists()
    database = create_folder(args.data_dir, username="admin", password=password, display_name="区教育局管理员",
                             role=UserRole.DISTRICT, device_name="demo")
    try:
        summary = generate_demo(database, students=args.students, seed=args.seed,
                                progress=None if args.quiet else _progress_printer())
    except BaseException:
        database.close()
        # A half-made demo is worth nothing and would block the next try: remove what this command made.
        remove_data_folder(args.data_dir, keep_folder=existed)
        raise
    database.close()
    print(_t(f"演示数据已生成：{summary.describe('zh')}。用户名 admin。",
             f"Demo district created: {summary.describe('en')}. User name admin."))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from app.services.integrity import check_store

    database = _open(args)
    try:
        with database.read() as session:
            report = check_store(session)
    finally:
        database.close()
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        lang = current_language()
        for finding in report.findings:
            print(finding.zh if lang == "zh" else finding.en)
        print(_t(f"检查{'通过' if report.ok else '发现问题'}：{report.records} 条记录，{report.ops} 条变更，"
                 f"{report.conflicts} 处冲突待处理，{len(report.findings)} 个问题。",
                 f"Check {'passed' if report.ok else 'found problems'}: {report.records} records, {report.ops} "
                 f"ops, {report.conflicts} conflicts to review, {len(report.findings)} problems."))
    return EXIT_OK if report.ok else EXIT_USER_ERROR


def cmd_audit(args: argparse.Namespace) -> int:
    from app.services.audit import list_events

    since = None
    if args.since:
        from datetime import UTC, datetime, time

        since = datetime.combine(_day(args.since, "--since"), time(0), tzinfo=UTC)
    database = _open(args)
    try:
        with database.read() as session:
            lines = list_events(session, role=database.user.role if database.user else None, since=since)
    finally:
        database.close()
    if args.json:
        print(json.dumps([line.as_dict() for line in lines], ensure_ascii=False, indent=1))
    else:
        lang = current_language()
        for line in lines:
            print(line.describe(lang))
        print(_t(f"共 {len(lines)} 条审计记录。", f"{len(lines)} audit event(s)."), file=sys.stderr)
    return EXIT_OK
