"""缺勤 of a class: who is away on a day, for how many school days, and which early warnings that raises."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.codes import StudentStatus
from app.domain.errors import ValidationError
from app.domain.warnings import Severity, Thresholds, WarningRule
from app.services import attendance, roster
from app.store.db import Database
from app.store.models import Absence, School
from tests.conftest import TODAY, make_student_input
from tests.services.support import unchanged

# TODAY is Sunday 2026-11-29.
NAMES = ["韦小明", "黄𰻝", "覃丽", "陆军", "蒙芳"]


@pytest.fixture
def klass(database: Database, school: School) -> dict[str, str]:
    """Five students of 4年级2班, one of them dropped out, and one student of another class."""
    inputs = [make_student_input(school.id, name=name, sequence=11 + 2 * i,
                                 status=StudentStatus.DROPPED_OUT if name == "蒙芳" else StudentStatus.IN_SCHOOL)
              for i, name in enumerate(NAMES)]
    inputs.append(make_student_input(school.id, name="邻班生", sequence=31, class_name="3班"))
    with database.write() as session:
        ids = roster.add_students(session, inputs, today=TODAY)  # type: ignore[arg-type]
    return dict(zip([*NAMES, "邻班生"], ids, strict=True))


def _sheet(database: Database, school: School, on: date | str = TODAY, **kwargs: object
           ) -> dict[str, attendance.ClassAbsence]:
    with database.read() as session:
        rows = attendance.class_absences(session, school.id, 4, "2班", on=on, today=TODAY,
                                         **kwargs)  # type: ignore[arg-type]
    return {row.name: row for row in rows}


def test_a_class_on_a_day_with_its_absences_and_their_warnings(database: Database, school: School,
                                                               klass: dict[str, str]) -> None:
    with database.write() as session:
        attendance.record_absence(session, klass["韦小明"], started_on="2026-11-23", reason="发烧", today=TODAY)
        attendance.record_absence(session, klass["覃丽"], started_on="2026-11-26", today=TODAY)
        attendance.record_absence(session, klass["陆军"], started_on="2026-10-26", today=TODAY)
        attendance.record_absence(session, klass["邻班生"], started_on="2026-11-02", today=TODAY)
    sheet = _sheet(database, school)
    assert list(sheet) == sorted(NAMES)  # roll order (student number, then name), the other class left out
    wei, huang, qin, lu, meng = (sheet[name] for name in NAMES)
    assert (wei.away, wei.started_on, wei.ended_on, wei.reason, wei.school_days) == \
        (True, date(2026, 11, 23), None, "发烧", 5)
    assert [(f.rule, f.severity) for f in wei.warnings] == [(WarningRule.ABSENT, Severity.WARNING)]
    assert "5" in wei.warnings[0].detail("zh")
    assert not huang.away and huang.warnings == () and huang.school_days == 0
    assert qin.away and qin.school_days == 2 and qin.warnings == ()  # under the three-day threshold
    assert lu.school_days == 25 and lu.warnings[0].severity is Severity.URGENT  # four weeks: open a case
    assert meng.status is StudentStatus.DROPPED_OUT and not meng.away
    # The thresholds are the district's settings, not the page's.
    stricter = _sheet(database, school, thresholds=Thresholds(absence_days=2))
    assert [f.rule for f in stricter["覃丽"].warnings] == [WarningRule.ABSENT]


def test_a_past_day_shows_the_spells_that_covered_it(database: Database, school: School,
                                                     klass: dict[str, str]) -> None:
    with database.write() as session:
        spell = attendance.record_absence(session, klass["韦小明"], started_on="2026-11-16", today=TODAY)
        attendance.end_absence(session, spell.id, ended_on="2026-11-20", today=TODAY)
        attendance.record_absence(session, klass["黄𰻝"], started_on="2026-11-25", today=TODAY)
    on_the_18th = _sheet(database, school, "2026-11-18")
    assert on_the_18th["韦小明"].away and on_the_18th["韦小明"].ended_on == date(2026, 11, 20)
    assert on_the_18th["韦小明"].school_days == 3 and on_the_18th["韦小明"].warnings[0].rule is WarningRule.ABSENT
    assert not on_the_18th["黄𰻝"].away  # not away yet
    now = _sheet(database, school)
    assert not now["韦小明"].away and now["黄𰻝"].away and now["黄𰻝"].school_days == 3
    # The last day counts: the spell still shows on the day it ended.
    assert _sheet(database, school, date(2026, 11, 20))["韦小明"].school_days == 5


def test_leave_granted_is_listed_but_never_warned_about(database: Database, school: School,
                                                        klass: dict[str, str]) -> None:
    with database.write() as session:
        attendance.record_absence(session, klass["覃丽"], started_on="2026-11-02", excused=True, reason="住院",
                                  today=TODAY)
    qin = _sheet(database, school)["覃丽"]
    assert qin.away and qin.excused and qin.school_days == 20 and qin.warnings == ()


def test_a_grade_nine_student_away_is_at_risk_at_once(database: Database, school: School) -> None:
    with database.write() as session:
        student_id = roster.add_student(session, make_student_input(  # type: ignore[arg-type]
            school.id, name="梁文杰", grade=9, class_name="1班"), today=TODAY).id
        attendance.record_absence(session, student_id, started_on="2026-11-27", today=TODAY)
    with database.read() as session:
        [row] = attendance.class_absences(session, school.id, 9, "1班", on=TODAY, today=TODAY)
    assert [f.rule for f in row.warnings] == [WarningRule.FINAL_YEAR_AT_RISK]


def test_an_empty_class_and_bad_days(database: Database, school: School, klass: dict[str, str]) -> None:
    with database.read() as session:
        assert attendance.class_absences(session, school.id, 5, "9班", on=TODAY, today=TODAY) == []
        with pytest.raises(ValidationError) as future:
            attendance.class_absences(session, school.id, 4, "2班", on="2026-11-30", today=TODAY)
        assert future.value.field == "on" and "2026-11-30" in future.value.zh
        with pytest.raises(ValidationError) as malformed:
            attendance.class_absences(session, school.id, 4, "2班", on="2026-02-31", today=TODAY)
        assert malformed.value.field == "on"


def test_recording_and_ending_are_checked_and_a_refusal_writes_nothing(database: Database, school: School,
                                                                       klass: dict[str, str]) -> None:
    with database.write() as session:
        spell_id = attendance.record_absence(session, klass["韦小明"], started_on="2026-11-24", today=TODAY).id
    for call, field in (
            (lambda s: attendance.end_absence(s, spell_id, ended_on="2026-11-23", today=TODAY), "ended_on"),
            (lambda s: attendance.end_absence(s, spell_id, ended_on="2026-12-01", today=TODAY), "ended_on"),
            (lambda s: attendance.record_absence(s, klass["黄𰻝"], started_on="2026-12-01", today=TODAY),
             "started_on"),
            (lambda s: attendance.record_absence(s, klass["蒙芳"], started_on="2026-11-27", today=TODAY),
             "student_id")):
        with unchanged(database), pytest.raises(ValidationError) as caught, database.write() as session:
            call(session)
        assert caught.value.field == field and caught.value.zh and caught.value.en
    with database.write() as session:
        attendance.end_absence(session, spell_id, ended_on="2026-11-27", today=TODAY)
    with database.read() as session:
        spell = session.get(Absence, spell_id)
        assert spell is not None and spell.ended_on == date(2026, 11, 27)
        assert attendance.open_absence_of(session, klass["韦小明"]) is None
