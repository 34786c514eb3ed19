"""学籍异动: registry changes move a student's status, school, grade and class, and refuse impossible moves."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.domain.codes import RegistryChangeType, SchoolType
from app.domain.errors import LifecycleError, NotFoundError, ValidationError
from app.services import places, registry
from app.store import oplog
from app.store.db import Database
from app.store.models import RegistryChange, School, Student
from tests.services.support import unchanged

TODAY_TEXT = "2026-11-29"




def change(database: Database, student_id: str, kind: RegistryChangeType | str, on: date | str = date(2026, 11, 2),
           **kwargs: Any) -> str:
    with database.write() as session:
        return registry.record_change(session, student_id, kind, on, **kwargs).id


def read_student(database: Database, student_id: str) -> Student:
    with database.read() as session:
        found = session.get(Student, student_id)
        assert found is not None
        return found


def refused(database: Database, error: type[Exception], student_id: str, kind: RegistryChangeType | str,
            on: date | str = date(2026, 11, 2), **kwargs: Any) -> pytest.ExceptionInfo[Any]:
    with unchanged(database), pytest.raises(error) as err:
        change(database, student_id, kind, on, **kwargs)
    return err


@pytest.fixture
def other_school(database: Database) -> School:
    with database.write() as session:
        return places.add_school(session, name="西乡塘区北湖小学", school_type=SchoolType.PRIMARY)


def test_dropout_records_the_change_and_the_status(database: Database, student: Student) -> None:
    change_id = change(database, student.id, "辍学", "2026-10-08", reason="外出务工")
    with database.read() as session:
        record = session.get(RegistryChange, change_id)
        assert record is not None
        assert (record.change_type, record.effective_on, record.from_status, record.to_status) == (
            "dropout", date(2026, 10, 8), "in_school", "dropped_out")
        assert (record.from_school_id, record.to_school_id, record.from_grade, record.to_grade) == (
            student.school_id, student.school_id, 4, 4)
        assert (record.student_id, record.scope, record.reason) == (student.id, student.school_id, "外出务工")
        assert oplog.compare_with_log(session) == []
    assert read_student(database, student.id).status == "dropped_out"


def test_resumption_after_dropout_puts_the_student_back(database: Database, student: Student) -> None:
    change(database, student.id, RegistryChangeType.DROPOUT, date(2026, 10, 8))
    change(database, student.id, RegistryChangeType.RESUMPTION, date(2026, 11, 2))
    assert read_student(database, student.id).status == "in_school"
    with database.read() as session:
        assert [(c.change_type, c.to_status) for c in registry.changes_of(session, student.id)] == [
            ("dropout", "dropped_out"), ("resumption", "in_school")]


@pytest.mark.parametrize(("kind", "status"), [("suspension", "suspended"), ("death", "deceased"),
                                              ("graduation", "graduated"), ("transfer_out", "transferred_out")])
def test_status_changes_from_in_school(database: Database, student: Student, kind: str, status: str) -> None:
    change(database, student.id, kind)
    assert read_student(database, student.id).status == status


def test_promotion_and_repeat_move_the_grade(database: Database, student: Student) -> None:
    promotion = change(database, student.id, "升级")
    assert read_student(database, student.id).grade == 5
    repeat = change(database, student.id, "留级")
    assert read_student(database, student.id).grade == 5
    with database.read() as session:
        assert (session.get(RegistryChange, promotion).from_grade,  # type: ignore[union-attr]
                session.get(RegistryChange, promotion).to_grade) == (4, 5)  # type: ignore[union-attr]
        assert session.get(RegistryChange, repeat).to_grade == 5  # type: ignore[union-attr]
    assert read_student(database, student.id).status == "in_school"


def test_promotion_of_a_grade_nine_student_is_refused(database: Database, student: Student) -> None:
    change(database, student.id, "class_change", to_grade=9, to_class="1班")
    err = refused(database, ValidationError, student.id, "promotion")
    assert err.value.field == "to_grade" and "请记录“毕业”" in err.value.zh


def test_class_change_needs_the_new_class(database: Database, student: Student) -> None:
    err = refused(database, ValidationError, student.id, "调班")
    assert err.value.field == "to_class" and "调班需要填写新班级" in err.value.zh
    change(database, student.id, "调班", to_class=" 5班 ")
    stored = read_student(database, student.id)
    assert (stored.class_name, stored.grade, stored.status) == ("5班", 4, "in_school")


def test_to_grade_outside_one_to_nine_is_refused(database: Database, student: Student) -> None:
    err = refused(database, ValidationError, student.id, "class_change", to_grade=10, to_class="1班")
    assert err.value.field == "to_grade" and "应为 1–9" in err.value.zh


@pytest.mark.parametrize(("kind", "expected"), [("resumption", "在校"), ("transfer_in", "在校")])
def test_a_change_impossible_from_the_current_status_is_refused(database: Database, student: Student, kind: str,
                                                               expected: str) -> None:
    err = refused(database, LifecycleError, student.id, kind)
    assert f"学生当前为「{expected}」，不能办理" in err.value.zh and err.value.field == "change"


def test_nothing_can_be_registered_for_a_deceased_student(database: Database, student: Student) -> None:
    change(database, student.id, "death")
    for kind in ("resumption", "dropout", "class_change"):
        err = refused(database, LifecycleError, student.id, kind, to_class="1班")
        assert "学生已死亡注销" in err.value.zh


def test_only_a_transfer_in_changes_the_school(database: Database, student: Student, other_school: School) -> None:
    err = refused(database, ValidationError, student.id, "class_change", to_school_id=other_school.id,
                  to_class="1班")
    assert err.value.field == "to_school_id" and "只有“转入”可以更换学校" in err.value.zh


def test_transfer_in_needs_a_known_school(database: Database, student: Student) -> None:
    change(database, student.id, "transfer_out")
    err = refused(database, ValidationError, student.id, "transfer_in")
    assert err.value.field == "to_school_id" and "转入需要选择转入的学校" in err.value.zh
    err2 = refused(database, NotFoundError, student.id, "transfer_in", to_school_id="no-school")
    assert "找不到学校" in err2.value.zh


def test_bad_dates_and_codes_are_refused(database: Database, student: Student) -> None:
    err = refused(database, ValidationError, student.id, "dropout", "2026-02-30")
    assert err.value.field == "effective_on" and "异动日期" in err.value.zh and "不是有效日期" in err.value.zh
    err = refused(database, ValidationError, student.id, "开除")
    assert "学籍异动类型" in err.value.zh and "开除" in err.value.zh
    err2 = refused(database, NotFoundError, "no-student", "dropout")
    assert "找不到学生" in err2.value.zh


def test_move_school_records_transfer_out_and_in(database: Database, student: Student,
                                                 other_school: School) -> None:
    with database.write() as session:
        transfer_in_id = registry.move_school(session, student.id, other_school.id, "2026-11-02",
                                              reason="随父母迁居").id
    stored = read_student(database, student.id)
    assert (stored.school_id, stored.scope, stored.status, stored.grade) == (
        other_school.id, other_school.id, "in_school", 4)
    with database.read() as session:
        changes = registry.changes_of(session, student.id)
        assert [(c.change_type, c.from_school_id, c.to_school_id, c.from_status, c.to_status, c.scope)
                for c in changes] == [
            ("transfer_out", student.school_id, student.school_id, "in_school", "transferred_out", student.school_id),
            ("transfer_in", student.school_id, other_school.id, "transferred_out", "in_school", other_school.id)]
        assert changes[1].id == transfer_in_id
        assert {c.reason for c in changes} == {"随父母迁居"}
        assert oplog.compare_with_log(session) == []


def test_move_school_to_the_same_school_is_refused(database: Database, student: Student) -> None:
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        registry.move_school(session, student.id, student.school_id, TODAY_TEXT)
    assert err.value.field == "to_school_id" and "学生已在这所学校" in err.value.zh


def test_move_school_to_an_unknown_school_is_refused(database: Database, student: Student) -> None:
    with unchanged(database), pytest.raises(NotFoundError) as err, database.write() as session:
        registry.move_school(session, student.id, "no-school", TODAY_TEXT)
    assert "找不到学校" in err.value.zh


def test_move_school_of_a_deceased_student_is_refused(database: Database, student: Student,
                                                      other_school: School) -> None:
    change(database, student.id, "death")
    with unchanged(database), pytest.raises(LifecycleError) as err, database.write() as session:
        registry.move_school(session, student.id, other_school.id, TODAY_TEXT)
    assert "学生已死亡注销，不能再办理「转出」" in err.value.zh
    assert read_student(database, student.id).school_id == student.school_id

