"""The op log: every write to a synced table, and the merge that turns the log back into tables.

Semantics (DESIGN.md "Change log and sync"):
- An op is ``(device_id, seq)`` with an HLC time, a table, a row id, the fields it sets (``data``) and, per
  field, the op ids that field's previous value came from (``prev``). A create op has ``prev`` NULL and sets
  every field of the row (absent fields are NULL, or false for flags).
- A field's heads are the ops that set it and that no other op names in that field's ``prev``. The value is
  the head with the largest ``(hlc, device_id)``. Heads with different values are a conflict; a later write
  names every head in ``prev`` and so resolves it. Losing values stay in the log.
- The synced tables are a cache: :func:`rematerialize` recomputes a row from its ops, and the same function
  serves local writes, remote ops and ``jiafang check``, so all three agree by construction.

Writes go through the raw DB-API cursor of the session's connection (same transaction as the session) for
speed; the engine guard in :mod:`app.store.db` refuses any other statement that writes a synced table.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy import Boolean
from sqlalchemy.orm import Session
from sqlalchemy.types import JSON

from app.store import guard
from app.store import values as column_values
from app.store.clock import HybridClock
from app.store.ids import uuid7
from app.store.models import MODEL_BY_TABLE, Synced
from app.store.types import utc_text

T = TypeVar("T", bound=Synced)
WRITER_KEY = "jiafang.op_writer"
LOG_KEY = "jiafang.log_store"
USER_KEY = "jiafang.user_id"
WRITTEN_KEY = "jiafang.tables_written"


def op_key(device_id: str, seq: int) -> str:
    return f"{device_id}:{seq}"


#: One encoder for the log's JSON: ``json.dumps`` with options builds a new encoder on every call, and a bulk
#: write or a first sync encodes a few values per row for 100,000 rows.
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def to_wire(value: Any) -> Any:
    """A Python value as the JSON-native value the log carries (dates as ISO text, codes as their value)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): to_wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [to_wire(v) for v in value]
        return sorted(items) if isinstance(value, set | frozenset) else items
    raise TypeError(f"cannot store {type(value).__name__} in the op log")


@dataclass(frozen=True)
class TableCodec:
    """How one synced table's fields map between log values and stored column values."""

    table: str
    fields: tuple[str, ...]  # every column but id, in table order
    json_fields: frozenset[str]
    bool_fields: frozenset[str]
    list_fields: frozenset[str]  # JSON lists that are never NULL: absent means empty
    defaults: Mapping[str, Any]
    field_set: frozenset[str] = frozenset()
    #: (name, absent value, default, what the table stores when absent, whether the column holds JSON) per field
    layout: tuple[tuple[str, Any, Any, Any, bool], ...] = ()
    column_absent: tuple[Any, ...] = ()  # what the table stores for an absent field
    json_positions: frozenset[int] = frozenset()
    scope_index: int | None = None
    index: Mapping[str, int] = field(default_factory=dict)  # position of each field
    absent_values: tuple[Any, ...] = ()  # the absent value per position

    def __post_init__(self) -> None:
        # Derived lookups, precomputed because creating rows in bulk consults them for every field.
        set_ = object.__setattr__
        set_(self, "field_set", frozenset(self.fields))
        set_(self, "column_absent", tuple(self.to_column(n, self.absent(n)) for n in self.fields))
        set_(self, "layout", tuple((n, self.absent(n), self.defaults.get(n), column_absent, n in self.json_fields)
                                   for n, column_absent in zip(self.fields, self.column_absent, strict=True)))
        set_(self, "json_positions", frozenset(i for i, n in enumerate(self.fields) if n in self.json_fields))
        set_(self, "scope_index", self.fields.index("scope") if "scope" in self.fields else None)
        set_(self, "index", {n: i for i, n in enumerate(self.fields)})
        set_(self, "absent_values", tuple(self.absent(n) for n in self.fields))

    @classmethod
    def of(cls, model: type[Synced]) -> TableCodec:
        columns = [c for c in model.__table__.columns if c.name != "id"]
        defaults: dict[str, Any] = {}
        for column in columns:
            default = column.default
            if default is not None and getattr(default, "is_scalar", False):
                defaults[column.name] = to_wire(default.arg)
        return cls(
            table=model.__tablename__,
            fields=tuple(c.name for c in columns),
            json_fields=frozenset(c.name for c in columns if isinstance(c.type, JSON)),
            bool_fields=frozenset(c.name for c in columns if isinstance(c.type, Boolean)),
            list_fields=frozenset(c.name for c in columns if isinstance(c.type, JSON) and not c.nullable),
            defaults=defaults,
        )

    def absent(self, name: str) -> Any:
        """The value a create op gives a field it does not mention."""
        if name in self.bool_fields:
            return False
        return [] if name in self.list_fields else None

    def to_column(self, name: str, wire: Any) -> Any:
        if wire is None:
            return None
        if name in self.json_fields:
            return _dumps(wire)
        if name in self.bool_fields:
            return 1 if wire else 0
        return wire

    def from_column(self, name: str, stored: Any) -> Any:
        if stored is None:
            return self.absent(name)
        if name in self.json_fields:
            return json.loads(stored)
        if name in self.bool_fields:
            return bool(stored)
        return stored


