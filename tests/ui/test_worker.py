"""Background tasks outlive the page that started them, and are let go once their thread has ended."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.ui.worker import RUNNING, Task


def test_a_task_is_kept_while_running_and_forgotten_when_done(qtbot: QtBot) -> None:
    results: list[int] = []
    task = Task(lambda report: 42)
    task.succeeded.connect(results.append)  # a plain list: no widget touched from the worker
    task.start()
    assert task in RUNNING or task.wait(10_000)
    assert task.wait(10_000)
    qtbot.waitUntil(lambda: task not in RUNNING, timeout=5_000)
    assert results == [42]
