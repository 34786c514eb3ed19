"""缺勤: pick a class, click a student, type the first day, record; mark back; see who crosses a warning."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from app.domain.codes import StudentStatus
from app.domain.masking import mask_student_number
from app.domain.warnings import Severity, WarningRule
from app.services import attendance, roster
from app.store.db import Database
from app.store.models import Absence, School, Student
from app.ui.models.absences import KEYS
from app.ui.pages import load_pages
from app.ui.pages.absence import AbsencePage
from tests.conftest import TODAY, make_student_input
from tests.ui.record_pages_support import *  # noqa: F403 (the shared fixtures)
from tests.ui.record_pages_support import FakeNavigator, page_context, shot
from tests.ui.test_shell_i18n import _translated, english_in

# TODAY is Sunday 2026-11-29. 蒙芳 has dropped out: still on the class's list, but no absences are kept.
NAMES = ["韦小明", "黄𰻝", "覃丽", "陆军", "蒙芳"]


@pytest.fixture
def klass(database: Database, school: School) -> dict[str, str]:
    inputs = [make_student_input(school.id, name=name, sequence=11 + 2 * i,
                                 status=StudentStatus.DROPPED_OUT if name == "蒙芳" else StudentStatus.IN_SCHOOL)
              for i, name in enumerate(NAMES)]
    inputs.append(make_student_input(school.id, name="邻班生", sequence=31, class_name="3班"))
    with database.write() as session:
        ids = roster.add_students(session, inputs, today=TODAY)  # type: ignore[arg-type]
    return dict(zip([*NAMES, "邻班生"], ids, strict=True))


def open_page(qtbot: QtBot, database: Database) -> AbsencePage:
    page = AbsencePage(page_context(database), today=TODAY)
    qtbot.addWidget(page)
    page.resize(1100, 760)
    page.show()
    qtbot.waitExposed(page)
    return page


def settle(qtbot: QtBot, page: AbsencePage) -> None:
    qtbot.waitUntil(lambda: not page.loading and not page.writing, timeout=10_000)


def pick_class(qtbot: QtBot, page: AbsencePage, school: School, label: str) -> None:
    """Choose the school, then the class by the text the teacher reads in the combo."""
    page.school_combo.setCurrentIndex(page.school_combo.findData(school.id))
    settle(qtbot, page)
    page.class_combo.setCurrentIndex(page.class_combo.findText(label))
    settle(qtbot, page)


def click_student(qtbot: QtBot, page: AbsencePage, name: str) -> int:
    number = next(i for i, row in enumerate(page.model.rows) if row.name == name)
    rect = page.table.visualRect(page.model.index(number, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.student_id == page.model.rows[number].student_id
    return number


def type_into(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    """Replace the field's text as a person does: ASCII as key clicks, Chinese as the input method commits it."""
    edit.setFocus()
    edit.selectAll()
    if text.isascii():
        qtbot.keyClicks(edit, text)
        return
    committed = QInputMethodEvent()
    committed.setCommitString(text)
    QApplication.sendEvent(edit, committed)


def press(qtbot: QtBot, page: AbsencePage, button: QWidget) -> object:
    with qtbot.waitSignal(page.finished, timeout=10_000) as done:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    return done.args[0]


def cell(page: AbsencePage, name: str, key: str) -> str:
    number = next(i for i, row in enumerate(page.model.rows) if row.name == name)
    return str(page.model.data(page.model.index(number, KEYS.index(key))))


