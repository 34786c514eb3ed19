"""The one set of masking rules: ID, student and phone numbers, disability details."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.identity import make_id_number, make_student_number_j
from app.domain.masking import (
    HIDDEN,
    MASKED_FIELDS,
    mask_disability,
    mask_field,
    mask_id_number,
    mask_phone,
    mask_student_number,
)

KNOWN_ID = "450107201403051238"
divisions = st.text(alphabet="0123456789", min_size=6, max_size=6)
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 1, 15))
sequences = st.integers(min_value=0, max_value=999)
mobiles = st.builds(lambda second, rest: f"1{second}{rest}", st.sampled_from("3456789"),
                    st.text(alphabet="0123456789", min_size=9, max_size=9))


# --- ID numbers ---------------------------------------------------------------------------------------
def test_mask_id_number() -> None:
    assert mask_id_number(KNOWN_ID) == "450107********1238"
    assert mask_id_number("11010519491231002x") == "110105********002X"
    assert mask_id_number("12345") == "***45"
    assert mask_id_number("12") == "**"
    assert mask_id_number("") == ""


@given(division=divisions, birth=births, sequence=sequences)
def test_id_mask_keeps_length_and_last_four(division: str, birth: date, sequence: int) -> None:
    number = make_id_number(division, birth, sequence)
    masked = mask_id_number(number)
    assert len(masked) == len(number)
    assert masked[:6] == division
    assert masked[-4:] == number[-4:]
    assert masked[6:14] == "*" * 8


@given(st.text(alphabet="0123456789abc", min_size=3, max_size=30).filter(lambda t: len(t) != 18))
def test_id_mask_of_other_text_shows_only_the_last_two(text: str) -> None:
    assert mask_id_number(text) == "*" * (len(text) - 2) + text[-2:]


# --- student numbers ----------------------------------------------------------------------------------
def test_every_student_number_form_hides_its_birth_date() -> None:
    j_number = make_student_number_j("450107", date(2015, 3, 5), 12)
    assert mask_student_number("G" + KNOWN_ID) == "G450107********1238"
    assert mask_student_number("g" + KNOWN_ID[:-1] + "x") == "G450107********123X"
    assert mask_student_number(j_number) == "J450107********" + j_number[-4:]
    assert mask_student_number("L450107201503051234") == "L450107********1234"


def test_other_student_number_text_is_masked_like_an_id_number() -> None:
    assert mask_student_number(KNOWN_ID) == "450107********1238"  # an ID number typed as the student number
    assert mask_student_number("G12345") == "****45"
    assert mask_student_number("GABCDEFGHIJKLMNOPQR") == "G" + "*" * 16 + "QR"
    assert mask_student_number("") == ""


@given(division=divisions, birth=births, sequence=sequences)
def test_a_g_number_shows_what_its_id_number_shows(division: str, birth: date, sequence: int) -> None:
    number = make_id_number(division, birth, sequence)
    assert mask_student_number("G" + number) == "G" + mask_id_number(number)


# --- phone numbers ------------------------------------------------------------------------------------
def test_mask_phone() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "138****5678"
    assert mask_phone("0771-1234567") == "0771-***4567"
    assert mask_phone("010-12345678") == "010-****5678"
    assert mask_phone("12345") == "***45"
    assert mask_phone("1") == "*"


@given(mobiles)
def test_phone_mask_keeps_length_and_last_four(number: str) -> None:
    masked = mask_phone(number)
    assert len(masked) == 11
    assert masked[:3] == number[:3] and masked[-4:] == number[-4:]
    assert masked[3:7] == "****"


# --- disability details and fields by name ------------------------------------------------------------
def test_disability_details_are_hidden_whole() -> None:
    assert mask_disability("肢体 二级", "zh") == "（已隐藏）"
    assert mask_disability("Physical", "en") == "(hidden)"
    assert mask_disability("") == "" and mask_disability("  ") == ""


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("id_number", KNOWN_ID, "450107********1238"),
    ("student_number", "G" + KNOWN_ID, "G450107********1238"),
    ("phone", "13812345678", "138****5678"),
    ("contact_phone", "0771-1234567", "0771-***4567"),
    ("disability_type", "physical", HIDDEN["zh"]),
    ("disability_grade", "2", HIDDEN["zh"]),
    ("name", "韦小明", "韦小明"),
    ("id_number", "", ""),
])
def test_mask_field_by_name(name: str, text: str, expected: str) -> None:
    assert mask_field(name, text, "zh") == expected
    assert (name in MASKED_FIELDS) == (name != "name")
