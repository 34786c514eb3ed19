"""Roles on the laptop: what a teacher and a school administrator may and may not do (a teacher changes only
the students they cover); audited reveals."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.domain.codes import ResponsibilityRole, SchoolType, Sex, UserRole
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.i18n import set_language
from app.services import (
    access,
    attendance,
    cases,
    class_checks,
    drafts,
    key_targets,
    registry,
    responsibility,
    return_checks,
    roster,
    visits,
)
from app.services.access import NotCovered, reveal_field
from app.services.audit import list_events
from app.services.backup import backup_if_due, make_backup
from app.services.class_checks import CheckEntry
from app.services.ledgers import export_ledger
from app.services.places import add_school
from app.services.recovery import create_recovery_key
from app.services.signin import sign_in
from app.services.users import add_user
from app.store.db import Database, create_folder
from app.store.models import DropoutCase, School, Student, User, Visit
from tests.conftest import PASSWORD, TODAY, make_student_input
from tests.services.support import unchanged

TEACHER_PASSWORD = "teacher-pass-1"


@pytest.fixture
def teacher(database: Database, student: Student, data_dir: Path) -> Iterator[Database]:
    add_user(database, username="teacher1", password=TEACHER_PASSWORD, role=UserRole.TEACHER)
    opened = sign_in(data_dir, "teacher1", TEACHER_PASSWORD)
    yield opened
    opened.close()


def _reveals(database: Database) -> list[tuple[str | None, str | None]]:
    with database.read() as session:
        return [(line.target, line.detail) for line in list_events(session, role=UserRole.SCHOOL_ADMIN)
                if line.action == "revealed_field"]


def test_admin_reveals_every_field_and_each_reveal_is_audited(database: Database, student: Student) -> None:
    assert database.user is not None
    with database.write() as session:
        number = reveal_field(session, database.user, student.id, "id_number")
        assert reveal_field(session, database.user, student.id, "disability") == ""
        assert reveal_field(session, database.user, student.id, "phone") == ""
        with pytest.raises(ValidationError):
            reveal_field(session, database.user, student.id, "name")
    assert number == student.id_number and len(number) == 18
    assert _reveals(database) == [(student.id, "id_number"), (student.id, "disability"), (student.id, "phone")]


def test_teacher_is_refused_id_numbers_but_may_reveal_phone_and_disability(
        teacher: Database, database: Database, student: Student) -> None:
    assert teacher.user is not None and teacher.user.role is UserRole.TEACHER
    with teacher.write() as session, pytest.raises(PermissionDenied):
        reveal_field(session, teacher.user, student.id, "id_number")
    with teacher.write() as session:
        reveal_field(session, teacher.user, student.id, "phone")
        reveal_field(session, teacher.user, student.id, "disability")
    assert _reveals(database) == [(student.id, "phone"), (student.id, "disability")]


def test_teacher_is_refused_admin_actions(teacher: Database, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        add_user(teacher, username="t2", password=TEACHER_PASSWORD, role=UserRole.TEACHER)
    with pytest.raises(PermissionDenied):
        make_backup(teacher, tmp_path / "b.jfbak")
    assert not (tmp_path / "b.jfbak").exists()
    with pytest.raises(PermissionDenied):
        create_recovery_key(teacher)
    with teacher.write() as session, pytest.raises(PermissionDenied):
        export_ledger(session, "dropouts", tmp_path / "l.xlsx")
    assert not (tmp_path / "l.xlsx").exists()
    assert backup_if_due(teacher) is not None  # the automatic daily backup runs for everyone


def test_teacher_is_refused_imports(teacher: Database, tmp_path: Path, school: object) -> None:
    from app.services.importing import apply_import, plan_import
    from tests.conftest import TODAY
    from tests.services.test_importing import pupil, write_csv

    path = write_csv(tmp_path / "roster.csv", [pupil(1, school="西乡塘区石埠小学")])
    with teacher.write() as session:
        plan = plan_import(session, path, today=TODAY)
        assert plan.to_add
        with pytest.raises(PermissionDenied):
            apply_import(session, plan, skip_invalid=True)


def test_admin_actions_allowed(database: Database, student: Student, tmp_path: Path) -> None:
    add_user(database, username="t3", password=TEACHER_PASSWORD, role=UserRole.TEACHER)
    assert make_backup(database, tmp_path / "b.jfbak").exists()
    with database.write() as session:
        export_ledger(session, "dropouts", tmp_path / "l.xlsx")
    assert (tmp_path / "l.xlsx").exists()


def test_cli_maps_permission_denied_to_exit_1(teacher: Database, data_dir: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from app.cli import main

    teacher.close()
    monkeypatch.setenv("JIAFANG_PASSWORD", TEACHER_PASSWORD)
    base = ["--data-dir", str(data_dir), "--user", "teacher1"]
    for command in (["export", "json", str(tmp_path / "x.jsonl")], ["backup", "--out", str(tmp_path / "b.jfbak")],
                    ["export", "ledger", "dropouts", "--out", str(tmp_path / "l.xlsx")]):
        assert main(base + command) == 1, command
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "管理员" in err
    assert not list(tmp_path.glob("x.jsonl*")) and not (tmp_path / "b.jfbak").exists()
    monkeypatch.setenv("JIAFANG_PASSWORD", PASSWORD)
    assert main(["--data-dir", str(data_dir), "--user", "admin", "export", "json", str(tmp_path / "x.jsonl")]) == 0


# ----------------------------------------------------------------------------- a teacher edits whom they cover
COVERING_PASSWORD = "covering-pass-1"
PERSUADERS = [{"name": "李芳", "phone": "13877110001"}]


@dataclass
class Classroom:
    """Student A, whom 李芳 covers (包班), and student B, whom 王强 covers; a cadre namesake 李芳 covers B on
    the government line, which does not make the teacher 李芳 B's teacher."""

    a: Student
    b: Student
    household_a: str
    household_b: str


