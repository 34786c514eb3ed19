"""Students, households and household members: what is stored, and what a bad input leaves behind (nothing)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from typing import Any, cast

import pytest
from sqlalchemy import func, select

from app.domain.codes import Sex
from app.domain.errors import NotFoundError, ValidationError
from app.domain.identity import id_check_char, make_id_number
from app.services import roster
from app.services.exchange import export_json
from app.services.roster import BatchError, HouseholdInput, MemberInput, StudentInput
from app.store import oplog
from app.store.db import Database
from app.store.models import Household, HouseholdMember, School, Student
from tests.conftest import TODAY, birth_for_grade, make_student_input
from tests.services.support import unchanged


def make_input(school_id: str, **kwargs: Any) -> StudentInput:
    return cast(StudentInput, make_student_input(school_id, **kwargs))




def student_count(database: Database) -> int:
    with database.read() as session:
        return session.scalar(select(func.count()).select_from(Student)) or 0


def add_one(database: Database, inp: StudentInput) -> str:
    with database.write() as session:
        return roster.add_student(session, inp, today=TODAY).id


def refused(database: Database, inp: StudentInput,
            error: type[Exception] = ValidationError) -> pytest.ExceptionInfo[Any]:
    """Adding ``inp`` fails with ``error`` and leaves the store exactly as it was."""
    with unchanged(database), pytest.raises(error) as err:
        add_one(database, inp)
    return err


# ----------------------------------------------------------------------------- adding students
def test_add_student_stores_every_field(database: Database, school: School) -> None:
    birth = birth_for_grade(4)
    id_number = make_id_number("450107", birth, 11)
    student_id = add_one(database, make_input(
        school.id, student_number="G" + id_number, ethnicity="壮", registered_poor=True, left_behind="双亲外出",
        disability_type="肢体", disability_grade="2", boarding="住校", migrant=True))
    with database.read() as session:
        student = session.get(Student, student_id)
        assert student is not None
        assert (student.name, student.name_initials, student.sex, student.birth_date) == ("韦小明", "wxm", "1", birth)
        assert (student.id_type, student.id_number, student.student_number) == ("1", id_number, "G" + id_number)
        assert (student.school_id, student.scope, student.grade, student.class_name, student.status) == (
            school.id, school.id, 4, "2班", "in_school")
        assert (student.ethnicity, student.registered_poor, student.left_behind) == ("08", True, "2")
        assert (student.disability_type, student.disability_grade, student.boarding) == ("4", "2", "boarding")
        assert (student.migrant, student.orphan, student.martyr_family, student.deleted) == (True, False, False, False)
        assert oplog.compare_with_log(session) == []


def test_id_number_is_normalized_and_gives_the_birth_date(database: Database, school: School) -> None:
    birth = birth_for_grade(4)
    number = make_id_number("450107", birth, 19)
    assert number.endswith("X")
    typed = " " + number[:9] + " " + number[9:-1] + "x "  # spaces and a lowercase x, as typed from a card
    student_id = add_one(database, make_input(school.id, id_number=typed, birth_date=None, sequence=19))
    with database.read() as session:
        student = session.get(Student, student_id)
        assert student is not None
        assert student.id_number == number
        assert student.birth_date == birth


@pytest.mark.parametrize(("name", "initials"), [("韦𰻝", "wb"), ("覃𰻝明", "qbm"), ("黄 丽", "hl")])
def test_names_outside_the_bmp_survive_and_get_initials(database: Database, school: School, name: str,
                                                        initials: str) -> None:
    student_id = add_one(database, make_input(school.id, name=name))
    with database.read() as session:
        student = session.get(Student, student_id)
        assert student is not None
        assert student.name == name
        assert student.name_initials == initials
        # Found by name and by initials, as the search does.
        assert session.scalars(select(Student.id).where(Student.name == name)).all() == [student_id]
        assert session.scalars(select(Student.id).where(Student.name_initials == initials)).all() == [student_id]
    out = io.StringIO()
    with database.read() as session:
        export_json(session, out)
    assert name in out.getvalue()


def test_student_without_a_resident_id_keeps_the_document_as_typed(database: Database, school: School) -> None:
    student_id = add_one(database, make_input(school.id, id_type="护照", id_number=" e1234567 "))
    with database.read() as session:
        student = session.get(Student, student_id)
        assert student is not None and (student.id_type, student.id_number) == ("A", "E1234567")


def test_g_plus_a_passport_number_is_not_a_student_number(database: Database, school: School) -> None:
    err = refused(database, make_input(school.id, id_type="护照", id_number="E1234567", student_number="GE1234567"))
    assert err.value.field == "student_number"


def test_a_dropped_out_student_may_be_registered_at_any_compulsory_grade(database: Database, school: School) -> None:
    student_id = add_one(database, make_input(school.id, id_number=None, status="辍学", grade=9,
                                                      birth_date=date(2011, 5, 1)))
    with database.read() as session:
        student = session.get(Student, student_id)
        assert student is not None and (student.status, student.grade) == ("dropped_out", 9)


# ----------------------------------------------------------------------------- refused students
def test_id_with_a_wrong_check_character_is_refused(database: Database, school: School) -> None:
    good = make_id_number("450107", birth_for_grade(4), 11)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    err = refused(database, make_input(school.id, id_number=bad))
    assert err.value.field == "id_number"
    assert "校验位不对" in err.value.zh and f"应为 {good[-1]}" in err.value.zh
    assert student_count(database) == 0


def test_id_with_an_impossible_birth_date_is_refused(database: Database, school: School) -> None:
    first17 = "45010720150230011"
    err = refused(database, make_input(school.id, id_number=first17 + id_check_char(first17),
                                               birth_date=None))
    assert err.value.field == "id_number"
    assert "2015-02-30 不存在" in err.value.zh


def test_id_disagreeing_with_the_birth_date_is_refused(database: Database, school: School) -> None:
    other_birth = date(2017, 3, 6)
    err = refused(database, make_input(school.id, id_number=make_id_number("450107", other_birth, 11)))
    assert err.value.field == "birth_date"
    assert "身份证号显示出生日期为 2017-03-06" in err.value.zh and "2017-03-05" in err.value.zh


def test_id_disagreeing_with_the_sex_is_refused(database: Database, school: School) -> None:
    boy_id = make_id_number("450107", birth_for_grade(4), 11)
    err = refused(database, make_input(school.id, sex=Sex.FEMALE, id_number=boy_id))
    assert err.value.field == "sex"
    assert "身份证号显示性别为男" in err.value.zh and "登记的是女" in err.value.zh


@pytest.mark.parametrize("with_id", [True, False])
def test_a_student_outside_compulsory_age_is_refused(database: Database, school: School, with_id: bool) -> None:
    birth = date(2000, 6, 1)
    err = refused(database, make_input(
        school.id, birth_date=birth, id_number=make_id_number("450107", birth, 11) if with_id else None))
    assert err.value.field == "birth_date"
    assert "不在义务教育年龄段" in err.value.zh and "2000-06-01" in err.value.zh


@pytest.mark.parametrize("grade", [0, 10])
def test_grade_outside_one_to_nine_is_refused(database: Database, school: School, grade: int) -> None:
    inp = replace(make_input(school.id), grade=grade)
    err = refused(database, inp)
    assert err.value.field == "grade"
    assert f"年级 {grade} 不在义务教育的 1–9 年级之内" in err.value.zh


def test_grade_that_is_not_a_number_is_refused(database: Database, school: School) -> None:
    inp = replace(make_input(school.id), grade="四年级")  # type: ignore[arg-type]
    err = refused(database, inp)
    assert err.value.field == "grade" and "应为 1–9 的数字" in err.value.zh


def test_grade_far_from_the_age_is_refused(database: Database, school: School) -> None:
    inp = replace(make_input(school.id), grade=9)
    err = refused(database, inp)
    assert err.value.field == "birth_date" and "相差太大" in err.value.zh


def test_missing_birth_date_and_id_is_refused(database: Database, school: School) -> None:
    err = refused(database, make_input(school.id, id_number=None, birth_date=None))
    assert err.value.field == "birth_date" and "请填写出生日期" in err.value.zh


def test_birth_date_that_is_not_a_date_is_refused(database: Database, school: School) -> None:
    err = refused(database, make_input(school.id, id_number=None, birth_date="2017-02-30"))
    assert err.value.field == "birth_date" and "不是有效日期" in err.value.zh


def test_missing_or_unknown_sex_is_refused(database: Database, school: School) -> None:
    err = refused(database, make_input(school.id, id_number=None, sex=""))
    assert err.value.field == "sex" and "请填写性别" in err.value.zh
    err = refused(database, make_input(school.id, id_number=None, sex="不详"))
    assert "性别" in err.value.zh and "不详" in err.value.zh


def test_name_with_digits_is_refused(database: Database, school: School) -> None:
    err = refused(database, make_input(school.id, name="韦小明2"))
    assert err.value.field == "name" and "有数字" in err.value.zh


def test_disability_grade_without_type_is_refused(database: Database, school: School) -> None:
    err = refused(database, make_input(school.id, disability_grade="1"))
    assert err.value.field == "disability_type" and "没有填写残疾类别" in err.value.zh


def test_student_number_carrying_another_id_is_refused(database: Database, school: School) -> None:
    other = make_id_number("450107", birth_for_grade(4), 13)
    err = refused(database, make_input(school.id, student_number="G" + other))
    assert err.value.field == "student_number" and "不一致" in err.value.zh


def test_duplicate_id_number_in_the_database_is_refused(database: Database, student: Student) -> None:
    err = refused(database, make_input(student.school_id, name="黄小红"))
    assert err.value.field == "id_number"
    assert f"身份证号 {student.id_number} 已属于另一名学生" in err.value.zh
    assert student_count(database) == 1


def test_duplicate_student_number_in_the_database_is_refused(database: Database, school: School) -> None:
    number = "L450107201703051234"  # temporary form: no ID, no check character
    add_one(database, make_input(school.id, id_number=None, student_number=number))
    err = refused(database, make_input(school.id, name="黄小红", id_number=None, student_number=number))
    assert err.value.field == "student_number" and "学籍号 L450107201703051234 已属于另一名学生" in err.value.zh
    assert student_count(database) == 1


def test_unknown_school_or_household_is_refused(database: Database, school: School) -> None:
    err = refused(database, make_input("no-such-school"))
    assert err.value.field == "school_id" and "找不到所填的学校" in err.value.zh
    err = refused(database, make_input(school.id, household_id="no-such-household"))
    assert err.value.field == "household_id" and "找不到所填的家庭" in err.value.zh


def test_the_id_of_a_deleted_student_can_be_used_again(database: Database, student: Student) -> None:
    with database.write() as session:
        roster.delete_student(session, student.id)
    new_id = add_one(database, make_input(student.school_id, name="韦小明"))
    with database.read() as session:
        assert session.scalars(select(Student.id).where(
            Student.id_number == student.id_number, Student.deleted.is_(False))).all() == [new_id]


# ----------------------------------------------------------------------------- batches
def test_add_students_writes_a_clean_batch(database: Database, school: School) -> None:
    inputs = [make_input(school.id, name=n, sequence=s, grade=g)
              for n, s, g in (("韦小明", 11, 4), ("黄丽", 22, 3), ("覃𰻝", 33, 7))]
    with database.write() as session:
        ids = roster.add_students(session, inputs, today=TODAY)
    assert len(ids) == 3
    with database.read() as session:
        stored = {s.id: (s.name, s.grade) for s in session.scalars(select(Student))}
    assert stored == {ids[0]: ("韦小明", 4), ids[1]: ("黄丽", 3), ids[2]: ("覃𰻝", 7)}


def test_batch_with_bad_rows_lists_each_and_writes_nothing(database: Database, school: School) -> None:
    good = make_id_number("450107", birth_for_grade(5), 23)
    inputs = [
        make_input(school.id, name="韦小明", sequence=11),
        make_input(school.id, name="黄丽", sequence=22, grade=5, id_number=good[:-1] + "0"
                           if good[-1] != "0" else good[:-1] + "1"),
        make_input(school.id, name="覃明", sequence=33, grade=3),
        replace(make_input(school.id, name="陆芳", sequence=44), grade=10),
        make_input("elsewhere", name="蒙强", sequence=55),
    ]
    with unchanged(database), pytest.raises(BatchError) as err, database.write() as session:
        roster.add_students(session, inputs, today=TODAY)
    assert [(e.index, e.field) for e in err.value.errors] == [(1, "id_number"), (3, "grade"), (4, "school_id")]
    assert "3 处错误，没有写入任何记录" in err.value.zh and "第 2 条" in err.value.zh
    assert err.value.field == "id_number"
    assert student_count(database) == 0


def test_batch_with_a_number_repeated_within_it(database: Database, school: School) -> None:
    first = make_input(school.id, name="韦小明", sequence=11)
    second = make_input(school.id, name="韦小明", sequence=11, class_name="3班")
    third = make_input(school.id, name="黄丽", sequence=22)
    with unchanged(database), pytest.raises(BatchError) as err, database.write() as session:
        roster.add_students(session, [first, third, second], today=TODAY)
    assert [(e.index, e.field) for e in err.value.errors] == [(2, "id_number")]
    assert "与第 1 条重复" in err.value.errors[0].zh


def test_batch_row_clashing_with_the_database(database: Database, student: Student) -> None:
    inputs = [make_input(student.school_id, name="黄丽", sequence=22),
              make_input(student.school_id, name="韦小明", sequence=11)]
    with unchanged(database), pytest.raises(BatchError) as err, database.write() as session:
        roster.add_students(session, inputs, today=TODAY)
    assert [(e.index, e.field) for e in err.value.errors] == [(1, "id_number")]
    assert "已属于另一名学生" in err.value.errors[0].zh


def test_new_families_make_households_guardians_and_students(database: Database, school: School) -> None:
    stored = [roster.validate_student(make_input(school.id, name=n, sequence=q), today=TODAY)
              for n, q in (("韦小明", 11), ("黄丽", 22), ("覃明", 33))]
    families = [roster.NewFamily(stored[0], HouseholdInput(scope=school.id, head_name="韦大山"), "韦大山", "父亲",
                                 "13877110000"),
                roster.NewFamily(stored[1], HouseholdInput(scope=school.id, address="那告屯 3 号")),
                roster.NewFamily(stored[2])]
    with database.write() as session:
        ids, made = roster.add_new_families(session, families)
    assert made == 2
    with database.read() as session:
        students = [session.get(Student, i) for i in ids]
        assert [s.name for s in students if s] == ["韦小明", "黄丽", "覃明"]
        first, second, third = (s.household_id for s in students if s)
        assert first and second and first != second and third is None
        members = session.scalars(select(HouseholdMember)).all()
        assert [(m.household_id, m.name, m.relation, m.phone, m.is_guardian, m.scope) for m in members] == [
            (first, "韦大山", "父亲", "13877110000", True, school.id)]
        assert session.get(Household, second).address == "那告屯 3 号"  # type: ignore[union-attr]


def test_new_families_with_a_bad_row_write_nothing(database: Database, student: Student) -> None:
    """A bad guardian's phone and an ID number already taken are both found before anything is written."""
    school_id = student.school_id
    fresh = roster.validate_student(make_input(school_id, name="黄丽", sequence=22), today=TODAY)
    taken = roster.validate_student(make_input(school_id, name="韦小明", sequence=11), today=TODAY)
    families = [roster.NewFamily(fresh, HouseholdInput(scope=school_id), "黄大", "母亲", "12345"),
                roster.NewFamily(fresh | {"id_number": None, "student_number": None},
                                 HouseholdInput(scope=school_id, head_name="覃二")),
                roster.NewFamily(taken, HouseholdInput(scope=school_id))]
    with unchanged(database), pytest.raises(BatchError) as err, database.write() as session:
        roster.add_new_families(session, families)
    assert [(e.index, e.field) for e in err.value.errors] == [(0, "phone"), (2, "id_number")]
    with unchanged(database), pytest.raises(ValueError, match="guardian"), database.write() as session:
        roster.add_new_families(session, [roster.NewFamily(fresh, guardian="黄大")])  # no household to join


