"""The command line: a stable contract for district technicians' scripts (see README.md).

Exit codes: 0 success, 1 a user error with a one-line message (never a traceback), 2 a usage error.
Qt is imported only by `gui`.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app import __version__
from app.config import PASSWORD_ENV, USER_ENV, default_data_dir, load_settings
from app.domain.errors import DomainError
from app.domain.i18n import current_language, set_language
from app.logs import log_unexpected, setup_logging

if TYPE_CHECKING:
    from datetime import date as date_type

    from app.services.importing import ImportPlan
    from app.services.roster import RowError
    from app.store.db import Database
    from sync.server.store import ServerStore

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE = 0, 1, 2
log = logging.getLogger("jiafang.cli")


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
    """Sign in (refused while the user name is locked out after repeated failures; audited either way)."""
    from app.services.signin import sign_in

    return sign_in(args.data_dir, args.user or os.environ.get(USER_ENV), _password())


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
    from app.services.audit import AuditAction, record_event, require_admin
    from app.services.exchange import export_json

    database = _open(args)
    reader_left = False
    try:
        require_admin(database.user.role if database.user else None)
        with database.write() as session:  # a write session: the export is audited
            record_event(session, AuditAction.EXPORTED, detail="json")
            if args.out == "-":
                try:
                    export_json(session, sys.stdout)
                except BrokenPipeError:
                    reader_left = True  # `| head`: what was printed was shown, so the export stays audited
            else:
                out = Path(args.out)
                tmp = out.with_name(out.name + ".part")
                try:
                    with open(tmp, "w", encoding="utf-8") as handle:
                        count = export_json(session, handle)
                    os.replace(tmp, out)
                except OSError as exc:
                    tmp.unlink(missing_ok=True)
                    raise UserError(f"无法写入 {out}：{exc.strerror}",
                                    f"Cannot write {out}: {exc.strerror}") from None
    finally:
        database.close()
    if args.out == "-":
        if reader_left:
            raise BrokenPipeError  # main() ends quietly
        return EXIT_OK
    print(_t(f"已导出 {count} 条记录到 {out}（含个人信息，请妥善保管）。",
             f"Exported {count} records to {out} (it holds personal data: keep it safe)."), file=sys.stderr)
    return EXIT_OK


# Lists on screen stop here; the report file beside the input has every row.
_SHOWN_ROWS = 50


def cmd_import_roster(args: argparse.Namespace) -> int:
    from datetime import date

    from app.services.importing import ImportRejected, apply_import, describe_error, plan_import, write_report

    path = Path(args.file)
    progress = _rows_printer() if sys.stderr.isatty() else None
    rejected: ImportRejected | None = None
    database = _open(args)
    try:
        if args.dry_run:
            with database.read() as session:
                plan = plan_import(session, path, today=date.today(), progress=progress)
            _print_plan(plan, dry_run=True)
            return EXIT_USER_ERROR if plan.counts.rejected and not args.skip_invalid else EXIT_OK
        try:
            with database.write() as session:
                plan = plan_import(session, path, today=date.today(), progress=progress)
                result = apply_import(session, plan, skip_invalid=args.skip_invalid)
        except ImportRejected as exc:
            rejected = exc
    finally:
        database.close()
        if progress is not None:
            print(file=sys.stderr)
    if rejected is not None:
        _print_plan(rejected.plan, dry_run=False, errors=rejected.errors, error_count=rejected.count)
        _print_report(lambda: write_report(rejected.plan))
        raise UserError(f"{rejected.zh}（请修改后重新导入，或加 --skip-invalid 只导入无误的行）",
                        f"{rejected.en} (Fix the file and import again, or add --skip-invalid to import the valid "
                        "rows only.)")
    print(_t(f"已导入 {path.name}：{result.summary('zh')}。", f"Imported {path.name}: {result.summary('en')}."))
    lang = current_language()
    counts = result.plan.counts
    _print_rows([describe_error(e, lang) for e in result.skipped], _t("有误未导入：", "Invalid, not imported:"),
                counts.errors if result.skipped else 0)
    _print_rows([describe_error(n, lang) for n in result.plan.notes], _t("提示：", "Notes:"), counts.notes)
    _print_report(lambda: write_report(result))
    return EXIT_OK


def _print_plan(plan: ImportPlan, *, dry_run: bool, errors: Sequence[RowError] | None = None,
                error_count: int | None = None) -> None:
    """The plan's summary and its first rows of each kind (a plan keeps only the first ones; the counts say how
    many there are in all)."""
    from app.services.importing import describe_error

    lang = current_language()
    sheet_zh = f"工作表「{plan.sheet}」，" if plan.sheet else ""
    sheet_en = f"sheet {plan.sheet!r}, " if plan.sheet else ""
    where = _t(f"{plan.path.name}（{sheet_zh}表头在第 {plan.header_row} 行，{plan.rows_read} 行数据）",
               f"{plan.path.name} ({sheet_en}header on row {plan.header_row}, {plan.rows_read} data rows)")
    if dry_run:
        print(_t(f"试运行，没有写入任何记录：{where}", f"Dry run, nothing written: {where}"))
    else:
        print(where)
    print(plan.summary(lang))
    if dry_run:
        _print_rows([_t(f"第 {a.row} 行 {a.student.name}（{a.student.grade} 年级 {a.student.class_name or ''}）",
                        f"Row {a.row} {a.student.name} (grade {a.student.grade} {a.student.class_name or ''})"
                        ).rstrip() for a in plan.to_add], _t("将新增：", "Would add:"), plan.counts.to_add)
        _print_rows([_t(f"第 {c.row} 行 {c.name}：", f"Row {c.row} {c.name}: ") + c.describe(lang)
                     for c in plan.to_change], _t("将更新：", "Would change:"), plan.counts.to_change)
    rejected = errors if errors is not None else plan.rejected
    _print_rows([describe_error(e, lang) for e in rejected], _t("有误：", "Invalid:"),
                error_count if error_count is not None else plan.counts.errors if errors is None else len(errors))
    _print_rows([describe_error(n, lang) for n in plan.notes], _t("提示：", "Notes:"), plan.counts.notes)


def _print_rows(lines: Sequence[str], title: str, total: int | None = None) -> None:
    """The first _SHOWN_ROWS of ``lines``; ``total`` is how many there are in all (default: ``len(lines)``)."""
    if not lines:
        return
    total = max(total or 0, len(lines))
    print(title)
    for line in lines[:_SHOWN_ROWS]:
        print(f"  {line}")
    if total > _SHOWN_ROWS:
        print(_t(f"  …（共 {total} 条，全部见导入报告）",
                 f"  … ({total} in all; the report lists every one)"))


def _print_report(write: Callable[[], Path]) -> None:
    try:
        written = write()
        print(_t(f"导入报告：{written}", f"Import report: {written}"))
    except DomainError as exc:  # a read-only folder must not hide the import's own outcome
        print(f"jiafang: {exc}", file=sys.stderr)


def _rows_printer() -> Callable[[int], None]:
    def show(rows: int) -> None:
        print(_t(f"\r已读取 {rows} 行", f"\rRead {rows} rows"), end="", file=sys.stderr, flush=True)

    return show


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


RECOVERY_KEY_ENV = "JIAFANG_RECOVERY_KEY"


def cmd_recovery_key_create(args: argparse.Namespace) -> int:
    from app.services.recovery import create_recovery_key

    out = Path(args.out) if args.out else None
    if out is not None and out.exists():
        raise UserError(f"{out} 已存在，不会覆盖。", f"{out} exists; it will not be overwritten.")
    database = _open(args)
    try:
        secret = create_recovery_key(database)
    finally:
        database.close()
    if out is not None:
        try:
            out.write_text(secret + "\n", encoding="utf-8")
        except OSError as exc:
            print(secret)  # the slot exists already: the secret must not be lost
            raise UserError(f"无法写入 {out}：{exc.strerror}；恢复密钥已显示在上方，请抄下。",
                            f"Cannot write {out}: {exc.strerror}; the recovery key is shown above: copy it."
                            ) from None
        print(_t(f"已建立恢复密钥并写入 {out}。请交区教育局妥善保管，本程序不会再显示它。",
                 f"Recovery key created and written to {out}. Give it to the district for safe keeping; it is "
                 "not shown again."))
    else:
        print(secret)
        print(_t("已建立恢复密钥（上方）。请抄下交区教育局妥善保管，本程序不会再显示它。",
                 "Recovery key created (above). Copy it for the district's safe keeping; it is not shown again."),
              file=sys.stderr)
    return EXIT_OK


def cmd_reset_password(args: argparse.Namespace) -> int:
    from app.services.recovery import reset_password

    secret = os.environ.get(RECOVERY_KEY_ENV)
    if not secret:
        if sys.stdin is None or not sys.stdin.isatty():
            raise UserError(f"需要恢复密钥：请设置环境变量 {RECOVERY_KEY_ENV}，或在终端中运行以输入。",
                            f"The recovery key is needed: set {RECOVERY_KEY_ENV} or run in a terminal to type it.")
        secret = getpass.getpass(_t("恢复密钥：", "Recovery key: "))
    password = _password(f"用户 {args.username} 的新密码：", f"New password for {args.username}: ")
    result = reset_password(args.data_dir, args.username, secret, password)
    print(_t(f"已为用户 {result.username} 设定新密码。", f"New password set for user {result.username}."))
    return EXIT_OK


# ----------------------------------------------------------------------------- users of this laptop
NEW_PASSWORD_ENV = "JIAFANG_NEW_PASSWORD"


def _can_get_new_password() -> None:
    """Refuse before signing in when no new password can be had (no variable, no terminal to type it in)."""
    if not os.environ.get(NEW_PASSWORD_ENV) and (sys.stdin is None or not sys.stdin.isatty()):
        raise UserError(f"需要新密码：请设置环境变量 {NEW_PASSWORD_ENV}，或在终端中运行以输入两次。",
                        f"A new password is needed: set {NEW_PASSWORD_ENV} or run in a terminal to type it twice.")


def _new_password(username: str) -> str:
    """The new password: $JIAFANG_NEW_PASSWORD, else typed twice (the password rules are the services')."""
    from app.services.users import confirm_password

    password = os.environ.get(NEW_PASSWORD_ENV)
    if password:
        return password
    _can_get_new_password()
    password = getpass.getpass(_t(f"用户 {username} 的新密码：", f"New password for {username}: "))
    confirm_password(password, getpass.getpass(_t("再输入一次：", "Again: ")))
    return password


def cmd_user_add(args: argparse.Namespace) -> int:
    from app.domain.codes import UserRole
    from app.services.users import add_user, resolve_school

    _can_get_new_password()
    database = _open(args)
    try:
        school_id = None
        if args.school:
            with database.read() as session:
                school_id = resolve_school(session, args.school)
        user = add_user(database, username=args.username, password=_new_password(args.username), role=args.role,
                        display_name=args.display_name, school_id=school_id)
    finally:
        database.close()
    role = UserRole(user.role).label(current_language())
    print(_t(f"已添加用户 {user.username}（{role}）。", f"Added user {user.username} ({role})."))
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace) -> int:
    from app.services.users import list_users

    database = _open(args)
    try:
        with database.read() as session:
            listed = list_users(session)
    finally:
        database.close()
    if args.json:
        print(json.dumps([user.as_dict() for user in listed], ensure_ascii=False))
        return EXIT_OK
    lang = current_language()
    for user in listed:
        state = _t("启用", "active") if user.active else _t("已停用", "deactivated")
        last = (user.last_sign_in.astimezone().strftime("%Y-%m-%d %H:%M") if user.last_sign_in
                else _t("从未登录", "never signed in"))
        print("  ".join([user.username, user.display_name, user.role.label(lang), user.school_name or "-", state,
                         last]))
    return EXIT_OK


