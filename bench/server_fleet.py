"""Issue 16's second figure: 1,000 laptops of 100 schools through two server processes over one PostgreSQL.

Two ``jiafang serve`` processes share one PostgreSQL database (set up with ``serve init``); the district laptop
makes the 100 schools and syncs; every laptop enrolls with its own one-time code from ``serve code`` and then
syncs in rounds, each laptop with the other server than in the round before (laptop i uses server
(i + round) % 2), all on loopback:

1. enroll, record a household, a student and a finalised visit (4 ops), sync;
2. record a visit of a school-mate's student (pulled in round 1, when there is one) and change the class of
   the school's first-enrolled student (laptops of one school edit it at the same time, so the merge has
   concurrent heads to settle), sync;
3. sync again (nothing to push): every laptop takes in what the others pushed in round 2.

A bounded pool of worker processes drives the laptops (each worker one laptop at a time, opening its data
folder, writing through the services, syncing with :func:`sync.http_client.sync_server` as
``jiafang sync server`` does, and closing it), so at most ``--workers`` syncs run at once. A laptop is an
encrypted data folder: one folder is made (with the fast key derivation bench.server uses) and copied for
each laptop; each copy is opened as on its own machine (``JIAFANG_MACHINE_ID``), so it takes its own device
id, as a copied data folder does.

Reported: syncs per second over the three rounds (wall time), p50 and p95 of a sync's time (the whole client
call), errors (must be 0), and convergence: every laptop of a school holds the same records (the canonical
``export json`` records, hashed) and none of another school's students, the district laptop holds every
student, and the server holds exactly the ops the devices wrote, device by device (no op lost or doubled).

Run: python -m bench.server_fleet [--schools N] [--per-school N] [--workers N] [--quick]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.server_scale import (
    PASSWORD,
    TODAY,
    IdNumbers,
    ServeProcess,
    create_database,
    drop_database,
    enrollment_code,
    quick_keys,
    serve_init,
)

ROUNDS = 3


@dataclass(frozen=True)
class Task:
    index: int
    school: str
    folder: str
    machine_dir: str
    url: str
    round: int
    code: str | None


@dataclass
class Outcome:
    index: int
    round: int
    syncs: list[float] = field(default_factory=list)  # each sync's seconds
    seconds: float = 0.0  # the whole turn: open, write, sync, close
    error: str | None = None
    device_id: str = ""
    own_ops: int = 0
    digest: str = ""
    foreign_students: int = 0


def _codes(args: tuple[str, str, list[str]]) -> list[str]:
    """``jiafang serve code --school ...`` for each school given, run in this process (the command's own code,
    without starting an interpreter a thousand times)."""
    import re

    from app.cli import main

    server_dir, db_url, schools = args
    codes = []
    for school in schools:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            status = main(["--lang", "en", "--data-dir", server_dir, "serve", "code", "--db", db_url,
                           "--school", school])
        found = re.search(r"once\): (\S+)", out.getvalue())
        if status != 0 or not found:
            raise RuntimeError(f"serve code failed ({status}): {out.getvalue()!r}")
        codes.append(found.group(1))
    return codes


def _digest(database: Any, school: str) -> tuple[str, int]:
    """(hash of the canonical records, students of other schools held)."""
    from app.services.exchange import iter_records

    h = hashlib.sha256()
    foreign = 0
    with database.read() as session:
        for record in iter_records(session):
            h.update(json.dumps(record, ensure_ascii=False, sort_keys=True).encode())
            if record["_table"] == "student" and record.get("school_id") != school:
                foreign += 1
    return h.hexdigest(), foreign


def _write(database: Any, task: Task) -> None:
    from sqlalchemy import select

    from app.services import roster
    from app.store.models import Student
    from bench.server_scale import add_roster, add_visits

    if task.round == 1:
        ids = add_roster(database, task.school, 1, IdNumbers(task.index * 3))
        add_visits(database, ids)
    elif task.round == 2:
        with database.read() as session:
            students = list(session.scalars(select(Student.id).where(Student.school_id == task.school)
                                            .order_by(Student.id)))
        mates = [s for s in students if s != students[0]] or students
        add_visits(database, [mates[task.index % len(mates)]])
        with database.write() as session:
            roster.edit_student(session, students[0], today=TODAY, class_name=f"{task.index % 9 + 1}班")


def _laptop(task: Task) -> Outcome:
    """One laptop's turn: open its data folder, write, sync, close."""
    from app.store.db import open_folder
    from app.store.models import DeviceState
    from sync.http_client import sync_server

    outcome = Outcome(task.index, task.round)
    turn = time.perf_counter()
    os.environ["JIAFANG_MACHINE_ID"] = f"laptop-{task.index}"  # its own machine: a copied folder's own device id
    os.environ["JIAFANG_MACHINE_DIR"] = task.machine_dir
    try:
        database = open_folder(Path(task.folder), "admin", PASSWORD)
    except Exception as exc:  # noqa: BLE001 - counted and reported by the parent
        outcome.error = f"open: {type(exc).__name__}: {exc}"
        return outcome
    try:
        if task.round != 1:  # round 1 writes once it knows its school (after enrolling)
            _write(database, task)
        started = time.perf_counter()
        result = sync_server(database, task.url, enroll_code=task.code)
        outcome.syncs.append(time.perf_counter() - started)
        if not result.ok:
            outcome.error = "; ".join(result.lines("en"))
        if task.round == 1:
            _write(database, task)
            started = time.perf_counter()
            result = sync_server(database, task.url)
            outcome.syncs.append(time.perf_counter() - started)
            if not result.ok:
                outcome.error = "; ".join(result.lines("en"))
        with database.read() as session:
            state = session.get(DeviceState, 1)
            assert state is not None
            outcome.device_id, outcome.own_ops = state.device_id, int(state.last_seq)
        if task.round == ROUNDS:
            outcome.digest, outcome.foreign_students = _digest(database, task.school)
    except Exception as exc:  # noqa: BLE001 - counted and reported by the parent
        outcome.error = f"{type(exc).__name__}: {exc}"
    finally:
        database.close()
    outcome.seconds = time.perf_counter() - turn
    return outcome


