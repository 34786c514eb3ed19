"""What a masked personal value looks like: one rule per kind, for screens, printouts, ledgers and logs.

- ID number: the 6-digit division code and the last 4 show, the birth date and sequence are hidden
  (450107********123X); text not shaped like an ID number shows only its last 2 characters.
- National student number (G, J or L + 18 characters): the letter, then its 18 characters masked like an ID
  number (G450107********123X, J450107********0012, L450107********1234): the G form holds an ID number, the
  J and L forms a birth date. Anything else is masked like an ID number.
- Phone number: a mobile's first 3 and last 4 digits (138****5678), a landline's area code and last 4
  (0771-***4567); text that is not a number shows only its last 2 characters.
- Disability details (type and grade): hidden whole, as 「（已隐藏）」 ("(hidden)"); whether a student has a
  disability at all is not hidden (the roster's filter and flags tell it).

Whether a value is masked is the caller's decision (a role's reveal, ``--reveal``); how it is masked is
decided here only. :data:`MASKED_FIELDS` names the record fields these rules cover, and
:func:`mask_field` masks one of them by its name.
"""

from __future__ import annotations

from collections.abc import Callable

from app.domain.contact import normalize_phone
from app.domain.errors import ValidationError
from app.domain.i18n import resolve_language
from app.domain.identity import ID_LENGTH, is_id_shaped, normalize_id_text

__all__ = ["HIDDEN", "MASKED_FIELDS", "mask_disability", "mask_field", "mask_id_number", "mask_phone",
           "mask_student_number"]

#: The text a value hidden whole is shown as, per language.
HIDDEN = {"zh": "（已隐藏）", "en": "(hidden)"}
_STUDENT_NUMBER_FORMS = ("G", "J", "L")


def _last_two(text: str) -> str:
    return "*" * (len(text) - 2) + text[-2:] if len(text) > 2 else "*" * len(text)


def mask_id_number(number: str) -> str:
    """The number with only its first 6 and last 4 characters showing, for lists and printouts.

    Anything that is not shaped like an ID number (17 digits and a digit or X) shows only its last 2.
    """
    text = normalize_id_text(number)
    if is_id_shaped(text):
        return text[:6] + "*" * 8 + text[-4:]
    return _last_two(text)


def mask_student_number(number: str) -> str:
    """A national student number with the ID number or birth date inside it hidden: G450107********123X."""
    text = normalize_id_text(number).upper()
    if len(text) == ID_LENGTH + 1 and text[0] in _STUDENT_NUMBER_FORMS:
        return text[0] + mask_id_number(text[1:])
    return mask_id_number(text)


def mask_phone(text: str) -> str:
    """The number with its middle hidden for lists and printouts: "138****5678", "0771-***4567".

    Text that is not a valid number shows only its last 2 characters.
    """
    try:
        number = normalize_phone(text)
    except ValidationError:
        return _last_two(text.strip())
    if "-" in number:
        area, local = number.split("-")
        return f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"
    return number[:3] + "****" + number[-4:]


def mask_disability(text: str, lang: str | None = None) -> str:
    """Disability details (a type, a grade, or both as words) hidden whole; empty text stays empty."""
    return HIDDEN[resolve_language(lang)] if text.strip() else ""


_MASKS: dict[str, Callable[[str], str]] = {
    "id_number": mask_id_number, "student_number": mask_student_number,
    "phone": mask_phone, "contact_phone": mask_phone,
}
_HIDDEN_WHOLE = frozenset({"disability_type", "disability_grade"})
#: The record fields (of a student, household, member, visit) shown masked.
MASKED_FIELDS = frozenset(_MASKS) | _HIDDEN_WHOLE


def mask_field(name: str, text: str, lang: str | None = None) -> str:
    """``text`` of the field ``name`` as it is shown masked (unchanged when the field is not a masked one);
    ``lang`` is the language of the text a value hidden whole is shown as."""
    if name in _HIDDEN_WHOLE:
        return mask_disability(text, lang)
    mask = _MASKS.get(name)
    return mask(text) if mask is not None and text else text
