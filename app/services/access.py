"""What each role may do on the laptop, and the audited reveal of a masked field.

Teachers see the students of their school with ID numbers, phone numbers and disability details masked;
school administrators and the district manage users, imports, exports and backups. A masked field is shown
in clear one view at a time through :func:`reveal_field`, which writes the reveal to the audit log; a
teacher may reveal a household's phone number (to call the family) and disability details (to plan the
support), never an ID number.

**A teacher edits the students they cover** (双线四包: school → teacher → student). Reading stays open to the
school's teachers; changing one student's records (the profile and flags, the household, visits, dropout
cases, return checks, key-target flags, absences) is for:

- work no user started (the sync applying other laptops' edits, the demo generator, the tests' own setup:
  :func:`session_role` is None), and administrators (school or district), always;
- a teacher account that *covers* the student: a live (not deleted) responsibility of the student on the
  **education line** (包片, 包班, 包生/包户) names the account's display name, both as
  :func:`app.domain.names.normalize_name` cleans them and with spaces left out (lists often pad a two-character
  name to the width of three: "李  芳" is 李芳), and the account's school (when it has one) is the student's
  school.

Accounts are not linked to responsibilities by id: the 包保 lists name people, and the same lists name
township and village cadres who have no account. The link is therefore the person's name, which is why a
teacher's display name must be their name as the responsibility lists write it (not "王老师"), why a
namesake at another school does not count, and why the government line (village cadres, township heads,
who never sign in as teachers) is left out: a cadre who shares a teacher's name would otherwise hand the
teacher the cadre's students. A display name that is not a valid personal name covers no one.

Administrators alone assign responsibilities (:mod:`app.services.responsibility`) and record registry
changes (:mod:`app.services.registry`: transfers, suspensions... are the school registrar's work); the
registry changes that follow a case's own moves (a case opened, a child back in class) go with the case.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.codes import ResponsibilityLine, UserRole
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.names import normalize_name
from app.services.audit import AuditAction, record_event
from app.services.common import get
from app.store import oplog
from app.store.db import SignedInUser
from app.store.models import Household, Responsibility, Student, User

ADMIN_ROLES = frozenset({UserRole.SCHOOL_ADMIN, UserRole.DISTRICT})
#: The fields a reveal can show, and the roles that may reveal each.
REVEALABLE: dict[str, frozenset[UserRole]] = {
    "id_number": ADMIN_ROLES,
    "phone": ADMIN_ROLES | {UserRole.TEACHER},
    "disability": ADMIN_ROLES | {UserRole.TEACHER},
}
_CHUNK = 500  # ids per IN (...) query, well under SQLite's limit on bound parameters
_NAMED = 5  # students named in a batch's refusal; the rest are counted


class NotCovered(PermissionDenied):
    """A teacher tried to change the records of students they do not cover; ``student_ids`` names them."""

    def __init__(self, zh: str, en: str, *, field: str | None = None, student_ids: Sequence[str] = ()) -> None:
        super().__init__(zh, en, field=field)
        self.student_ids = tuple(student_ids)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.zh, self.en), {"field": self.field, "student_ids": self.student_ids})


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


# ----------------------------------------------------------------------------- who covers a student
def _teacher(session: Session) -> User | None:
    """The account this session works for when its edits are limited to the students it covers."""
    user_id = session.info.get(oplog.USER_KEY)
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or UserRole(user.role) in ADMIN_ROLES:
        return None
    return user


def _person_name(user: User) -> str | None:
    """The account's name as a responsibility's name is compared with it (spaces left out)."""
    try:
        return normalize_name(user.display_name or "").replace(" ", "")
    except ValidationError:
        return None  # "teacher1", "王老师2": not a name any responsibility can carry


def _covered(session: Session, user: User, student_ids: Iterable[str]) -> set[str]:
    """Which of these students the account covers (see the module's docstring)."""
    name = _person_name(user)
    ids = sorted(set(student_ids))
    if name is None or not ids:
        return set()
    found: set[str] = set()
    for start in range(0, len(ids), _CHUNK):
        query = (select(Responsibility.student_id).join(Student, Student.id == Responsibility.student_id)
                 .where(Responsibility.student_id.in_(ids[start:start + _CHUNK]),
                        Responsibility.deleted.is_(False),
                        Responsibility.line == ResponsibilityLine.EDUCATION.value,
                        func.replace(Responsibility.person_name, " ", "") == name))
        if user.school_id:
            query = query.where(Student.school_id == user.school_id)
        found.update(session.scalars(query.distinct()))
    return found


def _what_to_do() -> tuple[str, str]:
    return ("请管理员在学生的“包保责任人”中添加你，或请包保老师修改。",
            "Ask an administrator to add you under the student's 'Who covers the student', or ask the teacher "
            "who covers the student to make the change.")


def _not_covered(user: User, student: Student) -> NotCovered:
    zh_do, en_do = _what_to_do()
    shown = (user.display_name or user.username).strip()
    return NotCovered(
        f"{student.name} 不由你包保（包保责任人中没有“{shown}”），你可以查看，但不能修改。{zh_do}",
        f"You do not cover {student.name} (no responsible person is named '{shown}'): you can view the "
        f"records but not change them. {en_do}", student_ids=(student.id,))


def edit_refusal(session: Session, student_id: str) -> NotCovered | None:
    """Why this session may not change the student's records (the error to show), or None when it may.

    A page uses it to show a record read-only with the reason; the services raise it through
    :func:`require_may_edit_student`. NotFoundError when a teacher asks about a student that is not there.
    """
    user = _teacher(session)
    if user is None:
        return None
    student = get(session, Student, student_id)
    if student.id in _covered(session, user, [student.id]):
        return None
    return _not_covered(user, student)


def may_edit_student(session: Session, student_id: str) -> bool:
    """Whether this session may change the records of this student (see the module's docstring)."""
    return edit_refusal(session, student_id) is None


def require_may_edit_student(session: Session, student_id: str) -> None:
    """NotCovered (a PermissionDenied that says what to do) when this session may not change the records of
    this student. Called first by every service that changes one student's records for a user."""
    refusal = edit_refusal(session, student_id)
    if refusal is not None:
        raise refusal


def uncovered_students(session: Session, student_ids: Sequence[str]) -> list[str]:
    """The students of a batch this session may not change, in the order given (empty when it may change
    them all)."""
    user = _teacher(session)
    if user is None:
        return []
    covered = _covered(session, user, student_ids)
    return [student_id for student_id in dict.fromkeys(student_ids) if student_id not in covered]


def require_may_edit_students(session: Session, student_ids: Sequence[str], *, zh_action: str,
                              en_action: str) -> None:
    """NotCovered naming the students of a batch this session does not cover (all of them in its
    ``student_ids``, the first as ``field``), so that a batch is refused whole, before anything is written.
    ``zh_action``/``en_action`` name the batch: "这次返校核查" / "this return check"."""
    refused = uncovered_students(session, student_ids)
    if not refused:
        return
    names = [get(session, Student, student_id).name for student_id in refused[:_NAMED]]
    more_zh = f"等 {len(refused)} 名学生" if len(refused) > _NAMED else ""
    more_en = f" and {len(refused) - _NAMED} more" if len(refused) > _NAMED else ""
    raise NotCovered(
        f"{'、'.join(names)}{more_zh}不由你包保，{zh_action}没有写入任何记录。请包保这些学生的老师或管理员来做，"
        "或请管理员在学生的“包保责任人”中添加你。",
        f"You do not cover {', '.join(names)}{more_en}: nothing of {en_action} was recorded. Ask the teacher "
        "who covers them or an administrator to do it, or ask an administrator to add you under the students' "
        "'Who covers the student'.", field=refused[0], student_ids=refused)


def require_may_edit_household(session: Session, household_id: str) -> None:
    """NotCovered unless this session may change the household: a teacher must cover one of its students."""
    user = _teacher(session)
    if user is None:
        return
    household = get(session, Household, household_id)
    students = list(session.scalars(select(Student.id).where(
        Student.household_id == household.id, Student.deleted.is_(False))))
    if _covered(session, user, students):
        return
    zh_do, en_do = _what_to_do()
    head = household.head_name or household.address
    raise NotCovered(f"这户家庭{f'（{head}）' if head else ''}没有你包保的学生，你可以查看，但不能修改。{zh_do}",
                     f"You cover no student of this household{f' ({head})' if head else ''}: you can view it but "
                     f"not change it. {en_do}", student_ids=tuple(students))


# ----------------------------------------------------------------------------- reveals
def reveal_allowed(role: UserRole | str | None) -> bool:
    """Whether a user in ``role`` may print or export full ID, student and phone numbers and disability details
    (``reveal``, ``--reveal``): school administrators and the district."""
    return role is not None and UserRole(role) in ADMIN_ROLES


def require_reveal(session: Session, reveal: bool, *, zh_action: str, en_action: str) -> None:
    """PermissionDenied when ``reveal`` is asked for by a user who may not (:func:`reveal_allowed`); work no user
    started may. ``zh_action``/``en_action`` say what was asked: "打印" / "print"."""
    if not reveal:
        return
    user_id = session.info.get(oplog.USER_KEY)
    user = session.get(User, user_id) if user_id else None
    if user is not None and not reveal_allowed(user.role):
        raise PermissionDenied(f"教师账号不能{zh_action}完整的身份证号和电话号码。",
                               f"A teacher's account cannot {en_action} full ID and phone numbers.")


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
