"""ID numbers and national student numbers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.codes import Sex
from app.domain.errors import ValidationError
from app.domain.identity import (
    IdInfo,
    StudentNumberInfo,
    check_id_matches,
    id_check_char,
    is_valid_id_number,
    is_valid_student_number,
    make_id_number,
    make_student_number_j,
    normalize_id_text,
    parse_id_number,
    parse_student_number,
)

TODAY = date(2026, 1, 15)

# Hand calculation for 450107 20140305 123:
#   digits  4  5  0  1  0  7  2  0  1  4  0  3  0  5  1  2  3
#   weights 7  9 10  5  8  4  2  1  6  3  7  9 10  5  8  4  2
#   products 28+45+0+5+0+28+4+0+6+12+0+27+0+25+8+8+6 = 202; 202 mod 11 = 4; "10X98765432"[4] = "8".
KNOWN_ID = "450107201403051238"

divisions = st.text(alphabet="0123456789", min_size=6, max_size=6)
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)


def rejection(text: str, **kwargs: date) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse_id_number(text, today=kwargs.get("today", TODAY))
    assert caught.value.field == "id_number"
    return caught.value


# --- check character ----------------------------------------------------------------------------------


def test_known_check_characters() -> None:
    assert id_check_char("45010720140305123") == "8"
    # The sample numbers printed in GB 11643-1999 itself.
    assert id_check_char("11010519491231002") == "X"
    assert id_check_char("44052418800101001") == "4"


@pytest.mark.parametrize("bad", ["", "1234", "4501072014030512X", "450107201403051234"])
def test_check_char_needs_17_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        id_check_char(bad)


# --- normalization ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" 450107 20140305 1238 ", KNOWN_ID),
        ("４５０１０７２０１４０３０５１２３８", KNOWN_ID),
        ("450107\u300020140305\u00a01238", KNOWN_ID),
        ("11010519491231002x", "11010519491231002X"),
        ("11010519491231002Ｘ", "11010519491231002X"),
        ("11010519491231002ｘ", "11010519491231002X"),
        ("\ufeff450107201403051238\u200b", KNOWN_ID),
    ],
)
def test_normalize_id_text(text: str, expected: str) -> None:
    assert normalize_id_text(text) == expected


# --- parsing ------------------------------------------------------------------------------------------


def test_parse_known_id() -> None:
    info = parse_id_number(KNOWN_ID, today=TODAY)
    assert info == IdInfo(number=KNOWN_ID, division="450107", birth_date=date(2014, 3, 5), sex=Sex.MALE)


def test_parse_accepts_x_and_reads_female_from_an_even_17th_digit() -> None:
    info = parse_id_number("11010519491231002x", today=TODAY)
    assert info.number == "11010519491231002X"
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex is Sex.FEMALE


def test_wrong_length_message() -> None:
    error = rejection("4501071234")
    assert error.zh == "身份证号 4501071234 长度应为 18 位，现在是 10 位"
    assert error.en == "ID number 4501071234 must have 18 characters, it has 10"


def test_old_15_digit_number_is_explained() -> None:
    error = rejection("450107850305123")
    assert "15 位" in error.zh and "18 位" in error.zh


def test_empty_id_number() -> None:
    assert rejection("  ").zh == "请填写身份证号"


def test_non_digit_in_the_first_17() -> None:
    error = rejection("4501072014O3051238")
    assert "第 11 位「O」不是数字" in error.zh
    assert 'character 11 ("O") is not a digit' in error.en


def test_bad_last_character() -> None:
    error = rejection("45010720140305123Y")
    assert "最后一位只能是数字或 X" in error.zh and "「Y」" in error.zh


@pytest.mark.parametrize(
    ("digits", "shown"),
    [
        ("20150230", "2015-02-30"),
        ("20230229", "2023-02-29"),
        ("20151301", "2015-13-01"),
        ("20150000", "2015-00-00"),
    ],
)
def test_impossible_birth_dates_are_named(digits: str, shown: str) -> None:
    first17 = "450107" + digits + "123"
    error = rejection(first17 + id_check_char(first17))
    assert error.zh.endswith(f"出生日期 {shown} 不存在")
    assert shown in error.en and "does not exist" in error.en


def test_leap_day_birth_is_valid() -> None:
    number = make_id_number("450107", date(2024, 2, 29), 2)
    info = parse_id_number(number, today=TODAY)
    assert info.birth_date == date(2024, 2, 29)
    assert info.sex is Sex.FEMALE


def test_future_birth_date_is_refused_relative_to_today() -> None:
    number = make_id_number("450107", date(2026, 3, 1), 11)
    error = rejection(number, today=date(2026, 2, 28))
    assert "2026-03-01" in error.zh and "晚于今天" in error.zh
    assert parse_id_number(number, today=date(2026, 3, 1)).birth_date == date(2026, 3, 1)


def test_birth_before_1900_is_refused() -> None:
    number = make_id_number("450107", date(1899, 12, 31), 11)
    error = rejection(number)
    assert "1899-12-31" in error.zh and "1900" in error.zh


def test_wrong_check_character_says_what_it_should_be() -> None:
    error = rejection("450107201403051234")
    assert "最后一位应为 8，现在是 4" in error.zh
    assert "should end with 8, not 4" in error.en


def test_each_problem_has_its_own_message() -> None:
    samples = [
        "4501071234",
        "4501072014O3051238",
        "45010720140305123Y",
        "45010720150230123" + id_check_char("45010720150230123"),
        make_id_number("450107", date(2030, 1, 1), 1),
        make_id_number("450107", date(1899, 1, 1), 1),
        "450107201403051234",
    ]
    messages = [rejection(sample).zh.split(" ", 2)[-1] for sample in samples]
    assert len(set(messages)) == len(samples)


def test_is_valid_id_number() -> None:
    assert is_valid_id_number(KNOWN_ID)
    assert is_valid_id_number(" 450107 2014 0305 1238")
    assert not is_valid_id_number("450107201403051234")
    assert not is_valid_id_number("")


@given(division=divisions, birth=births, sequence=sequences)
def test_made_ids_parse_back(division: str, birth: date, sequence: int) -> None:
    number = make_id_number(division, birth, sequence)
    info = parse_id_number(number, today=TODAY)
    assert info.number == number
    assert info.division == division
    assert info.birth_date == birth
    assert info.sex is (Sex.MALE if sequence % 2 else Sex.FEMALE)


@given(
    division=divisions,
    birth=births,
    sequence=sequences,
    position=st.integers(min_value=0, max_value=17),
    replacement=st.sampled_from("0123456789X"),
)
def test_changing_any_single_character_invalidates(
    division: str, birth: date, sequence: int, position: int, replacement: str
) -> None:
    number = make_id_number(division, birth, sequence)
    if number[position] == replacement:
        replacement = "7" if replacement == "X" else str((int(replacement) + 1) % 10)
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(ValidationError):
        parse_id_number(changed, today=TODAY)


@given(st.one_of(st.text(max_size=40), st.text(alphabet="0123456789Xx \u3000０", max_size=25)))
def test_random_text_only_ever_raises_validation_error(text: str) -> None:
    try:
        info = parse_id_number(text, today=TODAY)
    except ValidationError as error:
        assert error.field == "id_number"
        assert error.zh and error.en
    else:
        assert len(info.number) == 18


# --- record agreement ---------------------------------------------------------------------------------


def test_check_id_matches_accepts_agreeing_or_missing_values() -> None:
    info = parse_id_number(KNOWN_ID, today=TODAY)
    check_id_matches(info, birth_date=date(2014, 3, 5), sex=Sex.MALE)
    check_id_matches(info, birth_date=None, sex=None)


def test_check_id_matches_birth_date() -> None:
    info = parse_id_number(KNOWN_ID, today=TODAY)
    with pytest.raises(ValidationError) as caught:
        check_id_matches(info, birth_date=date(2014, 3, 6), sex=Sex.MALE)
    assert caught.value.zh == "身份证号显示出生日期为 2014-03-05，但登记的是 2014-03-06"
    assert caught.value.field == "birth_date"


def test_check_id_matches_sex() -> None:
    info = parse_id_number(KNOWN_ID, today=TODAY)
    with pytest.raises(ValidationError) as caught:
        check_id_matches(info, birth_date=None, sex=Sex.FEMALE)
    assert caught.value.zh == "身份证号显示性别为男，但登记的是女"
    assert caught.value.field == "sex"


# --- making --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("division", "sequence"), [("45010", 1), ("45010a", 1), ("450107", -1), ("450107", 1000)]
)
def test_make_id_number_refuses_bad_parts(division: str, sequence: int) -> None:
    with pytest.raises(ValueError):
        make_id_number(division, date(2014, 3, 5), sequence)


# --- student numbers ----------------------------------------------------------------------------------


def test_g_student_number() -> None:
    info = parse_student_number("g" + KNOWN_ID, today=TODAY)
    assert info == StudentNumberInfo(
        number="G" + KNOWN_ID, form="G", birth_date=date(2014, 3, 5), id_number=KNOWN_ID
    )


def test_j_student_number() -> None:
    number = make_student_number_j("450107", date(2015, 1, 2), 7)
    # The check character is computed over the 17 digits after J: 45010720150102007.
    assert number == "J45010720150102007" + id_check_char("45010720150102007")
    info = parse_student_number(f" {number.lower()} ", today=TODAY)
    assert info == StudentNumberInfo(number=number, form="J", birth_date=date(2015, 1, 2), id_number=None)


def test_l_student_number_is_not_checked_like_an_id() -> None:
    body = "450107201501021234"
    assert not is_valid_id_number(body)
    info = parse_student_number("L" + body, today=TODAY)
    assert info == StudentNumberInfo(number="L" + body, form="L", birth_date=date(2015, 1, 2), id_number=None)


def student_rejection(text: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse_student_number(text, today=TODAY)
    assert caught.value.field == "student_number"
    return caught.value


def test_student_number_errors() -> None:
    assert student_rejection("").zh == "请填写全国学籍号"
    assert "应以 G、J 或 L 开头" in student_rejection("X" + KNOWN_ID).zh
    assert "长度应为 19 位，现在是 18 位" in student_rejection("G" + KNOWN_ID[:-1]).zh
    assert "G 加身份证号" in student_rejection(KNOWN_ID).zh
    assert "长度应为 19 位，现在是 17 位" in student_rejection("G" + KNOWN_ID[:-2]).zh


def test_g_with_a_bad_id_explains_the_id_problem() -> None:
    error = student_rejection("G450107201403051234")
    assert "身份证号" in error.zh and "最后一位应为 8" in error.zh
    assert "should end with 8" in error.en


def test_j_with_a_wrong_check_character() -> None:
    number = make_student_number_j("450107", date(2015, 1, 2), 7)
    wrong = "0" if number[-1] != "0" else "1"
    error = student_rejection(number[:-1] + wrong)
    assert f"最后一位应为 {number[-1]}" in error.zh


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("J45010720150230007" + id_check_char("45010720150230007"), "2015-02-30 不存在"),
        ("J4501072015A102007X", "第 12 位「A」不是数字"),
        ("J45010720150102007Y", "最后一位只能是数字或 X"),
        ("L45010720230229123" + "4", "2023-02-29 不存在"),
        ("L45010720150102123X", "第 19 位「X」不是数字"),
        ("L450107203001021234", "晚于今天"),
    ],
)
def test_j_and_l_errors(text: str, fragment: str) -> None:
    assert fragment in student_rejection(text).zh


@given(area=divisions, birth=births, sequence=sequences)
def test_made_j_numbers_parse_back(area: str, birth: date, sequence: int) -> None:
    number = make_student_number_j(area, birth, sequence)
    info = parse_student_number(number, today=TODAY)
    assert (info.form, info.birth_date, info.id_number) == ("J", birth, None)
    assert len(number) == 19


@given(
    area=divisions,
    birth=births,
    sequence=sequences,
    position=st.integers(min_value=1, max_value=18),
    replacement=st.sampled_from("0123456789X"),
)
def test_changing_a_j_number_invalidates_it(
    area: str, birth: date, sequence: int, position: int, replacement: str
) -> None:
    number = make_student_number_j(area, birth, sequence)
    if number[position] == replacement:
        replacement = "7" if replacement == "X" else str((int(replacement) + 1) % 10)
    assert not is_valid_student_number(number[:position] + replacement + number[position + 1 :])


@given(area=divisions, birth=births, tail=st.text(alphabet="0123456789", min_size=4, max_size=4))
def test_any_l_number_with_a_real_date_is_valid(area: str, birth: date, tail: str) -> None:
    info = parse_student_number(f"L{area}{birth:%Y%m%d}{tail}", today=TODAY)
    assert info.form == "L" and info.birth_date == birth


@given(st.one_of(st.text(max_size=30), st.text(alphabet="GJLgjl0123456789X ", max_size=22)))
def test_random_student_numbers_only_raise_validation_error(text: str) -> None:
    try:
        info = parse_student_number(text, today=TODAY)
    except ValidationError as error:
        assert error.field == "student_number"
    else:
        assert len(info.number) == 19 and info.form in "GJL"


def test_is_valid_student_number_uses_today_by_default() -> None:
    tomorrow = date.today() + timedelta(days=1)
    assert not is_valid_student_number(make_student_number_j("450107", tomorrow, 1))
    assert is_valid_student_number(make_student_number_j("450107", date(2015, 6, 1), 1))
    assert not is_valid_student_number("nonsense")
