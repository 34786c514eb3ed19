"""The op log: every write appends ops; the tables are what the log decides; merges converge."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from app.services.roster import add_student, edit_student
from app.store import clock, oplog
from app.store.db import Database, create_folder
from app.store.guard import BypassError, raw_cursor
from app.store.models import Conflict, Household, School, Student
from tests.conftest import PASSWORD, TODAY, make_student_input
from tests.services.support import dump


def _ops(database: Database) -> list[oplog.OpRecord]:
    with database.read() as session:
        return sorted(oplog.iter_log(session), key=lambda op: (op.device_id, op.seq))




def _exchange(a: Database, b: Database) -> None:
    """Give each database the other's ops (what a sync does, minus the bundles)."""
    ops_a, ops_b = _ops(a), _ops(b)
    with b.write() as session:
        oplog.apply_remote(session, ops_a)
    with a.write() as session:
        oplog.apply_remote(session, ops_b)


def test_create_update_delete_are_ops_with_prev_links(database: Database, student: Student) -> None:
    with database.write() as session:
        changed = edit_student(session, student.id, class_name="3班", today=TODAY)
        assert changed == ["class_name"]
        assert edit_student(session, student.id, class_name="3班", today=TODAY) == []  # no change, no op
    ops = [op for op in _ops(database) if op.row_id == student.id]
    assert [op.prev is None for op in ops] == [True, False]
    create, edit = ops
    assert create.data["name"] == "韦小明" and create.data["grade"] == 4
    assert edit.data == {"class_name": "3班"}
    assert edit.prev == {"class_name": [create.key]}
    assert edit.hlc > create.hlc and edit.seq == create.seq + 1
    assert edit.user_id == database.user.id  # type: ignore[union-attr]
    with database.write() as session:
        oplog.delete(session, session.get(Student, student.id))  # type: ignore[arg-type]
    with database.read() as session:
        assert session.get(Student, student.id).deleted is True  # type: ignore[union-attr]
        history = oplog.field_history(session, "student", student.id, "class_name")
        assert [op.value_of("class_name") for op in history] == ["2班", "3班"]


def test_orm_writes_that_bypass_the_log_are_refused(database: Database, school: School) -> None:
    with pytest.raises(BypassError), database.write() as session:
        session.execute(update(School).where(School.id == school.id).values(name="改名"))
    with pytest.raises(BypassError), database.write() as session:
        session.add(School(id="x", scope="x", deleted=False, name="野学校", school_type="primary"))
    with database.read() as session:
        assert session.get(School, school.id).name == "西乡塘区石埠小学"  # type: ignore[union-attr]
        assert session.get(School, "x") is None


def test_raw_cursors_that_bypass_the_log_are_refused(database: Database, school: School) -> None:
    # The raw DB-API cursor the services use for streaming reads refuses what the SQLAlchemy hook refuses.
    with pytest.raises(BypassError), database.write() as session:
        raw_cursor(session).execute("UPDATE school SET name = ? WHERE id = ?", ("改名", school.id))
    with pytest.raises(BypassError), database.write() as session:
        raw_cursor(session).executemany("INSERT INTO op_log (device_id, seq) VALUES (?, ?)", [("d", 1)])
    with database.read() as session:
        names = raw_cursor(session).execute("SELECT name FROM school WHERE id = ?", (school.id,)).fetchall()
        assert names == [("西乡塘区石埠小学",)]


def test_failed_write_leaves_no_ops_and_no_gap(database: Database, school: School) -> None:
    before = _ops(database)
    with pytest.raises(RuntimeError), database.write() as session:
        add_student(session, make_student_input(school.id), today=TODAY)  # type: ignore[arg-type]
        raise RuntimeError("battery died")
    assert _ops(database) == before
    with database.write() as session:
        add_student(session, make_student_input(school.id), today=TODAY)  # type: ignore[arg-type]
    seqs = [op.seq for op in _ops(database)]
    assert seqs == list(range(1, len(seqs) + 1))


