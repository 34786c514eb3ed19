"""The district recovery key: a forgotten password is reset and nothing is lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.codes import UserRole
from app.domain.errors import DomainError, PermissionDenied
from app.services.audit import list_events
from app.services.recovery import WrongRecoveryKey, create_recovery_key, has_recovery_key, reset_password
from app.services.signin import sign_in
from app.services.users import add_user
from app.store.db import Database
from app.store.keys import WrongPassword
from app.store.models import Student
from tests.conftest import PASSWORD
from tests.services.support import dump


def test_forgotten_password_reset_keeps_every_record(database: Database, student: Student,
                                                     data_dir: Path) -> None:
    add_user(database, username="韦老师", password="teacher-pass-1", role=UserRole.TEACHER)
    secret = create_recovery_key(database)
    assert has_recovery_key(data_dir) and len(secret.replace("-", "")) == 32
    assert secret not in (data_dir / "keyslots.json").read_text(encoding="utf-8")
    before = dump(database)
    database.close()
    with pytest.raises(WrongRecoveryKey):
        reset_password(data_dir, "韦老师", "AAAA-BBBB", "new-teacher-pass-2")
    with pytest.raises(DomainError):
        reset_password(data_dir, "nobody", secret, "new-teacher-pass-2")
    # Typed in lower case and with spaces, as people do.
    result = reset_password(data_dir, "韦老师", secret.lower().replace("-", " "), "new-teacher-pass-2")
    with pytest.raises(WrongPassword):
        sign_in(data_dir, "韦老师", "teacher-pass-1")
    reopened = sign_in(data_dir, "韦老师", "new-teacher-pass-2")
    try:
        assert dump(reopened) == before
        assert reopened.user is not None and reopened.user.id == result.user_id
    finally:
        reopened.close()
    admin = sign_in(data_dir, "admin", PASSWORD)  # the other users' slots are untouched
    try:
        with admin.read() as session:
            actions = [(line.action, line.target) for line in list_events(session, role=UserRole.SCHOOL_ADMIN)]
        assert ("recovery_key_created", None) in actions and ("password_reset", result.user_id) in actions
    finally:
        admin.close()


def test_the_recovery_key_does_not_sign_anyone_in(database: Database, data_dir: Path) -> None:
    secret = create_recovery_key(database)
    database.close()
    with pytest.raises(WrongPassword):
        sign_in(data_dir, None, secret.replace("-", ""))


def test_a_new_recovery_key_replaces_the_old(database: Database, data_dir: Path) -> None:
    first = create_recovery_key(database)
    create_recovery_key(database)
    database.close()
    with pytest.raises(WrongRecoveryKey):
        reset_password(data_dir, "admin", first, "new-admin-pass-3")


def test_teachers_cannot_make_a_recovery_key(database: Database, data_dir: Path) -> None:
    add_user(database, username="teacher1", password="teacher-pass-1", role=UserRole.TEACHER)
    database.close()
    teacher = sign_in(data_dir, "teacher1", "teacher-pass-1")
    try:
        with pytest.raises(PermissionDenied):
            create_recovery_key(teacher)
    finally:
        teacher.close()
    assert not has_recovery_key(data_dir)


def test_cli_recovery_key_and_reset(database: Database, data_dir: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from app.cli import main

    database.close()
    out = tmp_path / "recovery.txt"
    monkeypatch.setenv("JIAFANG_PASSWORD", PASSWORD)
    assert main(["--data-dir", str(data_dir), "--user", "admin", "recovery-key", "create", "--out", str(out)]) == 0
    assert main(["--data-dir", str(data_dir), "--user", "admin", "recovery-key", "create", "--out", str(out)]) == 1
    secret = out.read_text(encoding="utf-8").strip()
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", None)
    assert main(["--data-dir", str(data_dir), "reset-password", "admin"]) == 1  # no recovery key given
    assert "JIAFANG_RECOVERY_KEY" in capsys.readouterr().err
    monkeypatch.setenv("JIAFANG_RECOVERY_KEY", secret)
    monkeypatch.setenv("JIAFANG_PASSWORD", "brand-new-pass-9")
    assert main(["--data-dir", str(data_dir), "reset-password", "admin"]) == 0
    assert main(["--data-dir", str(data_dir), "--user", "admin", "check"]) == 0
