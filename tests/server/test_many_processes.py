"""Several `jiafang serve` processes over one PostgreSQL: the server holds no state of its own.

The records the dashboard, the conflict list and the scope rules read live in PostgreSQL (sync/server/records.py),
written in the push transaction with the laptops' own merge: laptops pushing to one process and pulling from
another converge with no lost or doubled op, a process killed in the middle of a push leaves the records equal
to a fresh resolve of the ops, the dashboard of one process shows a push made through another at once, and a
school's token or dashboard account sees only its school whichever process answers. Existing deployments get
their records built from the ops in batches, resumably, by processes starting together.
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text

import sync.http_client
from app.services.roster import add_students, edit_student
from app.store import clock, oplog
from app.store.db import Database
from app.store.migrations import SCHEMA_VERSION
from app.store.models import DISTRICT_SCOPE, SyncIdentity
from sync import bundle as bundles
from sync.errors import SyncError
from sync.http_client import ServerRefused, Transport, server_state, sync_server
from sync.server import records, schema
from sync.server.records import PgRecords
from sync.server.store import ServerStore
from tests.conftest import PASSWORD, TODAY
from tests.server.conftest import District, _pg_admin, _reset_pg, dump, free_port, seed_district, start_server, student
from tests.server.test_faults import ServerProcess

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync.http_client, "RETRY_DELAYS", (0.05, 0.1, 0.2, 0.3, 0.5, 0.5, 1.0))


@pytest.fixture
def pg(pg_database: str) -> Iterator[ServerStore]:
    _reset_pg(pg_database)
    store = ServerStore(pg_database)
    store.setup()
    yield store
    store.close()


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    started: list[ServerProcess] = []

    def start(url: str, name: str, fault: str | None = None, options: Sequence[str] = ()) -> ServerProcess:
        process = ServerProcess(url, tmp_path / f"srv-{name}", fault=fault, options=options)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


def server_ops(store: ServerStore) -> list[tuple[str, int]]:
    with store.read() as conn:
        return [(r.device_id, int(r.seq)) for r in conn.execute(select(schema.ops.c.device_id, schema.ops.c.seq))]


def log_keys(database: Database) -> set[tuple[str, int]]:
    with database.read() as session:
        return {(op.device_id, op.seq) for op in oplog.iter_log(session)}


def records_dump(store: ServerStore) -> str:
    out = io.StringIO()
    PgRecords(store).export_json(out)
    return out.getvalue()


def differences(store: ServerStore) -> list[str]:
    with store.read() as conn:
        return records.differences(conn)


def identity(database: Database) -> tuple[str, str, bytes]:
    """The laptop's device id, token and signing key, as its sync stored them."""
    with database.read() as session:
        row = session.execute(select(server_state)).one()
        found = session.get(SyncIdentity, 1)
        assert found is not None
        return row.device_id, row.device_token, found.signing_key


def on_roll(page: str, school: str) -> int | None:
    """The dashboard's on-roll figure of a school, or None when the school is not on the page."""
    found = re.search(rf'<td class="text">{re.escape(school)}</td><td class="text">[^<]*</td><td>(\d+)</td>', page)
    return None if found is None else int(found.group(1))


def signed_in(url: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=30)
    answer = client.post("/login", data={"username": username, "password": PASSWORD})
    assert answer.status_code in (200, 303), answer.text
    return client


