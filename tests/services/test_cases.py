"""一人一案: a dropout case from detection to closing, and the student registry that follows it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from app.domain.codes import CaseOutcome, DropoutReason, ReturnMode
from app.domain.errors import LifecycleError, NotFoundError, ValidationError
from app.services import cases, registry
from app.store import oplog
from app.store.db import Database
from app.store.models import DropoutCase, PersuasionAttempt, RetentionFollowUp, Student
from tests.conftest import TODAY
from tests.services.support import unchanged

DETECTED = date(2026, 9, 10)
ATTEMPTED = date(2026, 9, 15)
OUTCOME = date(2026, 10, 1)
FOLLOWED = date(2026, 10, 20)
CLOSED = date(2026, 11, 1)
PERSUADERS = [{"name": "黄老师", "phone": "138 7711 0001", "unit": "石埠小学"}, {"name": "韦𰻝"}]




def refused(database: Database, error: type[Exception] | tuple[type[Exception], ...], fn: Any, *args: Any,
            **kwargs: Any) -> pytest.ExceptionInfo[Any]:
    """Calling the service fails with ``error`` and the store is exactly as before."""
    with unchanged(database), pytest.raises(error) as err, database.write() as session:
        fn(session, *args, **kwargs)
    return err


def do(database: Database, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a service in its own transaction; returns the id of what it returns (if it returns a record)."""
    with database.write() as session:
        result = fn(session, *args, **kwargs)
        return getattr(result, "id", result)


def open_case(database: Database, student_id: str, **kwargs: Any) -> str:
    kwargs.setdefault("detected_on", DETECTED)
    kwargs.setdefault("reason", DropoutReason.WORK)
    return do(database, cases.open_case, student_id, today=TODAY, **kwargs)


def returned(database: Database, case_id: str, on: date = OUTCOME) -> None:
    do(database, cases.record_outcome, case_id, CaseOutcome.RETURNED, outcome_on=on,
       return_mode=ReturnMode.REGULAR_CLASS, today=TODAY)


def follow_up(database: Database, case_id: str, on: date = FOLLOWED, *, in_school: bool = True,
              **kwargs: Any) -> str:
    return do(database, cases.record_follow_up, case_id, followed_on=on, in_school=in_school, today=TODAY, **kwargs)


def close(database: Database, case_id: str, on: date = CLOSED) -> None:
    do(database, cases.close_case, case_id, closed_on=on, today=TODAY)


def read_case(database: Database, case_id: str) -> DropoutCase:
    with database.read() as session:
        case = session.get(DropoutCase, case_id)
        assert case is not None
        return case


def status_of(database: Database, student_id: str) -> str:
    with database.read() as session:
        student = session.get(Student, student_id)
        assert student is not None
        return student.status


def registry_history(database: Database, student_id: str) -> list[tuple[str, date, str | None, str | None]]:
    with database.read() as session:
        return [(c.change_type, c.effective_on, c.from_status, c.to_status)
                for c in registry.changes_of(session, student_id)]


# ----------------------------------------------------------------------------- opening
def test_open_case_stores_the_case_and_records_the_dropout(database: Database, student: Student) -> None:
    case_id = open_case(database, student.id, reason="外出务工", dropped_month="2026-09",
                        reason_detail=" 随亲戚去广东 ", whereabouts="广东东莞", help_given="已落实生活补助",
                        plan="联系家长，每周电话")
    case = read_case(database, case_id)
    assert (case.student_id, case.school_id, case.scope, case.status) == (
        student.id, student.school_id, student.school_id, "open")
    assert (case.detected_on, case.dropped_month, case.reason, case.reason_detail) == (
        DETECTED, "2026-09", "work", "随亲戚去广东")
    assert (case.whereabouts, case.help_given, case.plan) == ("广东东莞", "已落实生活补助", "联系家长，每周电话")
    assert (case.outcome, case.closed_on, case.typical, case.placement_verified) == (None, None, False, False)
    assert status_of(database, student.id) == "dropped_out"
    assert registry_history(database, student.id) == [("dropout", DETECTED, "in_school", "dropped_out")]
    with database.read() as session:
        [change] = registry.changes_of(session, student.id)
        assert change.reason == "随亲戚去广东"
        assert cases.open_case_of(session, student.id).id == case_id  # type: ignore[union-attr]
        assert oplog.compare_with_log(session) == []


