"""Names and their pinyin search keys."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import ValidationError
from app.domain.names import MAX_NAME_LENGTH, normalize_name, pinyin_full, pinyin_initials

RARE = "\U00030edd"  # 𰻝, CJK Extension G, outside the Basic Multilingual Plane
NO_READING = "\U0002a6d6"  # 𪛖, CJK Extension B, a character pypinyin has no reading for


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("韦小明", "韦小明"),
        ("  韦小明\u3000", "韦小明"),
        ("韦  小\t明", "韦 小 明"),
        ("韦" + RARE, "韦" + RARE),
        ("买买提·艾力", "买买提·艾力"),
        ("买买提 ・ 艾力", "买买提·艾力"),
        ("买买提•艾力", "买买提·艾力"),
        ("Jose\u0301 Li", "José Li"),
        ("韦\u200b小明", "韦小明"),
        ("李〇", "李〇"),
    ],
)
def test_normalize_name(text: str, expected: str) -> None:
    assert normalize_name(text) == expected


def test_characters_outside_the_bmp_survive_and_count_once() -> None:
    name = normalize_name(f" 韦{RARE} ")
    assert name == f"韦{RARE}"
    assert len(name) == 2
    assert ord(name[1]) == 0x30EDD
    assert normalize_name(RARE * MAX_NAME_LENGTH) == RARE * MAX_NAME_LENGTH


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_empty_name(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_name(text)
    assert caught.value.zh == "请填写姓名"
    assert caught.value.field == "name"


@pytest.mark.parametrize("text", ["韦小明2", "韦３", "张①"])
def test_digits_are_refused(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_name(text)
    assert "数字" in caught.value.zh
    assert caught.value.field == "name"


@pytest.mark.parametrize("text", ["韦\x00小明", "韦\x07明", "韦\u202e明"])
def test_control_characters_are_refused(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_name(text)
    assert "控制字符" in caught.value.zh


def test_length_limit() -> None:
    assert normalize_name("韦" * MAX_NAME_LENGTH) == "韦" * MAX_NAME_LENGTH
    with pytest.raises(ValidationError) as caught:
        normalize_name("韦" * (MAX_NAME_LENGTH + 1))
    assert f"{MAX_NAME_LENGTH + 1} 个字" in caught.value.zh


@given(st.text(max_size=40))
def test_normalize_name_is_idempotent_or_raises_validation_error(text: str) -> None:
    try:
        name = normalize_name(text)
    except ValidationError as error:
        assert error.field == "name"
        return
    assert normalize_name(name) == name
    assert name == name.strip() and "  " not in name
    assert unicodedata.is_normalized("NFC", name)
    assert 1 <= len(name) <= MAX_NAME_LENGTH


@pytest.mark.parametrize(
    ("name", "initials", "full"),
    [
        ("韦小明", "wxm", "weixiaoming"),
        ("黄丽", "hl", "huangli"),
        ("吕布", "lb", "lvbu"),
        ("Tom·李", "toml", "tomli"),
        ("Zoë 王", "zoew", "zoewang"),
        (f"韦{NO_READING}明", "wm", "weiming"),
    ],
)
def test_pinyin(name: str, initials: str, full: str) -> None:
    assert pinyin_initials(name) == initials
    assert pinyin_full(name) == full


def test_rare_characters_do_not_break_pinyin() -> None:
    # pypinyin 0.55 knows 𰻝 (biang); a character it does not know is skipped instead.
    assert pinyin_initials(f"韦{RARE}") == "wb"
    assert pinyin_initials(f"韦{NO_READING}") == "w"


@pytest.mark.parametrize(
    ("name", "initials", "full"),
    [("覃小明", "qxm", "qinxiaoming"), ("区志强", "ozq", "ouzhiqiang"), ("单雄", "sx", "shanxiong")],
)
def test_surnames_use_their_surname_reading(name: str, initials: str, full: str) -> None:
    assert pinyin_initials(name) == initials
    assert pinyin_full(name) == full


def test_a_lone_character_keeps_its_common_reading() -> None:
    assert pinyin_full("区") == "qu"


@given(st.text(max_size=20))
def test_pinyin_keys_are_lowercase_ascii_letters(text: str) -> None:
    for key in (pinyin_initials(text), pinyin_full(text)):
        assert key == "" or (key.isascii() and key.isalpha() and key.islower())