def cmd_user_password(args: argparse.Namespace) -> int:
    from app.services.users import set_password

    _can_get_new_password()
    database = _open(args)
    try:
        user = set_password(database, args.username, _new_password(args.username))
    finally:
        database.close()
    print(_t(f"已为用户 {user.username} 设定新密码，旧密码不再有效。",
             f"New password set for user {user.username}; the old one no longer works."))
    return EXIT_OK


def cmd_user_disable(args: argparse.Namespace) -> int:
    from app.services.users import deactivate_user

    database = _open(args)
    try:
        user = deactivate_user(database, args.username)
    finally:
        database.close()
    print(_t(f"已停用用户 {user.username}，其密码不再能打开数据。",
             f"Deactivated user {user.username}; their password no longer opens the data."))
    return EXIT_OK


def cmd_user_enable(args: argparse.Namespace) -> int:
    from app.services.users import reactivate_user

    _can_get_new_password()
    database = _open(args)
    try:
        user = reactivate_user(database, args.username, _new_password(args.username))
    finally:
        database.close()
    print(_t(f"已重新启用用户 {user.username}（使用新密码）。",
             f"Reactivated user {user.username} with a new password."))
    return EXIT_OK


def cmd_user_role(args: argparse.Namespace) -> int:
    from app.domain.codes import UserRole
    from app.services.users import set_role

    database = _open(args)
    try:
        user = set_role(database, args.username, args.role)
    finally:
        database.close()
    role = UserRole(user.role).label(current_language())
    print(_t(f"用户 {user.username} 的角色现在是{role}。", f"User {user.username} is now: {role}."))
    return EXIT_OK


