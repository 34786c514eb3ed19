"""Every write a screen starts runs on one database worker thread; the UI thread never holds a write session.

Modelled on Anki's ``CollectionOp``: one persistent thread owns the writes, in the order the screens asked for
them, and the result or the typed error (``DiskFull``, ``DatabaseBusy``, ``WriterBusy``, a service's
``DomainError`` ...) comes back on the UI thread. Two ways to ask:

* :func:`write` for a save whose outcome the screen shows next (a form's save button): the UI thread keeps
  painting and running its timers while it waits (user input is held back until the write is done, so the
  user cannot start a second save of the same form), and the call returns the result or raises the error
  where the screen's ``try`` expects it.
* :func:`write_later` for a write the screen does not wait for (the audit line of opening a student's file):
  ``done``/``failed`` run on the UI thread while their receiver lives.

After each commit the views hear what changed, as Anki's ``OpChanges``: :data:`notifier` emits ``changed`` with
an :class:`OpChanges` naming the tables written (the store notes them as it writes: the op log the synced tables,
the session the local ones) and the view that asked for the write (its ``source``). Writes through :func:`write`,
:func:`write_later` and :func:`call` announce themselves, and so do background tasks (``app.ui.worker.Task``:
an import, a sync, a list reconciliation) once their work ends. A view follows the signal with a
:class:`ChangeWatch`: it rereads when a change to its tables comes from another view, at once if it is on screen,
else the next time it is shown; the view that made the change updates itself, as it did before.

:func:`watch_ui_thread_writes` makes the store report a write session opened, or a write statement run, by
screen code on the UI thread: logged in the app, a failure in the tests.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

import shiboken6
from sqlalchemy.orm import Session

from app.store import guard, oplog
from app.store.db import Database
from app.ui.qt import QApplication, QEvent, QEventLoop, QObject, Qt, QWidget, Signal, Slot

T = TypeVar("T")
log = logging.getLogger(__name__)


class WriteOnUiThread(RuntimeError):
    """Screen code opened a write session or wrote on the UI thread: a programming error."""


# ---------------------------------------------------------------------------------------------- the change signal
@dataclass(frozen=True)
class OpChanges:
    """What one committed write (or one background task's writes) changed: the tables written, and the view
    that asked for it (None when no view did), so that this view can skip rereading what it just showed."""

    tables: frozenset[str]
    source: object | None = None

    def touches(self, tables: Iterable[str]) -> bool:
        return not self.tables.isdisjoint(tables)

    def made_by(self, view: QObject) -> bool:
        """Whether ``view`` or a widget inside it (its form, its dialog) asked for the write."""
        source = self.source
        if source is view:
            return True
        return (isinstance(source, QWidget) and isinstance(view, QWidget) and shiboken6.isValid(source)
                and view.isAncestorOf(source))


class ChangeNotifier(QObject):
    """Lives on the UI thread; ``changed`` carries one :class:`OpChanges` per committed write, on that thread."""

    changed = Signal(object)
    _posted = Signal(object)  # from a worker thread: queued onto the UI thread, then emitted as ``changed``

    def __init__(self) -> None:
        super().__init__()
        app = QApplication.instance()
        if app is not None and not app.thread().isCurrentThread():  # first imported by a task's thread
            self.moveToThread(app.thread())
        self._posted.connect(self.changed, Qt.ConnectionType.QueuedConnection)


#: The one change signal of the app (made as this module is first imported; it lives on the UI thread).
notifier = ChangeNotifier()


def announce(tables: Iterable[str], source: object | None = None) -> None:
    """Tell the views that writes committed (from any thread; heard on the UI thread). Nothing written: no
    signal, so a write that failed and rolled back is never announced."""
    written = frozenset(tables)
    if not written:
        return
    changes = OpChanges(written, source)
    if _on_ui_thread():
        notifier.changed.emit(changes)
    else:
        notifier._posted.emit(changes)


def watch_commits(work: Callable[[], T], written: set[str]) -> Callable[[], T]:
    """``work`` collecting into ``written`` the tables of every transaction it commits on its thread."""
    def watched() -> T:
        with oplog.watch_commits(written):
            return work()
    return watched


class ChangeWatch(QObject):
    """One view's subscription to :data:`notifier`: a change to one of ``tables`` made by another view runs
    ``reload`` at once while the view is visible; a hidden view is marked stale and reloads as it is next shown
    (``on_show=False`` for a page that rereads each time it is shown anyway). A child of the view: the
    subscription ends with it."""

    def __init__(self, view: QWidget, tables: Iterable[str], reload: Callable[[], None], *,
                 on_show: bool = True) -> None:
        super().__init__(view)
        self.view = view
        self.tables = frozenset(tables)
        self._reload = reload
        self.stale = False
        notifier.changed.connect(self._changed)
        if on_show:
            view.installEventFilter(self)

    @Slot(object)
    def _changed(self, changes: OpChanges) -> None:
        if not changes.touches(self.tables) or changes.made_by(self.view):
            return
        if self.view.isVisible():
            self.stale = False
            self._reload()
        else:
            self.stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.view and event.type() == QEvent.Type.Show and self.stale:
            self.stale = False
            self._reload()
        return False


# ---------------------------------------------------------------------------------------------- the writer
@dataclass
class _Later:
    """A queued write's delivery, held on the UI thread: who hears the outcome, what it wrote, who asked."""

    relay: _Relay
    written: set[str]
    source: object | None


class _Finished(QObject):
    """Lives on the UI thread; the writer thread emits ``finished`` with each future it has settled, and the
    queued connection brings it onto the UI thread. The writer thread holds no reference to any other QObject:
    one dropped there last would be destroyed off its thread."""

    finished = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.later: dict[Future[Any], _Later] = {}
        self.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def _deliver(self, future: Future[Any]) -> None:
        later = self.later.pop(future, None)
        if later is None:
            return
        announce(later.written, later.source)  # committed whether or not its receiver is still there
        if shiboken6.isValid(later.relay):  # its receiver (a page) may be gone by now
            later.relay.deliver(future)


_Job = tuple[Callable[[], Any], "Future[Any]"]


class _Writer:
    """The one thread that runs the screens' writes, one after another."""

    def __init__(self, finished: _Finished) -> None:
        self.finished = finished
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._idle = threading.Condition()
        self._pending = 0
        # Daemon: a write cut by the process ending rolls back whole (SQLite), and quitting first waits for
        # :func:`wait_until_idle`, so nothing the user saved is left in the queue.
        self._thread = threading.Thread(target=self._run, name="jiafang-db-writer", daemon=True)
        self._thread.start()

    def submit(self, work: Callable[[], T], later: _Later | None = None) -> Future[T]:
        future: Future[T] = Future()
        if later is not None:
            self.finished.later[future] = later  # held on the UI thread, never by the writer thread
        with self._idle:
            self._pending += 1
        self._jobs.put((work, future))
        return future

    def wait_until_idle(self, timeout: float | None) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            work, future = job
            if future.set_running_or_notify_cancel():
                try:
                    result = work()
                except BaseException as exc:  # the screen decides how to show it; nothing escapes this thread
                    future.set_exception(exc)
                else:
                    future.set_result(result)
                result = None
            self.finished.finished.emit(future)
            del job, work, future  # nothing of the job outlives it on this thread
            with self._idle:
                self._pending -= 1
                self._idle.notify_all()


_writer: _Writer | None = None
_writer_lock = threading.Lock()


def _the_writer() -> _Writer:
    global _writer
    with _writer_lock:
        if _writer is None:
            _writer = _Writer(_Finished())
        return _writer


def _on_ui_thread() -> bool:
    app = QApplication.instance()
    return app is not None and app.thread().isCurrentThread()


def write(database: Database, work: Callable[[Session], T], *, wait: float | None = None,
          source: QObject | None = None) -> T:
    """Run ``work(session)`` in a write transaction on the writer thread and return its result.

    Called on the UI thread, the window keeps painting while it waits; the work's error is raised here, the
    database as it was. ``wait`` bounds the wait for another writer (``WriterBusy`` after it). Once committed,
    :data:`notifier` announces what it wrote, from ``source`` (the view asking), before this returns. Called
    from a background task's thread, the work simply runs there (that thread is already off the UI thread;
    the task announces its writes when it ends)."""
    return call(lambda: _in_transaction(database, work, wait), source=source)


def _in_transaction(database: Database, work: Callable[[Session], T], wait: float | None) -> T:
    with database.write(wait=wait) as session:
        return work(session)


def call(work: Callable[[], T], *, source: QObject | None = None) -> T:
    """Run a service that opens its own write sessions (signing in, a user's key slot, a new data folder) on
    the writer thread and return its result; as :func:`write` for the rest (what its transactions committed
    is announced even when a later one failed)."""
    if not _on_ui_thread():
        return work()
    writer = _the_writer()
    written: set[str] = set()
    future = writer.submit(watch_commits(work, written))
    if not future.done():
        loop = QEventLoop()
        # Any settled write wakes this loop; it goes on waiting until its own is done (writes may nest: a
        # timer's draft save can ask for a write while a button's save is waiting).
        writer.finished.finished.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        try:
            while not future.done():
                loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        finally:
            QApplication.restoreOverrideCursor()
            writer.finished.finished.disconnect(loop.quit)
    announce(written, source)
    return future.result()


def write_later(database: Database, work: Callable[[Session], Any], *, receiver: QObject,
                done: Callable[[Any], None] | None = None,
                failed: Callable[[BaseException], None] | None = None) -> Future[Any]:
    """Queue ``work(session)`` on the writer thread without waiting; ``done(result)`` or ``failed(error)`` run
    on the UI thread while ``receiver`` lives (a failure with no ``failed`` is logged). Once committed, what it
    wrote is announced (from ``receiver``) just before ``done`` runs, even when the receiver is gone."""
    writer = _the_writer()
    later = _Later(_Relay(receiver, done, failed), set(), receiver)
    return writer.submit(watch_commits(lambda: _in_transaction(database, work, None), later.written), later)


class _Relay(QObject):
    def __init__(self, receiver: QObject, done: Callable[[Any], None] | None,
                 failed: Callable[[BaseException], None] | None) -> None:
        # A child of the receiver: destroyed with it, and then nothing is delivered.
        super().__init__(receiver)
        self._done = done
        self._failed = failed

    def deliver(self, future: Future[Any]) -> None:
        error = future.exception()
        if error is None:
            if self._done is not None:
                self._done(future.result())
        elif self._failed is not None:
            self._failed(error)
        else:
            log.error("a background write failed: %s", error, exc_info=error)
        self.deleteLater()


def wait_until_idle(timeout: float | None = 30.0) -> bool:
    """Wait until every queued write has been committed or has failed (at quit, and between tests)."""
    return _writer is None or _writer.wait_until_idle(timeout)


# ---------------------------------------------------------------------------------------------- the watch
_UI_PACKAGE = "app.ui."
_EXEMPT = {__name__}


def _screen_frame() -> str | None:
    """The innermost frame of screen code on the current call stack, as ``module:line``, if any."""
    frame = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith(_UI_PACKAGE) and module not in _EXEMPT:
            return f"{module}:{frame.f_lineno}"
        frame = frame.f_back  # type: ignore[assignment]
    return None


def watch_ui_thread_writes(*, strict: bool) -> None:
    """Report writes that screen code runs on the UI thread: raise :class:`WriteOnUiThread` when ``strict``
    (the tests), else log them once per place (the app: the user's work is saved all the same)."""
    logged: set[str] = set()

    def check() -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        where = _screen_frame()
        if where is None:
            return
        if strict:
            raise WriteOnUiThread(f"a write on the UI thread from {where}: run it through app.ui.ops")
        if where not in logged:
            logged.add(where)
            log.error("a write on the UI thread from %s", where)

    guard.set_write_watch(check)
