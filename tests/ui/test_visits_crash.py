"""Kill the app mid-form (SIGKILL: no close event, no clean-up) and the typed text is still there."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.services import drafts, visits
from app.store.db import Database, open_folder
from app.store.models import Student
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def read_until(proc: subprocess.Popen[str], word: str, timeout: float) -> list[str]:
    """Lines the child printed, up to the one that says ``word``; fails on timeout or an early exit."""
    assert proc.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
            continue
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
        if line.strip() == word:
            return lines
    proc.kill()
    err = proc.stderr.read() if proc.stderr else ""
    pytest.fail(f"the child never said {word}: {lines} {err[-2000:]}")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_process_keeps_the_draft_and_the_unsaved_input(database: Database, student: Student,
                                                                 data_dir: Path) -> None:
    with database.write() as session:
        visit_id = visits.start_visit(session, student.id, visited_on=date.today() - timedelta(days=1)).id
    database.close()
    env = {**os.environ, "JIAFANG_TEST_PASSWORD": PASSWORD, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "tests.ui.visit_form_child", str(data_dir), visit_id], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        read_until(proc, "TYPED", 60)
        read_until(proc, "AUTOSAVED", 30)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    reopened = open_folder(data_dir, "admin", PASSWORD)
    try:
        with reopened.read() as session:
            state = drafts.load_visit_form(session, visit_id)
    finally:
        reopened.close()
    assert state.raw["family_situation"] == "孩子想去广东打工，奶奶不同意"  # saved into the draft
    assert state.raw["visited_time"] == "09:15"
    assert state.raw["contact_phone"] == "138abc"  # failed validation: kept in the encrypted scratch
    assert state.scratch_fields == {"contact_phone"}
