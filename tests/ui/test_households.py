"""家庭 Households: search by the head's name, the address or the village; see members and children."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.services import places, roster
from app.store.db import Database
from app.store.models import School
from app.ui.models.households import HouseholdTableModel
from app.ui.pages import PageContext
from app.ui.pages.households import HouseholdsPage
from tests.conftest import TODAY, make_student_input
from tests.ui.shell_support import shot


class Navigator:
    def __init__(self) -> None:
        self.navigations: list[tuple[str, str]] = []

    def navigate(self, kind: str, record_id: str) -> None:
        self.navigations.append((kind, record_id))

    def refresh_status(self) -> None:
        pass


@pytest.fixture
def homes(database: Database, school: School) -> dict[str, str]:
    with database.write() as session:
        township = places.add_township(session, code="450107009", name="石埠街道")
        village = places.add_village(session, township_id=township.id, name="那龙村")
        other = places.add_village(session, township_id=township.id, name="忠良村")
        ids = {}
        for key, head, address, village_id in (
                ("wei", "韦大明", "石埠街道那龙村那坛屯12号", village.id),
                ("huang", "黄国强", "石埠街道那龙村六里屯3号", village.id),
                ("lu", "陆金生", "西乡塘区友爱路8号", other.id)):
            ids[key] = roster.add_household(session, roster.HouseholdInput(
                scope=school.id, head_name=head, address=address, phone="13800138000", village_id=village_id,
                township_id=township.id, hardship=["registered_poor"] if key == "wei" else [])).id
        roster.add_member(session, roster.MemberInput(ids["wei"], "韦大明", "父亲", "13800138000", works_away=True))
        roster.add_member(session, roster.MemberInput(ids["wei"], "黄桂英", "祖母", is_guardian=True))
        child = roster.add_student(session, make_student_input(school.id, household_id=ids["wei"]),  # type: ignore[arg-type]
                                   today=TODAY)
        ids["child"] = child.id
    return ids


@pytest.fixture
def page(qtbot: QtBot, database: Database, homes: dict[str, str]) -> Iterator[HouseholdsPage]:
    widget = HouseholdsPage(PageContext(database=database, navigator=Navigator()))
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget


def heads(page: HouseholdsPage) -> list[str]:
    return [page.model.row(i).head_name for i in range(page.model.total)]  # type: ignore[union-attr, misc]


def test_search_by_head_address_and_village(qtbot: QtBot, page: HouseholdsPage, chinese: str) -> None:
    assert page.model.total == 3 and page.count_label.text() == "共 3 户"
    page.search.setText("韦大")
    assert heads(page) == ["韦大明"]
    page.search.setText("石埠街道那龙村六里")
    assert heads(page) == ["黄国强"]
    page.search.setText("那龙")  # the village: every household of 那龙村
    assert sorted(heads(page)) == ["韦大明", "黄国强"]
    page.search.setText("西乡塘区友爱路")
    assert heads(page) == ["陆金生"]
    qtbot.keyClicks(page.search, "zzz")
    assert page.model.total == 0 and page.count_label.text() == "共 0 户"


def test_members_and_children_of_the_selected_household(qtbot: QtBot, page: HouseholdsPage,
                                                        homes: dict[str, str], chinese: str) -> None:
    page.search.setText("韦大明")
    assert page.household_id == homes["wei"]  # the only match is selected
    assert page.detail_title.text() == "韦大明"
    assert page.info_values["village"].text() == "那龙村"
    assert page.info_values["phone"].text() == "138****8000"
    assert page.info_values["hardship"].text() == "建档立卡"
    members = [page.members.data(page.members.index(r, 0)) for r in range(page.members.rowCount())]
    assert members == ["黄桂英", "韦大明"]
    assert page.members_title.text() == "家庭成员（2）"
    assert page.child_rows.data(page.child_rows.index(0, 0)) == "韦小明"
    shot(page, "households-zh")
    page.children_view.setFocus()
    page.children_view.setCurrentIndex(page.child_rows.index(0, 0))
    qtbot.keyClick(page.children_view, Qt.Key.Key_Return)
    assert page.context.navigator.navigations == [("student", homes["child"])]  # type: ignore[attr-defined]
    # Moving through the list shows each household.
    page.search.setText("那龙")
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.household_id in (homes["wei"], homes["huang"]) and page.household_id != \
        page.model.data(page.model.index(0, 0), Qt.ItemDataRole.UserRole)


def test_show_record_opens_a_household(page: HouseholdsPage, homes: dict[str, str]) -> None:
    page.show_record("household", homes["lu"])
    assert page.household_id == homes["lu"] and page.detail_title.text() == "陆金生"
    page.show_record("household", "no-such-id")
    assert page.error.text()  # said, not crashed


def test_the_model_passes_qtmodeltester(qtmodeltester: ModelTester, demo_db: Database) -> None:
    model = HouseholdTableModel(demo_db)
    model.reload()
    assert model.total > 500
    qtmodeltester.check(model)
    model.set_text("韦")
    assert 0 < model.total < 500
    model.set_text("")
    for row in range(0, model.total, 97):
        assert model.data(model.index(row, 0)) is not None


def test_households_in_english(qtbot: QtBot, english: str, page: HouseholdsPage) -> None:
    qtbot.waitUntil(lambda: page.title.text() == "Households")
    assert page.count_label.text() == "3 households"
    assert page.model.headerData(0, Qt.Orientation.Horizontal) == "Head of household"
    shot(page, "households-en")