CODECS: dict[str, TableCodec] = {name: TableCodec.of(model) for name, model in MODEL_BY_TABLE.items()}
#: Tables whose rows are only ever created: an edit or delete of them is refused, here and from other devices.
APPEND_ONLY: frozenset[str] = frozenset({"audit_event"})
APPLY_ORDER: dict[str, int] = {name: model.apply_order for name, model in MODEL_BY_TABLE.items()}


@dataclass(frozen=True)
class OpRecord:
    """One op as stored and as carried by sync."""

    device_id: str
    seq: int
    hlc: int
    tbl: str
    row_id: str
    scope: str
    data: dict[str, Any]
    prev: dict[str, list[str]] | None
    user_id: str | None = None

    @property
    def key(self) -> str:
        return op_key(self.device_id, self.seq)

    def touches(self, name: str) -> bool:
        return self.prev is None or name in self.data

    def value_of(self, name: str) -> Any:
        if name in self.data:
            return self.data[name]
        return CODECS[self.tbl].absent(name)

OP_COLUMNS = "device, seq, hlc, tbl, row_id, scope, user, data, prev"
INSERT_OP = f"INSERT INTO op_log ({OP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"


# ----------------------------------------------------------------------------- the merge
@dataclass
class RowState:
    """A row as its ops decide it: every field's value and heads."""

    table: str
    row_id: str
    values: dict[str, Any]
    heads: dict[str, list[OpRecord]] = field(default_factory=dict)

    def conflicts(self) -> dict[str, list[OpRecord]]:
        """Fields whose heads disagree on the value (heads that agree are not worth a person's time)."""
        found: dict[str, list[OpRecord]] = {}
        if all(len(heads) == 1 for heads in self.heads.values()):
            return found
        for name, heads in self.heads.items():
            if len(heads) > 1 and len({_dumps(h.value_of(name)) for h in heads}) > 1:
                found[name] = heads
        return found


def _winner_order(op: OpRecord) -> tuple[int, str]:
    return (op.hlc, op.device_id)


def resolve_row(table: str, row_id: str, ops: Iterable[OpRecord]) -> RowState | None:
    """The row that these ops (in any order) make, or None while its create op has not arrived."""
    ops = list(ops)
    codec = CODECS[table]
    if len(ops) == 1 and ops[0].prev is None:
        # A row with only its create op (every row just created or received): no merge to do.
        only = ops[0]
        heads = [only]
        return RowState(table, row_id, {name: only.value_of(name) for name in codec.fields},
                        dict.fromkeys(codec.fields, heads))
    if not any(op.prev is None for op in ops):
        return None
    state = RowState(table, row_id, {})
    for name in codec.fields:
        touching = [op for op in ops if op.touches(name)]
        superseded: set[str] = set()
        for op in touching:
            if op.prev is not None:
                superseded.update(op.prev.get(name, ()))
        heads = sorted((op for op in touching if op.key not in superseded), key=_winner_order, reverse=True)
        state.values[name] = heads[0].value_of(name)
        state.heads[name] = heads
    return state


# ----------------------------------------------------------------------------- storing and reading ops
def _cursor(session: Session) -> Any:
    return guard.op_log_cursor(session)  # the op log is the one writer of the synced tables


#: SQLite's page cache (KiB) for a transaction that writes many rows; the connection returns to its own
#: default when it goes back to the pool (``app.store.db``).
WIDE_CACHE_KIB = 65536
WIDE_CACHE_ROWS = 2000
_NORMAL_CACHE = "jiafang.normal_cache_size"


def widen_cache(session: Session, rows: int) -> None:
    """Give this transaction's connection a 64 MiB page cache when it writes many rows.

    A student goes into eight B-trees (the table and the roster's covering indexes); with the default
    cache, an import of 100,000 students evicts and re-reads index pages all the time, and with SQLCipher
    each of those is decrypted and re-encrypted: measured, the student inserts take 8.3 s instead of 2.8 s.
    The memory is given back when the connection returns to the pool, so a screen that only reads keeps the
    small cache (the roster's memory bound).
    """
    if rows < WIDE_CACHE_ROWS:
        return
    pooled = session.connection().connection
    if _NORMAL_CACHE not in pooled.info:
        raw = pooled.driver_connection
        pooled.info[_NORMAL_CACHE] = int(raw.execute("PRAGMA cache_size").fetchone()[0])  # type: ignore[union-attr]
        raw.execute(f"PRAGMA cache_size = -{WIDE_CACHE_KIB}")  # type: ignore[union-attr]


def narrow_cache(dbapi_connection: Any, record: Any) -> None:
    """Pool check-in: a connection that widened its cache for a large write gives the memory back."""
    normal = record.info.pop(_NORMAL_CACHE, None)
    if dbapi_connection is not None and normal is not None:
        dbapi_connection.execute(f"PRAGMA cache_size = {int(normal)}")


