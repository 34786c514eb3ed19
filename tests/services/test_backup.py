"""Backups and restore: round trip, refusals that leave the data untouched, a new device id after restore."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from app.services.backup import BackupError, backup_if_due, make_backup, restore_backup, rotate_backups
from app.services.roster import edit_student
from app.store.db import Database, create_folder, open_folder
from app.store.keys import WrongPassword
from app.store.models import Student
from sync.engine import sync_folder
from tests.conftest import PASSWORD, TODAY
from tests.services.support import dump
from tests.volumes import small_volume


def test_round_trip_restores_every_record_with_a_new_device_id(database: Database, student: Student,
                                                                tmp_path: Path) -> None:
    backup = make_backup(database, tmp_path / "monday.jfbak")
    before = dump(database)
    old_device = database.device_id
    assert not backup.read_bytes().count("韦小明".encode())  # the copy inside stays encrypted
    summary = restore_backup(backup, tmp_path / "restored", password=PASSWORD)
    restored = open_folder(tmp_path / "restored", "admin", PASSWORD)
    try:
        assert dump(restored) == before
        assert restored.device_id == summary.new_device_id != old_device
        with restored.write() as session:  # and it works on: its new ops carry the new id from seq 1
            edit_student(session, student.id, class_name="9班", today=TODAY)
    finally:
        restored.close()


def test_restore_refuses_what_it_should_and_leaves_the_data(database: Database, student: Student,
                                                            tmp_path: Path, data_dir: Path) -> None:
    backup = make_backup(database)
    assert backup.parent == data_dir / "backups"
    current = dump(database)
    with pytest.raises(BackupError) as caught:
        restore_backup(backup, data_dir, password=PASSWORD)
    assert "--force" in str(caught.value)
    with pytest.raises(WrongPassword):
        restore_backup(backup, tmp_path / "elsewhere", password="not-the-password")
    damaged = tmp_path / "damaged.jfbak"
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    with pytest.raises(BackupError) as broken:
        restore_backup(damaged, data_dir, password=PASSWORD, force=True)
    assert "损坏" in str(broken.value)
    not_a_backup = tmp_path / "photo.jfbak"
    not_a_backup.write_bytes(b"\x89PNG not a backup")
    with pytest.raises(BackupError):
        restore_backup(not_a_backup, data_dir, password=PASSWORD, force=True)
    assert dump(database) == current


def test_backup_of_another_deployment_is_refused(database: Database, student: Student, tmp_path: Path,
                                                 data_dir: Path) -> None:
    (tmp_path / "share-a").mkdir()
    (tmp_path / "share-b").mkdir()
    sync_folder(database, tmp_path / "share-a", "passphrase-a1")
    other = create_folder(tmp_path / "other", username="admin", password=PASSWORD)
    sync_folder(other, tmp_path / "share-b", "passphrase-b1")
    foreign = make_backup(other, tmp_path / "other.jfbak")
    other.close()
    current = dump(database)
    database.close()
    with pytest.raises(BackupError) as caught:
        restore_backup(foreign, data_dir, password=PASSWORD, force=True)
    assert "另一个部署" in str(caught.value)
    reopened = open_folder(data_dir, "admin", PASSWORD)
    try:
        assert dump(reopened) == current
    finally:
        reopened.close()


def test_forced_restore_keeps_the_replaced_files(database: Database, student: Student, data_dir: Path) -> None:
    backup = make_backup(database)
    with database.write() as session:
        edit_student(session, student.id, class_name="备份之后", today=TODAY)
    database.close()
    summary = restore_backup(backup, data_dir, password=PASSWORD, force=True)
    assert summary.moved_aside is not None and (summary.moved_aside / "jiafang.db").exists()
    restored = open_folder(data_dir, "admin", PASSWORD)
    try:
        with restored.read() as session:
            assert session.get(Student, student.id).class_name == "2班"  # type: ignore[union-attr]
    finally:
        restored.close()


def test_full_disk_during_backup_leaves_no_partial_file(database: Database, student: Student,
                                                       tmp_path: Path) -> None:
    target = tmp_path / "tiny"
    with small_volume(target, 64):
        with pytest.raises(BackupError) as caught:
            make_backup(database, target / "full.jfbak")
        assert "磁盘已满" in str(caught.value)
        assert list(target.iterdir()) == []
    assert make_backup(database, tmp_path / "ok.jfbak").exists()  # the data was untouched and backs up fine


def test_automatic_backups_rotate(database: Database, data_dir: Path) -> None:
    assert backup_if_due(database) is not None
    assert backup_if_due(database) is None  # one a day
    folder = data_dir / "backups"
    for index in range(12):
        (folder / f"jiafang-auto-2026010{index:02d}.jfbak").write_bytes(b"old")
    rotate_backups(folder, keep=10)
    assert len(list(folder.glob("jiafang-auto-*.jfbak"))) == 10
    assert zipfile.is_zipfile(sorted(folder.glob("jiafang-auto-*.jfbak"))[-1])


def test_backups_before_syncs_and_daily_ones_rotate_apart(database: Database, data_dir: Path) -> None:
    from app.services.backup import KEEP_SYNC, backup_before_sync, sync_backup_due

    assert sync_backup_due(database)
    made = backup_before_sync(database)
    assert made.name.startswith("jiafang-auto-sync-") and zipfile.is_zipfile(made)
    assert not sync_backup_due(database) and sync_backup_due(database, every_minutes=0)
    assert backup_if_due(database) is not None  # a backup before a sync is not the day's backup
    folder = data_dir / "backups"
    for index in range(12):
        (folder / f"jiafang-auto-sync-2000010{index:02d}.jfbak").write_bytes(b"old")
    rotate_backups(folder, keep=KEEP_SYNC, prefix="jiafang-auto-sync-")
    rotate_backups(folder, keep=1)
    assert len(list(folder.glob("jiafang-auto-sync-*.jfbak"))) == KEEP_SYNC
    assert len(list(folder.glob("jiafang-auto-2*.jfbak"))) == 1  # the daily one, untouched by the sync kind
    assert made in sorted(folder.glob("jiafang-auto-sync-*.jfbak"))  # the newest are kept


def test_list_backups_tells_the_kinds_apart_newest_first(database: Database, data_dir: Path) -> None:
    import os
    from datetime import UTC, datetime

    from app.services.backup import BackupKind, backup_before_sync, list_backups

    assert list_backups(data_dir) == []  # no backups/ folder yet
    manual = make_backup(database)
    daily = backup_if_due(database)
    before_sync = backup_before_sync(database)
    folder = data_dir / "backups"
    migration = folder / "jiafang-before-v7-20260101T080000123456Z.db"
    migration.write_bytes(b"x" * 100)
    by_hand = folder / "monday.jfbak"  # a backup copied back in, under a name of someone's choosing
    by_hand.write_bytes(b"y" * 10)
    os.utime(by_hand, (datetime(2025, 6, 1, tzinfo=UTC).timestamp(),) * 2)
    (folder / "jiafang-manual-20260101T080000000000Z.jfbak.part").write_bytes(b"unfinished")
    (folder / "replaced-20260101T080000000000Z").mkdir()  # what a restore kept aside: not a backup file
    (folder / "notes.txt").write_text("not a backup")

    found = list_backups(data_dir)
    assert [(b.path, b.kind) for b in found] == [
        (before_sync, BackupKind.BEFORE_SYNC), (daily, BackupKind.DAILY), (manual, BackupKind.MANUAL),
        (migration, BackupKind.BEFORE_MIGRATION), (by_hand, BackupKind.MANUAL)]
    assert found[0].size == before_sync.stat().st_size > 0
    assert found[3].created == datetime(2026, 1, 1, 8, 0, 0, 123456, tzinfo=UTC)  # from the name
    assert found[4].created == datetime(2025, 6, 1, tzinfo=UTC)  # no time in the name: the file's own
    assert [b.restorable for b in found] == [True, True, True, False, True]


def test_backup_reports_progress_and_a_cancel_leaves_no_file(database: Database, student: Student,
                                                            tmp_path: Path) -> None:
    stages: list[tuple[str, float]] = []
    made = make_backup(database, tmp_path / "ok.jfbak", progress=lambda stage, done: stages.append((stage, done)))
    assert zipfile.is_zipfile(made)
    fractions = [done for _stage, done in stages]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 0.9
    assert {stage for stage, _done in stages} == {"copy", "write", "verify"}
    summary = restore_backup(made, tmp_path / "restored", password=PASSWORD)  # the chunked copy restores
    assert summary.schema > 0

    class Stop(Exception):
        pass

    def cancel(stage: str, _done: float) -> None:
        if stage == "write":
            raise Stop

    with pytest.raises(Stop):
        make_backup(database, tmp_path / "cancelled" / "no.jfbak", progress=cancel)
    assert list((tmp_path / "cancelled").iterdir()) == []


def test_what_a_killed_backup_left_is_removed_by_the_next_one(database: Database, data_dir: Path) -> None:
    """A battery dying mid-backup leaves a work folder and an unfinished file, each as large as the database;
    the next backup removes those over an hour old and leaves a running one's alone."""
    import os
    import time

    folder = data_dir / "backups"
    folder.mkdir(exist_ok=True)
    stale_work, stale_part = folder / ".backup-killed", folder / "jiafang-auto-1.jfbak.part"
    stale_work.mkdir()
    (stale_work / "jiafang.db").write_bytes(b"\0" * 4096)
    stale_part.write_bytes(b"\0" * 4096)
    fresh_part = folder / "jiafang-auto-2.jfbak.part"
    fresh_part.write_bytes(b"\0" * 16)
    hour_ago = time.time() - 3700
    for path in (stale_work, stale_part):
        os.utime(path, (hour_ago, hour_ago))
    made = make_backup(database)
    assert made.exists()
    assert not stale_work.exists() and not stale_part.exists()
    assert fresh_part.exists()  # perhaps another backup writing right now
