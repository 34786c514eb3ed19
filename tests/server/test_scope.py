"""Scope: no request made with a school's token can read or change another school's record; a student's
transfer hands the record (with its history and household) to the receiving school; honest late edits are
not refused; out-of-scope changes are refused without blocking the rest."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest
from sqlalchemy import select

from app.services.registry import move_school
from app.services.roster import HouseholdInput, add_household, edit_student
from app.services.visits import add_attachment, start_visit
from app.store import clock, oplog
from app.store.db import Database
from app.store.ids import uuid7
from app.store.migrations import SCHEMA_VERSION
from app.store.models import DISTRICT_SCOPE, Household, School, Student, SyncIdentity, Township
from sync import bundle as bundles
from sync import crypto
from sync.http_client import ServerRefused, Transport, server_state, sync_server
from sync.server.scope import EVERYONE
from tests.conftest import TODAY
from tests.server.conftest import District, Live, dump, seed_district


@dataclass
class Laptop:
    database: Database
    token: str
    device_id: str
    signing_key: bytes

    def transport(self, live: Live) -> Transport:
        return Transport(live.url, token=self.token)


def enrolled(live: Live, database: Database, scope: str) -> Laptop:
    sync_server(database, live.url, enroll_code=live.store.new_enrollment_code(scope))
    with database.read() as session:
        row = session.execute(select(server_state)).one()
        identity = session.get(SyncIdentity, 1)
        assert identity is not None
        return Laptop(database, row.device_token, row.device_id, identity.signing_key)


@pytest.fixture
def district(live: Live, laptops: Callable[[str], Database]) -> tuple[District, Laptop, Laptop, Laptop]:
    bureau = laptops("bureau")
    seeded = seed_district(bureau)
    d = enrolled(live, bureau, DISTRICT_SCOPE)
    a = enrolled(live, laptops("school-a"), seeded.school_a)
    b = enrolled(live, laptops("school-b"), seeded.school_b)
    return seeded, d, a, b


def push_ops(live: Live, laptop: Laptop, ops: list[oplog.OpRecord]) -> dict[str, object]:
    deployment, content_key = live.store.deployment
    data = bundles.pack(ops, deployment=deployment, prev_hash=None, schema=SCHEMA_VERSION, content_key=content_key,
                        signing_key=laptop.signing_key)
    return dict(laptop.transport(live).json("POST", "/v1/push", body=data))


def next_seq(live: Live, laptop: Laptop) -> int:
    return int(laptop.transport(live).json("GET", "/v1/device")["max_seq"]) + 1


def pulled_rows(live: Live, laptop: Laptop) -> set[str]:
    rows: set[str] = set()
    since = 0
    while True:
        page = laptop.transport(live).json("GET", "/v1/pull", query={"since": since, "limit": 50})
        rows.update(str(r[4]) for r in page["ops"])
        since = page["next"]
        if not page["more"]:
            return rows


def server_rows(live: Live, scope: str) -> set[str]:
    from sync.server import schema

    with live.store.read() as conn:
        return set(conn.scalars(select(schema.rows.c.row_id).where(schema.rows.c.scope == scope)))


def test_no_request_of_a_school_token_reads_or_changes_another_schools_record(
        live: Live, district: tuple[District, Laptop, Laptop, Laptop]) -> None:
    seeded, d, a, b = district
    rows_b = server_rows(live, seeded.school_b) - {seeded.school_b}  # the school row itself is reference data
    rows_a = server_rows(live, seeded.school_a) - {seeded.school_a}
    assert rows_b and rows_a
    # Reading: the pull (every page), the laptop's own copy, conflicts, photos.
    assert not pulled_rows(live, a) & rows_b
    assert rows_a <= pulled_rows(live, a)
    with a.database.read() as session:
        assert {s.id for s in session.scalars(select(Student))} == set(seeded.students_a)
        assert {s.name for s in session.scalars(select(School))} == {"石埠小学", "北湖小学"}  # reference data
    with b.database.write() as session:
        home_b = add_household(session, HouseholdInput(scope=seeded.school_b, head_name="黄父")).id
        visit = start_visit(session, seeded.students_b[0], visited_on=TODAY)
        add_attachment(session, visit.id, "photo", b"\x89PNG photo of B", "image/png")
    sync_server(b.database, live.url)
    sha = __import__("hashlib").sha256(b"\x89PNG photo of B").hexdigest()
    with pytest.raises(ServerRefused) as no_photo:
        a.transport(live).request("GET", f"/v1/blobs/{sha}")
    assert no_photo.value.status == 404
    assert b.transport(live).request("GET", f"/v1/blobs/{sha}")
    with pytest.raises(ServerRefused) as put_photo:
        _, key = live.store.deployment
        nonce, sealed = crypto.seal(key, b'{"media_type": "image/png"}\n\x89PNG photo of B', sha.encode())
        a.transport(live).request("PUT", f"/v1/blobs/{sha}", body=nonce + sealed)
    assert put_photo.value.status == 403
    # Writing: every way an op of A's device could touch B's record or district data is refused whole.
    student_b, seq = seeded.students_b[0], next_seq(live, a)
    hlc = clock.pack(clock.wall_ms())
    created_b = next(op for _, op in live.store.ops_after(0, 10_000) if op.row_id == student_b and op.prev is None)
    attempts = {
        "edit B's student": oplog.OpRecord(a.device_id, seq, hlc, "student", student_b, seeded.school_b,
                                           {"class_name": "9班"}, {"class_name": []}),
        "edit B's student, claiming A": oplog.OpRecord(a.device_id, seq, hlc, "student", student_b, seeded.school_a,
                                                       {"class_name": "9班"}, {"class_name": []}),
        "move B's student into A": oplog.OpRecord(a.device_id, seq, hlc, "student", student_b, seeded.school_a,
                                                  {"scope": seeded.school_a, "school_id": seeded.school_a},
                                                  {"scope": [], "school_id": []}),
        "re-create B's student as A's": oplog.OpRecord(
            a.device_id, seq, hlc, "student", student_b, seeded.school_a,
            {**created_b.data, "scope": seeded.school_a, "school_id": seeded.school_a, "name": "冒名"}, None),
        "a new student of A in B's household": oplog.OpRecord(
            a.device_id, seq, hlc, "student", uuid7(), seeded.school_a,
            {**created_b.data, "scope": seeded.school_a, "school_id": seeded.school_a, "name": "冒名",
             "household_id": home_b}, None),
        "create a record in B": oplog.OpRecord(a.device_id, seq, hlc, "household", uuid7(), seeded.school_b,
                                               {"scope": seeded.school_b, "head_name": "外校"}, None),
        "create district data": oplog.OpRecord(a.device_id, seq, hlc, "township", uuid7(), DISTRICT_SCOPE,
                                               {"scope": DISTRICT_SCOPE, "code": "450107999", "name": "假街道"},
                                               None),
        "rename B's school": oplog.OpRecord(a.device_id, seq, hlc, "school", seeded.school_b, seeded.school_b,
                                            {"name": "改名"}, {"name": []}),
        "a record of A that points at B's student (to read it)": oplog.OpRecord(
            a.device_id, seq, hlc, "registry_change", uuid7(), seeded.school_a,
            {"scope": seeded.school_a, "student_id": student_b, "change_type": "class_change",
             "effective_on": "2026-11-01"}, None),
        "a transfer record for B's student": oplog.OpRecord(
            a.device_id, seq, hlc, "registry_change", uuid7(), seeded.school_b,
            {"scope": seeded.school_b, "student_id": student_b, "change_type": "transfer_in",
             "effective_on": "2026-11-01"}, None),
    }
    sync_server(d.database, live.url)
    before = dump(d.database)
    for what, op in attempts.items():
        legit = oplog.OpRecord(a.device_id, seq, hlc - 1, "student", seeded.students_a[0], seeded.school_a,
                               {"class_name": "3班"}, {"class_name": []})
        with pytest.raises(ServerRefused) as refused:
            push_ops(live, a, [legit, replace(op, seq=seq + 1)])
        assert refused.value.status == 403, what
        assert refused.value.payload["refused"] == [seq + 1], what
    assert next_seq(live, a) == seq  # nothing of any refused push was stored, not even the legit op
    sync_server(d.database, live.url)
    assert dump(d.database) == before
    # And A's token cannot act as another device.
    with pytest.raises(ServerRefused) as not_own:
        push_ops(live, replace(a, device_id=b.device_id),
                 [oplog.OpRecord(b.device_id, next_seq(live, b), hlc, "student", seeded.students_a[0],
                                 seeded.school_a, {"class_name": "3班"}, {"class_name": []})])
    assert not_own.value.status == 403


def test_conflicts_are_scoped(live: Live, district: tuple[District, Laptop, Laptop, Laptop],
                              laptops: Callable[[str], Database]) -> None:
    seeded, d, a, b = district
    b2 = enrolled(live, laptops("school-b-2"), seeded.school_b)
    with b.database.write() as session:
        edit_student(session, seeded.students_b[0], class_name="5班", today=TODAY)
    with b2.database.write() as session:
        edit_student(session, seeded.students_b[0], class_name="6班", today=TODAY)
    for laptop in (b, b2, b):
        sync_server(laptop.database, live.url)
    assert dump(b.database) == dump(b2.database)
    seen_b = b.transport(live).json("GET", "/v1/conflicts")
    assert [(c["tbl"], c["row_id"], c["field"]) for c in seen_b] == [("student", seeded.students_b[0], "class_name")]
    assert d.transport(live).json("GET", "/v1/conflicts") == seen_b
    assert a.transport(live).json("GET", "/v1/conflicts") == []


def test_a_transfer_hands_the_student_over_with_history_and_household(
        live: Live, district: tuple[District, Laptop, Laptop, Laptop]) -> None:
    from app.services.integrity import check_store

    seeded, d, a, b = district
    moving = seeded.students_a[0]
    with a.database.write() as session:
        edit_student(session, moving, class_name="4班", today=TODAY)
        move_school(session, moving, seeded.school_b, TODAY, reason="随父母迁居")
    result = sync_server(a.database, live.url)
    assert result.ok, result.lines("en")
    got = sync_server(b.database, live.url)
    assert got.ok and not got.waiting, got.lines("en")
    with b.database.read() as session:
        student = session.get(Student, moving)
        assert student is not None and student.school_id == seeded.school_b and student.class_name == "4班"
        assert student.household_id is not None and session.get(Household, student.household_id) is not None
        report = check_store(session)
        assert report.ok, [f.en for f in report.findings]
        assert session.scalars(select(Township)).first() is not None
    # The receiving school now writes the record; the sending school still sees it (it had the child).
    with b.database.write() as session:
        edit_student(session, moving, class_name="1班", today=TODAY)
    assert sync_server(b.database, live.url).ok
    sync_server(a.database, live.url)
    with a.database.read() as session:
        assert session.get(Student, moving).class_name == "1班"  # type: ignore[union-attr]
    # An edit the old school makes after it knows of the move is B's record: refused, kept on A, not blocking.
    with a.database.write() as session:
        edit_student(session, moving, class_name="7班", today=TODAY)
        edit_student(session, seeded.students_a[1], class_name="8班", today=TODAY)
    refused = sync_server(a.database, live.url)
    assert not refused.ok and refused.sent_ops == 1
    assert any("其他学校" in zh for _, zh, _ in refused.rejected)
    again = sync_server(a.database, live.url)
    assert again.ok and again.sent_ops == 0  # the refused change is not offered again
    sync_server(b.database, live.url)
    with b.database.read() as session:
        assert session.get(Student, moving).class_name == "1班"  # type: ignore[union-attr]


def test_an_offline_edit_made_before_the_move_is_kept(live: Live,
                                                      district: tuple[District, Laptop, Laptop, Laptop]) -> None:
    seeded, d, a, b = district
    moving = seeded.students_a[1]
    sync_server(d.database, live.url)
    with d.database.write() as session:
        move_school(session, moving, seeded.school_b, TODAY)
    assert sync_server(d.database, live.url).ok
    with a.database.write() as session:  # offline, before hearing of the move
        edit_student(session, moving, left_behind="2", today=TODAY)
    assert sync_server(a.database, live.url).ok
    for laptop in (b, d):
        sync_server(laptop.database, live.url)
        with laptop.database.read() as session:
            student = session.get(Student, moving)
            assert student is not None and student.left_behind == "2" and student.school_id == seeded.school_b


def test_grants_cover_reference_data_for_everyone(live: Live,
                                                  district: tuple[District, Laptop, Laptop, Laptop]) -> None:
    from sync.server import schema

    seeded, *_ = district
    with live.store.read() as conn:
        everyone = set(conn.scalars(select(schema.grants.c.row_id).where(schema.grants.c.scope == EVERYONE)))
        tables = dict(conn.execute(select(schema.rows.c.row_id, schema.rows.c.tbl)).all())
    assert {tables[r] for r in everyone} == {"township", "school", "campaign"}
    assert seeded.school_a in everyone and seeded.campaign in everyone
    json.dumps(sorted(everyone))


def test_refused_changes_are_said_at_every_sync_not_only_the_first(
        live: Live, district: tuple[District, Laptop, Laptop, Laptop]) -> None:
    """A school laptop's change to district data is refused and kept on the laptop; the later syncs still say
    that it is there and only there, rather than dropping the matter after the first."""
    from app.services.places import add_township

    seeded, d, a, b = district
    with a.database.write() as session:
        add_township(session, code="450107999", name="新设街道")
    first = sync_server(a.database, live.url)
    assert any("服务器不接受" in line for line in first.lines("zh")) and first.refused_kept == 0
    later = sync_server(a.database, live.url)
    assert later.refused_kept >= 1
    assert any("之前被服务器拒收" in line and "仍只保存在本机" in line for line in later.lines("zh"))
    with a.database.read() as session:  # nothing was dropped on the laptop
        assert session.scalars(select(Township).where(Township.name == "新设街道")).one() is not None