def test_clock_never_goes_backwards(database: Database, school: School, monkeypatch: pytest.MonkeyPatch) -> None:
    with database.write() as session:
        add_student(session, make_student_input(school.id), today=TODAY)  # type: ignore[arg-type]
    newest = max(op.hlc for op in _ops(database))
    # A laptop whose battery died boots in 2001.
    monkeypatch.setattr(clock, "wall_ms", lambda: 978_307_200_000)
    with database.write() as session:
        student = session.scalars(select(Student)).one()
        edit_student(session, student.id, class_name="5班", today=TODAY)
    assert max(op.hlc for op in _ops(database)) > newest


@pytest.fixture
def replicas(tmp_path: Path, database: Database, student: Student) -> tuple[Database, Database]:
    """A second laptop holding the same records (its own device id)."""
    other = create_folder(tmp_path / "other", username="teacher", password=PASSWORD)
    with other.write() as session:
        oplog.apply_remote(session, _ops(database))
    assert other.device_id != database.device_id
    yield database, other
    other.close()


def test_concurrent_edits_of_different_fields_both_survive(replicas: tuple[Database, Database],
                                                           student: Student) -> None:
    a, b = replicas
    with a.write() as session:
        edit_student(session, student.id, class_name="6班", today=TODAY)
    with b.write() as session:
        edit_student(session, student.id, registered_poor=True, today=TODAY)
    _exchange(a, b)
    for db in (a, b):
        with db.read() as session:
            row = session.get(Student, student.id)
            assert row is not None and row.class_name == "6班" and row.registered_poor is True
            assert session.scalar(select(Conflict).limit(1)) is None
    assert dump(a) == dump(b)


def test_same_field_conflict_is_derived_alike_and_resolved_by_an_op(replicas: tuple[Database, Database],
                                                                    student: Student) -> None:
    a, b = replicas
    with a.write() as session:
        edit_student(session, student.id, class_name="A班", today=TODAY)
    with b.write() as session:
        edit_student(session, student.id, class_name="B班", today=TODAY)
    _exchange(a, b)
    assert dump(a) == dump(b)
    conflicts = []
    for db in (a, b):
        with db.read() as session:
            conflicts.append([(c.tbl, c.row_id, c.field, c.heads) for c in session.scalars(select(Conflict))])
    assert conflicts[0] == conflicts[1] and len(conflicts[0]) == 1
    with a.read() as session:
        state = oplog.resolve_row("student", student.id, oplog.row_ops(session, "student", student.id))
        assert state is not None
        loser_values = {op.value_of("class_name") for op in state.heads["class_name"][1:]}
        assert loser_values and loser_values <= {"A班", "B班"}
    # Sequential edits never conflict; resolving is an op naming both heads, which then syncs.
    with b.write() as session:
        edit_student(session, student.id, class_name="A班", today=TODAY)
    _exchange(a, b)
    for db in (a, b):
        with db.read() as session:
            assert session.scalar(select(Conflict).limit(1)) is None
            assert session.get(Student, student.id).class_name == "A班"  # type: ignore[union-attr]
            history = oplog.field_history(session, "student", student.id, "class_name")
            assert {"A班", "B班", "2班"} <= {op.value_of("class_name") for op in history}
    assert dump(a) == dump(b)


def test_remote_ops_apply_once_and_forgeries_are_refused(replicas: tuple[Database, Database]) -> None:
    a, b = replicas
    ops = _ops(a)
    with b.write() as session:
        result = oplog.apply_remote(session, ops)
    assert result.applied == 0 and result.duplicates == len(ops)
    forged = oplog.OpRecord(**{**ops[-1].__dict__, "data": {**ops[-1].data, "name": "假名字"}})
    before = dump(b)
    with pytest.raises(oplog.OpMismatch), b.write() as session:
        oplog.apply_remote(session, [forged])
    assert dump(b) == before