def cmd_passwd(args: argparse.Namespace) -> int:
    from app.services.signin import sign_in
    from app.services.users import change_own_password

    _can_get_new_password()
    current = _password("当前密码：", "Current password: ")
    database = sign_in(args.data_dir, args.user or os.environ.get(USER_ENV), current)
    try:
        assert database.user is not None
        username = database.user.username
        change_own_password(database, current, _new_password(username))
    finally:
        database.close()
    print(_t(f"用户 {username} 的密码已修改。", f"The password of {username} was changed."))
    return EXIT_OK


SYNC_PASSPHRASE_ENV = "JIAFANG_SYNC_PASSPHRASE"


def _sync_passphrase(args: argparse.Namespace) -> str | None:
    """The share passphrase: --passphrase-file, else $JIAFANG_SYNC_PASSPHRASE, else a prompt when a terminal
    is there (None otherwise: an already joined share needs none)."""
    if getattr(args, "passphrase_file", None):
        try:
            return Path(args.passphrase_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UserError(f"无法读取口令文件：{exc.strerror}",
                            f"Cannot read the passphrase file: {exc.strerror}") from None
    if os.environ.get(SYNC_PASSPHRASE_ENV):
        return os.environ[SYNC_PASSPHRASE_ENV]
    return None


def cmd_sync_folder(args: argparse.Namespace) -> int:
    from sync.engine import sync_folder
    from sync.errors import PassphraseNeeded, SyncError

    if args.revoke and not args.rekey:
        print(_t("jiafang: --revoke 需要与 --rekey 一起使用", "jiafang: --revoke needs --rekey"), file=sys.stderr)
        return EXIT_USAGE
    if args.devices:
        return _sync_folder_devices(args)
    if args.rekey:
        return _sync_folder_rekey(args)
    database = _open(args)
    try:
        passphrase = _sync_passphrase(args)
        try:
            result = sync_folder(database, Path(args.path), passphrase,
                                 progress=None if args.quiet else _progress_printer())
        except SyncError as exc:
            needs_passphrase = passphrase is None and isinstance(exc, PassphraseNeeded)
            if not (needs_passphrase and sys.stdin is not None and sys.stdin.isatty()):
                raise
            passphrase = getpass.getpass(_t("同步口令：", "Sync passphrase: "))
            result = sync_folder(database, Path(args.path), passphrase)
    finally:
        database.close()
    for line in result.lines():
        print(line)
    return EXIT_OK if result.ok else EXIT_USER_ERROR


def _sync_folder_devices(args: argparse.Namespace) -> int:
    """The share's devices as this laptop learnt them at its last sync: to find a lost laptop's id."""
    from sync.rekey import known_devices

    database = _open(args)
    try:
        devices = known_devices(database)
    finally:
        database.close()
    for device in devices:
        marks = []
        if device.this_laptop:
            marks.append(_t("本机", "this laptop"))
        if device.revoked_upto is not None:
            kept = device.revoked_upto
            marks.append(_t(f"已撤销（保留前 {kept} 条）", f"revoked (first {kept} kept)"))
        print("  ".join([device.device_id, device.name or "-", device.school_id or "-",
                         _t(f"{device.applied} 条变更", f"{device.applied} changes"), *marks]))
    return EXIT_OK


def _sync_folder_rekey(args: argparse.Namespace) -> int:
    """Lost laptop: a new share passphrase and key, revoking the lost devices (administrators)."""
    from sync.rekey import rekey_share

    passphrase = _sync_passphrase(args)
    if not passphrase:
        if sys.stdin is None or not sys.stdin.isatty():
            raise UserError(f"更换口令需要新的同步口令（{SYNC_PASSPHRASE_ENV} 或 --passphrase-file）。",
                            f"Changing the passphrase needs the new one ({SYNC_PASSPHRASE_ENV} or --passphrase-file).")
        passphrase = getpass.getpass(_t("新的同步口令：", "New sync passphrase: "))
        if getpass.getpass(_t("再输入一次：", "Again: ")) != passphrase:
            raise UserError("两次输入的口令不一样，口令没有更换。", "The two passphrases differ; nothing was changed.")
    database = _open(args)
    try:
        result = rekey_share(database, Path(args.path), passphrase, revoke=args.revoke or (),
                             progress=None if args.quiet else _progress_printer())
    finally:
        database.close()
    for line in result.lines():
        print(line)
    return EXIT_OK if result.ok else EXIT_USER_ERROR


def _sync_token(args: argparse.Namespace) -> str | None:
    """The device token: --token-file, else $JIAFANG_SYNC_TOKEN, else the one stored at enrollment (None)."""
    from sync.http_client import TOKEN_ENV

    if getattr(args, "token_file", None):
        try:
            return Path(args.token_file).read_text(encoding="utf-8").strip() or None
        except OSError as exc:
            raise UserError(f"无法读取令牌文件：{exc.strerror}",
                            f"Cannot read the token file: {exc.strerror}") from None
    return os.environ.get(TOKEN_ENV) or None


def cmd_sync_server(args: argparse.Namespace) -> int:
    from sync.http_client import CA_ENV, normalise_url, sync_server

    normalise_url(args.url)  # a mistyped address fails before the password is asked for
    database = _open(args)
    try:
        result = sync_server(database, args.url, token=_sync_token(args), enroll_code=args.enroll,
                             ca_file=args.ca or os.environ.get(CA_ENV) or None,
                             progress=None if args.quiet else _progress_printer())
    finally:
        database.close()
    for line in result.lines():
        print(line)
    return EXIT_OK if result.ok else EXIT_USER_ERROR


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
              key=args.key, workers=args.workers)
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


def cmd_conflicts(args: argparse.Namespace) -> int:
    from app.services.conflicts import keep_candidate, list_conflicts

    database = _open(args)
    try:
        if getattr(args, "keep", None):
            table, row_id, field_name, op = args.keep
            with database.write() as session:
                keep_candidate(session, table, row_id, field_name, op)
            print(_t("冲突已处理，下次同步时其他电脑也会看到。",
                     "Conflict resolved; other laptops see it after their next sync."))
            return EXIT_OK
        with database.read() as session:
            views = list_conflicts(session)
    finally:
        database.close()
    if args.json:
        print(json.dumps([v.as_dict() for v in views], ensure_ascii=False, default=str))
        return EXIT_OK
    if not views:
        print(_t("没有待处理的冲突。", "No conflicts to review."))
    zh = current_language() == "zh"
    for view in views:
        print(f"{view.kind_zh if zh else view.kind_en} {view.record} · {view.field} ({view.table} {view.row_id})")
        for candidate in view.candidates:
            mark = "*" if candidate.winner else " "
            who = candidate.user_name or candidate.user_id or "?"
            print(f"  {mark} {candidate.value!r}  {who} @ {candidate.device_name or candidate.device_id[:8]} "
                  f"{candidate.at:%Y-%m-%d %H:%M}  [{candidate.op}]")
    return EXIT_OK


