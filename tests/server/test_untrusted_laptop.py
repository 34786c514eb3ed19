"""The server trusts no laptop (issue #18): what an attacker holding one school's valid device token tries with
hand-made, correctly signed requests to /v1, through real HTTP against the running server, on SQLite and on
PostgreSQL. Reference data comes only from the district; no op of school A moves school B's figures; an op
whose value its column cannot hold is refused, and one an older server stored is set aside by every laptop
and by the dashboard; a photo is served only through the records of the schools that hold it; a new school
laptop's first sync carries its own sign-in event."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from app.services.audit import AuditAction, record_event
from app.services.visits import add_attachment, start_visit
from app.store import clock, oplog
from app.store.db import Database
from app.store.ids import uuid7
from app.store.models import DISTRICT_SCOPE, AuditEvent, Campaign, School, Student, Township
from sync import crypto
from sync.http_client import ServerRefused, sync_server
from sync.server import scope as server_scope
from sync.server.dashboard import Figures, compute
from sync.server.records import open_records
from tests.conftest import PASSWORD, TODAY
from tests.server.conftest import District, Live
from tests.server.test_scope import Laptop, district, enrolled, next_seq, pulled_rows, push_ops

__all__ = ["district"]  # the fixture, shared with test_scope

Seeded = tuple[District, Laptop, Laptop, Laptop]


def _hlc() -> int:
    return clock.pack(clock.wall_ms())


def _figures(live: Live, tmp_path: Path, school_id: str | None) -> Figures:
    """The dashboard's figures, computed by the dashboard's own code over the server's copy."""
    copy = open_records(live.store, tmp_path / "dashboard-copy")
    try:
        copy.refresh()
        with copy.session() as session:
            return compute(session, campaign_code=None, school_id=school_id, today=TODAY)
    finally:
        copy.close()


def _line(figures: Figures, name: str) -> tuple[int, int]:
    line = next(s for s in figures.schools if s.name == name)
    return line.students, line.open_cases


@pytest.fixture
def dashboard(live: Live) -> Iterator[httpx.Client]:
    live.store.add_user("bureau", PASSWORD, role="district", display_name="区教育局")
    with httpx.Client(base_url=live.url, timeout=30) as client:
        signed_in = client.post("/login", data={"username": "bureau", "password": PASSWORD})
        assert signed_in.status_code in (200, 303), signed_in.text
        yield client


def test_reference_data_comes_only_from_the_district(live: Live, district: Seeded) -> None:
    seeded, d, a, b = district
    sync_server(b.database, live.url)
    seq, hlc = next_seq(live, a), _hlc()
    township = uuid7()
    injected = {
        "township": oplog.OpRecord(a.device_id, seq, hlc, "township", township, seeded.school_a,
                                   {"scope": seeded.school_a, "code": "450107998", "name": "假街道"}, None),
        "village": oplog.OpRecord(a.device_id, seq, hlc, "village", uuid7(), seeded.school_a,
                                  {"scope": seeded.school_a, "township_id": township, "name": "假村"}, None),
        "school": oplog.OpRecord(a.device_id, seq, hlc, "school", uuid7(), seeded.school_a,
                                 {"scope": seeded.school_a, "name": "假学校", "school_type": "primary"}, None),
        "campaign": oplog.OpRecord(a.device_id, seq, hlc, "campaign", uuid7(), seeded.school_a,
                                   {"scope": seeded.school_a, "code": "2026-fake", "kind": "winter_visits",
                                    "name": "假行动", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}, None),
        "a new school row under its own id": oplog.OpRecord(
            a.device_id, seq, hlc, "school", seeded.school_a, seeded.school_a,
            {"scope": seeded.school_a, "name": "石埠小学（改）", "school_type": "primary"}, None),
        "a rename of its own school": oplog.OpRecord(
            a.device_id, seq, hlc, "school", seeded.school_a, seeded.school_a, {"name": "石埠小学（改）"},
            {"name": []}),
        "edit of the district's campaign": oplog.OpRecord(
            a.device_id, seq, hlc, "campaign", seeded.campaign, seeded.school_a, {"name": "改名"}, {"name": []}),
    }
    for what, op in injected.items():
        with pytest.raises(ServerRefused) as refused:
            push_ops(live, a, [op])
        assert (refused.value.status, refused.value.payload["refused"]) == (403, [seq]), what
    # A school keeps its own school row up to date (its phone), and nothing else of the reference data.
    assert push_ops(live, a, [oplog.OpRecord(a.device_id, seq, hlc, "school", seeded.school_a, seeded.school_a,
                                             {"phone": "0771-3210000"}, {"phone": []})])["stored"] == 1
    assert sync_server(b.database, live.url).ok and sync_server(d.database, live.url).ok
    for laptop in (b, d):
        with laptop.database.read() as session:
            assert session.query(Township).count() == 1 and session.query(Campaign).count() == 1
            assert {s.name for s in session.query(School)} == {"石埠小学", "北湖小学"}
            assert session.get(School, seeded.school_a).phone == "0771-3210000"  # type: ignore[union-attr]