def test_open_case_for_a_student_already_dropped_out_records_no_second_dropout(database: Database,
                                                                             student: Student) -> None:
    do(database, registry.record_change, student.id, "dropout", date(2026, 9, 1))
    open_case(database, student.id, reason="厌学")
    assert registry_history(database, student.id) == [("dropout", date(2026, 9, 1), "in_school", "dropped_out")]
    with database.read() as session:
        assert session.scalars(select(DropoutCase.reason)).all() == ["learning"]


def test_a_second_case_while_one_is_open_is_refused(database: Database, student: Student) -> None:
    case_id = open_case(database, student.id)
    err = refused(database, ValidationError, cases.open_case, student.id, detected_on=date(2026, 10, 1),
                  reason="work", today=TODAY)
    assert err.value.field == "student_id" and "韦小明 已有未销号的辍学个案" in err.value.zh
    # Still refused while persuading and while resolved.
    do(database, cases.record_attempt, case_id, attempted_on=ATTEMPTED, persuaders=PERSUADERS, today=TODAY)
    returned(database, case_id)
    refused(database, ValidationError, cases.open_case, student.id, detected_on=date(2026, 10, 2), reason="work",
            today=TODAY)


@pytest.mark.parametrize(("kwargs", "field", "phrase"), [
    ({"detected_on": "2026-11-30"}, "detected_on", "发现日期 2026-11-30 在今天之后"),
    ({"detected_on": "2026-13-01"}, "detected_on", "不是有效日期"),
    ({"dropped_month": "2026/09"}, "dropped_month", "应为 2026-03 这样的格式"),
    ({"dropped_month": "2026-10"}, "dropped_month", "辍学月份晚于发现日期"),
    ({"whereabouts": "广" * 201}, "whereabouts", "去向太长"),
])
def test_open_case_refuses_bad_input(database: Database, student: Student, kwargs: dict[str, Any], field: str,
                                     phrase: str) -> None:
    values = {"detected_on": DETECTED, "reason": "work", "today": TODAY, **kwargs}
    err = refused(database, ValidationError, cases.open_case, student.id, **values)
    assert err.value.field == field and phrase in err.value.zh
    assert status_of(database, student.id) == "in_school"


def test_open_case_refuses_unknown_reason_or_student(database: Database, student: Student) -> None:
    err = refused(database, ValidationError, cases.open_case, student.id, detected_on=DETECTED, reason="贪玩",
                  today=TODAY)
    assert "辍学原因" in err.value.zh and "贪玩" in err.value.zh
    err2 = refused(database, NotFoundError, cases.open_case, "nobody", detected_on=DETECTED, reason="work",
                   today=TODAY)
    assert "找不到学生" in err2.value.zh


def test_open_case_refuses_a_deceased_student(database: Database, student: Student) -> None:
    do(database, registry.record_change, student.id, "death", date(2026, 9, 1))
    refused(database, (ValidationError, LifecycleError), cases.open_case, student.id,
            detected_on=DETECTED, reason="work", today=TODAY)


# ----------------------------------------------------------------------------- persuasion
def test_attempts_are_numbered_and_move_the_case_to_persuading(database: Database, student: Student) -> None:
    case_id = open_case(database, student.id)
    first = do(database, cases.record_attempt, case_id, attempted_on=ATTEMPTED, persuaders=PERSUADERS,
               method="家访", result="家长同意考虑", today=TODAY)
    second = do(database, cases.record_attempt, case_id, attempted_on="2026-09-20",
                persuaders=[{"name": "陆镇长"}], today=TODAY)
    assert read_case(database, case_id).status == "persuading"
    with database.read() as session:
        attempts = cases.attempts_of(session, case_id)
        assert [(a.id, a.attempt_no, a.attempted_on) for a in attempts] == [
            (first, 1, ATTEMPTED), (second, 2, date(2026, 9, 20))]
        assert attempts[0].persuaders == [{"name": "黄老师", "phone": "13877110001", "unit": "石埠小学"},
                                          {"name": "韦𰻝", "phone": None, "unit": None}]
        assert (attempts[0].method, attempts[0].result, attempts[0].scope) == (
            "家访", "家长同意考虑", student.school_id)


