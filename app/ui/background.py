"""Background reads for pages: run a service call off the UI thread and hand the result to a widget.

Wraps :class:`app.ui.worker.Task` and keeps every running task referenced here until its thread has ended,
so a page that is closed while its data is loading neither loses the thread (Qt aborts when a running
QThread is destroyed) nor receives the result (the connection dies with the page).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.ui.qt import QObject
from app.ui.worker import Report, Task

_running: set[Task] = set()


def run_in_background(work: Callable[[Report], Any], *, receiver: QObject,
                      done: Callable[[Any], None], failed: Callable[[BaseException], None]) -> Task:
    """Start ``work`` in a worker; ``done``/``failed`` run on the UI thread while ``receiver`` lives."""
    task = Task(work)
    _running.add(task)
    # Slots of a QObject receiver: Qt drops the connection when the receiver is destroyed.
    relay = _Relay(receiver, done, failed)
    task.succeeded.connect(relay.on_done)
    task.failed.connect(relay.on_failed)
    task._thread.finished.connect(lambda: _running.discard(task))
    task.start()
    return task


class _Relay(QObject):
    def __init__(self, receiver: QObject, done: Callable[[Any], None],
                 failed: Callable[[BaseException], None]) -> None:
        super().__init__(receiver)
        self._done = done
        self._failed = failed

    def on_done(self, result: object) -> None:
        self._done(result)

    def on_failed(self, error: object) -> None:
        self._failed(error)  # type: ignore[arg-type]


def running() -> int:
    return len(_running)


def wait_for_background(msecs: int = 30_000) -> bool:
    """Wait for every background task's thread (at quit, and between tests); True when all ended."""
    ok = True
    for task in list(_running):
        ok = task.wait(msecs) and ok
    return ok
