"""People who sign in on this laptop, and their management by an administrator.

A password opens its own key slot in ``keyslots.json`` (the data key wrapped with it): no password hash is
stored. Setting a password replaces the user's slot; deactivating removes it, so the old password no longer
opens the data at all; reactivating needs a new password.

Users are local to the laptop (``app_user`` is not a synced table): of everything done here only the audit
events travel. The key file and the table change together (:func:`_keys_and_rows`): when the key file cannot
be written the table is left as it was, and when the database cannot commit the key file is put back.
"""

from __future__ import annotations

import contextlib
import hmac
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.config import KEYSLOT_FILE
from app.domain.codes import UserRole
from app.domain.errors import DomainError, LifecycleError, NotFoundError, PermissionDenied, ValidationError
from app.domain.passwords import check_password
from app.services.access import ADMIN_ROLES, session_role
from app.services.audit import AuditAction, record_event
from app.store.db import Database, SignedInUser
from app.store.ids import uuid7
from app.store.keys import KeyRing, WrongPassword
from app.store.models import AuditEvent, DeviceState, School, User
from app.store.types import utc_text

MAX_NAME = 40  # app_user.username and display_name are VARCHAR(40)


class WrongOldPassword(WrongPassword):
    """The current password typed to change it does not open the user's key slot."""

    def __init__(self, *_rebuilt: object, **_field: object) -> None:  # (arguments: see DomainError.__reduce__)
        DomainError.__init__(self, "当前密码不正确。", "The current password is wrong.", field="old_password")


# ----------------------------------------------------------------------------- checks
def _admin(database: Database, zh: str = "只有管理员可以管理用户。",
           en: str = "Only an administrator can manage users.") -> SignedInUser:
    if database.user is None or database.user.role not in ADMIN_ROLES:
        raise PermissionDenied(zh, en)
    return database.user


def _role(role: UserRole | str) -> UserRole:
    return role if isinstance(role, UserRole) else UserRole.parse(role)


def _username(text: str) -> str:
    name = text.strip()
    if not name or len(name) > MAX_NAME:
        raise ValidationError("用户名应为 1–40 个字符。", "A user name has 1–40 characters.", field="username")
    return name


def _display_name(text: str | None, username: str) -> str:
    name = (text or "").strip() or username
    if len(name) > MAX_NAME:
        raise ValidationError("显示名称最多 40 个字符。", "A display name has at most 40 characters.",
                              field="display_name")
    return name


def confirm_password(password: str, again: str) -> None:
    """The rules of :func:`check_password`, and the same password typed twice (a typo would lock someone out)."""
    check_password(password)
    if password != again:
        raise ValidationError("两次输入的密码不一样。", "The two passwords differ.", field="password_again")


def find_user(session: Session, username: str) -> User:
    """The user of this name (case does not matter: sign-in finds key slots by the case-folded name)."""
    name = username.strip()
    folded = name.casefold()
    found = next((u for u in session.scalars(select(User)) if u.username.casefold() == folded), None)
    if found is None:
        raise NotFoundError(f"没有用户“{name}”。", f"No user '{name}'.", field="username")
    return found


def _other_active_admins(session: Session, user_id: str) -> int:
    return int(session.scalar(select(func.count()).select_from(User).where(
        User.active.is_(True), User.id != user_id, User.role.in_([r.value for r in ADMIN_ROLES]))) or 0)


def _keep_an_admin(session: Session, user: User) -> None:
    if UserRole(user.role) in ADMIN_ROLES and user.active and not _other_active_admins(session, user.id):
        raise LifecycleError(f"“{user.username}”是最后一个启用的管理员账号，不能停用或改为教师。",
                             f"'{user.username}' is the last active administrator; it cannot be deactivated or "
                             "made a teacher.", field="username")


# ----------------------------------------------------------------------------- schools
def resolve_school(session: Session, text: str) -> str:
    """A school's id from its id, 学校标识码 or name (a unique part of the name will do)."""
    wanted = text.strip()
    rows = list(session.execute(select(School.id, School.name).where(
        School.deleted.is_(False),
        or_(School.id == wanted, School.code == wanted, School.name == wanted, School.name.contains(wanted)))))
    exact = [r for r in rows if wanted in (r[0], r[1])]
    matches = exact or rows
    if len(matches) == 1:
        return str(matches[0][0])
    if not matches:
        raise NotFoundError(f"没有学校“{wanted}”。", f"No school '{wanted}'.", field="school")
    names = "、".join(str(m[1]) for m in matches[:5])
    raise ValidationError(f"“{wanted}”对应多所学校：{names}……请写全称或编号。",
                          f"'{wanted}' matches several schools: {names}…; give the full name or id.", field="school")


def default_school_id(session: Session, user: SignedInUser | None) -> str | None:
    """The school a new teacher or school administrator belongs to when none is given: the signed-in
    administrator's, else this laptop's, else the only school in the records (None when there are several)."""
    if user is not None and user.school_id:
        return user.school_id
    state = session.get(DeviceState, 1)
    if state is not None and state.school_id:
        return state.school_id
    ids = list(session.scalars(select(School.id).where(School.deleted.is_(False)).limit(2)))
    return ids[0] if len(ids) == 1 else None