# ----------------------------------------------------------------------------- pdf (documents)
def _reveal(args: argparse.Namespace, database: Database) -> bool:
    """--reveal prints full ID and phone numbers; only a school administrator or the district may ask for it."""
    if not getattr(args, "reveal", False):
        return False
    from app.services.documents import reveal_allowed

    if not reveal_allowed(database.user.role if database.user else None):
        raise UserError("只有学校管理员或区教育局账号可以打印完整的身份证号和电话号码（--reveal）。",
                        "Only a school administrator or a district account may print full ID and phone numbers "
                        "(--reveal).")
    return True


def _warn_missing(missing: tuple[str, ...], problems: tuple[str, ...]) -> None:
    from app.documents.data import describe_missing

    if missing:
        print(f"jiafang: {_t('警告', 'warning')}: {describe_missing(missing, current_language())}", file=sys.stderr)
    for problem in problems:
        print(f"jiafang: {_t('警告', 'warning')}: {problem}", file=sys.stderr)


def _pdf_command(args: argparse.Namespace, make: Callable[..., object]) -> int:
    """Open the data folder, render one document with ``make(session, reveal)``, write it to --out."""
    from app.documents import RenderedDocument, write_pdf

    out = Path(args.out)
    database = _open(args)
    try:
        reveal = _reveal(args, database)
        # A write session: printing is to be audited (services.documents.record_print) once the log exists.
        with database.write() as session:
            document = make(session, reveal)
    finally:
        database.close()
    assert isinstance(document, RenderedDocument)
    try:
        write_pdf(document, out)
    except OSError as exc:
        raise UserError(f"无法写入 {out}：{exc.strerror}", f"Cannot write {out}: {exc.strerror}") from None
    _warn_missing(document.missing_chars, document.problems)
    print(_t(f"已生成 {out}（{document.pages} 页；含个人信息，请妥善保管）。",
             f"Wrote {out} ({document.pages} page(s); it holds personal data: keep it safe)."))
    return EXIT_OK


def cmd_pdf_visit(args: argparse.Namespace) -> int:
    from app.services.documents import visit_pdf

    return _pdf_command(args, lambda session, reveal: visit_pdf(session, args.id, reveal=reveal))


def cmd_pdf_blank(args: argparse.Namespace) -> int:
    from app.services.documents import blank_pdf

    return _pdf_command(args, lambda session, reveal: blank_pdf(session, args.student, reveal=reveal))


def cmd_pdf_case(args: argparse.Namespace) -> int:
    from app.services.documents import case_pdf

    return _pdf_command(args, lambda session, reveal: case_pdf(session, args.id, reveal=reveal))


def cmd_pdf_exemption(args: argparse.Namespace) -> int:
    from app.services.documents import exemption_pdf

    return _pdf_command(args, lambda session, reveal: exemption_pdf(
        session, case_id=args.id, reveal=reveal, kind=args.kind, causes=args.cause or (), finding=args.finding,
        evidence=args.evidence))


def cmd_pdf_village(args: argparse.Namespace) -> int:
    from app.services.documents import village_pdf

    return _pdf_command(args, lambda session, reveal: village_pdf(
        session, args.id, checker=args.checker or "", preparer=args.preparer or "", phone=args.phone or ""))


def cmd_pdf_campaign(args: argparse.Namespace) -> int:
    from app.services.documents import campaign_pdfs

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UserError(f"{out} 不是文件夹。", f"{out} is not a folder.")
    database = _open(args)
    try:
        reveal = _reveal(args, database)
        with database.write() as session:
            result = campaign_pdfs(session, args.code, out, one_file=args.one_file, school_id=args.school,
                                   reveal=reveal, progress=None if args.quiet else _progress_printer())
    finally:
        database.close()
    _warn_missing(result.missing_chars, result.problems)
    print(_t(f"已生成 {len(result.files)} 个文件、{result.sheets} 份家访记录（{result.pages} 页）到 {out}"
             "（含个人信息，请妥善保管）。",
             f"Wrote {len(result.files)} file(s) with {result.sheets} visit sheet(s) ({result.pages} pages) to {out} "
             "(they hold personal data: keep them safe)."))
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from app.services.backup import make_backup

    database = _open(args)
    try:
        path = make_backup(database, Path(args.out) if args.out else None)
    finally:
        database.close()
    print(_t(f"已备份到 {path}（已加密；恢复时需要密码）。",
             f"Backed up to {path} (encrypted; restoring needs a password)."))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from app.services.backup import restore_backup

    summary = restore_backup(Path(args.file), args.data_dir, password=_password(), username=args.user,
                             force=args.force)
    print(_t(f"已从备份（{summary.created}）恢复到 {summary.data_dir}；本机已改用新的设备编号。",
             f"Restored the backup of {summary.created} into {summary.data_dir}; this laptop has a new device id."))
    if summary.moved_aside:
        print(_t(f"原有数据已另存到 {summary.moved_aside}。",
                 f"The data it replaced is kept in {summary.moved_aside}."))
    return EXIT_OK


# ----------------------------------------------------------------------------- warnings, reports, ledgers
def _day(text: str | None, option: str) -> date_type:
    from datetime import date

    if not text:
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"{option} 应为 2026-11-29 这样的日期：{text}",
                        f"{option} must be a date like 2026-11-29: {text}") from None


def cmd_warnings(args: argparse.Namespace) -> int:
    from app.domain.warnings import Thresholds
    from app.services.warnings import find_warnings

    settings = load_settings(args.data_dir)
    database = _open(args)
    try:
        with database.read() as session:
            found = find_warnings(session, today=_day(args.date, "--date"),
                                  thresholds=Thresholds.from_settings(settings), school_id=args.school,
                                  township_id=args.township)
    finally:
        database.close()
    lang = current_language()
    if args.json:
        print(json.dumps([w.as_dict(lang) for w in found], ensure_ascii=False))
        return EXIT_OK
    for warning in found:
        where = f"{warning.school_name} {warning.grade}{_t('年级', ' ')}{warning.class_name}".rstrip()
        people = _t("；", "; ").join(f"{c.as_dict(lang)['role_label']} {c.name} {c.phone}".rstrip()
                                    for c in warning.coverage)
        line = (f"[{warning.severity.label(lang)}] {warning.since} {warning.rule.label(lang)} "
                f"{warning.student_name}（{where}）：{warning.finding.detail(lang)}")
        print(line + (_t(f" — 包保：{people}", f" — covered by: {people}") if people else ""))
    print(_t(f"共 {len(found)} 条预警。", f"{len(found)} warning(s)."))
    return EXIT_OK