@pytest.fixture
def classroom(database: Database, school: School, student: Student) -> Classroom:
    with database.write() as session:
        b = roster.add_student(session, make_student_input(school.id, name="黄小红", sequence=21,  # type: ignore[arg-type]
                                                           sex=Sex.FEMALE), today=TODAY)
        households = [roster.add_household(session, roster.HouseholdInput(scope=school.id, head_name=head)).id
                      for head in ("韦大成", "黄大山")]
        roster.edit_student(session, student.id, household_id=households[0], today=TODAY)
        roster.edit_student(session, b.id, household_id=households[1], today=TODAY)
        # As lists write a two-character name, padded to the width of three.
        responsibility.assign(session, student.id, ResponsibilityRole.CLASS_TEACHER, "李　芳")
        responsibility.assign(session, b.id, ResponsibilityRole.CLASS_TEACHER, "王强")
        responsibility.assign(session, b.id, ResponsibilityRole.VILLAGE_CADRE, "李芳", unit="石埠村委")
    return Classroom(student, b, households[0], households[1])


@pytest.fixture
def lifang(database: Database, classroom: Classroom, school: School, data_dir: Path) -> Iterator[Database]:
    """李芳's own account on the school's laptop."""
    add_user(database, username="lifang", password=COVERING_PASSWORD, role=UserRole.TEACHER, display_name="李芳",
             school_id=school.id)
    opened = sign_in(data_dir, "lifang", COVERING_PASSWORD)
    yield opened
    opened.close()


def _do(database: Database, fn: Any, *args: Any, **kwargs: Any) -> Any:
    with database.write() as session:
        result = fn(session, *args, **kwargs)
        return getattr(result, "id", result)


def _refused(database: Database, fn: Any, *args: Any, **kwargs: Any) -> NotCovered:
    """The service refuses (NotCovered) and nothing at all is written."""
    with unchanged(database), pytest.raises(NotCovered) as caught, database.write() as session:
        fn(session, *args, **kwargs)
    return caught.value


