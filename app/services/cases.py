"""劝返: dropout cases (一人一案), from detection through persuasion, outcome and retention to closing.

Every move is checked against the lifecycle table in :mod:`app.domain.lifecycle`; the student's registry
status follows the case (dropout when a case opens, resumption when the child is back in class).

A teacher works on the cases of the students they cover (:func:`app.services.access.require_may_edit_student`);
the registry changes that follow a case's moves go with it (:func:`app.services.registry.follow_case`), though
a teacher may not record registry changes on their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.codes import CaseOutcome, DropoutReason, RegistryChangeType, ReturnMode, StudentStatus
from app.domain.contact import normalize_phone
from app.domain.errors import ValidationError
from app.domain.lifecycle import CaseAction, CaseStatus, check_can_close, check_outcome, next_status
from app.domain.names import normalize_name
from app.services import registry
from app.services.access import require_may_edit_student
from app.services.common import as_date, case_is_open, for_field, get, optional_text
from app.store import oplog
from app.store.models import DropoutCase, PersuasionAttempt, RetentionFollowUp, Student

# What each outcome means for the student registry (outcomes not listed leave the registry as it is).
_REGISTRY_FOR_OUTCOME: dict[CaseOutcome, RegistryChangeType] = {
    CaseOutcome.RETURNED: RegistryChangeType.RESUMPTION,
    CaseOutcome.MAINSTREAM_WITH_DISABILITY: RegistryChangeType.RESUMPTION,
    CaseOutcome.DEFERRED: RegistryChangeType.SUSPENSION,
    CaseOutcome.TRANSFERRED: RegistryChangeType.TRANSFER_OUT,
    CaseOutcome.DECEASED: RegistryChangeType.DEATH,
    # The child was never out of school: the registry goes back to how it was.
    CaseOutcome.DATA_ERROR: RegistryChangeType.RESUMPTION,
}


_DETECTED = ("发现辍学的日期", "the detection date")
_OUTCOME = ("处置日期", "the outcome date")


# Children no longer in this district's compulsory education cannot be its dropouts.
_NOT_OURS = frozenset({StudentStatus.DECEASED.value, StudentStatus.GRADUATED.value,
                       StudentStatus.TRANSFERRED_OUT.value})


def _day(value: date | str, field: str, zh: str, en: str, *, not_before: date | None, today: date,
         limit: tuple[str, str] = _DETECTED) -> date:
    day = as_date(value, field, zh, en)
    if day > today:
        raise ValidationError(f"{zh} {day} 在今天之后。", f"{en} {day} is in the future.", field=field)
    if not_before is not None and day < not_before:
        raise ValidationError(f"{zh} {day} 早于{limit[0]} {not_before}。",
                              f"{en} {day} is before {limit[1]} ({not_before}).", field=field)
    return day


def _case(session: Session, case_id: str) -> DropoutCase:
    """The case to change, once the session may change its student's records."""
    case = get(session, DropoutCase, case_id)
    require_may_edit_student(session, case.student_id)
    return case


def _move(session: Session, case: DropoutCase, action: CaseAction, changes: Mapping[str, Any]) -> None:
    after = next_status(CaseStatus(case.status), action)
    oplog.update(session, case, {**changes, "status": after})