def cmd_absence(args: argparse.Namespace) -> int:
    from app.services import attendance

    if not args.since and not args.until:
        raise UserError("请用 --since 给出缺勤开始日期，或用 --until 结束缺勤。",
                        "Give --since (first day away) or --until (last day away).")
    database = _open(args)
    try:
        with database.write() as session:
            if args.since:
                spell = attendance.record_absence(session, args.student, started_on=args.since, excused=args.excused,
                                                  reason=args.reason)
                if args.until:
                    attendance.end_absence(session, spell.id, ended_on=args.until)
            else:
                going_on = attendance.open_absence_of(session, args.student)
                if going_on is None:
                    raise UserError("这名学生没有未结束的缺勤记录。", "This student has no absence going on.")
                spell = attendance.end_absence(session, going_on.id, ended_on=args.until)
            shown = (spell.started_on, spell.ended_on)
    finally:
        database.close()
    print(_t(f"已记录缺勤：{shown[0]} 起" + (f"，至 {shown[1]}" if shown[1] else "（仍在缺勤）") + "。",
             f"Absence recorded from {shown[0]}" + (f" to {shown[1]}" if shown[1] else " (still away)") + "."))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from app.services.reports import Level, build_report, records_since_setting, write_report

    out = Path(args.out)
    if out.suffix.lower() not in (".pdf", ".xlsx"):
        raise UserError(f"--out 应以 .pdf 或 .xlsx 结尾：{out.name}", f"--out must end in .pdf or .xlsx: {out.name}")
    level, unit = Level.DISTRICT, None
    if args.school:
        level, unit = Level.SCHOOL, args.school
    elif args.township:
        level, unit = Level.TOWNSHIP, args.township
    since = records_since_setting(load_settings(args.data_dir).get("records_complete_since"))
    database = _open(args)
    try:
        printed_by = database.user.display_name if database.user else "—"
        with database.read() as session:
            report = build_report(session, args.kind, _day(args.date, "--date"), level=level, unit_id=unit,
                                  records_since=since)
        try:
            write_report(report, out, printed_by=printed_by)
        except OSError as exc:
            raise UserError(f"无法写入 {out}：{exc.strerror}", f"Cannot write {out}: {exc.strerror}") from None
    finally:
        database.close()
    lang = current_language()
    f = report.total.figures
    for note in report.note_lines(lang):
        print(f"jiafang: {note}", file=sys.stderr)
    rate_zh, rate_en = report.total.dropout_rate.shown("zh"), report.total.dropout_rate.shown("en")
    print(_t(f"已生成 {out}：{report.period.label('zh')}，新发现辍学 {f.found} 人，劝返复学 {f.back} 人，仍未返校 "
             f"{f.still_out} 人，家访 {f.visits_done}/{f.visits_planned}，辍学率 {rate_zh}。",
             f"Wrote {out}: {report.period.label('en')}; {f.found} found, {f.back} back, {f.still_out} still out, "
             f"visits {f.visits_done}/{f.visits_planned}, dropout rate {rate_en}."))
    return EXIT_OK


def cmd_export_ledger(args: argparse.Namespace) -> int:
    from app.services.ledgers import Signatures, export_ledger

    out = Path(args.out)
    database = _open(args)
    try:
        reveal = _reveal(args, database)
        signatures = Signatures(checker=args.checker or "", preparer=args.preparer or "", phone=args.phone or "")
        with database.write() as session:  # a write session: exports are to be audited (record_print)
            try:
                result = export_ledger(session, args.ledger, out, on=_day(args.date, "--date"), school_id=args.school,
                                       township_id=args.township, village_id=args.village, signatures=signatures,
                                       reveal=reveal)
            except OSError as exc:
                raise UserError(f"无法写入 {out}：{exc.strerror}", f"Cannot write {out}: {exc.strerror}") from None
    finally:
        database.close()
    print(_t(f"已导出{result.kind.zh} {result.rows} 行到 {out}（含个人信息，请妥善保管）。",
             f"Exported the {result.kind.en.lower()} ({result.rows} rows) to {out} (it holds personal data: keep it "
             "safe)."))
    return EXIT_OK


def cmd_reconcile(args: argparse.Namespace) -> int:
    from app.services.reconciliation import accept_line, dismiss_line, reconcile

    if args.dismiss and not args.reason:
        raise UserError("忽略（--dismiss）需要用 --reason 写明原因。", "--dismiss needs a --reason.")
    day = _day(args.date, "--date")
    database = _open(args)
    done: list[str] = []
    try:
        if args.accept or args.dismiss:
            with database.write() as session:
                result = reconcile(session, Path(args.file), args.kind, today=day)
                for key in args.accept or ():
                    line = result.line(key)
                    done.append(f"{line.name}：{accept_line(session, result, key, school_id=args.school, today=day)}")
                for key in args.dismiss or ():
                    line = result.line(key)
                    dismiss_line(session, result, key, args.reason, today=day)
                    done.append(_t(f"{line.name}：已忽略。", f"{line.name}: dismissed."))
        else:
            with database.read() as session:
                result = reconcile(session, Path(args.file), args.kind, today=day)
    finally:
        database.close()
    lang = current_language()
    if args.json:
        print(json.dumps([line.as_dict(lang) for line in result.lines], ensure_ascii=False))
        return EXIT_OK
    for message in done:
        print(message)
    for line in (result.lines if args.all else result.open_lines):
        state = ""
        if line.dismissed is not None:
            state = _t(f"（已忽略：{line.dismissed.reason}）", f" (dismissed: {line.dismissed.reason})")
        elif line.accepted is not None:
            state = _t("（已接受）", " (accepted)")
        print(f"{line.key}  {_t('第', 'row ')}{line.row}{_t(' 行', '')}  {line.issue.label(lang)}  {line.name} "
              f"{line.id_shown}  {line.school_name}：{line.detail(lang)}{state}")
    print(result.summary(lang))
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    from app.ui.main import run

    return run(args.data_dir, lang=args.lang)


def cmd_smoke_test(args: argparse.Namespace) -> int:
    from app.ui.smoke import smoke_test

    print(smoke_test(args.data_dir, lang=current_language(), user=args.user), flush=True)
    return EXIT_OK


