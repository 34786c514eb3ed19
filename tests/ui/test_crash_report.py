"""An unhandled error: the open visit form's draft is saved first, a report without personal data goes to the
data folder's log folder, a dialog in the interface language says so, and the app goes on."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from app.logs import LOG_DIR
from app.services import drafts
from app.store.db import Database
from app.store.models import Student
from app.ui import crash
from app.ui.pages.visits import VisitsPage
from tests.ui.record_pages_support import *  # noqa: F403 (the shared fixtures: lang)
from tests.ui.record_pages_support import page_context
from tests.ui.shell_support import shot

TYPED = "grandmother says he wants to work in Guangdong"


@pytest.fixture
def handler(database: Database) -> Iterator[crash.CrashHandler]:
    installed = crash.install(database.data_dir)
    yield installed
    if installed.dialog is not None:
        installed.dialog.close()  # finished: the handler lets it go
    crash.uninstall()
    QApplication.processEvents()


@pytest.fixture
def page(qtbot: QtBot, database: Database) -> VisitsPage:
    widget = VisitsPage(page_context(database), autosave_seconds=600)  # no autosave during the test
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def faulty_button(student: Student) -> QPushButton:
    """A button whose slot fails with the child's name and ID number in its message and its locals."""
    button = QPushButton("boom")

    def fail() -> None:
        who = f"{student.name} {student.id_number}"  # a local value: must never reach the report
        raise ValueError(f"cannot place {who}")

    button.clicked.connect(fail)
    return button


def reports(database: Database) -> list[Path]:
    return sorted((database.data_dir / LOG_DIR).glob("crash-*.txt"))


def test_an_error_saves_the_draft_writes_a_clean_report_and_says_so(
        qtbot: QtBot, lang: str, database: Database, student: Student, page: VisitsPage,
        handler: crash.CrashHandler) -> None:
    visit_id = page.start_visit_for(student.id)
    assert visit_id is not None
    form = page.form
    family = form.blocks["family_situation"].editor
    family.setFocus()
    qtbot.keyClicks(family, TYPED)
    phone = form.blocks["contact_phone"].editor
    phone.setFocus()
    qtbot.keyClicks(phone, "138abc")  # not a number yet: kept in the encrypted scratch
    assert form.dirty
    with database.read() as session:
        assert drafts.load_visit_form(session, visit_id).raw.get("family_situation") != TYPED

    button = faulty_button(student)
    qtbot.addWidget(button)
    button.show()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # the slot raises; the hook takes over

    # 1. The draft was saved before anything else.
    with database.read() as session:
        state = drafts.load_visit_form(session, visit_id)
        assert state.raw["family_situation"] == TYPED
        assert drafts.scratch_of(session, "visit", visit_id) == {"contact_phone": "138abc"}
    assert not form.dirty

    # 2. The report: types, files, lines and functions; no name, no ID number, nothing typed.
    [report] = reports(database)
    text = report.read_text(encoding="utf-8")
    assert "exception: ValueError" in text
    assert "tests/ui/test_crash_report.py:" in text and " in fail" in text
    assert "drafts_saved: 1" in text and "app: " in text and "qt: " in text and "python: " in text
    assert student.id_number is not None
    for personal in (student.name, student.id_number, student.id_number[:6] + "********", "cannot place",
                     TYPED, "138abc", str(Path.home())):
        assert personal not in text, personal
    assert str(database.data_dir.parent) not in text  # no path that may name the person's folders

    # 3. The dialog, in the interface language, with the report's path.
    dialog = handler.dialog
    assert dialog is not None and dialog.isVisible()
    message = dialog.message.text()
    assert message.startswith("家访通出错了。草稿已保存。" if lang == "zh"
                              else "Jiafang hit an error. Your draft is saved.")
    assert ("不含个人信息的报告" if lang == "zh" else "A report without personal data was written to") in message
    assert dialog.path.text() == str(report)
    shot(dialog, f"crash-dialog-{lang}")

    # The app goes on: the form still takes input and saves.
    form.blocks["diagnosis"].editor.setFocus()
    qtbot.keyClicks(form.blocks["diagnosis"].editor, "still working")
    assert form.save_now()

    # Copy the path; close.
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == str(report)
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: handler.dialog is None)


def test_an_error_in_a_background_thread_is_handled_on_the_ui_thread_and_counted_once(
        qtbot: QtBot, database: Database, student: Student, handler: crash.CrashHandler, chinese: str) -> None:
    def work() -> None:
        secret = student.id_number  # noqa: F841 (a local value the report must not show)
        raise KeyError(student.name)

    for _ in range(2):
        thread = threading.Thread(target=work, name=f"worker-{student.name}")
        thread.start()
        thread.join()
    qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.count == 2, timeout=5000)
    [report] = reports(database)  # the same error twice: one report
    text = report.read_text(encoding="utf-8")
    assert "exception: KeyError" in text and "thread: background" in text
    assert student.name not in text and str(student.id_number) not in text
    assert handler.dialog is not None
    assert "已发生 2 次" in handler.dialog.hint.text()
    assert "草稿" not in handler.dialog.message.text()  # no form was open: no word about a draft
    shot(handler.dialog, "crash-dialog-thread-zh")


def test_a_chained_error_reports_both_without_messages(database: Database, student: Student,
                                                       handler: crash.CrashHandler, qtbot: QtBot) -> None:
    try:
        try:
            raise LookupError(student.name)
        except LookupError as first:
            raise RuntimeError(f"while handling {student.id_number}") from first
    except RuntimeError as exc:
        outcome = handler.handle(exc)
    assert outcome is not None and outcome.report is not None
    text = outcome.report.read_text(encoding="utf-8")
    assert text.index("exception: LookupError") < text.index("exception: RuntimeError")
    assert student.name not in text and str(student.id_number) not in text
