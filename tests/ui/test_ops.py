"""The screens' one write path (app/ui/ops.py): every write runs on the database worker, never on the UI thread;
the UI thread keeps running its events while a long writer holds the database; the result or the typed error
comes back where the screen expects it; and screen code that writes on the UI thread fails the test."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.domain.errors import ValidationError
from app.services import places
from app.store.db import Database
from app.store.errors import WriterBusy
from app.store.models import AuditEvent, School, Student, Township
from app.ui import ops
from app.ui.pages import PageContext
from app.ui.pages.student import StudentView
from app.ui.qt import QTimer, QWidget


class HeldWriter(threading.Event):
    """Set it to let the other writer go; ``still_held`` tells whether that writer still holds the database."""

    def __init__(self) -> None:
        super().__init__()
        self.ended = threading.Event()

    def still_held(self) -> bool:
        return not self.ended.is_set()


@pytest.fixture
def writer_held(database: Database) -> Iterator[HeldWriter]:
    """Another thread (a sync, an import) holds the database's writer until the test sets the event."""
    release, holding = HeldWriter(), threading.Event()

    def hold() -> None:
        with database.write():
            holding.set()
            release.wait(30)
        release.ended.set()

    thread = threading.Thread(target=hold)
    thread.start()
    assert holding.wait(10)
    yield release
    release.set()
    thread.join(10)


class _Navigator:
    def navigate(self, kind: str, record_id: str) -> None:
        pass

    def refresh_status(self) -> None:
        pass


def _townships(database: Database) -> int:
    with database.read() as session:
        return int(session.scalar(select(func.count()).select_from(Township)) or 0)


def test_a_write_runs_on_the_worker_and_returns_its_result(qtbot: QtBot, database: Database) -> None:
    threads: list[str] = []

    def add(session: Any) -> str:
        threads.append(threading.current_thread().name)
        return places.add_township(session, code="450107009", name="石埠街道", kind="street").id

    township_id = ops.write(database, add)
    assert threads == ["jiafang-db-writer"]
    with database.read() as session:
        assert session.get(Township, township_id) is not None


def test_a_refused_write_raises_its_domain_error_and_leaves_nothing(qtbot: QtBot, database: Database) -> None:
    def add_then_refuse(session: Any) -> None:
        places.add_township(session, code="450107009", name="石埠街道", kind="street")
        raise ValidationError("不对。", "Not right.", field="name")

    with pytest.raises(ValidationError) as refused:
        ops.write(database, add_then_refuse)
    assert refused.value.field == "name"
    assert _townships(database) == 0  # rolled back whole


def test_the_window_keeps_running_while_another_writer_holds_the_database(
        qtbot: QtBot, database: Database, writer_held: HeldWriter) -> None:
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    # Let the other writer go only once the UI thread has run its timer several times during the wait.
    releaser = QTimer()
    releaser.setInterval(20)
    releaser.timeout.connect(lambda: writer_held.set() if len(ticks) >= 5 else None)
    releaser.start()
    township_id = ops.write(database, lambda session: places.add_township(
        session, code="450107009", name="石埠街道", kind="street").id)
    timer.stop()
    releaser.stop()
    assert len(ticks) >= 5 and writer_held.is_set()
    assert township_id is not None and _townships(database) == 1


def test_a_bounded_wait_gives_writer_busy(qtbot: QtBot, database: Database, writer_held: HeldWriter) -> None:
    with pytest.raises(WriterBusy):
        ops.write(database, lambda session: None, wait=0.05)


def test_opening_a_student_does_not_wait_for_the_writer(qtbot: QtBot, database: Database, school: School,
                                                        student: Student, writer_held: HeldWriter) -> None:
    # Measured before: the view froze the window 3.01 s while a sync held the writer 3 s (its audit line).
    view = StudentView(PageContext(database=database, navigator=_Navigator()))
    qtbot.addWidget(view)
    view.load(student.id)
    assert writer_held.still_held()  # the view is up while the other writer still holds the database
    assert view.file is not None and view.file.student.id == student.id
    writer_held.set()
    assert ops.wait_until_idle(10)

    def viewed() -> None:
        with database.read() as session:
            assert session.scalar(select(func.count()).select_from(AuditEvent)
                                  .where(AuditEvent.target == student.id)) == 1

    qtbot.waitUntil(viewed)


def test_a_queued_write_reports_to_its_receiver_on_the_ui_thread(qtbot: QtBot, database: Database) -> None:
    receiver = QWidget()
    qtbot.addWidget(receiver)
    got: list[tuple[str, str]] = []
    failures: list[BaseException] = []
    ops.write_later(database, lambda session: places.add_township(
        session, code="450107009", name="石埠街道", kind="street").name, receiver=receiver,
        done=lambda name: got.append((name, threading.current_thread().name)), failed=failures.append)
    ops.write_later(database, lambda session: places.add_township(session, code="bad", name="", kind="street"),
                    receiver=receiver, done=got.append, failed=failures.append)
    qtbot.waitUntil(lambda: len(got) + len(failures) == 2)
    assert got == [("石埠街道", threading.main_thread().name)]
    assert len(failures) == 1 and isinstance(failures[0], ValidationError)


def test_a_closed_receiver_gets_nothing_but_the_write_is_kept(qtbot: QtBot, database: Database,
                                                              writer_held: HeldWriter) -> None:
    receiver = QWidget()
    got: list[object] = []
    ops.write_later(database, lambda session: places.add_township(
        session, code="450107009", name="石埠街道", kind="street").id, receiver=receiver, done=got.append)
    receiver.deleteLater()
    qtbot.waitUntil(lambda: not _alive(receiver))
    writer_held.set()
    assert ops.wait_until_idle(10)
    qtbot.wait(50)  # let a (wrong) delivery arrive, if there were one
    assert got == [] and _townships(database) == 1


def _alive(widget: QWidget) -> bool:
    import shiboken6

    return bool(shiboken6.isValid(widget))


def test_screen_code_that_writes_on_the_ui_thread_fails(qtbot: QtBot, database: Database) -> None:
    # The autouse watch (tests/ui/conftest.py) is what makes every UI test fail on such a write; here it is
    # shown to catch both a write session and a write statement in a read session, from screen code only.
    import app.ui.pages as screen_package

    namespace: dict[str, Any] = {"__name__": f"{screen_package.__name__}.planted", "database": database,
                                 "places": places}
    exec(compile("def save():\n"
                 "    with database.write() as session:\n"
                 "        places.add_township(session, code='450107009', name='石埠街道', kind='street')\n"
                 "def sneak():\n"
                 "    with database.read() as session:\n"
                 "        session.execute(__import__('sqlalchemy').text(\"UPDATE user SET display_name = 'x'\"))\n",
                 "planted.py", "exec"), namespace)
    with pytest.raises(ops.WriteOnUiThread, match="app.ui.pages.planted"):
        namespace["save"]()
    with pytest.raises(ops.WriteOnUiThread):
        namespace["sneak"]()
    assert _townships(database) == 0
    # Test code itself (no screen on the stack) still seeds data directly.
    with database.write() as session:
        places.add_township(session, code="450107009", name="石埠街道", kind="street")
    assert _townships(database) == 1
