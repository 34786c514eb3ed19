"""Checking a signed-in user's password again, for the idle lock (the database stays open meanwhile)."""

from __future__ import annotations

import hmac

from app.config import KEYSLOT_FILE
from app.domain.errors import DomainError
from app.store.db import Database
from app.store.keys import KeyRing, WrongPassword


def verify_password(database: Database, password: str) -> None:
    """Raise WrongPassword unless ``password`` opens the signed-in user's key slot to this database's key."""
    if database.user is None:
        raise DomainError("没有登录的用户。", "No user is signed in.")
    ring = KeyRing.load(database.data_dir / KEYSLOT_FILE)
    # Only the signed-in user's own slot is tried: the lock belongs to the user who signed in.
    _slot, key = ring.unlock(database.user.username, password)
    if not hmac.compare_digest(key, database.data_key):
        raise WrongPassword()
