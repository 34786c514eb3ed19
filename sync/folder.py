"""The shared folder (the school's file share or a USB stick), laid out as DESIGN.md says:

    SHARE/jiafang-share.json              format, deployment id, wrapped content key
    SHARE/devices/<device>.json           device name, school, public key (authenticated)
    SHARE/bundles/<device>/<from>-<to>.jfb
    SHARE/blobs/<ab>/<sha256>.blob
    SHARE/acks/<device>.json              what that device has applied
    SHARE/keys/<generation>.json          a later share key, after the passphrase was changed (keyring.py)

Files are written once, to a temporary name in the same folder, flushed, fsynced, then moved into place
and read back to verify. Each path has one writer, so two laptops syncing at once never collide. The live
database never goes on the share.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync import keyring
from sync.errors import SyncError

META = "jiafang-share.json"
META_FORMAT = "jiafang-share/1"
_BUNDLE_NAME = re.compile(r"^(\d{12})-(\d{12})\.jfb$")
_TMP_PREFIX = ".tmp-"


class ShareWriteError(SyncError):
    """Writing to the share failed (read-only, full, or removed); what was written before stays valid."""


def _write_error(exc: OSError, path: Path) -> ShareWriteError:
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return ShareWriteError(f"共享文件夹是只读的，本机的修改没有发送出去（{path.parent}）。",
                               f"The share is read-only; this laptop's changes were not sent ({path.parent}).")
    if exc.errno == errno.ENOSPC:
        return ShareWriteError("共享文件夹（或U盘）已满，本机的修改没有全部发送。请腾出空间后再同步。",
                               "The share (or USB stick) is full; not all changes were sent. "
                               "Free space and sync again.")
    return ShareWriteError(f"写入共享文件夹时出错（U盘可能被拔出）：{exc.strerror}",
                           f"Writing to the share failed (was the USB stick removed?): {exc.strerror}")


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open folders; its rename is durable enough on NTFS
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_once(path: Path, data: bytes, *, repair: bool = False) -> bool:
    """Write a file that must never be overwritten; False when it was already there with this content.

    With ``repair`` (the caller holds the authentic bytes, e.g. a signed bundle it kept), a different file
    of that name is damaged or forged: it is set aside under a new name, never deleted, and ours written.
    """
    if path.exists():
        try:
            held = path.read_bytes()
        except OSError:
            held = b""
        if hashlib.sha256(held).digest() == hashlib.sha256(data).digest():
            return False
        if not repair:
            raise ShareWriteError(f"共享文件夹里已有同名但内容不同的文件：{path.name}，未覆盖。",
                                  f"The share already has a different file named {path.name}; it was not overwritten.")
        try:
            os.replace(path, path.with_name(f"{path.name}.damaged-{uuid.uuid4().hex[:8]}"))
        except OSError as exc:
            raise _write_error(exc, path) from None
    tmp = path.parent / f"{_TMP_PREFIX}{path.name}.{uuid.uuid4().hex}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)  # fails if another writer got there first: never overwrite
            tmp.unlink()
        except FileExistsError:
            tmp.unlink()
            return write_once(path, data)
        except OSError:
            os.replace(tmp, path)  # FAT32/exFAT sticks have no hard links; one writer per path makes this safe
        _fsync_dir(path.parent)
        if hashlib.sha256(path.read_bytes()).digest() != hashlib.sha256(data).digest():
            raise ShareWriteError(f"写入后校验失败：{path.name}（U盘可能有问题）。",
                                  f"Verification after writing failed: {path.name} (is the USB stick failing?).")
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise _write_error(exc, path) from None
    return True


def write_replace(path: Path, data: bytes) -> None:
    """Replace a small file that only this device writes (its ack)."""
    tmp = path.parent / f"{_TMP_PREFIX}{path.name}.{uuid.uuid4().hex}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise _write_error(exc, path) from None


@dataclass(frozen=True)
class BundleFile:
    origin: str
    seq_from: int
    seq_to: int
    path: Path


class FolderShare:
    def __init__(self, root: Path) -> None:
        self.root = root

    def check_reachable(self) -> None:
        if not self.root.exists():
            raise SyncError(f"找不到同步文件夹 {self.root}（U盘是否插好？）。",
                            f"The sync folder {self.root} was not found (is the USB stick plugged in?).")
        if not self.root.is_dir():
            raise SyncError(f"{self.root} 不是文件夹。", f"{self.root} is not a folder.")

    # -------------------------------------------------------------- the share's identity
    def read_meta(self) -> dict[str, Any] | None:
        path = self.root / META
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            raise SyncError(f"共享文件夹的 {META} 已损坏。", f"The share's {META} is damaged.") from None
        if not isinstance(meta, dict) or meta.get("format") != META_FORMAT or "deployment" not in meta:
            raise SyncError(f"{self.root} 不是家访通的同步文件夹（{META} 格式不对）。",
                            f"{self.root} is not a Jiafang share ({META} has the wrong format).")
        return meta

    def create_meta(self, deployment: str, wrapped_key: dict[str, Any]) -> dict[str, Any]:
        """Make this folder a share; if another laptop did so at the same moment, theirs stands."""
        meta = {"format": META_FORMAT, "deployment": deployment, "content_key": wrapped_key}
        write_once(self.root / META, json.dumps(meta, indent=1).encode("utf-8"))
        found = self.read_meta()
        assert found is not None
        return found

    # -------------------------------------------------------------- key generations (sync/keyring.py)
    def key_records(self, deployment: str) -> dict[int, dict[str, Any]]:
        """The key records on the share that are this deployment's; damaged ones are left out."""
        found: dict[int, dict[str, Any]] = {}
        folder = self.root / keyring.KEYS_DIR
        if not folder.is_dir():
            return found
        for path in folder.iterdir():
            generation = keyring.generation_of(path.name)
            if generation is None:
                continue
            try:
                record = keyring.parse(path.read_bytes(), deployment, generation)
            except OSError:
                continue
            if record is not None:
                found[generation] = record
        return found

    def key_generations(self) -> set[int]:
        """Every generation number a key record on the share claims, readable or not."""
        folder = self.root / keyring.KEYS_DIR
        names = (keyring.generation_of(p.name) for p in folder.iterdir()) if folder.is_dir() else iter(())
        return {g for g in names if g is not None}

    def write_key_record(self, generation: int, data: bytes) -> bool:
        return write_once(self.root / keyring.KEYS_DIR / keyring.record_name(generation), data)

    # -------------------------------------------------------------- devices
    def write_device(self, device_id: str, record: dict[str, Any]) -> None:
        path = self.root / "devices" / f"{device_id}.json"
        data = json.dumps(record, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
        if path.exists():
            try:
                if json.loads(path.read_bytes()) == record:
                    return
            except ValueError:
                pass
            write_replace(path, data)  # our own file, e.g. a new key after the device id was renewed
            return
        write_once(path, data)

    def add_device_record(self, device_id: str, record: dict[str, Any]) -> None:
        """Another device's record, relayed by a laptop that knows it: written only where the share has none
        (a device's own record is never replaced by a relayed one)."""
        path = self.root / "devices" / f"{device_id}.json"
        if not path.exists():
            write_once(path, json.dumps(record, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8"))

    def devices(self) -> Iterator[dict[str, Any]]:
        folder = self.root / "devices"
        if not folder.is_dir():
            return
        for path in sorted(folder.glob("*.json")):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(record, dict):
                yield record

    # -------------------------------------------------------------- bundles
    def bundle_files(self) -> list[BundleFile]:
        found: list[BundleFile] = []
        folder = self.root / "bundles"
        if not folder.is_dir():
            return found
        for device_dir in folder.iterdir():
            if not device_dir.is_dir():
                continue
            for path in device_dir.iterdir():
                match = _BUNDLE_NAME.match(path.name)
                if match:
                    found.append(BundleFile(device_dir.name, int(match.group(1)), int(match.group(2)), path))
        return sorted(found, key=lambda b: (b.origin, b.seq_from, b.seq_to))

    def bundle_path(self, origin: str, seq_from: int, seq_to: int) -> Path:
        from sync.bundle import file_name

        return self.root / "bundles" / origin / file_name(seq_from, seq_to)

    def clean_stale_tmp(self, origin: str) -> None:
        """Remove temporary files this device left when a copy was interrupted (only ours: one writer)."""
        folder = self.root / "bundles" / origin
        if folder.is_dir():
            for path in folder.glob(f"{_TMP_PREFIX}*"):
                with contextlib.suppress(OSError):
                    path.unlink()

    # -------------------------------------------------------------- blobs and acks
    def blob_path(self, sha256: str) -> Path:
        return self.root / "blobs" / sha256[:2] / f"{sha256}.blob"

    def write_ack(self, device_id: str, applied: dict[str, int]) -> None:
        write_replace(self.root / "acks" / f"{device_id}.json",
                      json.dumps({"device": device_id, "applied": applied}, sort_keys=True).encode("utf-8"))
