"""双线四包: who covers a student on the government line and on the education line.

Who covers a student decides which teacher may change the student's records
(:func:`app.services.access.require_may_edit_student`), so naming them is an administrator's work.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.codes import ResponsibilityRole
from app.domain.contact import normalize_phone
from app.domain.names import normalize_name
from app.services.access import require_admin_session
from app.services.common import for_field, get, optional_text
from app.store import oplog
from app.store.models import Responsibility, Student


def assign(session: Session, student_id: str, role: ResponsibilityRole | str, person_name: str, *,
           unit: str | None = None, phone: str | None = None) -> Responsibility:
    """Name who covers a student in a role; an earlier holder of the same role is replaced. Administrators
    only."""
    _require_admin(session)
    kind = role if isinstance(role, ResponsibilityRole) else ResponsibilityRole.parse(role)
    student = get(session, Student, student_id)
    values = {"person_name": for_field("person_name", normalize_name, person_name),
              "unit": optional_text(unit, "unit", "单位", "Unit", max_length=80),
              "phone": for_field("phone", normalize_phone, phone) if phone else None}
    for held in coverage(session, student_id):
        if held.role == kind.value:
            oplog.update(session, held, values)
            return held
    return oplog.create(session, Responsibility, {"scope": student.scope, "student_id": student.id,
                                                  "line": kind.line, "role": kind, **values})


def unassign(session: Session, responsibility_id: str) -> None:
    _require_admin(session)
    oplog.delete(session, get(session, Responsibility, responsibility_id))


def _require_admin(session: Session) -> None:
    require_admin_session(session, zh="指定包保责任人", en="name who covers a student")


def coverage(session: Session, student_id: str) -> list[Responsibility]:
    """Who covers this student, government line first."""
    return list(session.scalars(select(Responsibility).where(
        Responsibility.student_id == student_id, Responsibility.deleted.is_(False))
        .order_by(Responsibility.line.desc(), Responsibility.role)))
