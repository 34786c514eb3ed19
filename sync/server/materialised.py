"""The embedded server's materialised copy of the records (SQLite), for the dashboard and the conflict list.

On SQLite (one school's embedded server, one process) the server applies the ops from its ``ops`` table into
an encrypted SQLite file with exactly the code every laptop uses (:func:`app.store.oplog.apply_remote`), so the
dashboard's figures are the figures the laptops compute. The copy is a cache: it catches up from the server
cursor on demand and can be deleted at any time (it is rebuilt from the ops). On PostgreSQL the records live
in the database instead, written by every push with the same merge (:mod:`sync.server.records`), so that
several server processes share them; :func:`sync.server.records.open_records` chooses.

Foreign keys are off in the copy: the server may hold a visit whose student was made on a laptop that only
syncs through a folder; the figures then count what arrived, and nothing is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from app.domain.errors import DomainError
from app.store import oplog
from app.store.db import migrate
from app.store.guard import raw_cursor
from app.store.types import utc_text
from sync.server.store import ServerStore

BATCH = 5000
log = logging.getLogger("jiafang.server")


def _connect(path: Path, key: bytes) -> Any:
    conn = sqlcipher3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")  # a cache: losing its last commit costs a catch-up, no data
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


class Materialised:
    """The records as of the server's latest cursor (after :meth:`refresh`)."""

    def __init__(self, store: ServerStore, folder: Path) -> None:
        self.store = store
        deployment_id, content_key = store.deployment
        # A key of its own, derived from the content key: the copy holds personal data, never in clear.
        self._key = hashlib.sha256(b"jiafang-server-cache\0" + content_key).digest()
        name = hashlib.sha256(f"{store.url}\0{deployment_id}".encode()).hexdigest()[:16]
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"records-{name}.db"
        self._lock = threading.Lock()
        self._open()

    def _open(self) -> None:
        try:
            self._prepare()
        except (DomainError, sqlcipher3.Error):
            # A damaged or foreign cache file: it is only a cache, so start it again from the ops.
            for suffix in ("", "-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            self._prepare()
        self.engine = create_engine("sqlite://", module=sqlcipher3, creator=lambda: _connect(self.path, self._key),
                                    poolclass=QueuePool, pool_size=4, max_overflow=4)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def _prepare(self) -> None:
        migrate(self.path, self._key)
        conn = _connect(self.path, self._key)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("CREATE TABLE IF NOT EXISTS server_cache (id INTEGER PRIMARY KEY, cursor INTEGER NOT NULL)")
            if conn.execute("SELECT count(*) FROM device_state").fetchone()[0] == 0:
                conn.execute("INSERT INTO device_state (id, device_id, device_name, last_seq, last_hlc, school_id, "
                             "created_at, machine) VALUES (1, 'server', 'server', 0, 0, NULL, ?, NULL)",
                             (utc_text(datetime.now(UTC)),))
                conn.execute("INSERT INTO server_cache (id, cursor) VALUES (1, 0)")
            conn.execute("COMMIT")
        finally:
            conn.close()

    @property
    def cursor(self) -> int:
        with self.session() as session:
            cur = raw_cursor(session)
            return int(cur.execute("SELECT cursor FROM server_cache WHERE id = 1").fetchone()[0])

    def refresh(self) -> int:
        """Apply the ops that arrived since the last refresh; returns how many."""
        applied = 0
        with self._lock:
            while True:
                batch = self._apply_batch()
                applied += batch
                if batch < BATCH:
                    return applied

    def _apply_batch(self) -> int:
        session = self.sessions()
        cur = raw_cursor(session)
        try:
            cur.execute("BEGIN IMMEDIATE")
            at = int(cur.execute("SELECT cursor FROM server_cache WHERE id = 1").fetchone()[0])
            batch = self.store.ops_after(at, BATCH)
            if batch:
                try:
                    cur.execute("SAVEPOINT batch")
                    done = oplog.apply_remote(session, [op for _, op in batch])
                    cur.execute("RELEASE batch")
                    for op, why in done.set_aside:  # stored by an older server, before it checked values
                        log.warning("the dashboard's copy set aside op %s (%s %s): %s", op.key, op.tbl, op.row_id, why)
                except Exception:  # noqa: BLE001 - one bad row must not stop the dashboard: apply row by row
                    cur.execute("ROLLBACK TO batch")
                    cur.execute("RELEASE batch")
                    oplog.forget_writer(session)
                    self._apply_rows(session, cur, [op for _, op in batch])
                cur.execute("UPDATE server_cache SET cursor = ? WHERE id = 1", (batch[-1][0],))
            cur.execute("COMMIT")
            return len(batch)
        except BaseException:
            with contextlib.suppress(Exception):  # a failed rollback changes nothing for the caller
                cur.execute("ROLLBACK")
            raise
        finally:
            oplog.forget_writer(session)
            session.close()

    @staticmethod
    def _apply_rows(session: Session, cur: Any, ops: list[oplog.OpRecord]) -> None:
        groups: dict[tuple[str, str], list[oplog.OpRecord]] = {}
        for op in ops:
            groups.setdefault((op.tbl, op.row_id), []).append(op)
        for key, row_ops in groups.items():
            cur.execute("SAVEPOINT row")
            try:
                oplog.apply_remote(session, row_ops)
                cur.execute("RELEASE row")
            except Exception:  # noqa: BLE001 - logged; the copy is a cache, the ops table keeps the op
                cur.execute("ROLLBACK TO row")
                cur.execute("RELEASE row")
                oplog.forget_writer(session)
                log.warning("the dashboard's copy could not apply %s %s", *key)

    @contextmanager
    def session(self) -> Iterator[Session]:
        session = self.sessions()
        try:
            yield session
        finally:
            session.close()

    def export_json(self, out: Any) -> int:
        """The records as ``jiafang export json`` prints a laptop's."""
        from app.services.exchange import export_json

        with self.session() as session:
            return export_json(session, out)

    def close(self) -> None:
        self.engine.dispose()

