"""Search as you type: what a typed term means, and the indexed conditions that answer it.

A teacher types a name (韦小明), its pinyin initials (wxm), an ID number or a student number, usually only
the start of it. Each kind is answered from a B-tree index with a range scan (``col >= 'wx' AND col < 'wy'``)
rather than ``LIKE``: SQLite's LIKE is case-insensitive and ignores a case-sensitive index, so a range is the
form that always uses the index (migration 2 adds the indexes).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from app.store.guard import raw_cursor

MAX_TERM_LENGTH = 40
_ID_LIKE = re.compile(r"^\d{1,17}[\dX]?$")
_STUDENT_NUMBER_LIKE = re.compile(r"^[GJL]\d*[\dX]?$")
_LATIN = re.compile(r"^[a-z]+$")


class TermKind(Enum):
    EMPTY = "empty"
    ID_NUMBER = "id_number"  # digits: the start of an ID number (or of a G student number's digits)
    STUDENT_NUMBER = "student_number"  # G/J/L and digits
    INITIALS = "initials"  # Latin letters: pinyin initials, or the start of a Latin name
    NAME = "name"  # anything else: the start of a name


@dataclass(frozen=True)
class SearchTerm:
    """A typed search, cleaned: ``text`` is what the index is searched for."""

    kind: TermKind
    text: str

    @property
    def empty(self) -> bool:
        return self.kind is TermKind.EMPTY


def parse_term(typed: str | None) -> SearchTerm:
    """What the typed text is: an ID number, a student number, pinyin initials or a name (its start)."""
    text = clean_text(typed)
    if not text:
        return SearchTerm(TermKind.EMPTY, "")
    upper = text.upper()
    if _ID_LIKE.match(upper):
        return SearchTerm(TermKind.ID_NUMBER, upper)
    if _STUDENT_NUMBER_LIKE.match(upper) and len(upper) > 1:
        return SearchTerm(TermKind.STUDENT_NUMBER, upper)
    if _LATIN.match(text.lower()):
        return SearchTerm(TermKind.INITIALS, text.lower())
    return SearchTerm(TermKind.NAME, text)


def prefix_bounds(prefix: str) -> tuple[str, str]:
    """``(low, high)`` such that ``low <= text < high`` exactly when text starts with ``prefix`` (BINARY)."""
    last = ord(prefix[-1])
    if last >= 0x10FFFF:
        return prefix, prefix + "\U0010ffff"
    step = last + 1
    if 0xD800 <= step <= 0xDFFF:  # surrogates cannot be stored in UTF-8 text: step over them
        step = 0xE000
    return prefix, prefix[:-1] + chr(step)


# Each kind of term: the indexed column it is searched in, and the order that index already gives (so no
# sort step runs over 100,000 rows).
_STUDENT_COLUMNS: dict[TermKind, tuple[str, str]] = {
    TermKind.ID_NUMBER: ("s.id_number", "s.id_number"),
    TermKind.STUDENT_NUMBER: ("s.student_number", "s.student_number"),
    TermKind.INITIALS: ("s.name_initials", "s.name_initials, s.name"),
    TermKind.NAME: ("s.name", "s.name"),
}
ROSTER_ORDER = "s.school_id, s.grade, s.class_name, s.name"


def student_where(term: SearchTerm) -> tuple[str | None, list[Any]]:
    """The SQL condition on ``student AS s`` for a term and its parameters (None for an empty term).

    Latin names keep their letters whole in the initials ("Anna·李" -> "annal"), so initials find them too.
    """
    if term.kind is TermKind.EMPTY:
        return None, []
    column = _STUDENT_COLUMNS[term.kind][0]
    low, high = prefix_bounds(term.text)
    return f"{column} >= ? AND {column} < ?", [low, high]


def student_order(term: SearchTerm) -> str:
    """The ORDER BY of a search: the term's index order, or the roster order when nothing is typed."""
    if term.kind is TermKind.EMPTY:
        return ROSTER_ORDER
    return _STUDENT_COLUMNS[term.kind][1]


def clean_text(typed: str | None) -> str:
    """The typed text without spaces (people type "韦 小明" or paste "4501 07..."), full-width folded."""
    return "".join(unicodedata.normalize("NFKC", typed or "").split())[:MAX_TERM_LENGTH]


def household_where(session: Session, typed: str | None) -> tuple[str | None, list[Any]]:
    """Households (``household AS h``) whose head's name or address starts with the term, or that belong to a
    village whose name starts with it (so "那龙" finds every household of 那龙村)."""
    text = clean_text(typed)
    if not text:
        return None, []
    low, high = prefix_bounds(text)
    cursor = raw_cursor(session)
    try:
        village_ids = [row[0] for row in cursor.execute(
            "SELECT id FROM village WHERE name >= ? AND name < ? AND deleted = 0 LIMIT 200", (low, high))]
    finally:
        cursor.close()
    parts = ["(h.head_name >= ? AND h.head_name < ?)", "(h.address >= ? AND h.address < ?)"]
    params: list[Any] = [low, high, low, high]
    if village_ids:
        parts.append(f"h.village_id IN ({', '.join('?' * len(village_ids))})")
        params.extend(village_ids)
    return "(" + " OR ".join(parts) + ")", params


@dataclass(frozen=True)
class StudentHit:
    """One student found, for pickers (a visit's or a case's student)."""

    id: str
    name: str
    school_id: str
    grade: int
    class_name: str | None
    id_number: str | None


def search_students(session: Session, typed: str, *, limit: int = 50,
                    school_ids: Sequence[str] | None = None) -> list[StudentHit]:
    """The first ``limit`` live students matching a typed term, in the term's index order."""
    term = parse_term(typed)
    where, params = student_where(term)
    clauses = ["s.deleted = 0"] + ([where] if where else [])
    if school_ids is not None:
        ids = list(school_ids)
        if not ids:
            return []
        clauses.append(f"s.school_id IN ({', '.join('?' * len(ids))})")
        params = [*params, *ids]
    sql = (f"SELECT s.id, s.name, s.school_id, s.grade, s.class_name, s.id_number FROM student AS s "
           f"WHERE {' AND '.join(clauses)} ORDER BY {student_order(term)} LIMIT ?")
    return [StudentHit(*row) for row in session.connection().exec_driver_sql(sql, (*params, limit)).all()]
