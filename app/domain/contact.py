"""Phone numbers of guardians, visitors and cadres.

Numbers are stored in one form so that a search, a duplicate check and a printed sheet agree:
mobiles as 11 digits, landlines as area code, dash, local number ("0771-1234567").
"""

from __future__ import annotations

import re

from app.domain.errors import ValidationError

# Separators people type between digit groups, in half and full width; stripped before checking.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\uff0d()\uff08\uff09.]+")
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{9,11}")

# 010 (Beijing) and 020–029 (the largest cities) are the only two-digit area codes; every other area
# code has three digits after the 0. This settles how to split a landline typed without a dash.
_TWO_DIGIT_AREA_LEADS = frozenset("12")


def normalize_phone(text: str) -> str:
    """The stored form of a mobile or landline number; ValidationError(field="phone") otherwise."""
    digits = _SEPARATORS.sub("", text.translate(_FULL_WIDTH))
    for prefix in ("+86", "0086"):
        digits = digits.removeprefix(prefix)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if _MOBILE.fullmatch(digits):
        return digits
    if _LANDLINE.fullmatch(digits):
        area_length = 3 if digits[1] in _TWO_DIGIT_AREA_LEADS else 4
        area, local = digits[:area_length], digits[area_length:]
        if 7 <= len(local) <= 8:
            return f"{area}-{local}"
    shown = text.strip()
    if not shown:
        raise ValidationError("请填写电话号码", "The phone number is empty", field="phone")
    raise ValidationError(
        f"电话号码「{shown}」格式不对：手机号是以 1 开头的 11 位数字，座机是区号加号码，如 0771-1234567",
        f'Phone number "{shown}" is not valid: a mobile has 11 digits starting with 1, a landline is an '
        "area code and a number, e.g. 0771-1234567",
        field="phone",
    )

