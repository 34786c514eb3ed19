"""Generations of the folder shares' content key, and the signed key records that change it (issue #9: a lost
laptop).

A share starts at generation 1: the deployment's content key, wrapped by the share passphrase in
``jiafang-share.json`` (written once, never changed). When a laptop is lost, an administrator on a trusted
laptop runs ``jiafang sync folder PATH --rekey --revoke DEVICE`` (:mod:`sync.rekey`): a new random content
key, generation N+1, wrapped by a new passphrase, is published as one write-once file

    SHARE/keys/<generation>.json

holding
- ``content_key``: the new key wrapped by the new passphrase (Argon2id, like the share's first key);
- ``previous``: every older generation's key sealed under the new key, so a laptop that joins later with
  only the new passphrase still reads the bundles sealed before the change;
- ``revoked``: every revoked device with ``upto``, the last op of its that was on the share when it was
  revoked: its bundles up to there are applied (what a teacher typed before the loss is kept), any later one
  is refused by every laptop. The list is cumulative, so the newest record alone is enough;
- ``devices``: the devices (and public keys) the administrator's laptop knew. A device record authenticated
  only by an older key (which the lost laptop knows) is believed for these devices alone;
- ``mac`` under the new key (whoever gave a laptop the new passphrase vouches for the record) and ``signature``
  by the administrator device's Ed25519 key over everything else: a laptop that knows that device checks it
  before asking for any passphrase, and a record signed by a revoked device is ignored, so the lost laptop
  cannot post a key change of its own after its revocation.

Publishing is a single atomic file creation: a crash or a failed write leaves the share as it was, usable
with the old key. Bundles (and photos, and device records) name the generation that sealed them; every laptop
keeps every generation it learnt (table ``sync_share_key``), seals under the newest, and copies the key
records it holds onto every share it syncs with, as it relays bundles, so a USB stick learns of the change too.

The district server keeps using generation 1 (:attr:`SyncIdentity.content_key`): it needs no new key, since it
revokes a lost laptop by its token (``jiafang serve revoke``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.models import SyncDevice, SyncIdentity, SyncRevokedDevice, SyncShareKey
from sync import crypto
from sync.errors import SharePassphraseChanged, SyncError

RECORD_FORMAT = "jiafang-key/1"
KEYS_DIR = "keys"
MIN_PASSPHRASE = 8
_NAME = re.compile(r"^(\d{6})\.json$")


def record_name(generation: int) -> str:
    return f"{generation:06d}.json"


def generation_of(name: str) -> int | None:
    match = _NAME.match(name)
    return int(match.group(1)) if match else None


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def record_text(record: Mapping[str, Any]) -> str:
    """A key record as written to a share and kept on the laptop (ASCII JSON)."""
    return json.dumps(record, sort_keys=True, ensure_ascii=True, indent=1)


def _aad(deployment: str, generation: int, part: str = "") -> str:
    return f"{deployment}/key/{generation}{part}"


@dataclass
class KeyRing:
    """What this laptop knows of the share keys: every generation's key, the revoked devices, and who the
    administrators listed at each change."""

    keys: dict[int, bytes]
    revoked: dict[str, int] = field(default_factory=dict)
    rosters: dict[int, dict[str, str]] = field(default_factory=dict)
    checked: set[int] = field(default_factory=set)  # generations whose key record this laptop verified

    @property
    def current(self) -> int:
        return max(self.keys)

    @property
    def key(self) -> bytes:
        return self.keys[self.current]

    def listed_after(self, generation: int) -> dict[str, str]:
        """The devices (id -> public key) administrators listed when they retired ``generation``."""
        listed: dict[str, str] = {}
        for gen, roster in self.rosters.items():
            if gen > generation:
                listed.update(roster)
        return listed


def load(session: Session) -> KeyRing:
    identity = session.get(SyncIdentity, 1)
    assert identity is not None
    ring = KeyRing(keys={1: identity.content_key})
    for row in session.scalars(select(SyncShareKey)):
        ring.keys[row.generation] = row.key
        if row.record:
            ring.checked.add(row.generation)
            ring.rosters[row.generation] = roster(json.loads(row.record))
    ring.revoked = {r.device_id: r.upto for r in session.scalars(select(SyncRevokedDevice))}
    return ring


# ----------------------------------------------------------------------------- records
def make_record(*, deployment: str, generation: int, key: bytes, passphrase: str, previous: Mapping[int, bytes],
                revoked: Mapping[str, int], devices: Mapping[str, bytes], by: str, by_user: str | None,
                created: str, signing_key: bytes) -> dict[str, Any]:
    """A key record introducing ``generation`` (see the module docstring), signed by ``by``."""
    nonce, sealed = crypto.seal(key, canonical({str(g): crypto.b64(k) for g, k in sorted(previous.items())}),
                                _aad(deployment, generation, "/previous").encode("ascii"))
    body: dict[str, Any] = {
        "format": RECORD_FORMAT, "deployment": deployment, "generation": generation, "created": created,
        "by": by, "by_user": by_user,
        "content_key": crypto.wrap_content_key(key, passphrase, _aad(deployment, generation)),
        "previous": {"nonce": crypto.b64(nonce), "sealed": crypto.b64(sealed)},
        "revoked": [{"device": d, "upto": u} for d, u in sorted(revoked.items())],
        "devices": {d: crypto.b64(p) for d, p in sorted(devices.items())},
    }
    body["mac"] = crypto.mac(key, canonical(body))
    body["signature"] = crypto.b64(crypto.sign(signing_key, canonical(body)))
    return body


def parse(data: bytes, deployment: str, generation: int) -> dict[str, Any] | None:
    """A key record read from a share, or None when it is damaged or not this deployment's."""
    try:
        record = json.loads(data)
        ok = (isinstance(record, dict) and record.get("format") == RECORD_FORMAT
              and record.get("deployment") == deployment and int(record.get("generation", 0)) == generation
              and isinstance(record.get("by"), str))
    except (ValueError, TypeError):
        return None
    return record if ok else None


