"""Resident ID numbers (居民身份证号) and national student numbers (全国学籍号).

Both are typed by hand from paper forms, so every rejection says exactly what is wrong (which position,
which date, which check character) for the teacher to compare with the card in front of them.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from app.domain.codes import Sex
from app.domain.errors import ValidationError

ID_LENGTH = 18
STUDENT_NUMBER_LENGTH = 19
EARLIEST_BIRTH_YEAR = 1900

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_ZERO_WEIGHT = ord("0") * sum(_WEIGHTS)
_DIGITS = frozenset("0123456789")

# Text pasted from Word, WeChat or Excel carries full-width forms (typed with a Chinese input method)
# and invisible characters; neither is a typing mistake the user could see, so both are silently fixed.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_INVISIBLE = {ord(ch): None for ch in "\u200b\u200c\u200d\u2060\ufeff"}

# Builds the error for one field; the checks below are shared by ID and student numbers.
_Fail = Callable[[str, str], ValidationError]

# Keeps messages readable when a whole spreadsheet cell of garbage lands in the field.
_MAX_SHOWN = 40


def normalize_id_text(text: str) -> str:
    """``text`` without spaces (any width) or invisible characters, full-width forms made ASCII, x as X."""
    if text.isascii() and text.isalnum():
        return text.replace("x", "X")  # the usual case (an import of 100,000 rows): nothing to clean
    converted = text.translate(_FULL_WIDTH).translate(_INVISIBLE)
    return "".join(ch for ch in converted if not ch.isspace()).replace("x", "X")


def id_check_char(first17: str) -> str:
    """The check character (0–9 or X) of an ID number whose first 17 digits are ``first17``."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError(f"need 17 ASCII digits, got {first17!r}")
    # The digits' bytes less '0' times the weights, without an int() per digit (a quarter of the time).
    total = sum(map(operator.mul, first17.encode("ascii"), _WEIGHTS)) - _ZERO_WEIGHT
    return _CHECK_CHARS[total % 11]


@dataclass(frozen=True)
class IdInfo:
    """What a valid ID number says: its division code, birth date and sex."""

    number: str
    division: str
    birth_date: date
    sex: Sex


def parse_id_number(text: str, *, today: date | None = None) -> IdInfo:
    """Check an ID number and read it; ValidationError(field="id_number") says what is wrong."""
    return _parse_id_number(text, today) if today is None else _parse_id_number_on(text, today)


@functools.lru_cache(maxsize=1024)
def _parse_id_number_on(text: str, today: date) -> IdInfo:
    # An import reads each row's ID number when it matches the row to a student and again when it validates the
    # student: the second read is a hit. Only for a given day (no day means today, which moves); IdInfo is frozen.
    return _parse_id_number(text, today)


def _parse_id_number(text: str, today: date | None) -> IdInfo:
    number = normalize_id_text(text)
    shown = _shown(number)
    zh_subject, en_subject = f"身份证号 {shown}", f"ID number {shown}"

    def fail(zh: str, en: str) -> ValidationError:
        return ValidationError(zh, en, field="id_number")

    if not number:
        raise fail("请填写身份证号", "The ID number is empty")
    if len(number) == 15 and set(number) <= _DIGITS:
        raise fail(
            f"{zh_subject} 是 15 位的旧号码，请填写 18 位的新号码",
            f"{en_subject} is an old 15-digit number; enter the 18-character one",
        )
    if len(number) != ID_LENGTH:
        raise fail(
            f"{zh_subject} 长度应为 18 位，现在是 {len(number)} 位",
            f"{en_subject} must have 18 characters, it has {len(number)}",
        )
    _check_digits(number, 0, 17, zh_subject, en_subject, fail)
    _check_last_char(number, zh_subject, en_subject, fail)
    birth = _birth_date(number[6:14], today, zh_subject, en_subject, fail)
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise fail(
            f"{zh_subject} 的校验位不对：按前 17 位计算，最后一位应为 {expected}，现在是 {number[17]}，"
            "请核对是否有数字抄错",
            f"{en_subject} fails its check: from the first 17 digits it should end with {expected}, "
            f"not {number[17]}; check for a mistyped digit",
        )
    sex = Sex.MALE if int(number[16]) % 2 == 1 else Sex.FEMALE
    return IdInfo(number=number, division=number[:6], birth_date=birth, sex=sex)


