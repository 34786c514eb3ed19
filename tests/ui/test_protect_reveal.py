"""The student page's masked fields, revealed one view at a time: a click on Show (显示) calls the audited
service, the clear value shows only until the view ends, and a teacher may see the phone and the disability
but not the ID number."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.codes import UserRole
from app.services import roster, signin, users
from app.services.audit import AuditAction, list_events
from app.store.db import Database
from app.store.models import School, Student
from app.ui.app_window import MainWindow
from app.ui.pages import PageContext
from app.ui.pages.student import StudentView
from tests.conftest import PASSWORD, TODAY, make_student_input
from tests.ui.record_pages_support import *  # noqa: F403 (the shared fixtures: lang)
from tests.ui.record_pages_support import FakeNavigator
from tests.ui.shell_support import shot

TEACHER_PASSWORD = "teacher-pass-7"


@pytest.fixture
def household_student(database: Database, school: School, student: Student) -> Student:
    """The student with a household phone and a disability recorded."""
    with database.write() as session:
        household = roster.add_household(session, roster.HouseholdInput(
            scope=school.id, head_name="韦大明", address="那龙村那坛屯12号", phone="13800138000"))
        roster.edit_student(session, student.id, household_id=household.id, disability_type="4",
                            disability_grade="2", today=TODAY)
    return student


def make_view(qtbot: QtBot, database: Database) -> StudentView:
    view = StudentView(PageContext(database=database, navigator=FakeNavigator()))
    qtbot.addWidget(view)
    view.resize(1000, 650)
    view.show()
    qtbot.waitExposed(view)
    return view


def reveals(database: Database) -> list[tuple[str | None, str | None, str | None]]:
    with database.read() as session:
        return [(e.username, e.target, e.detail)
                for e in list_events(session, role=UserRole.SCHOOL_ADMIN, action=AuditAction.REVEALED_FIELD)]


@pytest.fixture
def teacher_db(database: Database, household_student: Student, data_dir: Path) -> Iterator[Database]:
    users.add_user(database, username="liteacher", password=TEACHER_PASSWORD, role=UserRole.TEACHER,
                   display_name="李老师")
    opened = signin.sign_in(data_dir, "liteacher", TEACHER_PASSWORD)
    yield opened
    opened.close()


def test_an_administrator_reveals_the_id_number_once_per_view_and_it_is_audited(
        qtbot: QtBot, database: Database, household_student: Student, lang: str) -> None:
    view = make_view(qtbot, database)
    view.load(household_student.id)
    full = household_student.id_number
    assert full is not None
    value = view.profile_values["id_number"]
    assert value.text() != full and "********" in value.text()
    button = view.reveal_buttons["id_number"]
    assert button.isVisible() and button.text() == ("显示" if lang == "zh" else "Show")
    shot(view, f"reveal-masked-{lang}")

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert value.text() == full
    assert button.text() == ("隐藏" if lang == "zh" else "Hide")
    # Shown in clear, the value cannot be selected (and so never copied out of the app).
    assert value.textInteractionFlags() == Qt.TextInteractionFlag.NoTextInteraction
    assert reveals(database) == [("admin", household_student.id, "id_number")]
    shot(view, f"reveal-id-number-{lang}")

    # Its history shows it in clear too, for this view.
    qtbot.mouseClick(view.history_buttons[("student", "id_number")], Qt.MouseButton.LeftButton)
    assert view.history.data(view.history.index(0, 3)) == full

    # Hide masks it again without another audit event; Show again is a new, audited reveal.
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert "********" in value.text()
    assert value.textInteractionFlags() == Qt.TextInteractionFlag.TextSelectableByMouse
    assert "********" in view.history.data(view.history.index(0, 3))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert value.text() == full
    assert len(reveals(database)) == 2

    # Loading the file again (another student, or this one after F5) starts masked.
    view.load(household_student.id)
    assert "********" in value.text() and button.text() == ("显示" if lang == "zh" else "Show")


def test_phone_and_disability_are_masked_until_revealed(qtbot: QtBot, database: Database,
                                                        household_student: Student, chinese: str) -> None:
    view = make_view(qtbot, database)
    view.load(household_student.id)
    assert view.profile_values["disability_type"].text() == "（已隐藏）"
    assert view.profile_values["disability_grade"].text() == "（已隐藏）"
    qtbot.mouseClick(view.reveal_buttons["disability"], Qt.MouseButton.LeftButton)
    assert view.profile_values["disability_type"].text() == "肢体"
    assert view.profile_values["disability_grade"].text() != "（已隐藏）"
    view.tabs.setCurrentIndex(1)
    phone = view.household_values["phone"]
    assert phone.text() == "138****8000"
    qtbot.mouseClick(view.reveal_buttons["phone"], Qt.MouseButton.LeftButton)
    assert phone.text() == "13800138000"
    shot(view, "reveal-phone-zh")
    assert [detail for _who, _target, detail in reveals(database)] == ["disability", "phone"]


def test_a_teacher_cannot_reveal_an_id_number_but_may_reveal_the_phone(
        qtbot: QtBot, teacher_db: Database, database: Database, household_student: Student, lang: str) -> None:
    view = make_view(qtbot, teacher_db)
    view.load(household_student.id)
    # No Show button where the role may not see the value.
    assert not view.reveal_buttons["id_number"].isVisible()
    assert view.reveal_buttons["disability"].isVisible()
    # Should the service refuse anyway (the button is hidden), its message shows next to the field.
    view.toggle_reveal("id_number")
    error = view.reveal_errors["id_number"]
    assert error.isVisible()
    assert error.text() == ("教师账号不能查看完整的身份证号。" if lang == "zh"
                            else "A teacher account cannot see full ID numbers.")
    assert "********" in view.profile_values["id_number"].text()
    shot(view, f"reveal-teacher-refused-{lang}")
    view.tabs.setCurrentIndex(1)
    qtbot.mouseClick(view.reveal_buttons["phone"], Qt.MouseButton.LeftButton)
    assert view.household_values["phone"].text() == "13800138000"
    assert reveals(database) == [("liteacher", household_student.id, "phone")]


def test_navigating_away_or_to_another_student_masks_again(qtbot: QtBot, database: Database, school: School,
                                                           household_student: Student, chinese: str) -> None:
    with database.write() as session:
        other = roster.add_student(session, make_student_input(school.id, name="黄小红", sequence=21),  # type: ignore[arg-type]
                                   today=TODAY)
    window = MainWindow(database, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.navigate("student", household_student.id)
    view = window.pages["roster"].student_view  # type: ignore[attr-defined]
    value = view.profile_values["id_number"]
    qtbot.mouseClick(view.reveal_buttons["id_number"], Qt.MouseButton.LeftButton)
    assert value.text() == household_student.id_number
    shot(window, "reveal-window-zh")

    window.show_page("today")  # another page
    window.show_page("roster")
    assert view.isVisible() and "********" in value.text()

    qtbot.mouseClick(view.reveal_buttons["id_number"], Qt.MouseButton.LeftButton)
    assert value.text() == household_student.id_number
    qtbot.mouseClick(view.back_button, Qt.MouseButton.LeftButton)  # back to the list
    assert "********" in value.text()

    window.navigate("student", household_student.id)
    qtbot.mouseClick(view.reveal_buttons["id_number"], Qt.MouseButton.LeftButton)
    window.navigate("student", other.id)  # another student
    assert view.student_id == other.id and "********" in value.text()

    # Locking the app (idle or Ctrl+L) ends the view too.
    qtbot.mouseClick(view.reveal_buttons["id_number"], Qt.MouseButton.LeftButton)
    assert "********" not in value.text()
    window.lock_now()
    assert "********" in value.text()
    dialog = window.idle.dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.password, PASSWORD)
    with qtbot.waitSignal(window.idle.unlocked):
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert "********" in value.text()
    window.idle.stop()