def test_laptops_through_two_processes_converge_and_each_process_shows_the_others_pushes(
        pg: ServerStore, laptops: Callable[[str], Database], processes: Callable[..., ServerProcess]) -> None:
    a_proc, b_proc = processes(pg.url, "a"), processes(pg.url, "b")
    bureau, laptop_a, laptop_b = laptops("bureau"), laptops("school-a"), laptops("school-b")
    seeded: District = seed_district(bureau)
    pg.add_user("bureau", PASSWORD, role="district", display_name="区教育局")
    pg.add_user("shibu", PASSWORD, role="school_admin", school_id=seeded.school_a, display_name="石埠小学")
    dashboard_b = signed_in(b_proc.url, "bureau")
    school_user_b = signed_in(b_proc.url, "shibu")
    try:
        assert on_roll(dashboard_b.get("/").text, "石埠小学") is None
        assert sync_server(bureau, a_proc.url, enroll_code=pg.new_enrollment_code(DISTRICT_SCOPE)).ok
        # Pushed through A, shown by B at once: B keeps no copy of its own to catch up.
        page = dashboard_b.get("/").text
        assert (on_roll(page, "石埠小学"), on_roll(page, "北湖小学")) == (3, 3)
        assert sync_server(laptop_a, b_proc.url, enroll_code=pg.new_enrollment_code(seeded.school_a)).ok
        assert sync_server(laptop_b, a_proc.url, enroll_code=pg.new_enrollment_code(seeded.school_b)).ok
        # Offline edits of one field on two laptops, pushed through different processes: a conflict.
        with bureau.write() as session:
            edit_student(session, seeded.students_a[0], class_name="甲班", today=TODAY)
        with laptop_a.write() as session:
            edit_student(session, seeded.students_a[0], class_name="乙班", today=TODAY)
            add_students(session, [student(seeded.school_a, name="韦新生", sequence=91)], today=TODAY)
        with laptop_b.write() as session:
            add_students(session, [student(seeded.school_b, name="黄新生", sequence=93)], today=TODAY)
        assert sync_server(laptop_a, b_proc.url).ok
        assert sync_server(bureau, a_proc.url).ok
        assert sync_server(laptop_b, a_proc.url).ok
        page = dashboard_b.get("/").text
        assert (on_roll(page, "石埠小学"), on_roll(page, "北湖小学")) == (4, 4)
        for laptop, url in ((laptop_a, a_proc.url), (laptop_b, b_proc.url), (bureau, b_proc.url)):
            assert sync_server(laptop, url).ok  # pull from the process the laptop did not push to
        # No op lost or doubled; the records are the merge of the ops; everyone converged.
        held = server_ops(pg)
        assert len(held) == len(set(held))
        assert set(held) == log_keys(bureau)  # the district holds every op, once
        assert log_keys(laptop_a) <= set(held) and log_keys(laptop_b) <= set(held)
        assert differences(pg) == []
        assert records_dump(pg) == dump(bureau)
        for url in (a_proc.url, b_proc.url):
            _, token_a, _ = identity(laptop_a)
            found = Transport(url, token=token_a).json("GET", "/v1/conflicts")
            assert [(c["row_id"], c["field"]) for c in found] == [(seeded.students_a[0], "class_name")]
            _, token_b, _ = identity(laptop_b)
            assert Transport(url, token=token_b).json("GET", "/v1/conflicts") == []  # not school B's row
        # Scope holds whichever process answers: the school account sees its school only, the school laptop
        # received none of school B's students and may not change one.
        page = school_user_b.get("/").text
        assert on_roll(page, "石埠小学") == 4 and on_roll(page, "北湖小学") is None
        assert "黄" not in "".join(line for line in dump(laptop_a).splitlines() if '"_table":"student"' in line)
        device_a, token_a, key_a = identity(laptop_a)
        created_b = next(op for op in oplog_of(bureau) if op.row_id == seeded.students_b[0] and op.prev is None)
        max_seq = int(Transport(b_proc.url, token=token_a).json("GET", "/v1/device")["max_seq"])
        forged = replace(created_b, device_id=device_a, seq=max_seq + 1, hlc=clock.pack(clock.wall_ms()),
                         data={"class_name": "偷改"}, prev={"class_name": [created_b.key]}, scope=seeded.school_a)
        deployment, content_key = pg.deployment
        bundle = bundles.pack([forged], deployment=deployment, prev_hash=None, schema=SCHEMA_VERSION,
                              content_key=content_key, signing_key=key_a)
        for url in (a_proc.url, b_proc.url):
            with pytest.raises(ServerRefused) as refused:
                Transport(url, token=token_a).json("POST", "/v1/push", body=bundle)
            assert refused.value.status == 403
        assert differences(pg) == [] and records_dump(pg) == dump(bureau)
    finally:
        dashboard_b.close()
        school_user_b.close()