@pytest.mark.parametrize(("kwargs", "field", "phrase"), [
    ({"attempted_on": "2026-09-09"}, "attempted_on", "劝返日期 2026-09-09 早于发现辍学的日期 2026-09-10"),
    ({"attempted_on": "2026-12-01"}, "attempted_on", "在今天之后"),
    ({"persuaders": []}, "persuaders", "请填写劝返人"),
    ({"persuaders": [{"name": "黄老师", "phone": "12"}]}, "persuaders", "电话号码「12」格式不对"),
])
def test_bad_attempts_are_refused(database: Database, student: Student, kwargs: dict[str, Any], field: str,
                                  phrase: str) -> None:
    case_id = open_case(database, student.id)
    values = {"attempted_on": ATTEMPTED, "persuaders": PERSUADERS, "today": TODAY, **kwargs}
    err = refused(database, ValidationError, cases.record_attempt, case_id, **values)
    assert err.value.field == field and phrase in err.value.zh
    assert read_case(database, case_id).status == "open"


def test_attempt_on_an_unknown_case_is_refused(database: Database) -> None:
    err = refused(database, NotFoundError, cases.record_attempt, "no-case", attempted_on=ATTEMPTED,
                  persuaders=PERSUADERS, today=TODAY)
    assert "找不到辍学个案" in err.value.zh


# ----------------------------------------------------------------------------- outcomes and the registry
def test_outcome_returned_resolves_the_case_and_resumes_the_student(database: Database, student: Student) -> None:
    case_id = open_case(database, student.id)
    do(database, cases.record_attempt, case_id, attempted_on=ATTEMPTED, persuaders=PERSUADERS, today=TODAY)
    do(database, cases.record_outcome, case_id, "返校复学", outcome_on="2026-10-01", return_mode="单独编班",
       today=TODAY)
    case = read_case(database, case_id)
    assert (case.status, case.outcome, case.outcome_on, case.return_mode, case.placement) == (
        "resolved", "returned", OUTCOME, "separate", None)
    assert status_of(database, student.id) == "in_school"
    assert registry_history(database, student.id) == [("dropout", DETECTED, "in_school", "dropped_out"),
                                                      ("resumption", OUTCOME, "dropped_out", "in_school")]


def test_an_open_case_may_be_resolved_without_an_attempt(database: Database, student: Student) -> None:
    case_id = open_case(database, student.id)
    do(database, cases.record_outcome, case_id, CaseOutcome.DATA_ERROR, outcome_on=OUTCOME, today=TODAY)
    assert read_case(database, case_id).status == "resolved"
    # The child was never out of school: the registry goes back, and the case closes at once.
    assert status_of(database, student.id) == "in_school"
    assert [c[0] for c in registry_history(database, student.id)] == ["dropout", "resumption"]
    close(database, case_id)
    assert read_case(database, case_id).status == "closed"


@pytest.mark.parametrize(("outcome", "placement", "change", "status"), [
    (CaseOutcome.DECEASED, None, "death", "deceased"),
    (CaseOutcome.TRANSFERRED, "南宁市第三中学", "transfer_out", "transferred_out"),
    (CaseOutcome.DEFERRED, None, "suspension", "suspended"),
    (CaseOutcome.MAINSTREAM_WITH_DISABILITY, None, "resumption", "in_school"),
    (CaseOutcome.DATA_ERROR, None, "resumption", "in_school"),
])
def test_the_registry_follows_the_outcome(database: Database, student: Student, outcome: CaseOutcome,
                                          placement: str | None, change: str, status: str) -> None:
    case_id = open_case(database, student.id)
    do(database, cases.record_outcome, case_id, outcome, outcome_on=OUTCOME, placement=placement, today=TODAY)
    assert status_of(database, student.id) == status
    assert registry_history(database, student.id)[-1] == (change, OUTCOME, "dropped_out", status)
    with database.read() as session:
        assert registry.changes_of(session, student.id)[-1].reason == f"劝返个案：{outcome.zh}"