def test_record_an_absence_see_its_warning_and_mark_the_student_back(
        qtbot: QtBot, database: Database, school: School, klass: dict[str, str], qtmodeltester: object,
        lang: str) -> None:
    page = open_page(qtbot, database)
    assert not page.away_box.isEnabled() and page.date_edit.text() == TODAY.isoformat()
    pick_class(qtbot, page, school, "4年级2班" if lang == "zh" else "Grade 4 2班")
    assert [row.name for row in page.model.rows] == sorted(NAMES)  # the other class is not listed
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]

    click_student(qtbot, page, "韦小明")
    assert page.away_box.isEnabled() and page.first_day.text() == TODAY.isoformat()
    assert not page.back_button.isEnabled()  # nobody to mark back: he is in class
    type_into(qtbot, page.first_day, "2026-11-23")
    type_into(qtbot, page.reason, "发烧")
    press(qtbot, page, page.record_button)
    with database.read() as session:
        spell = attendance.open_absence_of(session, klass["韦小明"])
        assert spell is not None and (spell.started_on, spell.reason, spell.excused) == \
            (date(2026, 11, 23), "发烧", False)
    # Monday to Friday: five school days, over the three of the warning.
    assert cell(page, "韦小明", "since") == "2026-11-23" and cell(page, "韦小明", "days") == "5"
    assert "5" in cell(page, "韦小明", "warning") and page.message.text()
    assert ("1" in page.summary.text()) and page.student_id == klass["韦小明"]

    # 覃丽 away since Thursday: two school days, no warning yet. Leave granted never warns.
    click_student(qtbot, page, "覃丽")
    assert page.reason.text() == ""  # the form is the chosen student's
    type_into(qtbot, page.first_day, "2026-11-26")
    with qtbot.waitSignal(page.finished, timeout=10_000):
        qtbot.keyClick(page.first_day, Qt.Key.Key_Return)  # Enter records, as the button does
    settle(qtbot, page)
    assert cell(page, "覃丽", "days") == "2" and cell(page, "覃丽", "warning") == ""
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]
    shot(page, f"absence-{lang}")
    page.grab().save(f"/tmp/shots/absence_{lang}.png")

    # Back: the last day away is typed, and the student is in class again on the day shown.
    click_student(qtbot, page, "韦小明")
    assert page.back_button.isEnabled() and page.last_day.text() == "2026-11-28"
    type_into(qtbot, page.last_day, "2026-11-27")
    press(qtbot, page, page.back_button)
    with database.read() as session:
        assert attendance.open_absence_of(session, klass["韦小明"]) is None
        [ended] = attendance.absences_of(session, klass["韦小明"])
        assert ended.ended_on == date(2026, 11, 27)
    assert cell(page, "韦小明", "since") == "" and cell(page, "韦小明", "warning") == ""
    assert not page.back_button.isEnabled()


def test_four_weeks_away_is_an_urgent_warning_and_past_days_show_past_absences(
        qtbot: QtBot, database: Database, school: School, klass: dict[str, str], english: str) -> None:
    with database.write() as session:
        attendance.record_absence(session, klass["陆军"], started_on="2026-10-26", today=TODAY)
        spell = attendance.record_absence(session, klass["黄𰻝"], started_on="2026-11-16", today=TODAY)
        attendance.end_absence(session, spell.id, ended_on="2026-11-20", today=TODAY)
    page = open_page(qtbot, database)
    pick_class(qtbot, page, school, "Grade 4 2班")
    lu = page.model.rows[page.model.row_of(klass["陆军"]) or 0]
    assert [(f.rule, f.severity) for f in lu.warnings] == [(WarningRule.ABSENT, Severity.URGENT)]
    assert cell(page, "陆军", "warning").startswith("Urgent: Absent 25 school days")
    assert cell(page, "黄𰻝", "since") == ""  # back since the 20th
    assert page.summary.text() == "1 of 5 students away on 2026-11-29; 1 with an early warning."
    # On the 18th 黄𰻝 was away (three school days, a warning) and 陆军 too.
    type_into(qtbot, page.date_edit, "2026-11-18")
    qtbot.keyClick(page.date_edit, Qt.Key.Key_Return)
    settle(qtbot, page)
    assert cell(page, "黄𰻝", "since") == "2026-11-16" and cell(page, "黄𰻝", "until") == "2026-11-20"
    assert cell(page, "黄𰻝", "days") == "3" and cell(page, "黄𰻝", "warning").startswith("Warning:")
    click_student(qtbot, page, "黄𰻝")
    assert page.last_day.text() == "2026-11-20" and "2026-11-16" in page.student_line.text()


