"""A fuzz of the /v1 sync API from the app's own OpenAPI (issue #18), with schemathesis, against the running
server on loopback, on SQLite and on PostgreSQL. Every operation gets schema-valid and schema-breaking requests
(bounded by a fixed number of examples each), once with no token and once with a school's valid token. No
request may make the server fail (5xx), and what was refused must not have changed what a school pulls."""

from __future__ import annotations

from collections import Counter

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from app.store.migrations import SCHEMA_VERSION
from tests.server.conftest import District, Live
from tests.server.test_scope import Laptop, district, pulled_rows

__all__ = ["district"]  # the fixture, shared with test_scope

EXAMPLES = 25  # per operation, per generation mode, per caller: bounded so the whole fuzz takes seconds
# Rekey replaces the caller's token; it is fuzzed last so every other operation runs with a live token.
LAST = "/v1/rekey"


def _operations(live: Live) -> list[object]:
    schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json")
    found = [result.ok() for result in schema.get_all_operations()]
    sync_api = [op for op in found if op.path.startswith("/v1/")]
    return sorted(sync_api, key=lambda op: (op.path == LAST, op.path, op.method))


def _fuzz(operation: object, live: Live, headers: dict[str, str], mode: GenerationMode,
          statuses: Counter[str], session: requests.Session) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))  # type: ignore[attr-defined]
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def run(case: schemathesis.Case) -> None:
        merged = {**(case.headers or {}), **headers}
        response = case.call(base_url=live.url, headers=merged, session=session, timeout=30)
        statuses[f"{response.status_code // 100}xx"] += 1
        assert response.status_code < 500, (f"{case.method} {case.formatted_path} answered "
                                            f"{response.status_code}: {response.text[:300]}")

    run()


# "forged": whatever Authorization header the schema allows (none, or a made-up token); "school": school A's
# own valid token and the current schema version on every request.
@pytest.mark.parametrize("caller", ["forged", "school"])
def test_no_request_to_v1_makes_the_server_fail(live: Live, district: tuple[District, Laptop, Laptop, Laptop],
                                                caller: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    seeded, _d, a, b = district
    seen_by_b = pulled_rows(live, b)
    # The school's requests carry the current schema version too, so they reach the handlers' own checks.
    headers = ({"Authorization": f"Bearer {a.token}", "X-Jiafang-Schema": str(SCHEMA_VERSION)}
               if caller == "school" else {})
    statuses: Counter[str] = Counter()
    operations = _operations(live)
    assert {op.path for op in operations} >= {  # type: ignore[attr-defined]
        "/v1/meta", "/v1/enroll", "/v1/device", "/v1/push", "/v1/pull", "/v1/blobs/missing",
        "/v1/blobs/{sha256}", "/v1/conflicts", LAST}
    with requests.Session() as session:
        for operation in operations:
            breakable = operation.body or any(True for _ in operation.iter_parameters())  # type: ignore[attr-defined]
            # An operation that takes no input (GET /v1/meta) has no schema-breaking request to make.
            modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE) if breakable else (GenerationMode.POSITIVE,)
            for mode in modes:
                _fuzz(operation, live, headers, mode, statuses, session)
    requests_sent = sum(statuses.values())
    assert requests_sent >= len(operations) * EXAMPLES  # the fuzz really ran, not one request per operation
    assert statuses["2xx"] + statuses["4xx"] == requests_sent
    # Nothing the fuzz sent reached another school: B pulls what it pulled before.
    assert pulled_rows(live, b) == seen_by_b
    with capsys.disabled():
        print(f"\nfuzz /v1 as {caller}: {len(operations)} operations, {requests_sent} requests, "
              f"{dict(sorted(statuses.items()))}")
