"""Fixtures for the server: a fresh server database on SQLite or on a real PostgreSQL (a new database per test
module, dropped at the end), a live server on loopback, and laptops with their own data folders."""

from __future__ import annotations

import io
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from app.services.roster import StudentInput
from app.store.db import Database, create_folder
from sync.server.store import ServerStore
from tests.conftest import PASSWORD

PG_ADMIN = os.environ.get("JIAFANG_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgres")
NAMES = "春夏秋冬梅兰竹菊松柏山水云月星海"


def _pg_admin() -> object:
    import psycopg

    try:
        return psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise  # on CI PostgreSQL is part of the machine: a missing one is a failure, not a skip
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN}: {exc}")


@pytest.fixture(scope="module")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test module (SQLAlchemy URL), dropped at the end."""
    name = f"jiafang_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    admin.execute(f"CREATE DATABASE {name}")  # type: ignore[attr-defined]
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{base}/{name}"
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # type: ignore[attr-defined]
        admin.close()  # type: ignore[attr-defined]


def _reset_pg(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        names = [r[0] for r in conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))]
        if names:
            conn.execute(text(f"DROP TABLE {', '.join(names)} CASCADE"))
        conn.execute(text("DROP SCHEMA IF EXISTS records CASCADE"))  # the materialised records (records.py)
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The server database of one test, on each backend in turn."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.db'}"
    url = request.getfixturevalue("pg_database")
    _reset_pg(url)
    return str(url)


@pytest.fixture
def store(db_url: str) -> Iterator[ServerStore]:
    found = ServerStore(db_url)
    found.setup()
    yield found
    found.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Live:
    url: str
    store: ServerStore
    server: object
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True  # type: ignore[attr-defined]
        self.thread.join(10)


def start_server(store: ServerStore, cache_dir: Path, *, tls: tuple[Path, Path] | None = None) -> Live:
    import uvicorn

    from sync.server.app import create_app

    app = create_app(store, cache_dir=cache_dir, secure_cookies=tls is not None)
    port = free_port()
    ssl = {"ssl_certfile": str(tls[0]), "ssl_keyfile": str(tls[1])} if tls else {}
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="off",
                                           **ssl))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    return Live(f"{'https' if tls else 'http'}://127.0.0.1:{port}", store, server, thread)


@pytest.fixture
def live(store: ServerStore, tmp_path: Path) -> Iterator[Live]:
    running = start_server(store, tmp_path / "server-cache")
    yield running
    running.stop()


@pytest.fixture
def laptops(tmp_path: Path) -> Iterator[Callable[[str], Database]]:
    """Make laptops (each its own data folder); all are closed at the end."""
    made: list[Database] = []

    def make(name: str) -> Database:
        database = create_folder(tmp_path / f"laptop-{name}", username="teacher", password=PASSWORD,
                                 device_name=name)
        made.append(database)
        return database

    yield make
    for database in made:
        database.close()


def dump(database: Database) -> str:
    from app.services.exchange import export_json

    out = io.StringIO()
    with database.read() as session:
        export_json(session, out)
    return out.getvalue()


@dataclass
class District:
    """A small district made on the district laptop: townships, two schools, students, a campaign."""

    school_a: str
    school_b: str
    students_a: list[str]
    students_b: list[str]
    campaign: str


def student(school_id: str, **values: object) -> StudentInput:
    """tests.conftest.make_student_input, typed."""
    from tests.conftest import make_student_input

    made = make_student_input(school_id, **values)  # type: ignore[arg-type]
    assert isinstance(made, StudentInput)
    return made


def seed_district(database: Database, *, per_school: int = 3) -> District:
    from app.domain.codes import CampaignKind, SchoolType
    from app.services.campaigns import create_campaign
    from app.services.places import add_school, add_township
    from app.services.roster import HouseholdInput, add_households, add_students
    from tests.conftest import TODAY

    with database.write() as session:
        township = add_township(session, code="450107009", name="石埠街道", kind="street")
        a = add_school(session, name="石埠小学", school_type=SchoolType.PRIMARY, code="2145000001",
                       township_id=township.id)
        b = add_school(session, name="北湖小学", school_type=SchoolType.PRIMARY, code="2145000002",
                       township_id=township.id)
        campaign = create_campaign(session, CampaignKind.WINTER_VISITS, 2026, starts_on=date(2026, 11, 1),
                                   ends_on=date(2027, 2, 28))
        homes = add_households(session, [HouseholdInput(scope=a.id, head_name=f"韦{NAMES[i]}父", address=f"石埠村{i}号")
                                         for i in range(per_school)])
        ids_a = add_students(session, [student(a.id, name=f"韦{NAMES[i]}甲", sequence=11 + 2 * i,
                                               household_id=homes[i]) for i in range(per_school)], today=TODAY)
        ids_b = add_students(session, [student(b.id, name=f"黄{NAMES[i]}乙", sequence=51 + 2 * i)
                                       for i in range(per_school)], today=TODAY)
        return District(a.id, b.id, ids_a, ids_b, campaign.id)
