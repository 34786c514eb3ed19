"""The design's own floor for a bulk write (issue 17): the very rows a service stored, written into a copy of
the same encrypted data folder (same SQLCipher schema, indexes, triggers and page cache) by raw
``executemany`` in one transaction, the op-log rows included, after the same validation run in a tight loop.

What the floor leaves out is exactly the services' own overhead: building inputs into rows and ops, the
session, the checks against the database (uniqueness, known school and household), and for a sync the
reading, verifying and decrypting of bundles. A service within 2x of this floor spends at most as much on
all of that as the database spends on storing the rows.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.config import DATABASE_FILE
from app.store import oplog
from app.store.db import Database, _connect

#: Parents before children, so the copy's foreign keys hold as the services' inserts did.
TABLE_ORDER = sorted(oplog.CODECS, key=lambda t: oplog.APPLY_ORDER[t])


@dataclass
class Written:
    """What a service wrote: for each table the rows that are new since the snapshot, in column order."""

    columns: dict[str, list[str]]
    rows: dict[str, list[tuple[Any, ...]]]

    @property
    def count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def snapshot(database: Database, to: Path) -> Database:
    """A file copy of the data folder as it is now (before the service runs): the floor writes into it."""
    database.engine.dispose()
    to.mkdir(parents=True)
    for suffix in ("", "-wal"):  # committed pages may still be in the write-ahead log
        source = Path(f"{database.path}{suffix}")
        if source.exists():
            shutil.copy2(source, to / f"{DATABASE_FILE}{suffix}")
    return Database(to, database.data_key)


def written_since(database: Database, before: Database) -> Written:
    """The rows ``database`` holds that ``before`` (its snapshot) does not: what the service wrote."""
    columns: dict[str, list[str]] = {}
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with before.read() as session:
        conn = session.connection()
        old_ids = {t: {r[0] for r in conn.exec_driver_sql(f"SELECT id FROM {t}")} for t in TABLE_ORDER}
        old_ops = {(r[0], r[1]) for r in conn.exec_driver_sql("SELECT device, seq FROM op_log")}
    with database.read() as session:
        conn = session.connection()
        for table in [*TABLE_ORDER, "op_log"]:
            result = conn.exec_driver_sql(f"SELECT * FROM {table}")
            columns[table] = list(result.keys())
            found = [tuple(r) for r in result]
            if table == "op_log":
                device, seq = columns[table].index("device"), columns[table].index("seq")
                found = [r for r in found if (r[device], r[seq]) not in old_ops]
            else:
                key = columns[table].index("id")
                found = [r for r in found if r[key] not in old_ids[table]]
            if found:
                rows[table] = found
    return Written(columns, rows)


def floor_seconds(target: Database, written: Written, validate: Callable[[], object]) -> float:
    """Run ``validate`` and store ``written`` into ``target`` (a snapshot) by raw executemany; seconds."""
    target.engine.dispose()
    conn = _connect(target.path, target.data_key, create=False)
    try:
        if written.count >= oplog.WIDE_CACHE_ROWS:
            conn.execute(f"PRAGMA cache_size = -{oplog.WIDE_CACHE_KIB}")  # as the services' bulk writes do
        started = time.perf_counter()
        validate()
        conn.execute("BEGIN")
        for table in [*TABLE_ORDER, "op_log"]:
            rows: Sequence[tuple[Any, ...]] = written.rows.get(table, ())
            if rows:
                names = written.columns[table]
                conn.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
                                 rows)
        conn.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        conn.close()