# ----------------------------------------------------------------------------- editing students
def test_edit_student_changes_the_fields_and_the_initials(database: Database, student: Student) -> None:
    with database.write() as session:
        changed = roster.edit_student(session, student.id, name="黄𰻝", class_name="3班", today=TODAY)
    assert changed == ["class_name", "name", "name_initials"]
    with database.read() as session:
        stored = session.get(Student, student.id)
        assert stored is not None
        assert (stored.name, stored.name_initials, stored.class_name) == ("黄𰻝", "hb", "3班")
        assert stored.id_number == student.id_number and stored.grade == 4


def test_edit_student_with_no_real_change_writes_nothing(database: Database, student: Student) -> None:
    with unchanged(database), database.write() as session:
        assert roster.edit_student(session, student.id, class_name="2班", id_number=student.id_number,
                                   today=TODAY) == []


def test_edit_student_id_and_birth_date_together(database: Database, student: Student) -> None:
    birth = date(2017, 4, 1)
    number = make_id_number("450107", birth, 11)
    with database.write() as session:
        roster.edit_student(session, student.id, id_number=number, birth_date=birth, today=TODAY)
    with database.read() as session:
        stored = session.get(Student, student.id)
        assert stored is not None and (stored.id_number, stored.birth_date) == (number, birth)