def test_a_teacher_edits_the_students_they_cover(lifang: Database, classroom: Classroom) -> None:
    a = classroom.a.id
    with lifang.read() as session:
        assert access.may_edit_student(session, a) and access.edit_refusal(session, a) is None
    visit_id = _do(lifang, visits.start_visit, a, visited_on=TODAY, today=TODAY)
    saved = _do(lifang, drafts.autosave_visit, visit_id, {"purpose": "routine", "family_situation": "务农",
                                                          "visitors": [{"name": "李芳", "role": "head_teacher"}]},
                today=TODAY)
    assert saved.changed and not saved.errors
    _do(lifang, drafts.finalize_visit_form, visit_id, {}, today=TODAY)
    amendment = _do(lifang, visits.amend_visit, visit_id, today=TODAY)
    _do(lifang, drafts.discard_visit_draft, amendment)
    _do(lifang, roster.set_flags, a, registered_poor=True, today=TODAY)
    _do(lifang, roster.edit_household, classroom.household_a, address="石埠村 3 队")
    _do(lifang, key_targets.flag_key_target, a, ["work"], today=TODAY)
    _do(lifang, attendance.record_absence, a, started_on=TODAY, today=TODAY)
    # A case moves the registry with it, though a teacher may not record registry changes alone.
    case_id = _do(lifang, cases.open_case, a, detected_on=TODAY, reason="work", today=TODAY)
    _do(lifang, cases.record_attempt, case_id, attempted_on=TODAY, persuaders=PERSUADERS, today=TODAY)
    _do(lifang, cases.record_outcome, case_id, "returned", outcome_on=TODAY, return_mode="regular",
        today=TODAY)
    with lifang.read() as session:
        student = session.get(Student, a)
        assert student is not None and student.registered_poor and student.status == "in_school"
        assert [c.change_type for c in registry.changes_of(session, a)] == ["dropout", "resumption"]
        case = session.get(DropoutCase, case_id)
        assert case is not None and case.status == "resolved"


def test_a_teacher_is_refused_a_student_they_do_not_cover_and_nothing_is_written(
        database: Database, lifang: Database, classroom: Classroom) -> None:
    b = classroom.b.id
    # Records of B that others made: a draft visit, a finalized one, an open case, an absence.
    draft = _do(database, visits.start_visit, b, visited_on=TODAY, today=TODAY)
    final = _do(database, visits.start_visit, b, visited_on=TODAY, today=TODAY, purpose="routine",
                family_situation="务工", visitors=[{"name": "王强"}])
    _do(database, visits.finalize_visit, final)
    absence_id = _do(database, attendance.record_absence, b, started_on=TODAY, today=TODAY)
    case_id = _do(database, cases.open_case, b, detected_on=TODAY, reason="work", today=TODAY)
    with lifang.read() as session:
        assert not access.may_edit_student(session, b)
        refusal = access.edit_refusal(session, b)
    assert refusal is not None and refusal.student_ids == (b,)
    assert refusal.zh == ("黄小红 不由你包保（包保责任人中没有“李芳”），你可以查看，但不能修改。"
                          "请管理员在学生的“包保责任人”中添加你，或请包保老师修改。")
    assert "You do not cover 黄小红" in refusal.en and "Who covers the student" in refusal.en
    error = _refused(lifang, visits.start_visit, b, visited_on=TODAY, today=TODAY)
    assert str(error) == refusal.zh and isinstance(error, PermissionDenied)
    _refused(lifang, drafts.autosave_visit, draft, {"family_situation": "李芳打的字", "follow_up_on": "明天"},
             today=TODAY)
    with lifang.read() as session:  # not even the local scratch keeps the refused input
        assert drafts.scratch_of(session, drafts.VISIT_KIND, draft) == {}
    _refused(lifang, drafts.finalize_visit_form, draft, {"family_situation": "x"}, today=TODAY)
    _refused(lifang, drafts.discard_visit_draft, draft)
    _refused(lifang, visits.add_attachment, draft, "photo", b"jpeg", "image/jpeg")
    _refused(lifang, visits.amend_visit, final, today=TODAY)
    _refused(lifang, roster.edit_student, b, class_name="3班", today=TODAY)
    _refused(lifang, roster.set_flags, b, registered_poor=True, today=TODAY)
    _refused(lifang, roster.delete_student, b)
    _refused(lifang, roster.edit_household, classroom.household_b, address="x")
    _refused(lifang, roster.add_member, roster.MemberInput(classroom.household_b, "黄大海"))
    _refused(lifang, cases.open_case, b, detected_on=TODAY, reason="work", today=TODAY)
    _refused(lifang, cases.record_attempt, case_id, attempted_on=TODAY, persuaders=PERSUADERS, today=TODAY)
    _refused(lifang, cases.record_outcome, case_id, "returned", outcome_on=TODAY, return_mode="regular",
             today=TODAY)
    _refused(lifang, cases.record_follow_up, case_id, followed_on=TODAY, in_school=True, today=TODAY)
    _refused(lifang, cases.close_case, case_id, closed_on=TODAY, today=TODAY)
    _refused(lifang, cases.mark_typical, case_id, "经过")
    _refused(lifang, key_targets.flag_key_target, b, ["work"], today=TODAY)
    _refused(lifang, key_targets.clear_key_target, b)
    _refused(lifang, attendance.record_absence, b, started_on=TODAY, today=TODAY)
    _refused(lifang, attendance.end_absence, absence_id, ended_on=TODAY, today=TODAY)
    _refused(lifang, return_checks.record_return_check, b, returned=True, checked_on=TODAY, today=TODAY)
    # The refusal comes in the language of the screen.
    set_language("en")
    assert str(_refused(lifang, roster.set_flags, b, orphan=True, today=TODAY)).startswith("You do not cover 黄小红")


