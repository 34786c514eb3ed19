"""Background reads for pages: run a service call off the UI thread and hand the result to a widget.

Wraps :class:`app.ui.worker.Task` (which keeps itself referenced until its thread has ended) so that a page
closed while its data is loading does not receive the result: the connection dies with the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.ui.qt import QObject
from app.ui.worker import RUNNING, Report, Task


def run_in_background(work: Callable[[Report], Any], *, receiver: QObject,
                      done: Callable[[Any], None], failed: Callable[[BaseException], None]) -> Task:
    """Start ``work`` in a worker; ``done``/``failed`` run on the UI thread while ``receiver`` lives. What the
    work writes is announced as from ``receiver``."""
    task = Task(work, source=receiver)
    # Slots of a QObject receiver: Qt drops the connection when the receiver is destroyed.
    relay = _Relay(receiver, done, failed)
    task.succeeded.connect(relay.on_done)
    task.failed.connect(relay.on_failed)
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
    return len(RUNNING)


def wait_for_background(msecs: int = 30_000) -> bool:
    """Wait for every background task's thread (at quit, and between tests); True when all ended."""
    ok = True
    for task in list(RUNNING):
        ok = task.wait(msecs) and ok
    return ok
