"""The clipboard never keeps a child's data: Ctrl+C copies what the screen shows (masked stays masked, a revealed
value cannot be copied), every copy is marked as not for clipboard history, and locking or closing the app
empties the clipboard when it still holds what the app put there (and only then)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from app.services import roster
from app.store.db import Database
from app.store.models import School, Student
from app.ui.app_window import MainWindow
from app.ui.pages import PageContext
from app.ui.pages.student import StudentView
from app.ui.widgets import clipboard
from tests.conftest import PASSWORD, TODAY
from tests.ui.record_pages_support import FakeNavigator


@pytest.fixture
def board(qapp: QApplication) -> Iterator[clipboard.ClipboardGuard]:
    guard = clipboard.guard()
    QApplication.clipboard().clear()
    yield guard
    QApplication.clipboard().clear()


@pytest.fixture
def view(qtbot: QtBot, database: Database, school: School, student: Student,
         board: clipboard.ClipboardGuard) -> StudentView:
    with database.write() as session:
        household = roster.add_household(session, roster.HouseholdInput(
            scope=school.id, head_name="韦大明", address="那龙村12号", phone="13800138000"))
        roster.add_member(session, roster.MemberInput(household.id, "黄桂英", "祖母", "13900139000",
                                                      is_guardian=True))
        roster.edit_student(session, student.id, household_id=household.id, today=TODAY)
    widget = StudentView(PageContext(database=database, navigator=FakeNavigator()))
    qtbot.addWidget(widget)
    widget.resize(1000, 650)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    widget.load(student.id)
    return widget


def press_copy(qtbot: QtBot, widget: object) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_c_in_a_table_copies_the_masked_phone_kept_out_of_history(
        qtbot: QtBot, view: StudentView, board: clipboard.ClipboardGuard) -> None:
    view.tabs.setCurrentIndex(1)
    table = view.members_view
    table.setFocus()
    table.setCurrentIndex(view.members.index(0, 2))
    press_copy(qtbot, table)
    assert QApplication.clipboard().text() == "139****9000"
    formats = QApplication.clipboard().mimeData().formats()
    assert set(clipboard.NO_HISTORY_FORMATS) <= set(formats)


def test_a_selected_masked_id_number_copies_masked_and_a_revealed_one_cannot_be_copied(
        qtbot: QtBot, view: StudentView, student: Student) -> None:
    label = view.profile_values["id_number"]
    masked = label.text()
    assert "********" in masked
    label.setFocus()
    label.setSelection(0, len(masked))
    press_copy(qtbot, label)
    assert QApplication.clipboard().text() == masked

    QApplication.clipboard().clear()
    qtbot.mouseClick(view.reveal_buttons["id_number"], Qt.MouseButton.LeftButton)
    assert label.text() == student.id_number
    label.setFocus()
    label.setSelection(0, len(label.text()))
    press_copy(qtbot, label)
    qtbot.mouseDClick(label, Qt.MouseButton.LeftButton)  # a double click selects nothing either
    press_copy(qtbot, label)
    assert QApplication.clipboard().text() == ""


def test_locking_and_closing_empty_the_clipboard_of_what_the_app_copied(
        qtbot: QtBot, database: Database, student: Student, board: clipboard.ClipboardGuard) -> None:
    window = MainWindow(database, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.navigate("student", student.id)
    view = window.pages["roster"].student_view  # type: ignore[attr-defined]
    name = view.name_label
    name.setFocus()
    name.setSelection(0, len(name.text()))
    press_copy(qtbot, name)
    assert QApplication.clipboard().text() == student.name

    window.lock_now()
    assert QApplication.clipboard().text() == ""
    dialog = window.idle.dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.password, PASSWORD)
    with qtbot.waitSignal(window.idle.unlocked):
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)

    # A copy Qt makes by itself (a context menu's Copy in a line) counts as the app's too.
    line = QLineEdit("那龙村那坛屯12号")
    qtbot.addWidget(line)
    line.selectAll()
    line.copy()
    assert board.holds_ours()
    window.close()
    assert not window.isVisible()
    assert QApplication.clipboard().text() == ""


def test_what_another_program_copied_is_left_alone(qtbot: QtBot, board: clipboard.ClipboardGuard,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    board.copy_text("韦小明")
    monkeypatch.setattr(board, "in_front", lambda: False)  # the person is in another program now
    QApplication.clipboard().setText("a note typed in WPS")
    assert not board.holds_ours()
    assert not clipboard.clear_if_ours()
    assert QApplication.clipboard().text() == "a note typed in WPS"