def test_edit_arriving_before_its_create_waits_for_it(replicas: tuple[Database, Database], tmp_path: Path,
                                                      school: School) -> None:
    a, b = replicas
    with a.write() as session:
        new_id = add_student(session, make_student_input(school.id, name="农丽", sequence=31), today=TODAY).id  # type: ignore[arg-type]
        edit_student(session, new_id, class_name="1班", today=TODAY)
    create, edit = [op for op in _ops(a) if op.row_id == new_id]
    with b.write() as session:
        oplog.apply_remote(session, [edit])
        assert session.get(Student, new_id) is None
    with b.write() as session:
        oplog.apply_remote(session, [create])
    with b.read() as session:
        assert session.get(Student, new_id).class_name == "1班"  # type: ignore[union-attr]


def test_check_finds_a_table_edited_behind_the_logs_back(database: Database, student: Student) -> None:
    with database.read() as session:
        assert oplog.compare_with_log(session) == []
    raw = database.engine.raw_connection()
    raw.driver_connection.execute("UPDATE student SET name = '篡改' WHERE id = ?", (student.id,))  # type: ignore[union-attr]
    raw.commit()
    raw.close()
    with database.read() as session:
        differences = oplog.compare_with_log(session)
    assert [(d.table, d.field, d.in_table, d.from_log) for d in differences] == [
        ("student", "name", "篡改", "韦小明")]
    with database.write() as session:
        oplog.rebuild_all(session)
    with database.read() as session:
        assert oplog.compare_with_log(session) == []
        assert session.get(Student, student.id).name == "韦小明"  # type: ignore[union-attr]


# ----------------------------------------------------------------------------- the merge, as a property
def _op(device: str, seq: int, hlc: int, data: dict[str, object], prev: dict[str, list[str]] | None) -> oplog.OpRecord:
    return oplog.OpRecord(device, seq, hlc, "hamlet", "row", "district", data, prev, None)


@st.composite
def histories(draw: st.DrawFn) -> list[oplog.OpRecord]:
    """A random history of one row's 'name' field written by three devices that sync now and then."""
    ops = [_op("d0", 1, 10, {"name": "origin", "village_id": "v"}, None)]
    seen = {d: [ops[0].key] for d in ("d0", "d1", "d2")}  # each device's view of the heads
    seqs = {"d0": 1, "d1": 0, "d2": 0}
    for step in range(draw(st.integers(1, 12))):
        device = draw(st.sampled_from(["d0", "d1", "d2"]))
        if draw(st.booleans()):  # sync: this device learns every op so far
            known = {op.key for op in ops}
            named = {p for op in ops if op.prev for p in op.prev.get("name", [])}
            seen[device] = sorted(known - named)
            continue
        seqs[device] += 1
        op = _op(device, seqs[device], 100 + draw(st.integers(0, 50)) + step,
                 {"name": draw(st.sampled_from(["a", "b", "c"]))}, {"name": list(seen[device])})
        ops.append(op)
        seen[device] = [op.key]
    return ops


@settings(max_examples=200, deadline=None)
@given(histories(), st.randoms())
def test_resolution_does_not_depend_on_arrival_order(ops: list[oplog.OpRecord], rnd: object) -> None:
    expected = oplog.resolve_row("hamlet", "row", ops)
    shuffled = list(ops)
    rnd.shuffle(shuffled)
    got = oplog.resolve_row("hamlet", "row", shuffled)
    assert expected is not None and got is not None
    assert got.values == expected.values
    assert [h.key for h in got.heads["name"]] == [h.key for h in expected.heads["name"]]
    # The winner is the largest (hlc, device) among the heads; every op's value stays in the log.
    heads = expected.heads["name"]
    assert heads[0] == max(heads, key=lambda op: (op.hlc, op.device_id))