class LogStore:
    """Encodes ops into op_log rows and back, for one transaction of one session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cur = _cursor(session)
        self.cur.execute("SELECT id, value FROM op_atom")
        self._by_id: dict[int, str] = dict(self.cur.fetchall())
        self._by_text: dict[str, int] = {v: k for k, v in self._by_id.items()}

    def atom(self, text: str) -> int:
        found = self._by_text.get(text)
        if found is None:
            self.cur.execute("INSERT INTO op_atom (value) VALUES (?)", (text,))
            found = int(self.cur.lastrowid)
            self._by_text[text], self._by_id[found] = found, text
        return found

    def encode(self, op: OpRecord, stored: str | None = None) -> tuple[Any, ...]:
        """The op_log row of an op; a create op's stored ``data`` may be given if already computed."""
        if op.prev is None:
            data = stored if stored is not None else _wire_create(CODECS[op.tbl], op.row_id, op.data, op.scope)[0]
        else:
            data = _dumps(op.data)
        return (self.atom(op.device_id), op.seq, op.hlc, op.tbl, op.row_id, self.atom(op.scope),
                None if op.user_id is None else self.atom(op.user_id), data,
                None if op.prev is None else _dumps(op.prev))

    def decode(self, row: Sequence[Any]) -> OpRecord:
        device, seq, hlc, tbl, row_id, scope, user, data, prev = row
        values = json.loads(data)
        scope_text = self._by_id[scope]
        if prev is None:
            values = {n: v for n, v in zip(CODECS[tbl].fields, values, strict=False) if v is not None}
            values.setdefault("scope", scope_text)  # left out of the stored form: see _create_data
        return OpRecord(self._by_id[device], seq, hlc, tbl, row_id, scope_text, values,
                        None if prev is None else json.loads(prev), None if user is None else self._by_id[user])

    def insert(self, ops: Sequence[OpRecord]) -> None:
        self.cur.executemany(INSERT_OP, [self.encode(op) for op in ops])
        note_written(self.session, {op.tbl for op in ops})

    def held(self, device_id: str, seq: int) -> OpRecord | None:
        device = self._by_text.get(device_id)
        if device is None:
            return None
        self.cur.execute(f"SELECT {OP_COLUMNS} FROM op_log WHERE device = ? AND seq = ?", (device, seq))
        row = self.cur.fetchone()
        return None if row is None else self.decode(row)

    def row_ops(self, table: str, row_id: str) -> list[OpRecord]:
        self.cur.execute(f"SELECT {OP_COLUMNS} FROM op_log WHERE row_id = ? AND tbl = ?", (row_id, table))
        return [self.decode(r) for r in self.cur.fetchall()]


def log_store(session: Session) -> LogStore:
    """The log store of this session's current transaction."""
    found = session.info.get(LOG_KEY)
    if found is None:
        found = session.info[LOG_KEY] = LogStore(session)
    return found


def row_ops(session: Session, table: str, row_id: str) -> list[OpRecord]:
    return log_store(session).row_ops(table, row_id)


def iter_log(session: Session, *, batch: int = 5000) -> Iterator[OpRecord]:
    """Every op, grouped by (table, row)."""
    store = log_store(session)
    cur = _cursor(session)
    cur.execute(f"SELECT {OP_COLUMNS} FROM op_log ORDER BY tbl, row_id")
    while rows := cur.fetchmany(batch):
        yield from (store.decode(r) for r in rows)


def field_history(session: Session, table: str, row_id: str, name: str) -> list[OpRecord]:
    """Every op that set this field, oldest first: who changed it, when, and to what."""
    return sorted((op for op in row_ops(session, table, row_id) if op.touches(name)), key=_winner_order)


# ----------------------------------------------------------------------------- what a transaction wrote
#: The sets of the commit watches open on this thread (:func:`watch_commits`), innermost last.
_commit_watches: ContextVar[tuple[set[str], ...]] = ContextVar("jiafang.commit_watches", default=())


def note_written(session: Session, tables: Iterable[str]) -> None:
    """Remember that this session's transaction wrote these tables (the op log notes every synced table it
    writes; the store's ``after_flush`` hook the local tables written through the ORM)."""
    session.info.setdefault(WRITTEN_KEY, set()).update(tables)


def committed(session: Session) -> None:
    """Session ``after_commit`` hook: hand what the transaction wrote to this thread's commit watches."""
    written = session.info.pop(WRITTEN_KEY, None)
    if written:
        for watch in _commit_watches.get():
            watch.update(written)


def transaction_ended(session: Session, transaction: Any) -> None:
    """Session ``after_transaction_end`` hook: a rolled-back transaction wrote nothing (a savepoint's end
    keeps the note: what it wrote may still be committed with the rest)."""
    if transaction.parent is None:
        session.info.pop(WRITTEN_KEY, None)


