"""The benchmark runner (``python -m bench``): a saved benchmark output is read instead of run again, and a
figure kept for comparison shows its ratio without a verdict, while a bound's row says whether it was met."""

from __future__ import annotations

from pathlib import Path

from bench.__main__ import COMPARED, Benchmark, rows_store_write, run_one

STORE_WRITE = """students                  97577.000
services_s                    8.250
floor_s                       5.310
raw_executemany_s             0.598
data_folder_mb              156.000
plain_table_mb               40.100
"""


def test_a_saved_output_is_read_not_run(tmp_path: Path) -> None:
    (tmp_path / "store_write.out").write_text(STORE_WRITE)
    # A benchmark that cannot run (no such module): only the saved output can make its rows.
    bench = Benchmark("store_write", ("--no-such-option",), (), rows_store_write)
    rows, seconds = run_one(bench, quick=False, timeout=5, save=tmp_path)
    assert seconds == 0.0
    assert [(r.benchmark, r.cells()[3], r.cells()[5]) for r in rows] == [
        ("store_write floor", "1.55x", "yes"), ("store_write", "13.80x", "—"), ("store_write size", "3.89x", "yes")]
    assert rows[1].bound == COMPARED


def test_a_failed_run_is_an_error_row_and_saves_nothing(tmp_path: Path) -> None:
    bench = Benchmark("store_write", ("--no-such-option",), (), rows_store_write)
    rows, _ = run_one(bench, quick=False, timeout=60, save=tmp_path)
    assert [r.met for r in rows] == [None] and "failed" in rows[0].figure
    assert not (tmp_path / "store_write.out").exists()
