"""A lost laptop (issue #9): the school's share gets a new passphrase and key, the lost device is revoked.

Three data folders sync through one share: A (the administrator's laptop), B (a colleague's) and C (the one
that gets lost). C's records from before the loss stay; what C writes afterwards is refused everywhere.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from app.domain.codes import UserRole
from app.domain.errors import PermissionDenied
from app.services.audit import AuditAction, check_chains, list_events
from app.services.roster import add_student
from app.services.users import add_user
from app.store import clock
from app.store.db import Database, create_folder, open_folder
from app.store.ids import uuid7
from app.store.migrations import SCHEMA_VERSION
from app.store.models import School, Student, SyncDevice, SyncIdentity, SyncShareKey
from app.store.oplog import OpRecord
from sync import bundle as bundles
from sync import crypto, keyring
from sync.engine import REVOKED_ZH, sync_folder
from sync.errors import BundleError, SharePassphraseChanged, SyncError
from sync.folder import FolderShare, ShareWriteError
from sync.rekey import rekey_share
from tests.conftest import PASSWORD, TODAY, make_student_input
from tests.services.support import dump

OLD = "石埠小学-共享-2026"
NEW = "换了新口令-2026-秋"




def _names(database: Database) -> set[str]:
    with database.read() as session:
        return set(session.scalars(select(Student.name)))


def _snapshot(share: Path) -> dict[str, bytes]:
    return {str(p.relative_to(share)): p.read_bytes() for p in sorted(share.rglob("*")) if p.is_file()}


def _add(database: Database, school_id: str, name: str, sequence: int) -> None:
    with database.write() as session:
        add_student(session, make_student_input(school_id, name=name, sequence=sequence), today=TODAY)


@contextlib.contextmanager
def _old_software(share: Path) -> Iterator[None]:
    """What a thief can do with the lost laptop: run Jiafang as it was before the change (it never sees the
    key record) against the share."""
    keys = share / "keys"
    shutil.move(keys, share / "keys-hidden")
    try:
        yield
    finally:
        shutil.move(share / "keys-hidden", keys)


@pytest.fixture
def share(tmp_path: Path) -> Path:
    path = tmp_path / "share"
    path.mkdir()
    return path


@pytest.fixture
def laptops(database: Database, school: School, share: Path, tmp_path: Path) -> Iterator[dict[str, Database]]:
    """A (admin, the ``database`` fixture), B and C, all joined with the old passphrase; C has added a student
    that everyone has."""
    b = create_folder(tmp_path / "b", username="b", password=PASSWORD)
    c = create_folder(tmp_path / "c", username="c", password=PASSWORD)
    try:
        assert sync_folder(database, share, OLD).ok
        assert sync_folder(b, share, OLD).ok
        assert sync_folder(c, share, OLD).ok
        _add(c, school.id, "陆在丢失前", 31)
        for laptop in (c, database, b):
            assert sync_folder(laptop, share).ok
        assert "陆在丢失前" in _names(database) and "陆在丢失前" in _names(b)
        yield {"a": database, "b": b, "c": c}
    finally:
        b.close()
        c.close()


def test_lost_laptop_is_shut_out_and_the_others_carry_on(laptops: dict[str, Database], school: School,
                                                         share: Path, tmp_path: Path) -> None:
    a, b, c = laptops["a"], laptops["b"], laptops["c"]
    meta_before = (share / "jiafang-share.json").read_bytes()
    done = rekey_share(a, share, NEW, revoke=[c.device_id[:13]])
    assert done.generation == 2 and done.ok
    with c.read() as session:
        c_last = int(session.connection().exec_driver_sql("SELECT last_seq FROM device_state").scalar())
    assert done.revoked == [(c.device_id, c_last)]  # everything C had sent before the loss is kept
    assert (share / "keys" / "000002.json").exists()
    assert (share / "jiafang-share.json").read_bytes() == meta_before  # written once, never changed
    record = json.loads((share / "keys" / "000002.json").read_text())
    assert record["by"] == a.device_id and record["revoked"] == [{"device": c.device_id, "upto": c_last}]
    assert NEW not in (share / "keys" / "000002.json").read_text()

    # A carries on under the new key: its bundles say so in their header.
    _add(a, school.id, "岑在换口令后", 33)
    assert sync_folder(a, share).ok
    newest = max((share / "bundles" / a.device_id).glob("*.jfb"))
    assert bundles.read_header(newest.read_bytes())["key"] == 2

    # B, with its old key, is told clearly, whether or not it gives the old passphrase; nothing changes.
    b_before = dump(b)
    with pytest.raises(SharePassphraseChanged) as told:
        sync_folder(b, share)
    assert "更换" in str(told.value) and "JIAFANG_SYNC_PASSPHRASE" in told.value.en
    with pytest.raises(SharePassphraseChanged) as again:
        sync_folder(b, share, OLD)
    assert "不是新口令" in again.value.zh
    assert dump(b) == b_before
    # With the new passphrase B syncs normally, and from then on needs none.
    joined = sync_folder(b, share, NEW)
    assert joined.ok and joined.new_key_generations == [2] and "岑在换口令后" in _names(b)
    assert sync_folder(a, share).ok and sync_folder(b, share).ok
    assert dump(a) == dump(b)

    # The thief, with C's old key and old software, writes a change: every laptop refuses it and says so.
    _add(c, school.id, "贼写的学生", 35)
    with _old_software(share):
        thief = sync_folder(c, share)
    assert thief.sent_ops > 0
    assert any("新密钥" in zh for _, zh, _ in thief.rejected)  # A's new bundles cannot be opened with C's key
    assert "岑在换口令后" not in _names(c)
    for laptop in (a, b):
        refused = sync_folder(laptop, share)
        assert not refused.ok and [zh for _, zh, _ in refused.rejected] == [REVOKED_ZH]
        assert "贼写的学生" not in _names(laptop) and "陆在丢失前" in _names(laptop)
    assert dump(a) == dump(b)
    # C itself, with the current software, cannot go on with the old key or the old passphrase.
    with pytest.raises(SharePassphraseChanged):
        sync_folder(c, share)
    with pytest.raises(SharePassphraseChanged):
        sync_folder(c, share, OLD)
    # C's key cannot open any new bundle, not even by ignoring the header's key generation.
    with c.read() as session:
        identity = session.get(SyncIdentity, 1)
        assert identity is not None
        public_keys = {d.device_id: d.public_key for d in session.scalars(select(SyncDevice))}
    data = newest.read_bytes()
    with pytest.raises(BundleError, match="新密钥"):
        bundles.unpack(data, deployment=identity.deployment_id, content_key=identity.content_key,
                       public_key_for=public_keys.get, max_schema=SCHEMA_VERSION)
    with pytest.raises(BundleError, match="无法解密"):
        bundles.unpack(data, deployment=identity.deployment_id, content_key=identity.content_key,
                       keys={2: identity.content_key}, public_key_for=public_keys.get, max_schema=SCHEMA_VERSION)
    with a.read() as session:
        assert session.get(SyncShareKey, 2) is not None  # and A keeps generation 1 beside it

    # A new laptop joins with the new passphrase (the old one is refused): it reads the bundles of both keys,
    # C's from before the loss among them, and refuses the thief's.
    d = create_folder(tmp_path / "d", username="d", password=PASSWORD)
    try:
        with pytest.raises(SharePassphraseChanged):
            sync_folder(d, share, OLD)
        fresh = sync_folder(d, share, NEW)
        assert [zh for _, zh, _ in fresh.rejected] == [REVOKED_ZH]
        assert "陆在丢失前" in _names(d) and "岑在换口令后" in _names(d) and "贼写的学生" not in _names(d)
        assert dump(d) == dump(a)
    finally:
        d.close()


def test_the_news_travels_on_a_usb_stick(laptops: dict[str, Database], school: School, share: Path,
                                         tmp_path: Path) -> None:
    """A laptop that only ever sees a USB stick learns of the new passphrase from the stick: B copies the key
    record there as it relays bundles."""
    a, b = laptops["a"], laptops["b"]
    stick = tmp_path / "stick"
    stick.mkdir()
    assert sync_folder(b, stick, OLD).ok  # the stick is a second share of the same deployment
    far = create_folder(tmp_path / "far", username="far", password=PASSWORD)
    try:
        sync_folder(far, stick, OLD)  # B relays A's and C's bundles, and their device records with them
        rekey_share(a, share, NEW, revoke=[laptops["c"].device_id])
        _add(b, school.id, "岑在换口令后", 33)
        assert sync_folder(b, share, NEW).ok
        assert sync_folder(b, stick).ok
        assert (stick / "keys" / "000002.json").exists()
        with pytest.raises(SharePassphraseChanged):
            sync_folder(far, stick)
        caught_up = sync_folder(far, stick, NEW)
        assert caught_up.new_key_generations == [2]
        # B's new bundle opens, and nothing waits for a device record: the far laptop holds what B holds.
        assert not [zh for _, zh, _ in caught_up.rejected if "新密钥" in zh or "解密" in zh]
        assert not caught_up.waiting
        assert dump(far) == dump(b)
    finally:
        far.close()


def test_a_key_change_forged_by_the_lost_laptop_is_ignored(laptops: dict[str, Database], share: Path,
                                                           tmp_path: Path) -> None:
    """After its revocation the lost laptop posts a key change of its own (revoking the administrator), and
    one in the administrator's name: neither makes anyone ask for a passphrase."""
    a, b, c = laptops["a"], laptops["b"], laptops["c"]
    rekey_share(a, share, NEW, revoke=[c.device_id])
    assert sync_folder(b, share, NEW).ok
    with c.read() as session:
        identity = session.get(SyncIdentity, 1)
        assert identity is not None
        deployment, signing_key = identity.deployment_id, identity.signing_key
    for generation, signer in ((3, c.device_id), (4, a.device_id)):
        forged = keyring.make_record(deployment=deployment, generation=generation, key=crypto.new_key(),
                                     passphrase="贼的口令-12345", previous={}, revoked={a.device_id: 0},
                                     devices={}, by=signer, by_user=None, created="2026-11-29T00:00:00Z",
                                     signing_key=signing_key)
        FolderShare(share).write_key_record(generation, keyring.record_text(forged).encode("ascii"))
    # ... and a device of its own making, announced with the old key, with a bundle sealed under it.
    fake_signing = crypto.new_signing_key()
    fake = {"device": "0192ffff-0000-7000-8000-000000000000", "name": "教务处", "school": None,
            "public_key": crypto.b64(crypto.public_key(fake_signing))}
    fake["mac"] = crypto.mac(identity.content_key, json.dumps(fake, ensure_ascii=False, sort_keys=True).encode())
    (share / "devices" / f"{fake['device']}.json").write_text(json.dumps(fake), encoding="utf-8")
    op = OpRecord(str(fake["device"]), 1, clock.pack(clock.wall_ms()), "school", uuid7(), "district",
                  {"name": "假学校", "scope": "district"}, None)
    (share / "bundles" / str(fake["device"])).mkdir()
    (share / "bundles" / str(fake["device"]) / bundles.file_name(1, 1)).write_bytes(bundles.pack(
        [op], deployment=deployment, prev_hash=None, schema=SCHEMA_VERSION, content_key=identity.content_key,
        signing_key=fake_signing))
    for laptop in (a, b):
        result = sync_folder(laptop, share)
        assert result.new_key_generations == []
        assert [zh for _, zh, _ in result.rejected] == ["同步包来自未登记的设备，无法验证。"]
    d = create_folder(tmp_path / "d", username="d", password=PASSWORD)
    try:
        joined = sync_folder(d, share, NEW)
        assert joined.new_key_generations == [] and "陆在丢失前" in _names(d)
        assert [zh for _, zh, _ in joined.rejected] == ["同步包来自未登记的设备，无法验证。"]
        with d.read() as session:
            assert keyring.load(session).current == 2
    finally:
        d.close()


