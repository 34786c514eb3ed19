"""Students and households: create, edit, move school, flags.

Every input is validated in full before anything is written, so a bad row never leaves half a record; the
bulk functions validate every row first and write nothing when any row is wrong.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.ages import check_student_age
from app.domain.codes import (
    BoardingType,
    Code,
    DisabilityGrade,
    DisabilityType,
    Ethnicity,
    HardshipCategory,
    HouseholdType,
    IdType,
    LeftBehind,
    Sex,
    StudentStatus,
)
from app.domain.contact import normalize_phone
from app.domain.errors import DomainError, ValidationError
from app.domain.identity import StudentNumberInfo, check_id_matches, parse_id_number, parse_student_number
from app.domain.names import normalize_name, pinyin_initials
from app.services.access import require_may_edit_household, require_may_edit_student
from app.services.common import as_date, for_field, get, optional_text
from app.store import oplog
from app.store.ids import uuid7
from app.store.models import Household, HouseholdMember, School, Student


@dataclass(frozen=True)
class RowError:
    """One bad field of one input row (``index`` counts from 0 in the list given)."""

    index: int
    field: str | None
    zh: str
    en: str


class BatchError(ValidationError):
    """Some rows of a batch are invalid; nothing of the batch was written."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(
            f"{len(errors)} 处错误，没有写入任何记录。第一处（第 {first.index + 1} 条）：{first.zh}",
            f"{len(errors)} error(s); nothing was written. First (item {first.index + 1}): {first.en}",
            field=first.field,
        )


# ----------------------------------------------------------------------------- households
@dataclass
class HouseholdInput:
    scope: str  # the school that keeps this household's records
    head_name: str | None = None
    address: str | None = None
    township_id: str | None = None
    village_id: str | None = None
    hamlet_id: str | None = None
    phone: str | None = None
    household_type: HouseholdType | str | None = None
    registration_place: str | None = None
    hardship: Sequence[HardshipCategory | str] = ()
    notes: str | None = None


def validate_household(inp: HouseholdInput) -> dict[str, Any]:
    hardship = sorted({h if isinstance(h, HardshipCategory) else HardshipCategory.parse(h) for h in inp.hardship})
    return {
        "scope": inp.scope,
        "head_name": for_field("head_name", normalize_name, inp.head_name) if inp.head_name else None,
        "address": optional_text(inp.address, "address", "家庭住址", "Address", max_length=200),
        "township_id": inp.township_id, "village_id": inp.village_id, "hamlet_id": inp.hamlet_id,
        "phone": normalize_phone(inp.phone) if inp.phone else None,
        "household_type": _code(HouseholdType, inp.household_type),
        "registration_place": optional_text(inp.registration_place, "registration_place", "户籍所在地",
                                            "Registration place", max_length=200),
        "hardship": [h.value for h in hardship],
        "notes": optional_text(inp.notes, "notes", "备注", "Notes"),
    }


def add_households(session: Session, inputs: Sequence[HouseholdInput]) -> list[str]:
    """Create households; validates all first (BatchError, nothing written, when any is wrong)."""
    rows, errors = [], []
    for index, inp in enumerate(inputs):
        try:
            rows.append(validate_household(inp))
        except DomainError as exc:
            errors.append(RowError(index, exc.field, exc.zh, exc.en))
    if errors:
        raise BatchError(errors)
    return oplog.create_many(session, Household, rows)


def add_household(session: Session, inp: HouseholdInput, *, row_id: str | None = None) -> Household:
    """Create a household; ``row_id`` is for a household whose id follows from what it is (see ``derived_id``)."""
    return oplog.create(session, Household, validate_household(inp), row_id=row_id)


def _check_known(changes: Mapping[str, Any], allowed: Iterable[str], zh: str, en: str) -> None:
    unknown = set(changes) - set(allowed) - {"scope"}
    if unknown or "scope" in changes:
        bad = sorted(unknown | ({"scope"} & set(changes)))
        raise ValidationError(f"{zh}没有可修改的字段 {bad}。", f"{en} has no editable field(s) {bad}.", field=bad[0])


