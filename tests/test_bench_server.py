"""Issue 16's benchmarks still run: bench.server_scale and bench.server_fleet at a tiny size on PostgreSQL, as their
own processes (as ``python -m bench`` runs them), and their output makes the rows of the benchmark table.
Timings at this size say nothing; the fleet's correctness (no error, every school converged, the server holding
exactly the ops written) holds at any size and is checked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import rows_server_fleet, rows_server_scale

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get("JIAFANG_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def _postgres() -> None:
    import psycopg

    try:
        psycopg.connect(PG_ADMIN, connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise  # on CI PostgreSQL is part of the machine
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN}: {exc}")


def _bench(name: str, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("JIAFANG_MACHINE_ID", None)  # the benchmark sets its own, as when run by hand
    done = subprocess.run([sys.executable, "-m", f"bench.{name}", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_server_scale_runs_and_makes_its_rows() -> None:
    out = _bench("server_scale", "--history", "3000", "--baseline", "800", "--repeat", "1")
    rows = rows_server_scale(out)
    assert len(rows) == 5
    assert all(row.ratio is not None and row.met is not None for row in rows)
    assert "ops of history" in rows[0].figure


def test_server_fleet_runs_converges_and_makes_its_row() -> None:
    out = _bench("server_fleet", "--schools", "2", "--per-school", "3", "--workers", "2")
    (row,) = rows_server_fleet(out)
    assert row.met is True, out
    assert "6 laptops" in row.figure