# ----------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jiafang", description="家访通 Jiafang: 控辍保学家访与劝返台账")
    parser.add_argument("--version", action="version", version=f"jiafang {__version__}")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="data folder (default: $JIAFANG_DATA_DIR or the per-user data folder)")
    parser.add_argument("--lang", choices=("zh", "en"), default=None, help="language of messages (default zh)")
    parser.add_argument("--user", default=None, help="user name to sign in as (default: $JIAFANG_USER, or "
                                                     "whichever user the password opens)")
    parser.add_argument("--smoke-test", action="store_true",
                        help="start offscreen, open a database (a temporary one unless the data folder and "
                             "$JIAFANG_PASSWORD open one), render the main window, print one line, exit 0")
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
    export_ledger = export_kinds.add_parser("ledger", help="a ledger (台账) as .xlsx: dropouts, returned, "
                                                         "not-returned, key-targets, visits, village-list")
    export_ledger.add_argument("ledger", metavar="KIND",
                               choices=("dropouts", "returned", "not-returned", "key-targets", "visits",
                                        "village-list"), help="which ledger")
    export_ledger.add_argument("--out", required=True, metavar="FILE.xlsx", help="the workbook to write")
    export_ledger.add_argument("--date", default=None, metavar="D", help="as of this day (default today)")
    export_ledger.add_argument("--school", default=None, metavar="SCHOOL_ID", help="only this school")
    export_ledger.add_argument("--township", default=None, metavar="TOWNSHIP_ID", help="only this township")
    export_ledger.add_argument("--village", default=None, metavar="VILLAGE_ID", help="village-list: one village")
    export_ledger.add_argument("--checker", default=None, help="核查人 (checker) for the footer")
    export_ledger.add_argument("--preparer", default=None, help="填表人 (preparer) for the footer")
    export_ledger.add_argument("--phone", default=None, help="联系电话 (phone) for the footer")
    export_ledger.add_argument("--reveal", action="store_true",
                               help="full ID and phone numbers (school administrators and the district only)")
    export_ledger.set_defaults(func=cmd_export_ledger)

    importing = commands.add_parser("import", help="import records from other systems' files")
    import_kinds = importing.add_subparsers(dest="kind", metavar="KIND", required=True)
    import_roster = import_kinds.add_parser(
        "roster", help="students from a registry export (.xlsx, .xls, or .csv in UTF-8 or GBK)")
    import_roster.add_argument("file", metavar="FILE", help="the spreadsheet to import")
    import_roster.add_argument("--dry-run", action="store_true",
                               help="show what would be added, changed and rejected; write nothing")
    import_roster.add_argument("--skip-invalid", action="store_true",
                               help="import the valid rows even when some rows are invalid")
    import_roster.set_defaults(func=cmd_import_roster)

    sync_parser = commands.add_parser("sync", help="sync with a shared folder or USB stick")
    sync_kinds = sync_parser.add_subparsers(dest="transport", metavar="TRANSPORT", required=True)
    sync_folder_parser = sync_kinds.add_parser("folder", help="sync through a folder (school share or USB stick)")
    sync_folder_parser.add_argument("path", metavar="PATH", help="the shared folder")
    sync_folder_parser.add_argument("--passphrase-file", default=None,
                                    help="file holding the share passphrase (else $JIAFANG_SYNC_PASSPHRASE)")
    sync_folder_parser.add_argument("--quiet", action="store_true", help="no progress output")
    folder_admin = sync_folder_parser.add_mutually_exclusive_group()
    folder_admin.add_argument("--rekey", action="store_true",
                              help="lost laptop: give the share a new passphrase and key (administrators; the new "
                                   "passphrase from $JIAFANG_SYNC_PASSPHRASE or --passphrase-file)")
    folder_admin.add_argument("--devices", action="store_true",
                              help="list the share's devices as known at the last sync (to find a lost one's id)")
    sync_folder_parser.add_argument("--revoke", action="append", default=None, metavar="DEVICE",
                                    help="with --rekey: refuse this device's changes from now on (repeatable; a "
                                         "unique prefix of the id will do)")
    sync_folder_parser.set_defaults(func=cmd_sync_folder)
    sync_server_parser = sync_kinds.add_parser("server", help="sync with the district server over HTTPS")
    sync_server_parser.add_argument("url", metavar="URL", help="the server, e.g. https://jiafang.example:8443")
    sync_server_parser.add_argument("--enroll", default=None, metavar="CODE",
                                    help="enroll this laptop first with the district's one-time code")
    sync_server_parser.add_argument("--token-file", default=None,
                                    help="file holding the device token (else $JIAFANG_SYNC_TOKEN, else the one "
                                         "stored at enrollment)")
    sync_server_parser.add_argument("--ca", default=None, metavar="FILE",
                                    help="CA certificate to trust for the server (else $JIAFANG_SYNC_CA)")
    sync_server_parser.add_argument("--quiet", action="store_true", help="no progress output")
    sync_server_parser.set_defaults(func=cmd_sync_server)

    conflicts = commands.add_parser("conflicts", help="list (or resolve) fields two laptops changed differently")
    conflicts.add_argument("--json", action="store_true", help="print one JSON list")
    conflicts.add_argument("--keep", nargs=4, metavar=("TABLE", "ROW", "FIELD", "OP"), default=None,
                           help="resolve one conflict by keeping the value of candidate OP")
    conflicts.set_defaults(func=cmd_conflicts)

    pdf = commands.add_parser("pdf", help="print documents as PDF: visit sheets, blank sheets, case files")
    pdf_kinds = pdf.add_subparsers(dest="document", metavar="DOCUMENT", required=True)

    def pdf_parser(name: str, help_text: str, func: Callable[[argparse.Namespace], int], *,
                   reveal: bool = True) -> argparse.ArgumentParser:
        sub = pdf_kinds.add_parser(name, help=help_text)
        sub.add_argument("--out", required=True, metavar="FILE", help="the PDF to write")
        if reveal:
            sub.add_argument("--reveal", action="store_true",
                             help="print full ID and phone numbers (school administrators and the district only)")
        sub.set_defaults(func=func)
        return sub

    pdf_visit = pdf_parser("visit", "the household visit sheet (家访记录表) of one visit", cmd_pdf_visit)
    pdf_visit.add_argument("id", metavar="ID", help="the visit's record id")
    pdf_campaign = pdf_kinds.add_parser("campaign", help="every visit sheet of a campaign, one file per household")
    pdf_campaign.add_argument("code", metavar="CODE", help="campaign code, e.g. 2026-winter_visits")
    pdf_campaign.add_argument("--out", required=True, metavar="DIR", help="folder for the PDFs")
    pdf_campaign.add_argument("--one-file", action="store_true", help="all sheets in one PDF (CODE.pdf)")
    pdf_campaign.add_argument("--school", default=None, metavar="SCHOOL_ID", help="only this school's visits")
    pdf_campaign.add_argument("--reveal", action="store_true",
                              help="print full ID and phone numbers (school administrators and the district only)")
    pdf_campaign.add_argument("--quiet", action="store_true", help="no progress output")
    pdf_campaign.set_defaults(func=cmd_pdf_campaign)
    pdf_blank = pdf_parser("blank", "a blank paper-fallback visit sheet with a QR code of its record id",
                           cmd_pdf_blank)
    pdf_blank.add_argument("--student", default=None, metavar="ID", help="pre-fill this student's identity")
    pdf_case = pdf_parser("case", "the persuasion record (劝返记录) of a dropout case", cmd_pdf_case)
    pdf_case.add_argument("id", metavar="ID", help="the case's record id")
    pdf_exemption = pdf_parser("exemption", "the exemption record (免学、缓学、休学) of a case resolved as deferred",
                               cmd_pdf_exemption)
    pdf_exemption.add_argument("id", metavar="CASE_ID", help="a case whose outcome is 延缓入学/休学")
    pdf_exemption.add_argument("--kind", choices=("免学", "缓学", "休学"), default=None, help="tick this kind")
    pdf_exemption.add_argument("--cause", action="append", choices=("严重疾病", "重度残疾", "精神疾病"),
                               help="tick this cause (repeatable; default from the case's reason)")
    pdf_exemption.add_argument("--finding", default=None, help="the expert committee's finding")
    pdf_exemption.add_argument("--evidence", default=None, help="the evidence attached")
    pdf_village = pdf_parser("village", "a village's list of school-age children not in school", cmd_pdf_village,
                             reveal=False)
    pdf_village.add_argument("id", metavar="VILLAGE_ID", help="the village's record id")
    pdf_village.add_argument("--checker", default=None, help="核查人 (checker) for the footer")
    pdf_village.add_argument("--preparer", default=None, help="填表人 (preparer) for the footer")
    pdf_village.add_argument("--phone", default=None, help="联系电话 (phone) for the footer")

    backup = commands.add_parser("backup", help="write an encrypted backup of the data folder")
    backup.add_argument("--out", default=None, help="backup file (default: backups/ in the data folder)")
    backup.set_defaults(func=cmd_backup)

    restore = commands.add_parser("restore", help="restore a backup into the data folder")
    restore.add_argument("file", metavar="FILE", help="the .jfbak backup file")
    restore.add_argument("--force", action="store_true", help="replace a data folder that already holds data "
                                                               "(its files are kept aside, not deleted)")
    restore.set_defaults(func=cmd_restore)

    warnings = commands.add_parser("warnings", help="early warnings: absences, non-returners, stale cases, overdue "
                                                    "follow-ups ...")
    warnings.add_argument("--json", action="store_true", help="print one JSON list (see README for its shape)")
    warnings.add_argument("--school", default=None, metavar="SCHOOL_ID", help="only this school's students")
    warnings.add_argument("--township", default=None, metavar="TOWNSHIP_ID", help="only this township's schools")
    warnings.add_argument("--date", default=None, metavar="D", help="as of this day (default today)")
    warnings.set_defaults(func=cmd_warnings)

    absence = commands.add_parser("absence", help="record a student's absence (for the early warnings)")
    absence.add_argument("student", metavar="STUDENT_ID", help="the student's record id")
    absence.add_argument("--since", default=None, metavar="D", help="the first day away")
    absence.add_argument("--until", default=None, metavar="D", help="the last day away (ends the absence)")
    absence.add_argument("--excused", action="store_true", help="leave was granted (no warning)")
    absence.add_argument("--reason", default=None, help="why the student is away")
    absence.set_defaults(func=cmd_absence)

    report = commands.add_parser("report", help="the weekly or monthly dropout-control report as PDF or Excel")
    report.add_argument("kind", choices=("weekly", "monthly"), help="weekly (Monday to Sunday) or monthly")
    report.add_argument("--date", default=None, metavar="D", help="a day in the period (default today)")
    report.add_argument("--out", required=True, metavar="FILE", help="FILE.pdf or FILE.xlsx")
    report_scope = report.add_mutually_exclusive_group()
    report_scope.add_argument("--township", default=None, metavar="TOWNSHIP_ID", help="one township and its schools")
    report_scope.add_argument("--school", default=None, metavar="SCHOOL_ID", help="one school")
    report.set_defaults(func=cmd_report)

    reconcile_parser = commands.add_parser(
        "reconcile", help="compare a registry, poverty or disability list with the records (账实相符)")
    reconcile_parser.add_argument("file", metavar="FILE", help="the list (.xlsx, .xls or .csv)")
    reconcile_parser.add_argument("--kind", choices=("registry", "poverty", "disability"), default=None,
                                  help="which system the list comes from (default: read from its columns)")
    reconcile_parser.add_argument("--json", action="store_true", help="print every line as one JSON list")
    reconcile_parser.add_argument("--all", action="store_true", help="also show dismissed lines")
    reconcile_parser.add_argument("--accept", action="append", metavar="KEY", help="apply a line (repeatable)")
    reconcile_parser.add_argument("--dismiss", action="append", metavar="KEY", help="dismiss a line (repeatable)")
    reconcile_parser.add_argument("--reason", default=None, help="why the lines given with --dismiss are dismissed")
    reconcile_parser.add_argument("--school", default=None, metavar="SCHOOL_ID",
                                  help="the school that takes an accepted suspected dropout (or a registry student "
                                       "whose school cannot be found)")
    reconcile_parser.add_argument("--date", default=None, metavar="D", help="as of this day (default today)")
    reconcile_parser.set_defaults(func=cmd_reconcile)

    check = commands.add_parser("check", help="integrity, op-log rebuild, cross-record consistency")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.set_defaults(func=cmd_check)

    audit = commands.add_parser("audit", help="the audit log: views, reveals, exports, prints, sign-ins (admins)")
    audit.add_argument("--json", action="store_true", help="print the events as one JSON list")
    audit.add_argument("--since", default=None, metavar="D", help="events from this day (UTC) on")
    audit.set_defaults(func=cmd_audit)

    recovery = commands.add_parser("recovery-key", help="the district recovery key for forgotten passwords")
    recovery_actions = recovery.add_subparsers(dest="action", metavar="ACTION", required=True)
    recovery_create = recovery_actions.add_parser("create", help="make (or replace) the recovery key (admins)")
    recovery_create.add_argument("--out", default=None, metavar="FILE", help="write the key to FILE (else printed)")
    recovery_create.set_defaults(func=cmd_recovery_key_create)

    reset = commands.add_parser("reset-password", help="set a new password for a user with the recovery key "
                                "(from a prompt or JIAFANG_RECOVERY_KEY; the new password from JIAFANG_PASSWORD)")
    reset.add_argument("username", metavar="USER", help="the user whose password is reset")
    reset.set_defaults(func=cmd_reset_password)

    roles = ("teacher", "school_admin", "district")
    user = commands.add_parser("user", help="the people who sign in on this laptop (administrators; new passwords "
                                            "from JIAFANG_NEW_PASSWORD or typed twice)")
    user_actions = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    user_add = user_actions.add_parser("add", help="add a user with a password of their own")
    user_add.add_argument("username", metavar="NAME", help="the user name to sign in with")
    user_add.add_argument("--role", choices=roles, required=True, help="what the user may do")
    user_add.add_argument("--display-name", default=None,
                          help="the person's full name as the 包保 lists write it (a teacher changes the records "
                               "of the students whose responsible persons carry it; default: NAME)")
    user_add.add_argument("--school", default=None, metavar="SCHOOL",
                          help="the user's school (id, code or name; default: this laptop's school)")
    user_add.set_defaults(func=cmd_user_add)
    user_list = user_actions.add_parser("list", help="the users: role, school, active, created, last sign-in")
    user_list.add_argument("--json", action="store_true", help="print one JSON list")
    user_list.set_defaults(func=cmd_user_list)
    user_password = user_actions.add_parser("password", help="set a new password for a user (the old one stops "
                                                             "working)")
    user_password.add_argument("username", metavar="NAME")
    user_password.set_defaults(func=cmd_user_password)
    user_disable = user_actions.add_parser("disable", help="deactivate a user: their password no longer opens "
                                                           "the data")
    user_disable.add_argument("username", metavar="NAME")
    user_disable.set_defaults(func=cmd_user_disable)
    user_enable = user_actions.add_parser("enable", help="reactivate a user with a new password")
    user_enable.add_argument("username", metavar="NAME")
    user_enable.set_defaults(func=cmd_user_enable)
    user_role = user_actions.add_parser("role", help="give a user another role")
    user_role.add_argument("username", metavar="NAME")
    user_role.add_argument("role", choices=roles, metavar="ROLE", help="teacher, school_admin or district")
    user_role.set_defaults(func=cmd_user_role)

    passwd = commands.add_parser("passwd", help="change your own password (the current one from JIAFANG_PASSWORD "
                                                "or the prompt, the new one from JIAFANG_NEW_PASSWORD or typed "
                                                "twice)")
    passwd.set_defaults(func=cmd_passwd)

    db_option = argparse.ArgumentParser(add_help=False)
    db_option.add_argument("--db", default=argparse.SUPPRESS, metavar="URL",
                           help="server database: postgresql+psycopg://… (default: SQLite in the data folder)")
    serve = commands.add_parser("serve", help="run the district sync server and dashboard (and administer it)")
    serve.add_argument("--db", default=None, metavar="URL",
                       help="server database: postgresql+psycopg://… (default: SQLite in the data folder)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8443, help="port (default 8443)")
    serve.add_argument("--cert", default=None, metavar="FILE", help="TLS certificate (PEM), with --key")
    serve.add_argument("--key", default=None, metavar="FILE", help="TLS private key (PEM), with --cert")
    serve.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    serve.set_defaults(func=cmd_serve)
    serve_actions = serve.add_subparsers(dest="serve_action", metavar="ACTION")
    serve_init = serve_actions.add_parser("init", parents=[db_option],
                                          help="set up the server database (optionally adopting a share's deployment)")
    serve_init.add_argument("--join-share", default=None, metavar="PATH",
                            help="serve the deployment of this shared folder (its passphrase from "
                                 "$JIAFANG_SYNC_PASSPHRASE or --passphrase-file)")
    serve_init.add_argument("--passphrase-file", default=None, help="file holding the share passphrase")
    serve_init.set_defaults(func=cmd_serve_init)
    serve_user = serve_actions.add_parser("user", help="dashboard users")
    serve_user_actions = serve_user.add_subparsers(dest="user_action", metavar="ACTION", required=True)
    serve_user_add = serve_user_actions.add_parser("add", parents=[db_option],
                                                   help="add a dashboard user (password from $JIAFANG_PASSWORD)")
    serve_user_add.add_argument("username", metavar="NAME")
    serve_user_add.add_argument("--role", choices=("district", "school_admin", "teacher"), required=True)
    serve_user_add.add_argument("--school", default=None, help="the school (id, code or name) of a school user")
    serve_user_add.add_argument("--display-name", default=None)
    serve_user_add.set_defaults(func=cmd_serve_user_add)
    serve_code = serve_actions.add_parser("code", parents=[db_option],
                                          help="a one-time enrollment code for one laptop")
    code_scope = serve_code.add_mutually_exclusive_group(required=True)
    code_scope.add_argument("--school", default=None, help="the laptop's school (id, code or name)")
    code_scope.add_argument("--district", action="store_true", help="a district laptop (sees every school)")
    serve_code.add_argument("--hours", type=float, default=72, help="validity in hours (default 72)")
    serve_code.add_argument("--url", default=None, help="the server address laptops use (for the link and QR code)")
    serve_code.add_argument("--qr", default=None, metavar="FILE", help="write the QR code to FILE (.png or .svg)")
    serve_code.set_defaults(func=cmd_serve_code)
    serve_devices = serve_actions.add_parser("devices", parents=[db_option], help="list enrolled devices")
    serve_devices.add_argument("--json", action="store_true", help="print one JSON list")
    serve_devices.set_defaults(func=cmd_serve_devices)
    serve_revoke = serve_actions.add_parser("revoke", parents=[db_option], help="revoke a device's token")
    serve_revoke.add_argument("device", metavar="DEVICE", help="device id (a unique prefix will do)")
    serve_revoke.set_defaults(func=cmd_serve_revoke)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.data_dir = (args.data_dir or default_data_dir()).expanduser()
    set_language(args.lang or str(load_settings(args.data_dir).get("language", "zh")))
    func: Callable[[argparse.Namespace], int] = (cmd_smoke_test if args.smoke_test
                                                  else getattr(args, "func", cmd_gui))
    command = "smoke-test" if args.smoke_test else (getattr(args, "command", None) or "gui")
    log_file = setup_logging(args.data_dir)
    log.debug("command %s (jiafang %s)", command, __version__)
    try:
        return func(args)
    except (DomainError, UserError) as exc:
        # DEBUG (not written by default): a mistyped command must not create a data folder for its log. The
        # class only: messages may name people.
        log.debug("command %s: %s", command, type(exc).__name__)
        print(f"jiafang: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        # The reader went away (`jiafang export json - | head`): whatever was written is as it was, and there
        # is nobody to tell. Point stdout at nothing so that Python's own flush at exit does not fail again.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_USER_ERROR
    except OSError as exc:
        from app.store.errors import translate

        log.debug("command %s: %s (errno %s)", command, type(exc).__name__, exc.errno)
        print(f"jiafang: {translate(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print(_t("jiafang: 已取消", "jiafang: cancelled"), file=sys.stderr)
        return EXIT_USER_ERROR
    except Exception as exc:
        # A bug: one line for the person, the traceback (masked, no locals) for whoever reads the log.
        log_unexpected(exc, command=command)
        print(_t(f"jiafang: 内部错误，已记录到日志 {log_file}（{type(exc).__name__}）",
                 f"jiafang: internal error, written to the log {log_file} ({type(exc).__name__})"), file=sys.stderr)
        return EXIT_USER_ERROR


def entry() -> None:
    raise SystemExit(main())


if __name__ == "__main__":
    entry()