def edit_household(session: Session, household_id: str, **changes: Any) -> list[str]:
    _check_known(changes, (f.name for f in fields(HouseholdInput)), "家庭", "A household")
    require_may_edit_household(session, household_id)
    household = get(session, Household, household_id)
    current = HouseholdInput(**{f.name: getattr(household, f.name) for f in fields(HouseholdInput)})
    values = validate_household(replace(current, **changes))
    return oplog.update(session, household, {k: v for k, v in values.items() if k in changes})


@dataclass
class MemberInput:
    household_id: str
    name: str
    relation: str | None = None
    phone: str | None = None
    work: str | None = None
    works_away: bool = False
    is_guardian: bool = False


def validate_member(inp: MemberInput, scope: str) -> dict[str, Any]:
    return {
        "scope": scope, "household_id": inp.household_id, "name": normalize_name(inp.name),
        "relation": optional_text(inp.relation, "relation", "与学生关系", "Relation", max_length=20),
        "phone": normalize_phone(inp.phone) if inp.phone else None,
        "work": optional_text(inp.work, "work", "务工情况", "Work", max_length=100),
        "works_away": bool(inp.works_away), "is_guardian": bool(inp.is_guardian),
    }


def add_members(session: Session, inputs: Sequence[MemberInput]) -> list[str]:
    """Add household members in bulk; validates all first (BatchError, nothing written, when any is wrong)."""
    household_ids = sorted({inp.household_id for inp in inputs})
    scopes = {h_id: scope for chunk in _chunks(household_ids) for h_id, scope in session.execute(
        select(Household.id, Household.scope).where(Household.id.in_(chunk), Household.deleted.is_(False)))}
    rows, errors = [], []
    for index, inp in enumerate(inputs):
        if inp.household_id not in scopes:
            errors.append(RowError(index, "household_id", "找不到所填的家庭。", "The household was not found."))
            continue
        try:
            rows.append(validate_member(inp, scopes[inp.household_id]))
        except DomainError as exc:
            errors.append(RowError(index, exc.field, exc.zh, exc.en))
    if errors:
        raise BatchError(errors)
    return oplog.create_many(session, HouseholdMember, rows)


def add_member(session: Session, inp: MemberInput, *, row_id: str | None = None) -> HouseholdMember:
    require_may_edit_household(session, inp.household_id)
    household = get(session, Household, inp.household_id)
    return oplog.create(session, HouseholdMember, validate_member(inp, household.scope), row_id=row_id)


def edit_member(session: Session, member_id: str, **changes: Any) -> list[str]:
    _check_known(changes, (f.name for f in fields(MemberInput) if f.name != "household_id"), "家庭成员",
                 "A household member")
    member = get(session, HouseholdMember, member_id)
    require_may_edit_household(session, member.household_id)
    current = MemberInput(**{f.name: getattr(member, f.name) for f in fields(MemberInput)})
    values = validate_member(replace(current, **changes), get(session, Household, current.household_id).scope)
    return oplog.update(session, member, {k: v for k, v in values.items() if k in changes})


def members_of(session: Session, household_id: str) -> list[HouseholdMember]:
    return list(session.scalars(select(HouseholdMember).where(
        HouseholdMember.household_id == household_id, HouseholdMember.deleted.is_(False))))


# ----------------------------------------------------------------------------- students
@dataclass
class StudentInput:
    name: str
    sex: Sex | str
    birth_date: date | str | None
    school_id: str
    grade: int
    class_name: str | None = None
    id_number: str | None = None
    id_type: IdType | str = IdType.RESIDENT_ID
    student_number: str | None = None
    ethnicity: Ethnicity | str | None = None
    household_id: str | None = None
    status: StudentStatus | str = StudentStatus.IN_SCHOOL
    registered_poor: bool = False
    left_behind: LeftBehind | str = LeftBehind.NO
    disability_type: DisabilityType | str | None = None
    disability_grade: DisabilityGrade | str | None = None
    migrant: bool = False
    orphan: bool = False
    martyr_family: bool = False
    boarding: BoardingType | str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # ignored columns of an import, never stored


STUDENT_FIELDS = tuple(f.name for f in fields(StudentInput) if f.name != "extra")


def _code(kind: Any, value: Any) -> Any:
    if value is None or value == "":
        return None
    return value if isinstance(value, kind) else kind.parse(str(value))


def _value(code: Code | None) -> str | None:
    # Stored values are the codes' plain text, as the log carries them: an import spills and writes 100,000 of
    # these, and an enum member costs a conversion at each step.
    return None if code is None else code.value


