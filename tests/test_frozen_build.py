"""The installer spec builds, and the frozen app starts (STYLE habit 12).

Runs PyInstaller on installer.spec into a temporary folder (onedir: about 45 s on a 2-core machine, the cache
cold) and starts the result with ``--smoke-test``: Qt offscreen, a new encrypted database, the main window
rendered, a blank visit sheet printed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytest.importorskip("PyInstaller", reason="PyInstaller is in the [dev] extra")


def test_the_installer_spec_builds_an_app_that_starts(tmp_path: Path) -> None:
    started = time.monotonic()
    build = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(tmp_path / "dist"), "--workpath", str(tmp_path / "work"), str(ROOT / "installer.spec")],
        cwd=tmp_path, capture_output=True, text=True, timeout=1800)
    built_in = time.monotonic() - started
    assert build.returncode == 0, build.stderr[-4000:]
    print(f"PyInstaller build: {built_in:.0f} s")

    app_dir = tmp_path / "dist" / "jiafang"
    executable = app_dir / ("jiafang.exe" if sys.platform.startswith("win") else "jiafang")
    assert executable.is_file()
    for listed in ("resources/translations/jiafang_zh_CN.qm", "resources/sample/学籍导出示例.xlsx"):
        assert (app_dir / "_internal" / listed).is_file(), listed
    # One compiled translation per language, and nothing else: no .ts, no old per-team .qm.
    shipped = sorted(p.name for p in (app_dir / "_internal" / "resources" / "translations").iterdir())
    assert shipped == ["jiafang_zh_CN.qm"], shipped

    # A clean environment: no venv, no source tree on the path, no display; only what the build carries.
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "VIRTUAL_ENV", "JIAFANG_PASSWORD", "JIAFANG_DATA_DIR")}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "home"))
    version = subprocess.run([str(executable), "--version"], capture_output=True, text=True, timeout=120, env=env,
                             cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("jiafang "), version.stderr
    smoke = subprocess.run([str(executable), "--data-dir", str(tmp_path / "data"), "--smoke-test"],
                           capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert smoke.returncode == 0, smoke.stderr[-4000:]
    lines = smoke.stdout.strip().splitlines()
    assert len(lines) == 1 and "smoke test ok (frozen" in lines[0], smoke.stdout
    assert re.search(r"page '\w+' rendered \d+x\d+", lines[0]) and re.search(r"translations [1-9]", lines[0]), lines[0]
    # Every page of the source is in the frozen app (pages are found with pkgutil at run time): the smoke
    # test's administrator is shown all of them.
    from app.ui.pages import load_pages

    assert f"{len(load_pages().specs)} pages" in lines[0], lines[0]