def oplog_of(database: Database) -> list[oplog.OpRecord]:
    with database.read() as session:
        return list(oplog.iter_log(session))


def test_a_process_killed_mid_push_loses_nothing_and_the_other_takes_the_retry(
        pg: ServerStore, laptops: Callable[[str], Database], processes: Callable[..., ServerProcess]) -> None:
    bureau, laptop_b = laptops("bureau"), laptops("school-b")
    seeded = seed_district(bureau)
    dying = processes(pg.url, "dying", fault="push-before-commit")
    healthy = processes(pg.url, "healthy")
    # The process the laptop enrolled through dies inside its first push; the other takes the retry.
    with pytest.raises(SyncError):
        sync_server(bureau, dying.url, enroll_code=pg.new_enrollment_code(DISTRICT_SCOPE))
    assert dying.process.wait(20) == 86
    assert server_ops(pg) == [] and differences(pg) == []
    assert sync_server(bureau, healthy.url).ok
    assert sync_server(laptop_b, healthy.url, enroll_code=pg.new_enrollment_code(seeded.school_b)).ok
    # Now the other way round: the laptop enrolled through the healthy one pushes through a dying one.
    with laptop_b.write() as session:
        edit_student(session, seeded.students_b[0], class_name="9班", today=TODAY)
    before = server_ops(pg)
    second = processes(pg.url, "dying-2", fault="push-before-commit")
    with pytest.raises(SyncError):
        sync_server(laptop_b, second.url)
    assert second.process.wait(20) == 86
    assert server_ops(pg) == before and differences(pg) == []
    assert sync_server(laptop_b, healthy.url).ok
    assert sync_server(bureau, healthy.url).ok
    held = server_ops(pg)
    assert len(held) == len(set(held)) and set(held) == log_keys(bureau)
    assert differences(pg) == []
    assert records_dump(pg) == dump(bureau)
    assert '"class_name":"9班"' in records_dump(pg)


def wait_for(path: Path, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, "the server ended before it reached its fault point"
        assert time.monotonic() < deadline, "the server never reached its fault point"
        time.sleep(0.05)


def test_kill_9_of_either_process_in_the_middle_of_a_push_loses_and_doubles_nothing(
        pg: ServerStore, laptops: Callable[[str], Database], processes: Callable[..., ServerProcess]) -> None:
    """kill -9 from outside, while the process holds its push transaction and the push lock: another laptop's
    push through the other process waits for the lock, then goes through; the killed push is not stored and
    its laptop sends it again through the survivor."""
    bureau, laptop_b = laptops("bureau"), laptops("school-b")
    seeded = seed_district(bureau)
    first = processes(pg.url, "first")
    assert sync_server(bureau, first.url, enroll_code=pg.new_enrollment_code(DISTRICT_SCOPE)).ok
    assert sync_server(laptop_b, first.url, enroll_code=pg.new_enrollment_code(seeded.school_b)).ok
    survivor = first
    for round_no, name in enumerate(("held-1", "held-2")):
        before = server_ops(pg)
        with bureau.write() as session:
            edit_student(session, seeded.students_a[0], class_name=f"{round_no + 5}班", today=TODAY)
        with laptop_b.write() as session:
            edit_student(session, seeded.students_b[0], class_name=f"{round_no + 7}班", today=TODAY)
        held = processes(pg.url, name, fault="push-before-commit:hold")
        outcome: dict[str, object] = {}

        def push(key: str, laptop: Database, url: str, outcome: dict[str, object] = outcome) -> None:
            try:
                outcome[key] = sync_server(laptop, url)
            except SyncError as exc:
                outcome[key] = exc

        pushing = threading.Thread(target=push, args=("held", bureau, held.url))
        pushing.start()
        wait_for(held.holding, held.process)
        # The held process has the push lock: a push through the survivor waits for it.
        waiting = threading.Thread(target=push, args=("other", laptop_b, survivor.url))
        waiting.start()
        waiting.join(1.0)
        assert waiting.is_alive() and server_ops(pg) == before
        os.kill(held.process.pid, signal.SIGKILL)
        assert held.process.wait(20) == -signal.SIGKILL
        waiting.join(60)
        pushing.join(60)
        assert not waiting.is_alive() and not pushing.is_alive()
        assert isinstance(outcome["held"], SyncError)  # the laptop was told, and keeps its change
        other = outcome["other"]
        assert not isinstance(other, SyncError) and other.ok  # type: ignore[attr-defined]
        assert differences(pg) == []
        assert sync_server(bureau, survivor.url).ok  # the retry goes through the survivor
        assert sync_server(laptop_b, survivor.url).ok
        stored = server_ops(pg)
        assert len(stored) == len(set(stored)) and set(stored) == log_keys(bureau)
        assert differences(pg) == [] and records_dump(pg) == dump(bureau)
        # The processes are alike (no state of their own): the next round's push lock is held and killed
        # while one started after this kill takes the other laptop's push.
        survivor = processes(pg.url, f"survivor-{round_no}")
    assert '"class_name":"6班"' in records_dump(pg) and '"class_name":"8班"' in records_dump(pg)


@pytest.fixture
def replica_of(pg: ServerStore) -> Iterator[Callable[[], str]]:
    """copy() makes a database that stands for a read replica as of now (a hot standby replays the primary;
    a copy is a replica that has stopped replaying), and returns its URL."""
    made: list[str] = []

    def copy() -> str:
        name = f"jiafang_replica_{uuid.uuid4().hex[:12]}"
        admin = _pg_admin()
        admin.execute(f"CREATE DATABASE {name}")  # type: ignore[attr-defined]
        admin.close()  # type: ignore[attr-defined]
        made.append(name)
        source = pg.url.replace("+psycopg", "")
        target = source.rsplit("/", 1)[0] + "/" + name
        dumped = subprocess.run(["pg_dump", "--no-owner", source], check=True, capture_output=True)
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", target], input=dumped.stdout, check=True,
                       capture_output=True)
        return target.replace("postgresql://", "postgresql+psycopg://")

    yield copy
    admin = _pg_admin()
    for name in made:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # type: ignore[attr-defined]
    admin.close()  # type: ignore[attr-defined]


