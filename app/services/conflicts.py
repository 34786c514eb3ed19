"""Conflicts: fields two devices set differently without seeing each other. Listing them with every
candidate value (who, when, from which device), and resolving one, which is an op that syncs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.errors import NotFoundError
from app.services.common import KIND_LABELS
from app.store import oplog
from app.store.clock import physical_ms
from app.store.models import MODEL_BY_TABLE, Conflict, SyncDevice, User


@dataclass(frozen=True)
class Candidate:
    op: str  # op id, "device:seq"
    value: Any
    device_id: str
    device_name: str | None
    user_id: str | None
    user_name: str | None
    at: datetime
    winner: bool

    def as_dict(self) -> dict[str, Any]:
        return {"op": self.op, "value": self.value, "device": self.device_id, "device_name": self.device_name,
                "user": self.user_id, "user_name": self.user_name, "at": self.at.isoformat(), "winner": self.winner}


@dataclass(frozen=True)
class ConflictView:
    table: str
    row_id: str
    field: str
    kind_zh: str
    kind_en: str
    record: str  # a short description of the record (a student's name, a school's name...)
    candidates: list[Candidate]

    def as_dict(self) -> dict[str, Any]:
        return {"table": self.table, "row_id": self.row_id, "field": self.field, "record": self.record,
                "candidates": [c.as_dict() for c in self.candidates]}


def _describe(session: Session, table: str, row_id: str) -> str:
    row = session.get(MODEL_BY_TABLE[table], row_id)
    for attribute in ("name", "head_name", "person_name", "code"):
        value = getattr(row, attribute, None)
        if value:
            return str(value)
    return row_id


def list_conflicts(session: Session) -> list[ConflictView]:
    """Every open conflict, winner first among its candidates (the value shown until someone decides)."""
    users = {u.id: u.display_name for u in session.scalars(select(User))}
    devices = {d.device_id: d.name for d in session.scalars(select(SyncDevice))}
    views = []
    for conflict in session.scalars(select(Conflict).order_by(Conflict.tbl, Conflict.row_id, Conflict.field)):
        ops = {op.key: op for op in oplog.row_ops(session, conflict.tbl, conflict.row_id)}
        candidates = []
        for index, key in enumerate(conflict.heads):
            op = ops[key]
            candidates.append(Candidate(
                op=key, value=op.value_of(conflict.field), device_id=op.device_id,
                device_name=devices.get(op.device_id), user_id=op.user_id,
                user_name=users.get(op.user_id or ""), winner=index == 0,
                at=datetime.fromtimestamp(physical_ms(op.hlc) / 1000, tz=UTC)))
        zh, en = KIND_LABELS.get(conflict.tbl, (conflict.tbl, conflict.tbl))
        views.append(ConflictView(conflict.tbl, conflict.row_id, conflict.field, zh, en,
                                  _describe(session, conflict.tbl, conflict.row_id), candidates))
    return views


def resolve_conflict(session: Session, table: str, row_id: str, field: str, value: Any) -> None:
    """Decide a conflict: the value (one of the candidates, or a new one) is written by an op that names
    every head, so every device sees the conflict resolved once it syncs. The losing values stay in the log."""
    conflict = session.get(Conflict, (table, row_id, field))
    model = MODEL_BY_TABLE.get(table)
    if conflict is None or model is None:
        raise NotFoundError("这处冲突已经处理过了（或不存在）。",
                            "This conflict was already resolved (or does not exist).")
    row = session.get(model, row_id)
    assert row is not None
    if isinstance(value, str):
        value = _check_typed(field, value)
    oplog.update(session, row, {field: value}, force=True)


def _check_typed(field: str, value: str) -> str:
    """A value typed to settle a conflict passes the same checks as in its form."""
    from app.domain.contact import normalize_phone
    from app.domain.identity import parse_id_number
    from app.domain.names import normalize_name
    from app.services.common import for_field, require_text

    checks = {"name": normalize_name, "head_name": normalize_name, "person_name": normalize_name,
              "phone": normalize_phone, "contact_phone": normalize_phone,
              "id_number": lambda text: parse_id_number(text).number}
    check = checks.get(field)
    if check is not None:
        return for_field(field, check, value)
    return require_text(value, field, "新的值", "The new value", max_length=4000)


def keep_candidate(session: Session, table: str, row_id: str, field: str, op: str) -> None:
    """Resolve a conflict by keeping the value one of its candidates carried."""
    for view in list_conflicts(session):
        if (view.table, view.row_id, view.field) == (table, row_id, field):
            for candidate in view.candidates:
                if candidate.op == op:
                    resolve_conflict(session, table, row_id, field, candidate.value)
                    return
    raise NotFoundError("找不到要保留的那个值。", "The value to keep was not found.")
