"""The data key and its key slots.

The database is encrypted with a random 256-bit data key. The key is never stored in clear: each user's
password (through Argon2id) wraps a copy of it with AES-256-GCM in a key slot. Slots live in
``keyslots.json`` beside the database because they must be readable before the database can be opened; a
slot names its user only by a salted hash, so the file shows no one's name.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.domain.errors import DomainError

FORMAT = "jiafang-keyslots/1"
KEY_BYTES = 32


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. Stored in every slot, so a slot opens with the cost it was made with."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 2


# Tests lower this (a fresh database per test); real slots keep the cost they were written with.
DEFAULT_KDF = KdfParams()


class WrongPassword(DomainError):
    def __init__(self) -> None:
        super().__init__("用户名或密码不正确。", "Wrong user name or password.")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def derive_key(secret: str, salt: bytes, params: KdfParams) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(
        secret.encode("utf-8"),
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def new_data_key() -> bytes:
    return os.urandom(KEY_BYTES)


@dataclass
class KeySlot:
    slot_id: str
    label: str  # salted hash of the user name, or "recovery"
    salt: bytes
    nonce: bytes
    wrapped: bytes
    kdf: KdfParams

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.slot_id,
            "label": self.label,
            "salt": _b64(self.salt),
            "nonce": _b64(self.nonce),
            "wrapped": _b64(self.wrapped),
            "kdf": {"alg": "argon2id", "t": self.kdf.time_cost, "m": self.kdf.memory_kib,
                    "p": self.kdf.parallelism},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeySlot:
        kdf = data["kdf"]
        return cls(
            slot_id=data["id"],
            label=data["label"],
            salt=_unb64(data["salt"]),
            nonce=_unb64(data["nonce"]),
            wrapped=_unb64(data["wrapped"]),
            kdf=KdfParams(time_cost=int(kdf["t"]), memory_kib=int(kdf["m"]), parallelism=int(kdf["p"])),
        )

    def unwrap(self, password: str) -> bytes | None:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        kek = derive_key(password, self.salt, self.kdf)
        try:
            return AESGCM(kek).decrypt(self.nonce, self.wrapped, self.slot_id.encode("ascii"))
        except InvalidTag:
            return None


class KeyRing:
    """The key slots of one data folder."""

    def __init__(self, path: Path, name_salt: bytes, slots: list[KeySlot]) -> None:
        self.path = path
        self.name_salt = name_salt
        self.slots = slots

    @classmethod
    def new(cls, path: Path) -> KeyRing:
        return cls(path, os.urandom(16), [])

    @classmethod
    def load(cls, path: Path) -> KeyRing:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError(data.get("format"))
            return cls(path, _unb64(data["name_salt"]), [KeySlot.from_json(s) for s in data["slots"]])
        except FileNotFoundError:
            raise DomainError(
                f"数据文件夹 {path.parent} 缺少密钥文件 {path.name}，无法打开数据库。",
                f"The data folder {path.parent} has no key file {path.name}; the database cannot be opened.",
            ) from None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise DomainError(
                f"密钥文件 {path} 已损坏或格式不对，无法打开数据库（{type(exc).__name__}）。",
                f"The key file {path} is damaged or not a Jiafang key file ({type(exc).__name__}).",
            ) from None

    def label_for(self, username: str) -> str:
        return hashlib.sha256(self.name_salt + username.strip().casefold().encode("utf-8")).hexdigest()

    def add(self, slot_id: str, label: str, secret: str, data_key: bytes,
            kdf: KdfParams | None = None) -> KeySlot:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        kdf = kdf or DEFAULT_KDF
        salt, nonce = os.urandom(16), os.urandom(12)
        kek = derive_key(secret, salt, kdf)
        wrapped = AESGCM(kek).encrypt(nonce, data_key, slot_id.encode("ascii"))
        slot = KeySlot(slot_id, label, salt, nonce, wrapped, kdf)
        self.slots = [s for s in self.slots if s.slot_id != slot_id] + [slot]
        return slot

    def remove(self, slot_id: str) -> None:
        self.slots = [s for s in self.slots if s.slot_id != slot_id]

    def unlock(self, username: str | None, password: str) -> tuple[KeySlot, bytes]:
        """The slot and data key that this user name and password open; WrongPassword otherwise.

        Without a user name every user slot is tried (scripts that only set JIAFANG_PASSWORD).
        """
        if username:
            label = self.label_for(username)
            candidates = [s for s in self.slots if s.label == label]
        else:
            candidates = [s for s in self.slots if s.label != "recovery"]
        for slot in candidates:
            key = slot.unwrap(password)
            if key is not None:
                return slot, key
        raise WrongPassword()

    def save(self) -> None:
        data = {"format": FORMAT, "name_salt": _b64(self.name_salt),
                "slots": [s.to_json() for s in self.slots]}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