def test_the_dashboard_reads_a_read_replica_and_sync_the_primary(
        pg: ServerStore, laptops: Callable[[str], Database], processes: Callable[..., ServerProcess],
        replica_of: Callable[[], str]) -> None:
    """``serve --dashboard-db``: the bureau's page views go to a replica, the laptops' pushes and pulls to the
    primary; scope holds on the replica's page as on the primary's."""
    bureau, laptop_a = laptops("bureau"), laptops("school-a")
    seeded = seed_district(bureau)
    pg.add_user("bureau", PASSWORD, role="district", display_name="区教育局")
    pg.add_user("shibu", PASSWORD, role="school_admin", school_id=seeded.school_a, display_name="石埠小学")
    primary = processes(pg.url, "primary")
    assert sync_server(bureau, primary.url, enroll_code=pg.new_enrollment_code(DISTRICT_SCOPE)).ok
    replica = replica_of()
    reading = processes(pg.url, "reading", options=("--dashboard-db", replica))
    # After the copy a new pupil arrives at the primary: the replica, stopped, has not replayed it.
    with bureau.write() as session:
        add_students(session, [student(seeded.school_a, name="韦新生", sequence=91)], today=TODAY)
    assert sync_server(bureau, reading.url).ok  # the sync API of the reading process writes the primary
    assert sync_server(laptop_a, reading.url, enroll_code=pg.new_enrollment_code(seeded.school_a)).ok
    assert "韦新生" in "".join(line for line in dump(laptop_a).splitlines() if '"_table":"student"' in line)
    bureau_page, school_page = signed_in(reading.url, "bureau"), signed_in(reading.url, "shibu")
    on_primary = signed_in(primary.url, "bureau")
    try:
        assert on_roll(on_primary.get("/").text, "石埠小学") == 4
        page = bureau_page.get("/").text
        assert (on_roll(page, "石埠小学"), on_roll(page, "北湖小学")) == (3, 3)  # as the replica holds it
        page = school_page.get("/").text
        assert on_roll(page, "石埠小学") == 3 and on_roll(page, "北湖小学") is None
    finally:
        for client in (bureau_page, school_page, on_primary):
            client.close()
    assert differences(pg) == [] and records_dump(pg) == dump(bureau)