@functools.lru_cache(maxsize=65536)
def _initials(name: str) -> str:
    return pinyin_initials(name)


def validate_student(inp: StudentInput, *, today: date) -> dict[str, Any]:
    """The stored values of a student, or the first ValidationError of the input."""
    name = normalize_name(inp.name)
    sex = _code(Sex, inp.sex)
    if sex is None:
        raise ValidationError("请填写性别。", "Sex is required.", field="sex")
    id_type = _code(IdType, inp.id_type) or IdType.RESIDENT_ID
    birth = as_date(inp.birth_date, "birth_date", "出生日期", "Birth date") if inp.birth_date else None
    id_number = None
    if inp.id_number and str(inp.id_number).strip():
        if id_type is IdType.RESIDENT_ID:
            info = parse_id_number(str(inp.id_number), today=today)
            check_id_matches(info, birth_date=birth, sex=sex)
            id_number, birth = info.number, birth or info.birth_date
        else:
            id_number = str(inp.id_number).strip().upper()
    student_number = None
    if inp.student_number and str(inp.student_number).strip():
        raw_number = str(inp.student_number).strip().upper()
        if id_type is IdType.RESIDENT_ID and id_number and raw_number == "G" + id_number:
            # The usual registry form: G + the ID number just checked; no need to check it twice.
            sn = StudentNumberInfo(number=raw_number, form="G", birth_date=birth, id_number=id_number)
        else:
            sn = parse_student_number(raw_number, today=today)
        student_number = sn.number
        if sn.id_number and id_number and sn.id_number != id_number:
            raise ValidationError(
                f"学籍号 {sn.number} 里的身份证号与登记的身份证号 {id_number} 不一致。",
                f"Student number {sn.number} carries a different ID number than {id_number}.",
                field="student_number")
        if sn.birth_date and birth and sn.birth_date != birth:
            raise ValidationError(
                f"学籍号 {sn.number} 显示出生日期为 {sn.birth_date}，但登记的是 {birth}。",
                f"Student number {sn.number} gives birth date {sn.birth_date}, the record says {birth}.",
                field="student_number")
        birth = birth or sn.birth_date
    if birth is None:
        raise ValidationError("请填写出生日期（或有效的身份证号）。",
                              "A birth date (or a valid ID number) is required.", field="birth_date")
    try:
        grade = int(inp.grade)
    except (TypeError, ValueError):
        raise ValidationError(f"年级“{inp.grade}”应为 1–9 的数字。", f"Grade '{inp.grade}' must be 1–9.",
                              field="grade") from None
    status = _code(StudentStatus, inp.status) or StudentStatus.IN_SCHOOL
    if status is StudentStatus.IN_SCHOOL:
        check_student_age(birth, grade, today)
    elif not 1 <= grade <= 9:
        raise ValidationError(f"年级“{grade}”应为 1–9。", f"Grade '{grade}' must be 1–9.", field="grade")
    disability_type = _code(DisabilityType, inp.disability_type)
    disability_grade = _code(DisabilityGrade, inp.disability_grade)
    if disability_grade is not None and disability_type is None:
        raise ValidationError("填写了残疾等级，但没有填写残疾类别。",
                              "A disability grade was given without a disability type.", field="disability_type")
    return {
        "scope": inp.school_id, "school_id": inp.school_id, "household_id": inp.household_id or None,
        "name": name, "name_initials": _initials(name), "sex": sex.value, "birth_date": birth.isoformat(),
        "ethnicity": _value(_code(Ethnicity, inp.ethnicity)), "id_type": id_type.value, "id_number": id_number,
        "student_number": student_number, "grade": grade,
        "class_name": optional_text(inp.class_name, "class_name", "班级", "Class", max_length=20),
        "status": status.value, "registered_poor": bool(inp.registered_poor),
        "left_behind": (_code(LeftBehind, inp.left_behind) or LeftBehind.NO).value,
        "disability_type": _value(disability_type), "disability_grade": _value(disability_grade),
        "migrant": bool(inp.migrant), "orphan": bool(inp.orphan), "martyr_family": bool(inp.martyr_family),
        "boarding": _value(_code(BoardingType, inp.boarding)),
    }


