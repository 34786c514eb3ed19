"""Two (or three) laptops syncing through a shared folder: convergence, conflicts, and every bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain.progress import Cancelled
from app.services.roster import add_student, add_students, edit_student
from app.services.visits import add_attachment, start_visit
from app.store.db import Database, create_folder
from app.store.models import Blob, Conflict, School, Student, SyncPeer, SyncRun
from sync.engine import pending_changes, sync_folder
from sync.errors import SyncError
from sync.folder import FolderShare
from tests.conftest import PASSWORD, TODAY, make_student_input
from tests.services.support import dump
from tests.volumes import small_volume

PASSPHRASE = "石埠小学-共享-2026"




@pytest.fixture
def share(tmp_path: Path) -> Path:
    path = tmp_path / "share"
    path.mkdir()
    return path


@pytest.fixture
def laptop_b(tmp_path: Path) -> Database:
    database = create_folder(tmp_path / "b", username="teacher", password=PASSWORD)
    yield database
    database.close()


def test_two_laptops_converge_through_a_folder(database: Database, student: Student, laptop_b: Database,
                                               share: Path) -> None:
    first = sync_folder(database, share, PASSPHRASE)
    assert first.created_share and first.sent_ops > 0 and first.ok
    assert pending_changes(database) == 0
    with pytest.raises(SyncError) as wrong:
        sync_folder(laptop_b, share, "not the passphrase")
    assert "口令不正确" in str(wrong.value)
    joined = sync_folder(laptop_b, share, PASSPHRASE)
    assert joined.received_ops == first.sent_ops and joined.ok
    assert dump(laptop_b) == dump(database)
    # Both edit offline: different fields survive, the same field conflicts identically on both.
    with database.write() as session:
        edit_student(session, student.id, class_name="A班", registered_poor=True, today=TODAY)
    with laptop_b.write() as session:
        edit_student(session, student.id, class_name="B班", left_behind="2", today=TODAY)
    for laptop in (database, laptop_b, database):
        sync_folder(laptop, share)
    assert dump(laptop_b) == dump(database)
    for laptop in (database, laptop_b):
        with laptop.read() as session:
            row = session.get(Student, student.id)
            assert row is not None and row.registered_poor and row.left_behind == "2"
            conflicts = [(c.tbl, c.field) for c in session.scalars(select(Conflict))]
            assert conflicts == [("student", "class_name")]
    again = sync_folder(laptop_b, share)
    assert again.received_ops == 0 and again.sent_ops == 0  # a replay applies nothing twice


def test_bad_bundles_are_set_aside_and_the_rest_applied(database: Database, school: School, laptop_b: Database,
                                                        share: Path, tmp_path: Path) -> None:
    sync_folder(database, share, PASSPHRASE)
    sync_folder(laptop_b, share, PASSPHRASE)
    with database.write() as session:
        add_student(session, make_student_input(school.id, name="黄一", sequence=41), today=TODAY)
    sync_folder(database, share)
    with database.write() as session:
        add_student(session, make_student_input(school.id, name="黄二", sequence=43), today=TODAY)
    sync_folder(database, share)
    bundle_files = sorted((share / "bundles" / database.device_id).glob("*.jfb"))
    assert len(bundle_files) == 3
    good = bundle_files[1].read_bytes()
    bundle_files[1].write_bytes(good[: len(good) // 2])  # the USB stick was pulled mid-copy
    tampered = bytearray(bundle_files[2].read_bytes())
    tampered[len(tampered) // 2] ^= 0x01
    bundle_files[2].write_bytes(bytes(tampered))
    result = sync_folder(laptop_b, share)
    assert not result.ok and len(result.rejected) == 2
    assert "不完整" in result.rejected[0][1] and "签名" in result.rejected[1][1]
    with laptop_b.read() as session:
        names = set(session.scalars(select(Student.name)))
    assert "黄一" not in names and "黄二" not in names
    # The origin kept its bundles: its next sync sets the damaged files aside (never deleting them) and
    # writes the authentic ones, and the other laptop's next sync completes.
    repaired = sync_folder(database, share)
    assert repaired.ok and len(list(share.rglob("*.damaged-*"))) == 2
    result = sync_folder(laptop_b, share)
    assert result.ok, result.lines("en")
    assert dump(laptop_b) == dump(database)


def test_foreign_share_and_foreign_bundles_are_refused(database: Database, laptop_b: Database, share: Path,
                                                       tmp_path: Path) -> None:
    other_share = tmp_path / "other-district"
    other_share.mkdir()
    from app.services.places import add_school

    sync_folder(database, share, PASSPHRASE)
    with laptop_b.write() as session:
        add_school(session, name="邻区小学", school_type="primary")
    sync_folder(laptop_b, other_share, "another passphrase")
    with pytest.raises(SyncError) as caught:
        sync_folder(laptop_b, share, PASSPHRASE)
    assert "另一个部署" in str(caught.value)
    # A bundle copied over from the other deployment's share is set aside, not applied.
    foreign = next((other_share / "bundles").rglob("*.jfb"))
    target = share / "bundles" / foreign.parent.name
    target.mkdir(parents=True)
    (target / foreign.name).write_bytes(foreign.read_bytes())
    result = sync_folder(database, share)
    assert any("另一个部署" in zh or "未登记" in zh for _, zh, _ in result.rejected)


def test_read_only_share_still_brings_changes_in(database: Database, student: Student, laptop_b: Database,
                                                 tmp_path: Path) -> None:
    share = tmp_path / "stick"
    with small_volume(share, 4096) as remount:
        sync_folder(database, share, PASSPHRASE)
        sync_folder(laptop_b, share, PASSPHRASE)
        with laptop_b.write() as session:
            edit_student(session, student.id, class_name="5班", today=TODAY)
        with database.write() as session:
            edit_student(session, student.id, orphan=True, today=TODAY)
        sync_folder(database, share)
        remount("ro")
        result = sync_folder(laptop_b, share)
        assert result.received_ops > 0 and result.write_problem is not None
        assert "只读" in result.write_problem[0]
        with laptop_b.read() as session:
            assert session.get(Student, student.id).orphan is True  # type: ignore[union-attr]
        remount("rw")
        again = sync_folder(laptop_b, share)
        assert again.ok and again.sent_ops > 0
        assert sync_folder(database, share).received_ops > 0
    assert dump(database) == dump(laptop_b)


def test_full_stick_sends_what_fits_and_the_next_sync_completes(database: Database, school: School,
                                                                laptop_b: Database, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import sync.engine

    monkeypatch.setattr(sync.engine, "OPS_PER_BUNDLE", 300)  # several bundles, so some fit and some do not
    share = tmp_path / "stick"
    with database.write() as session:
        add_students(session, [make_student_input(school.id, name="韦" + "明丽华强芳"[i % 5],
                                                  sequence=2 * (i // 9) + 1, grade=1 + i % 9)
                               for i in range(1200)], today=TODAY)
    with small_volume(share, 20) as remount:
        result = sync_folder(database, share, PASSPHRASE)
        assert result.write_problem is not None and "已满" in result.write_problem[0]
        assert not list(share.rglob(".tmp-*"))  # no half-written file left behind
        partial = sync_folder(laptop_b, share, PASSPHRASE)
        assert partial.received_ops > 0 and not partial.rejected  # whatever arrived is whole and applies
        remount("size=8m")
        assert sync_folder(database, share).ok
        assert sync_folder(laptop_b, share).ok
    assert dump(database) == dump(laptop_b)


def test_a_cancelled_sync_keeps_whole_bundles_and_the_next_sync_completes(
        database: Database, school: School, laptop_b: Database, share: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sync.engine

    monkeypatch.setattr(sync.engine, "OPS_PER_BUNDLE", 300)  # several bundles, so a cancel can fall between them
    with database.write() as session:
        add_students(session, [make_student_input(school.id, name="韦" + "明丽华强芳"[i % 5],
                                                  sequence=2 * (i // 9) + 1, grade=1 + i % 9)
                               for i in range(600)], today=TODAY)
    assert sync_folder(database, share, PASSPHRASE).ok
    sent = [b for b in FolderShare(share).bundle_files() if b.origin == database.device_id]
    assert len(sent) >= 3
    asked = 0

    def cancelled() -> bool:  # the first bundle goes in, then the user presses cancel
        nonlocal asked
        asked += 1
        return asked > 1

    with pytest.raises(Cancelled) as stopped:
        sync_folder(laptop_b, share, PASSPHRASE, cancelled=cancelled)
    assert stopped.value.zh == "同步已取消；已导入的同步包保持有效。"
    with laptop_b.read() as session:
        peer = session.get(SyncPeer, database.device_id)
        assert peer is not None and peer.applied_seq == sent[0].seq_to  # the first bundle whole, nothing more
        assert 0 < len(session.scalars(select(Student.id)).all()) < 600
        assert session.scalars(select(SyncRun)).first() is None  # a cancelled sync is not recorded as a run
    assert sync_folder(laptop_b, share).ok
    assert dump(laptop_b) == dump(database)


def test_photos_travel_as_encrypted_blobs(database: Database, student: Student, laptop_b: Database,
                                          share: Path) -> None:
    photo = b"\x89PNG\r\n\x1a\n" + os.urandom(2000)
    with database.write() as session:
        visit = start_visit(session, student.id, visited_on=TODAY, today=TODAY)
        add_attachment(session, visit.id, "photo", photo, "image/png")
    assert sync_folder(database, share, PASSPHRASE).blobs_sent == 1
    blob_files = list((share / "blobs").rglob("*.blob"))
    assert len(blob_files) == 1 and photo[8:100] not in blob_files[0].read_bytes()
    assert sync_folder(laptop_b, share, PASSPHRASE).blobs_received == 1
    with laptop_b.read() as session:
        assert session.scalars(select(Blob.data)).one() == photo


def test_a_photo_that_has_not_arrived_is_said_not_waited_on_silently(database: Database, student: Student,
                                                                       laptop_b: Database, share: Path) -> None:
    """The record came, its photo did not (the stick was pulled before the photo was copied): the sync says so
    each time until it comes, and takes it in when it does."""
    photo = b"\x89PNG\r\n\x1a\n" + os.urandom(2000)
    with database.write() as session:
        visit = start_visit(session, student.id, visited_on=TODAY, today=TODAY)
        add_attachment(session, visit.id, "photo", photo, "image/png")
    assert sync_folder(database, share, PASSPHRASE).blobs_sent == 1
    [blob_file] = (share / "blobs").rglob("*.blob")
    kept = blob_file.read_bytes()
    blob_file.unlink()
    for _ in range(2):
        result = sync_folder(laptop_b, share, PASSPHRASE)
        assert result.ok and result.photos_awaited == 1
        assert "有 1 张照片或签名还没有到达" in "\n".join(result.lines("zh"))
    blob_file.write_bytes(kept)
    result = sync_folder(laptop_b, share, PASSPHRASE)
    assert (result.blobs_received, result.photos_awaited) == (1, 0)
    assert not any("还没有到达" in line for line in result.lines("zh"))


def test_a_copied_database_takes_a_new_device_id(database: Database, student: Student, share: Path,
                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from app.store.db import open_folder

    sync_folder(database, share, PASSPHRASE)
    original_id = database.device_id
    database.close()
    shutil.copytree(database.data_dir, tmp_path / "copy")
    monkeypatch.setenv("JIAFANG_MACHINE_ID", "another-laptop")
    copy = open_folder(tmp_path / "copy", "admin", PASSWORD)
    try:
        with copy.write() as session:
            edit_student(session, student.id, class_name="复制班", today=TODAY)
        result = sync_folder(copy, share)
        assert result.new_device_id and copy.device_id != original_id
        assert len(list((share / "bundles").iterdir())) == 2  # the copy writes under its own id
    finally:
        copy.close()


def test_a_usb_stick_carries_another_laptops_changes_and_who_made_them(
        database: Database, student: Student, laptop_b: Database, share: Path, tmp_path: Path) -> None:
    """B syncs only with the school's share; A syncs there, then with a USB stick that the office laptop C
    uses. C must take B's changes from the stick (A relays B's bundles), which needs B's device record there
    too: B itself never saw the stick."""
    sync_folder(database, share, PASSPHRASE)
    sync_folder(laptop_b, share, PASSPHRASE)
    with laptop_b.write() as session:
        edit_student(session, student.id, class_name="B改的班", today=TODAY)
    assert sync_folder(laptop_b, share).ok
    assert sync_folder(database, share).ok  # A now carries B's bundle
    stick = tmp_path / "stick"
    stick.mkdir()
    carried = sync_folder(database, stick, PASSPHRASE)
    assert carried.ok and carried.relayed_bundles >= 1
    office = create_folder(tmp_path / "c", username="office", password=PASSWORD)
    try:
        result = sync_folder(office, stick, PASSPHRASE)
        assert result.ok, result.lines("en")
        assert not result.rejected
        assert dump(office) == dump(database)
        with office.read() as session:
            assert session.get(Student, student.id).class_name == "B改的班"  # type: ignore[union-attr]
    finally:
        office.close()


def test_a_bundle_naming_a_record_that_has_not_arrived_waits_and_the_rest_are_applied(
        database: Database, school: School, laptop_b: Database, share: Path, tmp_path: Path) -> None:
    """Bundles are applied many to a transaction; a reference that fails only at commit (foreign keys are
    deferred) must not cost the batch's other bundles, nor be counted as received."""
    from app.services.roster import HouseholdInput, add_household

    laptop_c = create_folder(tmp_path / "c", username="teacher", password=PASSWORD)
    try:
        sync_folder(database, share, PASSPHRASE)
        sync_folder(laptop_b, share, PASSPHRASE)
        with database.write() as session:
            household = add_household(session, HouseholdInput(scope=school.id, head_name="韦大山"))
        sync_folder(database, share)
        household_bundle = max((share / "bundles" / database.device_id).glob("*.jfb"))
        sync_folder(laptop_b, share)  # B has the household and enrols a child of it
        with laptop_b.write() as session:
            child = add_student(session, make_student_input(school.id, name="韦小山", sequence=45,
                                                            household_id=household.id), today=TODAY)
        with database.write() as session:  # an unrelated student from A, in a bundle after the household's
            other = add_student(session, make_student_input(school.id, name="黄其他", sequence=47), today=TODAY)
        sync_folder(laptop_b, share)
        # C's stick lacks the bundle with the household (and so A's later one waits for it by sequence).
        held_back = tmp_path / household_bundle.name
        household_bundle.rename(held_back)
        results = [first := sync_folder(laptop_c, share, PASSPHRASE)]
        child_bundle = f"{laptop_b.device_id[:8]}/{max((share / 'bundles' / laptop_b.device_id).glob('*.jfb')).name}"
        assert child_bundle in first.waiting
        with laptop_c.read() as session:
            assert session.get(School, school.id) is not None  # A's first bundle, in the same batch, applied
            assert session.get(Student, child.id) is None
        held_back.rename(household_bundle)
        sync_folder(database, share)
        results.append(second := sync_folder(laptop_c, share))
        assert not second.waiting and second.ok
        with laptop_c.read() as session:
            assert session.get(Student, child.id) is not None and session.get(Student, other.id) is not None
        sync_folder(laptop_b, share)
        sync_folder(database, share)
        results.append(sync_folder(laptop_c, share))
        assert dump(laptop_c) == dump(database) == dump(laptop_b)
        with laptop_c.read() as session:  # every op received counted once, none of the undone batch's
            others = session.connection().exec_driver_sql(
                "SELECT count(*) FROM op_log JOIN op_atom ON op_atom.id = op_log.device WHERE op_atom.value <> ?",
                (laptop_c.device_id,)).scalar()
        assert sum(r.received_ops for r in results) == others
    finally:
        laptop_c.close()
