"""双线四包: who covers a student on each line; one holder per role."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from app.domain.codes import ResponsibilityRole
from app.domain.errors import NotFoundError, ValidationError
from app.services import responsibility
from app.store import oplog
from app.store.db import Database
from app.store.models import Responsibility, Student
from tests.services.support import unchanged


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