def test_registry_changes_and_naming_who_covers_are_for_administrators(
        database: Database, lifang: Database, classroom: Classroom, school: School) -> None:
    a = classroom.a.id
    with database.write() as session:
        other = add_school(session, name="西乡塘区坛洛小学", school_type=SchoolType.PRIMARY)
        held = responsibility.coverage(session, a)[0].id
    for fn, args in ((registry.record_change, (a, "class_change", TODAY)),
                     (registry.move_school, (a, other.id, TODAY)),
                     (responsibility.assign, (a, ResponsibilityRole.STUDENT_TEACHER, "李芳")),
                     (responsibility.unassign, (held,))):
        with unchanged(database), pytest.raises(PermissionDenied) as caught, lifang.write() as session:
            fn(session, *args, to_class="3班") if fn is registry.record_change else fn(session, *args)
        assert "只有管理员可以" in str(caught.value) and not isinstance(caught.value, NotCovered)


def test_an_administrator_edits_every_student(database: Database, classroom: Classroom) -> None:
    b = classroom.b.id
    with database.read() as session:
        assert access.session_role(session) is UserRole.SCHOOL_ADMIN and access.may_edit_student(session, b)
        assert access.uncovered_students(session, [classroom.a.id, b]) == []
    visit_id = _do(database, visits.start_visit, b, visited_on=TODAY, today=TODAY)
    _do(database, drafts.autosave_visit, visit_id, {"family_situation": "务工"}, today=TODAY)
    case_id = _do(database, cases.open_case, b, detected_on=TODAY, reason="work", today=TODAY)
    _do(database, cases.record_attempt, case_id, attempted_on=TODAY, persuaders=PERSUADERS, today=TODAY)
    _do(database, roster.set_flags, b, orphan=True, today=TODAY)
    _do(database, roster.edit_household, classroom.household_b, address="坛洛镇")
    _do(database, registry.record_change, classroom.a.id, "class_change", TODAY, to_class="3班")
    _do(database, responsibility.assign, b, ResponsibilityRole.STUDENT_TEACHER, "李芳")


def test_work_no_user_started_is_never_refused(database: Database, classroom: Classroom) -> None:
    with database.sessions() as session:  # as the sync and the tests' own setup open them: no user
        assert access.session_role(session) is None
        assert access.may_edit_student(session, classroom.b.id)
        access.require_may_edit_students(session, [classroom.a.id, classroom.b.id], zh_action="x", en_action="x")


def test_who_covers_is_matched_by_name_school_and_education_line(
        database: Database, classroom: Classroom, school: School, data_dir: Path) -> None:
    with database.write() as session:
        other = add_school(session, name="西乡塘区坛洛小学", school_type=SchoolType.PRIMARY)
    accounts = {"lifang_elsewhere": ("李芳", other.id),  # a namesake at another school
                "wangqiang": ("王强", school.id), "wangqiang_any": ("王强", None),
                "teacher9": ("teacher9", school.id)}  # a display name that is no one's name
    for username, (shown, school_id) in accounts.items():
        add_user(database, username=username, password=COVERING_PASSWORD, role=UserRole.TEACHER,
                 display_name=shown, school_id=school_id)
    seen: dict[str, list[str]] = {}
    for username in accounts:
        opened = sign_in(data_dir, username, COVERING_PASSWORD)
        try:
            with opened.read() as session:
                if username == "wangqiang_any":  # an account of no school (rolled back below): the name decides
                    session.get(User, opened.user.id).school_id = None  # type: ignore[union-attr]
                seen[username] = [s.name for s in (classroom.a, classroom.b)
                                  if access.may_edit_student(session, s.id)]
                session.rollback()
        finally:
            opened.close()
    assert seen == {"lifang_elsewhere": [], "wangqiang": ["黄小红"], "wangqiang_any": ["黄小红"], "teacher9": []}
    # Named on the education line, the namesake of the other school still does not cover the student.
    with database.write() as session:
        responsibility.assign(session, classroom.b.id, ResponsibilityRole.STUDENT_TEACHER, "李芳")
    opened = sign_in(data_dir, "lifang_elsewhere", COVERING_PASSWORD)
    try:
        with opened.read() as session:
            assert not access.may_edit_student(session, classroom.b.id)
    finally:
        opened.close()