def test_death_closes_at_once(database: Database, student: Student) -> None:
    case_id = open_case(database, student.id)
    do(database, cases.record_outcome, case_id, "死亡", outcome_on=OUTCOME, today=TODAY)
    close(database, case_id, OUTCOME)
    case = read_case(database, case_id)
    assert (case.status, case.closed_on) == ("closed", OUTCOME)


def test_returned_when_the_registry_already_shows_the_student_back(database: Database, student: Student) -> None:
    case_id = open_case(database, student.id)
    do(database, registry.record_change, student.id, "resumption", date(2026, 9, 28))
    returned(database, case_id)
    assert [c[0] for c in registry_history(database, student.id)] == ["dropout", "resumption"]
    assert status_of(database, student.id) == "in_school"


@pytest.mark.parametrize(("outcome", "kwargs", "field", "phrase"), [
    ("returned", {}, "return_mode", "「返校复学」需要选择返校方式（随班、单独编班、普职融合）"),
    ("vocational", {"return_mode": "regular", "placement": "南宁市第一职业技术学校"}, "return_mode",
     "只有「返校复学」才填写返校方式"),
    ("vocational", {}, "placement", "「中职安置」需要填写接收学校的名称"),
    ("transferred", {"placement": " "}, "placement", "需要填写接收学校的名称"),
    ("returned", {"return_mode": "regular", "outcome_on": "2026-09-01"}, "outcome_on",
     "处置日期 2026-09-01 早于发现辍学的日期 2026-09-10"),
    ("returned", {"return_mode": "regular", "outcome_on": "2026-12-01"}, "outcome_on", "在今天之后"),
    ("returned", {"return_mode": "走读"}, None, "返校方式"),
    ("毕业", {}, None, "处置结果"),
])
def test_bad_outcomes_are_refused(database: Database, student: Student, outcome: str, kwargs: dict[str, Any],
                                  field: str | None, phrase: str) -> None:
    case_id = open_case(database, student.id)
    values = {"outcome_on": OUTCOME, "today": TODAY, **kwargs}
    err = refused(database, ValidationError, cases.record_outcome, case_id, outcome, **values)
    assert err.value.field == field and phrase in err.value.zh
    assert read_case(database, case_id).status == "open"
    assert status_of(database, student.id) == "dropped_out"


def test_a_second_outcome_is_refused(database: Database, student: Student) -> None:
    case_id = open_case(database, student.id)
    returned(database, case_id)
    err = refused(database, LifecycleError, cases.record_outcome, case_id, "data_error", outcome_on=OUTCOME,
                  today=TODAY)
    assert "个案当前为「已处置（巩固跟踪）」，不能「记录结果」" in err.value.zh and err.value.field == "action"


# ----------------------------------------------------------------------------- follow-ups, relapse, closing
def test_follow_up_and_close_a_returned_case(database: Database, student: Student) -> None:
    case_id = open_case(database, student.id)
    returned(database, case_id)
    follow_up_id = follow_up(database, case_id, by_name="黄老师", notes="按时到校")
    assert read_case(database, case_id).status == "resolved"
    close(database, case_id)
    case = read_case(database, case_id)
    assert (case.status, case.closed_on) == ("closed", CLOSED)
    with database.read() as session:
        [stored] = cases.follow_ups_of(session, case_id)
        assert (stored.id, stored.followed_on, stored.in_school, stored.verifies_placement, stored.by_name,
                stored.notes) == (follow_up_id, FOLLOWED, True, False, "黄老师", "按时到校")
        assert cases.open_case_of(session, student.id) is None
        assert oplog.compare_with_log(session) == []
    assert status_of(database, student.id) == "in_school"


