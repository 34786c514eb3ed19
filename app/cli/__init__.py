"""The command line: a stable contract for district technicians' scripts (see README.md).

Exit codes: 0 success, 1 a user error with a one-line message (never a traceback), 2 a usage error.
Qt is imported only by `gui`.

The parser and ``main`` are here; the commands live in one module per group (``folder``, ``exchange``,
``users``, ``sync``, ``serve``, ``documents``, ``backup``, ``reports``, ``gui``), their shared helpers in
``common``. Every module imports its services when a command runs, so that ``jiafang --help`` stays quick.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app import __version__
from app.cli.backup import cmd_backup, cmd_restore
from app.cli.common import EXIT_OK, EXIT_USAGE, EXIT_USER_ERROR, UserError, _t
from app.cli.documents import (
    cmd_pdf_blank,
    cmd_pdf_campaign,
    cmd_pdf_case,
    cmd_pdf_exemption,
    cmd_pdf_village,
    cmd_pdf_visit,
)
from app.cli.exchange import cmd_export_json, cmd_import_roster
from app.cli.folder import cmd_audit, cmd_check, cmd_demo, cmd_init
from app.cli.gui import cmd_gui, cmd_smoke_test
from app.cli.reports import cmd_absence, cmd_export_ledger, cmd_reconcile, cmd_report, cmd_warnings
from app.cli.serve import (
    cmd_serve,
    cmd_serve_code,
    cmd_serve_devices,
    cmd_serve_init,
    cmd_serve_revoke,
    cmd_serve_user_add,
)
from app.cli.sync import cmd_conflicts, cmd_sync_folder, cmd_sync_server
from app.cli.users import (
    cmd_passwd,
    cmd_recovery_key_create,
    cmd_reset_password,
    cmd_user_add,
    cmd_user_disable,
    cmd_user_enable,
    cmd_user_list,
    cmd_user_password,
    cmd_user_role,
)
from app.config import default_data_dir, load_settings
from app.domain.errors import DomainError
from app.domain.i18n import set_language
from app.logs import log_unexpected, setup_logging

__all__ = ["EXIT_OK", "EXIT_USAGE", "EXIT_USER_ERROR", "UserError", "build_parser", "entry", "main"]

log = logging.getLogger("jiafang.cli")


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
                             help="print full ID, student and phone numbers and disability details (school "
                                  "administrators and the district only)")
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
                              help="print full ID, student and phone numbers and disability details (school "
                                   "administrators and the district only)")
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
    serve.add_argument("--dashboard-db", default=None, metavar="URL",
                       help="a read replica (PostgreSQL hot standby) of --db for the dashboard to read")
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
