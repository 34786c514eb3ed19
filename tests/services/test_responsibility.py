"""双线四包: who covers a student on each line; one holder per role; a class named at once (assign_many)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.domain.codes import ResponsibilityRole, Sex, UserRole
from app.domain.errors import NotFoundError, PermissionDenied, ValidationError
from app.services import access, responsibility, roster
from app.services.signin import sign_in
from app.services.users import add_user
from app.store import oplog
from app.store.db import Database
from app.store.models import Op, Responsibility, School, Student
from tests.conftest import TODAY, make_student_input
from tests.services.support import unchanged

TEACHER_PASSWORD = "lifang-pass-1"


def rows(database: Database) -> list[tuple[str, str, str, str | None, str | None, bool]]:
    with database.read() as session:
        return sorted((r.line, r.role, r.person_name, r.unit, r.phone, r.deleted)
                      for r in session.scalars(select(Responsibility)))


def test_assign_stores_the_role_on_its_line(database: Database, student: Student) -> None:
    with database.write() as session:
        duty_id = responsibility.assign(session, student.id, "包班", " 黄老师 ", unit="石埠小学",
                                        phone="138 7711 0001").id
    with database.read() as session:
        duty = session.get(Responsibility, duty_id)
        assert duty is not None
        assert (duty.student_id, duty.scope, duty.line, duty.role) == (
            student.id, student.school_id, "education", "class")
        assert (duty.person_name, duty.unit, duty.phone) == ("黄老师", "石埠小学", "13877110001")
        assert oplog.compare_with_log(session) == []


def test_both_lines_are_covered_government_first(database: Database, student: Student) -> None:
    with database.write() as session:
        responsibility.assign(session, student.id, ResponsibilityRole.STUDENT_TEACHER, "黄老师")
        responsibility.assign(session, student.id, ResponsibilityRole.VILLAGE_CADRE, "韦𰻝", unit="石埠村委")
        responsibility.assign(session, student.id, "乡镇长", "陆镇长")
        responsibility.assign(session, student.id, ResponsibilityRole.AREA_LEADER, "蒙校长")
    with database.read() as session:
        covered = [(r.line, r.role, r.person_name) for r in responsibility.coverage(session, student.id)]
    assert covered == [("government", "township_head", "陆镇长"), ("government", "village", "韦𰻝"),
                       ("education", "area", "蒙校长"), ("education", "student", "黄老师")]


def test_assigning_a_held_role_replaces_the_holder(database: Database, student: Student) -> None:
    with database.write() as session:
        first_id = responsibility.assign(session, student.id, "class", "黄老师", phone="13877110001").id
    with database.write() as session:
        second_id = responsibility.assign(session, student.id, "class", "覃老师").id
    assert second_id == first_id
    assert rows(database) == [("education", "class", "覃老师", None, None, False)]


def test_unassign_marks_the_row_deleted_and_a_new_holder_gets_a_new_row(database: Database,
                                                                        student: Student) -> None:
    with database.write() as session:
        duty_id = responsibility.assign(session, student.id, "class", "黄老师").id
    with database.write() as session:
        responsibility.unassign(session, duty_id)
    with database.read() as session:
        assert responsibility.coverage(session, student.id) == []
    with database.write() as session:
        new_id = responsibility.assign(session, student.id, "class", "覃老师").id
    assert new_id != duty_id
    assert rows(database) == [("education", "class", "覃老师", None, None, False),
                              ("education", "class", "黄老师", None, None, True)]
    with unchanged(database), pytest.raises(NotFoundError) as err, database.write() as session:
        responsibility.unassign(session, duty_id)
    assert "找不到包保责任" in err.value.zh


def test_unknown_student_or_role_is_refused(database: Database, student: Student) -> None:
    with unchanged(database), pytest.raises(NotFoundError) as err, database.write() as session:
        responsibility.assign(session, "no-student", "class", "黄老师")
    assert "找不到学生" in err.value.zh
    with unchanged(database), pytest.raises(ValidationError) as err2, database.write() as session:
        responsibility.assign(session, student.id, "包县", "黄老师")
    assert "包保职责" in err2.value.zh and "包县" in err2.value.zh


def test_bad_phone_name_or_unit_is_refused(database: Database, student: Student) -> None:
    with database.write() as session:
        responsibility.assign(session, student.id, "class", "黄老师")
    before = rows(database)
    for kwargs, field, phrase in (({"phone": "7711"}, "phone", "电话号码「7711」格式不对"),
                                  ({"unit": "单" * 81}, "unit", "单位太长")):
        values: dict[str, Any] = {"person_name": "覃老师", **kwargs}
        with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
            responsibility.assign(session, student.id, "class", **values)
        assert err.value.field == field and phrase in err.value.zh
    assert rows(database) == before


def test_an_empty_person_name_is_refused(database: Database, student: Student) -> None:
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        responsibility.assign(session, student.id, "class", "  ")
    assert "请填写姓名" in err.value.zh


def test_an_empty_person_name_names_the_person_name_field(database: Database, student: Student) -> None:
    with pytest.raises(ValidationError) as err, database.write() as session:
        responsibility.assign(session, student.id, "class", "  ")
    assert err.value.field == "person_name"


# ----------------------------------------------------------------------------- a class at once (assign_many)
@pytest.fixture
def classmates(database: Database, school: School, student: Student) -> list[str]:
    """Three students of one class: 韦小明, 黄小红, 陆小刚."""
    with database.write() as session:
        others = [roster.add_student(session, make_student_input(  # type: ignore[arg-type]
            school.id, name=name, sequence=sequence, sex=sex), today=TODAY).id
            for name, sequence, sex in (("黄小红", 21, Sex.FEMALE), ("陆小刚", 31, Sex.MALE))]
    return [student.id, *others]


@pytest.fixture
def lifang(database: Database, school: School, data_dir: Path) -> Iterator[Database]:
    """李芳's teacher account at the school, signed in on the same laptop."""
    add_user(database, username="lifang", password=TEACHER_PASSWORD, role=UserRole.TEACHER, display_name="李芳",
             school_id=school.id)
    opened = sign_in(data_dir, "lifang", TEACHER_PASSWORD)
    yield opened
    opened.close()


