"""返校核查: at term start, who came back."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.ages import school_year_start
from app.domain.codes import StudentStatus, Term
from app.domain.errors import ValidationError
from app.services.access import require_may_edit_student
from app.services.common import as_date, get, optional_text
from app.store import oplog
from app.store.models import Campaign, ReturnCheck, Student


def record_return_check(session: Session, student_id: str, *, returned: bool, checked_on: date | str,
                        term: Term | str | None = None, reason: str | None = None,
                        campaign_id: str | None = None, today: date | None = None) -> ReturnCheck:
    """Record whether a student came back this term; checking again the same term corrects the record."""
    require_may_edit_student(session, student_id)
    day = as_date(checked_on, "checked_on", "核查日期", "Check date")
    if day > (today or date.today()):
        raise ValidationError(f"核查日期 {day} 在今天之后。", f"The check date {day} is in the future.",
                              field="checked_on")
    student = get(session, Student, student_id)
    if student.status != StudentStatus.IN_SCHOOL.value and returned:
        raise ValidationError("这名学生的学籍状态不是“在校”，返校请通过劝返个案或学籍异动“复学”记录。",
                              "This student is not registered in school; record the return through the case "
                              "or a resumption.", field="returned")
    if not returned and not (reason or "").strip():
        raise ValidationError("未返校需要填写原因。", "A reason is required for a student who did not return.",
                              field="reason")
    if isinstance(term, Term):
        kind = term
    elif term:
        kind = Term.parse(term)
    else:
        kind = Term.AUTUMN if day.month >= 8 else Term.SPRING
    if campaign_id:
        get(session, Campaign, campaign_id)
    year = school_year_start(day).year
    values = {"returned": bool(returned), "checked_on": day,
              "reason": optional_text(reason, "reason", "原因", "Reason"), "campaign_id": campaign_id}
    existing = session.scalars(select(ReturnCheck).where(
        ReturnCheck.student_id == student_id, ReturnCheck.school_year == year, ReturnCheck.term == kind.value,
        ReturnCheck.deleted.is_(False))).first()
    if existing is not None:
        oplog.update(session, existing, values)
        return existing
    return oplog.create(session, ReturnCheck, {"scope": student.scope, "student_id": student.id,
                                               "school_year": year, "term": kind, **values})
