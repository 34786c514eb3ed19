"""劝返: the cases list and a case page; each lifecycle action through its dialog, errors in place."""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from app.domain.lifecycle import CaseAction, CaseStatus, allowed_actions
from app.services import cases, roster
from app.store.db import Database
from app.store.models import DropoutCase, School, Student
from app.ui.pages.cases import CasesPage
from app.ui.widgets.dialogs import ActionDialog
from app.ui.widgets.fields import PeopleTable, set_combo_value
from tests.conftest import TODAY, make_student_input
from tests.ui.record_pages_support import *  # noqa: F403 (the shared fixtures)
from tests.ui.record_pages_support import page_context, shot

DAY = date.today()


def days_ago(n: int) -> str:
    return (DAY - timedelta(days=n)).isoformat()


def open_page(qtbot: QtBot, database: Database) -> CasesPage:
    page = CasesPage(page_context(database))
    qtbot.addWidget(page)
    page.resize(1150, 760)
    page.show()
    qtbot.waitExposed(page)
    return page


def fill(dialog: ActionDialog, **values: object) -> None:
    for name, value in values.items():
        editor = dialog.blocks[name].editor
        if isinstance(editor, QLineEdit):
            editor.setText(str(value))
        elif isinstance(editor, QPlainTextEdit):
            editor.setPlainText(str(value))
        elif isinstance(editor, QComboBox):
            set_combo_value(editor, str(value))
        elif isinstance(editor, PeopleTable):
            for row, person in enumerate(cast(list[dict[str, str]], value)):
                for key, text in person.items():
                    editor.set_cell(row, key, text)


def ok(dialog: ActionDialog) -> None:
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()


@pytest.fixture
def case_id(database: Database, student: Student) -> str:
    with database.write() as session:
        return cases.open_case(session, student.id, detected_on=days_ago(30), reason="外出务工",
                               whereabouts="广东东莞").id


def enabled(page: CasesPage) -> set[CaseAction]:
    return {action for action, button in page.view.buttons.items() if button.isEnabled()}


def test_a_case_through_its_whole_life_with_errors_in_place(qtbot: QtBot, database: Database, case_id: str,
                                                            lang: str) -> None:
    page = open_page(qtbot, database)
    assert page.model.total == 1
    page.table.selectRow(0)
    page.table.doubleClicked.emit(page.model.index(0, 0))
    assert page.stack.currentWidget() is page.case_page
    assert enabled(page) == set(allowed_actions(CaseStatus.OPEN))

    dialog = page.view.start_action(CaseAction.RECORD_ATTEMPT)
    assert dialog is not None and dialog.isVisible()
    ok(dialog)  # nobody named: the error sits under the persuaders table, the dialog stays
    assert dialog.isVisible() and dialog.blocks["persuaders"].has_error()
    fill(dialog, attempted_on=days_ago(20), persuaders=[{"name": "黄老师", "phone": "13877110001"}],
         method="上门劝返", result="家长同意考虑")
    ok(dialog)
    assert not dialog.isVisible()
    assert enabled(page) == set(allowed_actions(CaseStatus.PERSUADING))
    assert any("黄老师" in label.text() for label in page.view.content.findChildren(type(page.view.title)))

    dialog = page.view.start_action(CaseAction.RECORD_OUTCOME)
    assert dialog is not None
    fill(dialog, outcome="returned", outcome_on=days_ago(10))
    ok(dialog)  # a return needs the way the child rejoined
    assert dialog.blocks["return_mode"].has_error() and dialog.isVisible()
    fill(dialog, return_mode="regular")
    ok(dialog)
    assert enabled(page) == set(allowed_actions(CaseStatus.RESOLVED))

    dialog = page.view.start_action(CaseAction.CLOSE)
    assert dialog is not None
    ok(dialog)  # not yet: a returned child is followed up before the case closes
    assert dialog.isVisible() and dialog.error.isVisible()
    dialog.reject()
    dialog = page.view.start_action(CaseAction.RECORD_FOLLOW_UP)
    assert dialog is not None
    fill(dialog, followed_on=days_ago(2), by_name="黄老师", notes="在校情况良好")
    ok(dialog)
    shot(page, f"case-resolved-{lang}")
    dialog = page.view.start_action(CaseAction.CLOSE)
    assert dialog is not None
    ok(dialog)
    assert enabled(page) == set()
    dialog = page.view.mark_typical()
    assert dialog is not None
    fill(dialog, story="村校联合三次上门，落实资助后返校。")
    ok(dialog)
    with database.read() as session:
        case = session.get(DropoutCase, case_id)
        assert case is not None and case.status == "closed" and case.typical
    kinds = [event.kind for event in page.view.detail.timeline]  # type: ignore[union-attr]
    assert kinds == ["detected", "attempt", "outcome", "follow_up", "closed"]
    shot(page, f"case-closed-{lang}")
    page.back_button.click()
    assert page.model.total == 0  # the list shows open cases by default
    page.status_filter.setCurrentIndex(page.status_filter.findData(""))
    assert page.model.total == 1


