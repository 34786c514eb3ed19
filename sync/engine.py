"""One sync with a shared folder: join or create the share, take in the other devices' bundles, send ours
(and relay the ones we carry), exchange photos and signatures, and record what happened.

Safety first: each bundle is applied in its own transaction (all of it or none), a bundle that fails its
checks is set aside and reported while the others go on, and nothing on the share is ever overwritten.
Before it applies other laptops' changes, a sync makes an automatic backup (see :func:`_backup_before_apply`).
After a lost laptop, the share may have a new passphrase and key, and its devices revoked (sync/keyring.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.errors import DomainError
from app.domain.i18n import current_language
from app.domain.progress import Cancelled, IsCancelled, Progress
from app.store import clock, oplog
from app.store.db import Database
from app.store.errors import SQLITE_CONSTRAINT, StoreError, sqlite_code
from app.store.ids import uuid7
from app.store.machine import mark_published
from app.store.migrations import SCHEMA_VERSION
from app.store.models import (
    Blob,
    Conflict,
    DeviceState,
    SyncBundle,
    SyncDevice,
    SyncIdentity,
    SyncPeer,
    SyncRun,
    SyncShareKey,
    VisitAttachment,
)
from sync import bundle as bundles
from sync import crypto, fork, keyring
from sync.errors import BundleError, PassphraseNeeded, SyncError
from sync.folder import FolderShare, ShareWriteError, write_once

OPS_PER_BUNDLE = 5000
log = logging.getLogger("jiafang.sync")


@dataclass
class SyncResult:
    received_ops: int = 0
    applied_bundles: int = 0
    sent_ops: int = 0
    sent_bundles: int = 0
    relayed_bundles: int = 0
    blobs_sent: int = 0
    blobs_received: int = 0
    conflicts: int = 0
    future_ops: int = 0
    clock_behind_ms: int = 0
    new_device_id: bool = False
    created_share: bool = False
    rejected: list[tuple[str, str, str]] = field(default_factory=list)  # (file, zh, en)
    waiting: list[str] = field(default_factory=list)
    write_problem: tuple[str, str] | None = None
    new_key_generations: list[int] = field(default_factory=list)  # learnt from the share's new passphrase
    backup: Path | None = None  # the automatic backup made before applying other laptops' changes
    backup_problem: tuple[str, str] | None = None
    deferred_ops: int = 0  # own routine audit events left for a later bundle (see _push)
    copy_back: fork.CopyBack | None = None  # this database was an older copy put back (sync/fork.py)
    passphrase_unused: bool = False  # given to a laptop that had joined, and not the share's passphrase
    photos_awaited: int = 0  # photos and signatures of records here that no share or server has brought yet
    refused_kept: int = 0  # own changes the server refused at an earlier sync, still only on this laptop
    photos_kept: int = 0  # photos the server would not take (their record is outside this laptop's scope)
    ops_set_aside: list[tuple[str, str]] = field(default_factory=list)  # (op id, why): values no column holds

    def note_set_aside(self, found: Sequence[tuple[oplog.OpRecord, str]]) -> None:
        """Ops another device made whose values cannot be stored (app.store.values): kept out, said, logged."""
        known = {key for key, _ in self.ops_set_aside}
        for op, why in found:
            if op.key in known:  # met again in this sync (a page retried row by row, a pending op retried)
                continue
            known.add(op.key)
            log.warning("set aside op %s (%s %s): %s", op.key, op.tbl, op.row_id, why)
            self.ops_set_aside.append((op.key, why))

    @property
    def ok(self) -> bool:
        return not self.rejected and self.write_problem is None and self.backup_problem is None

    def lines(self, lang: str | None = None) -> list[str]:
        zh = (lang or current_language()) == "zh"
        out = [f"收到 {self.received_ops} 条变更（{self.applied_bundles} 个同步包），发送 {self.sent_ops} 条"
               f"（{self.sent_bundles} 个同步包，转交 {self.relayed_bundles} 个），照片/签名 收 {self.blobs_received}"
               f" 发 {self.blobs_sent}；待处理冲突 {self.conflicts} 处。" if zh else
               f"Received {self.received_ops} changes ({self.applied_bundles} bundles), sent {self.sent_ops} "
               f"({self.sent_bundles} bundles, relayed {self.relayed_bundles}), photos/signatures in "
               f"{self.blobs_received} out {self.blobs_sent}; {self.conflicts} conflicts to review."]
        if self.created_share:
            out.append("已在此文件夹建立新的同步文件夹。" if zh else "A new share was created in this folder.")
        if self.new_key_generations:
            out.append("已启用同步文件夹的新口令和新密钥；以后的同步不再需要输入口令。" if zh else
                       "The share's new passphrase and key are in use; later syncs need no passphrase.")
        if self.passphrase_unused:
            out.append("给出的同步口令不是这个同步文件夹现在的口令，没有使用（本机早已加入，这次同步不需要口令）。"
                       "请核对 JIAFANG_SYNC_PASSPHRASE：以后更换口令时要用对的口令。" if zh else
                       "The sync passphrase given is not this share's passphrase and was not used (this laptop "
                       "joined before and needs none now). Check JIAFANG_SYNC_PASSPHRASE: a later change of "
                       "passphrase needs the right one.")
        if self.backup is not None:
            out.append(f"同步前已自动备份：{self.backup.name}" if zh else
                       f"Backed up automatically before the sync: {self.backup.name}")
        if self.backup_problem:
            out.append("同步前的自动备份没有做成（同步照常进行）：" + self.backup_problem[0] if zh else
                       "The automatic backup before the sync failed (the sync went on): " + self.backup_problem[1])
        if self.copy_back is not None:
            out.append(self.copy_back.line(zh))
        elif self.new_device_id:
            out.append("本机数据库是复制或恢复来的，已改用新的设备编号，以免与原设备混淆。" if zh else
                       "This database was copied or restored; it now uses a new device id so it is not "
                       "mistaken for the original.")
        if self.ops_set_aside:
            devices = "、".join(sorted({key.split(":")[0][:8] for key, _ in self.ops_set_aside}))
            n, why = len(self.ops_set_aside), self.ops_set_aside[0][1]
            out.append(f"已搁置 {n} 条无法保存的变更（来自设备 {devices}；例如 {why}），其余照常同步。"
                       "请区教育局检查这台设备。" if zh else
                       f"Set aside {n} changes whose values cannot be stored (from device {devices}; e.g. {why}); "
                       "everything else synced. The district should check that device.")
        for name, msg_zh, msg_en in self.rejected:
            out.append(f"已搁置 {name}：{msg_zh}" if zh else f"Set aside {name}: {msg_en}")
        for name in self.waiting:
            out.append(f"{name} 需要等其他设备的数据到达后再导入。" if zh else
                       f"{name} waits for another device's records to arrive first.")
        if self.photos_awaited:
            out.append(f"有 {self.photos_awaited} 张照片或签名还没有到达：拍摄它们的电脑同步之后才会传来。" if zh else
                       f"{self.photos_awaited} photos or signatures have not arrived yet: they come once the "
                       "laptop that took them has synced.")
        if self.refused_kept:
            out.append(f"有 {self.refused_kept} 条修改之前被服务器拒收（涉及其他学校或学区的记录），仍只保存在本机。"
                       if zh else f"{self.refused_kept} changes the server refused at an earlier sync (records of "
                       "another school or of the district) are still kept only on this laptop.")
        if self.photos_kept:
            out.append(f"有 {self.photos_kept} 张照片或签名服务器不接受（所属记录不在本机的范围内），仍只保存在本机。"
                       if zh else f"{self.photos_kept} photos or signatures were not accepted by the server (their "
                       "records are outside this laptop's scope); they are kept only on this laptop.")
        if self.write_problem:
            out.append(self.write_problem[0] if zh else self.write_problem[1])
        if self.future_ops:
            out.append(f"有 {self.future_ops} 条变更的时间比本机时钟快一天以上，已接收并标记，"
                       "请检查各电脑的时间。" if zh else
                       f"{self.future_ops} changes are stamped more than a day ahead of this laptop's clock; "
                       "accepted and flagged: check the computers' clocks.")
        if self.clock_behind_ms > clock.BEHIND_WARNING_MS:
            days = self.clock_behind_ms // clock.DAY_MS
            behind_zh = (f"本机时钟比已见到的最新时间慢约 {days} 天，请校准电脑时间（主板电池可能没电）。"
                         "同步结果不受影响。")
            behind_en = (f"This laptop's clock is about {days} days behind the newest time seen; set the clock "
                         "(the clock battery may be flat). The sync itself is not affected.")
            out.append(behind_zh if zh else behind_en)
        return out


def _device_record(identity: SyncIdentity, state: DeviceState, ring: keyring.KeyRing) -> dict[str, Any]:
    return _sealed_record(state.device_id, state.device_name, state.school_id,
                          crypto.public_key(identity.signing_key), ring)


def _sealed_record(device_id: str, name: str | None, school_id: str | None, public_key: bytes,
                   ring: keyring.KeyRing) -> dict[str, Any]:
    """A device record as the share keeps it, with a MAC under the deployment's current key."""
    record: dict[str, Any] = {"device": device_id, "name": name, "school": school_id,
                              "public_key": crypto.b64(public_key)}
    if ring.current != 1:
        record["key"] = ring.current  # absent for the first key: records made before any change stay as they were
    body = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return {**record, "mac": crypto.mac(ring.key, body)}


