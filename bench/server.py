"""Issue 7's figures.

1. Push and pull of N ops (default 100,000: households and students of one district) through the server on
   loopback cost at most 3x applying the same bundles from a local folder, measured in the same run. The
   server runs as `jiafang serve` in its own process (on PostgreSQL, and on SQLite), so client and server
   each have a core, as on a real network.
2. Twenty laptops (twenty processes, each its own data folder) enrolling and syncing at once are served
   without an error, and end with what the server holds.

Run: python -m bench.server [N_OPS] [--backend postgres|sqlite|both]
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from app.store import keys
from app.store.db import Database, create_folder
from app.store.models import DISTRICT_SCOPE

PASSWORD = "bench-password"
PASSPHRASE = "bench-share-passphrase"
PG_ADMIN = os.environ.get("JIAFANG_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
ROOT = Path(__file__).resolve().parents[1]


def _quick_keys() -> None:
    import sync.crypto

    keys.DEFAULT_KDF = keys.KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
    sync.crypto.SHARE_KDF = keys.DEFAULT_KDF
    os.environ.setdefault("JIAFANG_MACHINE_ID", "bench")


class Server:
    def __init__(self, db_url: str, data_dir: Path) -> None:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app", "--data-dir", str(data_dir), "serve", "--db", db_url, "--port",
             str(self.port)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.url + "/v1/meta", timeout=1).read()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


def _database(backend: str, base: Path) -> tuple[str, str | None]:
    """(SQLAlchemy URL, PostgreSQL database name to drop afterwards)."""
    if backend == "sqlite":
        return f"sqlite:///{base / 'server.db'}", None
    import psycopg

    name = f"jiafang_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return f"{PG_ADMIN.rsplit('/', 1)[0].replace('postgresql://', 'postgresql+psycopg://')}/{name}", name


def _drop(name: str | None) -> None:
    if name:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _ops(database: Database) -> int:
    from sqlalchemy import func, select

    from app.store.models import Op

    with database.read() as session:
        return int(session.scalar(select(func.count()).select_from(Op)) or 0)


def throughput(ops: int, backend: str) -> dict[str, float]:
    from bench.sync_apply import _fill
    from sync.engine import sync_folder
    from sync.http_client import sync_server
    from sync.server.store import ServerStore

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        origin = create_folder(base / "origin", username="admin", password=PASSWORD)
        _fill(origin, ops // 2)  # a household and a student each
        total = _ops(origin)
        share = base / "share"
        share.mkdir()
        sync_folder(origin, share, PASSPHRASE)
        by_folder = create_folder(base / "by-folder", username="admin", password=PASSWORD)
        started = time.perf_counter()
        folder = sync_folder(by_folder, share, PASSPHRASE)
        figures["folder_apply_s"] = time.perf_counter() - started
        assert folder.ok and folder.received_ops == total
        url, pg_name = _database(backend, base)
        store = ServerStore(url)
        from sync.server.admin import share_deployment

        store.setup(deployment=share_deployment(share, PASSPHRASE))  # the same deployment as the folder
        server = Server(url, base / "server")
        try:
            started = time.perf_counter()
            pushed = sync_server(origin, server.url, enroll_code=store.new_enrollment_code(DISTRICT_SCOPE))
            figures["server_push_s"] = time.perf_counter() - started
            assert pushed.ok and pushed.sent_ops == total, pushed.lines("en")
            by_server = create_folder(base / "by-server", username="admin", password=PASSWORD)
            started = time.perf_counter()
            pulled = sync_server(by_server, server.url, enroll_code=store.new_enrollment_code(DISTRICT_SCOPE))
            figures["server_pull_s"] = time.perf_counter() - started
            assert pulled.ok and pulled.received_ops == total, pulled.lines("en")
            started = time.perf_counter()
            sync_server(by_server, server.url)
            figures["server_noop_sync_s"] = time.perf_counter() - started
            by_server.close()
        finally:
            server.stop()
            store.close()
            _drop(pg_name)
        origin.close()
        by_folder.close()
    figures["ops"] = total
    figures["ratio"] = (figures["server_push_s"] + figures["server_pull_s"]) / figures["folder_apply_s"]
    return figures


def _laptop(args: tuple[str, str, str, str, int]) -> tuple[int, int, str | None]:
    """One laptop process: enroll, then three rounds of new students and a sync. (ops held, syncs, error)"""
    url, folder, code, school, index = args
    _quick_keys()
    from app.domain.codes import Sex
    from app.domain.identity import make_id_number
    from app.services.roster import StudentInput, add_students
    from bench.store_write import TODAY
    from sync.http_client import sync_server

    database = create_folder(Path(folder), username="teacher", password=PASSWORD, device_name=f"laptop-{index}")
    syncs = 0
    try:
        sync_server(database, url, enroll_code=code)
        syncs += 1
        from datetime import date

        born = date(2016, 1 + index % 12, 1 + index // 12)  # ID numbers unique across the laptops
        for round_ in range(3):
            with database.write() as session:
                add_students(session, [StudentInput(
                    name="蓝小" + "春夏秋冬梅兰竹菊松柏"[n % 10], sex=Sex.MALE, birth_date=born,
                    school_id=school, grade=4, class_name=f"{index % 6 + 1}班",
                    id_number=make_id_number("450107", born, 1 + 2 * (round_ * 100 + n)))
                    for n in range(50)], today=TODAY)
            result = sync_server(database, url)
            syncs += 1
            if not result.ok:
                return _ops(database), syncs, "; ".join(result.lines("en"))
        sync_server(database, url)
        return _ops(database), syncs + 1, None
    except Exception as exc:  # noqa: BLE001 - counted and reported by the parent
        return 0, syncs, f"{type(exc).__name__}: {exc}"
    finally:
        database.close()


def twenty_laptops(backend: str, laptops: int = 20) -> dict[str, float]:
    from app.domain.codes import SchoolType
    from app.services.places import add_school
    from sync.http_client import sync_server
    from sync.server.store import ServerStore

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        url, pg_name = _database(backend, base)
        store = ServerStore(url)
        store.setup()
        server = Server(url, base / "server")
        try:
            bureau = create_folder(base / "bureau", username="admin", password=PASSWORD)
            with bureau.write() as session:
                schools = [add_school(session, name=f"第{'一二三四'[i]}小学", school_type=SchoolType.PRIMARY).id
                           for i in range(4)]
            sync_server(bureau, server.url, enroll_code=store.new_enrollment_code(DISTRICT_SCOPE))
            jobs = [(server.url, str(base / f"laptop{i}"), store.new_enrollment_code(schools[i % 4]), schools[i % 4], i)
                    for i in range(laptops)]
            started = time.perf_counter()
            with multiprocessing.get_context("fork").Pool(laptops) as pool:
                outcomes = pool.map(_laptop, jobs)
            figures["twenty_laptops_s"] = time.perf_counter() - started
            errors = [e for _, _, e in outcomes if e]
            figures["twenty_laptops_errors"] = len(errors)
            figures["twenty_laptops_syncs"] = sum(s for _, s, _ in outcomes)
            for error in errors[:5]:
                print("error:", error, file=sys.stderr)
            sync_server(bureau, server.url)
            figures["server_ops"] = store.last_cursor()
            figures["bureau_ops_equal_server"] = float(_ops(bureau) == figures["server_ops"])
            bureau.close()
        finally:
            server.stop()
            store.close()
            _drop(pg_name)
    return figures


def run(ops: int = 100_000, backends: tuple[str, ...] = ("postgres", "sqlite")) -> dict[str, float]:
    _quick_keys()
    figures: dict[str, float] = {}
    for backend in backends:
        for name, value in throughput(ops, backend).items():
            figures[f"{backend}.{name}"] = value
        for name, value in twenty_laptops(backend).items():
            figures[f"{backend}.{name}"] = value
    return figures


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 100_000
    chosen: tuple[str, ...] = ("postgres", "sqlite")
    if "--backend" in sys.argv:
        value = sys.argv[sys.argv.index("--backend") + 1]
        chosen = ("postgres", "sqlite") if value == "both" else (value,)
    for key, number in run(count, chosen).items():
        print(f"{key:36} {number:12.3f}")
