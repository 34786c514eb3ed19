"""Bundles: consecutive ops of one origin device, compressed, sealed under the deployment's content key and
signed by the origin's Ed25519 key. Relays pass them on byte for byte.

Layout: ``JFB1`` | header length (4 bytes) | header JSON | body length (4 bytes) | nonce (12) + AES-256-GCM
ciphertext of the zlib-compressed op list | Ed25519 signature (64) over everything before it. The header is
readable without the key (format, deployment, origin, seq range) so a bundle can be filed and skipped
without decrypting it; it is authenticated as the cipher's associated data and by the signature.

After a share's passphrase was changed (sync/keyring.py) the header also names the key generation that sealed
the bundle (``"key": N``, absent for generation 1, so bundles of the first key are as they always were), and a
laptop that keeps the older keys still opens the bundles sealed before the change.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.store.oplog import CODECS, OpRecord
from sync import crypto
from sync.errors import BundleError

MAGIC = b"JFB1"
FORMAT = 1
SIGNATURE_BYTES = 64


@dataclass(frozen=True)
class Bundle:
    deployment: str
    origin: str
    seq_from: int
    seq_to: int
    prev_hash: str | None
    schema: int
    ops: list[OpRecord]
    sha256: str


def file_name(seq_from: int, seq_to: int) -> str:
    return f"{seq_from:012d}-{seq_to:012d}.jfb"


def _op_row(op: OpRecord) -> list[Any]:
    return [op.seq, op.hlc, op.tbl, op.row_id, op.scope, op.user_id, op.data, op.prev]


def pack(ops: Sequence[OpRecord], *, deployment: str, prev_hash: str | None, schema: int, content_key: bytes,
         signing_key: bytes, key_generation: int = 1) -> bytes:
    """Seal and sign consecutive ops of one origin (``content_key`` is generation ``key_generation``)."""
    origin = ops[0].device_id
    seqs = [op.seq for op in ops]
    if any(op.device_id != origin for op in ops) or seqs != list(range(seqs[0], seqs[0] + len(seqs))):
        raise ValueError("a bundle holds consecutive ops of one device")
    fields = {"format": FORMAT, "deployment": deployment, "origin": origin, "from": seqs[0], "to": seqs[-1],
              "prev": prev_hash, "schema": schema, "count": len(ops)}
    if key_generation != 1:
        fields["key"] = key_generation
    header = json.dumps(fields, separators=(",", ":"), sort_keys=True).encode("utf-8")
    body = zlib.compress(json.dumps([_op_row(op) for op in ops], ensure_ascii=False,
                                    separators=(",", ":")).encode("utf-8"), 6)
    nonce, sealed = crypto.seal(content_key, body, header)
    payload = MAGIC + struct.pack(">I", len(header)) + header + struct.pack(">I", len(nonce + sealed)) + nonce + sealed
    return payload + crypto.sign(signing_key, payload)


def read_header(data: bytes) -> dict[str, Any]:
    """The unauthenticated header: enough to file and order a bundle, never to trust it."""
    if len(data) < 8 or data[:4] != MAGIC:
        raise BundleError("不是家访通的同步包，或文件已损坏。", "Not a Jiafang bundle, or the file is damaged.")
    (length,) = struct.unpack(">I", data[4:8])
    if 8 + length > len(data):
        raise BundleError("同步包不完整（可能是拷贝时被中断）。", "The bundle is incomplete (a copy was interrupted?).")
    try:
        header = json.loads(data[8:8 + length])
        int(header["from"]), int(header["to"])
        str(header["origin"]), str(header["deployment"])
        if int(header.get("key", 1)) < 1:
            raise ValueError("key generation")
    except (ValueError, KeyError, TypeError):
        raise BundleError("同步包的头信息已损坏。", "The bundle's header is damaged.") from None
    return dict(header)


def key_generation(header: Mapping[str, Any]) -> int:
    return int(header.get("key", 1))


def unpack(data: bytes, *, deployment: str, content_key: bytes, public_key_for: Callable[[str], bytes | None],
           max_schema: int, keys: Mapping[int, bytes] | None = None) -> Bundle:
    """Verify and open a bundle; BundleError says clearly what is wrong with it.

    ``keys`` holds every share key generation this laptop knows (``content_key`` is generation 1 when it is
    not given)."""
    header = read_header(data)
    if header.get("format") != FORMAT:
        raise BundleError(f"同步包格式 {header.get('format')} 不认识，请升级家访通。",
                          f"Unknown bundle format {header.get('format')}; upgrade Jiafang.")
    if header["deployment"] != deployment:
        raise BundleError("同步包来自另一个部署（别的学区或测试环境），不能导入。",
                          "The bundle belongs to another deployment and cannot be applied.")
    if int(header.get("schema", 0)) > max_schema:
        raise BundleError("同步包来自更新版本的家访通，请先升级本机的家访通。",
                          "The bundle comes from a newer Jiafang; upgrade this laptop first.")
    (header_length,) = struct.unpack(">I", data[4:8])
    body_at = 8 + header_length
    if body_at + 4 > len(data):
        raise BundleError("同步包不完整（可能是拷贝时被中断）。", "The bundle is incomplete (a copy was interrupted?).")
    (body_length,) = struct.unpack(">I", data[body_at:body_at + 4])
    end = body_at + 4 + body_length
    if end + SIGNATURE_BYTES != len(data):
        raise BundleError("同步包不完整或被改动过（长度不对）。", "The bundle is incomplete or altered (wrong length).")
    public = public_key_for(str(header["origin"]))
    if public is None:
        raise BundleError("同步包来自未登记的设备，无法验证。", "The bundle comes from an unregistered device.")
    if not crypto.verify(public, data[end:], data[:end]):
        raise BundleError("同步包的签名不对：文件被改动过或已损坏。",
                          "The bundle's signature is wrong: altered or damaged.")
    generation = key_generation(header)
    key = (keys or {1: content_key}).get(generation)
    if key is None:
        raise BundleError("同步包是用更换口令后的新密钥加密的，本机还没有这个密钥：请输入新的同步口令"
                          "（JIAFANG_SYNC_PASSPHRASE）后再同步。",
                          "The bundle is sealed with the key of a newer share passphrase this laptop does not have; "
                          "sync with the new passphrase (JIAFANG_SYNC_PASSPHRASE).")
    raw_header = data[8:body_at]
    body = crypto.unseal(key, data[body_at + 4:body_at + 16], data[body_at + 16:end], raw_header)
    if body is None:
        raise BundleError("同步包无法解密：文件被改动过或密钥不对。",
                          "The bundle cannot be decrypted: altered or wrong key.")
    try:
        rows = json.loads(zlib.decompress(body))
        origin = str(header["origin"])
        ops = [OpRecord(device_id=origin, seq=int(r[0]), hlc=int(r[1]), tbl=str(r[2]), row_id=str(r[3]),
                        scope=str(r[4]), user_id=None if r[5] is None else str(r[5]), data=dict(r[6]),
                        prev=None if r[7] is None else dict(r[7]))
               for r in rows]
    except (ValueError, TypeError, IndexError, zlib.error):
        raise BundleError("同步包内容已损坏。", "The bundle's content is damaged.") from None
    seqs = [op.seq for op in ops]
    if seqs != list(range(int(header["from"]), int(header["to"]) + 1)) or any(op.tbl not in CODECS for op in ops):
        raise BundleError("同步包内容与头信息不符。", "The bundle's content does not match its header.")
    return Bundle(str(header["deployment"]), origin, int(header["from"]), int(header["to"]), header.get("prev"),
                  int(header.get("schema", 0)), ops, hashlib.sha256(data).hexdigest())
