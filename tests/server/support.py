"""Helpers for driving the API by hand (TestClient), as a laptop or as an attacker would."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.store import oplog
from app.store.db import Database
from app.store.migrations import SCHEMA_VERSION
from sync import bundle as bundles
from sync import crypto
from sync.server import schema
from sync.server.store import ServerStore


@dataclass
class Enrolled:
    device_id: str
    token: str
    signing_key: bytes
    headers: dict[str, str]


def enroll(client: TestClient, store: ServerStore, scope: str, device_id: str | None = None) -> Enrolled:
    from app.store.ids import uuid7

    key = crypto.new_signing_key()
    device = device_id or uuid7()
    code = store.new_enrollment_code(scope)
    answer = client.post("/v1/enroll", json={"code": code, "device_id": device,
                                              "public_key": crypto.b64(crypto.public_key(key)), "name": "笔记本"})
    assert answer.status_code == 200, answer.text
    token = answer.json()["token"]
    return Enrolled(device, token, key, {"Authorization": f"Bearer {token}"})


def own_ops(database: Database) -> list[oplog.OpRecord]:
    with database.read() as session:
        return sorted((op for op in oplog.iter_log(session)), key=lambda op: op.seq)


def as_device(ops: list[oplog.OpRecord], device_id: str) -> list[oplog.OpRecord]:
    """The laptop's ops as if made by ``device_id`` (the test enrolls a device id of its choosing)."""
    from dataclasses import replace

    return [replace(op, device_id=device_id) for op in ops]


def pack(store: ServerStore, ops: list[oplog.OpRecord], key: bytes, *, schema_version: int = SCHEMA_VERSION) -> bytes:
    deployment, content_key = store.deployment
    return bundles.pack(ops, deployment=deployment, prev_hash=None, schema=schema_version, content_key=content_key,
                        signing_key=key)


def stored_ops(store: ServerStore) -> int:
    with store.read() as conn:
        return int(conn.scalar(select(func.count()).select_from(schema.ops)) or 0)


