"""A teacher edits the students they cover: the pages show a refusal clearly, and nothing typed is lost.

李芳 (a teacher account) covers 韦小明 (包班) but not 黄小红; the administrator made the records the teacher
opens. Each page is driven with the teacher signed in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.domain.codes import DropoutReason, ResponsibilityRole, Sex, UserRole
from app.domain.lifecycle import CaseAction
from app.services import access, cases, drafts, responsibility, roster, visits
from app.services.signin import sign_in
from app.services.users import add_user
from app.store.db import Database
from app.store.models import DropoutCase, ReturnCheck, School, Student, Visit
from app.ui.pages.cases import CasesPage
from app.ui.pages.return_check import ReturnCheckPage
from app.ui.pages.student import StudentView
from app.ui.pages.visits import VisitsPage
from tests.conftest import TODAY, make_student_input
from tests.ui.record_pages_support import *  # noqa: F403 (the shared fixtures)
from tests.ui.record_pages_support import page_context, shot
from tests.ui.test_return_check_page import choose_reason, tick
from tests.ui.test_visits_page import text_of, type_into

TEACHER_PASSWORD = "lifang-pass-1"


@dataclass
class Classroom:
    covered: str  # 韦小明, whom 李芳 covers
    other: str  # 黄小红, whom 王强 covers
    held: str  # 李芳's responsibility for 韦小明


@pytest.fixture
def classroom(database: Database, school: School, student: Student) -> Classroom:
    with database.write() as session:
        other = roster.add_student(session, make_student_input(  # type: ignore[arg-type]
            school.id, name="黄小红", sequence=21, sex=Sex.FEMALE), today=TODAY)
        held = responsibility.assign(session, student.id, ResponsibilityRole.CLASS_TEACHER, "李芳")
        responsibility.assign(session, other.id, ResponsibilityRole.CLASS_TEACHER, "王强")
        return Classroom(student.id, other.id, held.id)


@pytest.fixture
def teacher_db(database: Database, classroom: Classroom, school: School, data_dir: Path) -> Iterator[Database]:
    add_user(database, username="lifang", password=TEACHER_PASSWORD, role=UserRole.TEACHER, display_name="李芳",
             school_id=school.id)
    opened = sign_in(data_dir, "lifang", TEACHER_PASSWORD)
    yield opened
    opened.close()


def refusal_of(database: Database, student_id: str) -> str:
    with database.read() as session:
        refusal = access.edit_refusal(session, student_id)
    assert refusal is not None
    return str(refusal)


def start_draft(database: Database, student_id: str) -> str:
    with database.write() as session:
        return visits.start_visit(session, student_id, family_situation="管理员记下的情况").id


def open_visits(qtbot: QtBot, database: Database) -> VisitsPage:
    page = VisitsPage(page_context(database), autosave_seconds=60)
    qtbot.addWidget(page)
    page.resize(1100, 820)
    page.show()
    qtbot.waitExposed(page)
    return page


def visit_text(database: Database, visit_id: str) -> str | None:
    with database.read() as session:
        visit = session.get(Visit, visit_id)
        assert visit is not None
        return visit.family_situation


def test_a_visit_of_a_student_not_covered_opens_read_only_with_the_reason(
        qtbot: QtBot, database: Database, teacher_db: Database, classroom: Classroom, lang: str) -> None:
    draft = start_draft(database, classroom.other)
    page = open_visits(qtbot, teacher_db)
    page.open_visit(draft)
    refusal = refusal_of(teacher_db, classroom.other)
    assert refusal.startswith("黄小红 不由你包保" if lang == "zh" else "You do not cover 黄小红")
    assert page.form.read_only and page.form.banner.text() == refusal
    assert text_of(page.form, "family_situation") == "管理员记下的情况"
    for button in (page.save_button, page.finalize_button, page.delete_button, page.amend_button):
        assert not button.isVisible()
    shot(page, f"coverage-visit-read-only-{lang}")
    # A new visit of that student is refused before anything is typed, with the reason on the list.
    page.show_list()
    assert page.start_visit_for(classroom.other) is None
    assert page.list_error.isVisible() and page.list_error.text() == refusal
    with teacher_db.read() as session:
        assert len(visits.visits_of(session, classroom.other)) == 1
    # The student the teacher covers: a draft starts and is editable; the message is gone.
    assert page.start_visit_for(classroom.covered) is not None
    assert not page.form.read_only and page.save_button.isVisible() and not page.list_error.isVisible()


def test_saving_refused_keeps_what_was_typed_until_the_teacher_is_named_again(
        qtbot: QtBot, database: Database, teacher_db: Database, classroom: Classroom) -> None:
    draft = start_draft(database, classroom.covered)
    page = open_visits(qtbot, teacher_db)
    page.open_visit(draft)
    assert not page.form.read_only
    page.form.blocks["family_situation"].editor.clear()
    type_into(qtbot, page.form, "family_situation", "父母在广东务工，由祖母照看。")
    type_into(qtbot, page.form, "follow_up_on", "not a date")  # would go to the scratch, were it allowed
    # Meanwhile the administrator gives the class to another teacher (a sync brings the change).
    with database.write() as session:
        responsibility.unassign(session, classroom.held)
    page.save()
    assert page.form.error.isVisible() and page.form.error.text() == refusal_of(teacher_db, classroom.covered)
    assert text_of(page.form, "family_situation") == "父母在广东务工，由祖母照看。"
    assert text_of(page.form, "follow_up_on") == "not a date"
    assert visit_text(database, draft) == "管理员记下的情况"
    with database.read() as session:
        assert drafts.scratch_of(session, drafts.VISIT_KIND, draft) == {}
    # Finalizing is refused the same way, and still nothing is lost.
    assert not page.form.finalize()
    assert text_of(page.form, "family_situation") == "父母在广东务工，由祖母照看。"
    # Named again, the teacher saves what is still in the form.
    with database.write() as session:
        responsibility.assign(session, classroom.covered, ResponsibilityRole.STUDENT_TEACHER, "李芳")
    page.save()
    assert not page.form.error.isVisible()
    assert visit_text(database, draft) == "父母在广东务工，由祖母照看。"
    with database.read() as session:
        assert drafts.scratch_of(session, drafts.VISIT_KIND, draft) == {"follow_up_on": "not a date"}


def test_a_case_of_a_student_not_covered_shows_its_actions_disabled_with_the_reason(
        qtbot: QtBot, database: Database, teacher_db: Database, classroom: Classroom, lang: str) -> None:
    with database.write() as session:
        case_id = cases.open_case(session, classroom.other, detected_on=TODAY, reason=DropoutReason.WORK,
                                  today=TODAY).id
    page = CasesPage(page_context(teacher_db))
    qtbot.addWidget(page)
    page.resize(1150, 760)
    page.show()
    qtbot.waitExposed(page)
    page.open_case(case_id)
    refusal = refusal_of(teacher_db, classroom.other)
    assert page.view.notice.isVisible() and page.view.notice.text() == refusal
    for button in (*page.view.buttons.values(), page.view.typical_button):
        assert not button.isEnabled() and button.toolTip() == refusal
    assert page.view.start_action(CaseAction.RECORD_ATTEMPT) is not None  # the service refuses it too:
    page.view.dialog.buttons.button(page.view.dialog.buttons.StandardButton.Ok).click()  # type: ignore[union-attr]
    assert page.view.dialog is not None and page.view.dialog.isVisible()
    assert page.view.dialog.error.text() == refusal
    page.view.dialog.reject()
    shot(page, f"coverage-case-disabled-{lang}")
    # No case is opened for a student the teacher does not cover: the reason shows on the list.
    page.show_list()
    assert page.new_case_for(classroom.other) is None and page.error.text() == refusal
    with database.read() as session:
        assert session.get(DropoutCase, case_id) is not None and len(cases.attempts_of(session, case_id)) == 0
    assert page.new_case_for(classroom.covered) is not None and not page.error.isVisible()
    page.case_dialog.reject()


def test_a_class_check_with_students_not_covered_is_refused_whole_with_every_such_row_marked(
        qtbot: QtBot, database: Database, teacher_db: Database, classroom: Classroom, school: School) -> None:
    page = ReturnCheckPage(page_context(teacher_db))
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitExposed(page)
    page.choose(school.id, 4, "2班")
    assert {r.name for r in page.model.rows} == {"韦小明", "黄小红"}
    tick(qtbot, page, "韦小明")
    choose_reason(qtbot, page, "黄小红", DropoutReason.WORK)
    with qtbot.waitSignal(page.finished, timeout=10_000):
        page.cases_button.click()
    assert page.error.isVisible() and page.error.text().startswith("黄小红不由你包保，这次返校核查没有写入任何记录。")
    assert set(page.model.errors) == {classroom.other}
    # The ticks and the reason stay as the teacher left them; nothing was recorded.
    rows = {r.name: r for r in page.model.rows}
    assert rows["韦小明"].returned and rows["黄小红"].reason is DropoutReason.WORK
    with database.read() as session:
        assert session.query(ReturnCheck).count() == 0 and session.query(DropoutCase).count() == 0
    shot(page, "coverage-return-check-refused")
    # Once the administrator names the teacher for 黄小红 too, the same ticks go in.
    with database.write() as session:
        responsibility.assign(session, classroom.other, ResponsibilityRole.STUDENT_TEACHER, "李芳")
    with qtbot.waitSignal(page.finished, timeout=10_000):
        page.cases_button.click()
    assert not page.error.isVisible()
    with database.read() as session:
        assert session.query(ReturnCheck).count() == 2 and session.query(DropoutCase).count() == 1


def test_the_student_file_says_when_the_teacher_does_not_cover_the_student(
        qtbot: QtBot, database: Database, teacher_db: Database, classroom: Classroom) -> None:
    view = StudentView(page_context(teacher_db))
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    view.load(classroom.other)
    assert view.coverage_notice.isVisible()
    assert view.coverage_notice.text() == refusal_of(teacher_db, classroom.other)
    view.load(classroom.covered)
    assert not view.coverage_notice.isVisible()
    admin = StudentView(page_context(database))  # an administrator is never told so
    qtbot.addWidget(admin)
    admin.show()
    admin.load(classroom.other)
    assert not admin.coverage_notice.isVisible()
