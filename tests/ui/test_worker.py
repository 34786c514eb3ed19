"""Background tasks outlive the page that started them, and are let go once their thread has ended; a
cancelled task stops at its next progress point."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from app.domain import progress
from app.ui.worker import RUNNING, Cancelled, Report, Task


def test_a_task_is_kept_while_running_and_forgotten_when_done(qtbot: QtBot) -> None:
    results: list[int] = []
    release = threading.Event()
    started = threading.Event()

    def work(report: Report) -> int:
        started.set()
        release.wait(10)  # held running until the test has looked
        return 42

    task = Task(work)
    task.succeeded.connect(results.append)  # a plain list: no widget touched from the worker
    task.start()
    assert started.wait(10)
    assert task in RUNNING and not task.wait(50)  # still running, and kept while it runs
    release.set()
    assert task.wait(10_000)
    qtbot.waitUntil(lambda: task not in RUNNING, timeout=5_000)
    qtbot.waitUntil(lambda: results == [42], timeout=5_000)


def test_a_cancelled_task_stops_at_its_next_progress_point(qtbot: QtBot) -> None:
    failures: list[BaseException] = []
    steps: list[int] = []
    go_on = threading.Event()

    def work(report: Report) -> int:
        for step in range(100):
            report("step", step / 100)
            steps.append(step)
            go_on.wait(10)
        return len(steps)

    task = Task(work)
    task.failed.connect(failures.append)
    task.start()
    qtbot.waitUntil(lambda: steps == [0], timeout=5_000)
    task.cancel()
    go_on.set()
    assert task.wait(10_000)
    qtbot.waitUntil(lambda: len(failures) == 1, timeout=5_000)
    assert isinstance(failures[0], Cancelled) and steps == [0]
    assert Cancelled is progress.Cancelled  # the services' one cancel, so pages catch a single class