def signed_by(record: Mapping[str, Any], public: bytes) -> bool:
    body = {k: v for k, v in record.items() if k != "signature"}
    try:
        signature = crypto.unb64(str(record.get("signature", "")))
    except ValueError:
        return False
    return crypto.verify(public, signature, canonical(body))


def authentic(record: Mapping[str, Any], key: bytes, public: bytes | None) -> bool:
    """The record was made with ``key`` (its MAC) and, when the signer's public key is given, signed by it."""
    body = {k: v for k, v in record.items() if k not in ("mac", "signature")}
    mac = record.get("mac")
    if not isinstance(mac, str) or not crypto.hmac.compare_digest(mac, crypto.mac(key, canonical(body))):
        return False
    return public is None or signed_by(record, public)


def unlock(record: Mapping[str, Any], passphrase: str, deployment: str) -> bytes:
    """The record's key, unwrapped with ``passphrase``; SyncError when it is not this record's passphrase."""
    return crypto.unwrap_content_key(record.get("content_key") or {}, passphrase,
                                     _aad(deployment, int(record["generation"])))


def previous_keys(record: Mapping[str, Any], key: bytes, deployment: str) -> dict[int, bytes] | None:
    sealed = record.get("previous") or {}
    try:
        plain = crypto.unseal(key, crypto.unb64(sealed["nonce"]), crypto.unb64(sealed["sealed"]),
                              _aad(deployment, int(record["generation"]), "/previous").encode("ascii"))
        return None if plain is None else {int(g): crypto.unb64(k) for g, k in json.loads(plain).items()}
    except (KeyError, TypeError, ValueError):
        return None


def roster(record: Mapping[str, Any]) -> dict[str, str]:
    devices = record.get("devices")
    return {str(d): str(p) for d, p in devices.items()} if isinstance(devices, dict) else {}


