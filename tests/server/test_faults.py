"""Faults: the server killed in the middle of a push, PostgreSQL connections dropped in the middle of a sync,
a cancelled sync, a server database newer than the program. Each time: a clear error, nothing lost or
half-stored, and the retry completes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

import sync.http_client
from app.domain.progress import Cancelled
from app.services.roster import edit_student
from app.store.db import Database
from app.store.models import DISTRICT_SCOPE, Op
from sync.errors import SyncError
from sync.http_client import sync_server
from sync.server import schema
from sync.server.migrations import SERVER_DB_VERSION, migrate
from sync.server.store import ServerStore
from tests.conftest import TODAY
from tests.server.conftest import Live, dump, free_port, seed_district

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync.http_client, "RETRY_DELAYS", (0.05, 0.1, 0.2, 0.3, 0.5, 0.5, 1.0))


def stored(store: ServerStore) -> int:
    with store.read() as conn:
        return int(conn.scalar(select(func.count()).select_from(schema.ops)) or 0)


def own_ops(database: Database) -> int:
    with database.read() as session:
        return int(session.scalar(select(func.count()).select_from(Op)) or 0)


class ServerProcess:
    """`jiafang serve` in a subprocess, as the district runs it."""

    def __init__(self, db_url: str, data_dir: Path, *, fault: str | None = None,
                 options: Sequence[str] = ()) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Where a ``<point>:hold`` fault says the process has stopped at its point (sync/server/store.py).
        self.holding = data_dir.with_name(data_dir.name + ".holding")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "JIAFANG_SERVER_FAULT_MARK": str(self.holding)}
        env.pop("JIAFANG_SERVER_FAULT", None)
        if fault:
            env["JIAFANG_SERVER_FAULT"] = fault
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app", "--data-dir", str(data_dir), "serve", "--db", db_url, "--port",
             str(self.port), *options], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.url + "/v1/meta", timeout=1).read()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    problem = self.process.stderr.read() if self.process.stderr else b""
                    raise RuntimeError(f"jiafang serve did not start: {problem!r}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)
        for stream in (self.process.stdout, self.process.stderr):
            if stream:
                stream.close()


def test_server_killed_mid_push_then_the_retry_completes(store: ServerStore, laptops: Callable[[str], Database],
                                                         tmp_path: Path) -> None:
    bureau = laptops("bureau")
    seeded = seed_district(bureau)
    dying = ServerProcess(store.url, tmp_path / "srv", fault="push-before-commit")
    try:
        with pytest.raises(SyncError) as cut:
            sync_server(bureau, dying.url, enroll_code=store.new_enrollment_code(DISTRICT_SCOPE))
        assert "无法连接服务器" in cut.value.zh
        assert dying.process.wait(20) == 86  # it died inside the push transaction
    finally:
        dying.stop()
    assert stored(store) == 0  # nothing half-stored
    with bureau.write() as session:  # the laptop works on while the server is down
        edit_student(session, seeded.students_a[0], class_name="8班", today=TODAY)
    healthy = ServerProcess(store.url, tmp_path / "srv")
    try:
        result = sync_server(bureau, healthy.url)  # enrolled before the crash: the token is kept
        assert result.ok, result.lines("en")
        assert stored(store) == own_ops(bureau)
        again = sync_server(bureau, healthy.url)
        assert again.sent_ops == 0 and stored(store) == own_ops(bureau)
    finally:
        healthy.stop()


@pytest.fixture
def pg_store(pg_database: str) -> Iterator[ServerStore]:
    from tests.server.conftest import _reset_pg

    _reset_pg(pg_database)
    found = ServerStore(pg_database)
    found.setup()
    yield found
    found.close()


def test_postgresql_connections_dropped_mid_sync_the_client_retries(
        pg_store: ServerStore, laptops: Callable[[str], Database], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import psycopg

    from tests.server.conftest import PG_ADMIN, start_server

    monkeypatch.setattr(sync.http_client, "OPS_PER_BUNDLE", 3)  # many small pushes: many chances to be cut
    monkeypatch.setattr(sync.http_client, "PAGE", 4)
    live = start_server(pg_store, tmp_path / "cache")
    bureau, other = laptops("bureau"), laptops("other")
    seed_district(bureau, per_school=6)
    database_name = pg_store.url.rsplit("/", 1)[1]
    killed: list[int] = []
    done = threading.Event()

    def terminator() -> None:
        # Cuts for at most 1.5 s from the first: a request cut at every attempt in that time still has retries
        # left (the client's delays add up to 2.65 s), however long one push takes on a fresh connection.
        first: list[float] = []
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            while not done.is_set() and len(killed) < 25 and (not first or time.monotonic() - first[0] < 1.5):
                rows = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                                     "AND pid <> pg_backend_pid()", (database_name,)).fetchall()
                killed.extend(1 for r in rows if r[0])
                if killed and not first:
                    first.append(time.monotonic())
                time.sleep(0.03)

    try:
        enroll_a = pg_store.new_enrollment_code(DISTRICT_SCOPE)
        enroll_b = pg_store.new_enrollment_code(DISTRICT_SCOPE)
        thread = threading.Thread(target=terminator, daemon=True)
        thread.start()
        try:
            first = sync_server(bureau, live.url, enroll_code=enroll_a)
            second = sync_server(other, live.url, enroll_code=enroll_b)
        finally:
            done.set()
            thread.join(10)
        assert killed, "no connection was terminated during the sync"
        assert first.ok and second.ok, (first.lines("en"), second.lines("en"))
        assert stored(pg_store) == own_ops(bureau)
        assert dump(other) == dump(bureau)
    finally:
        live.stop()


def test_a_cancelled_sync_leaves_nothing_half_done(live: Live, laptops: Callable[[str], Database],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync.http_client, "PAGE", 3)
    bureau, other = laptops("bureau"), laptops("other")
    seed_district(bureau)
    assert sync_server(bureau, live.url, enroll_code=live.store.new_enrollment_code(DISTRICT_SCOPE)).ok
    pages = {"n": 0}

    def stop_after_two() -> bool:
        pages["n"] += 1
        return pages["n"] > 2

    with pytest.raises(Cancelled) as cancelled:
        sync_server(other, live.url, enroll_code=live.store.new_enrollment_code(DISTRICT_SCOPE),
                    cancelled=stop_after_two)
    assert cancelled.value.zh == "同步已取消；已导入的变更保持有效。"
    assert 0 < own_ops(other) < own_ops(bureau)
    assert sync_server(other, live.url).ok
    assert dump(other) == dump(bureau)


def test_server_database_migrates_and_refuses_a_newer_one(store: ServerStore) -> None:
    tables = set(inspect(store.engine).get_table_names())
    assert {t.name for t in schema.metadata.sorted_tables} <= tables
    for table in schema.metadata.sorted_tables:
        assert {c["name"] for c in inspect(store.engine).get_columns(table.name)} == {c.name for c in table.columns}
    assert migrate(store.engine) == []  # a second start (another process) finds the work done
    with store.write() as conn:
        conn.execute(schema.meta.update().where(schema.meta.c.key == "db_version")
                     .values(value=str(SERVER_DB_VERSION + 1)))
    again = ServerStore(store.url)
    with pytest.raises(SyncError) as newer:
        again.setup()
    again.close()
    assert "更新版本" in newer.value.zh


def test_a_version_1_server_database_learns_who_holds_each_photo(store: ServerStore) -> None:
    """Migration 2 on a populated version-1 database: the photos it holds become its records' schools'."""
    with store.write() as conn:
        schema.blob_holders.drop(conn)
        conn.execute(schema.meta.update().where(schema.meta.c.key == "db_version").values(value="1"))
        conn.execute(schema.blobs.insert(), [{"sha256": sha, "data": b"sealed", "created_at": "2026-11-01"}
                                             for sha in ("a" * 64, "b" * 64)])
        conn.execute(schema.rows.insert(), [
            {"row_id": "att-1", "tbl": "visit_attachment", "scope": "school-a", "scope_hlc": 1, "scope_device": "d"},
            {"row_id": "att-2", "tbl": "visit_attachment", "scope": "school-b", "scope_hlc": 1, "scope_device": "d"}])
        conn.execute(schema.blob_refs.insert(), [{"sha256": "a" * 64, "row_id": "att-1"},
                                                 {"sha256": "a" * 64, "row_id": "att-2"},
                                                 {"sha256": "b" * 64, "row_id": "att-2"}])
    assert migrate(store.engine) == [2]
    with store.read() as conn:
        holders = set(conn.execute(select(schema.blob_holders.c.sha256, schema.blob_holders.c.scope)).all())
        version = conn.scalar(select(schema.meta.c.value).where(schema.meta.c.key == "db_version"))
    assert holders == {("a" * 64, "school-a"), ("a" * 64, "school-b"), ("b" * 64, "school-b")}
    assert version == str(SERVER_DB_VERSION) == "2"
