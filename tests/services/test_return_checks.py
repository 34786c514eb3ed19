"""返校核查: who came back at term start; one record per student and term, corrected in place."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from app.domain.codes import Term
from app.domain.errors import NotFoundError, ValidationError
from app.services import campaigns, registry, return_checks
from app.store import oplog
from app.store.db import Database
from app.store.models import ReturnCheck, Student
from tests.conftest import TODAY
from tests.services.support import unchanged


def checks(database: Database) -> list[tuple[int, str, date, bool, str | None]]:
    with database.read() as session:
        return [(c.school_year, c.term, c.checked_on, c.returned, c.reason)
                for c in session.scalars(select(ReturnCheck).order_by(ReturnCheck.id))]


def test_a_return_is_recorded_with_its_term_and_school_year(database: Database, student: Student) -> None:
    with database.write() as session:
        campaign_id = campaigns.create_campaign(session, "spring_return", 2026, starts_on="2026-02-01",
                                                ends_on="2026-03-31").id
        check_id = return_checks.record_return_check(session, student.id, returned=True, checked_on="2026-03-02",
                                                     campaign_id=campaign_id, today=TODAY).id
    with database.read() as session:
        check = session.get(ReturnCheck, check_id)
        assert check is not None
        assert (check.student_id, check.scope, check.campaign_id) == (student.id, student.school_id, campaign_id)
        # March 2026 is the spring term of the school year that began in September 2025.
        assert (check.school_year, check.term, check.checked_on, check.returned, check.reason) == (
            2025, "spring", date(2026, 3, 2), True, None)
        assert oplog.compare_with_log(session) == []


def test_autumn_term_is_inferred_from_a_september_date(database: Database, student: Student) -> None:
    with database.write() as session:
        return_checks.record_return_check(session, student.id, returned=False, checked_on=date(2026, 9, 1),
                                          reason=" 随父母外出 ", today=TODAY)
    assert checks(database) == [(2026, "autumn", date(2026, 9, 1), False, "随父母外出")]


def test_checking_again_the_same_term_corrects_the_record(database: Database, student: Student) -> None:
    with database.write() as session:
        first = return_checks.record_return_check(session, student.id, returned=False, checked_on="2026-09-01",
                                                  reason="未到校", today=TODAY).id
    with database.write() as session:
        second = return_checks.record_return_check(session, student.id, returned=True, checked_on="2026-09-03",
                                                   term="秋季", today=TODAY).id
    assert first == second
    assert checks(database) == [(2026, "autumn", date(2026, 9, 3), True, None)]
    # Another term is another record.
    with database.write() as session:
        return_checks.record_return_check(session, student.id, returned=True, checked_on="2026-03-02",
                                          term=Term.SPRING, today=TODAY)
    assert len(checks(database)) == 2


def test_a_check_in_the_future_is_refused(database: Database, student: Student) -> None:
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        return_checks.record_return_check(session, student.id, returned=True, checked_on="2026-11-30",
                                          today=TODAY)
    assert err.value.field == "checked_on" and "核查日期 2026-11-30 在今天之后" in err.value.zh


def test_not_returned_needs_a_reason(database: Database, student: Student) -> None:
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        return_checks.record_return_check(session, student.id, returned=False, checked_on="2026-09-01",
                                          reason="  ", today=TODAY)
    assert err.value.field == "reason" and "未返校需要填写原因" in err.value.zh


def test_a_dropped_out_student_cannot_be_checked_back_in(database: Database, student: Student) -> None:
    with database.write() as session:
        registry.record_change(session, student.id, "dropout", "2026-06-01")
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        return_checks.record_return_check(session, student.id, returned=True, checked_on="2026-09-01",
                                          today=TODAY)
    assert err.value.field == "returned" and "学籍状态不是“在校”" in err.value.zh
    # Not returning is still recorded for such a student.
    with database.write() as session:
        return_checks.record_return_check(session, student.id, returned=False, checked_on="2026-09-01",
                                          reason="仍在外务工", today=TODAY)
    assert checks(database) == [(2026, "autumn", date(2026, 9, 1), False, "仍在外务工")]


def test_unknown_student_campaign_term_or_date_is_refused(database: Database, student: Student) -> None:
    cases = [
        ({"student_id": "nobody"}, NotFoundError, "找不到学生"),
        ({"campaign_id": "none"}, NotFoundError, "找不到专项活动"),
        ({"term": "夏季"}, ValidationError, "学期"),
        ({"checked_on": "2026-09-31"}, ValidationError, "核查日期“2026-09-31”不是有效日期"),
    ]
    for overrides, error, phrase in cases:
        values: dict[str, Any] = {"student_id": student.id, "returned": True, "checked_on": "2026-09-01",
                                     "today": TODAY, **overrides}
        with unchanged(database), pytest.raises(error) as err, database.write() as session:
            return_checks.record_return_check(session, **values)
        assert phrase in err.value.zh
    assert checks(database) == []
