"""Sign-in: lock-out after repeated failures (counted outside the encrypted database), and its audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.domain.codes import UserRole
from app.services.audit import list_events
from app.services.signin import ATTEMPTS_FILE, FailedSignIn, LockedOut, sign_in
from app.services.users import add_user
from app.store.db import Database
from tests.conftest import PASSWORD

T0 = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


def _fail(data_dir: Path, times: int, *, user: str = "admin", start: datetime = T0) -> None:
    for i in range(times):
        with pytest.raises((FailedSignIn, LockedOut)):
            sign_in(data_dir, user, "wrong-password", now=start + timedelta(seconds=i))


def test_five_failures_lock_the_name_for_fifteen_minutes(database: Database, data_dir: Path) -> None:
    add_user(database, username="韦老师", password="teacher-pass-1", role=UserRole.TEACHER)
    database.close()
    with pytest.raises(FailedSignIn) as first:
        sign_in(data_dir, "admin", "wrong-password", now=T0)
    assert first.value.left == 4 and "再错 4 次" in first.value.zh
    _fail(data_dir, 3, start=T0 + timedelta(seconds=1))
    with pytest.raises(LockedOut) as locked:
        sign_in(data_dir, "admin", "wrong-password", now=T0 + timedelta(seconds=5))
    assert locked.value.minutes == 15
    # Locked: even the right password is refused, with the time left.
    with pytest.raises(LockedOut) as still:
        sign_in(data_dir, "admin", PASSWORD, now=T0 + timedelta(minutes=10, seconds=5))
    assert still.value.minutes == 5 and "5 分钟" in still.value.zh and "5 minutes" in still.value.en
    # Another user is not locked.
    sign_in(data_dir, "韦老师", "teacher-pass-1", now=T0 + timedelta(minutes=1)).close()
    # The file names no one: salted hashes and times only.
    stored = (data_dir / ATTEMPTS_FILE).read_text(encoding="utf-8")
    assert "admin" not in stored and "韦老师" not in stored and "\\u97e6" not in stored
    after = sign_in(data_dir, "admin", PASSWORD, now=T0 + timedelta(minutes=15, seconds=6))
    after.close()


def test_failures_are_audited_at_the_next_sign_in(database: Database, data_dir: Path) -> None:
    admin_id = database.user.id  # type: ignore[union-attr]
    database.close()
    _fail(data_dir, 2)
    _fail(data_dir, 1, user="nobody", start=T0 + timedelta(seconds=30))
    opened = sign_in(data_dir, "admin", PASSWORD, now=T0 + timedelta(minutes=1))
    try:
        with opened.read() as session:
            lines = list_events(session, role=UserRole.SCHOOL_ADMIN)
        assert [(line.action, line.target, line.detail) for line in lines] == [
            ("sign_in_failed", admin_id, None), ("sign_in_failed", admin_id, None),
            ("sign_in_failed", None, "unknown_user"), ("signed_in", admin_id, None)]
    finally:
        opened.close()
    # A success clears the count: four more failures do not lock.
    _fail(data_dir, 4, start=T0 + timedelta(minutes=2))
    sign_in(data_dir, "admin", PASSWORD, now=T0 + timedelta(minutes=3)).close()


def test_failures_spread_over_more_than_an_hour_do_not_lock(database: Database, data_dir: Path) -> None:
    database.close()
    for hour in range(6):
        _fail(data_dir, 1, start=T0 + timedelta(hours=hour))
    sign_in(data_dir, "admin", PASSWORD, now=T0 + timedelta(hours=6)).close()


def test_a_damaged_attempts_file_does_not_stop_sign_in(database: Database, data_dir: Path) -> None:
    database.close()
    (data_dir / ATTEMPTS_FILE).write_text("{not json", encoding="utf-8")
    sign_in(data_dir, "admin", PASSWORD).close()


def test_cli_says_how_long_the_lock_lasts(database: Database, data_dir: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from app.cli import main

    database.close()
    monkeypatch.setenv("JIAFANG_PASSWORD", "wrong-password")
    for _ in range(5):
        assert main(["--data-dir", str(data_dir), "--user", "admin", "check"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert "锁定" in err[-1] and "15 分钟" in err[-1]
    monkeypatch.setenv("JIAFANG_PASSWORD", PASSWORD)
    assert main(["--data-dir", str(data_dir), "--lang", "en", "--user", "admin", "check"]) == 1
    assert "Try again in 15 minutes" in capsys.readouterr().err