def test_a_teacher_cannot_rekey(laptops: dict[str, Database], share: Path) -> None:
    a = laptops["a"]
    add_user(a, username="teacher", password=PASSWORD, role=UserRole.TEACHER)
    before = _snapshot(share)
    teacher = open_folder(a.data_dir, "teacher", PASSWORD)
    try:
        with pytest.raises(PermissionDenied) as refused:
            rekey_share(teacher, share, NEW, revoke=[laptops["c"].device_id])
        assert "管理员" in str(refused.value)
    finally:
        teacher.close()
    assert _snapshot(share) == before


def test_a_short_or_unchanged_passphrase_is_refused_and_the_share_is_unchanged(laptops: dict[str, Database],
                                                                               share: Path) -> None:
    a, c = laptops["a"], laptops["c"]
    before = _snapshot(share)
    with pytest.raises(SyncError, match="至少"):
        rekey_share(a, share, "short", revoke=[c.device_id])
    with pytest.raises(SyncError, match="不能与现在的口令相同"):
        rekey_share(a, share, OLD, revoke=[c.device_id])
    with pytest.raises(SyncError, match="找不到唯一的设备"):
        rekey_share(a, share, NEW, revoke=["no-such-device"])
    with pytest.raises(SyncError, match="不能撤销"):
        rekey_share(a, share, NEW, revoke=[a.device_id])
    assert _snapshot(share) == before
    with a.read() as session:
        assert session.scalars(select(SyncShareKey)).first() is None
    # ... and a second change refuses the passphrase of the first one, which the lost laptop might know by now.
    rekey_share(a, share, NEW, revoke=[c.device_id])
    with pytest.raises(SyncError, match="不能与现在的口令相同"):
        rekey_share(a, share, NEW)


