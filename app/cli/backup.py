"""Encrypted backups: ``backup`` and ``restore``."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import EXIT_OK, _open, _password, _t


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
