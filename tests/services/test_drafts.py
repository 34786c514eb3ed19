"""The visit form's autosave: valid fields go into the draft, invalid input into the encrypted scratch."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from app.domain.codes import VisitStatus
from app.domain.errors import LifecycleError, ValidationError
from app.services import drafts, visits
from app.store.db import Database
from app.store.models import FormScratch, Student, Visit
from tests.conftest import TODAY


@pytest.fixture
def visit_id(database: Database, student: Student) -> str:
    with database.write() as session:
        return visits.start_visit(session, student.id, visited_on=date(2026, 11, 20), today=TODAY).id


def test_valid_fields_are_saved_and_invalid_ones_kept_raw(database: Database, visit_id: str) -> None:
    visitors = [{"name": "黄老师", "role": "head_teacher", "unit": "", "phone": ""},
                {"name": "", "role": "", "unit": "", "phone": ""}]
    raw = {"family_situation": "父母在广东务工", "contact_phone": "138abc", "visited_time": "25:99",
           "follow_up_on": "2026-11-01", "visitors": visitors, "policies": ["compulsory_law"], "purpose": "screening"}
    with database.write() as session:
        result = drafts.autosave_visit(session, visit_id, raw, today=TODAY)
    assert set(result.errors) == {"contact_phone", "visited_time", "follow_up_on"}
    assert result.errors["follow_up_on"].field == "follow_up_on"  # before the visit date
    with database.read() as session:
        visit = session.get(Visit, visit_id)
        assert visit is not None and visit.family_situation == "父母在广东务工" and visit.contact_phone is None
        assert [v["name"] for v in visit.visitors] == ["黄老师"]  # the empty row is no visitor
        assert drafts.scratch_of(session, drafts.VISIT_KIND, visit_id) == {
            "contact_phone": "138abc", "visited_time": "25:99", "follow_up_on": "2026-11-01"}
        state = drafts.load_visit_form(session, visit_id)
    assert state.raw["contact_phone"] == "138abc" and state.raw["family_situation"] == "父母在广东务工"
    assert state.scratch_fields == {"contact_phone", "visited_time", "follow_up_on"}
    assert state.header.student_name == "韦小明" and state.header.sex == "男" and state.header.grade == 4
    # Corrected input replaces the scratch; an all-valid form leaves no scratch at all.
    with database.write() as session:
        fixed = drafts.autosave_visit(session, visit_id, {"contact_phone": "13877110001", "visited_time": "14:30",
                                                          "follow_up_on": "2026-12-20"}, today=TODAY)
    assert fixed.errors == {} and set(fixed.changed) == {"contact_phone", "visited_time", "follow_up_on"}
    with database.read() as session:
        assert session.get(FormScratch, (drafts.VISIT_KIND, visit_id)) is None


def test_scratch_is_inside_the_encrypted_database_not_beside_it(database: Database, visit_id: str) -> None:
    with database.write() as session:
        drafts.autosave_visit(session, visit_id, {"contact_phone": "电话 138 独特的草稿文字"}, today=TODAY)
    database.engine.dispose()  # fold nothing: read the files as they are on disk, WAL included
    for path in database.path.parent.iterdir():
        if path.is_file():
            assert "独特的草稿文字".encode() not in path.read_bytes(), path.name


def test_a_bad_visit_date_is_blamed_on_itself(database: Database, visit_id: str) -> None:
    with database.write() as session:
        drafts.autosave_visit(session, visit_id, {"follow_up_on": "2026-11-25"}, today=TODAY)
        result = drafts.autosave_visit(session, visit_id, {"visited_on": "2026-11-26"}, today=TODAY)
        assert set(result.errors) == {"visited_on"}
        result = drafts.autosave_visit(session, visit_id, {"visited_on": "2026-13-01"}, today=TODAY)
        assert "2026-13-01" in result.errors["visited_on"].zh


def test_finalize_refuses_while_a_field_is_wrong_and_keeps_the_input(database: Database, visit_id: str) -> None:
    raw = {"visitors": [{"name": "黄老师", "role": "head_teacher"}], "purpose": "screening",
           "family_situation": "务农", "contact_phone": "12"}
    with pytest.raises(ValidationError) as caught, database.write() as session:
        drafts.finalize_visit_form(session, visit_id, raw, today=TODAY)
    assert caught.value.field == "contact_phone"
    with database.write() as session:  # the refused finalize rolled back, the autosave keeps the input
        drafts.autosave_visit(session, visit_id, raw, today=TODAY)
        assert drafts.scratch_of(session, drafts.VISIT_KIND, visit_id) == {"contact_phone": "12"}
    raw["contact_phone"] = "13877110001"
    with database.write() as session:
        drafts.finalize_visit_form(session, visit_id, raw, today=TODAY)
    with database.read() as session:
        assert drafts.load_visit_form(session, visit_id).status is VisitStatus.FINALIZED
        assert session.get(FormScratch, (drafts.VISIT_KIND, visit_id)) is None
    with pytest.raises(LifecycleError), database.write() as session:
        drafts.autosave_visit(session, visit_id, {"remarks": "late"}, today=TODAY)


def test_discarding_a_draft_takes_its_scratch(database: Database, visit_id: str) -> None:
    with database.write() as session:
        drafts.autosave_visit(session, visit_id, {"contact_phone": "x"}, today=TODAY)
        drafts.discard_visit_draft(session, visit_id)
        count = session.execute(text("SELECT count(*) FROM form_scratch")).scalar()
    assert count == 0


def test_unknown_fields_are_refused(database: Database, visit_id: str) -> None:
    with pytest.raises(ValidationError), database.write() as session:
        drafts.autosave_visit(session, visit_id, {"status": "finalized"}, today=TODAY)