def test_edit_student_id_alone_must_agree_with_the_birth_date(database: Database, student: Student) -> None:
    number = make_id_number("450107", date(2017, 4, 1), 11)
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        roster.edit_student(session, student.id, id_number=number, today=TODAY)
    assert err.value.field == "birth_date" and "身份证号显示出生日期为 2017-04-01" in err.value.zh


def test_edit_student_to_another_students_id_is_refused(database: Database, student: Student) -> None:
    other_id = add_one(database, make_input(student.school_id, name="黄丽", sequence=22, sex=Sex.FEMALE))
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        roster.edit_student(session, other_id, id_number=student.id_number, sex=Sex.MALE, today=TODAY)
    assert err.value.field == "id_number" and "已属于另一名学生" in err.value.zh


@pytest.mark.parametrize("change", [{"school_id": "x"}, {"status": "dropped_out"}])
def test_edit_student_refuses_school_and_status(database: Database, student: Student,
                                                change: dict[str, str]) -> None:
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        roster.edit_student(session, student.id, today=TODAY, **change)
    assert "学籍异动" in err.value.zh and err.value.field == next(iter(change))


def test_edit_student_refuses_unknown_fields_and_students(database: Database, student: Student) -> None:
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        roster.edit_student(session, student.id, nickname="小明", today=TODAY)
    assert "没有字段" in err.value.zh and "nickname" in err.value.zh
    with unchanged(database), pytest.raises(NotFoundError) as err2, database.write() as session:
        roster.edit_student(session, "no-such-student", class_name="1班", today=TODAY)
    assert "找不到学生" in err2.value.zh