def test_closing_an_open_case_is_refused(database: Database, student: Student) -> None:
    case_id = open_case(database, student.id)
    err = refused(database, LifecycleError, cases.close_case, case_id, closed_on=CLOSED, today=TODAY)
    assert "个案当前为「待劝返」，不能「销号」" in err.value.zh


def test_closing_a_returned_case_without_a_follow_up_is_refused(database: Database, student: Student) -> None:
    case_id = open_case(database, student.id)
    returned(database, case_id)
    err = refused(database, LifecycleError, cases.close_case, case_id, closed_on=CLOSED, today=TODAY)
    assert err.value.field == "follow_ups"
    assert "「返校复学」需要至少 1 次巩固回访才能销号，目前 0 次" in err.value.zh
    assert read_case(database, case_id).status == "resolved"


def test_bad_closing_dates_are_refused(database: Database, student: Student) -> None:
    case_id = open_case(database, student.id)
    returned(database, case_id)
    follow_up(database, case_id)
    err = refused(database, ValidationError, cases.close_case, case_id, closed_on="2026-09-30", today=TODAY)
    assert err.value.field == "closed_on" and "销号日期 2026-09-30 早于" in err.value.zh
    err = refused(database, ValidationError, cases.close_case, case_id, closed_on="2026-11-30", today=TODAY)
    assert err.value.field == "closed_on" and "在今天之后" in err.value.zh


def test_a_closed_case_takes_no_more_moves_and_a_new_case_can_open(database: Database, student: Student) -> None:
    case_id = open_case(database, student.id)
    returned(database, case_id)
    follow_up(database, case_id)
    close(database, case_id)
    err = refused(database, LifecycleError, cases.record_attempt, case_id, attempted_on=CLOSED,
                  persuaders=PERSUADERS, today=TODAY)
    assert "个案当前为「已销号」，不能「记录劝返」（再次辍学请新建个案）" in err.value.zh
    refused(database, LifecycleError, cases.record_follow_up, case_id, followed_on=CLOSED, in_school=True,
            today=TODAY)
    refused(database, LifecycleError, cases.close_case, case_id, closed_on=CLOSED, today=TODAY)
    new_id = open_case(database, student.id, detected_on=date(2026, 11, 20))
    assert new_id != case_id
    assert status_of(database, student.id) == "dropped_out"
    assert [c[0] for c in registry_history(database, student.id)] == ["dropout", "resumption", "dropout"]


def test_a_follow_up_on_an_open_case_is_refused(database: Database, student: Student) -> None:
    case_id = open_case(database, student.id)
    err = refused(database, LifecycleError, cases.record_follow_up, case_id, followed_on=FOLLOWED, in_school=True,
                  today=TODAY)
    assert "不能「巩固回访」" in err.value.zh


def test_a_follow_up_before_the_outcome_is_refused(database: Database, student: Student) -> None:
    case_id = open_case(database, student.id)
    returned(database, case_id)
    err = refused(database, ValidationError, cases.record_follow_up, case_id, followed_on="2026-09-30",
                  in_school=True, today=TODAY)
    assert err.value.field == "followed_on" and "回访日期 2026-09-30 早于" in err.value.zh
    err = refused(database, ValidationError, cases.record_follow_up, case_id, followed_on="2026-12-30",
                  in_school=True, today=TODAY)
    assert err.value.field == "followed_on" and "在今天之后" in err.value.zh


def test_a_follow_up_before_the_outcome_names_the_outcome_date(database: Database, student: Student) -> None:
    case_id = open_case(database, student.id)
    returned(database, case_id)
    err = refused(database, ValidationError, cases.record_follow_up, case_id, followed_on="2026-09-30",
                  in_school=True, today=TODAY)
    assert "发现辍学" not in err.value.zh and "处置日期" in err.value.zh