def test_a_class_return_check_is_refused_whole_naming_every_student_not_covered(
        database: Database, lifang: Database, classroom: Classroom, school: School) -> None:
    a, b = classroom.a.id, classroom.b.id
    with database.write() as session:
        c = roster.add_student(session, make_student_input(school.id, name="覃𰻝", sequence=31),  # type: ignore[arg-type]
                               today=TODAY).id
    entries = [CheckEntry(a, True), CheckEntry(b, False, "work"), CheckEntry(c, True)]
    error = _refused(lifang, class_checks.record_class_check, entries, checked_on=TODAY, term="autumn",
                     open_cases=True, today=TODAY)
    assert error.student_ids == (b, c) and error.field == b
    assert str(error).startswith("黄小红、覃𰻝不由你包保，这次返校核查没有写入任何记录。")
    # The students the teacher covers: recorded, with a case for the one not back.
    with database.write() as session:
        responsibility.assign(session, b, ResponsibilityRole.STUDENT_TEACHER, "李芳")
    result = _do(lifang, class_checks.record_class_check, entries[:2], checked_on=TODAY, term="autumn",
                 open_cases=True, today=TODAY)
    assert result.recorded == 2 and len(result.opened_case_ids) == 1
    # An administrator checks the whole class.
    assert _do(database, class_checks.record_class_check, entries, checked_on=TODAY, term="autumn",
               open_cases=True, today=TODAY).recorded == 3


def test_the_refusal_survives_the_trip_back_from_a_worker() -> None:
    error = NotCovered("不由你包保", "not yours", field="s1", student_ids=("s1", "s2"))
    again = pickle.loads(pickle.dumps(error))
    assert isinstance(again, NotCovered) and again.student_ids == ("s1", "s2") and again.field == "s1"
    assert again.zh == "不由你包保"


def test_a_teachers_laptop_applies_everyone_elses_edits(database: Database, classroom: Classroom,
                                                         tmp_path: Path) -> None:
    """The sync writes what other laptops recorded, whoever covers the students and whoever is signed in."""
    from sync.engine import sync_folder

    share = tmp_path / "share"
    share.mkdir()
    laptop = create_folder(tmp_path / "b", username="admin-b", password=PASSWORD)
    try:
        sync_folder(database, share, "石埠小学-共享-2026")
        sync_folder(laptop, share, "石埠小学-共享-2026")
        add_user(laptop, username="lifang", password=COVERING_PASSWORD, role=UserRole.TEACHER, display_name="李芳")
    finally:
        laptop.close()
    b = classroom.b.id
    visit_id = _do(database, visits.start_visit, b, visited_on=TODAY, today=TODAY, family_situation="务工")
    case_id = _do(database, cases.open_case, b, detected_on=TODAY, reason="work", today=TODAY)
    _do(database, cases.record_attempt, case_id, attempted_on=TODAY, persuaders=PERSUADERS, today=TODAY)
    _do(database, roster.set_flags, b, orphan=True, today=TODAY)
    sync_folder(database, share)
    teachers = sign_in(tmp_path / "b", "lifang", COVERING_PASSWORD)
    try:
        with teachers.read() as session:
            assert access.session_role(session) is UserRole.TEACHER and not access.may_edit_student(session, b)
        result = sync_folder(teachers, share)
        assert result.ok and result.received_ops > 0
        with teachers.read() as session:
            assert session.get(Visit, visit_id) is not None
            assert len(cases.attempts_of(session, case_id)) == 1
            student = session.get(Student, b)
            assert student is not None and student.orphan and student.status == "dropped_out"
    finally:
        teachers.close()
