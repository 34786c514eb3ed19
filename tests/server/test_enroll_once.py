"""A one-time enrollment code enrolls one laptop, however many ask at once; a rekey hands a token on once and
revocation ends every token of the device (issue #18). Through real HTTP against
the running server, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.store.ids import uuid7
from app.store.models import DISTRICT_SCOPE
from sync import crypto
from sync.http_client import ServerRefused, Transport
from sync.server import schema
from tests.server.conftest import Live


def test_eight_simultaneous_enrolls_with_one_code_give_one_device(live: Live) -> None:
    code = live.store.new_enrollment_code(DISTRICT_SCOPE)
    start = threading.Barrier(8)
    answers: list[object] = []
    lock = threading.Lock()

    def enroll() -> None:
        body = {"code": code, "device_id": uuid7(), "name": "laptop",
                "public_key": crypto.b64(crypto.public_key(crypto.new_signing_key()))}
        start.wait()
        try:
            answer: object = Transport(live.url).json("POST", "/v1/enroll", json_body=body)
        except ServerRefused as exc:
            answer = exc
        with lock:
            answers.append(answer)

    workers = [threading.Thread(target=enroll) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    enrolled = [a for a in answers if isinstance(a, dict)]
    refused = [a for a in answers if isinstance(a, ServerRefused)]
    assert len(answers) == 8 and len(enrolled) == 1
    assert len(refused) == 7 and {(r.status, r.code) for r in refused} == {(403, "bad_code")}
    with live.store.read() as conn:
        assert conn.scalar(select(func.count()).select_from(schema.devices)) == 1


def _keys() -> tuple[str, str]:
    return uuid7(), crypto.b64(crypto.public_key(crypto.new_signing_key()))


def _status(live: Live, token: str) -> int:
    try:
        Transport(live.url, token=token).json("GET", "/v1/device")
    except ServerRefused as exc:
        return exc.status
    return 200


def test_a_rekey_replaces_the_token_and_revocation_ends_the_whole_line(live: Live,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    device_id, public = _keys()
    first = Transport(live.url).json("POST", "/v1/enroll", json_body={
        "code": live.store.new_enrollment_code(DISTRICT_SCOPE), "device_id": device_id, "public_key": public})
    old_token = first["token"]
    new_id, new_public = _keys()
    second = Transport(live.url, token=old_token).json("POST", "/v1/rekey", json_body={
        "device_id": new_id, "public_key": new_public})
    assert _status(live, second["token"]) == 200 and _status(live, old_token) == 401
    # The spent token mints nothing more.
    for _ in range(3):
        another, key = _keys()
        with pytest.raises(ServerRefused) as refused:
            Transport(live.url, token=old_token).json("POST", "/v1/rekey", json_body={
                "device_id": another, "public_key": key})
        assert (refused.value.status, refused.value.code) == (401, "replaced")
    third_id, third_public = _keys()
    third = Transport(live.url, token=second["token"]).json("POST", "/v1/rekey", json_body={
        "device_id": third_id, "public_key": third_public})
    with live.store.read() as conn:
        assert conn.scalar(select(func.count()).select_from(schema.devices)) == 3
    # Revoking the device by its first id ends the token its line holds now.
    assert main(["serve", "revoke", "--db", live.store.url, device_id[:13]]) == 0
    assert "已撤销设备" in capsys.readouterr().out
    assert [_status(live, t) for t in (old_token, second["token"], third["token"])] == [401, 401, 401]