def open_case(session: Session, student_id: str, *, detected_on: date | str, reason: DropoutReason | str,
              dropped_month: str | None = None, reason_detail: str | None = None, whereabouts: str | None = None,
              help_given: str | None = None, plan: str | None = None, today: date | None = None) -> DropoutCase:
    """Open a case for a child found out of school; one open case per child at a time."""
    require_may_edit_student(session, student_id)
    today = today or date.today()
    student = get(session, Student, student_id)
    detected = _day(detected_on, "detected_on", "发现日期", "Detection date", not_before=None, today=today)
    why = reason if isinstance(reason, DropoutReason) else DropoutReason.parse(str(reason))
    if student.status in _NOT_OURS:
        status = StudentStatus(student.status)
        raise ValidationError(f"{student.name} 的学籍状态为“{status.zh}”，不能建立辍学个案。",
                              f"{student.name} is registered as {status.en}; no dropout case can be opened.",
                              field="student_id")
    if open_case_of(session, student_id) is not None:
        raise ValidationError(f"{student.name} 已有未销号的辍学个案，请在原个案中继续记录。",
                              f"{student.name} already has a case that is not closed; continue that one.",
                              field="student_id")
    if dropped_month:
        try:
            month = date.fromisoformat(dropped_month.strip() + "-01")
        except ValueError:
            raise ValidationError(f"辍学月份“{dropped_month}”应为 2026-03 这样的格式。",
                                  f"Month '{dropped_month}' must look like 2026-03.", field="dropped_month") from None
        if month > detected:
            raise ValidationError("辍学月份晚于发现日期。", "The dropout month is after the detection date.",
                                  field="dropped_month")
        dropped_month = month.isoformat()[:7]
    if student.status in (StudentStatus.IN_SCHOOL.value, StudentStatus.SUSPENDED.value,
                          StudentStatus.HOME_TEACHING.value):
        registry.follow_case(session, student.id, RegistryChangeType.DROPOUT, detected,
                             reason=reason_detail or why.zh)
    return oplog.create(session, DropoutCase, {
        "scope": student.scope, "student_id": student.id, "school_id": student.school_id,
        "status": CaseStatus.OPEN, "detected_on": detected, "dropped_month": dropped_month, "reason": why,
        "reason_detail": optional_text(reason_detail, "reason_detail", "辍学原因说明", "Reason detail"),
        "whereabouts": optional_text(whereabouts, "whereabouts", "去向", "Whereabouts", max_length=200),
        "help_given": optional_text(help_given, "help_given", "已采取的帮扶", "Help given"),
        "plan": optional_text(plan, "plan", "劝返方案", "Plan"),
    })


def open_case_of(session: Session, student_id: str) -> DropoutCase | None:
    return session.scalars(select(DropoutCase).where(
        DropoutCase.student_id == student_id, case_is_open(),
        DropoutCase.deleted.is_(False))).first()


def record_attempt(session: Session, case_id: str, *, attempted_on: date | str,
                   persuaders: Sequence[Mapping[str, Any]], method: str | None = None, result: str | None = None,
                   today: date | None = None) -> PersuasionAttempt:
    """A persuasion attempt (劝返记录): who went, when, and what came of it."""
    case = _case(session, case_id)
    day = _day(attempted_on, "attempted_on", "劝返日期", "Attempt date", not_before=case.detected_on,
               today=today or date.today())
    people = [{"name": for_field("persuaders", normalize_name, str(p.get("name") or "")),
               "phone": for_field("persuaders", normalize_phone, str(p["phone"])) if p.get("phone") else None,
               "unit": optional_text(p.get("unit"), "persuaders", "单位", "Unit", max_length=80)}
              for p in persuaders]
    if not people:
        raise ValidationError("请填写劝返人。", "Name at least one persuader.", field="persuaders")
    _move(session, case, CaseAction.RECORD_ATTEMPT, {})
    count = session.scalar(select(func.count()).select_from(PersuasionAttempt).where(
        PersuasionAttempt.case_id == case.id, PersuasionAttempt.deleted.is_(False))) or 0
    return oplog.create(session, PersuasionAttempt, {
        "scope": case.scope, "case_id": case.id, "attempt_no": count + 1, "attempted_on": day,
        "persuaders": people, "method": optional_text(method, "method", "方式", "Method", max_length=40),
        "result": optional_text(result, "result", "结果", "Result")})


def record_outcome(session: Session, case_id: str, outcome: CaseOutcome | str, *, outcome_on: date | str,
                   return_mode: ReturnMode | str | None = None, placement: str | None = None,
                   today: date | None = None) -> DropoutCase:
    """How the case ended (返校复学, 中职安置, 转学 ...); the student's registry follows."""
    case = _case(session, case_id)
    result = outcome if isinstance(outcome, CaseOutcome) else CaseOutcome.parse(str(outcome))
    mode = return_mode if isinstance(return_mode, ReturnMode) or return_mode is None else ReturnMode.parse(return_mode)
    check_outcome(result, return_mode=mode, placement=placement)
    day = _day(outcome_on, "outcome_on", "处置日期", "Outcome date", not_before=case.detected_on,
               today=today or date.today())
    _move(session, case, CaseAction.RECORD_OUTCOME, {
        "outcome": result, "outcome_on": day, "return_mode": mode,
        "placement": optional_text(placement, "placement", "安置去向", "Placement", max_length=120),
        "placement_verified": False})
    change = _REGISTRY_FOR_OUTCOME.get(result)
    student = get(session, Student, case.student_id)
    if change is RegistryChangeType.RESUMPTION and student.status == StudentStatus.IN_SCHOOL.value:
        change = None  # already back on the roll (e.g. the registry import saw it first)
    if change is not None:
        registry.follow_case(session, student.id, change, day, reason=f"劝返个案：{result.zh}")
    return case


