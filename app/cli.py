"""The command line: a stable contract for district technicians' scripts (see README.md).

Exit codes: 0 success, 1 a user error with a one-line message (never a traceback), 2 a usage error.
Qt is imported only by `gui`.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app import __version__
from app.config import PASSWORD_ENV, USER_ENV, default_data_dir, load_settings
from app.domain.errors import DomainError
from app.domain.i18n import current_language, set_language

if TYPE_CHECKING:
    from app.store.db import Database

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE = 0, 1, 2


class UserError(Exception):
    """A problem the user can fix, reported as one line."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh if current_language() == "zh" else en)


def _t(zh: str, en: str) -> str:
    return zh if current_language() == "zh" else en


def _password(prompt_zh: str = "密码：", prompt_en: str = "Password: ") -> str:
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(_t(prompt_zh, prompt_en))
    raise UserError(f"需要密码：请设置环境变量 {PASSWORD_ENV}，或在终端中运行以输入密码。",
                    f"A password is needed: set {PASSWORD_ENV} or run in a terminal to type it.")


def _open(args: argparse.Namespace) -> Database:
    from app.store.db import open_folder

    return open_folder(args.data_dir, args.user or os.environ.get(USER_ENV), _password())


# ----------------------------------------------------------------------------- commands
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


def _progress_printer() -> Callable[[str, float], None]:
    def show(stage: str, fraction: float) -> None:
        print(f"\r{stage} {fraction:4.0%}", end="", file=sys.stderr, flush=True)
        if fraction >= 1:
            print(file=sys.stderr)

    return show


def cmd_export_json(args: argparse.Namespace) -> int:
    from app.services.exchange import export_json

    database = _open(args)
    try:
        with database.read() as session:
            if args.out == "-":
                export_json(session, sys.stdout)
                return EXIT_OK
            out = Path(args.out)
            tmp = out.with_name(out.name + ".part")
            try:
                with open(tmp, "w", encoding="utf-8") as handle:
                    count = export_json(session, handle)
                os.replace(tmp, out)
            except OSError as exc:
                tmp.unlink(missing_ok=True)
                raise UserError(f"无法写入 {out}：{exc.strerror}", f"Cannot write {out}: {exc.strerror}") from None
    finally:
        database.close()
    print(_t(f"已导出 {count} 条记录到 {out}（含个人信息，请妥善保管）。",
             f"Exported {count} records to {out} (it holds personal data: keep it safe)."), file=sys.stderr)
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


def cmd_gui(args: argparse.Namespace) -> int:
    from app.ui.main import run

    return run(args.data_dir, lang=args.lang)


# ----------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jiafang", description="家访通 Jiafang: 控辍保学家访与劝返台账")
    parser.add_argument("--version", action="version", version=f"jiafang {__version__}")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="data folder (default: $JIAFANG_DATA_DIR or the per-user data folder)")
    parser.add_argument("--lang", choices=("zh", "en"), default=None, help="language of messages (default zh)")
    parser.add_argument("--user", default=None, help="user name to sign in as (default: $JIAFANG_USER, or "
                                                     "whichever user the password opens)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = commands.add_parser("gui", help="launch the desktop app (the default)")
    gui.set_defaults(func=cmd_gui)

    init = commands.add_parser("init", help="create an empty data folder with an administrator")
    init.add_argument("--admin", default="admin", help="administrator user name (default admin)")
    init.add_argument("--school", default=None, help="name of this laptop's school")
    init.add_argument("--school-type", default="primary", help="school type (default primary)")
    init.add_argument("--device-name", default=None, help="this laptop's name")
    init.set_defaults(func=cmd_init)

    demo = commands.add_parser("demo", help="fill a new data folder with a realistic synthetic district")
    demo.add_argument("--students", type=int, default=20_000, help="number of students (default 20000)")
    demo.add_argument("--seed", type=int, default=2026, help="random seed; the same seed gives the same district")
    demo.add_argument("--quiet", action="store_true", help="no progress output")
    demo.set_defaults(func=cmd_demo)

    export = commands.add_parser("export", help="export records")
    export_kinds = export.add_subparsers(dest="kind", metavar="KIND", required=True)
    export_json = export_kinds.add_parser("json", help="canonical dump of every record, one JSON object per line")
    export_json.add_argument("out", metavar="OUT|-", help="output file, or - for standard output")
    export_json.set_defaults(func=cmd_export_json)

    check = commands.add_parser("check", help="integrity, op-log rebuild, cross-record consistency")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.set_defaults(func=cmd_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.data_dir = (args.data_dir or default_data_dir()).expanduser()
    set_language(args.lang or str(load_settings(args.data_dir).get("language", "zh")))
    func: Callable[[argparse.Namespace], int] = getattr(args, "func", cmd_gui)
    try:
        return func(args)
    except (DomainError, UserError) as exc:
        print(f"jiafang: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except OSError as exc:
        from app.store.errors import translate

        print(f"jiafang: {translate(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print(_t("jiafang: 已取消", "jiafang: cancelled"), file=sys.stderr)
        return EXIT_USER_ERROR


def entry() -> None:
    raise SystemExit(main())


if __name__ == "__main__":
    entry()
