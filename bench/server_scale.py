"""Issue 16's first figure: pull and push cost grow with new ops only.

A no-op sync (a pull with nothing new and a push of nothing) and a 100-op push (with the pull that brings the
100 ops to a second laptop), by a school laptop and by the district laptop, against a server whose ops table
holds 1,000,000 ops of history, compared with the same against 10,000 ops of history in the same run; bound
1.5x each, on the median of several repeats. The server is ``jiafang serve`` in its own process, set up with
``serve init`` and ``serve code``; the laptops sync with :func:`sync.http_client.sync_server`, which is what
``jiafang sync server`` runs.

Who takes part: the district laptop (it made the schools, and a township and village), two laptops of school A
(A's roster and visits), and once a laptop of the template school T, whose roster and visits are the
history's pattern. Each timed sync is the whole client sync (meta, device check, push, pull, photos, its
record) and asserts the ops it sent or received.

How 1,000,000 ops of history are made quickly: T's laptop pushes its records through the server for real
(about 9,000 ops: households, students, visits started and finalised), so the server's ``ops``, ``rows``,
``row_refs`` and ``grants`` hold exactly what the push path writes for them. The benchmark then reads those
rows back and copies them straight into the server database (``COPY`` on PostgreSQL, ``executemany`` on
SQLite) about a hundred times, each copy a school of its own: every UUID of the template (row ids, T's school
id, the device and user ids) is replaced by one derived from it and the copy's number (the time prefix and
the UUIDv7 shape kept), cursors continue the server's own, and a grant's ``entered`` follows its op's cursor.
So the history is valid ops spread over about 110 schools, and a school's laptop sees only its part (and every
school's row, which is reference data). Other tables of the server's schema holding template rows (added by
a later migration) are copied the same way, row by row, and named on stderr. The materialised records the
server keeps in PostgreSQL (their own schema, ``records``) are not written by the benchmark: the server builds
them from the ops it has not materialised when it starts (``server_start_after_fill_s``), with its own merge.
The server is stopped while the history goes in, then ``VACUUM (ANALYZE)`` runs, as autovacuum would have long
before on a server that grew to that size.

Both sizes in the same run, under the same load: two deployments are built alike to the baseline (two
databases, two ``jiafang serve`` processes, each with its own laptops), one of them is grown to the history,
and then rounds run on each in turn, the order swapped every round; each figure is the median of its rounds.
After the history the grown deployment's school laptops catch up by a real sync (timed, shown as
``catch_up_s``: it reads past a million new ops none of which they may see but the copies' school rows); its
district laptop's pull cursor is moved to the server's newest cursor instead of applying a million ops into
its own database, since what is measured is the server's cost (the laptop's own cost with a big database is
bench.sync_apply's no-op figure). Last, the history is shown to be valid: a new laptop of one copied school,
enrolled with ``serve code``, pulls its part and holds exactly the template school's records under the copy's
ids.

Run: python -m bench.server_scale [--history N] [--baseline N] [--repeat R] [--backend postgres|sqlite|both]
     [--quick] [--keep DIR]
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import hashlib
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from app.store import keys
from app.store.db import Database, create_folder

PASSWORD = "bench-password"
PG_ADMIN = os.environ.get("JIAFANG_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 29)
#: The tables the push path fills (sync/server/schema.py) and how each is copied; every other table the
#: benchmark finds holding template rows is copied generically.
KNOWN_TABLES = frozenset({"server_meta", "devices", "users", "enrollment_codes", "web_sessions", "ops", "rows",
                          "row_refs", "grants", "blob_refs", "blob_holders", "blobs"})
_UUID = re.compile(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
OPS_COLUMNS = ("cursor", "device_id", "seq", "hlc", "tbl", "row_id", "scope", "user_id", "data", "prev")


def quick_keys() -> None:
    """The fast key derivation the other benchmarks use (a laptop's Argon2id costs a second by design)."""
    import sync.crypto

    keys.DEFAULT_KDF = keys.KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
    sync.crypto.SHARE_KDF = keys.DEFAULT_KDF
    os.environ.setdefault("JIAFANG_MACHINE_ID", "bench")


# ----------------------------------------------------------------------------- the server, by its CLI
def _cli(data_dir: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "app", "--lang", "en", "--data-dir", str(data_dir), *args],
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                          timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"jiafang {' '.join(args[:2])} failed: {done.stderr.strip()[-400:]}")
    return done.stdout


