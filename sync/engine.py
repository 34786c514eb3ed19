"""One sync with a shared folder: join or create the share, take in the other devices' bundles, send ours
(and relay the ones we carry), exchange photos and signatures, and record what happened.

Safety first: each bundle is applied in its own transaction (all of it or none), a bundle that fails its
checks is set aside and reported while the others go on, and nothing on the share is ever overwritten.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.errors import DomainError
from app.domain.i18n import current_language
from app.store import clock, oplog
from app.store.db import Database
from app.store.errors import StoreError
from app.store.ids import uuid7
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
    VisitAttachment,
)
from sync import bundle as bundles
from sync import crypto
from sync.errors import BundleError, SyncError
from sync.folder import FolderShare, ShareWriteError, write_once

Progress = Callable[[str, float], None]
OPS_PER_BUNDLE = 5000


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

    @property
    def ok(self) -> bool:
        return not self.rejected and self.write_problem is None

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
        if self.new_device_id:
            out.append("本机数据库是复制或恢复来的，已改用新的设备编号，以免与原设备混淆。" if zh else
                       "This database was copied or restored; it now uses a new device id so it is not "
                       "mistaken for the original.")
        for name, msg_zh, msg_en in self.rejected:
            out.append(f"已搁置 {name}：{msg_zh}" if zh else f"Set aside {name}: {msg_en}")
        for name in self.waiting:
            out.append(f"{name} 需要等其他设备的数据到达后再导入。" if zh else
                       f"{name} waits for another device's records to arrive first.")
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


def _device_record(identity: SyncIdentity, state: DeviceState) -> dict[str, Any]:
    record = {"device": state.device_id, "name": state.device_name, "school": state.school_id,
              "public_key": crypto.b64(crypto.public_key(identity.signing_key))}
    body = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return {**record, "mac": crypto.mac(identity.content_key, body)}


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
                raise SyncError("这是一个新的同步文件夹：请设置同步口令（JIAFANG_SYNC_PASSPHRASE）以建立它。",
                                "This is a new share: give a sync passphrase (JIAFANG_SYNC_PASSPHRASE) to create it.")
            if len(passphrase) < 8:
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
        if identity is not None:
            if identity.deployment_id != deployment:
                raise SyncError("这个同步文件夹属于另一个部署（别的学校或学区），本机不能与它同步。",
                                "This share belongs to another deployment; this laptop cannot sync with it.")
            return
        if not passphrase:
            raise SyncError("第一次使用这个同步文件夹需要同步口令（JIAFANG_SYNC_PASSPHRASE）。",
                            "Joining this share needs its passphrase (JIAFANG_SYNC_PASSPHRASE).")
        content_key = crypto.unwrap_content_key(meta.get("content_key") or {}, passphrase, deployment)
        session.add(SyncIdentity(id=1, deployment_id=deployment, content_key=content_key,
                                 signing_key=crypto.new_signing_key(), key_device=_state(session).device_id))


def _check_device_id(database: Database, share: FolderShare, result: SyncResult) -> None:
    """A copied or restored database must not reuse op ids its original already sent. A copy opened on
    another machine took a new device id when it was opened; a backup restored on the same machine is
    caught here: the share holds ops of ours that this database has never seen. A new device id gets a new
    signing key (keys belong to device ids)."""
    with database.write() as session:
        identity = session.get(SyncIdentity, 1)
        assert identity is not None
        state = _state(session)
        if any(b.origin == state.device_id and b.seq_to > state.last_seq for b in share.bundle_files()):
            oplog.new_device_id(session)
            session.expire(state)
        if identity.key_device != state.device_id:
            identity.key_device = state.device_id
            identity.signing_key = crypto.new_signing_key()
            result.new_device_id = True


def _public_key_for(session: Session) -> Callable[[str], bytes | None]:
    keys = {d.device_id: d.public_key for d in session.scalars(select(SyncDevice))}
    return keys.get


def _learn_devices(database: Database, share: FolderShare) -> None:
    with database.write() as session:
        identity = session.get(SyncIdentity, 1)
        assert identity is not None
        state = _state(session)
        share.write_device(state.device_id, _device_record(identity, state))
        known = {d.device_id: d for d in session.scalars(select(SyncDevice))}
        for record in share.devices():
            if not _record_ok(record, identity.content_key):
                continue  # not made with the deployment's key: ignore rather than trust
            device_id = str(record["device"])
            public = crypto.unb64(str(record["public_key"]))
            held = known.get(device_id)
            if held is None:
                session.add(SyncDevice(device_id=device_id, name=record.get("name"), school_id=record.get("school"),
                                       public_key=public))
            elif held.public_key != public and device_id != state.device_id:
                continue  # a device's key never changes; a different one is a forgery
            else:
                held.name, held.school_id = record.get("name"), record.get("school")


def _pull(database: Database, share: FolderShare, result: SyncResult, progress: Progress,
          cancelled: Callable[[], bool]) -> None:
    with database.read() as session:
        identity = session.get(SyncIdentity, 1)
        assert identity is not None
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
        for bundle_file in pending:
            if cancelled():
                raise SyncError("同步已取消；已导入的同步包保持有效。",
                                "Sync cancelled; bundles already applied stay applied.")
            outcome = _apply_file(database, identity, bundle_file, result)
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


def _apply_file(database: Database, identity: SyncIdentity, bundle_file: Any, result: SyncResult) -> str:
    name = f"{bundle_file.origin[:8]}/{bundle_file.path.name}"
    try:
        data = bundle_file.path.read_bytes()
    except OSError as exc:
        result.rejected.append((name, f"无法读取：{exc.strerror}", f"cannot be read: {exc.strerror}"))
        return "rejected"
    try:
        with database.write() as session:
            peer = session.get(SyncPeer, bundle_file.origin)
            applied = peer.applied_seq if peer else 0
            opened = bundles.unpack(data, deployment=identity.deployment_id, content_key=identity.content_key,
                                    public_key_for=_public_key_for(session), max_schema=SCHEMA_VERSION)
            if opened.seq_to <= applied:
                return "skipped"  # a replay: everything in it is already here
            if opened.seq_from > applied + 1:
                return "wait"  # an earlier bundle of this device has not arrived yet
            session.connection().exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            applied_result = oplog.apply_remote(session, [op for op in opened.ops if op.seq > applied])
            if peer is None:
                peer = SyncPeer(origin=opened.origin, applied_seq=0)
                session.add(peer)
            peer.applied_seq, peer.last_hash = opened.seq_to, opened.sha256
            if session.get(SyncBundle, (opened.origin, opened.seq_from)) is None:
                session.add(SyncBundle(origin=opened.origin, seq_from=opened.seq_from, seq_to=opened.seq_to,
                                       sha256=opened.sha256, data=data))
    except BundleError as exc:
        result.rejected.append((name, exc.zh, exc.en))
        return "rejected"
    except oplog.OpMismatch:
        result.rejected.append((name, "同步包与已有的变更冲突（可能被伪造），已搁置。",
                                "the bundle contradicts changes already held (forged?); set aside."))
        return "rejected"
    except StoreError as exc:
        if isinstance(exc.__cause__, IntegrityError) or "constraint" in exc.en.lower():
            return "wait"
        raise
    result.received_ops += applied_result.applied
    result.future_ops += applied_result.future_ops
    result.applied_bundles += 1
    return "applied"


def _push(database: Database, share: FolderShare, result: SyncResult, progress: Progress) -> int:
    """Make bundles of our new ops (once, kept locally), then write every bundle we carry that the share
    lacks. Returns the highest own seq now on the share."""
    with database.write() as session:
        identity = session.get(SyncIdentity, 1)
        assert identity is not None
        state = _state(session)
        me = state.device_id
        made_to = session.scalar(select(func.max(SyncBundle.seq_to)).where(SyncBundle.origin == me)) or 0
        latest = session.scalar(select(SyncBundle).where(SyncBundle.origin == me)
                                .order_by(SyncBundle.seq_to.desc()).limit(1))
        prev_hash = latest.sha256 if latest else None
        if state.last_seq > made_to:
            ops = sorted((op for op in _own_ops_after(session, me, made_to)), key=lambda op: op.seq)
            for start in range(0, len(ops), OPS_PER_BUNDLE):
                chunk = ops[start:start + OPS_PER_BUNDLE]
                data = bundles.pack(chunk, deployment=identity.deployment_id, prev_hash=prev_hash,
                                    schema=SCHEMA_VERSION, content_key=identity.content_key,
                                    signing_key=identity.signing_key)
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


def _blobs(database: Database, share: FolderShare, result: SyncResult) -> None:
    with database.read() as session:
        identity = session.get(SyncIdentity, 1)
        assert identity is not None
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
        nonce, sealed = crypto.seal(identity.content_key, plain, sha.encode("ascii"))
        try:
            write_once(path, nonce + sealed)
            result.blobs_sent += 1
        except ShareWriteError as exc:
            result.write_problem = (exc.zh, exc.en)
    for sha in sorted(wanted - held):
        path = share.blob_path(sha)
        try:
            raw = path.read_bytes()
        except OSError:
            continue  # not there yet: the laptop that took the photo has not synced it
        opened = crypto.unseal(identity.content_key, raw[:12], raw[12:], sha.encode("ascii"))
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


def sync_folder(database: Database, path: Path, passphrase: str | None = None, *, progress: Progress | None = None,
                cancelled: Callable[[], bool] | None = None) -> SyncResult:
    """Sync this data folder with a shared folder or USB stick; see the module docstring."""
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
    report("receive", 0.0)
    _pull(database, share, result, report, stop)
    exported = 0
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
    """Own ops not yet on any share or server (for the status bar's badge)."""
    with database.read() as session:
        state = _state(session)
        sent = session.scalar(select(func.max(SyncRun.exported_seq))) or 0
        return max(0, state.last_seq - sent)


__all__ = ["SyncResult", "sync_folder", "last_run", "pending_changes", "DomainError"]