def _percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile of sorted ``values`` (0 when there are none)."""
    if not values:
        return 0.0
    return values[min(len(values) - 1, max(0, int(round(q * len(values) + 0.5)) - 1))]


def _pg_ops(db_url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return {str(d): int(n) for d, n in conn.execute(text(
                "SELECT device_id, count(*) FROM ops GROUP BY device_id"))}
    finally:
        engine.dispose()


def run(schools: int, per_school: int, workers: int) -> dict[str, float]:
    from app.domain.codes import SchoolType
    from app.services import places
    from app.store.db import create_folder
    from app.store.models import DeviceState, Student
    from bench.server_scale import Laptop, new_laptop

    figures: dict[str, float] = {}
    laptops = schools * per_school
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        os.environ["JIAFANG_MACHINE_DIR"] = str(base / "machines" / "bench")
        db_url, pg_name = create_database("postgres", base)
        servers: list[ServeProcess] = []
        try:
            serve_init(base / "server-0", db_url)
            servers = [ServeProcess(db_url, base / f"server-{n}") for n in range(2)]
            district: Laptop = new_laptop(base, "district", 0)
            with district.database.write() as session:
                school_ids = [places.add_school(session, name=f"第{n + 1}小学", school_type=SchoolType.PRIMARY).id
                              for n in range(schools)]
            district.sync(servers[0].url, code=enrollment_code(base / "server-0", db_url))

            started = time.perf_counter()
            wanted = [school_ids[i // per_school] for i in range(laptops)]
            context = multiprocessing.get_context("fork")
            chunks = [(str(base / f"server-{n % 2}"), db_url, wanted[n::2]) for n in range(2)]
            with context.Pool(2) as pool:
                made = pool.map(_codes, chunks)
            codes = [""] * laptops
            for n, chunk_codes in enumerate(made):
                for k, code in enumerate(chunk_codes):
                    codes[n + 2 * k] = code
            figures["codes_s"] = time.perf_counter() - started

            started = time.perf_counter()
            os.environ["JIAFANG_MACHINE_ID"] = "template"
            create_folder(base / "template", username="admin", password=PASSWORD).close()
            for i in range(laptops):
                shutil.copytree(base / "template", base / "laptops" / str(i))
            figures["folders_s"] = time.perf_counter() - started
            figures["folder_mb"] = sum(p.stat().st_size for p in (base / "template").rglob("*") if p.is_file()) / 2**20

            outcomes: list[Outcome] = []
            rounds_s = 0.0
            with context.Pool(workers) as pool:
                for round_ in range(1, ROUNDS + 1):
                    tasks = [Task(i, wanted[i], str(base / "laptops" / str(i)), str(base / "machines" / str(i)),
                                  servers[(i + round_) % 2].url, round_, codes[i] if round_ == 1 else None)
                             for i in range(laptops)]
                    started = time.perf_counter()
                    done = pool.map(_laptop, tasks, chunksize=1)
                    seconds = time.perf_counter() - started
                    rounds_s += seconds
                    figures[f"round{round_}_s"] = seconds
                    outcomes.extend(done)
                    print(f"round {round_}: {seconds:.0f} s, errors {sum(1 for o in done if o.error)}",
                          file=sys.stderr, flush=True)

            errors = [o for o in outcomes if o.error]
            for o in errors[:5]:
                print(f"error: laptop {o.index} round {o.round}: {o.error}", file=sys.stderr)
            times = sorted(t for o in outcomes if not o.error for t in o.syncs)
            turns = sorted(o.seconds for o in outcomes if not o.error)
            syncs = sum(len(o.syncs) for o in outcomes)  # round 1 is two syncs: enroll and pull, then push
            figures.update({
                "laptops": laptops, "schools": schools, "workers": workers, "syncs": syncs,
                "errors": len(errors), "rounds_s": rounds_s, "syncs_per_s": syncs / rounds_s,
                "sync_p50_s": _percentile(times, 0.5), "sync_p95_s": _percentile(times, 0.95),
                "sync_max_s": times[-1] if times else 0.0,
                "turn_p50_s": _percentile(turns, 0.5), "turn_p95_s": _percentile(turns, 0.95),
            })

            # Convergence.
            final = [o for o in outcomes if o.round == ROUNDS]
            by_school: dict[str, set[str]] = defaultdict(set)
            for o in final:
                by_school[wanted[o.index]].add(o.digest)
            figures["schools_converged"] = sum(1 for s in school_ids if len(by_school.get(s, ())) == 1
                                               and "" not in by_school[s])
            figures["foreign_students_held"] = sum(o.foreign_students for o in final)
            district.sync(servers[0].url)
            with district.database.read() as session:
                from sqlalchemy import func, select

                figures["district_students"] = int(session.scalar(select(func.count()).select_from(Student)) or 0)
                state = session.get(DeviceState, 1)
                assert state is not None
                written = {o.device_id: o.own_ops for o in final}
                written[state.device_id] = int(state.last_seq)
            held = _pg_ops(db_url)
            figures["ops_written"] = sum(written.values())
            figures["server_ops"] = sum(held.values())
            figures["devices_matching"] = sum(1 for d, n in written.items() if held.get(d, 0) == n)
            figures["devices"] = len(written)
            figures["converged"] = float(
                figures["schools_converged"] == schools and figures["foreign_students_held"] == 0
                and figures["district_students"] == laptops and held == written)
            district.database.close()
        finally:
            for server in servers:
                server.stop()
            drop_database(pg_name)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.server_fleet", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--per-school", type=int, default=10)
    parser.add_argument("--workers", type=int, default=6, help="laptops syncing at once (default 6)")
    parser.add_argument("--quick", action="store_true", help="40 laptops of 4 schools")
    args = parser.parse_args(argv)
    if args.quick:
        args.schools, args.per_school = 4, 10
    quick_keys()
    for key, value in run(args.schools, args.per_school, args.workers).items():
        print(f"fleet.{key:30} {value:14.4f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
