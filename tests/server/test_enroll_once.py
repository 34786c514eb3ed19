"""A one-time enrollment code enrolls one laptop, however many ask at once (issue #18), through real HTTP against
the running server, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

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
