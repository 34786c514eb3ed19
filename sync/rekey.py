"""A lost laptop: give a school's share a new passphrase and content key, and revoke the lost device
(``jiafang sync folder PATH --rekey --revoke DEVICE``). What the record holds, and how the other laptops learn
of it, is in sync/keyring.py.

The steps, on an administrator's trusted laptop that already syncs with the share:
1. check the role and the new passphrase (long enough, not the current one) before anything is touched;
2. sync, so that this laptop holds every bundle the share has: the lost device's bundles that are there
   now were written before the revocation, and the record says up to where they go;
3. in one local transaction: keep the new key and the revocations, audit the change (action
   ``share_rekeyed``, the revoked devices' ids in its detail), write the signed key record to the share (one
   write-once file, so the share either has it whole or not at all), then commit. A failed write rolls
   the transaction back: the share and this laptop are as they were and the old key goes on working. A crash
   after the write but before the commit leaves the record on the share: this laptop's next sync asks for
   the new passphrase like any other laptop, and the administrator has it;
4. publish this laptop's device record under the new key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.i18n import current_language
from app.domain.progress import IsCancelled, Progress
from app.store.db import Database
from app.store.migrations import SCHEMA_VERSION
from app.store.models import DeviceState, School, SyncDevice, SyncIdentity, SyncPeer, SyncRevokedDevice, SyncShareKey
from app.store.types import utc_text
from sync import bundle as bundles
from sync import crypto, keyring
from sync.engine import SyncResult, _learn_devices, _public_key_for, sync_folder
from sync.errors import BundleError, SyncError
from sync.folder import FolderShare, ShareWriteError


@dataclass
class RekeyResult:
    generation: int
    revoked: list[tuple[str, int]] = field(default_factory=list)  # (device, last op of its that is applied)
    sync: SyncResult = field(default_factory=SyncResult)

    @property
    def ok(self) -> bool:
        return self.sync.ok

    def lines(self, lang: str | None = None) -> list[str]:
        zh = (lang or current_language()) == "zh"
        out = self.sync.lines(lang)
        out.append(f"已为同步文件夹换上新口令和新密钥（第 {self.generation} 代）。其他电脑下次同步时需要输入新口令。"
                   if zh else f"The share has a new passphrase and key (generation {self.generation}). The other "
                   "laptops need the new passphrase at their next sync.")
        for device, upto in self.revoked:
            out.append(f"已撤销设备 {device}：它在撤销之前的 {upto} 条变更保留，之后写的同步包各电脑一律拒收。"
                       if zh else f"Revoked device {device}: its first {upto} changes (before the revocation) "
                       "are kept; every laptop refuses what it writes from now on.")
        return out


def _check_passphrase(passphrase: str) -> None:
    if len(passphrase) < keyring.MIN_PASSPHRASE:
        raise SyncError(f"新的同步口令至少需要 {keyring.MIN_PASSPHRASE} 个字符。",
                        f"The new sync passphrase needs at least {keyring.MIN_PASSPHRASE} characters.",
                        field="new_passphrase")


def _is_current(share: FolderShare, database: Database, passphrase: str) -> bool:
    """Whether ``passphrase`` opens the share's current key (the lost laptop may know that one)."""
    with database.read() as session:
        ring = keyring.load(session)
        identity = session.get(SyncIdentity, 1)
        assert identity is not None
        deployment = identity.deployment_id
    try:
        if ring.current == 1:
            meta = share.read_meta() or {}
            crypto.unwrap_content_key(meta.get("content_key") or {}, passphrase, deployment)
        else:
            record = share.key_records(deployment).get(ring.current)
            if record is None:
                return False
            keyring.unlock(record, passphrase, deployment)
    except SyncError:
        return False
    return True


def _resolve(database: Database, wanted: Sequence[str]) -> list[str]:
    """Device ids (a unique prefix will do) among the devices this laptop knows; never its own."""
    with database.read() as session:
        me = session.get(DeviceState, 1)
        assert me is not None
        known = list(session.scalars(select(SyncDevice.device_id)))
        own = me.device_id
    found: list[str] = []
    for text in wanted:
        text = text.strip()
        matches = [d for d in known if d == text] or [d for d in known if text and d.startswith(text)]
        if len(matches) != 1:
            raise SyncError(f"找不到唯一的设备 {text}：请用 jiafang sync folder 路径 --devices 查看设备编号。",
                            f"No single device matches {text}: list them with jiafang sync folder PATH --devices.",
                            field="revoke")
        if matches[0] == own:
            raise SyncError("不能撤销正在使用的这台电脑。", "This laptop cannot revoke itself.", field="revoke")
        if matches[0] not in found:
            found.append(matches[0])
    return found


def _bound(database: Database, share: FolderShare, device: str) -> int:
    """The last op of ``device`` on the share now (applied here, or in a bundle that checks out): everything
    up to there was written before the revocation."""
    with database.read() as session:
        identity = session.get(SyncIdentity, 1)
        assert identity is not None
        ring = keyring.load(session)
        peer = session.get(SyncPeer, device)
        upto = peer.applied_seq if peer else 0
        public_key_for = _public_key_for(session)
    for bundle_file in share.bundle_files():
        if bundle_file.origin != device or bundle_file.seq_to <= upto:
            continue
        try:
            bundles.unpack(bundle_file.path.read_bytes(), deployment=identity.deployment_id, content_key=ring.keys[1],
                           keys=ring.keys, public_key_for=public_key_for, max_schema=SCHEMA_VERSION)
        except (OSError, BundleError):
            continue
        upto = max(upto, bundle_file.seq_to)
    return min(upto, ring.revoked.get(device, upto))


