"""The change signal (app/ui/ops.py): each committed write is announced once, naming the tables it wrote and the
view that asked for it; a failed write is not announced; background tasks announce what they committed; and
views follow the signal: another view's save updates them, their own does not make them read twice."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.domain.codes import DropoutReason
from app.domain.errors import ValidationError
from app.services import cases, places
from app.store.db import Database
from app.store.models import School, Student
from app.ui import ops
from app.ui.pages import PageContext
from app.ui.pages.cases import CasesPage
from app.ui.pages.import_page import ImportPage
from app.ui.pages.roster import RosterPage
from app.ui.pages.today import TodayPage
from app.ui.pages.visits import VisitsPage
from app.ui.qt import QObject, QWidget, Slot
from app.ui.worker import Task
from tests.conftest import TODAY
from tests.services.listing_support import make_worklist
from tests.ui.shell_support import wait_loaded

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "sample"


class Navigator:
    today = TODAY

    def handles(self, kind: str) -> bool:
        return False

    def navigate(self, kind: str, record_id: str) -> None:
        pass


class Order(QObject):
    """What reached the UI thread, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    @Slot(object)
    def changed(self, _changes: object) -> None:
        self.seen.append("changed")

    @Slot(object)
    def succeeded(self, _result: object) -> None:
        self.seen.append("succeeded")


@pytest.fixture
def heard() -> Iterator[list[ops.OpChanges]]:
    """Every change announced during the test, in order."""
    changes: list[ops.OpChanges] = []
    ops.notifier.changed.connect(changes.append)
    yield changes
    ops.notifier.changed.disconnect(changes.append)


def _context(database: Database) -> PageContext:
    return PageContext(database=database, navigator=Navigator())