@contextmanager
def watch_commits(into: set[str] | None = None) -> Iterator[set[str]]:
    """Collect the tables written by every transaction this thread commits inside the block (a screen's write
    on the database worker, a background import or sync): the set fills as each commits; rolled-back work adds
    nothing. Watches nest, and each sees every commit inside it."""
    found = set() if into is None else into
    token = _commit_watches.set((*_commit_watches.get(), found))
    try:
        yield found
    finally:
        _commit_watches.reset(token)


# ----------------------------------------------------------------------------- writing
class OpWriter:
    """Appends this device's ops and applies them to the tables, inside the session's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session
        cur = _cursor(session)
        cur.execute("SELECT device_id, last_seq, last_hlc FROM device_state WHERE id = 1")
        row = cur.fetchone()
        if row is None:
            raise RuntimeError("device_state missing: the database was not initialised")
        self.device_id: str = row[0]
        self.seq: int = row[1]
        self.clock = HybridClock(row[2])

    @property
    def user_id(self) -> str | None:
        return self.session.info.get(USER_KEY)

    def stamp(self) -> tuple[int, int]:
        """The next op's seq and HLC time."""
        self.seq += 1
        return self.seq, self.clock.tick()

    def next_op(self, table: str, row_id: str, scope: str, data: dict[str, Any],
                prev: dict[str, list[str]] | None) -> OpRecord:
        seq, hlc = self.stamp()
        return OpRecord(self.device_id, seq, hlc, table, row_id, scope, data, prev, self.user_id)

    def save_state(self, cur: Any) -> None:
        cur.execute("UPDATE device_state SET last_seq = ?, last_hlc = ? WHERE id = 1",
                    (self.seq, self.clock.last))


def writer(session: Session) -> OpWriter:
    """The op writer of this session's current transaction (created on first use)."""
    found = session.info.get(WRITER_KEY)
    if found is None:
        found = session.info[WRITER_KEY] = OpWriter(session)
    return found


def forget_writer(session: Session) -> None:
    """Called when a transaction ends: the next one re-reads seq, clock and atoms from the database."""
    session.info.pop(WRITER_KEY, None)
    session.info.pop(LOG_KEY, None)


def _insert_sql(codec: TableCodec) -> str:
    columns = ("id",) + codec.fields
    return (f"INSERT INTO {codec.table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})")


_WIRE_TYPES = frozenset({str, int, float, bool, type(None)})


def _new_row(codec: TableCodec, row_id: str, values: Mapping[str, Any]) -> tuple[list[Any], tuple[Any, ...]]:
    """A new row's log values in field order (None where a field is at its absent value: the create op's
    stored form) and its table row, in one pass: it runs 100,000 times in an import, so plain values skip the
    conversion call."""
    if not codec.field_set.issuperset(values):
        raise KeyError(f"{codec.table} has no field(s) {sorted(set(values) - codec.field_set)}")
    positional: list[Any] = []
    row: list[Any] = [row_id]
    for name, absent, default, column_absent, is_json in codec.layout:
        value = values.get(name, default)
        if type(value) not in _WIRE_TYPES:
            value = to_wire(value)
        if value is None or value == absent:
            positional.append(None)
            row.append(column_absent)
        else:
            positional.append(value)
            row.append(_dumps(value) if is_json else value)
    return positional, tuple(row)


def _wire_create(codec: TableCodec, row_id: str, data: Mapping[str, Any], scope: str) -> tuple[str, tuple[Any, ...]]:
    """A create op's stored ``data`` and its table row, from the op's data (wire values already, only the
    fields it sets): one pass over those fields, since a first sync runs this for every record of a school."""
    stored: list[Any] = [None] * len(codec.fields)
    row = list(codec.column_absent)
    index, absent, json_positions = codec.index, codec.absent_values, codec.json_positions
    for name, value in data.items():
        i = index[name]  # KeyError for a field the table lacks, as _new_row
        if value is None or value == absent[i]:
            continue
        stored[i] = value
        row[i] = _dumps(value) if i in json_positions else value
    return _create_data(codec, stored, scope), (row_id, *row)


def _create_data(codec: TableCodec, positional: list[Any], scope: str) -> str:
    """A create op's stored ``data``: its values in field order, trailing absent ones left out, and the
    ``scope`` field left out too when it is the op's own scope (always, for ops made here): the op row
    carries it already, and a uuid per op is a tenth of the log. Changes ``positional``."""
    index = codec.scope_index
    if index is not None and positional[index] == scope:
        positional[index] = None
    while positional and positional[-1] is None:
        positional.pop()
    return _dumps(positional)


