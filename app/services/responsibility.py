"""双线四包: who covers a student on the government line and on the education line.

Who covers a student decides which teacher may change the student's records
(:func:`app.services.access.require_may_edit_student`), so naming them is an administrator's work.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.codes import ResponsibilityRole
from app.domain.contact import normalize_phone
from app.domain.names import normalize_name
from app.services.access import require_admin_session
from app.services.common import for_field, get, optional_text
from app.store import oplog
from app.store.models import Responsibility, Student

_CHUNK = 500  # ids per IN (...) query, well under SQLite's limit on bound parameters


def _validated(role: ResponsibilityRole | str, person_name: str, unit: str | None,
               phone: str | None) -> tuple[ResponsibilityRole, dict[str, Any]]:
    """The role and the person's fields as stored; ValidationError naming the form field otherwise."""
    kind = role if isinstance(role, ResponsibilityRole) else ResponsibilityRole.parse(role)
    values = {"person_name": for_field("person_name", normalize_name, person_name),
              "unit": optional_text(unit, "unit", "单位", "Unit", max_length=80),
              "phone": for_field("phone", normalize_phone, phone) if phone and phone.strip() else None}
    return kind, values


def assign(session: Session, student_id: str, role: ResponsibilityRole | str, person_name: str, *,
           unit: str | None = None, phone: str | None = None) -> Responsibility:
    """Name who covers a student in a role; an earlier holder of the same role is replaced. Administrators
    only."""
    _require_admin(session)
    kind, values = _validated(role, person_name, unit, phone)
    student = get(session, Student, student_id)
    for held in coverage(session, student_id):
        if held.role == kind.value:
            oplog.update(session, held, values)
            return held
    return oplog.create(session, Responsibility, {"scope": student.scope, "student_id": student.id,
                                                  "line": kind.line, "role": kind, **values})


def assign_many(session: Session, student_ids: Sequence[str], role: ResponsibilityRole | str, person_name: str,
                *, unit: str | None = None, phone: str | None = None) -> int:
    """Name one person in one role for many students at once (包班: the head teacher covers the class), in
    the caller's transaction; on each student an earlier holder of the role is replaced, as :func:`assign`
    does. Returns how many students are named (each once, however often it is listed).

    Administrators only. The person is validated once, and every student must exist (NotFoundError naming
    the first that does not) before anything is written.
    """
    _require_admin(session)
    kind, values = _validated(role, person_name, unit, phone)
    ids = list(dict.fromkeys(student_ids))
    scopes: dict[str, str] = {}
    held: dict[str, Responsibility] = {}
    for chunk in _chunks(ids):
        scopes.update((student_id, scope) for student_id, scope in session.execute(select(
            Student.id, Student.scope).where(Student.id.in_(chunk), Student.deleted.is_(False))))
        for duty in session.scalars(select(Responsibility).where(
                Responsibility.student_id.in_(chunk), Responsibility.deleted.is_(False),
                Responsibility.role == kind.value).order_by(Responsibility.id)):
            held.setdefault(duty.student_id, duty)
    missing = next((student_id for student_id in ids if student_id not in scopes), None)
    if missing is not None:
        get(session, Student, missing)  # raises NotFoundError, with the message one student's assign gives
    for duty in held.values():
        oplog.update(session, duty, values)
    new_rows = [{"scope": scopes[student_id], "student_id": student_id, "line": kind.line, "role": kind, **values}
                for student_id in ids if student_id not in held]
    if new_rows:
        oplog.create_many(session, Responsibility, new_rows)
    return len(ids)


def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def unassign(session: Session, responsibility_id: str) -> None:
    """Remove who covers a student in a role (the row is marked deleted; its history stays). Administrators
    only."""
    _require_admin(session)
    oplog.delete(session, get(session, Responsibility, responsibility_id))


def _require_admin(session: Session) -> None:
    require_admin_session(session, zh="指定包保责任人", en="name who covers a student")


def coverage(session: Session, student_id: str) -> list[Responsibility]:
    """Who covers this student, government line first."""
    return list(session.scalars(select(Responsibility).where(
        Responsibility.student_id == student_id, Responsibility.deleted.is_(False))
        .order_by(Responsibility.line.desc(), Responsibility.role)))