# Device ids (36 characters) per audit event: the event's detail holds codes only, at most 120 characters.
_IDS_PER_EVENT = 3


def _audit(session: Session, revoked: list[str]) -> None:
    """Audit the change in the key's own transaction: one event, with the revoked devices' ids (ids only, no
    names) in its detail; a change revoking more devices than one detail holds goes on in more events."""
    from app.services.audit import AuditAction, record_event

    chunks = [revoked[i:i + _IDS_PER_EVENT] for i in range(0, len(revoked), _IDS_PER_EVENT)] or [[]]
    for chunk in chunks:
        record_event(session, AuditAction.SHARE_REKEYED, detail=",".join(chunk) or None)


def rekey_share(database: Database, path: Path, new_passphrase: str, *, revoke: Sequence[str] = (),
                progress: Progress | None = None, cancelled: IsCancelled | None = None) -> RekeyResult:
    """Give the share at ``path`` a new passphrase and content key and revoke ``revoke`` (device ids or unique
    prefixes). Administrators only; this laptop must already sync with the share. See the module docstring."""
    from app.services.access import require_admin_session

    with database.read() as session:
        require_admin_session(session, zh="更换同步文件夹的口令", en="change the share's passphrase")
        identity = session.get(SyncIdentity, 1)
        deployment = identity.deployment_id if identity is not None else None
    _check_passphrase(new_passphrase)
    share = FolderShare(path)
    share.check_reachable()
    meta = share.read_meta()
    if deployment is None or meta is None or meta.get("deployment") != deployment:
        raise SyncError("这台电脑还没有与这个同步文件夹同步过：请先用现在的口令同步一次，再更换口令。",
                        "This laptop has not synced with this share yet: sync once with the current passphrase, "
                        "then change it.")
    targets = _resolve(database, revoke)
    if _is_current(share, database, new_passphrase):
        raise SyncError("新口令不能与现在的口令相同（丢失的电脑可能知道现在的口令）。",
                        "The new passphrase must differ from the current one (the lost laptop may know it).",
                        field="new_passphrase")
    synced = sync_folder(database, path, None, progress=progress, cancelled=cancelled)
    if synced.write_problem is not None:
        raise SyncError("无法写入同步文件夹，口令没有更换：" + synced.write_problem[0],
                        "The share cannot be written; the passphrase was not changed: " + synced.write_problem[1])
    bounds = {device: _bound(database, share, device) for device in targets}
    with database.write() as session:
        identity = session.get(SyncIdentity, 1)
        assert identity is not None
        ring = keyring.load(session)
        me = session.get(DeviceState, 1)
        assert me is not None
        generation = max({ring.current, *share.key_generations()}) + 1
        key = crypto.new_key()
        devices = {d.device_id: d.public_key for d in session.scalars(select(SyncDevice))}
        devices[me.device_id] = crypto.public_key(identity.signing_key)
        record = keyring.make_record(
            deployment=identity.deployment_id, generation=generation, key=key, passphrase=new_passphrase,
            previous=ring.keys, revoked={**ring.revoked, **bounds}, devices=devices, by=me.device_id,
            by_user=database.user.id if database.user else None, created=utc_text(datetime.now(UTC)),
            signing_key=identity.signing_key)
        text = keyring.record_text(record)
        session.add(SyncShareKey(generation=generation, key=key, record=text))
        for device, upto in bounds.items():
            held = session.get(SyncRevokedDevice, device)
            if held is None:
                session.add(SyncRevokedDevice(device_id=device, upto=upto, generation=generation))
            else:
                held.upto, held.generation = min(held.upto, upto), generation
        _audit(session, sorted(bounds))
        session.flush()
        share.write_key_record(generation, text.encode("ascii"))  # the one step the share sees; see step 3
    try:
        _learn_devices(database, share)
    except ShareWriteError as exc:
        synced.write_problem = (exc.zh, exc.en)  # the next sync publishes the device record
    return RekeyResult(generation, sorted(bounds.items()), synced)


@dataclass(frozen=True)
class ShareDevice:
    """A device of the share as this laptop knows it (from its last sync), for choosing which to revoke."""

    device_id: str
    name: str | None
    school_id: str | None
    applied: int  # how many of its changes this laptop holds
    revoked_upto: int | None
    this_laptop: bool
    school_name: str | None = None  # the school's name when this laptop has that school's record


def known_devices(database: Database) -> list[ShareDevice]:
    """The share's devices as this laptop learnt them at its last sync (``--devices``, the Sync page)."""
    with database.read() as session:
        state = session.get(DeviceState, 1)
        assert state is not None
        applied = {p.origin: p.applied_seq for p in session.scalars(select(SyncPeer))}
        revoked = {r.device_id: r.upto for r in session.scalars(select(SyncRevokedDevice))}
        devices = list(session.scalars(select(SyncDevice).order_by(SyncDevice.device_id)))
        wanted = {d.school_id for d in devices if d.school_id}
        schools = {school_id: name for school_id, name in
                   session.execute(select(School.id, School.name).where(School.id.in_(wanted)))} if wanted else {}
        return [ShareDevice(d.device_id, d.name, d.school_id,
                            state.last_seq if d.device_id == state.device_id else applied.get(d.device_id, 0),
                            revoked.get(d.device_id), d.device_id == state.device_id,
                            schools.get(d.school_id) if d.school_id else None)
                for d in devices]
