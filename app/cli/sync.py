"""Syncing this laptop: ``sync folder``, ``sync server`` and ``conflicts``."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from app.cli.common import EXIT_OK, EXIT_USAGE, EXIT_USER_ERROR, UserError, _open, _progress_printer, _t
from app.domain.i18n import current_language

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
