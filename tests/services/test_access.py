"""Roles on the laptop: what a teacher and a school administrator may and may not do; audited reveals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain.codes import UserRole
from app.domain.errors import PermissionDenied, ValidationError
from app.services.access import reveal_field
from app.services.audit import list_events
from app.services.backup import backup_if_due, make_backup
from app.services.ledgers import export_ledger
from app.services.recovery import create_recovery_key
from app.services.signin import sign_in
from app.services.users import add_user
from app.store.db import Database
from app.store.models import Student
from tests.conftest import PASSWORD

TEACHER_PASSWORD = "teacher-pass-1"


@pytest.fixture
def teacher(database: Database, student: Student, data_dir: Path) -> Iterator[Database]:
    add_user(database, username="teacher1", password=TEACHER_PASSWORD, role=UserRole.TEACHER)
    opened = sign_in(data_dir, "teacher1", TEACHER_PASSWORD)
    yield opened
    opened.close()


def _reveals(database: Database) -> list[tuple[str | None, str | None]]:
    with database.read() as session:
        return [(line.target, line.detail) for line in list_events(session, role=UserRole.SCHOOL_ADMIN)
                if line.action == "revealed_field"]


def test_admin_reveals_every_field_and_each_reveal_is_audited(database: Database, student: Student) -> None:
    assert database.user is not None
    with database.write() as session:
        number = reveal_field(session, database.user, student.id, "id_number")
        assert reveal_field(session, database.user, student.id, "disability") == ""
        assert reveal_field(session, database.user, student.id, "phone") == ""
        with pytest.raises(ValidationError):
            reveal_field(session, database.user, student.id, "name")
    assert number == student.id_number and len(number) == 18
    assert _reveals(database) == [(student.id, "id_number"), (student.id, "disability"), (student.id, "phone")]


def test_teacher_is_refused_id_numbers_but_may_reveal_phone_and_disability(
        teacher: Database, database: Database, student: Student) -> None:
    assert teacher.user is not None and teacher.user.role is UserRole.TEACHER
    with teacher.write() as session, pytest.raises(PermissionDenied):
        reveal_field(session, teacher.user, student.id, "id_number")
    with teacher.write() as session:
        reveal_field(session, teacher.user, student.id, "phone")
        reveal_field(session, teacher.user, student.id, "disability")
    assert _reveals(database) == [(student.id, "phone"), (student.id, "disability")]


def test_teacher_is_refused_admin_actions(teacher: Database, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        add_user(teacher, username="t2", password=TEACHER_PASSWORD, role=UserRole.TEACHER)
    with pytest.raises(PermissionDenied):
        make_backup(teacher, tmp_path / "b.jfbak")
    assert not (tmp_path / "b.jfbak").exists()
    with pytest.raises(PermissionDenied):
        create_recovery_key(teacher)
    with teacher.write() as session, pytest.raises(PermissionDenied):
        export_ledger(session, "dropouts", tmp_path / "l.xlsx")
    assert not (tmp_path / "l.xlsx").exists()
    assert backup_if_due(teacher) is not None  # the automatic daily backup runs for everyone


def test_teacher_is_refused_imports(teacher: Database, tmp_path: Path, school: object) -> None:
    from app.services.importing import apply_import, plan_import
    from tests.conftest import TODAY
    from tests.services.test_importing import pupil, write_csv

    path = write_csv(tmp_path / "roster.csv", [pupil(1, school="西乡塘区石埠小学")])
    with teacher.write() as session:
        plan = plan_import(session, path, today=TODAY)
        assert plan.to_add
        with pytest.raises(PermissionDenied):
            apply_import(session, plan, skip_invalid=True)


def test_admin_actions_allowed(database: Database, student: Student, tmp_path: Path) -> None:
    add_user(database, username="t3", password=TEACHER_PASSWORD, role=UserRole.TEACHER)
    assert make_backup(database, tmp_path / "b.jfbak").exists()
    with database.write() as session:
        export_ledger(session, "dropouts", tmp_path / "l.xlsx")
    assert (tmp_path / "l.xlsx").exists()


def test_cli_maps_permission_denied_to_exit_1(teacher: Database, data_dir: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from app.cli import main

    teacher.close()
    monkeypatch.setenv("JIAFANG_PASSWORD", TEACHER_PASSWORD)
    base = ["--data-dir", str(data_dir), "--user", "teacher1"]
    for command in (["export", "json", str(tmp_path / "x.jsonl")], ["backup", "--out", str(tmp_path / "b.jfbak")],
                    ["export", "ledger", "dropouts", "--out", str(tmp_path / "l.xlsx")]):
        assert main(base + command) == 1, command
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "管理员" in err
    assert not list(tmp_path.glob("x.jsonl*")) and not (tmp_path / "b.jfbak").exists()
    monkeypatch.setenv("JIAFANG_PASSWORD", PASSWORD)
    assert main(["--data-dir", str(data_dir), "--user", "admin", "export", "json", str(tmp_path / "x.jsonl")]) == 0
