"""An administrator names who covers students in the app: one student on the student page (add or change a
holder, remove one), a whole class from the roster (包班); a teacher reads who covers, and a teacher named for a
class may then change its students' records. Reconciliation is administrators' work.

韦小明 and 黄小红 are in grade 4 class 2 of 石埠小学, 陆小刚 in class 3; 李芳 has a teacher account at the school.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from app.domain.codes import ResponsibilityLine, ResponsibilityRole, Sex, UserRole
from app.services import access, responsibility, roster, visits
from app.services.signin import sign_in
from app.services.users import add_user
from app.store.db import Database
from app.store.models import School, Student
from app.ui import ops
from app.ui.app_window import MainWindow
from app.ui.pages import roster as roster_page
from app.ui.pages.roster import RosterPage
from app.ui.pages.student import StudentView
from app.ui.widgets.coverage import CoverageDialog
from tests.conftest import TODAY, make_student_input
from tests.services.support import unchanged
from tests.ui.record_pages_support import *  # noqa: F403 (the shared fixtures)
from tests.ui.record_pages_support import page_context, shot

TEACHER_PASSWORD = "lifang-pass-1"


@dataclass
class Classroom:
    first: str  # 韦小明, class 2
    second: str  # 黄小红, class 2
    elsewhere: str  # 陆小刚, class 3


@pytest.fixture
def classroom(database: Database, school: School, student: Student) -> Classroom:
    with database.write() as session:
        second = roster.add_student(session, make_student_input(  # type: ignore[arg-type]
            school.id, name="黄小红", sequence=21, sex=Sex.FEMALE), today=TODAY).id
        elsewhere = roster.add_student(session, make_student_input(  # type: ignore[arg-type]
            school.id, name="陆小刚", sequence=31, class_name="3班"), today=TODAY).id
    return Classroom(student.id, second, elsewhere)


@pytest.fixture
def teacher_db(database: Database, classroom: Classroom, school: School, data_dir: Path) -> Iterator[Database]:
    add_user(database, username="lifang", password=TEACHER_PASSWORD, role=UserRole.TEACHER, display_name="李芳",
             school_id=school.id)
    opened = sign_in(data_dir, "lifang", TEACHER_PASSWORD)
    yield opened
    opened.close()


def open_student(qtbot: QtBot, database: Database, student_id: str) -> StudentView:
    view = StudentView(page_context(database))
    view.confirm = lambda _question: True
    qtbot.addWidget(view)
    view.resize(1000, 560)
    view.show()
    qtbot.waitExposed(view)
    view.load(student_id)
    # Opening a student queues its audit event on the writer: it lands before a test takes a snapshot.
    assert ops.wait_until_idle(10)
    view.tabs.setCurrentIndex(2)  # who covers the student
    return view


def open_roster(qtbot: QtBot, database: Database) -> RosterPage:
    page = RosterPage(page_context(database))
    qtbot.addWidget(page)
    page.resize(1200, 600)
    page.show()
    qtbot.waitExposed(page)
    return page


def shown_dialog(qtbot: QtBot, dialog: CoverageDialog | None) -> CoverageDialog:
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def fill(dialog: CoverageDialog, *, role: str | None = None, name: str | None = None, unit: str | None = None,
         phone: str | None = None) -> None:
    """Chinese arrives through the input method, as committed text; the rest as typed keys would."""
    if role is not None:
        dialog.role.setCurrentIndex(dialog.role.findData(role))
    for editor, text in ((dialog.person_name, name), (dialog.unit, unit), (dialog.phone, phone)):
        if text is not None:
            editor.setText(text)


def texts_of(dialog: CoverageDialog) -> list[str]:
    """Every text the dialog shows or holds: labels, inputs (and their placeholders), buttons."""
    found = [label.text() for label in dialog.findChildren(QLabel)]
    found += [text for edit in dialog.findChildren(QLineEdit) for text in (edit.text(), edit.placeholderText())]
    return found + [button.text() for button in dialog.findChildren(QAbstractButton)]


def coverage_rows(view: StudentView) -> list[list[str]]:
    model = view.coverage
    return [[str(model.data(model.index(row, column))) for column in range(model.columnCount())]
            for row in range(model.rowCount())]


def held(database: Database, student_id: str) -> list[tuple[str, str, str | None, str | None]]:
    with database.read() as session:
        return [(r.role, r.person_name, r.unit, r.phone) for r in responsibility.coverage(session, student_id)]


def test_an_administrator_adds_changes_and_removes_who_covers_a_student(
        qtbot: QtBot, database: Database, classroom: Classroom, lang: str) -> None:
    view = open_student(qtbot, database, classroom.first)
    assert view.edit_coverage_button.isVisible() and view.remove_coverage_button.isVisible()
    assert not view.remove_coverage_button.isEnabled()  # nothing selected yet
    qtbot.mouseClick(view.edit_coverage_button, Qt.MouseButton.LeftButton)
    dialog = shown_dialog(qtbot, view.coverage_dialog)
    assert dialog.role.currentData() == "area"  # the first role no one holds
    assert [dialog.role.itemText(i) for i in range(dialog.role.count())] == [
        kind.label(lang) for kind in ResponsibilityRole]
    fill(dialog, role="class", name="李芳", unit="石埠小学", phone="138 7711 0002")
    shot(dialog, f"coverage-dialog-{lang}")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert view.coverage_dialog is None
    assert held(database, classroom.first) == [("class", "李芳", "石埠小学", "13877110002")]
    # The tab refreshed itself, the phone masked as everywhere, the line selected.
    assert coverage_rows(view) == [[ResponsibilityLine.EDUCATION.label(lang),
                                    ResponsibilityRole.CLASS_TEACHER.label(lang), "李芳", "石埠小学", "138****0002"]]
    assert [index.row() for index in view.coverage_view.selectionModel().selectedRows()] == [0]
    assert view.coverage_status.text() == ("李芳 现为该学生的包保责任人（包班）。" if lang == "zh" else
                                           "李芳 now covers the student (Covers a class).")
    assert view.remove_coverage_button.isEnabled()
    shot(view, f"coverage-{lang}")

    # Changing the holder's unit keeps the phone on record (never shown in clear in the dialog).
    qtbot.mouseClick(view.edit_coverage_button, Qt.MouseButton.LeftButton)
    dialog = shown_dialog(qtbot, view.coverage_dialog)
    assert dialog.role.currentData() == "class" and dialog.person_name.text() == "李芳"
    assert dialog.keep_phone.isVisible() and dialog.keep_phone.isChecked() and "138****0002" in dialog.keep_phone.text()
    assert dialog.phone.text() == "" and not dialog.phone.isEnabled()
    assert not [text for text in texts_of(dialog) if "13877110002" in text.replace(" ", "")]
    fill(dialog, unit="石埠街道中心校")
    shot(dialog, f"coverage-dialog-change-{lang}")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert held(database, classroom.first) == [("class", "李芳", "石埠街道中心校", "13877110002")]

    # Another person in the role does not inherit the phone number.
    qtbot.mouseClick(view.edit_coverage_button, Qt.MouseButton.LeftButton)
    dialog = shown_dialog(qtbot, view.coverage_dialog)
    fill(dialog, name="王强")
    assert not dialog.keep_phone.isChecked() and dialog.phone.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert held(database, classroom.first) == [("class", "王强", "石埠街道中心校", None)]

    # Removing asks, then the line goes.
    asked: list[str] = []

    def confirm(question: str) -> bool:
        asked.append(question)
        return True

    view.confirm = confirm
    view.coverage_view.selectRow(0)
    qtbot.mouseClick(view.remove_coverage_button, Qt.MouseButton.LeftButton)
    assert asked and "王强" in asked[0]
    assert held(database, classroom.first) == [] and coverage_rows(view) == []
    assert "王强" in view.coverage_status.text() and not view.remove_coverage_button.isEnabled()


def test_a_refused_removal_is_not_carried_out(qtbot: QtBot, database: Database, classroom: Classroom) -> None:
    with database.write() as session:
        responsibility.assign(session, classroom.first, ResponsibilityRole.CLASS_TEACHER, "李芳")
    view = open_student(qtbot, database, classroom.first)
    view.confirm = lambda _question: False
    view.coverage_view.selectRow(0)
    with unchanged(database):
        qtbot.mouseClick(view.remove_coverage_button, Qt.MouseButton.LeftButton)
    assert len(coverage_rows(view)) == 1


def test_bad_input_shows_the_message_next_to_the_field_and_keeps_the_input(
        qtbot: QtBot, database: Database, classroom: Classroom, lang: str) -> None:
    view = open_student(qtbot, database, classroom.first)
    dialog = shown_dialog(qtbot, view.edit_coverage("class"))
    fill(dialog, name="  ", unit="石埠小学", phone="13877110002")
    with unchanged(database):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    error = dialog.blocks["person_name"].error
    assert error.isVisible() and error.text() == ("请填写姓名" if lang == "zh" else "The name is empty")
    assert (dialog.person_name.text(), dialog.unit.text(), dialog.phone.text()) == ("  ", "石埠小学", "13877110002")
    assert dialog.role.currentData() == "class"
    shot(dialog, f"coverage-dialog-error-{lang}")
    # A wrong phone: its own message, beside the phone; the name's message is gone.
    fill(dialog, name="李芳", phone="7711")
    with unchanged(database):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not error.isVisible() and dialog.blocks["phone"].error.isVisible()
    assert "7711" in dialog.blocks["phone"].error.text() and dialog.phone.text() == "7711"
    fill(dialog, phone="")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert view.coverage_dialog is None and held(database, classroom.first) == [("class", "李芳", "石埠小学", None)]


def test_a_teacher_reads_who_covers_with_no_buttons(qtbot: QtBot, database: Database, teacher_db: Database,
                                                    classroom: Classroom, lang: str) -> None:
    with database.write() as session:
        responsibility.assign(session, classroom.first, ResponsibilityRole.CLASS_TEACHER, "李芳",
                              phone="13877110002")
    view = open_student(qtbot, teacher_db, classroom.first)
    assert not view.edit_coverage_button.isVisible() and not view.remove_coverage_button.isVisible()
    assert view.coverage_hint.isVisible() and view.coverage_hint.text() == (
        "只有管理员可以修改学生的包保责任人。" if lang == "zh" else
        "Only an administrator can change who covers the student.")
    assert coverage_rows(view)[0][2:] == ["李芳", "", "138****0002"]
    assert view.edit_coverage() is None and view.coverage_dialog is None
    view.coverage_view.activated.emit(view.coverage.index(0, 0))  # Enter or double-click on the line
    assert view.coverage_dialog is None
    shot(view, f"coverage-teacher-{lang}")


def select_class(page: RosterPage, grade: int, class_name: str) -> None:
    page.school.setCurrentIndex(1)
    page.grade.setCurrentIndex(page.grade.findData(grade))
    page.class_name.setCurrentIndex(page.class_name.findData(class_name))


def test_an_administrator_assigns_a_class_from_the_roster_and_its_teacher_may_then_change_it(
        qtbot: QtBot, database: Database, teacher_db: Database, classroom: Classroom, lang: str) -> None:
    with database.write() as session:  # the class had another head teacher
        earlier = responsibility.assign(session, classroom.first, ResponsibilityRole.CLASS_TEACHER, "王强").id
    with teacher_db.read() as session:
        assert not access.may_edit_student(session, classroom.first)
    page = open_roster(qtbot, database)
    select_class(page, 4, "2班")
    assert page.model.total == 2 and page.assign_button.isVisible()
    qtbot.mouseClick(page.assign_button, Qt.MouseButton.LeftButton)
    dialog = shown_dialog(qtbot, page.assign_dialog)
    assert dialog.role.currentData() == "class"  # 包班: a head teacher for the class
    assert not dialog.keep_phone.isVisible()  # many holders: no phone of one of them to keep
    note = dialog.note.text()
    assert "2" in note and "石埠小学" in note and "2班" in note
    fill(dialog, name="李芳", unit="石埠小学")
    shot(dialog, f"coverage-class-dialog-{lang}")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.assign_status.isVisible(), timeout=30_000)
    assert page.assign_dialog is None and not page.assign_error.isVisible()
    assert page.assign_status.text() == ("李芳 现为 2 名学生的包保责任人（包班）。" if lang == "zh" else
                                         "李芳 now covers 2 students (Covers a class).")
    shot(page, f"coverage-class-{lang}")
    with database.read() as session:
        [replaced] = responsibility.coverage(session, classroom.first)
        assert (replaced.id, replaced.person_name) == (earlier, "李芳")  # one head teacher per class
    assert held(database, classroom.elsewhere) == []
    # The teacher, signed in, now saves a visit draft for a student of that class; not of another class.
    with teacher_db.write() as session:
        visit = visits.start_visit(session, classroom.second, visited_on=TODAY, today=TODAY)
        assert visits.save_draft(session, visit.id, family_situation="父母在广东务工", today=TODAY)
    with teacher_db.read() as session:
        assert access.may_edit_student(session, classroom.first)
        assert not access.may_edit_student(session, classroom.elsewhere)


def test_bad_input_in_the_class_dialog_keeps_it_open_with_the_input(
        qtbot: QtBot, database: Database, classroom: Classroom) -> None:
    page = open_roster(qtbot, database)
    select_class(page, 4, "2班")
    dialog = shown_dialog(qtbot, page.assign_coverage())
    fill(dialog, name="", unit="石埠小学", phone="13877110002")
    with unchanged(database):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.blocks["person_name"].error.isVisible(), timeout=30_000)
    assert dialog.isVisible() and not dialog.running and dialog.ok_button.isEnabled()
    assert (dialog.unit.text(), dialog.phone.text()) == ("石埠小学", "13877110002")
    assert not page.assign_status.isVisible()
    dialog.reject()


def test_the_roster_refuses_a_list_without_a_school_or_too_long(
        qtbot: QtBot, database: Database, classroom: Classroom, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    page = open_roster(qtbot, database)
    assert page.model.total == 3
    assert page.assign_coverage() is None and page.assign_dialog is None
    assert page.assign_error.isVisible() and page.assign_error.text().startswith(
        "请先选择学校" if lang == "zh" else "Choose a school first")
    shot(page, f"coverage-class-refused-{lang}")
    monkeypatch.setattr(roster_page, "MAX_ASSIGNED", 2)
    page.school.setCurrentIndex(1)  # the whole school: 3 students
    assert not page.assign_error.isVisible()  # a new list, the message about the last one is gone
    assert page.assign_coverage() is None
    assert ("3" in page.assign_error.text() and "2" in page.assign_error.text())
    page.search.setText("没有这个人")
    assert page.model.total == 0 and page.assign_coverage() is None and page.assign_error.isVisible()


def test_a_teacher_sees_no_class_assignment_and_no_reconciliation(
        qtbot: QtBot, database: Database, teacher_db: Database) -> None:
    page = open_roster(qtbot, teacher_db)
    assert not page.assign_button.isVisible() and page.assign_coverage() is None
    teacher_window = MainWindow(teacher_db, today=TODAY)
    qtbot.addWidget(teacher_window)
    assert "reconciliation" not in {spec.key for spec in teacher_window.specs}
    teacher_window.idle.stop()
    admin_window = MainWindow(database, today=TODAY)
    qtbot.addWidget(admin_window)
    assert "reconciliation" in {spec.key for spec in admin_window.specs}
    admin_window.idle.stop()
