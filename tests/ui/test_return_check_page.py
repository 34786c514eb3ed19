"""返校核查: choose a class, tick who came back, give reasons, and open cases for the others in one go."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from app.domain.codes import DropoutReason, StudentStatus
from app.domain.masking import mask_student_number
from app.services import cases, roster
from app.store.db import Database
from app.store.models import ReturnCheck, School, Student
from app.ui.models.record_lists import ClassCheckModel
from app.ui.pages.return_check import ReturnCheckPage
from app.ui.widgets.fields import set_combo_value
from tests.conftest import TODAY, make_student_input
from tests.ui.record_pages_support import *  # noqa: F403 (the shared fixtures)
from tests.ui.record_pages_support import page_context, shot

NAMES = ["韦小明", "黄𰻝", "覃丽", "陆军", "蒙芳"]


@pytest.fixture
def klass(database: Database, school: School) -> list[str]:
    with database.write() as session:
        inputs = [make_student_input(school.id, name=n, sequence=11 + 2 * i) for i, n in enumerate(NAMES)]
        return roster.add_students(session, inputs, today=TODAY)  # type: ignore[arg-type]


def open_page(qtbot: QtBot, database: Database) -> ReturnCheckPage:
    page = ReturnCheckPage(page_context(database))
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def row_of(page: ReturnCheckPage, name: str) -> int:
    return next(i for i, r in enumerate(page.model.rows) if r.name == name)


def tick(qtbot: QtBot, page: ReturnCheckPage, name: str) -> None:
    """Select the student's "came back" cell and press Space, as a keyboard user does."""
    index = page.model.index(row_of(page, name), ClassCheckModel.RETURNED)
    page.table.setFocus()
    page.table.setCurrentIndex(index)
    qtbot.keyClick(page.table.viewport(), Qt.Key.Key_Space)


def choose_reason(qtbot: QtBot, page: ReturnCheckPage, name: str, reason: DropoutReason) -> None:
    """Open the reason cell's editor (a combo), choose, and press Enter."""
    index = page.model.index(row_of(page, name), ClassCheckModel.REASON)
    page.table.setCurrentIndex(index)
    page.table.edit(index)
    editor = page.table.indexWidget(index) or page.table.viewport().findChild(QComboBox)
    assert isinstance(editor, QComboBox)
    set_combo_value(editor, reason.value)
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next turn of the event loop
    qtbot.waitUntil(lambda: page.model.rows[row_of(page, name)].reason is reason, timeout=3000)


def test_tick_the_returners_and_open_cases_for_the_others(qtbot: QtBot, database: Database, school: School,
                                                          klass: list[str], qtmodeltester: object,
                                                          lang: str) -> None:
    page = open_page(qtbot, database)
    page.choose(school.id, 4, "2班")
    assert page.model.rowCount() == 5
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]
    for name in ("韦小明", "覃丽", "蒙芳"):
        tick(qtbot, page, name)
    assert [r.returned for r in page.model.rows if r.name in ("韦小明", "覃丽", "蒙芳")] == [True] * 3
    choose_reason(qtbot, page, "黄𰻝", DropoutReason.WORK)
    assert page.model.rows[row_of(page, "黄𰻝")].reason is DropoutReason.WORK
    # 陆军 has no reason yet: saving is refused, the row is marked and nothing is written.
    with qtbot.waitSignal(page.finished, timeout=10_000):
        page.cases_button.click()
    assert "陆军" in page.error.text()
    bad = page.model.index(row_of(page, "陆军"), 0)
    assert page.model.data(bad, Qt.ItemDataRole.ToolTipRole)
    with database.read() as session:
        assert session.query(ReturnCheck).count() == 0
    shot(page, f"return-check-error-{lang}")
    page.model.setData(page.model.index(row_of(page, "陆军"), ClassCheckModel.REASON), "learning")
    page.model.setData(page.model.index(row_of(page, "陆军"), ClassCheckModel.DETAIL), "不想读书")
    assert "2" in page.cases_button.text()
    assert page.table.columnWidth(ClassCheckModel.REASON) >= 240
    with qtbot.waitSignal(page.finished, timeout=10_000) as done:
        page.cases_button.click()
    assert len(done.args[0].opened_case_ids) == 2
    with database.read() as session:
        assert session.query(ReturnCheck).count() == 5
        huang = session.get(Student, klass[1])
        assert huang is not None and huang.status == StudentStatus.DROPPED_OUT.value
        assert cases.open_case_of(session, klass[3]).reason_detail == "不想读书"  # type: ignore[union-attr]
    # The class reloads with what was recorded: two with open cases, which cannot be ticked as back.
    assert sum(r.has_open_case for r in page.model.rows) == 2
    locked = page.model.index(row_of(page, "黄𰻝"), ClassCheckModel.RETURNED)
    assert not page.model.flags(locked) & Qt.ItemFlag.ItemIsUserCheckable
    assert page.summary.text()
    shot(page, f"return-check-{lang}")


def test_save_only_records_and_mark_all(qtbot: QtBot, database: Database, school: School,
                                        klass: list[str]) -> None:
    page = open_page(qtbot, database)
    page.choose(school.id, 4, "2班")
    page.all_button.click()
    assert all(r.returned for r in page.model.rows) and not page.cases_button.isEnabled()
    with qtbot.waitSignal(page.finished, timeout=10_000) as done:
        page.save_button.click()
    assert done.args[0].recorded == 5 and done.args[0].opened_case_ids == []
    assert all(r.checked and r.returned for r in page.model.rows)


def test_a_bad_date_is_explained_and_no_class_is_loaded(qtbot: QtBot, database: Database, school: School,
                                                         klass: list[str]) -> None:
    page = open_page(qtbot, database)
    page.choose(school.id, 4, "2班")
    page.date_edit.setText("2026-02-31")
    page.load_class()
    assert "2026-02-31" in page.error.text() and page.model.rowCount() == 0 and not page.save_button.isEnabled()
    page.date_edit.setText((date.today() - timedelta(days=1)).isoformat())
    page.load_class()
    assert page.model.rowCount() == 5


def test_screenshot_of_a_demo_class(qtbot: QtBot, demo_db: Database, lang: str) -> None:
    page = open_page(qtbot, demo_db)
    best = (0, "")
    for index in range(1, page.school_combo.count()):
        page.school_combo.setCurrentIndex(index)
        if page.model.rowCount() > best[0]:
            best = (page.model.rowCount(), page.school_combo.itemData(index))
        if best[0] >= 12:
            break
    set_combo_value(page.school_combo, best[1])
    page.model.mark_all_returned()
    page.model.setData(page.model.index(1, ClassCheckModel.RETURNED), Qt.CheckState.Unchecked.value,
                       Qt.ItemDataRole.CheckStateRole)
    page.model.setData(page.model.index(1, ClassCheckModel.REASON), "hardship")
    shot(page, f"return-check-demo-{lang}")


def test_student_numbers_are_masked_like_the_roster(qtbot: QtBot, database: Database, school: School,
                                                     klass: list[str]) -> None:
    with database.write() as session:
        student = session.get(Student, klass[0])
        assert student is not None and student.id_number
        full = "G" + student.id_number
        roster.edit_student(session, klass[0], student_number=full, today=TODAY)
    page = open_page(qtbot, database)
    page.choose(school.id, 4, "2班")
    shown = page.model.data(page.model.index(row_of(page, "韦小明"), ClassCheckModel.NUMBER))
    assert shown == mask_student_number(full) and full not in shown
