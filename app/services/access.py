"""What each role may do on the laptop, and the audited reveal of a masked field.

Teachers see the students of their school with ID numbers, phone numbers and disability details masked;
school administrators and the district manage users, imports, exports and backups. A masked field is shown
in clear one view at a time through :func:`reveal_field`, which writes the reveal to the audit log; a
teacher may reveal a household's phone number (to call the family) and disability details (to plan the
support), never an ID number.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.domain.codes import UserRole
from app.domain.errors import PermissionDenied, ValidationError
from app.services.audit import AuditAction, record_event
from app.services.common import get
from app.store import oplog
from app.store.db import SignedInUser
from app.store.models import Household, Student, User

ADMIN_ROLES = frozenset({UserRole.SCHOOL_ADMIN, UserRole.DISTRICT})
#: The fields a reveal can show, and the roles that may reveal each.
REVEALABLE: dict[str, frozenset[UserRole]] = {
    "id_number": ADMIN_ROLES,
    "phone": ADMIN_ROLES | {UserRole.TEACHER},
    "disability": ADMIN_ROLES | {UserRole.TEACHER},
}


def session_role(session: Session) -> UserRole | None:
    """The role of the user this session works for; None for work no user started (the sync, the tests'
    own setup)."""
    user_id = session.info.get(oplog.USER_KEY)
    if user_id is None:
        return None
    user = session.get(User, user_id)
    return None if user is None else UserRole(user.role)


def require_admin_session(session: Session, *, zh: str, en: str) -> None:
    """PermissionDenied (with the action named) when this session's user is a teacher."""
    role = session_role(session)
    if role is not None and role not in ADMIN_ROLES:
        raise PermissionDenied(f"只有管理员可以{zh}。", f"Only an administrator can {en}.")


def reveal_field(session: Session, user: SignedInUser, student_id: str, field: str) -> str:
    """The clear value of a masked field of a student (``id_number``, ``phone`` of the household,
    ``disability`` as type and grade codes), for one view; the reveal is audited. Empty text when the
    record has no value."""
    allowed = REVEALABLE.get(field)
    if allowed is None:
        raise ValidationError(f"不能显示字段“{field}”。", f"The field '{field}' cannot be revealed.", field="field")
    if user.role not in allowed:
        raise PermissionDenied("教师账号不能查看完整的身份证号。", "A teacher account cannot see full ID numbers.")
    student = get(session, Student, student_id)
    if field == "id_number":
        value = student.id_number or ""
    elif field == "phone":
        household = session.get(Household, student.household_id) if student.household_id else None
        value = (household.phone or "") if household is not None else ""
    else:
        value = "/".join(v for v in (student.disability_type, student.disability_grade) if v)
    record_event(session, AuditAction.REVEALED_FIELD, target=student_id, detail=field, user_id=user.id)
    return value
