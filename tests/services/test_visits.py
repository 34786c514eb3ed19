"""家访记录: drafts, finalizing, amendments and attachments."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.domain.codes import Policy, VisitorRole
from app.domain.errors import LifecycleError, NotFoundError, ValidationError
from app.services import campaigns, roster, visits
from app.services.exchange import export_json
from app.services.visits import Visitor
from app.store import oplog
from app.store.db import Database
from app.store.models import Blob, Op, School, Student, Visit, VisitAttachment
from tests.conftest import TODAY, make_student_input

COMPLETE = {
    "visitors": [{"name": "黄老师", "role": "班主任", "phone": "13877110001"},
                 Visitor(name="韦𰻝", role=VisitorRole.VILLAGE_CADRE, unit="石埠村委")],
    "purpose": "排查",
    "family_situation": "父母在广东务工，由祖母照看",
}


def snapshot(database: Database) -> tuple[str, int, int]:
    """Every synced record (canonical dump), the number of ops and of blobs: what a failed write leaves alone."""
    out = io.StringIO()
    with database.read() as session:
        export_json(session, out)
        ops = session.scalar(select(func.count()).select_from(Op)) or 0
        blobs = session.scalar(select(func.count()).select_from(Blob)) or 0
    return out.getvalue(), ops, blobs


@contextmanager
def unchanged(database: Database) -> Iterator[None]:
    before = snapshot(database)
    yield
    assert snapshot(database) == before


def start(database: Database, student_id: str, **fields: object) -> str:
    fields.setdefault("visited_on", date(2026, 11, 20))
    with database.write() as session:
        return visits.start_visit(session, student_id, today=TODAY, **fields).id  # type: ignore[arg-type]


def finalized(database: Database, student_id: str) -> str:
    visit_id = start(database, student_id, **COMPLETE)
    with database.write() as session:
        visits.finalize_visit(session, visit_id)
    return visit_id


def read_visit(database: Database, visit_id: str) -> Visit:
    with database.read() as session:
        visit = session.get(Visit, visit_id)
        assert visit is not None
        return visit


# ----------------------------------------------------------------------------- drafts
def test_start_visit_fills_in_from_the_student_and_cleans_fields(database: Database, school: School) -> None:
    with database.write() as session:
        household_id = roster.add_household(session, roster.HouseholdInput(scope=school.id)).id
        student_id = roster.add_student(session, make_student_input(
            school.id, household_id=household_id), today=TODAY).id  # type: ignore[arg-type]
        campaign_id = campaigns.create_campaign(session, "winter_visits", 2026, starts_on="2026-11-01",
                                                ends_on="2026-12-31").id
    visit_id = start(database, student_id, visited_on="2026-11-20", visited_time="14:30", campaign_id=campaign_id,
                     policies=["两免一补", Policy.COMPULSORY_EDUCATION_LAW, "two_exemptions"],
                     contact_phone="0771 3456789", follow_up_on="2026-12-05", remarks="  ", **COMPLETE)
    visit = read_visit(database, visit_id)
    assert (visit.student_id, visit.household_id, visit.school_id, visit.scope, visit.campaign_id) == (
        student_id, household_id, school.id, school.id, campaign_id)
    assert (visit.status, visit.visited_on, visit.visited_time, visit.purpose) == (
        "draft", date(2026, 11, 20), "14:30", "screening")
    assert visit.visitors == [
        {"name": "黄老师", "role": "head_teacher", "unit": None, "phone": "13877110001"},
        {"name": "韦𰻝", "role": "village_cadre", "unit": "石埠村委", "phone": None}]
    assert visit.policies == ["compulsory_law", "two_exemptions"]
    assert (visit.contact_phone, visit.follow_up_on, visit.remarks) == ("0771-3456789", date(2026, 12, 5), None)
    assert (visit.family_situation, visit.finalized_at, visit.amends_visit_id) == (
        "父母在广东务工，由祖母照看", None, None)


def test_start_visit_defaults_to_today(database: Database, student: Student) -> None:
    with database.write() as session:
        visit_id = visits.start_visit(session, student.id, today=TODAY).id
    visit = read_visit(database, visit_id)
    assert (visit.visited_on, visit.visitors, visit.policies, visit.purpose) == (TODAY, [], [], None)


@pytest.mark.parametrize(("fields", "field", "phrase"), [
    ({"visited_on": "2026-11-30"}, "visited_on", "家访日期 2026-11-30 在今天之后"),
    ({"visited_on": "2026-11-20", "follow_up_on": "2026-11-19"}, "follow_up_on",
     "跟进日期 2026-11-19 早于家访日期 2026-11-20"),
    ({"visited_time": "25:00"}, "visited_time", "应为 14:30 这样的格式"),
    ({"visited_on": "2026/11/20"}, "visited_on", "不是有效日期"),
    ({"purpose": "聊天"}, None, "家访目的"),
    ({"mood": "好"}, None, "没有这些栏目"),
])
def test_start_visit_refuses_bad_fields(database: Database, student: Student, fields: dict[str, object],
                                        field: str | None, phrase: str) -> None:
    with unchanged(database), pytest.raises(ValidationError) as err:
        start(database, student.id, **fields)
    assert phrase in err.value.zh
    assert err.value.field == field


def test_start_visit_refuses_a_bad_contact_phone(database: Database, student: Student) -> None:
    with unchanged(database), pytest.raises(ValidationError) as err:
        start(database, student.id, contact_phone="123")
    assert "电话号码「123」格式不对" in err.value.zh


def test_start_visit_refuses_unknown_student_or_campaign(database: Database, student: Student) -> None:
    with unchanged(database), pytest.raises(NotFoundError) as err:
        start(database, "nobody")
    assert "找不到学生" in err.value.zh
    with unchanged(database), pytest.raises(NotFoundError) as err:
        start(database, student.id, campaign_id="no-campaign")
    assert "找不到专项活动" in err.value.zh


def test_save_draft_writes_only_what_changed(database: Database, student: Student) -> None:
    visit_id = start(database, student.id, purpose="routine")
    with database.write() as session:
        changed = visits.save_draft(session, visit_id, purpose="routine", diagnosis="厌学情绪", today=TODAY,
                                    follow_up_on="2026-12-01")
    assert changed == ["diagnosis", "follow_up_on"]
    with database.write() as session:
        assert visits.save_draft(session, visit_id, follow_up_on="", today=TODAY) == ["follow_up_on"]
    visit = read_visit(database, visit_id)
    assert (visit.purpose, visit.diagnosis, visit.follow_up_on, visit.status) == (
        "routine", "厌学情绪", None, "draft")


def test_save_draft_checks_dates_against_the_stored_ones(database: Database, student: Student) -> None:
    visit_id = start(database, student.id, visited_on="2026-11-20", follow_up_on="2026-11-25")
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        visits.save_draft(session, visit_id, follow_up_on="2026-11-10", today=TODAY)
    assert err.value.field == "follow_up_on" and "早于家访日期 2026-11-20" in err.value.zh
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        visits.save_draft(session, visit_id, visited_on="2026-11-26", today=TODAY)
    assert err.value.field == "follow_up_on" and "跟进日期 2026-11-25 早于家访日期 2026-11-26" in err.value.zh
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        visits.save_draft(session, visit_id, visited_on="2026-12-01", today=TODAY)
    assert err.value.field == "visited_on" and "在今天之后" in err.value.zh


def test_delete_draft_hides_it(database: Database, student: Student) -> None:
    kept = start(database, student.id, visited_on="2026-11-01")
    dropped = start(database, student.id, visited_on="2026-11-02")
    with database.write() as session:
        visits.delete_draft(session, dropped)
    with database.read() as session:
        assert [v.id for v in visits.visits_of(session, student.id)] == [kept]
        assert session.get(Visit, dropped).deleted is True  # type: ignore[union-attr]
    with unchanged(database), pytest.raises(NotFoundError), database.write() as session:
        visits.save_draft(session, dropped, remarks="x", today=TODAY)


def test_visits_of_lists_newest_first(database: Database, student: Student) -> None:
    ids = [start(database, student.id, visited_on=day) for day in ("2026-11-02", "2026-11-20", "2026-10-01")]
    with database.read() as session:
        assert [v.id for v in visits.visits_of(session, student.id)] == [ids[1], ids[0], ids[2]]


# ----------------------------------------------------------------------------- finalizing
def test_finalize_stamps_who_and_when(database: Database, student: Student) -> None:
    visit_id = start(database, student.id, **COMPLETE)
    now = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    with database.write() as session:
        visits.finalize_visit(session, visit_id, now=now)
    visit = read_visit(database, visit_id)
    assert database.user is not None
    assert (visit.status, visit.finalized_at, visit.finalized_by) == ("finalized", now, database.user.id)
    with database.read() as session:
        assert oplog.compare_with_log(session) == []


def test_finalize_with_missing_fields_is_refused(database: Database, student: Student) -> None:
    visit_id = start(database, student.id)
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        visits.finalize_visit(session, visit_id)
    assert "定稿前请填写：走访人、家访目的、家庭情况、问题诊断或措施（至少一项）" in err.value.zh
    assert err.value.field == "visitors"
    with database.write() as session:
        visits.save_draft(session, visit_id, visitors=COMPLETE["visitors"], today=TODAY)
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        visits.finalize_visit(session, visit_id)
    assert err.value.zh == "定稿前请填写：家访目的、家庭情况、问题诊断或措施（至少一项）"
    assert err.value.field == "purpose"
    assert read_visit(database, visit_id).status == "draft"


def test_a_diagnosis_or_measures_is_enough_to_finalize(database: Database, student: Student) -> None:
    visit_id = start(database, student.id, visitors=COMPLETE["visitors"], purpose="persuasion", measures="每周电话联系")
    with database.write() as session:
        visits.finalize_visit(session, visit_id)
    assert read_visit(database, visit_id).status == "finalized"


def test_finalize_without_findings_names_a_real_field(database: Database, student: Student) -> None:
    visit_id = start(database, student.id, visitors=COMPLETE["visitors"], purpose="routine")
    with pytest.raises(ValidationError) as err, database.write() as session:
        visits.finalize_visit(session, visit_id)
    assert err.value.field == "family_situation"


def test_a_finalized_visit_cannot_be_edited(database: Database, student: Student) -> None:
    visit_id = finalized(database, student.id)
    for action in (lambda s: visits.save_draft(s, visit_id, remarks="补充", today=TODAY),
                   lambda s: visits.finalize_visit(s, visit_id),
                   lambda s: visits.delete_draft(s, visit_id),
                   lambda s: visits.add_attachment(s, visit_id, "photo", b"jpeg bytes", "image/jpeg")):
        with unchanged(database), pytest.raises(LifecycleError) as err, database.write() as session:
            action(session)
        assert "已定稿，不能再修改" in err.value.zh and "更正记录" in err.value.zh
    assert read_visit(database, visit_id).remarks is None


# ----------------------------------------------------------------------------- amendments
def test_amend_makes_a_new_draft_that_names_the_original(database: Database, student: Student) -> None:
    original_id = finalized(database, student.id)
    before = read_visit(database, original_id)
    with database.write() as session:
        amendment_id = visits.amend_visit(session, original_id, remarks="补充：已联系村委", follow_up_on="2026-12-10",
                                          today=TODAY).id
    amendment = read_visit(database, amendment_id)
    assert amendment_id != original_id
    assert (amendment.status, amendment.amends_visit_id, amendment.remarks, amendment.follow_up_on) == (
        "draft", original_id, "补充：已联系村委", date(2026, 12, 10))
    # Everything else is copied from the original.
    for name in ("visited_on", "visitors", "purpose", "family_situation", "student_id", "school_id", "scope"):
        assert getattr(amendment, name) == getattr(before, name), name
    after = read_visit(database, original_id)
    assert (after.status, after.remarks, after.follow_up_on) == ("finalized", None, None)


def test_amending_a_draft_is_refused(database: Database, student: Student) -> None:
    visit_id = start(database, student.id, **COMPLETE)
    with unchanged(database), pytest.raises(LifecycleError) as err, database.write() as session:
        visits.amend_visit(session, visit_id, remarks="x", today=TODAY)
    assert "草稿可以直接修改，不需要更正记录" in err.value.zh


def test_an_amendment_is_checked_like_a_draft(database: Database, student: Student) -> None:
    visit_id = finalized(database, student.id)
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        visits.amend_visit(session, visit_id, follow_up_on="2026-11-01", today=TODAY)
    assert err.value.field == "follow_up_on" and "早于家访日期" in err.value.zh
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        visits.amend_visit(session, visit_id, visited_on="2026-12-24", today=TODAY)
    assert err.value.field == "visited_on" and "在今天之后" in err.value.zh
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        visits.amend_visit(session, visit_id, status="draft", today=TODAY)
    assert "没有这些栏目" in err.value.zh


# ----------------------------------------------------------------------------- attachments
def test_attachments_are_stored_once_per_content(database: Database, student: Student) -> None:
    visit_id = start(database, student.id)
    photo = b"\xff\xd8\xff fake jpeg bytes"
    with database.write() as session:
        first = visits.add_attachment(session, visit_id, "photo", photo, "image/jpeg", caption=" 家门口 ").id
        second = visits.add_attachment(session, visit_id, "guardian_signature", photo, "image/jpeg").id
    digest = hashlib.sha256(photo).hexdigest()
    with database.read() as session:
        listed = {a.id: (a.kind, a.blob_sha256, a.caption, a.scope) for a in visits.attachments_of(session, visit_id)}
        assert listed == {first: ("photo", digest, "家门口", student.school_id),
                          second: ("guardian_signature", digest, None, student.school_id)}
        blobs = session.scalars(select(Blob)).all()
        assert [(b.sha256, b.media_type, b.data) for b in blobs] == [(digest, "image/jpeg", photo)]
        assert session.scalar(select(func.count()).select_from(VisitAttachment)) == 2


def test_bad_attachments_are_refused(database: Database, student: Student) -> None:
    visit_id = start(database, student.id)
    for kind, data, field, phrase in (("video", b"x", "kind", "附件类型“video”不对"),
                                      ("photo", b"", "data", "附件是空的")):
        with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
            visits.add_attachment(session, visit_id, kind, data, "image/png")
        assert err.value.field == field and phrase in err.value.zh
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        visits.add_attachment(session, visit_id, "photo", b"png", "image/png", caption="长" * 201)
    assert err.value.field == "caption"
    with unchanged(database), pytest.raises(NotFoundError), database.write() as session:
        visits.add_attachment(session, "no-visit", "photo", b"png", "image/png")