def is_valid_id_number(text: str) -> bool:
    """Whether :func:`parse_id_number` accepts ``text``."""
    return _is_id_number(text, None)


def _is_id_number(text: str, today: date | None) -> bool:
    try:
        parse_id_number(text, today=today)
    except ValidationError:
        return False
    return True


def check_id_matches(info: IdInfo, *, birth_date: date | None, sex: Sex | None) -> None:
    """Raise ValidationError if the recorded birth date or sex disagrees with the ID number."""
    if birth_date is not None and birth_date != info.birth_date:
        raise ValidationError(
            f"身份证号显示出生日期为 {info.birth_date.isoformat()}，但登记的是 {birth_date.isoformat()}",
            f"The ID number gives birth date {info.birth_date.isoformat()}, "
            f"but {birth_date.isoformat()} is recorded",
            field="birth_date",
        )
    if sex is not None and sex is not info.sex:
        raise ValidationError(
            f"身份证号显示性别为{info.sex.zh}，但登记的是{sex.zh}",
            f"The ID number gives sex {info.sex.en}, but {sex.en} is recorded",
            field="sex",
        )


def make_id_number(division: str, birth_date: date, sequence: int) -> str:
    """A valid ID number; an odd ``sequence`` (0–999) makes it a boy's. For demo data and tests."""
    if len(division) != 6 or not set(division) <= _DIGITS:
        raise ValueError(f"division must be 6 digits, got {division!r}")
    if not 0 <= sequence <= 999:
        raise ValueError(f"sequence must be 0–999, got {sequence}")
    first17 = f"{division}{_yyyymmdd(birth_date)}{sequence:03d}"
    return first17 + id_check_char(first17)


def is_id_shaped(text: str) -> bool:
    """Whether normalized ``text`` has an ID number's shape (17 digits and a digit or X), valid or not."""
    return len(text) == ID_LENGTH and set(text[:17]) <= _DIGITS and text[17] in _CHECK_CHARS


@dataclass(frozen=True)
class StudentNumberInfo:
    """What a valid national student number says. ``form`` is 'G', 'J' or 'L'."""

    number: str
    form: str
    birth_date: date | None
    id_number: str | None


def parse_student_number(text: str, *, today: date | None = None) -> StudentNumberInfo:
    """Check a national student number and read it; ValidationError(field="student_number") if wrong.

    G + an ID number; J + area code, birth date, 3-digit sequence and a check character computed like
    an ID's over the 17 characters after J; L + area code, birth date and 4 digits (temporary numbers,
    with no check character).
    """
    number = normalize_id_text(text).upper()
    shown = _shown(number)
    zh_subject, en_subject = f"全国学籍号 {shown}", f"Student number {shown}"

    def fail(zh: str, en: str) -> ValidationError:
        return ValidationError(zh, en, field="student_number")

    if not number:
        raise fail("请填写全国学籍号", "The student number is empty")
    form = number[0]
    if form not in "GJL":
        if _is_id_number(number, today):
            # The commonest mistake: the ID number typed where the student number belongs.
            raise fail(
                f"{zh_subject} 是身份证号：有身份证的学生，全国学籍号是 G 加身份证号",
                f"{en_subject} is an ID number; for a student with an ID it is G + the ID number",
            )
        raise fail(
            f"{zh_subject} 应以 G、J 或 L 开头",
            f"{en_subject} must start with G, J or L",
        )
    if len(number) != STUDENT_NUMBER_LENGTH:
        raise fail(
            f"{zh_subject} 长度应为 19 位，现在是 {len(number)} 位",
            f"{en_subject} must have 19 characters, it has {len(number)}",
        )
    if form == "G":
        try:
            info = parse_id_number(number[1:], today=today)
        except ValidationError as error:
            raise fail(
                f"{zh_subject} 中 G 后面的身份证号有误：{error.zh}",
                f"{en_subject}: the ID number after G is wrong: {error.en}",
            ) from error
        return StudentNumberInfo(number=number, form=form, birth_date=info.birth_date, id_number=info.number)
    if form == "J":
        _check_digits(number, 1, 18, zh_subject, en_subject, fail)
        _check_last_char(number, zh_subject, en_subject, fail)
    else:
        _check_digits(number, 1, 19, zh_subject, en_subject, fail)
    birth = _birth_date(number[7:15], today, zh_subject, en_subject, fail)
    if form == "J":
        expected = id_check_char(number[1:18])
        if number[18] != expected:
            raise fail(
                f"{zh_subject} 的校验位不对：最后一位应为 {expected}，现在是 {number[18]}，"
                "请核对是否有数字抄错",
                f"{en_subject} fails its check: it should end with {expected}, not {number[18]}; "
                "check for a mistyped digit",
            )
    return StudentNumberInfo(number=number, form=form, birth_date=birth, id_number=None)