def serve_init(data_dir: Path, db_url: str) -> None:
    _cli(data_dir, "serve", "init", "--db", db_url)


def enrollment_code(data_dir: Path, db_url: str, school: str | None = None) -> str:
    """A one-time code from ``jiafang serve code`` (for the district when no school is given)."""
    scope = ["--school", school] if school else ["--district"]
    out = _cli(data_dir, "serve", "code", "--db", db_url, *scope)
    found = re.search(r"once\): (\S+)", out)
    if not found:
        raise RuntimeError(f"no code in: {out!r}")
    return found.group(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServeProcess:
    """``jiafang serve`` in its own process; its log goes to a file (a pipe nobody reads would fill up)."""

    def __init__(self, db_url: str, data_dir: Path, *, port: int | None = None, timeout: float = 120) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        data_dir.mkdir(parents=True, exist_ok=True)
        self.log = data_dir / f"serve-{self.port}.log"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "app", "--data-dir", str(data_dir), "serve", "--db", db_url, "--port",
                 str(self.port)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                stdout=subprocess.DEVNULL, stderr=log)
        started = time.monotonic()
        deadline = started + timeout
        while True:
            try:
                urllib.request.urlopen(self.url + "/v1/meta", timeout=1).read()
                self.start_s = time.monotonic() - started
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"the server did not start: {self.log.read_text()[-400:]}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def create_database(backend: str, base: Path) -> tuple[str, str | None]:
    """(SQLAlchemy URL, PostgreSQL database name to drop afterwards)."""
    if backend == "sqlite":
        return f"sqlite:///{base / 'server.db'}", None
    import uuid

    import psycopg

    name = f"jiafang_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return f"{PG_ADMIN.rsplit('/', 1)[0].replace('postgresql://', 'postgresql+psycopg://')}/{name}", name