def _check_school(session: Session, school_id: str) -> None:
    school = session.get(School, school_id)
    if school is None or school.deleted:
        raise NotFoundError("所选学校不存在。", "The chosen school does not exist.", field="school")


# ----------------------------------------------------------------------------- key file and table together
def _put_back(path: Path, content: bytes) -> None:
    tmp = path.with_suffix(".restore")
    with open(tmp, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


@contextmanager
def _keys_and_rows(database: Database) -> Iterator[tuple[Session, KeyRing]]:
    """A write session and the key file, read under the writer's lock and changed together.

    The key file is saved after the rows are flushed and before the commit: a key file that cannot be saved
    rolls the rows back, and a commit that fails puts the previous key file back.
    """
    path = database.data_dir / KEYSLOT_FILE
    previous: bytes | None = None
    try:
        with database.write() as session:
            ring = KeyRing.load(path)
            yield session, ring
            session.flush()
            previous = path.read_bytes()
            ring.save()
    except BaseException:
        if previous is not None:
            with contextlib.suppress(OSError):  # the first error is the one to report
                _put_back(path, previous)
        raise


def _drop_slots(ring: KeyRing, user: User) -> None:
    """Remove every slot of this user (its own, and any left under its name), so no old password opens it."""
    label = ring.label_for(user.username)
    for slot in [s for s in ring.slots if s.slot_id == user.key_slot_id or s.label == label]:
        ring.remove(slot.slot_id)


def replace_key_slot(ring: KeyRing, user: User, password: str, data_key: bytes) -> None:
    """Give ``user`` a new key slot opened by ``password`` (every earlier slot of theirs removed)."""
    _drop_slots(ring, user)
    slot_id = uuid7()
    ring.add(slot_id, ring.label_for(user.username), password, data_key)
    user.key_slot_id = slot_id


def forget_failed_sign_ins(data_dir: Path, username: str) -> None:
    """A new password starts with a clean count of failed sign-ins."""
    from app.services.signin import SignInAttempts

    with contextlib.suppress(Exception):  # the count is a brake only; the change itself is done
        ring = KeyRing.load(data_dir / KEYSLOT_FILE)
        attempts = SignInAttempts.load(data_dir)
        if attempts.labels.pop(ring.label_for(username), None) is not None:
            attempts.save()


# ----------------------------------------------------------------------------- adding and listing
def add_user(database: Database, *, username: str, password: str, role: UserRole | str,
             display_name: str | None = None, school_id: str | None = None) -> User:
    """Add a user (administrators only): a new key slot wraps the data key with the user's password.

    A teacher or school administrator given no school belongs to :func:`default_school_id`'s.
    """
    actor = _admin(database, "只有管理员可以添加用户。", "Only an administrator can add users.")
    kind = _role(role)
    name = _username(username)
    shown = _display_name(display_name, name)
    check_password(password)
    with _keys_and_rows(database) as (session, ring):
        # Sign-in finds a user's key slot by the case-folded name, so names may not differ only in case.
        taken = any(existing.casefold() == name.casefold() for existing in session.scalars(select(User.username)))
        if taken or any(slot.label == ring.label_for(name) for slot in ring.slots):
            raise ValidationError(f"用户名“{name}”已存在。", f"The user name '{name}' is taken.", field="username")
        if school_id:
            _check_school(session, school_id)
        elif kind is not UserRole.DISTRICT:
            school_id = default_school_id(session, actor)
        user = User(id=uuid7(), username=name, display_name=shown, role=kind.value, school_id=school_id,
                    key_slot_id="", active=True, created_at=datetime.now(UTC))
        replace_key_slot(ring, user, password, database.data_key)
        session.add(user)
        session.flush()
        record_event(session, AuditAction.USER_ADDED, target=user.id, detail=kind.value)
    return user


@dataclass(frozen=True)
class UserSummary:
    id: str
    username: str
    display_name: str
    role: UserRole
    school_id: str | None
    school_name: str | None
    active: bool
    created_at: datetime
    last_sign_in: datetime | None  # from the audit log: the newest sign-in of this account

    def as_dict(self) -> dict[str, Any]:
        return {"username": self.username, "display_name": self.display_name, "role": self.role.value,
                "school_id": self.school_id, "school": self.school_name, "active": self.active,
                "created_at": utc_text(self.created_at),
                "last_sign_in": utc_text(self.last_sign_in) if self.last_sign_in else None}


def _require_admin_session(session: Session) -> None:
    if session_role(session) not in ADMIN_ROLES:
        raise PermissionDenied("只有管理员可以查看用户。", "Only an administrator can see the users.")


def count_users(session: Session) -> int:
    """How many accounts :func:`list_users` lists (administrators only)."""
    _require_admin_session(session)
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def list_users(session: Session, *, offset: int = 0, limit: int | None = None) -> list[UserSummary]:
    """The accounts of this laptop, active ones first, by user name (administrators only)."""
    _require_admin_session(session)
    query = (select(User, School.name).outerjoin(School, School.id == User.school_id)
             .order_by(User.active.desc(), User.username).offset(offset))
    if limit is not None:
        query = query.limit(limit)
    rows = list(session.execute(query))
    ids = [user.id for user, _school in rows]
    last: dict[str, datetime] = {}
    if ids:
        last = {str(who): at for who, at in session.execute(
            select(AuditEvent.user_id, func.max(AuditEvent.at))
            .where(AuditEvent.action == AuditAction.SIGNED_IN.value, AuditEvent.user_id.in_(ids))
            .group_by(AuditEvent.user_id))}
    return [UserSummary(user.id, user.username, user.display_name, UserRole(user.role), user.school_id, school,
                        bool(user.active), user.created_at, last.get(user.id)) for user, school in rows]


# ----------------------------------------------------------------------------- changing
def set_password(database: Database, username: str, new_password: str) -> User:
    """An administrator gives a user a new password: a new key slot, the old one removed (the old password
    opens nothing from now on). Audited."""
    _admin(database)
    check_password(new_password)
    with _keys_and_rows(database) as (session, ring):
        user = find_user(session, username)
        if not user.active:
            raise LifecycleError(f"用户“{user.username}”已停用；重新启用时设定新密码。",
                                 f"The user '{user.username}' is deactivated; reactivating sets a new password.",
                                 field="username")
        replace_key_slot(ring, user, new_password, database.data_key)
        record_event(session, AuditAction.PASSWORD_SET, target=user.id)
    forget_failed_sign_ins(database.data_dir, user.username)
    return user


def change_own_password(database: Database, old_password: str, new_password: str) -> None:
    """The signed-in user changes their own password; the current one must open their key slot. Audited."""
    if database.user is None:
        raise PermissionDenied("没有登录的用户。", "No user is signed in.")
    me = database.user
    ring = KeyRing.load(database.data_dir / KEYSLOT_FILE)
    try:
        slot, key = ring.unlock(me.username, old_password)
    except WrongPassword:
        raise WrongOldPassword() from None
    if not hmac.compare_digest(key, database.data_key):
        raise WrongOldPassword()
    check_password(new_password)
    if new_password == old_password:
        raise ValidationError("新密码不能与当前密码相同。", "The new password must differ from the current one.",
                              field="password")
    with _keys_and_rows(database) as (session, ring):
        user = session.get(User, me.id)
        if user is None or not user.active or user.key_slot_id != slot.slot_id:
            raise WrongOldPassword()  # changed meanwhile (an administrator set it): the old one is no more
        replace_key_slot(ring, user, new_password, database.data_key)
        record_event(session, AuditAction.PASSWORD_CHANGED, target=user.id)
    forget_failed_sign_ins(database.data_dir, me.username)


def deactivate_user(database: Database, username: str) -> User:
    """Stop an account: its key slot is removed, so its password no longer opens the data. Not oneself, not the
    last active administrator. Audited; :func:`reactivate_user` brings it back with a new password."""
    actor = _admin(database)
    with _keys_and_rows(database) as (session, ring):
        user = find_user(session, username)
        if user.id == actor.id:
            raise LifecycleError("不能停用自己的账号。", "You cannot deactivate your own account.", field="username")
        if not user.active:
            raise LifecycleError(f"用户“{user.username}”已经停用。", f"The user '{user.username}' is already "
                                 "deactivated.", field="username")
        _keep_an_admin(session, user)
        _drop_slots(ring, user)
        user.active = False
        record_event(session, AuditAction.USER_DEACTIVATED, target=user.id)
    return user


def reactivate_user(database: Database, username: str, new_password: str) -> User:
    """Bring a deactivated account back with a new password (a new key slot). Audited."""
    _admin(database)
    check_password(new_password)
    with _keys_and_rows(database) as (session, ring):
        user = find_user(session, username)
        if user.active:
            raise LifecycleError(f"用户“{user.username}”没有停用。", f"The user '{user.username}' is not "
                                 "deactivated.", field="username")
        replace_key_slot(ring, user, new_password, database.data_key)
        user.active = True
        record_event(session, AuditAction.USER_REACTIVATED, target=user.id)
    forget_failed_sign_ins(database.data_dir, user.username)
    return user


def set_role(database: Database, username: str, role: UserRole | str) -> User:
    """Give a user another role. Not one's own, and the last active administrator stays one. Audited."""
    actor = _admin(database)
    kind = _role(role)
    with database.write() as session:
        user = find_user(session, username)
        if user.id == actor.id:
            raise LifecycleError("不能更改自己的角色。", "You cannot change your own role.", field="role")
        if UserRole(user.role) is kind:
            return user
        if kind not in ADMIN_ROLES:
            _keep_an_admin(session, user)
        user.role = kind.value
        if kind is not UserRole.DISTRICT and not user.school_id:
            user.school_id = default_school_id(session, actor)
        record_event(session, AuditAction.ROLE_CHANGED, target=user.id, detail=kind.value)
    return user
