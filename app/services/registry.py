"""学籍异动: registry changes, which are also the only way a student's school, status or grade changes.

Recording a registry change (a transfer, a suspension, a class change...) is the school registrar's work:
administrators only. The changes that follow a dropout case's moves (the child found out of school, back in
class, transferred as the case's outcome) are written by :mod:`app.services.cases` through
:func:`follow_case`, with the case's own permission (a teacher covering the student).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.codes import RegistryChangeType, StudentStatus, status_after_change
from app.domain.errors import ValidationError
from app.services.access import require_admin_session
from app.services.common import as_date, get, optional_text
from app.store import oplog
from app.store.models import RegistryChange, School, Student

_GRADE_STEP = {RegistryChangeType.PROMOTION: 1, RegistryChangeType.REPEAT: 0}


def record_change(session: Session, student_id: str, change_type: RegistryChangeType | str,
                  effective_on: date | str, *, to_school_id: str | None = None, to_grade: int | None = None,
                  to_class: str | None = None, reason: str | None = None) -> RegistryChange:
    """Record a registry change and apply it to the student (status, school, grade, class) in one go.
    Administrators only (PermissionDenied for a teacher)."""
    _require_registrar(session)
    return follow_case(session, student_id, change_type, effective_on, to_school_id=to_school_id,
                       to_grade=to_grade, to_class=to_class, reason=reason)


def _require_registrar(session: Session) -> None:
    require_admin_session(session, zh="记录学籍异动（转学、休学、调班等）",
                          en="record registry changes (transfers, suspensions, class changes...)")


def follow_case(session: Session, student_id: str, change_type: RegistryChangeType | str,
                effective_on: date | str, *, to_school_id: str | None = None, to_grade: int | None = None,
                to_class: str | None = None, reason: str | None = None) -> RegistryChange:
    """:func:`record_change` without its permission check, for the changes that follow a dropout case's
    moves: the caller (:mod:`app.services.cases`) has checked that the session may change the student."""
    change = change_type if isinstance(change_type, RegistryChangeType) else RegistryChangeType.parse(change_type)
    on = as_date(effective_on, "effective_on", "异动日期", "Effective date")
    student = get(session, Student, student_id)
    current = StudentStatus(student.status)
    new_status = status_after_change(change, current)
    updates: dict[str, Any] = {"status": new_status.value}
    if change is RegistryChangeType.TRANSFER_IN:
        if not to_school_id:
            raise ValidationError("转入需要选择转入的学校。", "A transfer in needs the receiving school.",
                                  field="to_school_id")
        get(session, School, to_school_id)
        updates.update(school_id=to_school_id, scope=to_school_id)
    elif to_school_id:
        raise ValidationError("只有“转入”可以更换学校。", "Only a transfer in changes the school.",
                              field="to_school_id")
    new_grade = student.grade
    if change in _GRADE_STEP:
        new_grade = student.grade + _GRADE_STEP[change]
        if new_grade > 9:
            raise ValidationError("九年级学生不能再升级，请记录“毕业”。",
                                  "A grade-9 student cannot be promoted; record graduation.", field="to_grade")
    if to_grade is not None:
        if not 1 <= int(to_grade) <= 9:
            raise ValidationError(f"年级“{to_grade}”应为 1–9。", f"Grade '{to_grade}' must be 1–9.",
                                  field="to_grade")
        new_grade = int(to_grade)
    if new_grade != student.grade:
        updates["grade"] = new_grade
    if change is RegistryChangeType.CLASS_CHANGE and not to_class:
        raise ValidationError("调班需要填写新班级。", "A class change needs the new class.", field="to_class")
    if to_class:
        updates["class_name"] = to_class.strip()
    record = oplog.create(session, RegistryChange, {
        "scope": updates.get("scope", student.scope), "student_id": student.id, "change_type": change,
        "effective_on": on, "from_school_id": student.school_id,
        "to_school_id": updates.get("school_id", student.school_id), "from_grade": student.grade,
        "to_grade": new_grade, "from_status": current, "to_status": new_status,
        "reason": optional_text(reason, "reason", "异动原因", "Reason"),
    })
    oplog.update(session, student, updates)
    return record


def move_school(session: Session, student_id: str, to_school_id: str, effective_on: date | str,
                *, reason: str | None = None) -> RegistryChange:
    """Move a student to another school of the district: a transfer out and a transfer in, as the registry
    records them; returns the transfer in. Administrators only."""
    _require_registrar(session)
    student = get(session, Student, student_id)
    if to_school_id == student.school_id:
        raise ValidationError("学生已在这所学校。", "The student is already at this school.", field="to_school_id")
    get(session, School, to_school_id)
    record_change(session, student_id, RegistryChangeType.TRANSFER_OUT, effective_on, reason=reason)
    return record_change(session, student_id, RegistryChangeType.TRANSFER_IN, effective_on,
                         to_school_id=to_school_id, reason=reason)


def changes_of(session: Session, student_id: str) -> list[RegistryChange]:
    return list(session.scalars(select(RegistryChange).where(
        RegistryChange.student_id == student_id, RegistryChange.deleted.is_(False))
        .order_by(RegistryChange.effective_on, RegistryChange.id)))