def create_many(session: Session, model: type[Synced], rows: Sequence[Mapping[str, Any]],
                *, ids: Sequence[str] | None = None) -> list[str]:
    """Create rows (each a dict of field values, ``scope`` required) in one go; returns their ids."""
    codec = CODECS[model.__tablename__]
    op_writer = writer(session)
    store = log_store(session)
    device = store.atom(op_writer.device_id)
    user = None if op_writer.user_id is None else store.atom(op_writer.user_id)
    scope_index = codec.fields.index("scope")
    row_ids = list(ids) if ids is not None else [uuid7() for _ in rows]
    widen_cache(session, len(row_ids))
    op_rows: list[tuple[Any, ...]] = []
    table_rows: list[tuple[Any, ...]] = []
    for row_id, values in zip(row_ids, rows, strict=True):
        positional, table_row = _new_row(codec, row_id, values)
        scope = positional[scope_index]
        if not scope:
            raise ValueError(f"{codec.table} row without scope")
        table_rows.append(table_row)
        seq, hlc = op_writer.stamp()
        op_rows.append((device, seq, hlc, codec.table, row_id, store.atom(scope), user,
                        _create_data(codec, positional, scope), None))
    store.cur.executemany(INSERT_OP, op_rows)
    store.cur.executemany(_insert_sql(codec), table_rows)
    note_written(session, (codec.table,))
    op_writer.save_state(store.cur)
    return row_ids


def create(session: Session, model: type[T], values: Mapping[str, Any], *, row_id: str | None = None) -> T:
    """Create one row and return it as a model object."""
    new_id = create_many(session, model, [values], ids=None if row_id is None else [row_id])[0]
    obj = session.get(model, new_id)
    assert obj is not None
    return obj


def current_values(session: Session, table: str, row_id: str) -> dict[str, Any] | None:
    """A row's fields as log values, read from the table."""
    codec = CODECS[table]
    cur = _cursor(session)
    cur.execute(f"SELECT {', '.join(codec.fields)} FROM {table} WHERE id = ?", (row_id,))
    row = cur.fetchone()
    if row is None:
        return None
    return {n: codec.from_column(n, v) for n, v in zip(codec.fields, row, strict=True)}


def update(session: Session, obj: Synced, changes: Mapping[str, Any], *, force: bool = False) -> list[str]:
    """Set fields of a row; only fields whose value changes are written. Returns the changed field names.

    The op names every current head of each field in ``prev``, so a local edit also resolves any conflict
    on that field (the person saw the value we show and chose this one). ``force`` writes the fields even
    when the value stays the same: that is how a conflict is resolved in favour of the current winner.
    """
    table = type(obj).__tablename__
    if table in APPEND_ONLY:
        from app.domain.errors import PermissionDenied

        raise PermissionDenied("审计记录不能修改或删除。", "Audit records cannot be changed or deleted.")
    codec = CODECS[table]
    unknown = set(changes) - set(codec.fields)
    if unknown:
        raise KeyError(f"{table} has no field(s) {sorted(unknown)}")
    current = current_values(session, table, obj.id)
    if current is None:
        raise LookupError(f"{table} {obj.id} does not exist")
    data = {k: to_wire(v) for k, v in changes.items()}
    if not force:
        data = {k: v for k, v in data.items() if _dumps(v) != _dumps(current[k])}
    if not data:
        return []
    state = resolve_row(table, obj.id, row_ops(session, table, obj.id))
    assert state is not None
    prev = {name: sorted(h.key for h in state.heads[name]) for name in data}
    op_writer = writer(session)
    op = op_writer.next_op(table, obj.id, data.get("scope", current["scope"]), data, prev)
    log_store(session).insert([op])
    cur = _cursor(session)
    assignments = ", ".join(f"{name} = ?" for name in data)
    cur.execute(f"UPDATE {table} SET {assignments} WHERE id = ?",
                (*(codec.to_column(n, v) for n, v in data.items()), obj.id))
    placeholders = ", ".join("?" for _ in data)
    cur.execute(f"DELETE FROM conflict WHERE tbl = ? AND row_id = ? AND field IN ({placeholders})",
                (table, obj.id, *data))
    op_writer.save_state(cur)
    session.expire(obj)
    return sorted(data)


def delete(session: Session, obj: Synced) -> None:
    """Mark a row deleted. Nothing is purged: the row and its history stay, and undelete is an update."""
    update(session, obj, {"deleted": True})


# ----------------------------------------------------------------------------- remote ops and rebuild
def _upsert(cur: Any, state: RowState) -> None:
    codec = CODECS[state.table]
    columns = ("id",) + codec.fields
    params = (state.row_id, *(codec.to_column(n, state.values[n]) for n in codec.fields))
    cur.execute(
        f"INSERT INTO {state.table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)}) "
        f"ON CONFLICT(id) DO UPDATE SET {', '.join(f'{n} = excluded.{n}' for n in codec.fields)}",
        params,
    )
    cur.execute("DELETE FROM conflict WHERE tbl = ? AND row_id = ?", (state.table, state.row_id))
    for name, heads in state.conflicts().items():
        cur.execute("INSERT INTO conflict (tbl, row_id, field, heads) VALUES (?, ?, ?, ?)",
                    (state.table, state.row_id, name, _dumps([h.key for h in heads])))


def rematerialize(session: Session, table: str, row_id: str) -> RowState | None:
    """Recompute one row (and its conflicts) from its ops and store it."""
    state = resolve_row(table, row_id, row_ops(session, table, row_id))
    if state is not None:
        _upsert(_cursor(session), state)
    return state


