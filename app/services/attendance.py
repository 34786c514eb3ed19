"""缺勤: spells of a student's absence, which the early warnings count in school days.

A school records that a child is away and since when, and closes the spell when the child is back. There is
one open spell per child at a time; leave that was granted (``excused``) is kept but never warned about.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.codes import StudentStatus
from app.domain.errors import ValidationError
from app.domain.warnings import Finding, Thresholds, WarningRule, school_days
from app.services.access import require_may_edit_student
from app.services.common import as_date, get, optional_text
from app.services.warnings import find_warnings
from app.store import oplog
from app.store.models import Absence, Student


def record_absence(session: Session, student_id: str, *, started_on: date | str, excused: bool = False,
                   reason: str | None = None, today: date | None = None) -> Absence:
    """Record that a student has been away since ``started_on``; an open spell is updated instead."""
    require_may_edit_student(session, student_id)
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
    require_may_edit_student(session, absence.student_id)
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


# Children who have left the district's compulsory education: no longer on a class's list.
_GONE = (StudentStatus.TRANSFERRED_OUT.value, StudentStatus.GRADUATED.value, StudentStatus.DECEASED.value)
# The warnings a spell of absence can raise (the final year's also counts a grade-9 child's absence).
ABSENCE_RULES = (WarningRule.ABSENT, WarningRule.FINAL_YEAR_AT_RISK)


@dataclass(frozen=True)
class ClassAbsence:
    """One student of a class on a day: the spell of absence that covers the day, if any, and the early
    warnings about the student that absences raise."""

    student_id: str
    name: str
    student_number: str | None
    status: StudentStatus
    absence_id: str | None = None
    started_on: date | None = None
    ended_on: date | None = None  # the last day away, when already known
    excused: bool = False
    reason: str | None = None
    school_days: int = 0  # school days away from the first day up to the day looked at
    warnings: tuple[Finding, ...] = ()

    @property
    def away(self) -> bool:
        return self.absence_id is not None


def class_absences(session: Session, school_id: str, grade: int, class_name: str, *, on: date | str,
                   today: date | None = None, thresholds: Thresholds | None = None) -> list[ClassAbsence]:
    """The students of a class as on the day ``on``, in roll order: whose absence covers that day (begun on or
    before it and not ended before it) and which early warnings (:data:`ABSENCE_RULES`, as
    :func:`app.services.warnings.find_warnings` applies them on that day) each one has.

    Students who left the district's schools (transferred out, graduated, deceased) are not listed; those who
    dropped out or are suspended are, with their status. A day after ``today`` is refused.
    """
    day = as_date(on, "on", "日期", "Date")
    if day > (today or date.today()):
        raise ValidationError(f"日期 {day} 在今天之后。", f"The date {day} is in the future.", field="on")
    students = session.execute(
        select(Student.id, Student.name, Student.student_number, Student.status).where(
            Student.school_id == school_id, Student.grade == grade, Student.class_name == class_name,
            Student.deleted.is_(False), Student.status.not_in(_GONE))
        .order_by(Student.student_number, Student.name, Student.id)).all()
    ids = [row.id for row in students]
    spells: dict[str, Absence] = {}
    for start in range(0, len(ids), 500):
        for absence in session.scalars(select(Absence).where(
                Absence.student_id.in_(ids[start:start + 500]), Absence.deleted.is_(False),
                Absence.started_on <= day, Absence.ended_on.is_(None) | (Absence.ended_on >= day))
                .order_by(Absence.started_on)):
            spells[absence.student_id] = absence  # the latest spell covering the day, should two overlap
    found: dict[str, list[Finding]] = defaultdict(list)
    if ids:
        for warning in find_warnings(session, today=day, thresholds=thresholds, school_id=school_id,
                                     rules=ABSENCE_RULES):
            found[warning.student_id].append(warning.finding)
    rows = []
    for row in students:
        student = ClassAbsence(row.id, row.name, row.student_number, StudentStatus(row.status),
                               warnings=tuple(found.get(row.id, ())))
        spell = spells.get(row.id)
        if spell is not None:
            student = replace(student, absence_id=spell.id, started_on=spell.started_on, ended_on=spell.ended_on,
                              excused=spell.excused, reason=spell.reason,
                              school_days=school_days(spell.started_on, min(spell.ended_on or day, day)))
        rows.append(student)
    return rows