def is_valid_student_number(text: str) -> bool:
    """Whether :func:`parse_student_number` accepts ``text``."""
    try:
        parse_student_number(text)
    except ValidationError:
        return False
    return True


def make_student_number_j(area: str, birth: date, sequence: int) -> str:
    """A valid J-form student number (for a child without an ID). For demo data and tests."""
    if len(area) != 6 or not set(area) <= _DIGITS:
        raise ValueError(f"area must be 6 digits, got {area!r}")
    if not 0 <= sequence <= 999:
        raise ValueError(f"sequence must be 0–999, got {sequence}")
    body = f"{area}{_yyyymmdd(birth)}{sequence:03d}"
    return "J" + body + id_check_char(body)


def _shown(number: str) -> str:
    return number if len(number) <= _MAX_SHOWN else number[:_MAX_SHOWN] + "…"


def _yyyymmdd(day: date) -> str:
    # strftime("%Y") does not zero-pad years below 1000 on every platform.
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _check_digits(number: str, start: int, stop: int, zh_subject: str, en_subject: str, fail: _Fail) -> None:
    for position in range(start, stop):
        char = number[position]
        if char not in _DIGITS:
            raise fail(
                f"{zh_subject} 的第 {position + 1} 位「{char}」不是数字",
                f'{en_subject}: character {position + 1} ("{char}") is not a digit',
            )


def _check_last_char(number: str, zh_subject: str, en_subject: str, fail: _Fail) -> None:
    last = number[-1]
    if last not in _CHECK_CHARS:
        raise fail(
            f"{zh_subject} 的最后一位只能是数字或 X，现在是「{last}」",
            f'{en_subject} must end with a digit or X, not "{last}"',
        )


def _birth_date(digits: str, today: date | None, zh_subject: str, en_subject: str, fail: _Fail) -> date:
    written = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    try:
        birth = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise fail(
            f"{zh_subject} 中的出生日期 {written} 不存在",
            f"{en_subject} contains the birth date {written}, which does not exist",
        ) from None
    today = date.today() if today is None else today
    if birth > today:
        raise fail(
            f"{zh_subject} 中的出生日期 {written} 晚于今天（{today.isoformat()}）",
            f"{en_subject} contains the birth date {written}, which is after today ({today.isoformat()})",
        )
    if birth.year < EARLIEST_BIRTH_YEAR:
        raise fail(
            f"{zh_subject} 中的出生日期 {written} 早于 {EARLIEST_BIRTH_YEAR} 年",
            f"{en_subject} contains the birth date {written}, which is before {EARLIEST_BIRTH_YEAR}",
        )
    return birth
