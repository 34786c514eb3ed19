"""Personal names: cleaning what was typed, and the pinyin keys used to search for it.

Zhuang and other minority names in Guangxi use rare characters outside the Basic Multilingual Plane
(e.g. 𰻝, U+30EDD); everything here works on code points, never on UTF-16 units or bytes, so those
characters survive and count as one character each.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from app.domain.errors import ValidationError

MAX_NAME_LENGTH = 30
MIDDLE_DOT = "·"

# Transliterated names (维吾尔, 哈萨克, foreign) join parts with a middle dot; input methods and fonts
# produce several look-alikes, and search only works if they are one character.
_DOT_LOOKALIKES = {ord(ch): MIDDLE_DOT for ch in "\u30fb\u2027\u2022\uff65\u2219\u22c5"}
# Invisible characters come with names pasted from WeChat or Excel; they are not the user's doing.
_INVISIBLE = {ord(ch): None for ch in "\u200b\u200c\u200d\u2060\ufeff"}
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})

# pypinyin reads a character by its most common sound, but as surnames these are read differently;
# 覃 (Qín) and 区 (Ōu) are common surnames in Guangxi and a search for "qin" must find them.
_SURNAME_READINGS = {
    "覃": "qin",
    "区": "ou",
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "翟": "zhai",
    "缪": "miao",
    "卜": "bu",
}


def normalize_name(text: str) -> str:
    """The name as it should be stored: NFC, trimmed, single spaces, one kind of middle dot.

    Raises ValidationError(field="name") for an empty name, digits, control characters, or a name
    longer than MAX_NAME_LENGTH characters.
    """
    if 0 < len(text) <= MAX_NAME_LENGTH and text.isalpha() and unicodedata.is_normalized("NFC", text):
        return text  # the usual case: letters only, nothing to clean (imports validate 100,000 of these)
    name = unicodedata.normalize("NFC", text).translate(_INVISIBLE).translate(_DOT_LOOKALIKES)
    name = re.sub(r"\s+", " ", name).strip()
    name = re.sub(rf"\s*{MIDDLE_DOT}\s*", MIDDLE_DOT, name)
    if not name:
        raise ValidationError("请填写姓名", "The name is empty", field="name")
    digits = [ch for ch in name if ch.isdigit()]
    if digits:
        raise ValidationError(
            f"姓名「{name}」中有数字「{digits[0]}」，请核对",
            f'The name "{name}" contains the digit "{digits[0]}"; please check it',
            field="name",
        )
    if any(unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in name):
        shown = name.encode("unicode_escape").decode("ascii")
        raise ValidationError(
            f"姓名「{shown}」中有不可见的控制字符，请重新输入",
            f'The name "{shown}" contains invisible control characters; please type it again',
            field="name",
        )
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            f"姓名「{name[:MAX_NAME_LENGTH]}…」有 {len(name)} 个字，最多 {MAX_NAME_LENGTH} 个字",
            f'The name "{name[:MAX_NAME_LENGTH]}…" has {len(name)} characters, at most {MAX_NAME_LENGTH}',
            field="name",
        )
    return name


def pinyin_initials(name: str) -> str:
    """Lowercase pinyin initials for search: 韦小明 -> "wxm".

    Latin letters are kept whole and lowercased; characters pypinyin has no reading for are skipped.
    Han names are read character by character (a name is not a phrase, and the per-character cache keeps
    an import of 100,000 students fast).
    """
    text = unicodedata.normalize("NFC", name).strip()
    if text and all(not ch.isascii() and ch.isalpha() for ch in text):
        surname = _SURNAME_READINGS.get(text[0]) if len(text) > 1 else None
        first = surname[0] if surname is not None else _char_initial(text[0])
        return first + "".join(_char_initial(ch) for ch in text[1:])
    return "".join(_readings(name, "initials"))


@functools.lru_cache(maxsize=16384)
def _char_initial(ch: str) -> str:
    return "".join(_readings(ch, "initials"))


def pinyin_full(name: str) -> str:
    """Toneless pinyin without spaces for search: 韦小明 -> "weixiaoming" (ü written as v, as typed)."""
    return "".join(_readings(name, "full"))


def _readings(name: str, kind: str) -> list[str]:
    # pypinyin loads ~55 MB of dictionaries: imported on first use, not when the app starts.
    from pypinyin import Style, lazy_pinyin

    style = Style.FIRST_LETTER if kind == "initials" else Style.NORMAL
    text = unicodedata.normalize("NFC", name).strip()
    head: list[str] = []
    surname = _SURNAME_READINGS.get(text[:1])
    if surname is not None and len(text) > 1:
        head = [surname[0] if style == Style.FIRST_LETTER else surname]
        text = text[1:]
    return head + [syllable.lower() for syllable in lazy_pinyin(text, style=style, errors=_latin_letters)]


def _latin_letters(chunk: str) -> str:
    # Decomposing first turns "Zoë" into "Zoe"; Han characters without a reading, digits, dots and
    # spaces are all dropped (pypinyin drops empty results), since nobody types them into a search.
    return "".join(ch for ch in unicodedata.normalize("NFKD", chunk) if ch.isascii() and ch.isalpha()).lower()
