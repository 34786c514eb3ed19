"""Applying bundles of N new students (with their households) from a shared folder.

1. Issue 17's figure: the whole sync (reading, verifying and opening the bundles, then applying them) against
   the design's own floor (:mod:`bench.floor`: the very rows and op-log rows the receiver stored, written by
   raw executemany into a copy of its encrypted folder, after the same value checks the apply runs on every
   op), bound 2x. Issue 6's figure, kept for comparison: against a plain SQLite executemany of the rows.
2. A sync with nothing new takes about as long on 100,000 students as on 10,000 (ratio at most 1.5).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from pathlib import Path

from app.domain.codes import SchoolType
from app.services import places, roster
from app.store import keys, oplog
from app.store import values as column_values
from app.store.db import Database, create_folder
from bench.floor import floor_seconds, snapshot, written_since
from bench.store_write import TODAY, synthetic_rows

PASSPHRASE = "bench-share-passphrase"


def _fill(database: Database, count: int) -> int:
    rows = synthetic_rows(count)
    with database.write() as session:
        school = places.add_school(session, name="西乡塘区第一小学", school_type=SchoolType.PRIMARY)
    for household, student in rows:
        household.scope = school.id
        student.school_id = school.id
    with database.write() as session:
        ids = roster.add_households(session, [h for h, _ in rows])
        for (_, student), household_id in zip(rows, ids, strict=True):
            student.household_id = household_id
        roster.add_students(session, [s for _, s in rows], today=TODAY)
    return len(rows)


def _raw_insert_seconds(database: Database, base: Path) -> float:
    """Plain SQLite executemany of the rows the receiver stored (students and households, keys included)."""
    with database.read() as session:
        connection = session.connection()
        students = [tuple(r) for r in connection.exec_driver_sql("SELECT * FROM student").fetchall()]
        households = [tuple(r) for r in connection.exec_driver_sql("SELECT * FROM household").fetchall()]
    plain = sqlite3.connect(base / "plain.db")
    for name, rows in (("s", students), ("h", households)):
        plain.execute(f"CREATE TABLE {name} ({', '.join(f'c{i}' for i in range(len(rows[0])))})")
    started = time.perf_counter()
    for name, rows in (("s", students), ("h", households)):
        plain.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' for _ in rows[0])})", rows)
    plain.commit()
    seconds = time.perf_counter() - started
    plain.close()
    return seconds


def run(count: int = 100_000, small: int = 10_000) -> dict[str, float]:
    import sync.crypto
    from sync.engine import sync_folder

    keys.DEFAULT_KDF = keys.KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
    sync.crypto.SHARE_KDF = keys.DEFAULT_KDF
    os.environ.setdefault("JIAFANG_MACHINE_ID", "bench")
    figures: dict[str, float] = {}
    noop: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for size in (count, small):
            origin = create_folder(base / f"origin{size}", username="admin", password="bench-password")
            figures_size = _fill(origin, size)
            share = base / f"share{size}"
            share.mkdir()
            sync_folder(origin, share, PASSPHRASE)
            receiver = create_folder(base / f"receiver{size}", username="admin", password="bench-password")
            before = snapshot(receiver, base / f"floor{size}") if size == count else None
            started = time.perf_counter()
            result = sync_folder(receiver, share, PASSPHRASE)
            apply_seconds = time.perf_counter() - started
            assert result.ok and result.received_ops > 2 * figures_size
            started = time.perf_counter()
            repeats = 5
            for _ in range(repeats):
                again = sync_folder(receiver, share)
                assert again.received_ops == 0
            noop[size] = (time.perf_counter() - started) / repeats
            if before is not None:
                raw = _raw_insert_seconds(receiver, base)
                with origin.read() as session:
                    ops = list(oplog.iter_log(session))

                def validate(ops: list[oplog.OpRecord] = ops) -> None:
                    for op in ops:
                        column_values.op_problem(op.tbl, op.row_id, op.scope, op.data)

                floor = floor_seconds(before, written_since(receiver, before), validate)
                before.close()
                figures.update(students=figures_size, apply_s=apply_seconds, floor_s=floor,
                               floor_ratio=apply_seconds / floor, raw_insert_s=raw, apply_ratio=apply_seconds / raw)
            origin.close()
            receiver.close()
    figures.update({f"noop_sync_{count}_s": noop[count], f"noop_sync_{small}_s": noop[small],
                    "noop_ratio": noop[count] / noop[small]})
    return figures


if __name__ == "__main__":
    import sys

    big = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    for name, value in run(big, max(1000, big // 10)).items():
        print(f"{name:24} {value:10.3f}")