def test_no_head_is_lost_when_two_devices_write_blind() -> None:
    base = _op("d0", 1, 1, {"name": "x", "village_id": "v"}, None)
    left = _op("d1", 1, 5, {"name": "left"}, {"name": [base.key]})
    right = _op("d2", 1, 5, {"name": "right"}, {"name": [base.key]})
    for order in itertools.permutations([base, left, right]):
        state = oplog.resolve_row("hamlet", "row", order)
        assert state is not None
        assert state.values["name"] == "right"  # same hlc: the larger device id wins, everywhere
        assert set(state.conflicts()) == {"name"}


def _cache_kib(session: object) -> int:
    return int(session.connection().exec_driver_sql("PRAGMA cache_size").scalar())  # type: ignore[attr-defined]


def test_a_large_write_widens_the_page_cache_and_gives_it_back(database: Database, school: School) -> None:
    rows = [{"scope": school.id, "head_name": f"户主{i}", "hardship": ["registered_poor"] if i % 3 else []}
            for i in range(oplog.WIDE_CACHE_ROWS)]
    with database.write() as session:
        normal = _cache_kib(session)
        assert normal > -oplog.WIDE_CACHE_KIB
        oplog.create_many(session, Household, rows[:10])
        assert _cache_kib(session) == normal  # a few rows: the normal cache does
        oplog.create_many(session, Household, rows)
        assert _cache_kib(session) == -oplog.WIDE_CACHE_KIB
    # Every pooled connection is back to the normal cache once the write is over (the screens' memory).
    sessions = [database.sessions() for _ in range(4)]
    try:
        assert {_cache_kib(s) for s in sessions} == {normal}
    finally:
        for s in sessions:
            s.close()


def test_received_new_rows_are_stored_as_their_create_ops_say(tmp_path: Path, school: School,
                                                             database: Database) -> None:
    """Rows that arrive with nothing but their create op take the short path into the table; list, bool
    and absent fields must come out exactly as a rebuild from the log makes them."""
    with database.write() as session:
        oplog.create_many(session, Household, [
            {"scope": school.id, "head_name": "韦大山", "hardship": ["registered_poor", "dibao"]},
            {"scope": school.id, "head_name": "黄二", "phone": None, "hardship": []}])
        first_id = add_student(session, make_student_input(school.id), today=TODAY).id
        edit_student(session, first_id, class_name="5班", today=TODAY)  # create + edit: the merge path
    other = create_folder(tmp_path / "other", username="admin", password=PASSWORD)
    try:
        with other.write() as session:
            result = oplog.apply_remote(session, _ops(database))
            assert result.applied == len(_ops(database))
        assert dump(other) == dump(database)
        with other.read() as session:
            assert oplog.compare_with_log(session) == []
            assert session.get(Student, first_id).class_name == "5班"  # type: ignore[union-attr]
    finally:
        other.close()


def test_a_create_op_is_stored_without_its_scope_and_read_back_with_it(database: Database, school: School) -> None:
    """The op row carries the scope; the create op's field list leaves it out (a uuid per op), and logs
    written before that (with the scope in the list) still read the same."""
    with database.write() as session:
        household_id = oplog.create_many(session, Household, [{"scope": school.id, "head_name": "韦大山"}])[0]
    with database.read() as session:
        cur = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
        row = cur.execute(f"SELECT {oplog.OP_COLUMNS} FROM op_log WHERE row_id = ?", (household_id,)).fetchone()
        assert school.id not in row[7]  # data
        store = oplog.log_store(session)
        op = store.decode(row)
        assert op.data == {"scope": school.id, "head_name": "韦大山"}
        fields = oplog.CODECS["household"].fields
        old_form = json.dumps([school.id if name == "scope" else ("韦大山" if name == "head_name" else None)
                               for name in fields])
        assert store.decode((*row[:7], old_form, row[8])) == op
        assert store.decode(store.encode(op)) == op
