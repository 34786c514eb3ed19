"""Whether an op's values are values its columns can hold: one check for every door an op comes in by.

An op is signed by the device that made it, so a bundle or a server page can be genuine and still carry a
value no honest laptop writes (a JSON object for a name, a number for a date, a code no table knows). Stored,
such a value breaks every reader downstream: binding it fails the whole apply, or it is stored and the next
query that reads the row raises. The server refuses such an op at push, and every laptop (and the server's
own dashboard copy) sets it aside at apply, so one bad op stops nothing else.

The check follows the models' own column types and the domain's code tables; it is a type check, not the
services' input validation (an honest laptop's value is never refused here for being unusual, only for being
of a kind its column cannot hold).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Integer, String, Text

from app.domain import codes
from app.domain.lifecycle import CaseStatus
from app.store.models import MODEL_BY_TABLE
from app.store.types import UtcDateTime, parse_utc

#: Columns that hold a code of a domain table (lists: every item is one).
CODE_FIELDS: dict[tuple[str, str], type[codes.Code]] = {
    ("student", "sex"): codes.Sex, ("student", "ethnicity"): codes.Ethnicity, ("student", "id_type"): codes.IdType,
    ("student", "status"): codes.StudentStatus, ("student", "left_behind"): codes.LeftBehind,
    ("student", "disability_type"): codes.DisabilityType, ("student", "disability_grade"): codes.DisabilityGrade,
    ("student", "boarding"): codes.BoardingType,
    ("household", "household_type"): codes.HouseholdType, ("household", "hardship"): codes.HardshipCategory,
    ("school", "school_type"): codes.SchoolType, ("campaign", "kind"): codes.CampaignKind,
    ("responsibility", "line"): codes.ResponsibilityLine, ("responsibility", "role"): codes.ResponsibilityRole,
    ("registry_change", "change_type"): codes.RegistryChangeType,
    ("registry_change", "from_status"): codes.StudentStatus, ("registry_change", "to_status"): codes.StudentStatus,
    ("visit", "status"): codes.VisitStatus, ("visit", "purpose"): codes.VisitPurpose,
    ("visit", "policies"): codes.Policy,
    ("key_target", "risk_reasons"): codes.DropoutReason,
    ("dropout_case", "status"): CaseStatus, ("dropout_case", "reason"): codes.DropoutReason,
    ("dropout_case", "outcome"): codes.CaseOutcome, ("dropout_case", "return_mode"): codes.ReturnMode,
    ("return_check", "term"): codes.Term,
}

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INT_RANGE = range(-(2**63), 2**63)  # what SQLite and PostgreSQL's bigint hold


@dataclass(frozen=True)
class _Column:
    kind: str  # text / int / bool / date / datetime / list / json
    nullable: bool
    length: int | None = None  # text: String(n) ids and keys are bounded; free text is not
    code: type[codes.Code] | None = None


def _kind(column_type: Any) -> str:
    if isinstance(column_type, Boolean):
        return "bool"
    if isinstance(column_type, Integer):
        return "int"
    if isinstance(column_type, UtcDateTime):
        return "datetime"
    if isinstance(column_type, Date):
        return "date"
    if isinstance(column_type, JSON):
        return "json"
    if isinstance(column_type, String | Text):
        return "text"
    raise TypeError(f"no value check for column type {column_type!r}")


def _columns() -> dict[str, dict[str, _Column]]:
    found: dict[str, dict[str, _Column]] = {}
    for table, model in MODEL_BY_TABLE.items():
        found[table] = {}
        for column in model.__table__.columns:
            if column.name == "id":
                continue
            kind = _kind(column.type)
            if kind == "json" and not column.nullable:
                kind = "list"
            # Keys (ids, scopes, codes, hashes) are bounded; a name that runs long is an honest laptop's.
            keyish = column.name in ("scope",) or column.name.endswith(("_id", "_sha256", "hash")) or \
                (table, column.name) in CODE_FIELDS
            length = getattr(column.type, "length", None) if kind == "text" and keyish else None
            found[table][column.name] = _Column(kind, bool(column.nullable), length,
                                                CODE_FIELDS.get((table, column.name)))
    return found


COLUMNS = _columns()


def _is_code(value: Any, code: type[codes.Code]) -> bool:
    return isinstance(value, str) and value in code._value2member_map_


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def value_problem(table: str, name: str, value: Any) -> str | None:
    """Why ``value`` cannot be stored in ``table.name`` (in English, for logs and the set-aside line), or None."""
    column = COLUMNS[table][name]
    where = f"{table}.{name}"
    if value is None:
        return None if column.nullable else f"{where} may not be empty"
    kind = column.kind
    if kind == "text":
        if not isinstance(value, str):
            return f"{where} must be text, not {type(value).__name__}"
        if column.length is not None and len(value) > column.length:
            return f"{where} is longer than {column.length}"
        if column.code is not None and not _is_code(value, column.code):
            return f"{where} holds no {column.code.__name__} code: {value[:20]!r}"
        return None
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value not in _INT_RANGE:
            return f"{where} must be a whole number"
        return None
    if kind == "bool":
        return None if isinstance(value, bool) or value in (0, 1) else f"{where} must be true or false"
    if kind == "date":
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            return f"{where} must be a date (YYYY-MM-DD)"
        try:
            date.fromisoformat(value)
        except ValueError:
            return f"{where} is no calendar date: {value!r}"
        return None
    if kind == "datetime":
        try:
            parse_utc(value)
        except (TypeError, ValueError, AttributeError):
            return f"{where} must be a time (ISO 8601)"
        return None
    if kind == "list":
        if not isinstance(value, list):
            return f"{where} must be a list"
        if column.code is not None:
            bad = [item for item in value if not _is_code(item, column.code)]
            return f"{where} holds no {column.code.__name__} code: {str(bad[0])[:20]!r}" if bad else None
        for item in value:
            if not (_scalar(item) or isinstance(item, Mapping) and all(
                    isinstance(k, str) and _scalar(v) for k, v in item.items())):
                return f"{where} holds an item that is neither a value nor a flat record"
        return None
    return None  # nullable JSON: any JSON value is storable


def op_problem(table: str, row_id: str, scope: str, data: Mapping[str, Any]) -> str | None:
    """Why an op of ``table`` cannot be stored (unknown table or field, a bad key, a value its column cannot
    hold), or None."""
    columns = COLUMNS.get(table)
    if columns is None:
        return f"unknown table {table}"
    if not isinstance(row_id, str) or not row_id or len(row_id) > 36:
        return "bad row id"
    if not isinstance(scope, str) or not scope or len(scope) > 36:
        return "bad scope"
    unknown = set(data) - set(columns)
    if unknown:
        return f"{table} has no field(s) {sorted(unknown)}"
    for name, value in data.items():
        problem = value_problem(table, name, value)
        if problem:
            return problem
    return None
