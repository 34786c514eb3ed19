"""Ages and school years as compulsory education counts them.

A school year starts on 1 September; a child who is 6 by 31 August enters grade 1 that September, so the
age that matters for a grade is the age on the 31 August before the school year ("school age"), not the
age on the day of the visit.
"""

from __future__ import annotations

from datetime import date

from app.domain.errors import ValidationError

COMPULSORY_ENTRY_AGE = 6
COMPULSORY_YEARS = 9
FIRST_GRADE = 1
LAST_GRADE = COMPULSORY_YEARS

# Children start a year early in some towns and up to three years late in remote villages (after
# illness, migration with parents, or a late household registration), so the age a student on the
# registry may have is wider than the nominal 6–14.
MIN_STUDENT_SCHOOL_AGE = COMPULSORY_ENTRY_AGE - 1
MAX_STUDENT_SCHOOL_AGE = COMPULSORY_ENTRY_AGE + COMPULSORY_YEARS - 1 + 3

# Repeating a year, a late start and time out of school put village children several grades behind
# their age; skipping ahead is rarer. Beyond these gaps a wrong birth date or grade is the likelier story.
MAX_GRADES_AHEAD = 2
MAX_GRADES_BEHIND = 4

# The nominal span shown in messages: ages 6 to 15 cover grade 1 to the end of grade 9.
_NOMINAL_AGES = f"{COMPULSORY_ENTRY_AGE}–{COMPULSORY_ENTRY_AGE + COMPULSORY_YEARS}"


def age_on(birth: date, on: date) -> int:
    """Full years from ``birth`` to ``on``; a 29 February birthday counts on 1 March in other years.

    Negative when ``on`` is before ``birth`` (the count is floored), so comparisons need no special case.
    """
    not_yet = (on.month, on.day) < (birth.month, birth.day)
    return on.year - birth.year - int(not_yet)


def school_year_start(on: date) -> date:
    """1 September of the school year containing ``on`` (January–August belong to the previous one)."""
    year = on.year if on.month >= 9 else on.year - 1
    return date(year, 9, 1)


def school_age(birth: date, on: date) -> int:
    """The age on the 31 August before the school year containing ``on``: the age that decides grades."""
    start = school_year_start(on)
    return age_on(birth, date(start.year, 8, 31))


def is_compulsory_age(birth: date, on: date) -> bool:
    """Whether the child should be in grades 1–9 in the school year containing ``on``."""
    return COMPULSORY_ENTRY_AGE <= school_age(birth, on) <= COMPULSORY_ENTRY_AGE + COMPULSORY_YEARS - 1


def expected_grade(birth: date, on: date) -> int | None:
    """The grade a child born on ``birth`` belongs in during the school year of ``on``, None outside 1–9."""
    grade = school_age(birth, on) - (COMPULSORY_ENTRY_AGE - 1)
    return grade if FIRST_GRADE <= grade <= LAST_GRADE else None


def check_student_age(birth: date, grade: int, on: date) -> None:
    """Raise ValidationError unless a student born on ``birth`` can plausibly be in ``grade`` on ``on``."""
    born = birth.isoformat()
    if birth > on:
        raise ValidationError(
            f"出生日期 {born} 晚于 {on.isoformat()}，请核对",
            f"Birth date {born} is after {on.isoformat()}; please check it",
            field="birth_date",
        )
    if not FIRST_GRADE <= grade <= LAST_GRADE:
        raise ValidationError(
            f"年级 {grade} 不在义务教育的 1–9 年级之内",
            f"Grade {grade} is not one of the compulsory grades 1–9",
            field="grade",
        )
    age = age_on(birth, on)
    years = school_age(birth, on)
    if not MIN_STUDENT_SCHOOL_AGE <= years <= MAX_STUDENT_SCHOOL_AGE:
        raise ValidationError(
            f"出生日期 {born}：{on.isoformat()} 时 {age} 岁，不在义务教育年龄段（{_NOMINAL_AGES} 岁）",
            f"Birth date {born}: {age} years old on {on.isoformat()}, "
            f"outside compulsory-education age ({_NOMINAL_AGES})",
            field="birth_date",
        )
    nominal = years - (COMPULSORY_ENTRY_AGE - 1)
    if grade > nominal + MAX_GRADES_AHEAD or grade < nominal - MAX_GRADES_BEHIND:
        shown_nominal = min(max(nominal, FIRST_GRADE), LAST_GRADE)
        raise ValidationError(
            f"出生日期 {born}：{on.isoformat()} 时 {age} 岁，一般读 {shown_nominal} 年级，"
            f"登记为 {grade} 年级，相差太大，请核对出生日期或年级",
            f"Birth date {born}: {age} years old on {on.isoformat()}, usually in grade {shown_nominal}, "
            f"but recorded in grade {grade}; please check the birth date or the grade",
            field="birth_date",
        )