@dataclass
class ApplyResult:
    applied: int = 0
    duplicates: int = 0
    rows: int = 0
    future_ops: int = 0  # ops stamped more than a day ahead of our clock: accepted, flagged for review
    #: Ops whose values their columns cannot hold (:mod:`app.store.values`), with why: not stored, so one
    #: bad op from anywhere stops nothing else; the sync says so.
    set_aside: list[tuple[OpRecord, str]] = field(default_factory=list)


class OpMismatch(Exception):
    """An op id arrived with content different from the op we hold: a forged or corrupted bundle."""


def apply_remote(session: Session, ops: Iterable[OpRecord]) -> ApplyResult:
    """Take ops from other devices into the log and the tables, in the caller's transaction.

    Ops already held (by op id) are skipped, so a bundle applies once however often it arrives; an op id
    held with different content is a forgery or corruption and fails the whole batch. Work is done in bulk
    (one query per device for held ops, one per 500 rows for prior history) because a first sync brings
    every record of a school.
    """
    result = ApplyResult()
    store = log_store(session)
    cur = store.cur
    op_writer = writer(session)
    by_device: dict[str, dict[int, OpRecord]] = defaultdict(dict)
    for op in ops:
        if op.tbl not in CODECS:
            raise OpMismatch(f"unknown table {op.tbl!r}")
        if op.tbl in APPEND_ONLY and op.prev is not None:
            raise OpMismatch(f"op {op.key} edits an append-only {op.tbl} row")
        problem = column_values.op_problem(op.tbl, op.row_id, op.scope, op.data)
        if problem:
            result.set_aside.append((op, problem))
            continue
        by_device[op.device_id][op.seq] = op
    new_ops: list[OpRecord] = []
    for device_id, by_seq in by_device.items():
        atom = store._by_text.get(device_id)
        held: dict[int, OpRecord] = {}
        if atom is not None:
            cur.execute(f"SELECT {OP_COLUMNS} FROM op_log WHERE device = ? AND seq BETWEEN ? AND ?",
                        (atom, min(by_seq), max(by_seq)))
            held = {row[1]: store.decode(row) for row in cur.fetchall()}
        for seq, op in sorted(by_seq.items()):
            if seq in held:
                if held[seq] != store.decode(store.encode(op)):
                    raise OpMismatch(f"op {op.key} differs from the one already held")
                result.duplicates += 1
            else:
                new_ops.append(op)
    if not new_ops:
        return result
    widen_cache(session, len(new_ops))
    row_ids = sorted({op.row_id for op in new_ops})
    prior: set[str] = set()
    for start in range(0, len(row_ids), 500):
        chunk = row_ids[start:start + 500]
        cur.execute(f"SELECT DISTINCT row_id FROM op_log WHERE row_id IN ({', '.join('?' for _ in chunk)})", chunk)
        prior.update(r[0] for r in cur.fetchall())
    # A create op's values in field order serve both its log row and, for a row that has no other op,
    # its table row: a first sync brings every record of a school, each as one create op.
    creates = {id(op): _wire_create(CODECS[op.tbl], op.row_id, op.data, op.scope) for op in new_ops
               if op.prev is None}
    cur.executemany(INSERT_OP, [store.encode(op, creates[id(op)][0] if op.prev is None else None)
                                for op in new_ops])
    note_written(session, {op.tbl for op in new_ops})
    result.applied = len(new_ops)
    for op in new_ops:
        if op_writer.clock.receive(op.hlc):
            result.future_ops += 1
    grouped: dict[tuple[str, str], list[OpRecord]] = defaultdict(list)
    for op in new_ops:
        if op.row_id not in prior:
            grouped[(op.tbl, op.row_id)].append(op)
    fresh: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for key, row_ops_ in list(grouped.items()):
        if len(row_ops_) == 1 and row_ops_[0].prev is None:
            only = row_ops_[0]
            fresh[only.tbl].append(creates[id(only)][1])
            del grouped[key]
    again = sorted({op.row_id for op in new_ops if op.row_id in prior})
    for start in range(0, len(again), 500):
        chunk = again[start:start + 500]
        cur.execute(f"SELECT {OP_COLUMNS} FROM op_log WHERE row_id IN ({', '.join('?' for _ in chunk)})", chunk)
        for row in cur.fetchall():
            op = store.decode(row)
            grouped[(op.tbl, op.row_id)].append(op)
    states = [state for (table, row_id), row_ops_ in grouped.items()
              if (state := resolve_row(table, row_id, row_ops_)) is not None]
    _upsert_many(cur, [st for st in states if st.row_id in prior])
    _insert_new(cur, [st for st in states if st.row_id not in prior], fresh)
    result.rows = len(states) + sum(len(rows) for rows in fresh.values())
    op_writer.save_state(cur)
    return result


