"""The audit log: what is recorded, append-only, hash-chained per device, checked by `jiafang check`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.domain.codes import UserRole
from app.domain.errors import PermissionDenied, ValidationError
from app.services.audit import AuditAction, check_chains, list_events, record_event, record_student_view
from app.services.backup import make_backup, restore_backup
from app.services.documents import blank_pdf
from app.services.integrity import check_store
from app.services.signin import sign_in
from app.store import oplog
from app.store.db import Database
from app.store.guard import BypassError
from app.store.models import AuditEvent, Student
from tests.conftest import PASSWORD


def _actions(database: Database) -> list[str]:
    with database.read() as session:
        return [line.action for line in list_events(session, role=UserRole.SCHOOL_ADMIN)]


def _raw(database: Database, sql: str, *params: object) -> None:
    """A write that goes around the app (as someone with the key and a SQLite tool would)."""
    raw = database.engine.raw_connection()
    try:
        raw.driver_connection.execute(sql, params)  # type: ignore[union-attr]
        raw.driver_connection.commit()  # type: ignore[union-attr]
    finally:
        raw.close()


def test_events_chain_and_check_passes(database: Database, student: Student) -> None:
    with database.write() as session:
        record_student_view(session, student.id)
        record_event(session, AuditAction.REVEALED_FIELD, target=student.id, detail="id_number")
    with database.read() as session:
        events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.chain_seq)))
        assert [e.chain_seq for e in events] == [1, 2]
        assert events[0].prev_hash is None and events[1].prev_hash == events[0].hash
        assert events[0].user_id == database.user.id and events[0].target == student.id  # type: ignore[union-attr]
        assert check_chains(session) == []
        assert check_store(session).ok


def test_events_hold_ids_and_codes_only(database: Database) -> None:
    with database.write() as session, pytest.raises(ValidationError):
        record_event(session, AuditAction.EXPORTED, detail="韦小明的档案")
    with database.write() as session, pytest.raises(ValidationError):
        record_event(session, AuditAction.VIEWED_STUDENT, target="韦小明")


def test_the_app_cannot_edit_or_delete_events(database: Database, student: Student) -> None:
    with database.write() as session:
        event_id = record_student_view(session, student.id)
    with database.write() as session:
        event = session.get(AuditEvent, event_id)
        assert event is not None
        with pytest.raises(PermissionDenied):
            oplog.update(session, event, {"action": "exported"})
        with pytest.raises(PermissionDenied):
            oplog.delete(session, event)
    with pytest.raises(BypassError), database.write() as session:
        session.execute(text("DELETE FROM audit_event"))
    with pytest.raises(BypassError), database.write() as session:
        session.execute(text("UPDATE audit_event SET target = NULL"))
    with database.write() as session:  # an edit arriving from another device is refused like a forgery
        forged = oplog.OpRecord("other-device", 1, 1, "audit_event", event_id, "district", {"target": None},
                                {"target": []})
        with pytest.raises(oplog.OpMismatch):
            oplog.apply_remote(session, [forged])
    assert len(_actions(database)) == 1


def test_check_reports_an_edited_and_a_removed_event(database: Database, student: Student) -> None:
    with database.write() as session:
        for _ in range(3):
            record_student_view(session, student.id)
    with database.read() as session:
        second = session.scalars(select(AuditEvent).where(AuditEvent.chain_seq == 2)).one()
    _raw(database, "UPDATE audit_event SET target = ? WHERE id = ?", "someone-else", second.id)
    with database.read() as session:
        problems = check_chains(session)
        assert [(p.chain_seq, "changed" in p.en) for p in problems] == [(2, True)]
        report = check_store(session)
        assert not report.ok and {f.check for f in report.findings} >= {"audit", "op_log"}
    _raw(database, "DELETE FROM audit_event WHERE id = ?", second.id)
    with database.read() as session:
        problems = check_chains(session)
        assert problems and problems[0].chain_seq == 3 and "missing" in problems[0].en


def test_prints_exports_backups_and_restores_are_audited(database: Database, student: Student,
                                                         tmp_path: Path) -> None:
    from app.services.exchange import export_json

    with database.write() as session:
        blank_pdf(session, student.id)
    backup = make_backup(database, tmp_path / "b.jfbak")
    actions = _actions(database)
    assert actions.count("printed") == 2 and actions[-1] == "backup"  # the sheet's record id and the student
    out = io.StringIO()
    with database.read() as session:
        export_json(session, out)
    assert "audit_event" not in out.getvalue()  # the dump is of the records; the log has its own listing
    restore_backup(backup, tmp_path / "restored", password=PASSWORD)
    restored = sign_in(tmp_path / "restored", "admin", PASSWORD)
    try:
        assert _actions(restored)[-2:] == ["restore", "signed_in"]
        with restored.read() as session:
            assert check_chains(session) == []  # the restored laptop starts a chain of its own
    finally:
        restored.close()


def test_only_administrators_list_the_log(database: Database) -> None:
    with database.read() as session:
        with pytest.raises(PermissionDenied):
            list_events(session, role=UserRole.TEACHER)
        list_events(session, role=UserRole.DISTRICT)


def test_cli_audit_lists_events_for_admins_only(database: Database, data_dir: Path,
                                                capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from app.cli import main
    from app.services.users import add_user

    add_user(database, username="teacher1", password="teacher-pass-1", role=UserRole.TEACHER)
    database.close()
    monkeypatch.setenv("JIAFANG_PASSWORD", PASSWORD)
    assert main(["--data-dir", str(data_dir), "--user", "admin", "audit", "--json"]) == 0
    events = json.loads(capsys.readouterr().out)
    assert [e["action"] for e in events] == ["user_added", "signed_in"]
    assert {e["user"] for e in events} == {"admin"}
    assert main(["--data-dir", str(data_dir), "--user", "admin", "audit", "--since", "2999-01-01"]) == 0
    assert capsys.readouterr().out == ""
    monkeypatch.setenv("JIAFANG_PASSWORD", "teacher-pass-1")
    assert main(["--data-dir", str(data_dir), "--user", "teacher1", "audit"]) == 1
    assert "管理员" in capsys.readouterr().err


def test_every_action_has_a_label_in_both_languages() -> None:
    from app.services.audit import ACTION_LABELS

    assert set(ACTION_LABELS) == set(AuditAction)
    assert all(zh and en and zh != en for zh, en in ACTION_LABELS.values())
    assert ACTION_LABELS[AuditAction.SHARE_REKEYED][0] == "更换同步口令/撤销设备"


def test_an_event_about_an_account_or_a_student_names_it(database: Database, student: Student) -> None:
    from app.services.users import add_user

    teacher = add_user(database, username="teacher1", password="teacher-pass-1", role=UserRole.TEACHER)
    with database.write() as session:
        record_student_view(session, student.id)
    with database.read() as session:
        named = {line.target: line.target_name for line in list_events(session, role=UserRole.SCHOOL_ADMIN)}
    assert named[teacher.id] == "teacher1" and named[student.id] == student.name