def test_edit_student_grade_is_checked_against_the_age(database: Database, student: Student) -> None:
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        roster.edit_student(session, student.id, grade=10, today=TODAY)
    assert err.value.field == "grade"


def test_set_flags_stores_codes(database: Database, student: Student) -> None:
    with database.write() as session:
        changed = roster.set_flags(session, student.id, left_behind="单亲外出", registered_poor=True,
                                   disability_type="听力", disability_grade="三级", orphan=True, today=TODAY)
    assert changed == ["disability_grade", "disability_type", "left_behind", "orphan", "registered_poor"]
    with database.read() as session:
        stored = session.get(Student, student.id)
        assert stored is not None
        assert (stored.left_behind, stored.registered_poor, stored.disability_type, stored.disability_grade,
                stored.orphan) == ("1", True, "2", "3", True)


def test_set_flags_refuses_what_is_not_a_flag(database: Database, student: Student) -> None:
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        roster.set_flags(session, student.id, name="别人", today=TODAY)
    assert "不能作为标记修改" in err.value.zh
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        roster.set_flags(session, student.id, left_behind="9", today=TODAY)
    assert "留守儿童" in err.value.zh


def test_delete_student_keeps_the_row_marked_deleted(database: Database, student: Student) -> None:
    with database.write() as session:
        roster.delete_student(session, student.id)
    with database.read() as session:
        stored = session.get(Student, student.id)
        assert stored is not None and stored.deleted is True
        with pytest.raises(NotFoundError):
            roster.edit_student(session, student.id, class_name="1班", today=TODAY)
    with unchanged(database), pytest.raises(NotFoundError), database.write() as session:
        roster.delete_student(session, student.id)