def test_ops_of_school_a_cannot_move_school_b_figures(live: Live, district: Seeded, tmp_path: Path) -> None:
    seeded, d, a, b = district
    before = _figures(live, tmp_path / "before", None)
    assert _line(before, "北湖小学") == (3, 0)
    seq, hlc = next_seq(live, a), _hlc()
    created = next(op for _, op in live.store.ops_after(0, 10_000)
                   if op.row_id == seeded.students_a[0] and op.prev is None)
    pupils = [oplog.OpRecord(a.device_id, seq + i, hlc + i, "student", uuid7(), seeded.school_a,
                             {**created.data, "school_id": seeded.school_b, "name": f"冒名{i}",
                              "id_number": None, "student_number": None}, None) for i in range(5)]
    cases = [oplog.OpRecord(a.device_id, seq + i, hlc + i, "dropout_case", uuid7(), seeded.school_a,
                            {"scope": seeded.school_a, "student_id": seeded.students_a[0],
                             "school_id": seeded.school_b, "status": "open", "detected_on": "2026-11-02",
                             "reason": "study_weariness"}, None) for i in range(5)]
    moved_case = oplog.OpRecord(a.device_id, seq, hlc, "dropout_case", uuid7(), seeded.school_a,
                                {"school_id": seeded.school_b}, {"school_id": []})
    for attempt in (pupils, cases, [moved_case]):
        with pytest.raises(ServerRefused) as refused:
            push_ops(live, a, attempt)
        assert (refused.value.status, refused.value.code) == (422, "malformed_op")
    assert next_seq(live, a) == seq  # nothing stored
    after = _figures(live, tmp_path / "after", None)
    assert _line(after, "北湖小学") == (3, 0) and _line(after, "石埠小学") == _line(before, "石埠小学")
    assert _line(_figures(live, tmp_path / "b-view", seeded.school_b), "北湖小学") == (3, 0)


def test_a_poison_op_is_refused_and_one_an_older_server_kept_is_set_aside_everywhere(
        live: Live, district: Seeded, dashboard: httpx.Client, monkeypatch: pytest.MonkeyPatch,
        laptops: Callable[[str], Database], caplog: pytest.LogCaptureFixture) -> None:
    seeded, d, a, b = district
    seq, hlc = next_seq(live, a), _hlc()
    poison = [
        oplog.OpRecord(a.device_id, seq, hlc, "student", seeded.students_a[0], seeded.school_a,
                       {"name": {"first": "韦"}}, {"name": []}),
        oplog.OpRecord(a.device_id, seq, hlc, "student", seeded.students_a[0], seeded.school_a,
                       {"birth_date": "yesterday"}, {"birth_date": []}),
        oplog.OpRecord(a.device_id, seq, hlc, "student", seeded.students_a[0], seeded.school_a,
                       {"grade": "three"}, {"grade": []}),
        oplog.OpRecord(a.device_id, seq, hlc, "student", seeded.students_a[0], seeded.school_a,
                       {"sex": "x"}, {"sex": []}),
        oplog.OpRecord(a.device_id, seq, hlc, "student", seeded.students_a[0], seeded.school_a,
                       {"name": None}, {"name": []}),
    ]
    for op in poison:
        with pytest.raises(ServerRefused) as refused:
            push_ops(live, a, [op])
        assert (refused.value.status, refused.value.code) == (422, "malformed_op"), op.data
    assert next_seq(live, a) == seq
    second_a = enrolled(live, laptops("school-a-2"), seeded.school_a)
    # An older server stored one (it did not check values), with a good op after it.
    with monkeypatch.context() as older:
        older.setattr(server_scope, "malformed", lambda op: None)
        push_ops(live, a, [poison[0], oplog.OpRecord(a.device_id, seq + 1, hlc + 1, "student",
                                                     seeded.students_a[1], seeded.school_a, {"class_name": "8班"},
                                                     {"class_name": []})])
    for laptop in (d, second_a):
        with caplog.at_level(logging.WARNING, logger="jiafang.sync"):
            result = sync_server(laptop.database, live.url)
        assert result.ok, result.lines("en")
        assert any("已搁置 1 条无法保存的变更" in line and a.device_id[:8] in line for line in result.lines("zh")), \
            result.lines("zh")
        with laptop.database.read() as session:
            assert session.get(Student, seeded.students_a[1]).class_name == "8班"  # type: ignore[union-attr]
            assert session.get(Student, seeded.students_a[0]).name.startswith("韦")  # type: ignore[union-attr]
        assert sync_server(laptop.database, live.url).ok  # and every later sync too
    assert "must be text" in caplog.text
    # The dashboard shows the figures of everyone, the poisoned school included.
    page = dashboard.get("/")
    assert page.status_code == 200 and "石埠小学" in page.text and 'id="unavailable"' not in page.text


