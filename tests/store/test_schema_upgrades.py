"""A populated data folder left at any older schema opens in the current program with every record intact.

tests/store/test_migrations.py checks the runner itself on a fresh folder (a made-up extra migration, its
backup, its rollback, the refusal of a newer schema); here each real older schema is built and filled with a
school's records (tests/store/populated_folder.py), then signed into as the app does.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import app.store.db as store_db
from app.config import BACKUP_DIR, DATABASE_FILE
from app.services.exchange import export_json
from app.services.integrity import check_store
from app.services.listing import StudentFilter, count_students, student_page
from app.services.roster import add_student, edit_student
from app.services.signin import sign_in
from app.services.visit_lists import CaseFilter, case_rows
from app.services.visits import visits_of
from app.store import oplog
from app.store.db import Database, open_folder
from app.store.keys import new_data_key
from app.store.machine import machine_fingerprint
from app.store.migrations import MIGRATIONS, SCHEMA_VERSION
from tests.conftest import PASSWORD, TODAY, make_student_input
from tests.store.populated_folder import (
    USERNAME,
    OldFolder,
    Rows,
    build_folder,
    dump_schema,
    dump_tables,
    read_log,
)

OLDER = [number for number, _title, _upgrade in MIGRATIONS if number < SCHEMA_VERSION]


@pytest.fixture(scope="module")
def fresh_schema(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, str, str | None]]:
    """The schema a new folder gets from the current program."""
    path = tmp_path_factory.mktemp("fresh") / DATABASE_FILE
    key = new_data_key()
    store_db.migrate(path, key)
    conn = store_db._connect(path, key, create=False)
    try:
        return dump_schema(conn)
    finally:
        conn.close()


def _raw(database: Database) -> Any:
    return database.engine.raw_connection().driver_connection


def _grown(before: Rows, after: Rows) -> dict[str, Counter[tuple[Any, ...]]]:
    return {t: after[t] - before.get(t, Counter()) for t in after if after[t] - before.get(t, Counter())}


def _lost(before: Rows, after: Rows) -> dict[str, Counter[tuple[Any, ...]]]:
    return {t: rows - after.get(t, Counter()) for t, rows in before.items() if rows - after.get(t, Counter())}


def _backups(data_dir: Path) -> list[Path]:
    return sorted((data_dir / BACKUP_DIR).glob("*.db"))


@pytest.mark.parametrize("version", OLDER)
def test_a_populated_folder_at_an_older_schema_upgrades_with_every_record(
        version: int, data_dir: Path, fresh_schema: list[tuple[str, str, str, str | None]]) -> None:
    old = build_folder(data_dir, version)
    database = sign_in(data_dir, USERNAME, PASSWORD)
    try:
        _check_upgraded(old, database, fresh_schema)
        _check_backup(old, data_dir)
        _check_services_read(old, database)
        _check_new_writes(old, database)
    finally:
        database.close()
    reopened = open_folder(data_dir, USERNAME, PASSWORD)
    reopened.close()
    assert len(_backups(data_dir)) == 1, "the second opening migrated again"


def _check_upgraded(old: OldFolder, database: Database, fresh_schema: list[tuple[str, str, str, str | None]]) -> None:
    raw = _raw(database)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert dump_schema(raw) == fresh_schema  # the upgraded schema is exactly a new folder's
    after = dump_tables(raw)
    # Only this device's row changes (its machine, at schemas before it had one, and the sign-in's seq).
    lost = _lost(old.tables, after)
    assert set(lost) <= {"device_state"}, lost
    state = raw.execute("SELECT device_id, device_name, school_id, created_at, last_seq, machine "
                        "FROM device_state").fetchall()
    assert len(state) == 1
    device_id, device_name, school_id, created_at, last_seq, machine = state[0]
    before = next(iter(old.tables["device_state"]))
    assert (device_id, device_name, school_id, created_at) == before[1:3] + before[5:7]
    assert machine == machine_fingerprint()
    # What was added: the sign-in's audit event and its op, nothing else; tables newer than the folder start
    # empty apart from that.
    grown = _grown(old.tables, after)
    assert set(grown) - {"device_state"} <= {"op_log", "op_atom", "audit_event"}, grown
    assert sum(grown["audit_event"].values()) == 1 and sum(grown["op_log"].values()) == 1
    for table in set(after) - set(old.tables) - {"audit_event"}:
        assert not after[table], f"{table} is new at this schema and should start empty"
    # The written log is there as written, and the device goes on from where it stopped.
    log = read_log(raw)
    assert log[:old.last_seq] == old.ops
    assert [(op[0], op[1], op[3]) for op in log[old.last_seq:]] == [(old.device_id, old.last_seq + 1, "audit_event")]
    assert last_seq == old.last_seq + 1 and log[-1][2] > old.ops[-1][2]


def _check_backup(old: OldFolder, data_dir: Path) -> None:
    backups = _backups(data_dir)
    assert len(backups) == 1 and f"before-v{old.version + 1}-" in backups[0].name
    assert not backups[0].read_bytes().startswith(b"SQLite format 3")
    conn = store_db._connect(backups[0], old.key, create=False)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == old.version
        assert dump_schema(conn) == old.schema
        assert dump_tables(conn) == old.tables  # the folder exactly as the old program left it
    finally:
        conn.close()


def _check_services_read(old: OldFolder, database: Database) -> None:
    ids = old.ids
    with database.read() as session:
        report = check_store(session)
        assert report.ok, [f.en for f in report.findings]
        assert report.ops == old.last_seq + 1
        assert count_students(session, StudentFilter()) == 2
        page = student_page(session, StudentFilter(), 0, 50)
        assert {(r.id, r.name, r.school_name, r.class_name, r.status) for r in page} == {
            (ids["student_a"], "韦小明", "西乡塘区石埠小学", "3班", "in_school"),
            (ids["student_b"], "韦秀𰻝", "西乡塘区石埠小学", "2班", "dropped_out")}
        assert [r.id for r in student_page(session, StudentFilter(text="wxm"), 0, 50)] == [ids["student_a"]]
        assert [r.id for r in student_page(session, StudentFilter(key_target=True), 0, 50)] == [ids["student_b"]]
        cases = case_rows(session, CaseFilter(), 0, 50)
        assert [(c.id, c.student_name, c.status.value, c.attempts, str(c.last_attempt_on)) for c in cases] == [
            (ids["case"], "韦秀𰻝", "persuading", 1, "2026-03-05")]
        visits = visits_of(session, ids["student_a"])
        assert [(v.id, v.status, v.finalized_by) for v in visits] == [(ids["visit"], "finalized", old.user_id)]
        out = io.StringIO()
        count = export_json(session, out)
    exported = {(r["_table"], r["id"]): r for r in map(json.loads, out.getvalue().splitlines())}
    written = {(table, row_id): values for table, rows in old.records.items() if table not in oplog.APPEND_ONLY
               for row_id, values in rows.items()}
    assert count == len(exported) == len(written)
    for key, values in written.items():
        record = exported[key]
        assert {name: record[name] for name in values} == values, key
        # A column a later migration added to an old table holds the value the old create ops imply.
        codec = oplog.CODECS[key[0]]
        assert {n: record[n] for n in codec.fields if n not in values} == {
            n: codec.absent(n) for n in codec.fields if n not in values}, key


def _check_new_writes(old: OldFolder, database: Database) -> None:
    ids = old.ids
    with database.write() as session:
        added = add_student(session, make_student_input(
            old.school_id, name="陆春燕", grade=2, sequence=36, household_id=ids["household"]),  # type: ignore[arg-type]
            today=TODAY)
        assert edit_student(session, ids["student_a"], today=TODAY, class_name="4班") == ["class_name"]
    with database.read() as session:
        history = oplog.field_history(session, "student", ids["student_a"], "class_name")
        assert [op.data.get("class_name") for op in history] == ["2班", "3班", "4班"]
        # The new op supersedes the old program's last one, so there is one head and no conflict.
        assert history[-1].prev == {"class_name": [history[1].key]}
        assert history[-1].device_id == old.device_id and history[-1].seq > old.last_seq + 1
        assert count_students(session, StudentFilter()) == 3
        assert {r.id for r in student_page(session, StudentFilter(text="陆春燕"), 0, 50)} == {added.id}
        report = check_store(session)
        assert report.ok, [f.en for f in report.findings]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_populated_folder_at_the_current_schema_opens_without_migrating_or_changing(data_dir: Path) -> None:
    old = build_folder(data_dir, SCHEMA_VERSION)
    path = data_dir / DATABASE_FILE
    before = _digest(path)
    assert store_db.migrate(path, old.key) == []
    database = open_folder(data_dir, USERNAME, PASSWORD)
    try:
        raw = _raw(database)
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert dump_schema(raw) == old.schema
        assert dump_tables(raw) == old.tables
        with database.read() as session:
            assert check_store(session).ok
    finally:
        database.close()
    assert not (data_dir / BACKUP_DIR).exists()
    assert _digest(path) == before
