"""缺勤: spells of a student's absence, which the early warnings count in school days.

A school records that a child is away and since when, and closes the spell when the child is back. There is
one open spell per child at a time; leave that was granted (``excused``) is kept but never warned about.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.codes import StudentStatus
from app.domain.errors import ValidationError
from app.services.common import as_date, get, optional_text
from app.store import oplog
from app.store.models import Absence, Student


def record_absence(session: Session, student_id: str, *, started_on: date | str, excused: bool = False,
                   reason: str | None = None, today: date | None = None) -> Absence:
    """Record that a student has been away since ``started_on``; an open spell is updated instead."""
    today = today or date.today()
    student = get(session, Student, student_id)
    start = as_date(started_on, "started_on", "缺勤开始日期", "First day absent")
    if start > today:
        raise ValidationError(f"缺勤开始日期 {start} 在今天之后。", f"The first day absent {start} is in the future.",
                              field="started_on")
    if student.status != StudentStatus.IN_SCHOOL.value:
        status = StudentStatus(student.status)
        raise ValidationError(f"{student.name} 的学籍状态为“{status.zh}”，缺勤只记录在校学生。",
                              f"{student.name} is registered as {status.en}; absences are kept for students in "
                              "school.", field="student_id")
    values = {"started_on": start, "excused": bool(excused),
              "reason": optional_text(reason, "reason", "缺勤原因", "Reason")}
    current = open_absence_of(session, student_id)
    if current is not None:
        oplog.update(session, current, values)
        return current
    return oplog.create(session, Absence, {"scope": student.scope, "student_id": student.id,
                                           "school_id": student.school_id, **values})


def end_absence(session: Session, absence_id: str, *, ended_on: date | str, today: date | None = None) -> Absence:
    """Close a spell: ``ended_on`` is the last day the child was away."""
    absence = get(session, Absence, absence_id)
    end = as_date(ended_on, "ended_on", "缺勤结束日期", "Last day absent")
    if end < absence.started_on:
        raise ValidationError(f"缺勤结束日期 {end} 早于开始日期 {absence.started_on}。",
                              f"The last day absent {end} is before the first {absence.started_on}.", field="ended_on")
    if end > (today or date.today()):
        raise ValidationError(f"缺勤结束日期 {end} 在今天之后。", f"The last day absent {end} is in the future.",
                              field="ended_on")
    oplog.update(session, absence, {"ended_on": end})
    return absence


def open_absence_of(session: Session, student_id: str) -> Absence | None:
    return session.scalars(select(Absence).where(
        Absence.student_id == student_id, Absence.ended_on.is_(None), Absence.deleted.is_(False))).first()


def absences_of(session: Session, student_id: str) -> list[Absence]:
    return list(session.scalars(select(Absence).where(
        Absence.student_id == student_id, Absence.deleted.is_(False)).order_by(Absence.started_on.desc())))