def test_the_dashboard_shows_what_it_can_when_one_part_fails(live: Live, district: Seeded, dashboard: httpx.Client,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    def broken(*_args: object, **_kwargs: object) -> list[object]:
        raise ValueError("a record no check caught")

    monkeypatch.setattr("sync.server.dashboard.find_warnings", broken)
    with caplog.at_level(logging.ERROR, logger="jiafang.server"):
        page = dashboard.get("/")
    assert page.status_code == 200
    assert 'id="unavailable"' in page.text and "预警" in page.text.split('id="unavailable"')[1][:200]
    assert "石埠小学" in page.text and '<div class="card" id="card-visits"><b>0</b>' in page.text
    assert '<div class="card" id="card-warnings"><b>—</b>' in page.text  # not a false 0
    assert "a record no check caught" in caplog.text


def test_a_photo_is_served_only_through_the_records_of_the_schools_that_hold_it(live: Live,
                                                                                 district: Seeded) -> None:
    seeded, d, a, b = district
    photo = b"\x89PNG the photo of B's family"
    with b.database.write() as session:
        visit = start_visit(session, seeded.students_b[0], visited_on=TODAY)
        add_attachment(session, visit.id, "photo", photo, "image/png")
    assert sync_server(b.database, live.url).ok
    sha = hashlib.sha256(photo).hexdigest()
    # A makes a visit of its own pupil with an attachment row that names B's photo: a record of its own.
    seq, hlc = next_seq(live, a), _hlc()
    own_visit = uuid7()
    push_ops(live, a, [
        oplog.OpRecord(a.device_id, seq, hlc, "visit", own_visit, seeded.school_a,
                       {"scope": seeded.school_a, "student_id": seeded.students_a[0], "school_id": seeded.school_a,
                        "status": "draft", "visited_on": "2026-11-20"}, None),
        oplog.OpRecord(a.device_id, seq + 1, hlc + 1, "visit_attachment", uuid7(), seeded.school_a,
                       {"scope": seeded.school_a, "visit_id": own_visit, "kind": "photo", "blob_sha256": sha},
                       None)])
    with pytest.raises(ServerRefused) as not_served:
        a.transport(live).request("GET", f"/v1/blobs/{sha}")
    assert not_served.value.status == 404
    # The missing-list answers for A's scope only: it says nothing of what the server holds for B.
    other = hashlib.sha256(b"nothing at all").hexdigest()
    assert a.transport(live).json("POST", "/v1/blobs/missing", json_body={"sha256": [sha, other]}) == \
        {"sha256": sorted([sha, other])}
    assert b.transport(live).json("POST", "/v1/blobs/missing", json_body={"sha256": [sha, other]}) == \
        {"sha256": [other]}
    # B and the district still read it.
    assert b.transport(live).request("GET", f"/v1/blobs/{sha}")
    assert d.transport(live).request("GET", f"/v1/blobs/{sha}")
    # Bytes A really holds it may upload: then it is A's too (it proved it has them), and nothing leaks.
    _, key = live.store.deployment
    nonce, sealed = crypto.seal(key, b'{"media_type": "image/png"}\n' + photo, sha.encode())
    a.transport(live).request("PUT", f"/v1/blobs/{sha}", body=nonce + sealed)
    assert a.transport(live).request("GET", f"/v1/blobs/{sha}")


def test_a_new_school_laptops_first_sync_carries_its_own_sign_in_event(live: Live, district: Seeded,
                                                                        laptops: Callable[[str], Database]) -> None:
    seeded, d, a, b = district
    fresh = laptops("new-school-laptop")
    with fresh.write() as session:  # signed in before it was enrolled: the event's scope is the district's
        event_id = record_event(session, AuditAction.SIGNED_IN, target=None)
    with fresh.read() as session:
        assert session.get(AuditEvent, event_id).scope == DISTRICT_SCOPE  # type: ignore[union-attr]
    result = sync_server(fresh, live.url, enroll_code=live.store.new_enrollment_code(seeded.school_a))
    assert result.ok and not result.rejected and result.refused_kept == 0, result.lines("en")
    assert sync_server(fresh, live.url).ok
    assert sync_server(d.database, live.url).ok
    with d.database.read() as session:
        assert session.get(AuditEvent, event_id) is not None  # the district holds it
    assert event_id not in pulled_rows(live, b) and event_id not in pulled_rows(live, a)
    # Another laptop's district-scoped event, or an edit of one, is still refused.
    seq, hlc = next_seq(live, a), _hlc()
    forged = oplog.OpRecord(a.device_id, seq, hlc, "audit_event", uuid7(), DISTRICT_SCOPE, {
        "scope": DISTRICT_SCOPE, "device_id": d.device_id, "chain_seq": 99, "at": "2026-11-20T00:00:00.000000Z",
        "action": "signed_in", "hash": "0" * 64}, None)
    with pytest.raises(ServerRefused) as refused:
        push_ops(live, a, [forged])
    assert refused.value.status == 403
    with pytest.raises(ServerRefused) as again:
        push_ops(live, a, [replace(forged, row_id=event_id, data={**forged.data, "device_id": a.device_id})])
    assert again.value.status == 403