def by_student(database: Database, role: str) -> dict[str, tuple[str, str, str | None, str | None]]:
    """student id -> (row id, person, unit, phone) of the live holders of ``role``."""
    with database.read() as session:
        return {r.student_id: (r.id, r.person_name, r.unit, r.phone) for r in session.scalars(
            select(Responsibility).where(Responsibility.role == role, Responsibility.deleted.is_(False)))}


def op_count(database: Database) -> int:
    with database.read() as session:
        return session.scalar(select(func.count()).select_from(Op)) or 0


def test_assign_many_names_the_person_for_every_student_replacing_earlier_holders(
        database: Database, classmates: list[str]) -> None:
    first, second, third = classmates
    with database.write() as session:
        earlier = responsibility.assign(session, first, "class", "黄老师", phone="13877110001").id
        kept = responsibility.assign(session, second, "student", "覃老师").id
    before = op_count(database)
    with database.write() as session:
        named = responsibility.assign_many(session, [first, second, third, first], "包班", " 李 芳 ",
                                           unit="石埠小学", phone="138 7711 0002")
    assert named == 3  # each student once, however often listed
    held = by_student(database, "class")
    assert sorted(held) == sorted(classmates)
    assert {value[1:] for value in held.values()} == {("李 芳", "石埠小学", "13877110002")}
    assert held[first][0] == earlier  # replaced in place, as assign does: one holder per role
    assert by_student(database, "student") == {second: (kept, "覃老师", None, None)}  # another role stays
    assert op_count(database) > before
    with database.read() as session:
        assert oplog.compare_with_log(session) == []
        assert [(r.line, r.role) for r in responsibility.coverage(session, third)] == [("education", "class")]


def test_assign_many_validates_once_and_writes_nothing_when_anything_is_wrong(
        database: Database, classmates: list[str]) -> None:
    for role, name, kwargs, error, field in (
            ("class", "  ", {}, ValidationError, "person_name"),
            ("class", "李芳", {"phone": "7711"}, ValidationError, "phone"),
            ("class", "李芳", {"unit": "单" * 81}, ValidationError, "unit"),
            ("包县", "李芳", {}, ValidationError, None)):
        with unchanged(database), pytest.raises(error) as caught, database.write() as session:
            responsibility.assign_many(session, classmates, role, name, **kwargs)
        assert caught.value.field == field
    with unchanged(database), pytest.raises(NotFoundError) as missing, database.write() as session:
        responsibility.assign_many(session, [*classmates, "no-student"], "class", "李芳")
    assert "找不到学生" in missing.value.zh and "no-student" in missing.value.zh
    with database.write() as session:
        assert responsibility.assign_many(session, [], "class", "李芳") == 0


def test_assign_many_is_for_administrators(database: Database, lifang: Database,
                                           classmates: list[str]) -> None:
    with unchanged(database), pytest.raises(PermissionDenied) as caught, lifang.write() as session:
        responsibility.assign_many(session, classmates, "class", "李芳")
    assert "只有管理员可以指定包保责任人" in caught.value.zh


def test_a_teacher_named_for_a_class_may_then_edit_its_students(database: Database, lifang: Database,
                                                                classmates: list[str]) -> None:
    with lifang.read() as session:
        assert not any(access.may_edit_student(session, student_id) for student_id in classmates)
    with database.write() as session:
        responsibility.assign_many(session, classmates[:2], ResponsibilityRole.CLASS_TEACHER, "李芳")
    with lifang.read() as session:
        assert [access.may_edit_student(session, student_id) for student_id in classmates] == [True, True, False]
        assert access.uncovered_students(session, classmates) == [classmates[2]]
