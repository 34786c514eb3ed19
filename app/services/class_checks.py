"""返校核查 for a whole class at once: record who came back and open a case for each who did not.

One call, one transaction: either the whole class is recorded (and every case opened), or nothing is, so a
teacher never has to work out which half of a class went in before an error. For the same reason a teacher
who does not cover every student of the list is refused the whole check, before anything is written, with
every student they do not cover named (:func:`app.services.access.require_may_edit_students`): recording only
some rows would leave the others' non-returners without their check and their case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from app.domain.codes import DropoutReason, Term
from app.domain.errors import DomainError, ValidationError
from app.domain.progress import Progress
from app.services import cases, return_checks
from app.services.access import require_may_edit_students
from app.services.common import get
from app.services.visit_lists import join_reason
from app.store.models import Student


@dataclass(frozen=True)
class CheckEntry:
    student_id: str
    returned: bool
    reason: DropoutReason | str | None = None  # required when not returned
    detail: str | None = None


@dataclass
class ClassCheckResult:
    recorded: int = 0
    opened_case_ids: list[str] = field(default_factory=list)
    already_open: int = 0  # non-returners who already had an open case (their case goes on)


def record_class_check(session: Session, entries: Sequence[CheckEntry], *, checked_on: date | str, term: Term | str,
                       open_cases: bool, campaign_id: str | None = None, today: date | None = None,
                       progress: Progress | None = None) -> ClassCheckResult:
    """Record each student's return check and, if ``open_cases``, open a case for every non-returner.

    An error names the student it is about (``field`` is the student's id) and undoes the whole call; a
    teacher who does not cover some of the students gets :class:`app.services.access.NotCovered` naming them
    all (``student_ids``).
    """
    require_may_edit_students(session, [entry.student_id for entry in entries], zh_action="这次返校核查",
                              en_action="this return check")
    result = ClassCheckResult()
    total = max(1, len(entries))
    for number, entry in enumerate(entries, start=1):
        try:
            _record_one(session, entry, checked_on=checked_on, term=term, open_cases=open_cases,
                        campaign_id=campaign_id, today=today, result=result)
        except DomainError as exc:
            name = get(session, Student, entry.student_id).name
            raise type(exc)(f"{name}：{exc.zh}", f"{name}: {exc.en}", field=entry.student_id) from None
        if progress is not None:
            progress("return check", number / total)
    return result


def _record_one(session: Session, entry: CheckEntry, *, checked_on: date | str, term: Term | str, open_cases: bool,
                campaign_id: str | None, today: date | None, result: ClassCheckResult) -> None:
    if entry.returned:
        return_checks.record_return_check(session, entry.student_id, returned=True, checked_on=checked_on,
                                          term=term, campaign_id=campaign_id, today=today)
        result.recorded += 1
        return
    if not entry.reason:
        raise ValidationError("未返校需要选择原因。", "Choose the reason the student did not return.",
                              field="reason")
    reason = entry.reason if isinstance(entry.reason, DropoutReason) else DropoutReason.parse(entry.reason)
    return_checks.record_return_check(session, entry.student_id, returned=False, checked_on=checked_on, term=term,
                                      reason=join_reason(reason, entry.detail), campaign_id=campaign_id,
                                      today=today)
    result.recorded += 1
    if not open_cases:
        return
    if cases.open_case_of(session, entry.student_id) is not None:
        result.already_open += 1
        return
    case = cases.open_case(session, entry.student_id, detected_on=checked_on, reason=reason,
                           reason_detail=(entry.detail or "").strip() or None, today=today)
    result.opened_case_ids.append(case.id)