def record_follow_up(session: Session, case_id: str, *, followed_on: date | str, in_school: bool,
                     by_name: str | None = None, notes: str | None = None, verifies_placement: bool = False,
                     today: date | None = None) -> RetentionFollowUp:
    """A retention follow-up (巩固回访). A child found out of school again sends the case back to persuasion."""
    case = _case(session, case_id)
    day = _day(followed_on, "followed_on", "回访日期", "Follow-up date", not_before=case.outcome_on,
               today=today or date.today(), limit=_OUTCOME)
    if verifies_placement:
        if not in_school:
            raise ValidationError("核实安置时学生不在校，请记录为复辍。",
                                  "The student was not there; record a relapse rather than a verification.",
                                  field="in_school")
        _move(session, case, CaseAction.VERIFY_PLACEMENT, {"placement_verified": True})
    elif in_school:
        _move(session, case, CaseAction.RECORD_FOLLOW_UP, {})
    else:
        _move(session, case, CaseAction.RELAPSE, {"outcome": None, "outcome_on": None, "return_mode": None,
                                                  "placement_verified": False})
        student = get(session, Student, case.student_id)
        if student.status == StudentStatus.IN_SCHOOL.value:
            registry.follow_case(session, student.id, RegistryChangeType.DROPOUT, day, reason="巩固回访发现复辍")
    return oplog.create(session, RetentionFollowUp, {
        "scope": case.scope, "case_id": case.id, "followed_on": day, "in_school": bool(in_school),
        "verifies_placement": bool(verifies_placement),
        "by_name": for_field("by_name", normalize_name, by_name) if by_name else None,
        "notes": optional_text(notes, "notes", "回访情况", "Notes")})


def close_case(session: Session, case_id: str, *, closed_on: date | str, today: date | None = None) -> DropoutCase:
    """销号: only when the outcome is recorded, followed up and (for placements) verified."""
    case = _case(session, case_id)
    # Only follow-ups of the current episode count: after a relapse the child must be seen in school again.
    episode: list[RetentionFollowUp] = []
    for follow_up in follow_ups_of(session, case.id):
        episode = [] if not follow_up.in_school else [*episode, follow_up]
    follow_ups = sum(1 for f in episode if case.outcome_on is None or f.followed_on >= case.outcome_on)
    next_status(CaseStatus(case.status), CaseAction.CLOSE)  # a clear message before the other checks
    check_can_close(CaseOutcome(case.outcome) if case.outcome else None, follow_ups=follow_ups,
                    placement_verified=case.placement_verified)
    day = _day(closed_on, "closed_on", "销号日期", "Closing date", not_before=case.outcome_on,
               today=today or date.today(), limit=_OUTCOME)
    _move(session, case, CaseAction.CLOSE, {"closed_on": day})
    return case


def mark_typical(session: Session, case_id: str, story: str) -> DropoutCase:
    """典型案例: mark a case for the June summary, with its story."""
    case = _case(session, case_id)
    text = optional_text(story, "story", "案例经过", "Story", max_length=8000)
    if not text:
        raise ValidationError("典型案例需要写明经过。", "A typical case needs its story.", field="story")
    oplog.update(session, case, {"typical": True, "story": text})
    return case


def attempts_of(session: Session, case_id: str) -> list[PersuasionAttempt]:
    return list(session.scalars(select(PersuasionAttempt).where(
        PersuasionAttempt.case_id == case_id, PersuasionAttempt.deleted.is_(False))
        .order_by(PersuasionAttempt.attempt_no)))


def follow_ups_of(session: Session, case_id: str) -> list[RetentionFollowUp]:
    return list(session.scalars(select(RetentionFollowUp).where(
        RetentionFollowUp.case_id == case_id, RetentionFollowUp.deleted.is_(False))
        .order_by(RetentionFollowUp.followed_on, RetentionFollowUp.id)))
