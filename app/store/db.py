"""Opening, creating and writing the encrypted record store.

One data folder holds ``jiafang.db`` (SQLCipher, encrypted with the data key), ``keyslots.json`` (the data
key wrapped by each user's password) and ``backups/``. Nothing in the folder is readable without a password.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from app.config import BACKUP_DIR, DATABASE_FILE, KEYSLOT_FILE
from app.domain.codes import UserRole
from app.domain.errors import DomainError
from app.store import guard, oplog
from app.store.errors import StoreError, WriterBusy, translate
from app.store.guard import check_statement
from app.store.ids import uuid7
from app.store.keys import KeyRing, new_data_key
from app.store.machine import machine_fingerprint, published_seq
from app.store.migrations import MIGRATIONS, SCHEMA_VERSION
from app.store.types import utc_text


def _connect(path: Path, key: bytes, *, create: bool) -> Any:
    if not create and not path.exists():
        raise StoreError(f"找不到数据库文件 {path}。", f"Database file {path} not found.")
    try:
        conn = sqlcipher3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10)
    except sqlcipher3.Error as exc:
        raise translate(exc) from None
    try:
        # SQLCipher would otherwise print its decryption errors on stderr, in front of our message.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        # A wrong key only shows at the first read; read now so the error comes from open, not later.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.Error as exc:
        conn.close()
        raise translate(exc) from None
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    # Temp tables and sort spills stay in memory: a temp file would hold personal data in clear.
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def _schema_version(path: Path, key: bytes) -> int:
    conn = _connect(path, key, create=False)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def backup_copy(path: Path, reason: str) -> Path:
    """Copy the (encrypted) database file into backups/ after folding the WAL in; returns the copy."""
    target_dir = path.parent / BACKUP_DIR
    target_dir.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = target_dir / f"{path.stem}-{reason}-{stamp}.db"
    tmp = target.with_suffix(".tmp")
    try:
        shutil.copyfile(path, tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise translate(exc) from exc
    return target


def migrate(path: Path, key: bytes) -> list[int]:
    """Bring the database to SCHEMA_VERSION; returns the migrations run. Refuses a newer database."""
    conn = _connect(path, key, create=True)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"这个数据库来自更新版本的家访通（数据版本 {version}，本程序支持到 {SCHEMA_VERSION}），"
                "为保护数据不予打开。请先升级家访通。",
                f"This database comes from a newer Jiafang (data version {version}; this program knows up to "
                f"{SCHEMA_VERSION}). It was not opened, to protect it. Please upgrade Jiafang first.",
            )
        pending = [m for m in MIGRATIONS if m[0] > version]
        if pending and version > 0:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            backup_copy(path, f"before-v{pending[0][0]}")
        done = []
        for number, _title, upgrade in pending:
            cur = conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                upgrade(cur)
                cur.execute(f"PRAGMA user_version = {number}")
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            done.append(number)
        return done
    except DomainError:
        raise
    except Exception as exc:
        raise translate(exc) from exc
    finally:
        conn.close()


@dataclass(frozen=True)
class SignedInUser:
    id: str
    username: str
    display_name: str
    role: UserRole
    school_id: str | None


class Database:
    """An open data folder: the engine, a session factory and the signed-in user."""

    def __init__(self, data_dir: Path, key: bytes) -> None:
        self.data_dir = data_dir
        self.path = data_dir / DATABASE_FILE
        self._key = key
        #: For adding key slots (new users, the recovery key); never written anywhere in clear.
        self.data_key = key
        self.engine: Engine = create_engine(
            "sqlite://",
            module=sqlcipher3,
            creator=lambda: _connect(self.path, self._key, create=False),
            poolclass=QueuePool,
            pool_size=4,
            max_overflow=4,
        )
        event.listen(self.engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        event.listen(self.engine, "before_cursor_execute", check_statement)
        event.listen(self.engine, "checkin", oplog.narrow_cache)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        event.listen(self.sessions, "after_transaction_end", lambda s, t: oplog.forget_writer(s))
        # What each commit wrote, for the screens' change signal (app/ui/ops.py): the op log notes the synced
        # tables, this hook the local ones (users, sync runs) written through the ORM.
        event.listen(self.sessions, "after_flush", _note_flushed)
        event.listen(self.sessions, "after_commit", oplog.committed)
        event.listen(self.sessions, "after_transaction_end", oplog.transaction_ended)
        self._write_lock = threading.RLock()
        self.user: SignedInUser | None = None

    @property
    def device_id(self) -> str:
        with self.read() as session:
            return oplog.writer(session).device_id

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (it may also write; prefer :meth:`write` for that)."""
        session = self.sessions()
        self._tag(session)
        try:
            yield session
        except (SQLAlchemyError, sqlcipher3.Error) as exc:
            raise translate(exc) from exc
        finally:
            session.close()

    @contextmanager
    def write(self, *, wait: float | None = None) -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back entirely on any error.

        One writer at a time (SQLite allows no more); errors, including at commit, come out as StoreError
        or the service's DomainError, with the database as it was. ``wait`` bounds the wait for another
        writer in seconds (WriterBusy after it): the screen's draft saves must not freeze the window while
        a long sync or import holds the writer.
        """
        guard.watch_write()
        if not self._write_lock.acquire(timeout=-1 if wait is None else wait):
            raise WriterBusy()
        try:
            session = self.sessions()
            self._tag(session)
            try:
                yield session
                session.commit()
            except DomainError:
                session.rollback()
                raise
            except (SQLAlchemyError, sqlcipher3.Error, OSError) as exc:
                session.rollback()
                raise translate(exc) from exc
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()
        finally:
            self._write_lock.release()

    def _tag(self, session: Session) -> None:
        if self.user is not None:
            session.info[oplog.USER_KEY] = self.user.id

    def close(self) -> None:
        self.engine.dispose()


def _note_flushed(session: Session, _context: Any) -> None:
    objects = (*session.new, *session.dirty, *session.deleted)
    if objects:
        oplog.note_written(session, {obj.__table__.name for obj in objects})


def remove_data_folder(data_dir: Path, *, keep_folder: bool) -> None:
    """Delete a data folder's database, key file, settings and backups (used to undo a failed setup)."""
    for name in (DATABASE_FILE, DATABASE_FILE + "-wal", DATABASE_FILE + "-shm", KEYSLOT_FILE):
        (data_dir / name).unlink(missing_ok=True)
    shutil.rmtree(data_dir / BACKUP_DIR, ignore_errors=True)
    if not keep_folder:
        shutil.rmtree(data_dir, ignore_errors=True)