def test_relapse_sends_the_case_back_to_persuasion(qtbot: QtBot, database: Database, case_id: str) -> None:
    with database.write() as session:
        cases.record_outcome(session, case_id, "returned", return_mode="regular", outcome_on=days_ago(10))
    page = open_page(qtbot, database)
    page.show_record("case", case_id)
    dialog = page.view.start_action(CaseAction.RELAPSE)
    assert dialog is not None
    fill(dialog, followed_on=days_ago(1), notes="又去打工了")
    ok(dialog)
    assert page.view.detail is not None and page.view.detail.status is CaseStatus.PERSUADING
    assert page.view.detail.timeline[-1].kind == "relapse"


def test_open_a_case_from_the_list(qtbot: QtBot, database: Database, student: Student) -> None:
    page = open_page(qtbot, database)
    page.activateWindow()
    page.open_button.click()
    picker = page.picker
    assert picker is not None
    qtbot.keyClicks(picker.search, "wxm")
    qtbot.waitUntil(lambda: picker.results.count() == 1, timeout=3000)
    picker.buttons.button(picker.buttons.StandardButton.Ok).click()
    dialog = page.case_dialog
    fill(dialog, detected_on=days_ago(3), reason="learning", dropped_month="2099-01")
    ok(dialog)
    assert dialog.blocks["dropped_month"].has_error()
    fill(dialog, dropped_month="", whereabouts="在家")
    ok(dialog)
    assert page.stack.currentWidget() is page.case_page and page.model.total == 1
    # A second case for the same child is refused, the message shown in the dialog.
    again = page.new_case_for(student.id)
    ok(again)
    assert again.isVisible() and again.blocks["student_id"].has_error()
    again.reject()


def test_list_by_status_and_school(qtbot: QtBot, database: Database, school: School, qtmodeltester: object) -> None:
    with database.write() as session:
        inputs = [make_student_input(school.id, name="韦覃陆"[i] + "小明", sequence=11 + 2 * i) for i in range(3)]
        ids = roster.add_students(session, inputs, today=TODAY)  # type: ignore[arg-type]
        for number, student_id in enumerate(ids):
            case = cases.open_case(session, student_id, detected_on=days_ago(20 + number), reason="厌学")
            if number == 0:
                cases.record_attempt(session, case.id, attempted_on=days_ago(5), persuaders=[{"name": "黄老师"}])
    page = open_page(qtbot, database)
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]
    assert page.model.total == 3
    page.status_filter.setCurrentIndex(page.status_filter.findData("persuading"))
    assert page.model.total == 1 and page.model.row(0).attempts == 1  # type: ignore[union-attr]
    page.status_filter.setCurrentIndex(page.status_filter.findData("open"))
    assert page.model.total == 2
    page.school_filter.setCurrentIndex(page.school_filter.findData(school.id))
    assert page.model.total == 2
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.case_page
    QApplication.processEvents()


def test_screenshots_of_the_cases_page(qtbot: QtBot, demo_db: Database, lang: str) -> None:
    page = open_page(qtbot, demo_db)
    page.status_filter.setCurrentIndex(page.status_filter.findData(""))
    shot(page, f"cases-list-{lang}")
    for row in range(page.model.rowCount()):
        line = page.model.row(row)
        if line is not None and line.attempts >= 2:
            page.open_case(line.id)
            break
    shot(page, f"case-demo-{lang}")