def test_a_read_replica_needs_a_postgresql_server_database(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "app", "--lang", "en", "--data-dir", str(tmp_path / "srv"),
                           "serve", "--port", str(free_port()), "--dashboard-db",
                           "postgresql+psycopg://nobody@127.0.0.1:1/none"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode != 0
    assert "read replica (--dashboard-db) goes with a PostgreSQL server database only" in done.stderr


def test_existing_ops_are_built_into_the_records_in_batches_resumably(
        pg: ServerStore, laptops: Callable[[str], Database], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A deployment from before the records were in PostgreSQL: its ops are materialised on start, in batches
    keyed by the stored cursor; a start cut short resumes, and two processes starting at once share the work."""
    bureau = laptops("bureau")
    seed_district(bureau, per_school=6)
    live = start_server(pg, tmp_path / "cache")
    try:
        assert sync_server(bureau, live.url, enroll_code=pg.new_enrollment_code(DISTRICT_SCOPE)).ok
    finally:
        live.stop()
    top = len(server_ops(pg))
    with pg.write() as conn:
        conn.execute(text("DROP SCHEMA records CASCADE"))  # as an older server left it
    monkeypatch.setattr(records, "BATCH", 7)
    real_batch = records.build_batch
    calls = {"n": 0}

    def cut_after_two(conn: object, limit: int | None = None) -> int:
        calls["n"] += 1
        if calls["n"] > 2:
            raise RuntimeError("killed")
        return real_batch(conn, limit)  # type: ignore[arg-type]

    monkeypatch.setattr(records, "build_batch", cut_after_two)
    cut = ServerStore(pg.url)
    with pytest.raises(RuntimeError):
        cut.setup()
    cut.close()
    with pg.read() as conn:
        assert records.built_cursor(conn) == 14 < top  # two batches kept, none half-done
    monkeypatch.setattr(records, "build_batch", real_batch)
    stores = [ServerStore(pg.url) for _ in range(2)]
    errors: list[BaseException] = []

    def start(store: ServerStore) -> None:
        try:
            store.setup()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for store in stores:
        store.close()
    assert errors == []
    with pg.read() as conn:
        assert records.built_cursor(conn) == conn.scalar(select(func.max(schema.ops.c.cursor)))
    assert differences(pg) == []
    assert records_dump(pg) == dump(bureau)
    # Records built for other models (an upgrade changed a synced table) are built again from the ops.
    with pg.write() as conn:
        conn.execute(records.state.update().values(shape="older"))
        conn.execute(text('DELETE FROM records.student'))
    pg.setup()
    with pg.read() as conn:
        assert conn.scalar(select(records.state.c.shape)) == records.SHAPE
    assert differences(pg) == [] and records_dump(pg) == dump(bureau)


def test_two_workers_start_and_serve(pg: ServerStore, laptops: Callable[[str], Database], tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("JIAFANG_SERVER_FAULT", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(tmp_path / "srv"), "serve", "--db", pg.url, "--port",
         str(port), "--workers", "2"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/v1/meta", timeout=1).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"serve --workers 2 did not start: {process.stderr.read()!r}") from None
                time.sleep(0.1)
        bureau, other = laptops("bureau"), laptops("other")
        seed_district(bureau)
        assert sync_server(bureau, url, enroll_code=pg.new_enrollment_code(DISTRICT_SCOPE)).ok
        assert sync_server(other, url, enroll_code=pg.new_enrollment_code(DISTRICT_SCOPE)).ok
        assert dump(other) == dump(bureau) == records_dump(pg)
        pg.add_user("bureau", PASSWORD, role="district", display_name="区教育局")
        client = signed_in(url, "bureau")
        try:
            for _ in range(4):  # a new connection each time, for either worker to take
                assert on_roll(client.get("/", headers={"Connection": "close"}).text, "石埠小学") == 3
        finally:
            client.close()
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        if process.stderr:
            process.stderr.close()