def test_relapse_sends_the_case_back_to_persuasion(database: Database, student: Student) -> None:
    case_id = open_case(database, student.id)
    returned(database, case_id)
    follow_up(database, case_id, date(2026, 10, 10))
    relapse_id = follow_up(database, case_id, date(2026, 10, 20), in_school=False, notes="又去广东打工")
    case = read_case(database, case_id)
    assert (case.status, case.outcome, case.outcome_on, case.return_mode, case.placement_verified) == (
        "persuading", None, None, None, False)
    assert status_of(database, student.id) == "dropped_out"
    assert registry_history(database, student.id)[-1] == ("dropout", date(2026, 10, 20), "in_school", "dropped_out")
    with database.read() as session:
        assert registry.changes_of(session, student.id)[-1].reason == "巩固回访发现复辍"
        relapse = session.get(RetentionFollowUp, relapse_id)
        assert relapse is not None and (relapse.in_school, relapse.notes) == (False, "又去广东打工")
    # Persuasion goes on in the same case.
    do(database, cases.record_attempt, case_id, attempted_on="2026-10-25", persuaders=PERSUADERS, today=TODAY)
    assert read_case(database, case_id).status == "persuading"
    with database.read() as session:
        assert [a.attempt_no for a in cases.attempts_of(session, case_id)] == [1]


def test_after_a_relapse_closing_needs_a_new_follow_up(database: Database, student: Student) -> None:
    case_id = open_case(database, student.id)
    returned(database, case_id)
    follow_up(database, case_id, date(2026, 10, 10))
    follow_up(database, case_id, date(2026, 10, 20), in_school=False)
    returned(database, case_id, date(2026, 11, 2))
    refused(database, LifecycleError, cases.close_case, case_id, closed_on=date(2026, 11, 3), today=TODAY)


def test_vocational_placement_must_be_verified_before_closing(database: Database, student: Student) -> None:
    case_id = open_case(database, student.id)
    do(database, cases.record_outcome, case_id, CaseOutcome.VOCATIONAL, outcome_on=OUTCOME,
       placement=" 南宁市第一职业技术学校 ", today=TODAY)
    case = read_case(database, case_id)
    assert (case.outcome, case.placement, case.placement_verified) == ("vocational", "南宁市第一职业技术学校", False)
    follow_up(database, case_id, date(2026, 10, 10))  # in school, but the placement is not verified
    err = refused(database, LifecycleError, cases.close_case, case_id, closed_on=CLOSED, today=TODAY)
    assert err.value.field == "placement_verified" and "「中职安置」需要先核实安置" in err.value.zh
    err2 = refused(database, ValidationError, cases.record_follow_up, case_id, followed_on=FOLLOWED,
                   in_school=False, verifies_placement=True, today=TODAY)
    assert err2.value.field == "in_school" and "请记录为复辍" in err2.value.zh
    follow_up(database, case_id, verifies_placement=True, by_name="黄老师")
    assert read_case(database, case_id).placement_verified is True
    close(database, case_id)
    assert read_case(database, case_id).status == "closed"
    with database.read() as session:
        assert [f.verifies_placement for f in cases.follow_ups_of(session, case_id)] == [False, True]


def test_mark_typical_keeps_the_story(database: Database, student: Student) -> None:
    case_id = open_case(database, student.id)
    do(database, cases.mark_typical, case_id, " 父母外出务工，经三次家访返校。 ")
    case = read_case(database, case_id)
    assert (case.typical, case.story) == (True, "父母外出务工，经三次家访返校。")
    err = refused(database, ValidationError, cases.mark_typical, case_id, "   ")
    assert err.value.field == "story" and "典型案例需要写明经过" in err.value.zh


def test_a_failed_move_leaves_attempts_and_follow_ups_alone(database: Database, student: Student) -> None:
    case_id = open_case(database, student.id)
    do(database, cases.record_attempt, case_id, attempted_on=ATTEMPTED, persuaders=PERSUADERS, today=TODAY)
    refused(database, LifecycleError, cases.record_follow_up, case_id, followed_on=FOLLOWED, in_school=False,
            today=TODAY)
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(PersuasionAttempt)) == 1
        assert session.scalar(select(func.count()).select_from(RetentionFollowUp)) == 0