def _chunks(items: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _taken(session: Session, column: Any, values: Sequence[str]) -> dict[str, str]:
    """Which of these ID or student numbers live students already have: number -> student id."""
    found: dict[str, str] = {}
    for chunk in _chunks(sorted(set(values))):
        for number, student_id in session.execute(
                select(column, Student.id).where(column.in_(chunk), Student.deleted.is_(False))):
            found[number] = student_id
    return found


def _check_unique(session: Session, rows: Sequence[Mapping[str, Any]], errors: list[RowError],
                  *, ignore_ids: Sequence[str | None] = ()) -> None:
    for column, zh, en in ((Student.id_number, "身份证号", "ID number"),
                           (Student.student_number, "学籍号", "student number")):
        name = column.key
        numbers = [r[name] for r in rows if r.get(name)]
        taken = _taken(session, column, numbers)
        first_seen: dict[str, int] = {}
        for index, row in enumerate(rows):
            number = row.get(name)
            if not number:
                continue
            owner = taken.get(number)
            if owner is not None and (index >= len(ignore_ids) or owner != ignore_ids[index]):
                errors.append(RowError(index, name, f"{zh} {number} 已属于另一名学生。",
                                       f"The {en} {number} already belongs to another student."))
            elif number in first_seen:
                errors.append(RowError(index, name, f"{zh} {number} 与第 {first_seen[number] + 1} 条重复。",
                                       f"The {en} {number} repeats item {first_seen[number] + 1}."))
            else:
                first_seen[number] = index


def add_students(session: Session, inputs: Sequence[StudentInput], *, today: date | None = None) -> list[str]:
    """Create students. Every row is validated (fields, ID agreement, age, uniqueness, school) before any
    is written; BatchError lists every bad row and nothing is written."""
    today = today or date.today()
    rows: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for index, inp in enumerate(inputs):
        try:
            rows.append(validate_student(inp, today=today))
        except DomainError as exc:
            errors.append(RowError(index, exc.field, exc.zh, exc.en))
            rows.append({})
    return add_validated_students(session, rows, errors)


def add_validated_students(session: Session, rows: Sequence[Mapping[str, Any]],
                           errors: Sequence[RowError] = ()) -> list[str]:
    """Create students from the values :func:`validate_student` returned for them (``{}`` for a row that
    failed, with its error in ``errors``). What depends on the database (the school and household exist, the ID
    and student numbers are free) is checked here, in the writing transaction; BatchError lists every bad row
    and nothing is written."""
    _check_new_students(session, rows, list(errors), made_households=frozenset())
    return oplog.create_many(session, Student, rows)


@dataclass(frozen=True, slots=True)
class NewFamily:
    """A new student, with the household made for them and its guardian: a new row of a roster import."""

    student: Mapping[str, Any]  # what validate_student returned
    household: HouseholdInput | None = None  # None: the student's own household_id stands
    guardian: str | None = None  # the guardian's name, made a member of the new household
    relation: str | None = None
    phone: str | None = None


def add_new_families(session: Session, families: Sequence[NewFamily]) -> tuple[list[str], int]:
    """Create each family's household, its guardian and the student in one go; returns the students' ids and the
    households made. Everything is checked before anything is written: BatchError indexes the families. The
    households made here are known to exist, so unlike add_households + add_members + add_validated_students
    this reads none of them back (two lookups of 100,000 rows in an import)."""
    if any(family.guardian and family.household is None for family in families):
        # Not dropped without a word: a guardian belongs to the household made here, and an existing household's
        # members are added with add_members.
        raise ValueError("a NewFamily's guardian needs the household made with it")
    made = [index for index, family in enumerate(families) if family.household is not None]
    made_ids = [uuid7() for _ in made]
    household_rows: list[dict[str, Any]] = []
    member_rows: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for index, household_id in zip(made, made_ids, strict=True):
        family = families[index]
        assert family.household is not None
        try:
            household_rows.append(validate_household(family.household))
            if family.guardian:
                member_rows.append(validate_member(MemberInput(
                    household_id=household_id, name=family.guardian, relation=family.relation, phone=family.phone,
                    is_guardian=True), family.household.scope))
        except DomainError as exc:
            errors.append(RowError(index, exc.field, exc.zh, exc.en))
    household_of = dict(zip(made, made_ids, strict=True))
    students = [{**family.student, "household_id": household_of[index]} if index in household_of
                else family.student for index, family in enumerate(families)]
    _check_new_students(session, students, errors, made_households=frozenset(made_ids))
    oplog.create_many(session, Household, household_rows, ids=made_ids)
    if member_rows:
        oplog.create_many(session, HouseholdMember, member_rows)
    return oplog.create_many(session, Student, students), len(made_ids)


def _check_new_students(session: Session, rows: Sequence[Mapping[str, Any]], errors: list[RowError], *,
                        made_households: frozenset[str]) -> None:
    """BatchError unless every row's school and household exist (or the household is one being made with it)
    and its ID and student numbers are free; ``errors`` are what the caller found already."""
    school_ids = {r["school_id"] for r in rows if r}
    known = set(session.scalars(select(School.id).where(School.id.in_(school_ids), School.deleted.is_(False))))
    household_ids = sorted({r["household_id"] for r in rows if r and r["household_id"]} - made_households)
    known_households = made_households | {h for chunk in _chunks(household_ids) for h in session.scalars(
        select(Household.id).where(Household.id.in_(chunk), Household.deleted.is_(False)))}
    for index, row in enumerate(rows):
        if row and row["school_id"] not in known:
            errors.append(RowError(index, "school_id", "找不到所填的学校。", "The school was not found."))
        if row and row["household_id"] and row["household_id"] not in known_households:
            errors.append(RowError(index, "household_id", "找不到所填的家庭。", "The household was not found."))
    _check_unique(session, rows, errors)
    if errors:
        raise BatchError(sorted(errors, key=lambda e: e.index))


def add_student(session: Session, inp: StudentInput, *, today: date | None = None) -> Student:
    try:
        student_id = add_students(session, [inp], today=today)[0]
    except BatchError as exc:
        first = exc.errors[0]
        raise ValidationError(first.zh, first.en, field=first.field) from None
    return get(session, Student, student_id)


def student_input(student: Student) -> StudentInput:
    return StudentInput(**{name: getattr(student, name) for name in STUDENT_FIELDS})


def edit_student(session: Session, student_id: str, *, today: date | None = None, **changes: Any) -> list[str]:
    """Change a student's fields; the whole record is validated again (ID, birth date and sex must agree).

    School, status and grade change through registry changes (``app.services.registry``), not here. A teacher
    may change only the students they cover (:func:`app.services.access.require_may_edit_student`).
    """
    require_may_edit_student(session, student_id)
    forbidden = {"school_id", "status"} & set(changes)
    if forbidden:
        raise ValidationError("学校和学籍状态请通过“学籍异动”修改。",
                              "Change school and status through a registry change.", field=sorted(forbidden)[0])
    unknown = set(changes) - set(STUDENT_FIELDS)
    if unknown:
        raise ValidationError(f"学生没有字段 {sorted(unknown)}。", f"Students have no field(s) {sorted(unknown)}.")
    student = get(session, Student, student_id)
    values = validate_student(replace(student_input(student), **changes), today=today or date.today())
    errors: list[RowError] = []
    _check_unique(session, [values], errors, ignore_ids=[student.id])
    if errors:
        raise ValidationError(errors[0].zh, errors[0].en, field=errors[0].field)
    written = {k: v for k, v in values.items() if k in changes or k == "name_initials" and "name" in changes}
    return oplog.update(session, student, written)


def set_flags(session: Session, student_id: str, *, today: date | None = None, **flags: Any) -> list[str]:
    """Set the support flags of a student (registered_poor, left_behind, disability, migrant, orphan...)."""
    allowed = {"registered_poor", "left_behind", "disability_type", "disability_grade", "migrant", "orphan",
               "martyr_family", "boarding"}
    unknown = set(flags) - allowed
    if unknown:
        raise ValidationError(f"不能作为标记修改：{sorted(unknown)}", f"Not a flag: {sorted(unknown)}")
    return edit_student(session, student_id, today=today, **flags)


def delete_student(session: Session, student_id: str) -> None:
    """Mark a student record deleted (e.g. a duplicate entry); it stays in the log and can be restored."""
    require_may_edit_student(session, student_id)
    oplog.delete(session, get(session, Student, student_id))


def student_dict(student: Student) -> dict[str, Any]:
    return {k: v for k, v in asdict(student_input(student)).items() if k != "extra"}
