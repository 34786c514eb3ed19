"""Backups of a data folder and restoring them.

A backup is one file (``.jfbak``, a zip without compression): the database copied through SQLite's online
backup API (so it is consistent while the app runs, and stays encrypted with the same data key), the key
slots, and a manifest. Restoring checks everything before touching the data folder, moves whatever it
replaces aside rather than deleting it, and gives the restored laptop a new device id: the ops it makes from
now on must not reuse op ids its earlier self already sent.

Automatic backups: ``jiafang-auto-*`` once a day (:func:`backup_if_due`), and ``jiafang-auto-sync-*`` before a
folder sync applies other laptops' changes (:func:`backup_before_sync`; when, is sync/engine.py's rule). Each
kind is rotated on its own; manual backups are never deleted. :func:`list_backups` tells the kinds apart by
their file names (also the copies ``jiafang-before-vN-*.db`` that a migration makes, see app/store/db.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import sqlcipher3

from app import __version__
from app.config import BACKUP_DIR, DATABASE_FILE, KEYSLOT_FILE
from app.domain.errors import DomainError
from app.domain.progress import Progress
from app.store.db import Database, _connect, folder_exists, open_folder
from app.store.errors import StoreError, translate
from app.store.keys import KeyRing
from app.store.migrations import SCHEMA_VERSION

FORMAT = "jiafang-backup/1"
MANIFEST = "manifest.json"
SUFFIX = ".jfbak"
KEEP_AUTOMATIC = 10
AUTO_PREFIX = "jiafang-auto-"
SYNC_PREFIX = "jiafang-auto-sync-"
#: Backups before a sync: the newest few are kept, and one is made at most this often (a backup copies the
#: whole database: about 0.05 s for a school's first hundreds of students, 0.25 s at 5,000 students).
KEEP_SYNC = 5
SYNC_BACKUP_MINUTES = 10
STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"
_CHUNK = 1 << 20


class BackupError(DomainError):
    """A backup could not be made or restored; the current data is untouched."""


@dataclass(frozen=True)
class RestoreSummary:
    data_dir: Path
    created: str
    schema: int
    new_device_id: str
    moved_aside: Path | None


class BackupKind(StrEnum):
    """What made a backup file, as its name tells."""

    MANUAL = "manual"  # someone asked for it (also any other .jfbak put into backups/)
    DAILY = "daily"  # jiafang-auto-*: the daily automatic backup
    BEFORE_SYNC = "before_sync"  # jiafang-auto-sync-*: before a sync applied other laptops' changes
    BEFORE_MIGRATION = "before_migration"  # jiafang-before-vN-*.db: the database file before a schema upgrade


@dataclass(frozen=True)
class BackupFile:
    path: Path
    kind: BackupKind
    created: datetime  # UTC: from the time stamp in the name, else the file's modification time
    size: int  # bytes

    @property
    def restorable(self) -> bool:
        """Whether :func:`restore_backup` takes it: a ``.jfbak`` does; a migration's copy is the bare (encrypted)
        database file, for putting back by hand."""
        return self.path.suffix == SUFFIX


_STAMP = re.compile(r"\d{8}T\d{6}\d*Z")
MIGRATION_PREFIX = "jiafang-before-v"  # app.store.db.backup_copy's names: the database file's stem, the reason


def _kind(name: str) -> BackupKind | None:
    if name.endswith(SUFFIX):
        if name.startswith(SYNC_PREFIX):  # first: the daily prefix is the start of this one
            return BackupKind.BEFORE_SYNC
        return BackupKind.DAILY if name.startswith(AUTO_PREFIX) else BackupKind.MANUAL
    if name.startswith(MIGRATION_PREFIX) and name.endswith(".db"):
        return BackupKind.BEFORE_MIGRATION
    return None


def _stamp() -> str:
    return datetime.now(UTC).strftime(STAMP_FORMAT)


def _deployment(database: Database) -> str | None:
    from app.store.models import SyncIdentity

    with database.read() as session:
        identity = session.get(SyncIdentity, 1)
        return identity.deployment_id if identity else None


def make_backup(database: Database, out: Path | None = None, *, reason: str = "manual",
                progress: Progress | None = None) -> Path:
    """Write a backup file (default: the data folder's backups/); returns its path.

    A backup someone asks for is an administrator's action (it copies every record); the automatic ones
    (``reason`` other than ``manual``) run whoever is signed in. ``progress(stage, fraction)`` is called as the
    copy is made and written; an exception it raises (a cancel) stops the backup and leaves no file.
    """
    report = progress or _no_progress
    if reason == "manual" and database.user is not None:
        from app.services.audit import require_admin

        require_admin(database.user.role)
    target = out or database.data_dir / BACKUP_DIR / f"jiafang-{reason}-{_stamp()}{SUFFIX}"
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(target.parent)
    work = Path(tempfile.mkdtemp(prefix=".backup-", dir=target.parent))
    partial = target.with_name(target.name + ".part")
    try:
        report("copy", 0.0)
        copy = work / DATABASE_FILE
        destination = _connect(copy, database.data_key, create=True)
        raw = database.engine.raw_connection()
        try:
            # In one step: a copy made in steps starts over whenever another connection writes meanwhile.
            raw.driver_connection.backup(destination)  # type: ignore[union-attr]
        finally:
            raw.close()
            destination.close()
        report("write", 0.3)
        created = datetime.now(UTC).isoformat()
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
            digest = _write_reporting(archive, copy, DATABASE_FILE, lambda done: report("write", 0.3 + 0.6 * done))
            archive.write(database.data_dir / KEYSLOT_FILE, KEYSLOT_FILE)
            manifest = {"format": FORMAT, "created": created, "schema": SCHEMA_VERSION,
                        "app_version": __version__, "device_id": database.device_id,
                        "deployment": _deployment(database), "database_sha256": digest}
            archive.writestr(MANIFEST, json.dumps(manifest, indent=1))
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        report("verify", 0.9)  # the last point a cancel stops at
        with zipfile.ZipFile(partial) as archive:  # verify what was written before calling it a backup
            if archive.testzip() is not None:
                raise BackupError("备份写入后校验失败（磁盘可能有问题）。",
                                  "The backup failed verification after writing.")
        os.replace(partial, target)
        _audit(database, reason)
    except DomainError:
        partial.unlink(missing_ok=True)
        raise
    except (OSError, sqlcipher3.Error) as exc:
        partial.unlink(missing_ok=True)
        error = translate(exc)
        raise BackupError(f"无法完成备份，现有数据未受影响。{error.zh}",
                          f"The backup could not be made; the current data is untouched. {error.en}") from None
    except BaseException:  # a cancel from ``progress``
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


#: A backup's work folder or unfinished file older than this belongs to a backup that was killed (the laptop's
#: battery died mid-copy): it is removed, or each such death would keep a database-sized file for ever.
LEFTOVER_SECONDS = 3600


def _remove_leftovers(folder: Path, patterns: tuple[str, ...] = (".backup-*", f"*{SUFFIX}.part")) -> None:
    """Remove what killed backups (or restores) left in ``folder`` (encrypted, but as large as the database)."""
    now = time.time()
    for path in [found for pattern in patterns for found in folder.glob(pattern)]:
        with contextlib.suppress(OSError):
            if now - path.stat().st_mtime < LEFTOVER_SECONDS:
                continue  # perhaps another backup running right now (the app and a scheduled sync)
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink()


def _no_progress(_stage: str, _fraction: float) -> None:
    pass


def _write_reporting(archive: zipfile.ZipFile, source: Path, name: str, done: Callable[[float], None]) -> str:
    """Store ``source`` in ``archive`` as ``name`` a chunk at a time (as ZipFile.write does), telling the share
    written after each; returns the file's SHA-256."""
    info = zipfile.ZipInfo.from_file(source, name)
    info.compress_type = zipfile.ZIP_STORED
    total = max(info.file_size, 1)
    digest = hashlib.sha256()
    written = 0
    with open(source, "rb") as handle, archive.open(info, "w") as entry:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            entry.write(chunk)
            written += len(chunk)
            done(written / total)
    return digest.hexdigest()


def _audit(database: Database, reason: str) -> None:
    from app.services.audit import AuditAction, record_event

    with database.write() as session:
        record_event(session, AuditAction.BACKUP,
                     detail=reason if reason in ("manual", "auto", "auto-sync") else "other")


def _automatic(folder: Path, prefix: str) -> list[Path]:
    """The automatic backups of one kind, oldest first. The time stamp follows the prefix, so the daily kind
    (``jiafang-auto-2026…``) never takes in the sync kind (``jiafang-auto-sync-2026…``)."""
    return sorted(folder.glob(f"{prefix}[0-9]*{SUFFIX}")) if folder.exists() else []


def rotate_backups(folder: Path, *, keep: int = KEEP_AUTOMATIC, prefix: str = AUTO_PREFIX) -> list[Path]:
    """Delete the oldest automatic backups of one kind beyond ``keep``; manual ones are never deleted."""
    autos = _automatic(folder, prefix)
    removed = autos[:-keep] if len(autos) > keep else []
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def backup_if_due(database: Database, *, every_hours: int = 24) -> Path | None:
    """The daily automatic backup: made when the newest automatic one is older than ``every_hours``."""
    folder = database.data_dir / BACKUP_DIR
    autos = _automatic(folder, AUTO_PREFIX)
    if autos and (datetime.now(UTC).timestamp() - autos[-1].stat().st_mtime) < every_hours * 3600:
        return None
    made = make_backup(database, reason="auto")
    rotate_backups(folder)
    return made


def sync_backup_due(database: Database, *, every_minutes: float | None = None) -> bool:
    """Whether the newest backup before a sync is older than ``every_minutes`` (default
    :data:`SYNC_BACKUP_MINUTES`), or there is none."""
    minutes = SYNC_BACKUP_MINUTES if every_minutes is None else every_minutes
    autos = _automatic(database.data_dir / BACKUP_DIR, SYNC_PREFIX)
    try:
        return not autos or datetime.now(UTC).timestamp() - autos[-1].stat().st_mtime >= minutes * 60
    except OSError:
        return True


def backup_before_sync(database: Database) -> Path:
    """The automatic backup before a sync applies other laptops' changes (whoever is signed in); the oldest
    beyond :data:`KEEP_SYNC` are deleted."""
    made = make_backup(database, reason="auto-sync")
    rotate_backups(made.parent, keep=KEEP_SYNC, prefix=SYNC_PREFIX)
    return made


def list_backups(data_dir: Path) -> list[BackupFile]:
    """The backup files in the data folder's backups/, newest first, each with its kind (from its name), time
    and size. The folders a restore kept the replaced data in (``replaced-*``) and unfinished files are left out.
    """
    folder = data_dir / BACKUP_DIR
    found: list[BackupFile] = []
    try:
        entries = list(folder.iterdir()) if folder.is_dir() else []
    except OSError as exc:
        error = translate(exc)
        raise BackupError(f"无法读取备份文件夹 {folder}：{error.zh}",
                          f"The backup folder {folder} cannot be read: {error.en}") from None
    for path in entries:
        kind = _kind(path.name)
        if kind is None:
            continue
        try:
            if not path.is_file():
                continue
            stat = path.stat()
        except OSError:
            continue  # rotated away meanwhile
        stamp = _STAMP.search(path.name)
        try:
            created = datetime.strptime(stamp[0], STAMP_FORMAT).replace(tzinfo=UTC) if stamp else None
        except ValueError:
            created = None
        found.append(BackupFile(path, kind, created or datetime.fromtimestamp(stat.st_mtime, UTC), stat.st_size))
    return sorted(found, key=lambda backup: (backup.created, backup.path.name), reverse=True)


def _read(backup: Path, work: Path) -> dict[str, Any]:
    try:
        with zipfile.ZipFile(backup) as archive:
            names = set(archive.namelist())
            if not {MANIFEST, DATABASE_FILE, KEYSLOT_FILE} <= names:
                raise BackupError(f"{backup.name} 不是家访通的备份文件。", f"{backup.name} is not a Jiafang backup.")
            if archive.testzip() is not None:
                raise BackupError(f"备份文件 {backup.name} 已损坏。", f"The backup {backup.name} is damaged.")
            manifest = json.loads(archive.read(MANIFEST))
            archive.extract(DATABASE_FILE, work)
            archive.extract(KEYSLOT_FILE, work)
    except FileNotFoundError:
        raise BackupError(f"找不到备份文件 {backup}。", f"Backup file {backup} not found.") from None
    except (zipfile.BadZipFile, ValueError, KeyError):
        raise BackupError(f"备份文件 {backup.name} 已损坏或不是家访通的备份。",
                          f"The backup {backup.name} is damaged or not a Jiafang backup.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{backup.name} 不是家访通的备份文件。", f"{backup.name} is not a Jiafang backup.")
    if hashlib.sha256((work / DATABASE_FILE).read_bytes()).hexdigest() != manifest.get("database_sha256"):
        raise BackupError(f"备份文件 {backup.name} 已损坏（数据库校验不符）。",
                          f"The backup {backup.name} is damaged (database checksum mismatch).")
    if int(manifest.get("schema", 0)) > SCHEMA_VERSION:
        raise BackupError("这个备份来自更新版本的家访通，请先升级。",
                          "This backup comes from a newer Jiafang; upgrade first.")
    return manifest


def restore_backup(backup: Path, data_dir: Path, *, password: str, username: str | None = None,
                   force: bool = False) -> RestoreSummary:
    """Restore a backup into ``data_dir`` (refusing a folder that holds data unless ``force``)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(data_dir, (".restore-*",))
    work = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir))
    moved: Path | None = None
    try:
        manifest = _read(backup, work)
        checked = open_folder(work, username, password)  # the password must open the backup's own key slots
        try:
            with checked.read() as session:
                problems = session.connection().exec_driver_sql("PRAGMA quick_check").scalar()
            if problems != "ok":
                raise BackupError(f"备份里的数据库已损坏：{problems}",
                                  f"The database in the backup is damaged: {problems}")
        finally:
            checked.close()
        if folder_exists(data_dir) or (data_dir / DATABASE_FILE).exists():
            if not force:
                raise BackupError(f"数据文件夹 {data_dir} 里已有数据；确认要用备份替换时请加 --force"
                                  "（原数据会另存，不会删除）。",
                                  f"The data folder {data_dir} already holds data; add --force to replace it "
                                  "(the current data is kept aside, not deleted).")
            current_deployment = _current_deployment(data_dir, username, password)
            if current_deployment and manifest.get("deployment") and current_deployment != manifest["deployment"]:
                raise BackupError("这个备份来自另一个部署（别的学校或学区），不能恢复到这里。",
                                  "This backup belongs to another deployment and cannot be restored here.")
            moved = data_dir / BACKUP_DIR / f"replaced-{_stamp()}"
            moved.mkdir(parents=True)
            for name in (DATABASE_FILE, DATABASE_FILE + "-wal", DATABASE_FILE + "-shm", KEYSLOT_FILE):
                if (data_dir / name).exists():
                    os.replace(data_dir / name, moved / name)
        for name in (DATABASE_FILE, KEYSLOT_FILE):
            os.replace(work / name, data_dir / name)
        KeyRing.load(data_dir / KEYSLOT_FILE)  # sanity: the key file in place reads
        restored = open_folder(data_dir, username, password)
        try:
            from app.services.audit import AuditAction, record_event
            from app.store import oplog

            with restored.write() as session:
                new_id = oplog.new_device_id(session)
                record_event(session, AuditAction.RESTORE, detail="forced" if moved else None)
        finally:
            restored.close()
    except DomainError:
        raise
    except OSError as exc:
        error = translate(exc)
        raise BackupError(f"恢复没有完成：{error.zh}", f"The restore did not complete: {error.en}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return RestoreSummary(data_dir, str(manifest.get("created")), int(manifest.get("schema", 0)), new_id, moved)


def _current_deployment(data_dir: Path, username: str | None, password: str) -> str | None:
    try:
        current = open_folder(data_dir, username, password)
    except (DomainError, StoreError):
        return None  # another password: the user forced it, and the current files are kept aside anyway
    try:
        return _deployment(current)
    finally:
        current.close()
