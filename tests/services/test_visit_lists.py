"""The paged lists behind the visits, cases and return-check pages, and a class's return check in one go."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.codes import DropoutReason, StudentStatus, Term, VisitStatus
from app.domain.errors import ValidationError
from app.domain.lifecycle import CaseStatus
from app.services import campaigns, cases, class_checks, listing, places, roster, visit_lists, visits
from app.services.class_checks import CheckEntry
from app.store.db import Database
from app.store.models import School, Student
from tests.conftest import TODAY, make_student_input

CHECKED = date(2026, 9, 2)


@pytest.fixture
def klass(database: Database, school: School) -> list[str]:
    """Four students of 4年级2班 and one of 3班; one of them has left the school."""
    names = ["韦小明", "黄𰻝", "覃丽", "陆军"]
    with database.write() as session:
        inputs = [make_student_input(school.id, name=n, sequence=11 + 2 * i) for i, n in enumerate(names)]
        ids = roster.add_students(session, inputs, today=TODAY)  # type: ignore[arg-type]
        roster.add_student(session, make_student_input(school.id, name="蒙芳", sequence=41, class_name="3班"),  # type: ignore[arg-type]
                           today=TODAY)
        gone = roster.add_student(session, make_student_input(school.id, name="莫走", sequence=51),  # type: ignore[arg-type]
                                  today=TODAY)
        from app.domain.codes import RegistryChangeType
        from app.services import registry

        registry.record_change(session, gone.id, RegistryChangeType.TRANSFER_OUT, date(2026, 7, 1))
    return ids


def test_choices_for_the_filters(database: Database, school: School, klass: list[str]) -> None:
    with database.write() as session:
        other = places.add_school(session, name="阿坝小学", school_type="primary")
        campaigns.create_campaign(session, "winter_visits", 2026, starts_on="2026-01-05", ends_on="2026-02-22")
        campaigns.create_campaign(session, "spring_return", 2026, starts_on="2026-02-23", ends_on="2026-03-31")
    with database.read() as session:
        assert [name for _, name in listing.school_choices(session)] == sorted(["阿坝小学", school.name])
        assert [name for _, name in visit_lists.campaign_choices(session)] == ["2026年春季大劝返", "2026年寒假大家访"]
        assert listing.class_choices(session, school.id) == [(4, "2班"), (4, "3班")]
        assert listing.class_choices(session, other.id) == []
        assert [s.name for s in visit_lists.find_students(session, "黄")] == ["黄𰻝"]
        assert [s.name for s in visit_lists.find_students(session, "wxm")] == ["韦小明"]
        assert len(visit_lists.find_students(session, "", school_id=school.id)) == 6
        assert visit_lists.find_students(session, "%") == []


def test_visits_page_by_campaign_school_and_status(database: Database, school: School, klass: list[str]) -> None:
    with database.write() as session:
        winter = campaigns.create_campaign(session, "winter_visits", 2026, starts_on="2026-01-05",
                                           ends_on="2026-02-22")
        ids = []
        for day, student_id in enumerate(klass, start=1):
            visit = visits.start_visit(session, student_id, visited_on=date(2026, 1, 5 + day), today=TODAY,
                                       campaign_id=winter.id if day % 2 else None, purpose="排查",
                                       visitors=[{"name": "黄老师", "role": "班主任"},
                                                 {"name": "韦主任", "role": "村干部"}],
                                       family_situation="务农")
            ids.append(visit.id)
        visits.finalize_visit(session, ids[0])
    every = visit_lists.VisitFilter()
    with database.read() as session:
        assert visit_lists.count_visits(session, every) == 4
        page = visit_lists.visit_rows(session, every, 0, 3)
        assert [r.visited_on.day for r in page] == [9, 8, 7]  # the latest first
        assert visit_lists.visit_rows(session, every, 3, 3)[0].id == ids[0]
        first = visit_lists.visit_rows(session, every, 3, 3)[0]
        assert first.status is VisitStatus.FINALIZED and first.visitors == "黄老师、韦主任"
        assert first.class_label == "4年级2班" and first.school_name == school.name and first.purpose == "排查"
        assert visit_lists.count_visits(session, visit_lists.VisitFilter(campaign_id=winter.id)) == 2
        assert visit_lists.count_visits(session, visit_lists.VisitFilter(status=VisitStatus.DRAFT)) == 3
        assert visit_lists.count_visits(session, visit_lists.VisitFilter(school_id="nowhere")) == 0
        assert visit_lists.count_visits(session, visit_lists.VisitFilter(student_id=klass[1])) == 1


def test_cases_page_by_status_with_attempts(database: Database, school: School, klass: list[str]) -> None:
    with database.write() as session:
        first = cases.open_case(session, klass[0], detected_on="2026-09-10", reason="外出务工", today=TODAY)
        cases.open_case(session, klass[1], detected_on="2026-09-12", reason="厌学", today=TODAY)
        cases.record_attempt(session, first.id, attempted_on="2026-09-15", persuaders=[{"name": "黄老师"}],
                             today=TODAY)
        cases.record_attempt(session, first.id, attempted_on="2026-09-20", persuaders=[{"name": "黄老师"}],
                             today=TODAY)
    with database.read() as session:
        active = visit_lists.CaseFilter()
        assert visit_lists.count_cases(session, active) == 2
        rows = visit_lists.case_rows(session, active, 0, 10)
        assert [r.student_name for r in rows] == ["黄𰻝", "韦小明"]
        assert rows[1].attempts == 2 and rows[1].last_attempt_on == date(2026, 9, 20)
        assert rows[1].status is CaseStatus.PERSUADING and rows[1].reason == "外出务工"
        assert rows[0].attempts == 0 and rows[0].last_attempt_on is None
        assert visit_lists.count_cases(session, visit_lists.CaseFilter(status=CaseStatus.OPEN)) == 1
        assert visit_lists.count_cases(session, visit_lists.CaseFilter(status=CaseStatus.CLOSED)) == 0
        assert visit_lists.count_cases(session, visit_lists.CaseFilter(status=None, school_id=school.id)) == 2
        assert len(visit_lists.case_rows(session, active, 1, 10)) == 1


def test_reason_text_round_trip() -> None:
    text = visit_lists.join_reason(DropoutReason.WORK, "在东莞")
    assert text == "外出务工：在东莞"
    assert visit_lists.split_reason(text) == (DropoutReason.WORK, "在东莞")
    assert visit_lists.split_reason("未返校：外出务工") == (DropoutReason.WORK, "")
    assert visit_lists.split_reason("说不清") == (DropoutReason.OTHER, "说不清")
    assert visit_lists.default_term(date(2026, 9, 1)) is Term.AUTUMN
    assert visit_lists.default_term(date(2026, 3, 1)) is Term.SPRING


def test_class_check_records_everyone_and_opens_cases_in_one_go(database: Database, school: School,
                                                                 klass: list[str]) -> None:
    with database.read() as session:
        assert visit_lists.count_class_roster(session, school.id, 4, "2班") == 4  # not the one who left
        before = visit_lists.class_roster(session, school.id, 4, "2班", checked_on=CHECKED, term=Term.AUTUMN)
    assert not any(r.checked for r in before)
    entries = [CheckEntry(klass[0], True), CheckEntry(klass[1], False, DropoutReason.WORK, "在东莞"),
               CheckEntry(klass[2], False, "厌学"), CheckEntry(klass[3], True)]
    seen: list[float] = []
    with database.write() as session:
        result = class_checks.record_class_check(session, entries, checked_on=CHECKED, term=Term.AUTUMN,
                                                 open_cases=True, today=TODAY,
                                                 progress=lambda stage, f: seen.append(f))
    assert result.recorded == 4 and len(result.opened_case_ids) == 2 and seen[-1] == 1.0
    with database.read() as session:
        rows = {r.name: r for r in visit_lists.class_roster(session, school.id, 4, "2班", checked_on=CHECKED,
                                                            term=Term.AUTUMN)}
        assert rows["黄𰻝"].reason is DropoutReason.WORK and rows["黄𰻝"].detail == "在东莞"
        assert rows["黄𰻝"].has_open_case and rows["黄𰻝"].status is StudentStatus.DROPPED_OUT
        assert rows["韦小明"].returned is True and not rows["韦小明"].has_open_case
        # A second run the same term corrects the checks and leaves the open cases as they are.
        again = class_checks.record_class_check(session, entries[1:3], checked_on=CHECKED, term="autumn",
                                                open_cases=True, today=TODAY)
        assert again.opened_case_ids == [] and again.already_open == 2


def test_class_check_error_names_the_student_and_keeps_nothing(database: Database, school: School,
                                                               klass: list[str]) -> None:
    entries = [CheckEntry(klass[0], False, DropoutReason.WORK), CheckEntry(klass[1], False, None)]
    with pytest.raises(ValidationError) as caught, database.write() as session:
        class_checks.record_class_check(session, entries, checked_on=CHECKED, term=Term.AUTUMN, open_cases=True,
                                        today=TODAY)
    assert caught.value.field == klass[1] and caught.value.zh.startswith("黄𰻝：")
    with database.read() as session:
        assert cases.open_case_of(session, klass[0]) is None
        assert session.get(Student, klass[0]).status == StudentStatus.IN_SCHOOL.value  # type: ignore[union-attr]
