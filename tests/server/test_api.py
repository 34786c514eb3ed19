"""The /v1 API against each bad input of issue 7, on SQLite and on PostgreSQL: no token, a revoked token, a
forged or replayed bundle, a huge body, malformed JSON, an older or newer client. Nothing is stored unless
the answer is 200."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.store import oplog
from app.store.db import Database
from app.store.migrations import SCHEMA_VERSION
from app.store.models import DISTRICT_SCOPE, DeviceState
from sync import bundle as bundles
from sync import crypto
from sync.server import schema
from sync.server.app import create_app
from sync.server.store import ServerStore
from tests.server.conftest import seed_district
from tests.server.support import as_device, enroll, own_ops, pack, stored_ops


@pytest.fixture
def client(store: ServerStore, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(store, cache_dir=tmp_path / "cache", max_body=2 * 1024 * 1024)) as test_client:
        yield test_client


@pytest.fixture
def district_ops(laptops: Callable[[str], Database]) -> list[oplog.OpRecord]:
    laptop = laptops("district")
    seed_district(laptop)
    return own_ops(laptop)


def test_meta_and_openapi(client: TestClient, store: ServerStore) -> None:
    meta = client.get("/v1/meta").json()
    assert meta["schema_version"] == SCHEMA_VERSION and meta["deployment_id"] == store.deployment[0]
    spec = client.get("/openapi.json").json()
    for path in ("/v1/enroll", "/v1/push", "/v1/pull", "/v1/meta", "/v1/conflicts", "/v1/blobs/missing",
                 "/v1/blobs/{sha256}"):
        assert path in spec["paths"], path
    assert "application/octet-stream" in spec["paths"]["/v1/push"]["post"]["requestBody"]["content"]


def test_enrollment_codes_are_one_time_and_expire(client: TestClient, store: ServerStore) -> None:
    key = crypto.b64(crypto.public_key(crypto.new_signing_key()))
    code = store.new_enrollment_code(DISTRICT_SCOPE)
    first = client.post("/v1/enroll", json={"code": code.lower().replace("-", " "), "device_id": "device-0001",
                                            "public_key": key})
    assert first.status_code == 200 and first.json()["scope"] == DISTRICT_SCOPE
    assert crypto.unb64(first.json()["content_key"]) == store.deployment[1]
    again = client.post("/v1/enroll", json={"code": code, "device_id": "device-0002", "public_key": key})
    assert again.status_code == 403 and again.json()["error"]["code"] == "bad_code"
    expired = store.new_enrollment_code(DISTRICT_SCOPE, hours=1)
    with store.write() as conn:
        conn.execute(schema.enrollment_codes.update().values(expires_at="2000-01-01T00:00:00+00:00"))
    late = client.post("/v1/enroll", json={"code": expired, "device_id": "device-0003", "public_key": key})
    assert late.status_code == 403 and "过期" in late.json()["error"]["zh"]
    wrong = client.post("/v1/enroll", json={"code": "AAAA-BBBB-CCCC", "device_id": "device-0004", "public_key": key})
    assert wrong.status_code == 403


def test_no_token_bad_token_and_revoked_token(client: TestClient, store: ServerStore,
                                              district_ops: list[oplog.OpRecord]) -> None:
    assert client.get("/v1/pull").status_code == 401
    assert client.get("/v1/pull").json()["error"]["code"] == "no_token"
    assert client.get("/v1/pull", headers={"Authorization": "Bearer nonsense"}).json()["error"]["code"] == "bad_token"
    device = enroll(client, store, DISTRICT_SCOPE)
    assert client.get("/v1/pull", headers=device.headers).status_code == 200
    store.revoke(device.device_id[:20])
    for response in (client.get("/v1/pull", headers=device.headers),
                     client.post("/v1/push", headers=device.headers,
                                 content=pack(store, as_device(district_ops, device.device_id), device.signing_key))):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "revoked" and "撤销" in response.json()["error"]["zh"]
    assert stored_ops(store) == 0
    # A new code from the district brings a revoked laptop back, with a new token; the old one stays dead.
    back = enroll(client, store, DISTRICT_SCOPE, device_id=device.device_id)
    assert client.get("/v1/pull", headers=back.headers).status_code == 200
    assert client.get("/v1/pull", headers=device.headers).status_code == 401


def test_push_is_idempotent_and_a_replay_stores_nothing(client: TestClient, store: ServerStore,
                                                        district_ops: list[oplog.OpRecord]) -> None:
    device = enroll(client, store, DISTRICT_SCOPE)
    ops = as_device(district_ops, device.device_id)
    data = pack(store, ops, device.signing_key)
    first = client.post("/v1/push", headers=device.headers, content=data)
    assert first.status_code == 200 and first.json()["stored"] == len(ops)
    replay = client.post("/v1/push", headers=device.headers, content=data)
    assert replay.status_code == 200 and replay.json() == {"stored": 0, "duplicates": len(ops),
                                                           "cursor": first.json()["cursor"]}
    # An overlapping bundle (a retry after a lost answer, plus new ops) stores only what is new.
    assert stored_ops(store) == len(ops)
    assert client.get("/v1/device", headers=device.headers).json()["max_seq"] == ops[-1].seq


def test_forged_bundles_are_refused_and_nothing_is_stored(client: TestClient, store: ServerStore,
                                                          district_ops: list[oplog.OpRecord]) -> None:
    device = enroll(client, store, DISTRICT_SCOPE)
    other = enroll(client, store, DISTRICT_SCOPE)
    ops = as_device(district_ops, device.device_id)
    # Signed with a key that is not the device's.
    forged = client.post("/v1/push", headers=device.headers, content=pack(store, ops, other.signing_key))
    assert forged.status_code == 422 and "签名" in forged.json()["error"]["zh"]
    # Another device's bundle pushed with this token.
    foreign = client.post("/v1/push", headers=other.headers, content=pack(store, ops, device.signing_key))
    assert foreign.status_code == 403 and foreign.json()["error"]["code"] == "not_own"
    # A flipped byte, a truncated body, garbage.
    good = pack(store, ops, device.signing_key)
    flipped = bytearray(good)
    flipped[len(flipped) // 2] ^= 1
    for bad in (bytes(flipped), good[: len(good) // 2], b"not a bundle at all"):
        answer = client.post("/v1/push", headers=device.headers, content=bad)
        assert answer.status_code == 422, answer.text
    # Another deployment's bundle.
    alien = bundles.pack(ops, deployment="another", prev_hash=None, schema=SCHEMA_VERSION,
                         content_key=crypto.new_key(), signing_key=device.signing_key)
    assert client.post("/v1/push", headers=device.headers, content=alien).status_code == 422
    assert stored_ops(store) == 0
    # A forged op id: the device's own key, an op id the server holds, different content.
    assert client.post("/v1/push", headers=device.headers, content=good).status_code == 200
    from dataclasses import replace

    changed = [replace(ops[0], data={**ops[0].data, "name": "伪造的名字"}), *ops[1:]]
    clash = client.post("/v1/push", headers=device.headers, content=pack(store, changed, device.signing_key))
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "forged"
    assert stored_ops(store) == len(ops)
    with store.read() as conn:
        names = [json.loads(d).get("name") for d in conn.scalars(select(schema.ops.c.data))]
    assert "伪造的名字" not in names


def test_huge_body_malformed_json_and_empty_push(client: TestClient, store: ServerStore) -> None:
    device = enroll(client, store, DISTRICT_SCOPE)
    huge = client.post("/v1/push", headers=device.headers, content=b"\0" * (2 * 1024 * 1024 + 1))
    assert huge.status_code == 413 and "过大" in huge.json()["error"]["zh"]

    def streamed() -> Iterator[bytes]:  # no Content-Length: the limit still holds while reading
        for _ in range(40):
            yield b"\0" * 65536

    chunked = client.post("/v1/push", headers=device.headers, content=streamed())
    assert chunked.status_code == 413
    bad_json = client.post("/v1/enroll", content=b"{not json", headers={"Content-Type": "application/json"})
    assert bad_json.status_code == 400 and bad_json.json()["error"]["code"] == "malformed"
    missing = client.post("/v1/enroll", json={"code": "x"})
    assert missing.status_code == 400
    listing = client.post("/v1/blobs/missing", headers=device.headers, json={"sha256": "not a list"})
    assert listing.status_code == 400
    assert client.post("/v1/push", headers=device.headers, content=b"").status_code == 400
    assert client.get("/v1/pull?since=-1", headers=device.headers).status_code == 400
    assert stored_ops(store) == 0


def test_older_and_newer_clients_get_a_clear_error(client: TestClient, store: ServerStore,
                                                   district_ops: list[oplog.OpRecord]) -> None:
    device = enroll(client, store, DISTRICT_SCOPE)
    old = client.get("/v1/pull", headers={**device.headers, "X-Jiafang-Schema": "2"})
    assert old.status_code == 426 and "升级家访通" in old.json()["error"]["zh"]
    new = client.get("/v1/pull", headers={**device.headers, "X-Jiafang-Schema": str(SCHEMA_VERSION + 1)})
    assert new.status_code == 409 and "升级服务器" in new.json()["error"]["zh"]
    # A bundle from a newer schema is refused even when the header is missing.
    newer = pack(store, as_device(district_ops, device.device_id), device.signing_key,
                 schema_version=SCHEMA_VERSION + 1)
    answer = client.post("/v1/push", headers=device.headers, content=newer)
    assert answer.status_code == 422 and "更新版本" in answer.json()["error"]["zh"]
    assert stored_ops(store) == 0


def test_pull_pages_and_never_returns_own_ops(client: TestClient, store: ServerStore,
                                              district_ops: list[oplog.OpRecord]) -> None:
    writer = enroll(client, store, DISTRICT_SCOPE)
    reader = enroll(client, store, DISTRICT_SCOPE)
    ops = as_device(district_ops, writer.device_id)
    assert client.post("/v1/push", headers=writer.headers, content=pack(store, ops, writer.signing_key)).is_success
    assert client.get("/v1/pull", headers=writer.headers).json()["ops"] == []
    seen: list[list[object]] = []
    since = 0
    while True:
        page = client.get("/v1/pull", params={"since": since, "limit": 4}, headers=reader.headers).json()
        seen.extend(page["ops"])
        since = page["next"]
        if not page["more"]:
            break
    assert [(r[0], r[1]) for r in seen] == [(op.device_id, op.seq) for op in ops]
    assert seen[0][7] == ops[0].data and seen[0][8] is None
    assert client.get("/v1/pull", params={"since": since}, headers=reader.headers).json()["ops"] == []


def test_device_state_is_what_the_laptop_has(laptops: Callable[[str], Database]) -> None:
    # Guard for the helpers above: a laptop's ops are consecutive from 1 and all its own.
    laptop = laptops("x")
    seed_district(laptop, per_school=1)
    ops = own_ops(laptop)
    with laptop.read() as session:
        state = session.get(DeviceState, 1)
        assert state is not None
        assert [op.seq for op in ops] == list(range(1, state.last_seq + 1))