def _upsert_many(cur: Any, states: Sequence[RowState]) -> None:
    """Store rows and their conflicts, parents before children so that foreign keys hold."""
    by_table: dict[str, list[RowState]] = defaultdict(list)
    for state in states:
        by_table[state.table].append(state)
    for table in sorted(by_table, key=lambda t: APPLY_ORDER[t]):
        codec = CODECS[table]
        columns = ("id",) + codec.fields
        cur.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)}) "
            f"ON CONFLICT(id) DO UPDATE SET {', '.join(f'{n} = excluded.{n}' for n in codec.fields)}",
            [(st.row_id, *(codec.to_column(n, st.values[n]) for n in codec.fields)) for st in by_table[table]])
        cur.executemany("DELETE FROM conflict WHERE tbl = ? AND row_id = ?",
                        [(table, st.row_id) for st in by_table[table]])
        cur.executemany("INSERT INTO conflict (tbl, row_id, field, heads) VALUES (?, ?, ?, ?)",
                        [(table, st.row_id, name, _dumps([h.key for h in heads]))
                         for st in by_table[table] for name, heads in st.conflicts().items()])


def _insert_new(cur: Any, states: Sequence[RowState], fresh: Mapping[str, list[tuple[Any, ...]]]) -> None:
    """Store rows that had no history here: plain inserts, and no conflict can exist yet. ``fresh`` holds
    table rows already made from a lone create op."""
    by_table: dict[str, list[RowState]] = defaultdict(list)
    for state in states:
        by_table[state.table].append(state)
    for table in sorted(set(by_table) | set(fresh), key=lambda t: APPLY_ORDER[t]):
        codec = CODECS[table]
        cur.executemany(_insert_sql(codec), [
            *fresh.get(table, ()),
            *((st.row_id, *(codec.to_column(n, st.values[n]) for n in codec.fields)) for st in by_table[table])])
        conflicts = [(table, st.row_id, name, _dumps([h.key for h in heads]))
                     for st in by_table[table] for name, heads in st.conflicts().items()]
        if conflicts:
            cur.executemany("INSERT INTO conflict (tbl, row_id, field, heads) VALUES (?, ?, ?, ?)", conflicts)


def new_device_id(session: Session) -> str:
    """Give this database a new device id (it was copied or restored): its next ops start at seq 1 under an
    id no other device has used, so no op id is ever reused. Earlier ops keep their old id."""
    new_id = uuid7()
    cur = _cursor(session)
    cur.execute("UPDATE device_state SET device_id = ?, last_seq = 0 WHERE id = 1", (new_id,))
    # What earlier syncs exported counts the old id's seqs: kept, the new id's first ops would count as sent
    # (the pending badge would say 0) until its seqs passed them.
    cur.execute("UPDATE sync_run SET exported_seq = 0")
    forget_writer(session)
    return new_id


@dataclass
class Difference:
    table: str
    row_id: str
    field: str
    in_table: Any
    from_log: Any

    def describe(self) -> str:
        return f"{self.table} {self.row_id} {self.field}: table={self.in_table!r} log={self.from_log!r}"


def compare_with_log(session: Session, *, limit: int = 1000) -> list[Difference]:
    """Rebuild every synced row from the log and list where the tables differ (at most ``limit``)."""
    differences: list[Difference] = []
    seen: dict[str, set[str]] = defaultdict(set)
    cur = _cursor(session)

    def check_row(table: str, row_id: str, ops: list[OpRecord]) -> None:
        state = resolve_row(table, row_id, ops)
        if state is None:
            return
        seen[table].add(row_id)
        stored = current_values(session, table, row_id)
        if stored is None:
            differences.append(Difference(table, row_id, "*", None, "row"))
            return
        for name, value in state.values.items():
            if _dumps(stored[name]) != _dumps(value):
                differences.append(Difference(table, row_id, name, stored[name], value))
        cur.execute("SELECT field, heads FROM conflict WHERE tbl = ? AND row_id = ?", (table, row_id))
        held = {f: json.loads(h) for f, h in cur.fetchall()}
        derived = {f: [h.key for h in heads] for f, heads in state.conflicts().items()}
        if held != derived:
            differences.append(Difference(table, row_id, "(conflicts)", held, derived))

    group: list[OpRecord] = []
    for op in iter_log(session):
        if group and (group[0].tbl, group[0].row_id) != (op.tbl, op.row_id):
            check_row(group[0].tbl, group[0].row_id, group)
            group = []
        group.append(op)
        if len(differences) >= limit:
            return differences
    if group:
        check_row(group[0].tbl, group[0].row_id, group)
    for table in CODECS:
        cur.execute(f"SELECT id FROM {table}")
        for (row_id,) in cur.fetchall():
            if row_id not in seen[table]:
                differences.append(Difference(table, row_id, "*", "row", None))
                if len(differences) >= limit:
                    return differences
    return differences