def _rekey_events(database: Database) -> list[tuple[str | None, str | None]]:
    with database.read() as session:
        return [(e.detail, e.user_id) for e in list_events(session, role=UserRole.SCHOOL_ADMIN,
                                                            action=AuditAction.SHARE_REKEYED)]


def test_the_rekey_is_audited_with_the_revoked_devices(laptops: dict[str, Database], share: Path,
                                                       tmp_path: Path) -> None:
    """One event, by the administrator, naming the revoked devices by id (no names: the detail holds codes
    only); it travels to the other laptops like every audit event. A change revoking more devices than one
    detail holds goes on in a second event."""
    a, b, c = laptops["a"], laptops["b"], laptops["c"]
    assert a.user is not None
    rekey_share(a, share, NEW, revoke=[c.device_id])
    assert _rekey_events(a) == [(c.device_id, a.user.id)]
    assert sync_folder(a, share).ok and sync_folder(b, share, NEW).ok
    assert _rekey_events(b) == [(c.device_id, a.user.id)]
    with a.read() as session:
        assert check_chains(session) == []
    # A second change, revoking four more laptops (their ids do not fit one event's detail), then a third
    # that revokes nobody.
    more = [create_folder(tmp_path / name, username=name, password=PASSWORD) for name in ("d", "e", "f", "g")]
    try:
        for laptop in more:
            assert sync_folder(laptop, share, NEW).ok
        assert sync_folder(a, share).ok
        lost = sorted(laptop.device_id for laptop in more)
        rekey_share(a, share, NEW + "-2", revoke=lost)
    finally:
        for laptop in more:
            laptop.close()
    rekey_share(a, share, NEW + "-3")
    events = _rekey_events(a)
    assert [detail for detail, _ in events] == [c.device_id, ",".join(lost[:3]), lost[3], None]
    assert all(len(detail or "") <= 120 for detail, _ in events)