def _shown(qtbot: QtBot, widget: QWidget) -> Any:
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _count_calls(obj: Any, name: str) -> list[int]:
    """Count the calls of ``obj.name`` from now on (the method still runs)."""
    calls: list[int] = []
    original = getattr(obj, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    setattr(obj, name, counted)
    return calls


# ------------------------------------------------------------------------------------------------ announcing
def test_a_write_announces_once_the_tables_it_wrote(qtbot: QtBot, database: Database,
                                                    heard: list[ops.OpChanges]) -> None:
    source = QWidget()
    qtbot.addWidget(source)
    ops.write(database, lambda session: places.add_township(session, code="450107009", name="石埠街道"),
              source=source)
    assert heard == [ops.OpChanges(frozenset({"township"}), source)]
    assert heard[0].made_by(source) and not heard[0].made_by(QWidget())


def test_a_failed_write_and_a_write_of_nothing_announce_nothing(qtbot: QtBot, database: Database,
                                                                heard: list[ops.OpChanges]) -> None:
    def add_then_fail(session: Any) -> None:
        places.add_township(session, code="450107009", name="石埠街道")
        raise ValidationError("不行", "No")

    with pytest.raises(ValidationError):
        ops.write(database, add_then_fail)
    ops.write(database, lambda session: None)
    assert heard == []


def test_a_write_later_announces_from_its_receiver(qtbot: QtBot, database: Database,
                                                   heard: list[ops.OpChanges]) -> None:
    receiver = QWidget()
    qtbot.addWidget(receiver)
    done: list[object] = []
    ops.write_later(database, lambda session: places.add_township(session, code="450107009", name="石埠街道").id,
                    receiver=receiver, done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    assert heard == [ops.OpChanges(frozenset({"township"}), receiver)]


def test_a_task_announces_its_commits_once_before_its_result(qtbot: QtBot, database: Database,
                                                             heard: list[ops.OpChanges]) -> None:
    source = QWidget()
    qtbot.addWidget(source)

    def work(_report: Any) -> str:
        with database.write() as session:
            places.add_township(session, code="450107009", name="石埠街道")
        with database.write() as session:
            return places.add_school(session, name="西乡塘区石埠小学", school_type="primary").id

    order = Order()
    ops.notifier.changed.connect(order.changed)
    task = Task(work, source=source)
    task.succeeded.connect(order.succeeded)  # a slot of an object on the UI thread: delivered there
    task.start()
    qtbot.waitUntil(lambda: "succeeded" in order.seen, timeout=10_000)
    assert heard == [ops.OpChanges(frozenset({"township", "school"}), source)]
    assert order.seen == ["changed", "succeeded"]


def test_an_import_announces_the_records_it_wrote_and_the_roster_shown_follows(
        qtbot: QtBot, database: Database, tmp_path: Path, heard: list[ops.OpChanges]) -> None:
    with database.write() as session:
        places.add_school(session, name="西乡塘区石埠小学", school_type="primary")
        places.add_school(session, name="西乡塘区坛洛镇中心小学", school_type="primary")
    sample = tmp_path / "学籍导出示例.xlsx"
    shutil.copy(SAMPLES / sample.name, sample)
    roster = _shown(qtbot, RosterPage(_context(database)))
    assert roster.model.total == 0
    page = ImportPage(database)
    qtbot.addWidget(page)
    page.file.setText(str(sample))
    page.check_button.click()
    qtbot.waitUntil(lambda: page.check_button.isEnabled(), timeout=60_000)
    assert heard == []  # checking writes nothing
    page.import_button.click()
    qtbot.waitUntil(lambda: page.import_button.isEnabled(), timeout=60_000)
    assert page.error.text() == "", page.error.text()
    assert len(heard) == 1 and heard[0].source is page and {"student", "household"} <= heard[0].tables
    assert roster.model.total > 0  # nobody told the roster: it heard the change
    assert str(roster.model.total) in roster.count_label.text()


# ------------------------------------------------------------------------------------------------ following
@pytest.fixture
def work(database: Database, school: School) -> dict[str, str]:
    return make_worklist(database, school.id)


def test_a_visit_started_on_the_visits_page_updates_the_today_page(
        qtbot: QtBot, database: Database, student: Student, work: dict[str, str]) -> None:
    today = _shown(qtbot, TodayPage(_context(database)))
    wait_loaded(qtbot, today)
    assert today.data.campaign is not None
    drafts = today.data.campaign.visits_draft
    visits = _shown(qtbot, VisitsPage(_context(database), autosave_seconds=60))
    visits.campaign_filter.setCurrentIndex(visits.campaign_filter.findData(work["campaign"]))
    own_rereads = _count_calls(visits.model, "refresh")
    today_rereads = _count_calls(today, "_load")

    assert visits.start_visit_for(student.id)

    assert today_rereads == [1]  # no explicit call: the change signal
    qtbot.waitUntil(lambda: not today.loading, timeout=30_000)
    assert today.data.campaign.visits_draft == drafts + 1
    assert today.count_labels["visits_draft"][1].text() == str(drafts + 1)
    assert own_rereads == []  # the visits page made the change: it updates itself, once, as before


def test_a_hidden_cases_list_rereads_when_shown_after_a_change(qtbot: QtBot, database: Database,
                                                               student: Student) -> None:
    page = CasesPage(_context(database))
    qtbot.addWidget(page)
    assert page.model.total == 0
    ops.write(database, lambda session: cases.open_case(session, student.id, detected_on=TODAY - timedelta(days=3),
                                                        reason=DropoutReason.WORK, today=TODAY))
    assert page.changes.stale and page.model.total == 0  # hidden: nothing read yet
    page.show()
    qtbot.waitExposed(page)
    assert not page.changes.stale and page.model.total == 1
    assert "1" in page.count_label.text()


def test_the_status_bar_counts_what_any_write_left_to_sync(qtbot: QtBot, database: Database) -> None:
    from app.ui.app_window import MainWindow

    window = _shown(qtbot, MainWindow(database, today=TODAY))
    before = window.pending_label.text()
    ops.write(database, lambda session: places.add_township(session, code="450107009", name="石埠街道"))
    assert window.pending_label.text() != before  # nobody called refresh_status: the window heard the change
    window.idle.stop()
