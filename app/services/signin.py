"""Signing in (with lock-out after repeated failures, and the audit of both) and checking a signed-in user's
password again, for the idle lock (the database stays open meanwhile)."""

from __future__ import annotations

import contextlib
import hmac
import json
import math
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.config import KEYSLOT_FILE
from app.domain.errors import DomainError
from app.store.db import Database
from app.store.keys import KeyRing, WrongPassword
from app.store.types import parse_utc, utc_text


def verify_password(database: Database, password: str) -> None:
    """Raise WrongPassword unless ``password`` opens the signed-in user's key slot to this database's key."""
    if database.user is None:
        raise DomainError("没有登录的用户。", "No user is signed in.")
    ring = KeyRing.load(database.data_dir / KEYSLOT_FILE)
    # Only the signed-in user's own slot is tried: the lock belongs to the user who signed in.
    _slot, key = ring.unlock(database.user.username, password)
    if not hmac.compare_digest(key, database.data_key):
        raise WrongPassword()


# ----------------------------------------------------------------------------- sign-in with lock-out
#: Failed sign-ins that lock a user name out, the lock's length, and how long a failure counts.
MAX_FAILURES = 5
LOCK_MINUTES = 15
FAILURE_WINDOW = timedelta(hours=1)
ATTEMPTS_FILE = "signin-attempts.json"
_FORMAT = "jiafang-signin/1"
_ANYONE = "*"  # scripts that give only a password (no user name)


class LockedOut(DomainError):
    def __init__(self, minutes: int) -> None:
        super().__init__(f"登录失败次数过多，这个账号已暂时锁定，请在 {minutes} 分钟后再试。",
                         f"Too many failed sign-ins: this account is locked for now. Try again in {minutes} "
                         f"minute{'s' if minutes != 1 else ''}.")
        self.minutes = minutes


class FailedSignIn(WrongPassword):
    """A wrong password that also says how many tries are left before the lock."""

    def __init__(self, left: int) -> None:
        DomainError.__init__(
            self, f"用户名或密码不正确。再错 {left} 次，这个账号将锁定 {LOCK_MINUTES} 分钟。",
            f"Wrong user name or password. {left} more failure{'s' if left != 1 else ''} will lock the account "
            f"for {LOCK_MINUTES} minutes.")
        self.left = left


class SignInAttempts:
    """Failed sign-ins, kept outside the encrypted database because they are counted before it can be opened.

    The file holds salted hashes of the user names typed (the key file's salt; no name in clear) and times
    only. Failures not yet written to the audit log wait in ``pending`` until the next successful sign-in.
    """

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.labels: dict[str, dict[str, Any]] = data.get("labels", {})
        self.pending: list[dict[str, str]] = data.get("pending", [])

    @classmethod
    def load(cls, data_dir: Path) -> SignInAttempts:
        path = data_dir / ATTEMPTS_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("format") != _FORMAT:
                data = {}
        except (OSError, ValueError):
            data = {}  # missing or damaged: start counting again (the lock is a brake, not the protection)
        return cls(path, data)

    def save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"format": _FORMAT, "labels": self.labels, "pending": self.pending}, indent=1),
                       encoding="utf-8")
        os.replace(tmp, self.path)

    def locked_minutes(self, label: str, now: datetime) -> int:
        """Minutes (rounded up) until ``label`` may try again; 0 when it is not locked."""
        until = self.labels.get(label, {}).get("locked_until")
        if not until:
            return 0
        left = (parse_utc(until) - now).total_seconds()
        return max(0, math.ceil(left / 60))

    def fail(self, label: str, now: datetime) -> int:
        """Count a failure; returns the tries left before the lock (0: now locked)."""
        entry = self.labels.setdefault(label, {})
        failures = [t for t in entry.get("failures", []) if now - parse_utc(t) < FAILURE_WINDOW]
        failures.append(utc_text(now))
        self.pending.append({"label": label, "at": utc_text(now)})
        if len(failures) >= MAX_FAILURES:
            entry["locked_until"] = utc_text(now + timedelta(minutes=LOCK_MINUTES))
            failures = []
        entry["failures"] = failures
        return 0 if not failures else MAX_FAILURES - len(failures)

    def succeed(self, label: str) -> list[dict[str, str]]:
        """Forget this name's failures; returns (and forgets) every failure not yet audited."""
        self.labels.pop(label, None)
        pending, self.pending = self.pending, []
        return pending


def _label(data_dir: Path, username: str | None) -> tuple[KeyRing, str]:
    ring = KeyRing.load(data_dir / KEYSLOT_FILE)
    return ring, ring.label_for(username) if username and username.strip() else _ANYONE


def sign_in(data_dir: Path, username: str | None, password: str, *, now: datetime | None = None) -> Database:
    """Open the data folder as this user, refusing a locked-out name; audits the sign-in and the failures.

    After :data:`MAX_FAILURES` wrong passwords within an hour a user name is locked for :data:`LOCK_MINUTES`.
    Failed attempts are written to the audit log at the next successful sign-in (before it, the database
    cannot be opened).
    """
    from app.store.db import folder_exists, open_folder

    if not folder_exists(data_dir):
        return open_folder(data_dir, username, password)  # raises its message: no database, no key file
    now = now or datetime.now(UTC)
    ring, label = _label(data_dir, username)
    attempts = SignInAttempts.load(data_dir)
    minutes = attempts.locked_minutes(label, now)
    if minutes:
        raise LockedOut(minutes)
    try:
        database = open_folder(data_dir, username, password)
    except WrongPassword:
        left = attempts.fail(label, now)
        _save_quietly(attempts)
        if left == 0:
            raise LockedOut(LOCK_MINUTES) from None
        raise FailedSignIn(left) from None
    pending = attempts.succeed(label)
    try:
        _audit_sign_in(database, ring, pending, now)
    except BaseException:
        database.close()
        raise
    _save_quietly(attempts)
    return database


def _save_quietly(attempts: SignInAttempts) -> None:
    # A read-only or full disk must not stop a teacher from signing in; the count is a brake only.
    with contextlib.suppress(OSError):
        attempts.save()


def _audit_sign_in(database: Database, ring: KeyRing, pending: list[dict[str, str]], now: datetime) -> None:
    from sqlalchemy import select

    from app.services.audit import AuditAction, record_event
    from app.store.models import User

    assert database.user is not None
    with database.write() as session:
        if pending:
            users_by_label = {ring.label_for(u.username): u.id for u in session.scalars(select(User))}
            for failure in pending:
                target = users_by_label.get(failure["label"])
                record_event(session, AuditAction.SIGN_IN_FAILED, target=target, user_id=target,
                             detail=None if target or failure["label"] == _ANYONE else "unknown_user",
                             at=parse_utc(failure["at"]))
        record_event(session, AuditAction.SIGNED_IN, target=database.user.id, at=now)
