"""A data folder copied back over a newer one: both histories kept.

A teacher copies a data folder aside, works and syncs on, then copies the old folder back (or restores a
disk image). The old copy carries the device id it had, and its next ops reuse seqs that the device already
published with other content: every other laptop would set the device's later bundles aside as forged, the
work synced before the copy-back would never come back, and the new work would never leave.

The machine remembers how far it published each device's ops (``app.store.machine``): a database that opens
with its log ending below that takes a new device id before it writes anything, and the first sync then takes
the device's later ops in as another device's (:func:`opened_as_older_copy`). That catches a copy-back even
when the next sync is with a USB stick that never saw the later history. Where the machine's record went back
too (a whole disk image restored), both transports still hold what the device published: a shared folder its
bundles, the server its ops. Before sending anything a sync compares that with the local log
(:func:`app.store.oplog.fork_point`). When they part, the database takes a new device id and re-issues the ops
written since under it (:func:`app.store.oplog.reissue_after`), and the device's published history then arrives
as another device's: merged, with a kept conflict wherever both sides changed the same field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.services.audit import rechain
from app.store import oplog
from app.store.machine import published_seq
from app.store.models import DeviceState, SyncIdentity, SyncPeer


@dataclass(frozen=True)
class CopyBack:
    """What the sync did about a copied-back database (for the one line it prints)."""

    old_device: str
    new_device: str
    agreed_seq: int
    reissued: int

    def line(self, zh: bool) -> str:
        if zh:
            return (f"本机的数据是复制回来的旧副本（原设备已同步到更新的记录）：已改用新的设备编号，副本里新写的 "
                    f"{self.reissued} 条修改已改用新编号发出，原设备同步过的修改已取回，两边的工作都保留"
                    "（同一项被两边改过的，见“冲突”）。")
        return (f"This laptop's data is an older copy put back over newer data (the device had synced newer "
                f"records): it now uses a new device id, the {self.reissued} changes made in the copy are sent "
                "under it, and the device's synced changes were taken back in; both sides' work is kept (a field "
                "both sides changed is listed under Conflicts).")


def reconcile(session: Session, published: Iterable[oplog.OpRecord]) -> CopyBack | None:
    """Compare this device's ops that a share or server holds with the local log; when they part, re-issue
    the local ops after the parting under a new device id (in the caller's transaction) and say so."""
    me = oplog.writer(session).device_id
    agreed = oplog.fork_point(session, me, published)
    if agreed is None:
        return None
    done = oplog.reissue_after(session, agreed, rewrite={"audit_event": rechain})
    return CopyBack(done.old_device, done.new_device, done.agreed_seq, done.ops)


def opened_as_older_copy(session: Session, identity: SyncIdentity) -> CopyBack | None:
    """What the open of this database found before anything was written (``app/store/db.py``): its log ended
    below what this machine had published of its device, so it took a new device id then, and the device's
    later ops are another device's, from seq ``agreed_seq`` on. The first sync after says so and takes them in.
    None when the device id is the one the sync keys were made for, or changed for another reason."""
    state = session.get(DeviceState, 1)
    assert state is not None
    old = identity.key_device
    peer = session.get(SyncPeer, old)
    if old == state.device_id or peer is None or published_seq(old) <= peer.applied_seq:
        return None
    return CopyBack(old, state.device_id, peer.applied_seq, reissued=state.last_seq)


__all__ = ["CopyBack", "opened_as_older_copy", "reconcile"]
