"""The automatic backup before a sync applies other laptops' changes, and why two laptops syncing back and forth
never ping-pong: a backup writes an audit event, and audit events alone never make a backup."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

import app.services.backup as backup
from app.cli import main
from app.config import BACKUP_DIR
from app.services.audit import record_student_view
from app.services.backup import restore_backup
from app.services.roster import add_student, edit_student
from app.store import clock
from app.store.db import Database, create_folder, open_folder
from app.store.models import AuditEvent, Student
from app.store.oplog import OpRecord
from sync.engine import _defer, pending_changes, sync_folder
from tests.conftest import PASSWORD, TODAY, make_student_input
from tests.services.support import dump

PASSPHRASE = "石埠小学-共享-2026"




def _sync_backups(database: Database) -> list[Path]:
    return sorted((database.data_dir / BACKUP_DIR).glob("jiafang-auto-sync-*.jfbak"))


@pytest.fixture
def laptop_b(tmp_path: Path) -> Database:
    database = create_folder(tmp_path / "b", username="b", password=PASSWORD)
    yield database
    database.close()


@pytest.fixture
def every_sync(monkeypatch: pytest.MonkeyPatch) -> None:
    """No minimum interval between backups, so that only the rule about what arrives can stop a loop."""
    monkeypatch.setattr(backup, "SYNC_BACKUP_MINUTES", 0)


def test_syncing_back_and_forth_settles_with_few_backups(database: Database, student: Student, laptop_b: Database,
                                                         share: Path, every_sync: None) -> None:
    a, b = database, laptop_b
    assert sync_folder(a, share, PASSPHRASE).backup is None  # nothing came in
    first = sync_folder(b, share, PASSPHRASE)
    assert first.backup is not None and first.received_ops > 0
    rounds = [(sync_folder(a, share), sync_folder(b, share)) for _ in range(5)]
    assert all(r.sent_ops == 0 and r.received_ops == 0 and r.backup is None for pair in rounds for r in pair)
    assert pending_changes(a) == 0 and pending_changes(b) == 0
    assert (len(_sync_backups(a)), len(_sync_backups(b))) == (0, 1)
    # B's backup was audited (it waits for B's next real change to travel, like a sign-in).
    with b.read() as session:
        assert [e.detail for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "backup"))] == [
            "auto-sync"]

    # Audit events alone (a teacher opened a file on A) travel at once and make no backup on B.
    with a.write() as session:
        record_student_view(session, student.id)
    viewed = sync_folder(a, share)
    assert viewed.sent_ops == 1
    seen = sync_folder(b, share)
    assert seen.received_ops == 1 and seen.backup is None

    # A real change makes one backup on the laptop it reaches, and the back and forth settles again.
    with a.write() as session:
        edit_student(session, student.id, class_name="3班", today=TODAY)
    sync_folder(a, share)
    assert sync_folder(b, share).backup is not None
    with b.write() as session:
        edit_student(session, student.id, orphan=True, today=TODAY)
    assert sync_folder(b, share).sent_ops == 3  # B's two backup events go with its change
    assert sync_folder(a, share).backup is not None
    rounds = [(sync_folder(a, share), sync_folder(b, share)) for _ in range(5)]
    assert all(r.sent_ops == 0 and r.received_ops == 0 and r.backup is None for pair in rounds for r in pair)
    assert (len(_sync_backups(a)), len(_sync_backups(b))) == (1, 2)
    assert dump(a) == dump(b)


def test_a_sync_that_brings_changes_leaves_a_backup_of_the_state_before(database: Database, student: Student,
                                                                        laptop_b: Database, share: Path,
                                                                        tmp_path: Path) -> None:
    a, b = database, laptop_b
    sync_folder(a, share, PASSPHRASE)
    sync_folder(b, share, PASSPHRASE)
    with a.write() as session:
        edit_student(session, student.id, class_name="5班", today=TODAY)
        add_student(session, make_student_input(student.school_id, name="覃新来", sequence=41), today=TODAY)
    sync_folder(a, share)
    before = dump(b)
    backup.SYNC_BACKUP_MINUTES, saved = 0, backup.SYNC_BACKUP_MINUTES
    try:
        result = sync_folder(b, share)
    finally:
        backup.SYNC_BACKUP_MINUTES = saved
    assert result.backup is not None and result.received_ops > 0 and result.ok
    assert "同步前已自动备份" in "\n".join(result.lines("zh"))
    assert dump(b) != before
    restore_backup(result.backup, tmp_path / "restored", password=PASSWORD, username="b")
    restored = open_folder(tmp_path / "restored", "b", PASSWORD)
    try:
        assert dump(restored) == before
    finally:
        restored.close()


def test_backups_before_syncs_are_spaced_and_rotated(database: Database, student: Student, laptop_b: Database,
                                                     share: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = database, laptop_b
    sync_folder(a, share, PASSPHRASE)
    assert sync_folder(b, share, PASSPHRASE).backup is not None
    for index in range(3):  # within ten minutes of the last one: no new backup, the sync goes on
        with a.write() as session:
            edit_student(session, student.id, class_name=f"{index}班", today=TODAY)
        sync_folder(a, share)
        spaced = sync_folder(b, share)
        assert spaced.backup is None and spaced.received_ops > 0
    monkeypatch.setattr(backup, "SYNC_BACKUP_MINUTES", 0)
    for index in range(backup.KEEP_SYNC + 2):
        with a.write() as session:
            edit_student(session, student.id, class_name=f"{index}组", today=TODAY)
        sync_folder(a, share)
        assert sync_folder(b, share).backup is not None
    assert len(_sync_backups(b)) == backup.KEEP_SYNC
    assert backup.backup_if_due(b) is not None  # the daily backup does not count the sync ones


def test_a_failed_backup_is_reported_and_the_sync_goes_on(database: Database, student: Student,
                                                          laptop_b: Database, share: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    sync_folder(database, share, PASSPHRASE)

    def full(_database: Database) -> Path:
        raise backup.BackupError("磁盘已满。", "The disk is full.")

    monkeypatch.setattr(backup, "backup_before_sync", full)
    result = sync_folder(laptop_b, share, PASSPHRASE)
    assert not result.ok and result.received_ops > 0
    assert any("自动备份没有做成" in line and "磁盘已满" in line for line in result.lines("zh"))
    assert dump(laptop_b) == dump(database)


def _audit_op(action: str, hours_ago: float, detail: str | None = None) -> OpRecord:
    hlc = clock.pack(clock.wall_ms() - int(hours_ago * 3600 * 1000))
    return OpRecord("dev", 1, hlc, "audit_event", "row", "scope", {"action": action, "detail": detail}, None)


def test_routine_audit_events_wait_at_most_a_day() -> None:
    assert _defer([_audit_op("signed_in", 1), _audit_op("backup", 0, "auto-sync")])
    assert not _defer([_audit_op("signed_in", 25)])  # a day old: sent with the next sync anyway
    assert not _defer([_audit_op("signed_in", 1), _audit_op("viewed_student", 0)])  # never held back
    assert not _defer([_audit_op("sign_in_failed", 0)])
    assert not _defer([_audit_op("backup", 0, "manual")])
    assert not _defer([])


def test_a_scheduled_sync_with_nothing_new_sends_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Every `jiafang sync folder` signs in, and a sign-in is audited: that alone sends no bundle."""
    share = tmp_path / "share"
    share.mkdir()
    monkeypatch.setenv("JIAFANG_PASSWORD", PASSWORD)
    monkeypatch.setenv("JIAFANG_SYNC_PASSPHRASE", PASSPHRASE)
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["--data-dir", str(a), "demo", "--students", "20", "--quiet"]) == 0
    assert main(["--data-dir", str(b), "init"]) == 0
    for folder in (a, b):
        assert main(["--data-dir", str(folder), "sync", "folder", str(share), "--quiet"]) == 0
    capsys.readouterr()
    bundles_before = sorted(share.rglob("*.jfb"))
    for _ in range(3):
        for folder in (a, b):
            assert main(["--data-dir", str(folder), "sync", "folder", str(share), "--quiet"]) == 0
            assert "发送 0 条" in capsys.readouterr().out
    assert sorted(share.rglob("*.jfb")) == bundles_before
    assert len(list((b / BACKUP_DIR).glob("jiafang-auto-sync-*.jfbak"))) == 1
    assert not list((a / BACKUP_DIR).glob("jiafang-auto-sync-*.jfbak"))


@pytest.fixture
def share(tmp_path: Path) -> Path:
    path = tmp_path / "share"
    path.mkdir()
    return path