def rebuild_all(session: Session) -> int:
    """Rewrite every synced row from the log (repair after a difference); returns the rows written."""
    written = 0
    group: list[OpRecord] = []
    widen_cache(session, WIDE_CACHE_ROWS)
    cur = _cursor(session)
    for table in sorted(CODECS, key=lambda t: APPLY_ORDER[t], reverse=True):
        cur.execute(f"DELETE FROM {table}")
    cur.execute("DELETE FROM conflict")
    states: list[RowState] = []
    for op in iter_log(session):
        if group and (group[0].tbl, group[0].row_id) != (op.tbl, op.row_id):
            state = resolve_row(group[0].tbl, group[0].row_id, group)
            if state is not None:
                states.append(state)
            group = []
        group.append(op)
    if group and (state := resolve_row(group[0].tbl, group[0].row_id, group)) is not None:
        states.append(state)
    for state in sorted(states, key=lambda s: APPLY_ORDER[s.table]):
        _upsert(cur, state)
        written += 1
    return written


# ----------------------------------------------------------------------------- a copied-back database
def fork_point(session: Session, device_id: str, elsewhere: Iterable[OpRecord]) -> int | None:
    """Where this log parts from another copy's history of the same device.

    ``elsewhere`` holds ops of ``device_id`` that a share or the server holds (what another copy of this
    database published). Returns the last seq up to which the two agree (every op of ``elsewhere`` below it is
    held here, identical), or None when they agree throughout. An op held elsewhere and absent here counts as
    a parting: this database would reuse its seq for another op.
    """
    published = sorted(elsewhere, key=lambda op: op.seq)
    if not published:
        return None
    store = log_store(session)
    atom = store._by_text.get(device_id)
    held: dict[int, OpRecord] = {}
    if atom is not None:
        store.cur.execute(f"SELECT {OP_COLUMNS} FROM op_log WHERE device = ? AND seq BETWEEN ? AND ?",
                          (atom, published[0].seq, published[-1].seq))
        held = {row[1]: store.decode(row) for row in store.cur.fetchall()}
    for op in published:
        mine = held.get(op.seq)
        if mine is None or mine != store.decode(store.encode(op)):
            return op.seq - 1
    return None


@dataclass(frozen=True)
class Reissued:
    old_device: str
    new_device: str
    agreed_seq: int  # the old device's ops up to here are shared history and stay as they are
    ops: int  # own ops after it, now under the new device id
    rows: int  # rows recomputed


#: Rewrites the data of re-issued create ops of one table (in seq order) for the new device: audit events
#: carry their device and a hash chain in the row itself (app.services.audit.rechain).
CreateRewrite = Callable[[str, list[dict[str, Any]]], list[dict[str, Any]]]


def reissue_after(session: Session, agreed_seq: int,
                  rewrite: Mapping[str, CreateRewrite] | None = None) -> Reissued:
    """Give this database a new device id and move its own ops after ``agreed_seq`` to it.

    For a database copied back over a newer one (see :func:`fork_point`): the ops it wrote after the copy
    reuse op ids the device had already published with other content. They are re-issued in order under a new
    device id, keeping their time, user and values; ``prev`` links between them follow them; the old ids are
    dropped from this log, so the device's published ops can then arrive as any other device's would and
    merge with them (two edits of one field become a kept conflict). One transaction, the caller's.
    """
    store = log_store(session)
    old = writer(session).device_id
    atom = store.atom(old)
    store.cur.execute(f"SELECT {OP_COLUMNS} FROM op_log WHERE device = ? AND seq > ? ORDER BY seq",
                      (atom, agreed_seq))
    forked = [store.decode(row) for row in store.cur.fetchall()]
    new_id = new_device_id(session)
    store, op_writer = log_store(session), writer(session)
    renamed: dict[str, str] = {}
    moved: list[OpRecord] = []
    for op in forked:
        op_writer.seq += 1
        renamed[op.key] = op_key(new_id, op_writer.seq)
        prev = None if op.prev is None else {
            name: sorted(renamed.get(key, key) for key in keys) for name, keys in op.prev.items()}
        moved.append(OpRecord(new_id, op_writer.seq, op.hlc, op.tbl, op.row_id, op.scope, op.data, prev, op.user_id))
    for table, rewrite_creates in (rewrite or {}).items():
        creates = [index for index, op in enumerate(moved) if op.tbl == table and op.prev is None]
        if creates:
            rewritten = rewrite_creates(new_id, [dict(moved[i].data) for i in creates])
            for index, data in zip(creates, rewritten, strict=True):
                op = moved[index]
                moved[index] = OpRecord(op.device_id, op.seq, op.hlc, op.tbl, op.row_id, op.scope, data, op.prev,
                                        op.user_id)
    store.cur.execute("DELETE FROM op_log WHERE device = ? AND seq > ?", (atom, agreed_seq))
    if moved:
        store.insert(moved)
    touched = sorted({(op.tbl, op.row_id) for op in moved}, key=lambda key: (APPLY_ORDER[key[0]], key[1]))
    for table, row_id in touched:
        rematerialize(session, table, row_id)
    op_writer.save_state(store.cur)
    return Reissued(old, new_id, agreed_seq, len(moved), len(touched))
