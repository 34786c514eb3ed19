"""工作台 Today: the day's work and the campaign's counts; each line opens its record."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.store.db import Database
from app.store.models import School
from app.ui.pages import PageContext
from app.ui.pages.today import TodayPage
from tests.conftest import TODAY
from tests.services.listing_support import make_worklist
from tests.ui.shell_support import shot, wait_loaded


class Navigator:
    """Stands in for the main window: opens visits only when a page handles them."""

    today = TODAY

    def __init__(self, kinds: tuple[str, ...] = ("student", "case")) -> None:
        self.kinds = kinds
        self.navigations: list[tuple[str, str]] = []

    def handles(self, kind: str) -> bool:
        return kind in self.kinds

    def navigate(self, kind: str, record_id: str) -> None:
        self.navigations.append((kind, record_id))

    def refresh_status(self) -> None:
        pass


@pytest.fixture
def work(database: Database, school: School) -> dict[str, str]:
    return make_worklist(database, school.id)


@pytest.fixture
def page(qtbot: QtBot, chinese: str, database: Database, work: dict[str, str]) -> Iterator[TodayPage]:
    widget = TodayPage(PageContext(database=database, navigator=Navigator()))
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    wait_loaded(qtbot, widget)
    yield widget


def lines(page: TodayPage) -> list[tuple[str, str]]:
    return [(item.kind, item.student_name) for item in page.items]


def test_the_days_work_overdue_first(page: TodayPage, work: dict[str, str]) -> None:
    # Overdue first (the stale case was due 13 days ago, the retention check 10, the follow-up 3), then by date.
    assert lines(page) == [("stale_case", "己六"), ("retention", "辛八"), ("follow_up", "甲一"),
                           ("draft", "戊五"), ("follow_up", "乙二")]
    overdue = [item.overdue for item in page.items]
    assert overdue == [True, True, True, False, False]
    assert page.model.data(page.model.index(2, 0)) == "家访跟进"
    assert "已逾期" in page.model.data(page.model.index(2, 1))
    assert page.model.data(page.model.index(2, 4)) == "一个月后再访"
    assert page.model.data(page.model.index(0, 4)) == "广东东莞"  # where the child is, for the persuaders
    assert page.model.data(page.model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is not None
    assert page.model.data(page.model.index(4, 0), Qt.ItemDataRole.ForegroundRole) is None
    assert page.filter_buttons["follow_up"].text() == "家访跟进 2（逾期 1）"
    assert page.filter_buttons["all"].text() == "全部 5"
    assert page.status.text() == "共 5 项待办。回车或双击打开。"
    shot(page, "today-zh")


def test_campaign_counts(page: TodayPage) -> None:
    assert "2026年寒假大家访" in page.campaign_line.text() and "进行中" in page.campaign_line.text()
    counts = {key: value.text() for key, (_name, value) in page.count_labels.items()}
    # Three cases are open; one was found within the campaign's dates.
    assert counts["visits_draft"] == "1" and counts["cases_open"] == "3" and counts["cases_opened"] == "1"
    assert page.count_labels["visits_draft"][0].text() == "家访草稿"


def test_filters_by_kind(qtbot: QtBot, page: TodayPage) -> None:
    qtbot.mouseClick(page.filter_buttons["stale_case"], Qt.MouseButton.LeftButton)
    assert lines(page) == [("stale_case", "己六")]
    qtbot.mouseClick(page.filter_buttons["draft"], Qt.MouseButton.LeftButton)
    assert lines(page) == [("draft", "戊五")]
    qtbot.mouseClick(page.filter_buttons["all"], Qt.MouseButton.LeftButton)
    assert len(lines(page)) == 5


def test_each_line_opens_its_record(qtbot: QtBot, page: TodayPage, work: dict[str, str]) -> None:
    navigator = page.context.navigator
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(0, 0))  # the stale case
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert navigator.navigations[-1] == ("case", work["stale_case"])  # type: ignore[attr-defined]
    # No page opens visits here: the line opens the student's file instead.
    page.table.setCurrentIndex(page.model.index(2, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert navigator.navigations[-1] == ("student", page.items[2].student_id)  # type: ignore[attr-defined]
    navigator.kinds = ("visit", "case", "student")  # type: ignore[attr-defined]
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert navigator.navigations[-1] == ("visit", work["overdue_visit"])  # type: ignore[attr-defined]


def test_refresh_picks_up_new_work(qtbot: QtBot, page: TodayPage, database: Database, work: dict[str, str]) -> None:
    from app.services import visits

    with database.write() as session:
        visits.delete_draft(session, work["draft"])
    qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
    wait_loaded(qtbot, page)
    assert ("draft", "戊五") not in lines(page)


def test_the_work_model_passes_qtmodeltester(qtmodeltester: ModelTester, page: TodayPage) -> None:
    qtmodeltester.check(page.model)
    page.set_kind("follow_up")
    page.set_kind("all")


def test_a_big_district_shows_the_most_urgent_lines(qtbot: QtBot, demo_db: Database,
                                                    chinese: str) -> None:
    widget = TodayPage(PageContext(database=demo_db, navigator=Navigator()))
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    wait_loaded(qtbot, widget)
    assert widget.data is not None
    totals = widget.data.work.totals
    assert sum(totals.values()) == len(widget.items) or len(widget.items) == sum(
        min(total, 200) for total in totals.values())
    assert "2026" in widget.campaign_line.text()
    shot(widget, "today-demo-zh")


def test_today_in_english(qtbot: QtBot, english: str, database: Database, work: dict[str, str]) -> None:
    widget = TodayPage(PageContext(database=database, navigator=Navigator()))
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    wait_loaded(qtbot, widget)
    assert widget.title.text() == "Today"
    assert widget.filter_buttons["follow_up"].text() == "Follow-ups 2 (1 overdue)"
    assert widget.model.data(widget.model.index(2, 0)) == "Visit follow-up"
    shot(widget, "today-en")
