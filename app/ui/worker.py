"""Run a long service call off the UI thread, with progress and cancel; the result comes back on the UI thread.

The task receives a ``report(stage, fraction)`` callable (:data:`app.domain.progress.Progress`); calling it after
the user pressed cancel raises :class:`app.domain.progress.Cancelled` inside the task, so the task stops at its
next progress point and its transaction rolls back. Both names are re-exported here for the pages.

What the task's transactions committed is announced on the change signal (:mod:`app.ui.ops`) once the task
ends, as from its ``source`` (the view that started it), before ``succeeded`` or ``failed`` is delivered.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication

from app.domain.progress import Cancelled
from app.domain.progress import Progress as Report
from app.ui.qt import QObject, Qt, QThread, Signal

# Every started task stays referenced here until its thread has ended: a page closed mid-sync or mid-import
# must not take the running QThread with it (Qt aborts the process when a running QThread is destroyed).
RUNNING: set[Task] = set()


class Task(QObject):
    progressed = Signal(str, float)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, work: Callable[[Report], Any], *, source: QObject | None = None) -> None:
        super().__init__()
        self._work = work
        self._source = source
        self._cancel = threading.Event()
        self._thread = QThread()
        self.moveToThread(self._thread)
        self._thread.started.connect(self._run)

    def start(self) -> None:
        RUNNING.add(self)
        # Direct: the task's own thread has no event loop left when ``finished`` is emitted.
        self._thread.finished.connect(self._forget, Qt.ConnectionType.DirectConnection)
        self._thread.start()

    def _forget(self) -> None:
        RUNNING.discard(self)

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, msecs: int = 60_000) -> bool:
        return bool(self._thread.wait(msecs))

    def _report(self, stage: str, fraction: float) -> None:
        if self._cancel.is_set():
            raise Cancelled()
        self.progressed.emit(stage, fraction)

    def _work_announced(self) -> Any:
        from app.ui import ops  # not at import: the sign-in window uses tasks before the store is loaded

        written: set[str] = set()
        try:
            return ops.watch_commits(lambda: self._work(self._report), written)()
        finally:
            # Queued onto the UI thread ahead of succeeded/failed: the views hear of the change first.
            ops.announce(written, self._source)

    def _run(self) -> None:
        try:
            result = self._work_announced()
        except BaseException as exc:  # the UI decides how to show it; nothing may escape a worker thread
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)
        finally:
            # Hand the task back to the UI thread, where the last reference to it is dropped: a QObject must
            # be destroyed by the thread it lives in, and this worker thread is about to end.
            app = QCoreApplication.instance()
            if app is not None:
                self.moveToThread(app.thread())
            self._thread.quit()


__all__ = ["RUNNING", "Cancelled", "Report", "Task"]
