"""A student's file, read as a teacher would: profile, household and guardians, who covers the student,
visits, cases, registry changes, and the history of a field (who changed it, when, from what)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.domain.codes import DropoutReason, RegistryChangeType, ResponsibilityRole, VisitorRole, VisitPurpose
from app.services import cases, key_targets, registry, responsibility, roster, visits
from app.store.db import Database
from app.store.models import School, Student
from app.ui.models.paged import ID_ROLE
from app.ui.pages import PageContext
from app.ui.pages.student import StudentView
from tests.conftest import TODAY
from tests.ui.shell_support import shot


class Navigator:
    def __init__(self) -> None:
        self.navigations: list[tuple[str, str]] = []

    def navigate(self, kind: str, record_id: str) -> None:
        self.navigations.append((kind, record_id))

    def refresh_status(self) -> None:
        pass


@pytest.fixture
def file(database: Database, school: School, student: Student) -> dict[str, str]:
    """One student with a bit of everything, written through the services."""
    with database.write() as session:
        household = roster.add_household(session, roster.HouseholdInput(
            scope=school.id, head_name="韦大明", address="石埠街道那龙村那坛屯12号", phone="13800138000",
            household_type="1", hardship=["registered_poor"]))
        roster.add_member(session, roster.MemberInput(household.id, "韦大明", "父亲", "13800138000",
                                                      work="广东务工", works_away=True))
        roster.add_member(session, roster.MemberInput(household.id, "黄桂英", "祖母", "13900139000",
                                                      is_guardian=True))
        household_id = household.id
        roster.edit_student(session, student.id, household_id=household_id, today=TODAY)
        responsibility.assign(session, student.id, ResponsibilityRole.CLASS_TEACHER, "李老师", unit="石埠小学",
                              phone="13700137000")
        responsibility.assign(session, student.id, ResponsibilityRole.VILLAGE_CADRE, "陆主任", unit="那龙村委")
        visit = visits.start_visit(session, student.id, visited_on=date(2026, 1, 10), today=TODAY,
                                   purpose=VisitPurpose.SCREENING,
                                   visitors=[{"name": "李老师", "role": VisitorRole.HEAD_TEACHER}],
                                   family_situation="父母在外务工", follow_up_on=date(2026, 2, 10))
        visit_id = visit.id
        visits.finalize_visit(session, visit_id)
        key_targets.flag_key_target(session, student.id, [DropoutReason.WORK], today=TODAY)
        case_id = cases.open_case(session, student.id, detected_on=date(2026, 3, 2), reason=DropoutReason.WORK,
                                  today=TODAY).id
        cases.record_attempt(session, case_id, attempted_on=date(2026, 3, 5), persuaders=[{"name": "李老师"}],
                             today=TODAY)
        registry.record_change(session, student.id, RegistryChangeType.CLASS_CHANGE, date(2026, 3, 20),
                               to_class="5班")
    with database.write() as session:
        roster.edit_student(session, student.id, name="韦晓明", today=TODAY)
    return {"student": student.id, "household": household_id, "visit": visit_id, "case": case_id}


@pytest.fixture
def view(qtbot: QtBot, database: Database, file: dict[str, str]) -> Iterator[StudentView]:
    widget = StudentView(PageContext(database=database, navigator=Navigator()))
    qtbot.addWidget(widget)
    widget.resize(1000, 650)
    widget.show()
    qtbot.waitExposed(widget)
    widget.load(file["student"])
    yield widget


def test_profile_shows_every_field_masked_where_personal(view: StudentView, chinese: str) -> None:
    QApplication.processEvents()
    assert view.name_label.text() == "韦晓明"
    assert "石埠小学" in view.subtitle.text() and "5班" in view.subtitle.text()
    assert "重点监测对象" in view.badges.text() and "辍学个案" in view.badges.text()
    values = {name: label.text() for name, label in view.profile_values.items()}
    assert values["sex"] == "男" and values["status"] == "辍学"
    assert values["id_number"].startswith("450107********")
    assert values["school_id"] == "西乡塘区石埠小学"
    assert values["registered_poor"] == "否"
    shot(view, "student-profile-zh")


def test_household_guardians_and_coverage(view: StudentView, file: dict[str, str], chinese: str) -> None:
    view.tabs.setCurrentIndex(1)
    assert view.household_values["head_name"].text() == "韦大明"
    assert view.household_values["phone"].text() == "138****8000"
    assert view.household_values["hardship"].text() == "建档立卡"
    members = [view.members.data(view.members.index(r, 0)) for r in range(view.members.rowCount())]
    assert members == ["黄桂英", "韦大明"]  # the guardian first
    assert view.members.data(view.members.index(0, 5)) == "是"
    assert view.members.data(view.members.index(0, 2)) == "139****9000"
    shot(view, "student-household-zh")
    qtbot_click = view.open_household_button
    qtbot_click.click()
    assert view.context.navigator.navigations == [("household", file["household"])]  # type: ignore[attr-defined]
    view.tabs.setCurrentIndex(2)
    roles = {view.coverage.data(view.coverage.index(r, 1)) for r in range(view.coverage.rowCount())}
    assert roles == {"包班", "包村"}
    lines = {view.coverage.data(view.coverage.index(r, 0)) for r in range(view.coverage.rowCount())}
    assert lines == {"教育线", "政府线"}


def test_visits_and_cases_open_their_records(qtbot: QtBot, view: StudentView, file: dict[str, str],
                                            chinese: str) -> None:
    assert view.tabs.tabText(3) == "家访（1）" and view.tabs.tabText(4) == "辍学个案（1）"
    view.tabs.setCurrentIndex(3)
    assert view.visits.data(view.visits.index(0, 1)) == "已定稿"
    assert view.visits.data(view.visits.index(0, 3)) == "李老师"
    view.visits_view.setFocus()
    view.visits_view.setCurrentIndex(view.visits.index(0, 0))
    qtbot.keyClick(view.visits_view, Qt.Key.Key_Return)
    view.tabs.setCurrentIndex(4)
    assert view.cases.data(view.cases.index(0, 1)) == "劝返中" and view.cases.data(view.cases.index(0, 3)) == 1
    view.cases_view.setFocus()
    view.cases_view.setCurrentIndex(view.cases.index(0, 0))
    qtbot.keyClick(view.cases_view, Qt.Key.Key_Return)
    assert view.context.navigator.navigations == [  # type: ignore[attr-defined]
        ("visit", file["visit"]), ("case", file["case"])]
    view.tabs.setCurrentIndex(5)
    changes = [view.changes.data(view.changes.index(r, 1)) for r in range(view.changes.rowCount())]
    assert changes == ["辍学", "调班"]  # the case's registry change, then the class change
    shot(view, "student-registry-zh")


def test_field_history_says_who_changed_it_when_and_from_what(qtbot: QtBot, view: StudentView,
                                                              chinese: str) -> None:
    qtbot.mouseClick(view.history_buttons[("student", "name")], Qt.MouseButton.LeftButton)
    assert view.tabs.currentWidget() is view.history_tab
    rows = [[view.history.data(view.history.index(r, c)) for c in range(4)] for r in range(view.history.rowCount())]
    assert len(rows) == 2
    newest, created = rows
    assert newest[1] == "管理员" and newest[2] == "韦小明" and newest[3] == "韦晓明"
    assert created[2] == "（新建）" and created[3] == "韦小明"
    assert newest[0][:4] == str(date.today().year)
    shot(view, "student-history-zh")
    # The class went 2班 -> 5班 through a registry change: its history shows both.
    view.show_history("student", "class_name")
    values = [view.history.data(view.history.index(r, 3)) for r in range(view.history.rowCount())]
    assert values == ["5班", "2班"]
    # An ID number's history stays masked.
    view.show_history("student", "id_number")
    assert "********" in view.history.data(view.history.index(0, 3))
    # A household field.
    view.show_history("household", "head_name")
    assert view.history.data(view.history.index(0, 3)) == "韦大明"


def test_a_student_without_household_says_so(qtbot: QtBot, database: Database, school: School,
                                              chinese: str) -> None:
    from tests.conftest import make_student_input

    with database.write() as session:
        lonely = roster.add_student(session, make_student_input(school.id, name="蒙丽", sequence=21),  # type: ignore[arg-type]
                                    today=TODAY)
    widget = StudentView(PageContext(database=database, navigator=Navigator()))
    qtbot.addWidget(widget)
    widget.load(lonely.id)
    widget.tabs.setCurrentIndex(1)
    assert not widget.no_household.isHidden() and not widget.open_household_button.isEnabled()
    widget.show_history("household", "address")
    assert widget.history.rowCount() == 0


def test_the_lists_pass_qtmodeltester(qtmodeltester: ModelTester, view: StudentView) -> None:
    for model in (view.members, view.coverage, view.visits, view.cases, view.changes, view.history):
        assert model.rowCount() > 0
    qtmodeltester.check(view.history)
    view.show_history("student", "class_name")
    assert view.history.data(view.history.index(0, 0), ID_ROLE) is None


def test_the_file_in_english(qtbot: QtBot, english: str, view: StudentView) -> None:
    qtbot.waitUntil(lambda: view.tabs.tabText(0) == "Profile")
    assert view.profile_values["sex"].text() == "Male"
    assert view.history_buttons[("student", "name")].text() == "History"
    assert view.profile_labels["registered_poor"].text() == "Registered poor household"
    shot(view, "student-profile-en")
