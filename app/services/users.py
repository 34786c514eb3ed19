"""People who sign in on this laptop. A password opens its own key slot; no password hash is stored."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app.config import KEYSLOT_FILE
from app.domain.codes import UserRole
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.passwords import check_password
from app.store.db import Database
from app.store.ids import uuid7
from app.store.keys import KeyRing
from app.store.models import User


def add_user(database: Database, *, username: str, password: str, role: UserRole | str,
             display_name: str | None = None, school_id: str | None = None) -> User:
    """Add a user (administrators only): a new key slot wraps the data key with the user's password."""
    if database.user is None or database.user.role is UserRole.TEACHER:
        raise PermissionDenied("只有管理员可以添加用户。", "Only an administrator can add users.")
    kind = role if isinstance(role, UserRole) else UserRole.parse(role)
    name = username.strip()
    if not name or len(name) > 40:
        raise ValidationError("用户名应为 1–40 个字符。", "A user name has 1–40 characters.", field="username")
    check_password(password)
    ring = KeyRing.load(database.data_dir / KEYSLOT_FILE)
    # Sign-in finds a user's key slot by the case-folded name, so names may not differ only in case.
    with database.read() as session:
        taken = any(existing.casefold() == name.casefold() for existing in session.scalars(select(User.username)))
    if taken or any(slot.label == ring.label_for(name) for slot in ring.slots):
        raise ValidationError(f"用户名“{name}”已存在。", f"The user name '{name}' is taken.", field="username")
    slot_id = uuid7()
    ring.add(slot_id, ring.label_for(name), password, database.data_key)
    user = User(id=uuid7(), username=name, display_name=display_name or name, role=kind.value,
                school_id=school_id, key_slot_id=slot_id, active=True, created_at=datetime.now(UTC))
    with database.write() as session:
        session.add(user)
        session.flush()
        ring.save()  # inside the transaction: if the slot cannot be saved, the user is not added
    return user
