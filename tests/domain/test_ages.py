"""Ages, school years and the age check for students."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app.domain.ages import (
    COMPULSORY_ENTRY_AGE,
    COMPULSORY_YEARS,
    MAX_GRADES_AHEAD,
    MAX_GRADES_BEHIND,
    age_on,
    check_student_age,
    expected_grade,
    is_compulsory_age,
    school_age,
    school_year_start,
)
from app.domain.errors import ValidationError

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))


def test_constants() -> None:
    assert (COMPULSORY_ENTRY_AGE, COMPULSORY_YEARS) == (6, 9)


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(2014, 3, 5), date(2014, 3, 5), 0),
        (date(2014, 3, 5), date(2020, 3, 4), 5),
        (date(2014, 3, 5), date(2020, 3, 5), 6),
        (date(2014, 3, 5), date(2026, 11, 29), 12),
        (date(2000, 5, 1), date(2026, 11, 29), 26),
    ],
)
def test_age_on(birth: date, on: date, age: int) -> None:
    assert age_on(birth, on) == age


def test_leap_day_birthday_counts_on_the_first_of_march() -> None:
    born = date(2012, 2, 29)
    assert age_on(born, date(2013, 2, 28)) == 0
    assert age_on(born, date(2013, 3, 1)) == 1
    assert age_on(born, date(2016, 2, 28)) == 3
    assert age_on(born, date(2016, 2, 29)) == 4


def test_age_before_birth_is_negative() -> None:
    assert age_on(date(2020, 6, 1), date(2020, 5, 31)) == -1


@given(birth=dates, first=dates, second=dates)
def test_age_on_is_monotonic(birth: date, first: date, second: date) -> None:
    earlier, later = sorted((first, second))
    assert age_on(birth, earlier) <= age_on(birth, later)


@given(birth=dates, years=st.integers(min_value=0, max_value=60))
def test_age_on_an_anniversary_is_the_number_of_years(birth: date, years: int) -> None:
    assume(not (birth.month == 2 and birth.day == 29))
    assert age_on(birth, birth.replace(year=birth.year + years)) == years


@pytest.mark.parametrize(
    ("on", "start"),
    [
        (date(2025, 9, 1), date(2025, 9, 1)),
        (date(2025, 12, 31), date(2025, 9, 1)),
        (date(2026, 1, 1), date(2025, 9, 1)),
        (date(2026, 8, 31), date(2025, 9, 1)),
        (date(2026, 9, 1), date(2026, 9, 1)),
    ],
)
def test_school_year_start(on: date, start: date) -> None:
    assert school_year_start(on) == start


@given(on=dates)
def test_school_year_start_is_the_last_first_of_september(on: date) -> None:
    start = school_year_start(on)
    assert (start.month, start.day) == (9, 1)
    assert start <= on < start.replace(year=start.year + 1)


def test_a_child_six_by_31_august_enters_grade_one() -> None:
    autumn, spring = date(2025, 10, 8), date(2026, 4, 20)
    assert school_age(date(2019, 8, 31), autumn) == 6
    assert expected_grade(date(2019, 8, 31), autumn) == 1
    assert expected_grade(date(2019, 8, 31), spring) == 1
    # One day younger: waits a year, even though they are 6 by the spring term.
    assert school_age(date(2019, 9, 1), spring) == 5
    assert expected_grade(date(2019, 9, 1), spring) is None
    assert not is_compulsory_age(date(2019, 9, 1), spring)


def test_compulsory_age_spans_grades_one_to_nine() -> None:
    on = date(2025, 11, 1)
    assert is_compulsory_age(date(2019, 8, 31), on)
    assert expected_grade(date(2010, 9, 1), on) == 9
    assert is_compulsory_age(date(2010, 9, 1), on)
    assert not is_compulsory_age(date(2010, 8, 31), on)
    assert expected_grade(date(2010, 8, 31), on) is None


@given(birth=dates, on=dates)
def test_expected_grade_agrees_with_compulsory_age(birth: date, on: date) -> None:
    grade = expected_grade(birth, on)
    assert (grade is not None) == is_compulsory_age(birth, on)
    if grade is not None:
        assert 1 <= grade <= 9
        assert grade == school_age(birth, on) - 5


# --- check_student_age --------------------------------------------------------------------------------


def rejection(birth: date, grade: int, on: date) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_student_age(birth, grade, on)
    return caught.value


def test_out_of_age_message() -> None:
    error = rejection(date(2000, 5, 1), 5, date(2026, 11, 29))
    assert error.zh == "出生日期 2000-05-01：2026-11-29 时 26 岁，不在义务教育年龄段（6–15 岁）"
    assert "26 years old" in error.en and "6–15" in error.en
    assert error.field == "birth_date"


def test_future_birth_is_refused() -> None:
    error = rejection(date(2027, 1, 1), 1, date(2026, 11, 29))
    assert "2027-01-01" in error.zh and error.field == "birth_date"


@pytest.mark.parametrize("grade", [0, 10, -1, 12])
def test_grade_outside_one_to_nine(grade: int) -> None:
    error = rejection(date(2016, 3, 1), grade, date(2026, 11, 29))
    assert f"年级 {grade}" in error.zh
    assert error.field == "grade"


def test_age_tolerance_allows_early_and_late_starters() -> None:
    on = date(2026, 10, 1)
    check_student_age(date(2021, 8, 31), 1, on)  # school age 5: started a year early
    check_student_age(date(2008, 9, 1), 9, on)  # school age 17: three years late
    assert rejection(date(2008, 8, 31), 9, on).field == "birth_date"  # school age 18
    assert rejection(date(2021, 9, 1), 1, on).field == "birth_date"  # school age 4


def test_grade_gap_tolerance() -> None:
    on = date(2026, 11, 29)
    birth = date(2016, 3, 1)  # school age 10, usually grade 5
    assert expected_grade(birth, on) == 5
    check_student_age(birth, 5 + MAX_GRADES_AHEAD, on)
    check_student_age(birth, 5 - MAX_GRADES_BEHIND, on)
    ahead = rejection(birth, 5 + MAX_GRADES_AHEAD + 1, on)
    assert ahead.zh == (
        "出生日期 2016-03-01：2026-11-29 时 10 岁，一般读 5 年级，登记为 8 年级，"
        "相差太大，请核对出生日期或年级"
    )
    assert ahead.field == "birth_date"
    assert "grade 8" in rejection(birth, 8, on).en
    older = date(2012, 3, 1)  # school age 14, usually grade 9
    check_student_age(older, 9 - MAX_GRADES_BEHIND, on)
    behind = rejection(older, 9 - MAX_GRADES_BEHIND - 1, on)
    assert "一般读 9 年级，登记为 4 年级" in behind.zh
    assert behind.field == "birth_date"


@given(on=dates, age=st.integers(min_value=6, max_value=14), days_younger=st.integers(0, 364))
def test_children_in_their_expected_grade_pass(on: date, age: int, days_younger: int) -> None:
    birth = date(school_year_start(on).year - age, 8, 31) - timedelta(days=days_younger)
    assume(birth <= on)
    assert school_age(birth, on) == age
    assert expected_grade(birth, on) == age - 5
    check_student_age(birth, age - 5, on)


@given(birth=dates, on=dates, grade=st.integers(min_value=-2, max_value=12))
def test_check_student_age_raises_only_validation_error(birth: date, on: date, grade: int) -> None:
    try:
        check_student_age(birth, grade, on)
    except ValidationError as error:
        assert error.field in ("birth_date", "grade")
    else:
        assert 1 <= grade <= 9 and birth <= on