def test_student_dict_round_trips(database: Database, student: Student) -> None:
    with database.read() as session:
        stored = session.get(Student, student.id)
        assert stored is not None
        values = roster.student_dict(stored)
    assert values["name"] == "韦小明" and values["id_number"] == student.id_number and values["grade"] == 4
    assert "extra" not in values
    assert roster.validate_student(StudentInput(**values), today=TODAY)["name_initials"] == "wxm"


# ----------------------------------------------------------------------------- households and members
def test_add_household_normalizes_its_fields(database: Database, school: School) -> None:
    with database.write() as session:
        household_id = roster.add_household(session, HouseholdInput(
            scope=school.id, head_name=" 韦大山 ", address="石埠村那告屯 12 号", phone="138 7711 0000",
            household_type="农业户口", registration_place="广西南宁", hardship=["低保", "建档立卡", "dibao"])).id
    with database.read() as session:
        household = session.get(Household, household_id)
        assert household is not None
        assert (household.scope, household.head_name, household.phone, household.household_type) == (
            school.id, "韦大山", "13877110000", "1")
        assert household.hardship == ["dibao", "registered_poor"]
        assert (household.address, household.registration_place, household.notes) == (
            "石埠村那告屯 12 号", "广西南宁", None)


def test_add_households_batch_refuses_a_bad_row_and_writes_nothing(database: Database, school: School) -> None:
    inputs = [HouseholdInput(scope=school.id, head_name="韦大山"),
              HouseholdInput(scope=school.id, head_name="黄二", phone="12345"),
              HouseholdInput(scope=school.id, hardship=["富裕"])]
    with unchanged(database), pytest.raises(BatchError) as err, database.write() as session:
        roster.add_households(session, inputs)
    assert [(e.index, e.field) for e in err.value.errors] == [(1, "phone"), (2, None)]
    assert "电话号码「12345」格式不对" in err.value.errors[0].zh
    assert "困难类别" in err.value.errors[1].zh


