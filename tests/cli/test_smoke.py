"""``jiafang --smoke-test`` from source (tests/test_frozen_build.py runs it in the frozen build)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_smoke_test_renders_offscreen_and_prints_one_line(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("JIAFANG_PASSWORD", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(tmp_path / "data"), "--smoke-test"],
                            capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout
    assert "smoke test ok (source, temporary database, platform offscreen)" in lines[0]
    assert "rendered 1200x760" in lines[0]
    assert not (tmp_path / "data" / "jiafang.db").exists()  # the temporary database, not the data folder