def _record_ok(record: dict[str, Any], content_key: bytes) -> bool:
    body = {k: v for k, v in record.items() if k != "mac"}
    expected = crypto.mac(content_key, json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return isinstance(record.get("mac"), str) and crypto.hmac.compare_digest(record["mac"], expected)


def _state(session: Session) -> DeviceState:
    state = session.get(DeviceState, 1)
    assert state is not None
    return state


def _join(database: Database, share: FolderShare, passphrase: str | None, result: SyncResult) -> None:
    """Make sure this laptop and the share belong to the same deployment, creating either as needed."""
    meta = share.read_meta()
    with database.write() as session:
        identity = session.get(SyncIdentity, 1)
        if meta is None:
            if not passphrase:
                raise PassphraseNeeded("这是一个新的同步文件夹：请设置同步口令（JIAFANG_SYNC_PASSPHRASE）以建立它。",
                                       "This is a new share: give a sync passphrase (JIAFANG_SYNC_PASSPHRASE) to "
                                       "create it.")
            if len(passphrase) < keyring.MIN_PASSPHRASE:
                raise SyncError("同步口令至少需要 8 个字符。", "The sync passphrase needs at least 8 characters.")
            if identity is None:
                identity = SyncIdentity(id=1, deployment_id=uuid7(), content_key=crypto.new_key(),
                                        signing_key=crypto.new_signing_key(), key_device=_state(session).device_id)
                session.add(identity)
                session.flush()
            wrapped = crypto.wrap_content_key(identity.content_key, passphrase, identity.deployment_id)
            try:
                meta = share.create_meta(identity.deployment_id, wrapped)
            except ShareWriteError:
                raise
            result.created_share = True
            if meta["deployment"] != identity.deployment_id:
                raise SyncError("另一台电脑刚刚在此文件夹建立了同步，请再同步一次。",
                                "Another laptop created this share a moment ago; sync again.")
            return
        deployment = str(meta["deployment"])
        records = share.key_records(deployment)
        joined = identity is not None  # before this sync: it needs no passphrase
        if identity is not None:
            if identity.deployment_id != deployment:
                raise SyncError("这个同步文件夹属于另一个部署（别的学校或学区），本机不能与它同步。",
                                "This share belongs to another deployment; this laptop cannot sync with it.")
        else:
            if not passphrase:
                raise PassphraseNeeded("第一次使用这个同步文件夹需要同步口令（JIAFANG_SYNC_PASSPHRASE）。",
                                       "Joining this share needs its passphrase (JIAFANG_SYNC_PASSPHRASE).")
            content_key, later = keyring.open_share(records, meta, passphrase, deployment)
            session.add(SyncIdentity(id=1, deployment_id=deployment, content_key=content_key,
                                     signing_key=crypto.new_signing_key(), key_device=_state(session).device_id))
            session.flush()
            keyring.keep_opened(session, later)
        if records:
            # Raises SharePassphraseChanged (and this transaction changes nothing) when the share has a newer
            # passphrase this laptop was not given.
            result.new_key_generations = keyring.catch_up(session, records, passphrase, deployment)
        if passphrase and joined and not result.new_key_generations:
            result.passphrase_unused = not keyring.opens_current(keyring.load(session), records, meta, passphrase,
                                                                 deployment)


def _check_device_id(database: Database, share: FolderShare, result: SyncResult) -> None:
    """A copied or restored database must not reuse op ids its original already sent. A copy opened on
    another machine took a new device id when it was opened; a copy put back on the same machine is caught
    here: the share holds bundles of ours that this database did not make. When their ops part from ours, the
    ops written since the copy are re-issued under a new device id and the device's published history is
    taken in as another device's (sync/fork.py). A new device id gets a new signing key (keys belong to
    device ids)."""
    with database.write() as session:
        identity = session.get(SyncIdentity, 1)
        assert identity is not None
        state = _state(session)
        me = state.device_id
        held = {(b.seq_from, b.seq_to): size for b, size in session.execute(
            select(SyncBundle, func.length(SyncBundle.data)).where(SyncBundle.origin == me))}
        unknown = [b for b in share.bundle_files() if b.origin == me and not _same_size(b.path, held.get(
            (b.seq_from, b.seq_to)))]
        if unknown:
            published = _open_own(session, identity, unknown)
            copy_back = fork.reconcile(session, [op for _, opened in published for op in opened.ops])
            if copy_back is None:
                # Our own bundles, written by this database before it lost its record of them (e.g. a copy
                # taken between writing a bundle and committing): kept as ours, so the next one follows them.
                for data, opened in published:
                    if session.get(SyncBundle, (me, opened.seq_from)) is None:
                        session.add(SyncBundle(origin=me, seq_from=opened.seq_from, seq_to=opened.seq_to,
                                               sha256=opened.sha256, data=data))
            else:
                _retire_device(session, identity, copy_back)
                result.copy_back = copy_back
            session.expire(state)
        if identity.key_device != state.device_id:
            if result.copy_back is None:
                result.copy_back = fork.opened_as_older_copy(session, identity)
                if result.copy_back is not None:
                    _retire_device(session, identity, result.copy_back)
            identity.key_device = state.device_id
            identity.signing_key = crypto.new_signing_key()
            result.new_device_id = True


def _same_size(path: Path, size: int | None) -> bool:
    if size is None:
        return False
    try:
        return path.stat().st_size == size
    except OSError:
        return True  # unreadable now: nothing to compare, and the pull never reads our own bundles


def _open_own(session: Session, identity: SyncIdentity, files: list[Any]) -> list[tuple[bytes, bundles.Bundle]]:
    """The share's bundles of this device that this database did not make, opened and verified with this
    device's own key (a file that fails is not this device's work and is left alone)."""
    ring = keyring.load(session)
    me = _state(session).device_id
    known = session.get(SyncDevice, me)
    public = crypto.public_key(identity.signing_key) if identity.key_device == me else \
        (known.public_key if known is not None else None)
    out = []
    for bundle_file in files:
        try:
            data = bundle_file.path.read_bytes()
            opened = bundles.unpack(data, deployment=identity.deployment_id, content_key=ring.keys[1],
                                    keys=ring.keys, public_key_for=lambda origin: public if origin == me else None,
                                    max_schema=SCHEMA_VERSION)
        except (OSError, BundleError):
            continue
        out.append((data, opened))
    return out


def _retire_device(session: Session, identity: SyncIdentity, copy_back: fork.CopyBack) -> None:
    """After a copy-back: the old device id is another device from now on. Its bundles we made after the
    parting held the re-issued ops (dropped); its published bundles are applied from the parting on, checked
    with its key as any device's are."""
    old = copy_back.old_device
    session.execute(delete(SyncBundle).where(SyncBundle.origin == old, SyncBundle.seq_to > copy_back.agreed_seq))
    peer = session.get(SyncPeer, old)
    if peer is None:
        session.add(SyncPeer(origin=old, applied_seq=copy_back.agreed_seq))
    else:
        peer.applied_seq = min(peer.applied_seq, copy_back.agreed_seq)
    if session.get(SyncDevice, old) is None and identity.key_device == old:
        session.add(SyncDevice(device_id=old, name=None, school_id=_state(session).school_id,
                               public_key=crypto.public_key(identity.signing_key)))
    session.flush()


def _public_key_for(session: Session) -> Callable[[str], bytes | None]:
    keys = {d.device_id: d.public_key for d in session.scalars(select(SyncDevice))}
    return keys.get


def _learn_devices(database: Database, share: FolderShare) -> None:
    with database.write() as session:
        identity = session.get(SyncIdentity, 1)
        assert identity is not None
        state = _state(session)
        ring = keyring.load(session)
        share.write_device(state.device_id, _device_record(identity, state, ring))
        known = {d.device_id: d for d in session.scalars(select(SyncDevice))}
        records = list(share.devices())
        for record in records:
            try:
                generation = int(record.get("key", 1))
            except (TypeError, ValueError):
                continue
            key = ring.keys.get(generation)
            if key is None or not _record_ok(record, key):
                continue  # not made with a key of the deployment's: ignore rather than trust
            device_id = str(record["device"])
            public = crypto.unb64(str(record["public_key"]))
            held = known.get(device_id)
            # Made with a key the lost laptop knows: believed only for a device the administrator listed when
            # that key was retired, and only to learn it (a name change needs the current key).
            if generation < ring.current and (
                    held is not None or ring.listed_after(generation).get(device_id) != record["public_key"]):
                continue
            if held is None:
                session.add(SyncDevice(device_id=device_id, name=record.get("name"), school_id=record.get("school"),
                                       public_key=public))
            elif held.public_key != public and device_id != state.device_id:
                continue  # a device's key never changes; a different one is a forgery
            else:
                held.name, held.school_id = record.get("name"), record.get("school")
        # The bundles we relay name their origin; a laptop that never met that device (the office laptop
        # reading a USB stick) needs its record to verify them. We vouch for the devices we know with the
        # deployment's key, as the devices themselves do; a share's own record of a device is never replaced.
        on_share = {str(record.get("device")) for record in records}
        for device in session.scalars(select(SyncDevice)):
            if device.device_id != state.device_id and device.device_id not in on_share:
                share.add_device_record(device.device_id, _sealed_record(
                    device.device_id, device.name, device.school_id, device.public_key, ring))


def _pull(database: Database, share: FolderShare, result: SyncResult, progress: Progress,
          cancelled: IsCancelled) -> None:
    with database.read() as session:
        identity = session.get(SyncIdentity, 1)
        assert identity is not None
        ring = keyring.load(session)
        me = _state(session).device_id
        applied = {p.origin: p.applied_seq for p in session.scalars(select(SyncPeer))}
    files = [b for b in share.bundle_files() if b.origin != me and b.seq_to > applied.get(b.origin, 0)]
    total = max(1, len(files))
    pending = files
    done = 0
    # Several passes: a bundle that refers to records another device's bundle brings waits for it.
    while pending:
        waiting = []
        progressed = False
        for batch in _batches(pending):
            for bundle_file, outcome in _apply_batch(database, identity.deployment_id, ring, batch, result,
                                                     cancelled):
                if outcome == "wait":
                    waiting.append(bundle_file)
                else:
                    progressed = progressed or outcome == "applied"
                    done += 1
                    progress("receive", done / total)
        if not progressed or len(waiting) == len(pending):
            result.waiting = [f"{b.origin[:8]}/{b.path.name}" for b in waiting]
            break
        pending = waiting


#: Bundles are applied in transactions of about this many ops: each commit writes every page the
#: transaction dirtied (the roster's indexes are touched all over), so a first sync of 100,000 students in
#: 5,000-op bundles cost 40 commits and checkpoints. Bounded, so the write lock is given back now and then.
APPLY_BATCH_OPS = 50_000


def _batches(files: list[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    ops = 0
    for bundle_file in files:
        batch.append(bundle_file)
        ops += bundle_file.seq_to - bundle_file.seq_from + 1
        if ops >= APPLY_BATCH_OPS:
            yield batch
            batch, ops = [], 0
    if batch:
        yield batch


def _apply_batch(database: Database, deployment: str, ring: keyring.KeyRing, batch: list[Any],
                 result: SyncResult, cancelled: IsCancelled) -> list[tuple[Any, str]]:
    """Apply bundles in one transaction, each in a savepoint of its own (a bundle that is refused or must wait
    changes nothing). The result counts a bundle only once its transaction committed.

    A reference to a record that has not arrived shows only at commit (foreign keys are deferred, since a
    bundle's rows may refer to one another in any order): then nothing of the batch is kept, and its bundles
    are applied again one transaction each, which tells the bundle that must wait from the others."""
    outcomes: list[tuple[Any, str]] = []
    tentative = SyncResult()
    try:
        with database.write() as session:
            session.connection().exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            for bundle_file in batch:
                if cancelled():
                    break
                outcomes.append((bundle_file, _apply_file(session, deployment, ring, bundle_file, tentative)))
    except StoreError as exc:
        if sqlite_code(exc) != SQLITE_CONSTRAINT:
            raise
        if len(batch) == 1:
            return [(batch[0], "wait")]
        return [found for bundle_file in batch
                for found in _apply_batch(database, deployment, ring, [bundle_file], result, cancelled)]
    result.received_ops += tentative.received_ops
    result.future_ops += tentative.future_ops
    result.applied_bundles += tentative.applied_bundles
    result.rejected.extend(tentative.rejected)
    known = {key for key, _ in result.ops_set_aside}
    result.ops_set_aside.extend(item for item in tentative.ops_set_aside if item[0] not in known)
    if len(outcomes) < len(batch):
        raise Cancelled("同步已取消；已导入的同步包保持有效。", "Sync cancelled; bundles already applied stay applied.")
    return outcomes


REVOKED_ZH = "来自已撤销的设备（丢失的电脑），是撤销之后写的，不导入。这台设备撤销之前的数据不受影响。"
REVOKED_EN = ("it comes from a revoked device (a lost laptop) and was written after the revocation: not applied. "
              "That device's earlier data is kept.")


def _revoked_after(ring: keyring.KeyRing, origin: str, seq_to: int) -> bool:
    upto = ring.revoked.get(origin)
    return upto is not None and seq_to > upto


def _apply_file(session: Session, deployment: str, ring: keyring.KeyRing, bundle_file: Any,
                result: SyncResult) -> str:
    """Apply one bundle in a savepoint of the caller's transaction; what it says goes into ``result``."""
    name = f"{bundle_file.origin[:8]}/{bundle_file.path.name}"
    if _revoked_after(ring, bundle_file.origin, bundle_file.seq_to):
        result.rejected.append((name, REVOKED_ZH, REVOKED_EN))
        return "rejected"
    try:
        data = bundle_file.path.read_bytes()
    except OSError as exc:
        result.rejected.append((name, f"无法读取：{exc.strerror}", f"cannot be read: {exc.strerror}"))
        return "rejected"
    try:
        with session.begin_nested():
            peer = session.get(SyncPeer, bundle_file.origin)
            applied = peer.applied_seq if peer else 0
            opened = bundles.unpack(data, deployment=deployment, content_key=ring.keys[1], keys=ring.keys,
                                    public_key_for=_public_key_for(session), max_schema=SCHEMA_VERSION)
            if opened.seq_to <= applied:
                return "skipped"  # a replay: everything in it is already here
            if opened.seq_from > applied + 1:
                return "wait"  # an earlier bundle of this device has not arrived yet
            applied_result = oplog.apply_remote(session, [op for op in opened.ops if op.seq > applied])
            if peer is None:
                peer = SyncPeer(origin=opened.origin, applied_seq=0)
                session.add(peer)
            peer.applied_seq, peer.last_hash = opened.seq_to, opened.sha256
            if session.get(SyncBundle, (opened.origin, opened.seq_from)) is None:
                session.add(SyncBundle(origin=opened.origin, seq_from=opened.seq_from, seq_to=opened.seq_to,
                                       sha256=opened.sha256, data=data))
            session.flush()  # inside the savepoint, so a constraint it breaks is this bundle's alone
    except BundleError as exc:
        result.rejected.append((name, exc.zh, exc.en))
        return "rejected"
    except oplog.OpMismatch:
        result.rejected.append((name, "同步包与已有的变更冲突（可能被伪造），已搁置。",
                                "the bundle contradicts changes already held (forged?); set aside."))
        return "rejected"
    except IntegrityError as exc:
        if sqlite_code(exc) == SQLITE_CONSTRAINT:
            return "wait"  # it refers to a record another bundle brings
        raise
    result.received_ops += applied_result.applied
    result.future_ops += applied_result.future_ops
    result.note_set_aside(applied_result.set_aside)
    result.applied_bundles += 1
    return "applied"


def _routine(op: oplog.OpRecord) -> bool:
    """An audit event a laptop makes by itself on every run: signing in (every CLI command signs in) and the
    automatic backups. Nothing a person did to a record or a file."""
    if op.tbl != "audit_event" or op.prev is not None:
        return False
    action, detail = op.data.get("action"), op.data.get("detail")
    return action == "signed_in" or (action == "backup" and detail in ("auto", "auto-sync"))


def _audit_only(op: oplog.OpRecord) -> bool:
    return op.tbl == "audit_event"


def _defer(ops: list[oplog.OpRecord]) -> bool:
    """Leave these own ops for a later bundle: they are routine audit events only, the oldest less than a day
    old. A scheduled ``jiafang sync folder`` signs in each time; without this, every run would send a bundle
    of its own sign-in and no sync would ever be "nothing new". They go out with the next real change, or
    within a day (the district still gets every sign-in, at most a day late); a sign-in failure, a view, an
    export or a print is never held back."""
    if not ops or not all(_routine(op) for op in ops):
        return False
    return clock.wall_ms() - clock.physical_ms(min(op.hlc for op in ops)) < clock.DAY_MS


def _relay_keys(database: Database, share: FolderShare, result: SyncResult) -> None:
    """Copy the key records this laptop holds onto the share when it lacks them (before any bundle sealed
    with their keys), so a USB stick carries the news of a new passphrase as it carries bundles."""
    with database.read() as session:
        held = [(row.generation, row.record) for row in session.scalars(select(SyncShareKey))
                if row.record is not None]
    present = share.key_generations()
    for generation, record in held:
        if generation in present:
            continue
        try:
            share.write_key_record(generation, record.encode("ascii"))
        except ShareWriteError as exc:
            result.write_problem = (exc.zh, exc.en)
            return


def _push(database: Database, share: FolderShare, result: SyncResult, progress: Progress) -> int:
    """Make bundles of our new ops (once, kept locally), then write every bundle we carry that the share
    lacks. Returns the highest own seq now on the share."""
    with database.write() as session:
        identity = session.get(SyncIdentity, 1)
        assert identity is not None
        ring = keyring.load(session)
        state = _state(session)
        me = state.device_id
        made_to = session.scalar(select(func.max(SyncBundle.seq_to)).where(SyncBundle.origin == me)) or 0
        latest = session.scalar(select(SyncBundle).where(SyncBundle.origin == me)
                                .order_by(SyncBundle.seq_to.desc()).limit(1))
        prev_hash = latest.sha256 if latest else None
        ops = (sorted(_own_ops_after(session, me, made_to), key=lambda op: op.seq)
               if state.last_seq > made_to else [])
        if _defer(ops):
            result.deferred_ops, ops = len(ops), []
        for start in range(0, len(ops), OPS_PER_BUNDLE):
            chunk = ops[start:start + OPS_PER_BUNDLE]
            data = bundles.pack(chunk, deployment=identity.deployment_id, prev_hash=prev_hash,
                                schema=SCHEMA_VERSION, content_key=ring.key, signing_key=identity.signing_key,
                                key_generation=ring.current)
            sha = hashlib.sha256(data).hexdigest()
            session.add(SyncBundle(origin=me, seq_from=chunk[0].seq, seq_to=chunk[-1].seq, sha256=sha, data=data))
            prev_hash = sha
    share.clean_stale_tmp(me)
    on_share = {(b.origin, b.seq_from, b.seq_to): b.path for b in share.bundle_files()}
    with database.read() as session:
        carried = list(session.execute(select(SyncBundle.origin, SyncBundle.seq_from, SyncBundle.seq_to,
                                              SyncBundle.sha256, func.length(SyncBundle.data).label("size"))))
        last_sync = session.scalars(select(SyncRun.started_at).order_by(SyncRun.id.desc()).limit(1)).first()
    since = last_sync.timestamp() if last_sync else 0.0
    # A bundle is missing when the share lacks it or holds a damaged copy (not the bytes we kept). Sizes are
    # compared every time; contents only of files changed since our last sync, so that a sync with nothing
    # new costs the same on a large district as on a small one.
    missing = [(c.origin, c.seq_from, c.seq_to) for c in carried
               if (c.origin, c.seq_from, c.seq_to) not in on_share
               or _damaged(on_share[(c.origin, c.seq_from, c.seq_to)], c.size, c.sha256, since)]
    exported = max((key[2] for key in on_share if key[0] == me), default=0)
    for index, (origin, seq_from, seq_to) in enumerate(missing):
        with database.read() as session:
            kept = session.get(SyncBundle, (origin, seq_from))
            assert kept is not None
            payload = kept.data
        try:
            write_once(share.bundle_path(origin, seq_from, seq_to), payload, repair=True)
        except ShareWriteError as exc:
            result.write_problem = (exc.zh, exc.en)
            break
        if origin == me:
            result.sent_bundles += 1
            result.sent_ops += seq_to - seq_from + 1
            exported = max(exported, seq_to)
        else:
            result.relayed_bundles += 1
        progress("send", (index + 1) / len(missing))
    mark_published(me, exported)
    return exported


def _damaged(path: Path, size: int, sha256: str, since: float) -> bool:
    try:
        stat = path.stat()
        if stat.st_size != size:
            return True
        return stat.st_mtime >= since and hashlib.sha256(path.read_bytes()).hexdigest() != sha256
    except OSError:
        return True


def _own_ops_after(session: Session, me: str, after: int) -> list[oplog.OpRecord]:
    store = oplog.log_store(session)
    device = store.atom(me)
    store.cur.execute(f"SELECT {oplog.OP_COLUMNS} FROM op_log WHERE device = ? AND seq > ? ORDER BY seq",
                      (device, after))
    return [store.decode(row) for row in store.cur.fetchall()]


_BLOB_MAGIC = b"JFG1"  # a photo sealed under a later share key: magic, generation (4 bytes), nonce, ciphertext


def _seal_blob(ring: keyring.KeyRing, sha: str, plain: bytes) -> bytes:
    if ring.current == 1:  # as photos were always sealed, so older versions still read them
        nonce, sealed = crypto.seal(ring.key, plain, sha.encode("ascii"))
        return nonce + sealed
    generation = ring.current.to_bytes(4, "big")
    nonce, sealed = crypto.seal(ring.key, plain, sha.encode("ascii") + b"/" + generation)
    return _BLOB_MAGIC + generation + nonce + sealed


def _open_blob(ring: keyring.KeyRing, sha: str, raw: bytes) -> bytes | None:
    if raw.startswith(_BLOB_MAGIC) and len(raw) > 20:
        key = ring.keys.get(int.from_bytes(raw[4:8], "big"))
        opened = None if key is None else crypto.unseal(key, raw[8:20], raw[20:], sha.encode("ascii") + b"/" + raw[4:8])
        if opened is not None:
            return opened
    # A first-key photo whose random nonce happens to start like the magic is still opened.
    return crypto.unseal(ring.keys[1], raw[:12], raw[12:], sha.encode("ascii"))


def _blobs(database: Database, share: FolderShare, result: SyncResult) -> None:
    with database.read() as session:
        ring = keyring.load(session)
        wanted = set(session.scalars(select(VisitAttachment.blob_sha256)))
        held = set(session.scalars(select(Blob.sha256)))
    for sha in sorted(held):
        path = share.blob_path(sha)
        if path.exists() or result.write_problem:
            continue
        with database.read() as session:
            blob = session.get(Blob, sha)
            assert blob is not None
            plain = json.dumps({"media_type": blob.media_type}).encode() + b"\n" + blob.data
        try:
            write_once(path, _seal_blob(ring, sha, plain))
            result.blobs_sent += 1
        except ShareWriteError as exc:
            result.write_problem = (exc.zh, exc.en)
    for sha in sorted(wanted - held):
        path = share.blob_path(sha)
        try:
            raw = path.read_bytes()
        except OSError:
            result.photos_awaited += 1  # not there yet: the laptop that took the photo has not synced it
            continue
        opened = _open_blob(ring, sha, raw)
        if opened is None or b"\n" not in opened:
            result.rejected.append((path.name, "照片文件已损坏或被改动。", "the photo file is damaged or altered."))
            continue
        header, data = opened.split(b"\n", 1)
        if hashlib.sha256(data).hexdigest() != sha:
            result.rejected.append((path.name, "照片内容与编号不符。", "the photo does not match its id."))
            continue
        with database.write() as session:
            session.add(Blob(sha256=sha, media_type=str(json.loads(header).get("media_type", "")), data=data))
        result.blobs_received += 1


def _brings_changes(database: Database, share: FolderShare) -> bool:
    """Whether the share holds, for this laptop, a new bundle of another device with an op that is not an
    audit event. Opens new bundles in turn and stops at the first such op (normally in the first bundle)."""
    with database.read() as session:
        identity = session.get(SyncIdentity, 1)
        assert identity is not None
        ring = keyring.load(session)
        me = _state(session).device_id
        applied = {p.origin: p.applied_seq for p in session.scalars(select(SyncPeer))}
        public_key_for = _public_key_for(session)
    for bundle_file in share.bundle_files():
        after = applied.get(bundle_file.origin, 0)
        if bundle_file.origin == me or bundle_file.seq_to <= after \
                or _revoked_after(ring, bundle_file.origin, bundle_file.seq_to):
            continue
        try:
            opened = bundles.unpack(bundle_file.path.read_bytes(), deployment=identity.deployment_id,
                                    content_key=ring.keys[1], keys=ring.keys, public_key_for=public_key_for,
                                    max_schema=SCHEMA_VERSION)
        except (OSError, BundleError):
            continue  # set aside by the pull, which says why
        if any(op.seq > after and not _audit_only(op) for op in opened.ops):
            return True
    return False


def _backup_before_apply(database: Database, share: FolderShare, result: SyncResult) -> None:
    """The automatic backup before a sync applies other laptops' changes (issue #9), kept apart from the daily
    ones (``jiafang-auto-sync-*``, the newest few kept).

    Made only when (1) the last one is older than ``SYNC_BACKUP_MINUTES`` (a backup copies the whole database:
    a share synced every few minutes must not copy it every few minutes), and (2) some new bundle of another
    device carries an op that is not an audit event. Rule (2) is what cannot loop: a backup writes one audit
    event, which travels to the other laptops, but audit events alone never make a backup there, so a
    backup's event never causes another backup. Backups are then bounded by the changes people make. The
    audit event itself is a routine one that waits for this laptop's next real change (see :func:`_defer`).
    """
    from app.services.backup import backup_before_sync, sync_backup_due

    if not sync_backup_due(database) or not _brings_changes(database, share):
        return
    try:
        result.backup = backup_before_sync(database)
    except DomainError as exc:
        # A backup that cannot be made (a full disk) must not stop the sync itself: reported, exit 1.
        result.backup_problem = (exc.zh, exc.en)


def sync_folder(database: Database, path: Path, passphrase: str | None = None, *, progress: Progress | None = None,
                cancelled: IsCancelled | None = None, backup: bool = True) -> SyncResult:
    """Sync this data folder with a shared folder or USB stick; see the module docstring.

    ``backup``: make the automatic backup before applying other laptops' changes when it is due. ``cancelled()``
    is asked before each bundle: the bundles applied until then stay applied, and Cancelled is raised."""
    report = progress or (lambda stage, fraction: None)
    stop = cancelled or (lambda: False)
    share = FolderShare(path)
    share.check_reachable()
    result = SyncResult()
    started = datetime.now(UTC)
    try:
        _join(database, share, passphrase, result)
        _check_device_id(database, share, result)
        _learn_devices(database, share)
    except ShareWriteError as exc:
        if share.read_meta() is None:
            raise
        result.write_problem = (exc.zh, exc.en)  # a read-only share can still be read
    if backup:
        _backup_before_apply(database, share, result)
    report("receive", 0.0)
    _pull(database, share, result, report, stop)
    exported = 0
    if result.write_problem is None:
        _relay_keys(database, share, result)
    if result.write_problem is None:
        exported = _push(database, share, result, report)
    _blobs(database, share, result)
    with database.write() as session:
        state = _state(session)
        applied = {p.origin: p.applied_seq for p in session.scalars(select(SyncPeer))}
        result.conflicts = session.scalar(select(func.count()).select_from(Conflict)) or 0
        result.clock_behind_ms = oplog.writer(session).clock.local_clock_behind_ms()
        session.add(SyncRun(transport="folder", target=str(path), started_at=started, finished_at=datetime.now(UTC),
                            sent_ops=result.sent_ops, received_ops=result.received_ops, exported_seq=exported,
                            ok=result.ok, summary="\n".join(result.lines("zh"))))
        if result.write_problem is None:
            try:
                share.write_ack(state.device_id, {**applied, state.device_id: exported})
            except ShareWriteError as exc:
                result.write_problem = (exc.zh, exc.en)
    report("done", 1.0)
    return result


def last_run(database: Database) -> SyncRun | None:
    with database.read() as session:
        return session.scalars(select(SyncRun).order_by(SyncRun.id.desc()).limit(1)).first()


def pending_changes(database: Database) -> int:
    """Own ops not yet on any share or server (for the status bar's badge), leaving out the routine audit
    events a folder sync holds back (see :func:`_defer`)."""
    with database.read() as session:
        state = _state(session)
        sent = session.scalar(select(func.max(SyncRun.exported_seq))) or 0
        if state.last_seq <= sent:
            return 0
        store = oplog.log_store(session)
        device = store.atom(state.device_id)
        store.cur.execute(f"SELECT {oplog.OP_COLUMNS} FROM op_log WHERE device = ? AND seq > ? "
                          "AND tbl = 'audit_event' AND prev IS NULL", (device, sent))
        routine = sum(1 for row in store.cur.fetchall() if _routine(store.decode(row)))
        return state.last_seq - sent - routine


__all__ = ["SyncResult", "sync_folder", "last_run", "pending_changes", "DomainError"]