def drop_database(name: str | None) -> None:
    if name:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def server_ops(db_url: str) -> tuple[int, int]:
    """(ops held, newest cursor), read straight from the server database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            count, top = conn.execute(text("SELECT count(*), coalesce(max(cursor), 0) FROM ops")).one()
    finally:
        engine.dispose()
    return int(count), int(top)


# ----------------------------------------------------------------------------- laptops and their writes
class IdNumbers:
    """Valid, distinct ID numbers from a counter (up to about 2 million), with a grade that fits the birth
    date and the sex the sequence digit says."""

    def __init__(self, start: int) -> None:
        self.n = start

    def next(self) -> tuple[str, str, date, int]:
        from app.domain.identity import make_id_number

        self.n += 1
        grade, rest = 1 + self.n % 9, self.n // 9
        born = date(TODAY.year - 6 - grade, 1 + rest % 8, 1 + (rest // 8) % 28)
        number = make_id_number("450107", born, (rest // 224) % 999 + 1)
        return number, "1" if int(number[16]) % 2 else "2", born, grade


def own_ops(database: Database) -> int:
    """How many ops this laptop wrote (its device's last seq)."""
    from app.store.models import DeviceState

    with database.read() as session:
        state = session.get(DeviceState, 1)
        assert state is not None
        return int(state.last_seq)


def add_roster(database: Database, school_id: str, count: int, numbers: IdNumbers) -> list[str]:
    """``count`` households and their students (one op each); the students' ids."""
    from app.services import roster

    households, students = [], []
    for index in range(count):
        number, sex, born, grade = numbers.next()
        households.append(roster.HouseholdInput(scope=school_id, head_name="韦建国", address=f"石埠街道{index % 97}号",
                                                phone=f"138{numbers.n % 100_000_000:08d}", household_type="1"))
        students.append(roster.StudentInput(name="蓝小𰻝" if index % 7 == 0 else "黄丽华", sex=sex, birth_date=born,
                                            school_id=school_id, grade=grade, class_name=f"{index % 6 + 1}班",
                                            id_number=number))
    with database.write() as session:
        ids = roster.add_households(session, households)
        for student, household_id in zip(students, ids, strict=True):
            student.household_id = household_id
        return roster.add_students(session, students, today=TODAY)


def add_visits(database: Database, student_ids: Sequence[str], *, finalize: bool = True) -> None:
    """A visit of each student, started with its findings (one op) and finalised (one more)."""
    from app.domain.codes import VisitorRole, VisitPurpose
    from app.services.visits import Visitor, finalize_visit, start_visit

    with database.write() as session:
        for index, student_id in enumerate(student_ids):
            visit = start_visit(session, student_id, visited_on=TODAY - timedelta(days=index % 60), today=TODAY,
                                purpose=VisitPurpose.ROUTINE, visitors=[Visitor("韦老师", VisitorRole.HEAD_TEACHER)],
                                family_situation="家中务农，父母外出务工，由祖父母照看。")
            if finalize:
                finalize_visit(session, visit.id)


def add_hamlets(database: Database, village_id: str, count: int, start: int) -> None:
    from app.services import places

    with database.write() as session:
        for n in range(count):
            places.add_hamlet(session, village_id=village_id, name=f"第{start + n}屯")


@dataclass
class Laptop:
    name: str
    database: Database
    numbers: IdNumbers

    def sync(self, url: str, *, code: str | None = None, sent: int | None = None,
             received: int | None = None) -> float:
        """One whole client sync; its seconds. Checks what it sent and received when told."""
        from sync.http_client import sync_server

        started = time.perf_counter()
        result = sync_server(self.database, url, enroll_code=code)
        seconds = time.perf_counter() - started
        if not result.ok:
            raise RuntimeError(f"{self.name}: {'; '.join(result.lines('en'))}")
        if sent is not None and result.sent_ops != sent:
            raise RuntimeError(f"{self.name} sent {result.sent_ops} ops, not {sent}")
        if received is not None and result.received_ops != received:
            raise RuntimeError(f"{self.name} received {result.received_ops} ops, not {received}")
        return seconds


def new_laptop(base: Path, name: str, numbers_from: int) -> Laptop:
    return Laptop(name, create_folder(base / name, username="admin", password=PASSWORD, device_name=name),
                  IdNumbers(numbers_from))


# ----------------------------------------------------------------------------- the history
def derived_uuid(old: str, copy: int) -> str:
    """A UUIDv7-shaped id for ``old`` in copy ``copy``: the same time prefix, the rest from a hash."""
    h = hashlib.sha256(f"{copy}:{old}".encode()).hexdigest()
    return f"{old[:8]}-{old[9:13]}-7{h[:3]}-{'89ab'[int(h[3], 16) % 4]}{h[4:7]}-{h[7:19]}"


Pieces = tuple[str, ...]


def _pieces(value: str) -> Pieces:
    """Text split into literal (even) and UUID (odd) pieces, once per template value."""
    return tuple(_UUID.split(value))


def _join(pieces: Pieces, mapping: dict[str, str]) -> str:
    if len(pieces) == 1:
        return pieces[0]
    return "".join(p if i % 2 == 0 else mapping.get(p, p) for i, p in enumerate(pieces))


@dataclass
class Template:
    """T's rows in the server tables, split for fast copying."""

    ids: set[str]
    ops: list[tuple[Any, ...]]  # OPS_COLUMNS, by cursor
    cursors: list[int]
    rows: list[tuple[Any, ...]]
    row_refs: list[tuple[Any, ...]]
    grants: list[tuple[Any, ...]]
    extra: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = field(default_factory=dict)

    def rank(self, cursor: int) -> int:
        """The index of the template op at (or last before) ``cursor``."""
        return max(0, bisect.bisect_right(self.cursors, cursor) - 1)


def read_template(db_url: str, devices: Sequence[str], school_id: str) -> Template:
    """T's ops (and the district's op that made T's school), and every row of the other tables about them."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            ops = [tuple(r) for r in conn.execute(text(
                f"SELECT {', '.join(OPS_COLUMNS)} FROM ops WHERE device_id = :t OR (device_id = :d AND row_id = :s) "
                "ORDER BY cursor"), {"t": devices[0], "d": devices[1], "s": school_id})]
            row_ids = {r[5] for r in ops}
            users = {r[7] for r in ops if r[7] and r[1] == devices[0]}
            ids = row_ids | users | set(devices) | {school_id}
            rows = [tuple(r) for r in conn.execute(text("SELECT row_id, tbl, scope, scope_hlc, scope_device FROM rows"))
                    if r[0] in row_ids]
            refs = [tuple(r) for r in conn.execute(text("SELECT row_id, parent_id FROM row_refs")) if r[0] in row_ids]
            grants = [tuple(r) for r in conn.execute(text("SELECT row_id, scope, entered, direct FROM grants"))
                      if r[0] in row_ids]
            blob_refs = conn.execute(text("SELECT count(*) FROM blob_refs")).scalar_one()
            assert blob_refs == 0, "the template has photos: copying blob_refs is not written"
            template = Template(ids, ops, [int(r[0]) for r in ops], rows, refs, grants)
            for table in sorted(set(inspect(conn).get_table_names()) - KNOWN_TABLES):
                columns = [c["name"] for c in inspect(conn).get_columns(table)]
                found = [tuple(r) for r in conn.execute(text(f'SELECT * FROM "{table}"'))
                         if any(isinstance(v, str) and any(m in ids for m in _UUID.findall(v)) for v in r)]
                if found:
                    template.extra[table] = (columns, found)
    finally:
        engine.dispose()
    return template


def _copies(template: Template, copies: Sequence[int], base: int) -> Iterator[tuple[int, int, dict[str, str]]]:
    """(copy number, first cursor - 1, id mapping) of each copy."""
    for index, copy in enumerate(copies):
        yield copy, base + index * len(template.ops), {old: derived_uuid(old, copy) for old in template.ids}


def history_rows(template: Template, copies: Sequence[int], base: int) -> dict[str, Iterable[tuple[Any, ...]]]:
    """The rows of every table for the copies, lazily (a million ops need not sit in memory twice)."""
    op_pieces = [(r[0], _pieces(r[1]), r[2], r[3], r[4], _pieces(r[5]), _pieces(r[6]),
                  None if r[7] is None else _pieces(r[7]), _pieces(r[8]), None if r[9] is None else _pieces(r[9]))
                 for r in template.ops]

    def ops() -> Iterator[tuple[Any, ...]]:
        for _, first, m in _copies(template, copies, base):
            for j, (_, device, seq, hlc, tbl, row, scope, user, data, prev) in enumerate(op_pieces):
                yield (first + j + 1, _join(device, m), seq, hlc, tbl, _join(row, m), _join(scope, m),
                       None if user is None else _join(user, m), _join(data, m),
                       None if prev is None else _join(prev, m))

    def rows() -> Iterator[tuple[Any, ...]]:
        for _, _, m in _copies(template, copies, base):
            for row_id, tbl, scope, hlc, device in template.rows:
                yield m[row_id], tbl, m.get(scope, scope), hlc, m.get(device, device)

    def refs() -> Iterator[tuple[Any, ...]]:
        for _, _, m in _copies(template, copies, base):
            for row_id, parent in template.row_refs:
                yield m[row_id], m.get(parent, parent)

    def grants() -> Iterator[tuple[Any, ...]]:
        for _, first, m in _copies(template, copies, base):
            for row_id, scope, entered, direct in template.grants:
                yield m[row_id], m.get(scope, scope), first + template.rank(int(entered)) + 1, direct

    return {"ops": ops(), "rows": rows(), "row_refs": refs(), "grants": grants()}


def _extra_rows(template: Template, table: str, copies: Sequence[int]) -> Iterator[tuple[Any, ...]]:
    _, found = template.extra[table]
    for copy in copies:
        m = {old: derived_uuid(old, copy) for old in template.ids}
        for row in found:
            yield tuple(_join(_pieces(v), m) if isinstance(v, str) else v for v in row)


_COLUMNS = {"ops": OPS_COLUMNS, "rows": ("row_id", "tbl", "scope", "scope_hlc", "scope_device"),
            "row_refs": ("row_id", "parent_id"), "grants": ("row_id", "scope", "entered", "direct")}


def _fill_postgres(db_url: str, template: Template, tables: dict[str, Iterable[tuple[Any, ...]]],
                   numbers: Sequence[int], skipped: list[str]) -> float:
    """COPY the rows in, in one transaction; then VACUUM (ANALYZE). Returns the seconds of the COPY."""
    import psycopg

    started = time.perf_counter()
    plain = db_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as conn:
        with conn.cursor() as cur:
            for table, rows in tables.items():
                with cur.copy(f"COPY {table} ({', '.join(_COLUMNS[table])}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            for table, (columns, _) in template.extra.items():
                cur.execute("SAVEPOINT extra")
                try:
                    with cur.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
                        for row in _extra_rows(template, table, numbers):
                            copy.write_row(row)
                    cur.execute("RELEASE SAVEPOINT extra")
                except psycopg.Error as exc:
                    cur.execute("ROLLBACK TO SAVEPOINT extra")
                    skipped.append(f"{table} ({type(exc).__name__}: {str(exc).splitlines()[0]})")
            cur.execute("SELECT setval(pg_get_serial_sequence('ops', 'cursor'), (SELECT max(cursor) FROM ops))")
        conn.commit()
    filled = time.perf_counter() - started
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"VACUUM (ANALYZE) ops, rows, row_refs, grants{''.join(', ' + t for t in template.extra)}")
    return filled


def _fill_sqlite(db_url: str, template: Template, tables: dict[str, Iterable[tuple[Any, ...]]],
                 numbers: Sequence[int], skipped: list[str]) -> float:
    import sqlite3

    started = time.perf_counter()
    conn = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    try:
        for table, rows in tables.items():
            names = _COLUMNS[table]
            conn.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
                             rows)
        for table, (columns, _) in template.extra.items():
            conn.execute("SAVEPOINT extra")
            try:
                conn.executemany(f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES '
                                 f"({', '.join('?' for _ in columns)})", _extra_rows(template, table, numbers))
                conn.execute("RELEASE extra")
            except sqlite3.Error as exc:
                conn.execute("ROLLBACK TO extra")
                skipped.append(f"{table} ({type(exc).__name__}: {exc})")
        conn.commit()
        filled = time.perf_counter() - started
        conn.execute("ANALYZE")
    finally:
        conn.close()
    return filled


def fill_history(db_url: str, template: Template, copies: int) -> dict[str, float]:
    """Copy the template ``copies`` times into the (stopped) server's database; figures of the fill."""
    numbers = list(range(1, copies + 1))
    _, top = server_ops(db_url)
    started = time.perf_counter()
    tables = history_rows(template, numbers, top)
    skipped: list[str] = []
    fill = _fill_postgres if db_url.startswith("postgresql") else _fill_sqlite
    filled = fill(db_url, template, tables, numbers, skipped)
    for table in template.extra:
        missed = [s for s in skipped if s.startswith(table + " ")]
        print(f"history: table {table} {'NOT copied: ' + missed[0] if missed else 'copied generically'}",
              file=sys.stderr)
    return {"fill_s": filled, "analyze_s": time.perf_counter() - started - filled}


def analyze(db_url: str) -> None:
    """Fresh planner statistics for every table (what autovacuum would have done by then)."""
    if db_url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(db_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")


def advance_cursor(database: Database, cursor: int) -> None:
    """Move a laptop's pull cursor past history it is not to apply (the district laptop, see the docstring)."""
    from sync.http_client import server_state

    with database.write() as session:
        session.execute(server_state.update().where(server_state.c.id == 1).values(pull_cursor=cursor))


def _records(database: Database, mapping: dict[str, str] | None = None) -> list[str]:
    import json

    from app.services.exchange import iter_records

    with database.read() as session:
        texts = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in iter_records(session)
                 if r["_table"] in ("household", "student", "visit")]
    return sorted(texts if mapping is None else (_join(_pieces(t), mapping) for t in texts))


def verify_copy(base: Path, server_dir: Path, db_url: str, url: str, template_laptop: Laptop, template: Template,
                school_t: str, copy: int) -> None:
    """The history is valid ops: a new laptop of the last copied school, enrolled with ``serve code``, pulls its
    school's part through the server and holds exactly the template school's records under the copy's ids."""
    school = derived_uuid(school_t, copy)
    laptop = new_laptop(base, "copy-school", 1_900_000)
    try:
        laptop.sync(url, code=enrollment_code(server_dir, db_url, school))
        wanted = _records(template_laptop.database, {old: derived_uuid(old, copy) for old in template.ids})
        held = _records(laptop.database)
        if held != wanted:
            raise RuntimeError(f"a copied school's laptop holds {len(held)} records, not the template's {len(wanted)}")
    finally:
        laptop.database.close()


# ----------------------------------------------------------------------------- the measurement
FIGURES = ("noop_school", "noop_district", "push_school", "pull_school", "pull_district", "push_district",
           "pull_reference")


@dataclass
class Fleet:
    district: Laptop
    a1: Laptop
    a2: Laptop
    school_a: str
    village: str
    hamlets: int = 0


def one_round(f: Fleet, url: str) -> dict[str, float]:
    """Every figure once; all laptops end holding the same ops."""
    t: dict[str, float] = {}
    t["noop_school"] = f.a1.sync(url, sent=0, received=0)
    t["noop_district"] = f.district.sync(url, sent=0, received=0)
    before = own_ops(f.a1.database)
    add_roster(f.a1.database, f.school_a, 50, f.a1.numbers)
    assert own_ops(f.a1.database) - before == 100
    t["push_school"] = f.a1.sync(url, sent=100, received=0)
    t["pull_school"] = f.a2.sync(url, sent=0, received=100)
    t["pull_district"] = f.district.sync(url, sent=0, received=100)
    before = own_ops(f.district.database)
    add_hamlets(f.district.database, f.village, 100, f.hamlets)
    f.hamlets += 100
    assert own_ops(f.district.database) - before == 100
    t["push_district"] = f.district.sync(url, sent=100, received=0)
    t["pull_reference"] = f.a1.sync(url, sent=0, received=100)
    f.a2.sync(url, sent=0, received=100)
    return t


@dataclass
class Deployment:
    """One server database with its ``jiafang serve`` and its laptops, built to the baseline size."""

    base: Path
    db_url: str
    pg_name: str | None
    server_dir: Path
    server: ServeProcess | None = None
    fleet: Fleet | None = None
    template_laptop: Laptop | None = None
    school_t: str = ""
    devices: tuple[str, str] = ("", "")

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    def restart(self, timeout: float = 120) -> float:
        """A fresh server process (the seconds it took to answer), then fresh planner statistics."""
        if self.server is not None:
            self.server.stop()
        self.server = ServeProcess(self.db_url, self.server_dir, timeout=timeout)
        analyze(self.db_url)
        return self.server.start_s

    def close(self, *, keep: bool) -> None:
        if self.server is not None:
            self.server.stop()
        laptops = [] if self.fleet is None else [self.fleet.district, self.fleet.a1, self.fleet.a2]
        for laptop in [*laptops, *([self.template_laptop] if self.template_laptop else [])]:
            laptop.database.close()
        if keep:
            print(f"kept: {self.base} and {self.db_url}", file=sys.stderr)
        else:
            drop_database(self.pg_name)


def build(backend: str, base: Path, baseline: int) -> Deployment:
    """A deployment of about ``baseline`` ops: the district's schools, school A's two laptops and records, and
    the template school T's records (what the history copies)."""

    base.mkdir(parents=True, exist_ok=True)
    db_url, pg_name = create_database(backend, base)
    d = Deployment(base, db_url, pg_name, base / "server")
    try:
        _build(d, baseline)
    except BaseException:
        d.close(keep=False)
        raise
    return d


def _build(d: Deployment, baseline: int) -> None:
    from app.domain.codes import SchoolType
    from app.services import places
    from app.store.models import DeviceState

    base, db_url = d.base, d.db_url
    serve_init(d.server_dir, db_url)
    d.restart()
    district = new_laptop(base, "district", 0)
    with district.database.write() as session:
        school_a = places.add_school(session, name="石埠第一小学", school_type=SchoolType.PRIMARY).id
        d.school_t = places.add_school(session, name="样板小学", school_type=SchoolType.PRIMARY).id
        township = places.add_township(session, code="450107001", name="石埠街道").id
        village = places.add_village(session, township_id=township, name="石埠村").id
    district.sync(d.url, code=enrollment_code(d.server_dir, db_url))
    codes = [enrollment_code(d.server_dir, db_url, school) for school in (school_a, school_a, d.school_t)]
    a1, a2 = new_laptop(base, "school-a-1", 500_000), new_laptop(base, "school-a-2", 1_000_000)
    d.fleet = Fleet(district, a1, a2, school_a, village)
    a1.sync(d.url, code=codes[0])
    students = add_roster(a1.database, school_a, max(20, baseline // 30), a1.numbers)
    add_visits(a1.database, students[: len(students) // 2])
    a1.sync(d.url)
    a2.sync(d.url, code=codes[1])
    t = d.template_laptop = new_laptop(base, "template", 1_500_000)
    t.sync(d.url, code=codes[2])
    pairs = max(10, (baseline - server_ops(db_url)[0]) // 3)
    students = add_roster(t.database, d.school_t, pairs, t.numbers)
    add_visits(t.database, students[: pairs // 2])
    t.sync(d.url)
    district.sync(d.url)
    with t.database.read() as session, district.database.read() as other:
        d.devices = (session.get(DeviceState, 1).device_id,  # type: ignore[union-attr]
                     other.get(DeviceState, 1).device_id)  # type: ignore[union-attr]


def grow(d: Deployment, history: int, figures: dict[str, float]) -> tuple[Template, int]:
    """Fill ``d`` up to about ``history`` ops with copies of its template school; (template, copies)."""
    assert d.fleet is not None and d.server is not None
    d.server.stop()
    template = read_template(d.db_url, d.devices, d.school_t)
    held, _ = server_ops(d.db_url)
    copies = max(1, round((history - held) / len(template.ops)))
    figures.update({f"history_{k}": v for k, v in fill_history(d.db_url, template, copies).items()})
    # A server that materialises the records in its database builds them from the new ops as it starts.
    figures["server_start_after_fill_s"] = d.restart(timeout=7200)
    started = time.perf_counter()
    d.fleet.a1.sync(d.url, sent=0, received=copies)  # every copy's school row is reference data
    figures["catch_up_s"] = time.perf_counter() - started
    d.fleet.a2.sync(d.url, sent=0, received=copies)
    advance_cursor(d.fleet.district.database, server_ops(d.db_url)[1])
    return template, copies


def run_backend(backend: str, history: int, baseline: int, repeat: int, keep: Path | None = None
                ) -> dict[str, float]:
    """Two deployments built alike to the baseline, one grown to ``history``; then rounds on each in turn
    (the order swapped every round), so both sizes are measured under the same load of the machine."""
    figures: dict[str, float] = {}
    with contextlib.ExitStack() as stack:
        base = keep / backend if keep else Path(stack.enter_context(tempfile.TemporaryDirectory()))
        os.environ["JIAFANG_MACHINE_DIR"] = str(base / "machine")  # the laptops' published marks, not ~/.config
        deployments: list[Deployment] = []
        try:
            small = build(backend, base / "small", baseline)
            deployments.append(small)
            big = build(backend, base / "big", baseline)
            deployments.append(big)
            template, copies = grow(big, history, figures)
            small.restart()
            assert small.fleet is not None and big.fleet is not None
            sizes = {"small_ops": server_ops(small.db_url)[0], "big_ops": server_ops(big.db_url)[0]}
            one_round(small.fleet, small.url)  # warm-up: connections, caches, the servers' first requests
            one_round(big.fleet, big.url)
            rounds: dict[str, list[dict[str, float]]] = {"small": [], "big": []}
            for n in range(repeat):
                order = (("small", small), ("big", big)) if n % 2 == 0 else (("big", big), ("small", small))
                for size, d in order:
                    assert d.fleet is not None
                    rounds[size].append(one_round(d.fleet, d.url))
            figures.update({**sizes, "template_ops": len(template.ops), "schools_big": copies + 2, "repeat": repeat})
            for name in FIGURES:
                for size in ("small", "big"):
                    figures[f"{name}_{size}_s"] = statistics.median(r[name] for r in rounds[size])
            started = time.perf_counter()
            assert big.template_laptop is not None
            verify_copy(big.base, big.server_dir, big.db_url, big.url, big.template_laptop, template, big.school_t,
                        copies)
            figures["verify_copy_s"] = time.perf_counter() - started
        finally:
            for d in deployments:
                d.close(keep=keep is not None)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.server_scale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--history", type=int, default=1_000_000, help="ops of history (default 1,000,000)")
    parser.add_argument("--baseline", type=int, default=10_000, help="ops of history to compare with (10,000)")
    parser.add_argument("--repeat", type=int, default=15, help="rounds measured at each size (median; default 15)")
    parser.add_argument("--backend", choices=("postgres", "sqlite", "both"), default="postgres")
    parser.add_argument("--quick", action="store_true", help="20,000 against 2,000 ops, 5 rounds")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="keep the laptops in DIR and the server database (to look into a figure)")
    args = parser.parse_args(argv)
    if args.quick:
        args.history, args.baseline, args.repeat = 20_000, 2_000, 5
    quick_keys()
    backends = ("postgres", "sqlite") if args.backend == "both" else (args.backend,)
    for backend in backends:
        for key, value in run_backend(backend, args.history, args.baseline, args.repeat, args.keep).items():
            print(f"{backend}.{key:34} {value:14.4f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