def revocations(record: Mapping[str, Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for entry in record.get("revoked") or []:
        try:
            found[str(entry["device"])] = int(entry["upto"])
        except (KeyError, TypeError, ValueError):
            continue
    return found


def _public(record: Mapping[str, Any], known: Mapping[str, bytes]) -> bytes | None:
    signer = str(record.get("by"))
    if signer in known:
        return known[signer]
    listed = roster(record).get(signer)
    try:
        return crypto.unb64(listed) if listed else None
    except ValueError:
        return None


# ----------------------------------------------------------------------------- learning from a share
def _keep(session: Session, generation: int, key: bytes, record: Mapping[str, Any] | None) -> None:
    row = session.get(SyncShareKey, generation)
    text = None if record is None else record_text(record)
    if row is None:
        session.add(SyncShareKey(generation=generation, key=key, record=text))
    elif text is not None and row.record is None:
        row.record = text
    if record is not None:
        for device, upto in revocations(record).items():
            held = session.get(SyncRevokedDevice, device)
            if held is None:
                session.add(SyncRevokedDevice(device_id=device, upto=upto, generation=generation))
            elif upto < held.upto:
                held.upto, held.generation = upto, generation
    session.flush()


def _credible(record: Mapping[str, Any], ring: KeyRing, known: Mapping[str, bytes]) -> bool:
    """Worth asking a person for a passphrase: not signed by a revoked device, nor forged in the name of a
    device this laptop knows."""
    signer = str(record.get("by"))
    if signer in ring.revoked:
        return False
    return signer not in known or signed_by(record, known[signer])


def passphrase_changed(*, given: bool) -> SharePassphraseChanged:
    if given:
        return SharePassphraseChanged(
            "管理员已更换这个同步文件夹的口令（有电脑丢失后的安全措施），输入的不是新口令。"
            "请向管理员索取新的同步口令后再同步（JIAFANG_SYNC_PASSPHRASE）。",
            "An administrator changed this share's passphrase (after a laptop was lost) and the one given is not "
            "the new one. Ask for the new passphrase and sync with it (JIAFANG_SYNC_PASSPHRASE).")
    return SharePassphraseChanged(
        "管理员已更换这个同步文件夹的口令（有电脑丢失后的安全措施）。请向管理员索取新的同步口令，"
        "输入后再同步（JIAFANG_SYNC_PASSPHRASE）。本机的数据没有变化。",
        "An administrator changed this share's passphrase (after a laptop was lost). Ask for the new passphrase "
        "and give it to sync again (JIAFANG_SYNC_PASSPHRASE). Nothing on this laptop was changed.")


def catch_up(session: Session, records: Mapping[int, dict[str, Any]], passphrase: str | None,
             deployment: str) -> list[int]:
    """Learn the key generations of ``records`` (read from a share) that this laptop lacks; returns the new
    ones. A newer credible generation needs its passphrase: SharePassphraseChanged when none was given or
    the one given does not open it."""
    known = {d.device_id: d.public_key for d in session.scalars(select(SyncDevice))}
    learnt: list[int] = []
    while True:
        ring = load(session)
        # Generations known through a newer record's chain: check their own records when the share has them.
        for gen, record in sorted(records.items()):
            if gen in ring.keys and gen != 1 and gen not in ring.checked \
                    and authentic(record, ring.keys[gen], _public(record, known)):
                _keep(session, gen, ring.keys[gen], record)
        ring = load(session)
        # Devices a checked record lists are known too (a laptop that joined since has not learnt them yet).
        trusted = {**{d: crypto.unb64(k) for d, k in ring.listed_after(0).items()}, **known}
        pending = [g for g in sorted(records, reverse=True)
                   if g > ring.current and _credible(records[g], ring, trusted)]
        if not pending:
            return learnt
        if passphrase is None:
            raise passphrase_changed(given=False)
        for gen in pending:
            record = records[gen]
            try:
                key = unlock(record, passphrase, deployment)
            except SyncError:
                continue
            previous = previous_keys(record, key, deployment)
            if previous is None or not authentic(record, key, _public(record, known)) \
                    or any(g in ring.keys and ring.keys[g] != k for g, k in previous.items()):
                continue  # not a change of this laptop's chain of keys
            for old, old_key in previous.items():
                if old not in ring.keys:
                    _keep(session, old, old_key, None)
            _keep(session, gen, key, record)
            learnt.append(gen)
            break
        else:
            raise passphrase_changed(given=True)


def opens_current(ring: KeyRing, records: Mapping[int, dict[str, Any]], meta: Mapping[str, Any], passphrase: str,
                  deployment: str) -> bool:
    """Whether ``passphrase`` is the share's passphrase now (it unwraps the newest key this laptop uses), for a
    laptop that needs none to sync but was given one: a wrong one is said, never silently ignored."""
    try:
        if ring.current == 1:
            return crypto.unwrap_content_key(meta.get("content_key") or {}, passphrase, deployment) == ring.keys[1]
        record = records.get(ring.current)
        return record is not None and unlock(record, passphrase, deployment) == ring.key
    except SyncError:
        return False


def open_share(records: Mapping[int, dict[str, Any]], meta: Mapping[str, Any], passphrase: str,
               deployment: str) -> tuple[bytes, dict[int, tuple[bytes, dict[str, Any] | None]]]:
    """For a laptop joining a share: the deployment's first key and the later generations the passphrase
    opens. The newest record the passphrase opens wins; the share's first passphrase alone, when the share
    has been given a new one since, gets SharePassphraseChanged (it may be what a lost laptop knows)."""
    for gen in sorted(records, reverse=True):
        record = records[gen]
        try:
            key = unlock(record, passphrase, deployment)
        except SyncError:
            continue
        previous = previous_keys(record, key, deployment)
        if previous is None or 1 not in previous or not authentic(record, key, _public(record, {})):
            continue
        later: dict[int, tuple[bytes, dict[str, Any] | None]] = {g: (k, None) for g, k in previous.items() if g != 1}
        later[gen] = (key, record)
        return previous[1], later
    first = crypto.unwrap_content_key(meta.get("content_key") or {}, passphrase, deployment)
    if records:
        raise passphrase_changed(given=True)
    return first, {}


def keep_opened(session: Session, later: Mapping[int, tuple[bytes, dict[str, Any] | None]]) -> None:
    for gen, (key, record) in sorted(later.items()):
        _keep(session, gen, key, record)