def test_add_households_writes_all_rows(database: Database, school: School) -> None:
    with database.write() as session:
        ids = roster.add_households(session, [HouseholdInput(scope=school.id, head_name="韦大山"),
                                              HouseholdInput(scope=school.id)])
    with database.read() as session:
        assert {h.id: h.head_name for h in session.scalars(select(Household))} == {ids[0]: "韦大山", ids[1]: None}


def test_bad_head_name_names_the_head_name_field(database: Database, school: School) -> None:
    with pytest.raises(ValidationError) as err, database.write() as session:
        roster.add_household(session, HouseholdInput(scope=school.id, head_name="韦大山3"))
    assert err.value.field == "head_name"


def test_edit_household_changes_only_what_is_given(database: Database, school: School) -> None:
    with database.write() as session:
        household_id = roster.add_household(session, HouseholdInput(
            scope=school.id, head_name="韦大山", address="那告屯", hardship=["dibao"])).id
    with database.write() as session:
        changed = roster.edit_household(session, household_id, phone="0771-3456789", hardship=["特困", "低保"])
    assert changed == ["hardship", "phone"]
    with database.read() as session:
        household = session.get(Household, household_id)
        assert household is not None
        assert (household.phone, household.hardship, household.address, household.head_name) == (
            "0771-3456789", ["dibao", "tekun"], "那告屯", "韦大山")