def folder_exists(data_dir: Path) -> bool:
    return (data_dir / DATABASE_FILE).exists() and (data_dir / KEYSLOT_FILE).exists()


def create_folder(data_dir: Path, *, username: str, password: str, display_name: str | None = None,
                  role: UserRole = UserRole.SCHOOL_ADMIN, device_name: str | None = None,
                  school_id: str | None = None) -> Database:
    """A new data folder with a new data key and its first user (an administrator)."""
    from app.domain.passwords import check_password

    if folder_exists(data_dir) or (data_dir / DATABASE_FILE).exists():
        raise StoreError(f"数据文件夹 {data_dir} 里已有数据库，不会覆盖。",
                         f"The data folder {data_dir} already holds a database; it will not be overwritten.")
    check_password(password)
    data_dir.mkdir(parents=True, exist_ok=True)
    key = new_data_key()
    ring = KeyRing.new(data_dir / KEYSLOT_FILE)
    user_id = uuid7()
    slot_id = uuid7()
    ring.add(slot_id, ring.label_for(username), password, key)
    migrate(data_dir / DATABASE_FILE, key)
    now = utc_text(datetime.now(UTC))
    conn = _connect(data_dir / DATABASE_FILE, key, create=False)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO device_state (id, device_id, device_name, last_seq, last_hlc, school_id, "
                     "created_at, machine) VALUES (1, ?, ?, 0, 0, ?, ?, ?)",
                     (uuid7(), device_name, school_id, now, machine_fingerprint()))
        conn.execute("INSERT INTO app_user (id, username, display_name, role, school_id, key_slot_id, active, "
                     "created_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
                     (user_id, username.strip(), display_name or username.strip(), role.value, school_id,
                      slot_id, now))
        conn.execute("COMMIT")
    finally:
        conn.close()
    ring.save()  # last: a folder without a key file is recognisably unfinished
    return open_folder(data_dir, username, password)


def _bind_to_machine(database: Database) -> None:
    """A database opened on another machine than the one its device id was made on is a copy: before it
    writes anything, it takes a new device id, so no op id (device, seq) is ever made twice.

    So is one whose log ends below what this machine already published of its device (an older copy put back
    over the live folder, or a second copy of it used beside it): it takes a new device id too, and the
    device's ops after the end of this log count as another device's, still to come from the share or server
    (``sync/fork.py`` tells the next sync what happened)."""
    from app.store.models import DeviceState, SyncPeer

    current = machine_fingerprint()
    with database.write() as session:
        state = session.get(DeviceState, 1)
        if state is None:
            return
        if state.machine == current:
            if published_seq(state.device_id) > state.last_seq:
                old, agreed = state.device_id, state.last_seq
                oplog.new_device_id(session)
                peer = session.get(SyncPeer, old)
                if peer is None:
                    session.add(SyncPeer(origin=old, applied_seq=agreed))
                else:
                    peer.applied_seq = min(peer.applied_seq, agreed)
            return
        first_open_after_upgrade = state.machine is None
        state.machine = current
        session.flush()
        if not first_open_after_upgrade:
            oplog.new_device_id(session)


def open_folder(data_dir: Path, username: str | None, password: str) -> Database:
    """Unlock a data folder with a user's password, migrating it if it is older than this program."""
    if not (data_dir / DATABASE_FILE).exists():
        raise StoreError(f"数据文件夹 {data_dir} 里没有家访通数据库。请先运行 jiafang init，或启动程序建立学校。",
                         f"No Jiafang database in {data_dir}. Run `jiafang init` or start the app to set up a school.")
    ring = KeyRing.load(data_dir / KEYSLOT_FILE)
    slot, key = ring.unlock(username, password)
    migrate(data_dir / DATABASE_FILE, key)
    database = Database(data_dir, key)
    _bind_to_machine(database)
    with database.read() as session:
        from sqlalchemy import select

        from app.store.models import User

        user = session.scalars(select(User).where(User.key_slot_id == slot.slot_id)).one_or_none()
        if user is None or not user.active:
            database.close()
            raise StoreError("这个账号已停用。", "This account is disabled.")
        database.user = SignedInUser(user.id, user.username, user.display_name, UserRole(user.role),
                                     user.school_id)
    return database