def test_a_failed_write_leaves_the_share_usable_with_the_old_key(laptops: dict[str, Database], school: School,
                                                                share: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b, c = laptops["a"], laptops["b"], laptops["c"]

    def full(self: FolderShare, generation: int, data: bytes) -> bool:
        raise ShareWriteError("共享文件夹（或U盘）已满。", "The share is full.")

    monkeypatch.setattr(FolderShare, "write_key_record", full)
    with pytest.raises(ShareWriteError):
        rekey_share(a, share, NEW, revoke=[c.device_id])
    monkeypatch.undo()
    assert not (share / "keys").exists()
    with a.read() as session:
        assert session.scalars(select(SyncShareKey)).first() is None
    assert _rekey_events(a) == []  # the event went with the transaction it was part of
    _add(a, school.id, "农照常同步", 37)
    assert sync_folder(a, share).ok
    newest = max((share / "bundles" / a.device_id).glob("*.jfb"))
    assert "key" not in bundles.read_header(newest.read_bytes())  # still the first key
    for laptop in (b, c):  # no passphrase asked, nobody revoked
        assert sync_folder(laptop, share).ok and "农照常同步" in _names(laptop)


def test_a_crash_after_the_write_is_recovered_with_the_new_passphrase(laptops: dict[str, Database],
                                                                      share: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The record reached the share but the laptop died before its own transaction committed: the key lives
    only in the record, and the administrator, who knows the new passphrase, takes it back from there."""
    a, b, c = laptops["a"], laptops["b"], laptops["c"]
    written = FolderShare.write_key_record

    def crash_after(self: FolderShare, generation: int, data: bytes) -> bool:
        written(self, generation, data)
        raise KeyboardInterrupt  # the power went

    monkeypatch.setattr(FolderShare, "write_key_record", crash_after)
    with pytest.raises(KeyboardInterrupt):
        rekey_share(a, share, NEW, revoke=[c.device_id])
    monkeypatch.undo()
    with a.read() as session:
        assert session.scalars(select(SyncShareKey)).first() is None
    with pytest.raises(SharePassphraseChanged):
        sync_folder(a, share)
    assert sync_folder(a, share, NEW).new_key_generations == [2]
    assert sync_folder(b, share, NEW).ok
    assert dump(a) == dump(b)


def test_rekey_through_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    share = tmp_path / "share"
    share.mkdir()
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    monkeypatch.setenv("JIAFANG_PASSWORD", PASSWORD)
    assert main(["--data-dir", str(a), "demo", "--students", "20", "--quiet"]) == 0
    for folder in (b, c):
        assert main(["--data-dir", str(folder), "init"]) == 0
    monkeypatch.setenv("JIAFANG_SYNC_PASSPHRASE", OLD)
    for folder in (a, b, c, a):
        assert main(["--data-dir", str(folder), "sync", "folder", str(share), "--quiet"]) == 0
    lost = open_folder(c, None, PASSWORD)
    lost_id = lost.device_id
    lost.close()
    capsys.readouterr()
    assert main(["--data-dir", str(a), "sync", "folder", str(share), "--devices"]) == 0
    listing = capsys.readouterr().out
    assert lost_id in listing and "本机" in listing
    assert main(["--data-dir", str(a), "sync", "folder", str(share), "--revoke", lost_id]) == 2  # needs --rekey
    monkeypatch.setenv("JIAFANG_SYNC_PASSPHRASE", "short")
    assert main(["--data-dir", str(a), "sync", "folder", str(share), "--rekey", "--revoke", lost_id]) == 1
    assert "至少" in capsys.readouterr().err and not (share / "keys").exists()
    monkeypatch.setenv("JIAFANG_SYNC_PASSPHRASE", NEW)
    assert main(["--data-dir", str(a), "sync", "folder", str(share), "--quiet", "--rekey",
                 "--revoke", lost_id[:12]]) == 0
    out = capsys.readouterr().out
    assert "新口令" in out and lost_id in out
    monkeypatch.setenv("JIAFANG_SYNC_PASSPHRASE", OLD)  # B's scheduled job still has the old one
    assert main(["--data-dir", str(b), "sync", "folder", str(share), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "更换" in err and "JIAFANG_SYNC_PASSPHRASE" in err and "Traceback" not in err
    monkeypatch.setenv("JIAFANG_SYNC_PASSPHRASE", NEW)
    assert main(["--data-dir", str(b), "sync", "folder", str(share), "--quiet"]) == 0
    monkeypatch.delenv("JIAFANG_SYNC_PASSPHRASE")
    assert main(["--data-dir", str(b), "sync", "folder", str(share), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(b), "sync", "folder", str(share), "--devices"]) == 0
    assert "已撤销" in capsys.readouterr().out
    assert main(["--data-dir", str(c), "sync", "folder", str(share), "--quiet"]) == 1
    assert "JIAFANG_SYNC_PASSPHRASE" in capsys.readouterr().err
