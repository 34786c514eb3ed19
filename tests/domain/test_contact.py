"""Phone numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.contact import normalize_phone
from app.domain.errors import ValidationError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13800138000", "13800138000"),
        (" 138 0013 8000 ", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("86 13800138000", "13800138000"),
        ("0086-13800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("0771-1234567", "0771-1234567"),
        ("07711234567", "0771-1234567"),
        ("0771 12345678", "0771-12345678"),
        ("(0771)1234567", "0771-1234567"),
        ("（0771）1234567", "0771-1234567"),
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("02087654321", "020-87654321"),
        ("0771－1234567", "0771-1234567"),
    ],
)
def test_normalize_phone(text: str, expected: str) -> None:
    assert normalize_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1380013800",  # 10 digits
        "138001380001",  # 12 digits
        "23800138000",  # does not start with 1
        "12345678901",  # no mobile starts with 12
        "0771-123456",  # local number too short
        "0771-123456789",  # local number too long
        "1234567",  # landline without area code
        "138OO138000",  # letters O for zeros
        "电话13800138000",
    ],
)
def test_bad_numbers_are_refused(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_phone(text)
    assert caught.value.field == "phone"
    assert text in caught.value.zh and "0771-1234567" in caught.value.zh
    assert text in caught.value.en


def test_empty_phone() -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_phone("  ")
    assert caught.value.zh == "请填写电话号码"


mobiles = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)


@given(
    number=mobiles,
    prefix=st.sampled_from(["", "+86", "+86 ", "86", "0086 "]),
    separator=st.sampled_from(["", " ", "-"]),
)
def test_mobiles_in_any_common_spelling_normalize_to_eleven_digits(
    number: str, prefix: str, separator: str
) -> None:
    text = prefix + separator.join((number[:3], number[3:7], number[7:]))
    assert normalize_phone(text) == number


@given(
    area=st.one_of(
        st.sampled_from(["010", "020", "021", "029"]),
        st.builds(lambda rest: "0" + rest, st.text(alphabet="3456789", min_size=3, max_size=3)),
    ),
    local=st.text(alphabet="0123456789", min_size=7, max_size=8),
    separator=st.sampled_from(["", "-", " "]),
)
def test_landlines_split_at_the_area_code(area: str, local: str, separator: str) -> None:
    normalized = normalize_phone(area + separator + local)
    assert normalized == f"{area}-{local}"
    assert normalize_phone(normalized) == normalized


@given(st.text(max_size=25))
def test_random_text_raises_only_validation_error(text: str) -> None:
    try:
        normalized = normalize_phone(text)
    except ValidationError as error:
        assert error.field == "phone"
    else:
        assert normalize_phone(normalized) == normalized