def test_edit_household_refuses_bad_phone_and_unknown_household(database: Database, school: School) -> None:
    with database.write() as session:
        household_id = roster.add_household(session, HouseholdInput(scope=school.id, phone="13877110000")).id
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        roster.edit_household(session, household_id, phone="电话")
    assert err.value.field == "phone"
    with unchanged(database), pytest.raises(NotFoundError) as err2, database.write() as session:
        roster.edit_household(session, "nope", phone="13877110000")
    assert "找不到家庭" in err2.value.zh


def test_members_are_added_edited_and_listed(database: Database, school: School) -> None:
    with database.write() as session:
        household_id = roster.add_household(session, HouseholdInput(scope=school.id, head_name="韦大山")).id
        father_id = roster.add_member(session, MemberInput(
            household_id=household_id, name="韦大山", relation="父亲", phone="+86 138-7711-0000",
            is_guardian=True)).id
        mother = roster.add_member(session, MemberInput(household_id=household_id, name="黄𰻝", relation="母亲"))
        mother_id = mother.id
        oplog.delete(session, mother)
    with database.write() as session:
        assert roster.edit_member(session, father_id, works_away=True, work="广东务工") == ["work", "works_away"]
    with database.read() as session:
        members = roster.members_of(session, household_id)
        assert [m.id for m in members] == [father_id]
        father = members[0]
        assert (father.scope, father.name, father.relation, father.phone, father.is_guardian) == (
            school.id, "韦大山", "父亲", "13877110000", True)
        assert (father.works_away, father.work) == (True, "广东务工")
        assert session.get(HouseholdMember, mother_id).name == "黄𰻝"  # type: ignore[union-attr]


def test_member_of_an_unknown_household_or_with_a_bad_name_is_refused(database: Database, school: School) -> None:
    with unchanged(database), pytest.raises(NotFoundError) as err, database.write() as session:
        roster.add_member(session, MemberInput(household_id="nope", name="韦大山"))
    assert "找不到家庭" in err.value.zh
    with database.write() as session:
        household_id = roster.add_household(session, HouseholdInput(scope=school.id)).id
    with unchanged(database), pytest.raises(ValidationError) as err2, database.write() as session:
        roster.add_member(session, MemberInput(household_id=household_id, name="  "))
    assert err2.value.field == "name" and "请填写姓名" in err2.value.zh


def test_add_members_writes_a_clean_batch(database: Database, school: School) -> None:
    with database.write() as session:
        first, second = roster.add_households(session, [HouseholdInput(scope=school.id),
                                                        HouseholdInput(scope=school.id)])
        ids = roster.add_members(session, [
            MemberInput(household_id=first, name="韦大山", relation="父亲", is_guardian=True),
            MemberInput(household_id=first, name="黄𰻝", relation="母亲", phone="13877110002", works_away=True),
            MemberInput(household_id=second, name="覃老伯", relation="祖父")])
    with database.read() as session:
        assert [(m.id, m.name, m.phone, m.is_guardian, m.works_away, m.scope)
                for m in roster.members_of(session, first)] == [
            (ids[0], "韦大山", None, True, False, school.id), (ids[1], "黄𰻝", "13877110002", False, True, school.id)]
        assert [m.name for m in roster.members_of(session, second)] == ["覃老伯"]


def test_add_members_with_bad_rows_lists_each_and_writes_nothing(database: Database, school: School) -> None:
    with database.write() as session:
        household_id = roster.add_household(session, HouseholdInput(scope=school.id)).id
    inputs = [MemberInput(household_id=household_id, name="韦大山"),
              MemberInput(household_id="no-such-household", name="黄丽"),
              MemberInput(household_id=household_id, name="覃明", phone="555"),
              MemberInput(household_id=household_id, name="")]
    with unchanged(database), pytest.raises(BatchError) as err, database.write() as session:
        roster.add_members(session, inputs)
    assert [(e.index, e.field) for e in err.value.errors] == [(1, "household_id"), (2, "phone"), (3, "name")]
    assert "3 处错误，没有写入任何记录" in err.value.zh and "找不到所填的家庭" in err.value.zh
