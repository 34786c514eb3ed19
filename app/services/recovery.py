"""The district recovery key: a forgotten password loses nothing.

The data key is also wrapped (Argon2id + AES-GCM, like a user's slot) with a random recovery secret, in a key
slot labelled ``recovery``. The secret is shown once, when it is made, and kept by the district on paper or
in its safe; with it, :func:`reset_password` gives a user a new password (a new key slot; the old one is
removed) without the old password. Both are written to the audit log.

The store and the audit log are imported where they are used: the sign-in window asks
:func:`has_recovery_key` as it appears, and that must not wait for SQLAlchemy and the models.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import DATABASE_FILE, KEYSLOT_FILE
from app.domain.errors import DomainError, NotFoundError
from app.domain.passwords import check_password
from app.store.ids import uuid7
from app.store.keys import KeyRing

if TYPE_CHECKING:
    from app.store.db import Database

RECOVERY_LABEL = "recovery"
_SECRET_BYTES = 20  # 160 bits: 32 base32 letters, typed in groups of four


class WrongRecoveryKey(DomainError):
    def __init__(self) -> None:
        super().__init__("恢复密钥不正确。", "Wrong recovery key.")


def normalize_secret(text: str) -> str:
    """The secret as stored: letters and digits only, upper case (the groups and spaces are for people)."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def format_secret(secret: str) -> str:
    return "-".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def create_recovery_key(database: Database) -> str:
    """Make (or replace) the recovery slot; returns the secret, formatted for people, shown only now.

    Administrators only. A previous recovery secret stops working.
    """
    from app.services.audit import AuditAction, record_event, require_admin

    require_admin(database.user.role if database.user else None)
    secret = base64.b32encode(os.urandom(_SECRET_BYTES)).decode("ascii")
    ring = KeyRing.load(database.data_dir / KEYSLOT_FILE)
    for slot in [s for s in ring.slots if s.label == RECOVERY_LABEL]:
        ring.remove(slot.slot_id)
    ring.add(uuid7(), RECOVERY_LABEL, secret, database.data_key)
    with database.write() as session:
        record_event(session, AuditAction.RECOVERY_KEY_CREATED)
        ring.save()  # inside the transaction: if the slot cannot be saved, nothing is recorded
    return format_secret(secret)


def has_recovery_key(data_dir: Path) -> bool:
    return any(s.label == RECOVERY_LABEL for s in KeyRing.load(data_dir / KEYSLOT_FILE).slots)


@dataclass(frozen=True)
class ResetResult:
    user_id: str
    username: str


def reset_password(data_dir: Path, username: str, recovery_secret: str, new_password: str) -> ResetResult:
    """Give ``username`` a new password with the recovery secret: a new key slot wrapping the same data key
    (so every record stays readable), the user's old slot removed, the reset audited."""
    from sqlalchemy import select

    from app.services.audit import AuditAction, record_event
    from app.services.users import forget_failed_sign_ins, replace_key_slot
    from app.store.db import Database, migrate
    from app.store.models import User

    check_password(new_password)
    ring = KeyRing.load(data_dir / KEYSLOT_FILE)
    slots = [s for s in ring.slots if s.label == RECOVERY_LABEL]
    if not slots:
        raise DomainError("这个数据文件夹没有恢复密钥（可由管理员用 jiafang recovery-key create 建立）。",
                          "This data folder has no recovery key (an administrator makes one with "
                          "`jiafang recovery-key create`).")
    key = slots[0].unwrap(normalize_secret(recovery_secret))
    if key is None:
        raise WrongRecoveryKey()
    migrate(data_dir / DATABASE_FILE, key)
    database = Database(data_dir, key)
    try:
        name = username.strip()
        with database.write() as session:
            user = next((u for u in session.scalars(select(User)) if u.username.casefold() == name.casefold()),
                        None)
            if user is None or not user.active:
                raise NotFoundError(f"没有用户“{name}”。", f"No user '{name}'.", field="username")
            replace_key_slot(ring, user, new_password, key)
            session.flush()
            record_event(session, AuditAction.PASSWORD_RESET, target=user.id, user_id=None, detail="recovery_key")
            ring.save()  # inside the transaction: if the key file cannot be written, the reset is undone
            result = ResetResult(user.id, user.username)
    finally:
        database.close()
    forget_failed_sign_ins(data_dir, result.username)
    return result