def test_a_wrong_date_is_shown_at_its_field_and_what_was_typed_stays(
        qtbot: QtBot, database: Database, school: School, klass: dict[str, str], chinese: str) -> None:
    page = open_page(qtbot, database)
    pick_class(qtbot, page, school, "4年级2班")
    click_student(qtbot, page, "韦小明")
    type_into(qtbot, page.reason, "家中有事")
    for typed, words in (("2026-12-05", "在今天之后"), ("2026-02-31", "不是有效日期")):
        type_into(qtbot, page.first_day, typed)
        assert isinstance(press(qtbot, page, page.record_button), Exception)
        assert words in page.first_block.error.text() and page.first_block.error.isVisible()
        assert page.first_day.text() == typed and page.reason.text() == "家中有事"
    with database.read() as session:
        assert session.query(Absence).count() == 0
    # Corrected, it records; the message under the field goes.
    type_into(qtbot, page.first_day, "2026-11-24")
    press(qtbot, page, page.record_button)
    assert not page.first_block.error.isVisible()

    # A last day before the first: explained under the last day, the absence goes on, the text stays.
    type_into(qtbot, page.last_day, "2026-11-20")
    assert isinstance(press(qtbot, page, page.back_button), Exception)
    assert "早于开始日期" in page.last_block.error.text() and page.last_day.text() == "2026-11-20"
    shot(page, "absence-error-zh")
    page.grab().save("/tmp/shots/absence_error_zh.png")
    with database.read() as session:
        assert attendance.open_absence_of(session, klass["韦小明"]) is not None

    # A student who dropped out has no absences: said at the student, nothing written.
    click_student(qtbot, page, "蒙芳")
    assert not page.last_block.error.isVisible()  # that message was about 韦小明
    assert "辍学" in page.student_line.text()
    press(qtbot, page, page.record_button)
    assert "在校学生" in page.student_error.text() and page.student_error.isVisible()
    with database.read() as session:
        assert attendance.absences_of(session, klass["蒙芳"]) == []

    # A day in the future for the list: said under the bar, the day typed stays, no rows.
    type_into(qtbot, page.date_edit, "2026-12-01")
    qtbot.keyClick(page.date_edit, Qt.Key.Key_Return)
    settle(qtbot, page)
    assert "2026-12-01" in page.date_error.text() and page.date_edit.text() == "2026-12-01"
    assert page.model.rowCount() == 0 and not page.away_box.isEnabled()


def test_a_row_opens_the_student(qtbot: QtBot, database: Database, school: School, english: str,
                                 klass: dict[str, str]) -> None:
    page = open_page(qtbot, database)
    pick_class(qtbot, page, school, "Grade 4 2班")
    number = click_student(qtbot, page, "覃丽")
    navigator = page.context.navigator
    assert isinstance(navigator, FakeNavigator) and navigator.navigations == []  # a click only chooses
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert navigator.navigations == [("student", klass["覃丽"])]
    rect = page.table.visualRect(page.model.index(number + 1, 2))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a double-click's first
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert navigator.navigations[-1] == ("student", page.model.rows[number + 1].student_id)


def test_tab_goes_through_the_page_in_reading_order(qtbot: QtBot, database: Database, school: School, english: str,
                                                    klass: dict[str, str]) -> None:
    with database.write() as session:  # away, so that he can be marked back: every field of the form is open
        attendance.record_absence(session, klass["陆军"], started_on="2026-11-25", today=TODAY)
    page = open_page(qtbot, database)
    pick_class(qtbot, page, school, "Grade 4 2班")
    click_student(qtbot, page, "陆军")
    page.activateWindow()
    qtbot.waitActive(page)
    page.school_combo.setFocus()
    seen = [QApplication.focusWidget()]
    for _ in range(10):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert seen == [page.school_combo, page.class_combo, page.date_edit, page.refresh_button, page.table,
                    page.first_day, page.reason, page.excused, page.record_button, page.last_day, page.back_button]


def test_registered_and_no_english_in_chinese(qtbot: QtBot, database: Database, school: School,
                                              klass: dict[str, str], chinese: str) -> None:
    spec = next(spec for spec in load_pages().ordered() if spec.key == "absence")
    context = page_context(database)
    context.navigator.today = TODAY  # type: ignore[attr-defined]  # as the main window has it
    page = spec.factory(context)
    qtbot.addWidget(page)
    page.show()
    assert isinstance(page, AbsencePage)
    sources = {source for (_context, source), text in _translated().items() if text != source and len(source) > 1}
    assert not english_in(page, sources)
    pick_class(qtbot, page, school, "4年级2班")
    click_student(qtbot, page, "韦小明")
    type_into(qtbot, page.first_day, "2026-11-02")
    press(qtbot, page, page.record_button)
    assert "已连续缺勤" in cell(page, "韦小明", "warning")
    assert not english_in(page, sources), english_in(page, sources)


def test_student_numbers_are_masked_like_the_roster(qtbot: QtBot, database: Database, school: School,
                                                     klass: dict[str, str], english: str) -> None:
    with database.write() as session:
        student = session.get(Student, klass["覃丽"])
        assert student is not None and student.id_number
        full = "G" + student.id_number
        roster.edit_student(session, klass["覃丽"], student_number=full, today=TODAY)
    page = open_page(qtbot, database)
    pick_class(qtbot, page, school, "Grade 4 2班")
    assert cell(page, "覃丽", "number") == mask_student_number(full)
