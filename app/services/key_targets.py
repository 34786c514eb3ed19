"""重点监测对象: students flagged for monitoring, with their risk reasons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.codes import DropoutReason
from app.domain.errors import ValidationError
from app.services.access import require_may_edit_student
from app.services.common import as_date, get, optional_text
from app.store import oplog
from app.store.models import Campaign, KeyTarget, Student


def flag_key_target(session: Session, student_id: str, risk_reasons: Sequence[DropoutReason | str], *,
                    campaign_id: str | None = None, flagged_on: date | str | None = None,
                    notes: str | None = None, today: date | None = None) -> KeyTarget:
    """Flag a student as a key target; flagging again updates the reasons of the active flag."""
    require_may_edit_student(session, student_id)
    student = get(session, Student, student_id)
    reasons = sorted({r.value if isinstance(r, DropoutReason) else DropoutReason.parse(str(r)).value
                      for r in risk_reasons})
    if not reasons:
        raise ValidationError("请至少选择一个风险原因。", "Choose at least one risk reason.", field="risk_reasons")
    if campaign_id:
        get(session, Campaign, campaign_id)
    values = {"risk_reasons": reasons, "notes": optional_text(notes, "notes", "备注", "Notes")}
    active = active_flag(session, student_id)
    if active is not None:
        oplog.update(session, active, values)
        return active
    today = today or date.today()
    flagged = as_date(flagged_on or today, "flagged_on", "认定日期", "Flag date")
    if flagged > today:
        raise ValidationError(f"认定日期 {flagged} 在今天之后。", f"The flag date {flagged} is in the future.",
                              field="flagged_on")
    return oplog.create(session, KeyTarget, {
        "scope": student.scope, "student_id": student.id, "campaign_id": campaign_id, "active": True,
        "flagged_on": flagged, **values})


def clear_key_target(session: Session, student_id: str) -> None:
    require_may_edit_student(session, student_id)
    active = active_flag(session, student_id)
    if active is None:
        raise ValidationError("这名学生不是重点监测对象。", "This student is not a key target.")
    oplog.update(session, active, {"active": False})


def active_flag(session: Session, student_id: str) -> KeyTarget | None:
    return session.scalars(select(KeyTarget).where(
        KeyTarget.student_id == student_id, KeyTarget.active.is_(True), KeyTarget.deleted.is_(False))).first()
