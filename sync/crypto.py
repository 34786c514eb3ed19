"""The cryptography of sync, all from `cryptography` and `argon2-cffi`: AES-256-GCM sealing, Ed25519
signatures, and the share passphrase that wraps the deployment's content key (Argon2id)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import Any

from app.store.keys import KdfParams, derive_key
from sync.errors import SyncError

KEY_BYTES = 32


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def seal(key: bytes, plaintext: bytes, aad: bytes) -> tuple[bytes, bytes]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    return nonce, AESGCM(key).encrypt(nonce, plaintext, aad)


def unseal(key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes | None:
    """The plaintext, or None when the key is wrong or the data was changed."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(key).decrypt(nonce, ciphertext, aad)
    except (InvalidTag, ValueError):
        return None


def new_signing_key() -> bytes:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    return Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def public_key(private: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return Ed25519PrivateKey.from_private_bytes(private).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def sign(private: bytes, data: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(private).sign(data)


def verify(public: bytes, signature: bytes, data: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def mac(key: bytes, data: bytes) -> str:
    return hmac.new(key, data, hashlib.sha256).hexdigest()


# The share passphrase is typed by people; Argon2id makes guessing it from a stolen USB stick expensive.
SHARE_KDF = KdfParams(time_cost=3, memory_kib=64 * 1024, parallelism=2)


def wrap_content_key(content_key: bytes, passphrase: str, deployment_id: str,
                     kdf: KdfParams | None = None) -> dict[str, Any]:
    kdf = kdf or SHARE_KDF
    salt = os.urandom(16)
    nonce, wrapped = seal(derive_key(passphrase, salt, kdf), content_key, deployment_id.encode("ascii"))
    return {"salt": b64(salt), "nonce": b64(nonce), "wrapped": b64(wrapped),
            "kdf": {"alg": "argon2id", "t": kdf.time_cost, "m": kdf.memory_kib, "p": kdf.parallelism}}


def unwrap_content_key(wrapped: dict[str, Any], passphrase: str, deployment_id: str) -> bytes:
    try:
        kdf = KdfParams(int(wrapped["kdf"]["t"]), int(wrapped["kdf"]["m"]), int(wrapped["kdf"]["p"]))
        kek = derive_key(passphrase, unb64(wrapped["salt"]), kdf)
        key = unseal(kek, unb64(wrapped["nonce"]), unb64(wrapped["wrapped"]), deployment_id.encode("ascii"))
    except (KeyError, TypeError, ValueError):
        raise SyncError("共享文件夹的密钥信息已损坏。", "The share's key information is damaged.") from None
    if key is None:
        raise SyncError("同步口令不正确。", "Wrong sync passphrase.")
    return key


