"""The records in PostgreSQL: the server's materialised tables, written in the push transaction.

On PostgreSQL the synced tables of :mod:`app.store.models` (and the derived ``conflict`` list) live in a schema
of their own, ``records``, next to the server's tables (``users``, ``ops``...), whose names could otherwise
collide. Every push writes the rows it touches before it commits: for each (table, row) the push names, the
row's ops are read back from ``ops`` and resolved with the laptops' own pure merge
(:func:`app.store.oplog.resolve_row`), and the winning values are upserted, converted to column values by the
laptops' :class:`app.store.oplog.TableCodec`. One merge, two stores: the figures the dashboard reads are the
figures every laptop computes, and any number of server processes over one database share them.

The records are a cache of ``ops``. ``records.records_state`` holds the cursor up to which they are built and
the shape of the tables (a hash of their columns): a database whose ops were never materialised (an existing
deployment), or whose shape is older than this program's models, is (re)built from the ops in batches, each
its own transaction under the push lock, so a batch and a push never interleave on a row. The work is keyed by
the stored cursor: idempotent, resumable after a kill, and two processes starting at once share it.

Foreign keys are left out of the copies (as in the SQLite cache, :mod:`sync.server.materialised`): the server
may hold a visit whose student reached the district only through a folder share. Text columns are ``text``
(no length limit to refuse a value an older server stored), integers ``bigint``.

The dashboard reads them through an ORM session whose ``schema_translate_map`` sends the models' tables to
``records`` (:class:`PgRecords`), read-only and on one snapshot.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from app.store import oplog
from app.store import values as column_values
from app.store.models import MODEL_BY_TABLE, Conflict
from app.store.oplog import CODECS, OpRecord, RowState, resolve_row
from app.store.types import UtcDateTime
from sync.errors import SyncError
from sync.server import schema

if TYPE_CHECKING:
    from pathlib import Path

    from sync.server.materialised import Materialised
    from sync.server.store import ServerStore

SCHEMA = "records"
#: How the models' tables (no schema of their own) are found in PostgreSQL.
TRANSLATE: dict[str | None, str] = {None: SCHEMA}
BATCH = 5000  # ops per backfill transaction
_ROWS_PER_STATEMENT = 5000
log = logging.getLogger("jiafang.server")


def _column_type(column: Any) -> Any:
    kind = column.type
    if isinstance(kind, UtcDateTime | String | Text):  # String covers Text; UtcDateTime stores its ISO text
        return Text()
    if isinstance(kind, Boolean):
        return Boolean()
    if isinstance(kind, Integer):  # BigInteger too
        return BigInteger()
    if isinstance(kind, Date):
        return Date()
    if isinstance(kind, JSON):
        return JSON()  # json, not jsonb: the text stays as the op carried it (key order included)
    if isinstance(kind, LargeBinary):
        return LargeBinary()
    raise TypeError(f"no PostgreSQL type for {column.table.name}.{column.name} ({kind!r})")


_PLACES = frozenset({"township", "village", "hamlet", "school"})


def _records_metadata() -> MetaData:
    meta = MetaData(schema=SCHEMA)
    for name, model in MODEL_BY_TABLE.items():
        source = model.__table__
        columns = [Column(c.name, _column_type(c), primary_key=c.primary_key, nullable=not c.primary_key)
                   for c in source.columns]
        table = Table(name, meta, *columns)
        # What the dashboard and the warning rules filter and join on: every school_id (the per-school counts)
        # and the references to a parent record (a student's visits, a case's attempts); not the references
        # to places, which no figure looks up (each index costs every push).
        indexed = sorted({c.name for c in source.columns if c.name == "school_id" or any(
            fk.column.table.name not in _PLACES for fk in c.foreign_keys)})
        for column_name in indexed:
            Index(f"ix_{name}_{column_name}", table.c[column_name])
    conflict: Any = Conflict.__table__
    Table(conflict.name, meta, *[Column(c.name, _column_type(c), primary_key=c.primary_key) for c in conflict.columns])
    Table("records_state", meta, Column("id", Integer, primary_key=True, autoincrement=False),
          Column("cursor", BigInteger, nullable=False), Column("shape", Text, nullable=False))
    return meta


records_meta = _records_metadata()
state = records_meta.tables[f"{SCHEMA}.records_state"]
_dialect = postgresql.dialect()
#: What the tables look like (columns, types, keys, indexes): records built with another shape are rebuilt.
SHAPE = hashlib.sha256(json.dumps(sorted(
    [(t.name, c.name, str(c.type.compile(dialect=_dialect)), bool(c.primary_key))
     for t in records_meta.tables.values() for c in t.columns] +
    [(t.name, str(i.name), "index", False) for t in records_meta.tables.values() for i in t.indexes]
)).encode()).hexdigest()[:16]


def _quoted(table: str) -> str:
    return f'"{SCHEMA}"."{table}"'


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# ----------------------------------------------------------------------------- setting up
def prepare(conn: Connection) -> bool:
    """Create (or, when its shape is not this program's or it is ahead of the ops, re-create) the records
    schema, empty at cursor 0, in the caller's transaction, which holds the push lock. True if it did."""
    if inspect(conn).has_table("records_state", schema=SCHEMA):
        held = conn.execute(select(state.c.cursor, state.c.shape).where(state.c.id == 1)).first()
        top = int(conn.scalar(select(func.max(schema.ops.c.cursor))) or 0)
        if held is not None and held.shape == SHAPE and int(held.cursor) <= top:
            return False
        # Built by another version of the models, or ahead of an ops table put back from an older backup:
        # a cache, so it is built again from the ops.
        log.warning("the records in PostgreSQL are rebuilt from the ops (shape %s, now %s)",
                    held.shape if held else None, SHAPE)
    conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
    conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    records_meta.create_all(conn)
    conn.execute(state.insert().values(id=1, cursor=0, shape=SHAPE))
    return True


def built_cursor(conn: Connection) -> int:
    """The cursor up to which every op is materialised."""
    return int(conn.scalar(select(state.c.cursor).where(state.c.id == 1)) or 0)


def set_cursor(conn: Connection, cursor: int, *, when_at: int | None = None) -> None:
    """Move the built cursor to ``cursor`` (only from ``when_at``, if given: a push moves it only when every
    earlier op was built, else the backfill still has work before it)."""
    stmt = state.update().where(state.c.id == 1).values(cursor=cursor)
    if when_at is not None:
        stmt = stmt.where(state.c.cursor == when_at)
    conn.execute(stmt)


# ----------------------------------------------------------------------------- writing
def op_from_row(r: Any) -> OpRecord:
    """An op of the server's ``ops`` table."""
    return OpRecord(r.device_id, int(r.seq), int(r.hlc), r.tbl, r.row_id, r.scope, json.loads(r.data),
                    None if r.prev is None else json.loads(r.prev), r.user_id)


def _usable(op: OpRecord) -> bool:
    """An op the laptops take into their log (:func:`app.store.oplog.apply_remote`): ops an older server
    stored before it checked values are set aside there, and an edit of an append-only row is refused."""
    if op.tbl in oplog.APPEND_ONLY and op.prev is not None:
        return False
    return column_values.op_problem(op.tbl, op.row_id, op.scope, op.data) is None


def row_ops(conn: Connection, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[OpRecord]]:
    """Every op the server holds of these (table, row id)s."""
    wanted = set(keys)
    ids = sorted({row_id for _, row_id in wanted})
    found: dict[tuple[str, str], list[OpRecord]] = defaultdict(list)
    sql = text("SELECT device_id, seq, hlc, tbl, row_id, scope, user_id, data, prev FROM ops "
               "WHERE row_id = ANY(CAST(:ids AS text[]))")
    for start in range(0, len(ids), 20_000):
        for r in conn.execute(sql, {"ids": ids[start:start + 20_000]}):
            if (r.tbl, r.row_id) in wanted:
                found[(r.tbl, r.row_id)].append(op_from_row(r))
    return found


def materialise(conn: Connection, groups: Mapping[tuple[str, str], Sequence[OpRecord]],
                checked: frozenset[tuple[str, int]] = frozenset()) -> int:
    """Resolve each row from its ops and store it, with its conflicts, in the caller's transaction.
    ``groups`` must hold every op of each row; ``checked`` names ops whose values the push has just checked
    (the check is a third of the work). Returns the rows written."""
    states: dict[str, list[RowState]] = defaultdict(list)
    for (table, row_id), ops in groups.items():
        if table not in CODECS:
            continue
        usable = [op for op in ops if ((op.device_id, op.seq) in checked and not (
            op.tbl in oplog.APPEND_ONLY and op.prev is not None)) or _usable(op)]
        resolved = resolve_row(table, row_id, usable) if usable else None
        if resolved is not None:
            states[table].append(resolved)
    for table, found in states.items():
        _upsert(conn, table, found)
    every = [st for found in states.values() for st in found]
    _store_conflicts(conn, every)
    return len(every)


def _recordset(columns: Sequence[tuple[str, str]]) -> str:
    return ", ".join(f'"{name}" {kind}' for name, kind in columns)


def _shapes(table: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The json_to_recordset columns of a table's upsert, and the expression that turns each into its column
    value (the codec gives JSON fields as text and flags as 1/0, as SQLite stores them)."""
    codec = CODECS[table]
    target = records_meta.tables[f"{SCHEMA}.{table}"]
    shape: list[tuple[str, str]] = [("id", "text")]
    values = ['x."id"']
    for name in codec.fields:
        if name in codec.json_fields:
            shape.append((name, "text"))
            values.append(f'CAST(x."{name}" AS json)')
        elif name in codec.bool_fields:
            shape.append((name, "integer"))
            values.append(f'CAST(x."{name}" AS boolean)')
        else:
            shape.append((name, str(target.c[name].type.compile(dialect=_dialect))))
            values.append(f'x."{name}"')
    return shape, values


_SQL: dict[str, str] = {}


def _upsert_sql(table: str) -> str:
    found = _SQL.get(table)
    if found is None:
        codec = CODECS[table]
        shape, values = _shapes(table)
        names = ", ".join(f'"{n}"' for n, _ in shape)
        updates = ", ".join(f'"{n}" = excluded."{n}"' for n in codec.fields)
        found = _SQL[table] = (
            f"INSERT INTO {_quoted(table)} ({names}) SELECT {', '.join(values)} "
            f"FROM json_to_recordset(CAST(:rows AS json)) AS x({_recordset(shape)}) "
            f"ON CONFLICT (id) DO UPDATE SET {updates}")
    return found


def _upsert(conn: Connection, table: str, states: Sequence[RowState]) -> None:
    codec = CODECS[table]
    sql = text(_upsert_sql(table))
    for start in range(0, len(states), _ROWS_PER_STATEMENT):
        chunk = states[start:start + _ROWS_PER_STATEMENT]
        rows = [{"id": st.row_id, **{n: codec.to_column(n, st.values[n]) for n in codec.fields}} for st in chunk]
        conn.execute(sql, {"rows": _dumps(rows)})


def _store_conflicts(conn: Connection, states: Sequence[RowState]) -> None:
    if not states:
        return
    conflict = _quoted("conflict")
    for start in range(0, len(states), _ROWS_PER_STATEMENT):
        chunk = states[start:start + _ROWS_PER_STATEMENT]
        conn.execute(text(f"DELETE FROM {conflict} c USING json_to_recordset(CAST(:rows AS json)) "
                          "AS x(tbl text, row_id text) WHERE c.tbl = x.tbl AND c.row_id = x.row_id"),
                     {"rows": _dumps([{"tbl": st.table, "row_id": st.row_id} for st in chunk])})
        found = [{"tbl": st.table, "row_id": st.row_id, "field": name, "heads": _dumps([h.key for h in heads])}
                 for st in chunk for name, heads in st.conflicts().items()]
        if found:
            conn.execute(text(f"INSERT INTO {conflict} (tbl, row_id, field, heads) "
                              "SELECT x.tbl, x.row_id, x.field, CAST(x.heads AS json) FROM json_to_recordset("
                              "CAST(:rows AS json)) AS x(tbl text, row_id text, field text, heads text)"),
                         {"rows": _dumps(found)})


def materialise_push(conn: Connection, new_ops: Sequence[OpRecord], new_rows: set[str]) -> int:
    """The push's part: the rows its ops touch. A row the server had never seen has no ops but this push's;
    the others are read back with their whole history."""
    groups: dict[tuple[str, str], list[OpRecord]] = defaultdict(list)
    for op in new_ops:
        if op.row_id in new_rows:
            groups[(op.tbl, op.row_id)].append(op)
    known = {(op.tbl, op.row_id) for op in new_ops if op.row_id not in new_rows}
    groups.update(row_ops(conn, known))
    return materialise(conn, groups, frozenset((op.device_id, op.seq) for op in new_ops))


def build_batch(conn: Connection, limit: int | None = None) -> int:
    """Materialise the rows of the next ``limit`` (default :data:`BATCH`) ops after the built cursor (caller:
    one transaction under the push lock); returns how many ops the batch covered (0: the records are
    complete)."""
    limit = limit or BATCH
    at = built_cursor(conn)
    ops = schema.ops
    batch = conn.execute(select(ops.c.cursor, ops.c.tbl, ops.c.row_id).where(ops.c.cursor > at)
                         .order_by(ops.c.cursor).limit(limit)).all()
    if not batch:
        return 0
    materialise(conn, row_ops(conn, {(r.tbl, r.row_id) for r in batch}))
    set_cursor(conn, int(batch[-1].cursor))
    return len(batch)


# ----------------------------------------------------------------------------- reading
def _wire(codec: oplog.TableCodec, name: str, value: Any) -> Any:
    """A PostgreSQL column value as the log value (what ``TableCodec.from_column`` gives on SQLite)."""
    if value is None:
        return codec.absent(name)
    if name in codec.bool_fields:
        return bool(value)
    return oplog.to_wire(value)  # dates as ISO text; JSON comes back parsed already


def iter_rows(conn: Connection, table: str) -> Iterator[dict[str, Any]]:
    """Every stored row of a table as log values, by id (byte order, as SQLite orders text)."""
    codec = CODECS[table]
    names = ", ".join(f'"{n}"' for n in ("id", *codec.fields))
    result = conn.execution_options(stream_results=True, yield_per=2000).execute(
        text(f'SELECT {names} FROM {_quoted(table)} ORDER BY id COLLATE "C"'))
    for row in result:
        values = {"id": row[0]}
        values.update((n, _wire(codec, n, v)) for n, v in zip(codec.fields, row[1:], strict=True))
        yield values


def export_json(conn: Connection, out: Any) -> int:
    """The records as ``jiafang export json`` prints a laptop's (the audit log left out): the same bytes when
    the server and a laptop hold the same ops. (:func:`app.services.exchange.export_json` reads SQLite.)"""
    count = 0
    for table in sorted(CODECS, key=lambda t: (oplog.APPLY_ORDER[t], t)):
        if table in oplog.APPEND_ONLY:
            continue
        for row in iter_rows(conn, table):
            out.write(json.dumps({"_table": table, **row}, ensure_ascii=False, sort_keys=True,
                                 separators=(",", ":")))
            out.write("\n")
            count += 1
    return count


def differences(conn: Connection, *, limit: int = 100) -> list[str]:
    """Where the stored records differ from a fresh resolve of every op (empty when they agree): what a kill
    in the middle of a push or a backfill must never leave behind."""
    ops = schema.ops
    groups: dict[tuple[str, str], list[OpRecord]] = defaultdict(list)
    for r in conn.execute(select(ops.c.device_id, ops.c.seq, ops.c.hlc, ops.c.tbl, ops.c.row_id, ops.c.scope,
                                 ops.c.user_id, ops.c.data, ops.c.prev)):
        groups[(r.tbl, r.row_id)].append(op_from_row(r))
    expected: dict[tuple[str, str], dict[str, Any]] = {}
    conflicts: dict[tuple[str, str, str], list[str]] = {}
    for (table, row_id), row_ops_ in groups.items():
        usable = [op for op in row_ops_ if _usable(op)]
        resolved = resolve_row(table, row_id, usable) if usable and table in CODECS else None
        if resolved is None:
            continue
        expected[(table, row_id)] = resolved.values
        for name, heads in resolved.conflicts().items():
            conflicts[(table, row_id, name)] = [h.key for h in heads]
    found: list[str] = []
    stored_keys: set[tuple[str, str]] = set()
    for table in CODECS:
        for row in iter_rows(conn, table):
            key = (table, row.pop("id"))
            stored_keys.add(key)
            want = expected.get(key)
            if want is None:
                found.append(f"{key}: stored, but no op makes it")
            elif _dumps(row) != _dumps({n: want[n] for n in row}):
                changed = sorted(n for n in row if _dumps(row[n]) != _dumps(want[n]))
                found.append(f"{key}: {changed} differ from the ops")
    found.extend(f"{key}: missing" for key in sorted(expected.keys() - stored_keys))
    held = {(r.tbl, r.row_id, r.field): list(r.heads) for r in conn.execute(
        text(f"SELECT tbl, row_id, field, heads FROM {_quoted('conflict')}"))}
    if held != conflicts:
        found.append(f"conflicts differ: stored {len(held)}, from the ops {len(conflicts)}")
    return found[:limit]


def open_records(store: ServerStore, cache_dir: Path, *, replica_url: str | None = None) -> PgRecords | Materialised:
    """The records the dashboard, the conflict list and the administration read: in PostgreSQL, kept by the
    pushes themselves; on SQLite (one school's embedded server), this process's cache of the ops. With
    ``replica_url`` (PostgreSQL only), they are read from that database: a hot standby of the server's."""
    if store.records_in_database:
        return PgRecords(store, replica_url=replica_url)
    if replica_url:
        raise SyncError("只读副本（--dashboard-db）只用于 PostgreSQL 服务器数据库。",
                        "A read replica (--dashboard-db) goes with a PostgreSQL server database only.")
    from sync.server.materialised import Materialised

    return Materialised(store, cache_dir)


class PgRecords:
    """The records in PostgreSQL, read as the models (the read side of :mod:`sync.server.materialised`'s
    interface: :meth:`refresh`, :meth:`session`, :attr:`cursor`, :meth:`close`). Read from the server's own
    database, or from a read replica of it (``replica_url``), which answers as of its last replayed commit."""

    def __init__(self, store: ServerStore, *, replica_url: str | None = None) -> None:
        from sync.server.store import make_engine

        self.store = store
        self._replica = make_engine(replica_url) if replica_url else None
        self.engine = (self._replica or store.engine).execution_options(
            schema_translate_map=TRANSLATE, postgresql_readonly=True, isolation_level="REPEATABLE READ")

    def refresh(self) -> int:
        """Build what pushes did not (ops stored by a process of an older version); usually nothing."""
        return self.store.build_records()

    @property
    def cursor(self) -> int:
        with self.engine.connect() as conn:
            return built_cursor(conn)

    @contextmanager
    def session(self) -> Iterator[Session]:
        session = Session(self.engine)
        try:
            yield session
        finally:
            session.close()

    def export_json(self, out: Any) -> int:
        with self.store.read() as conn:
            return export_json(conn, out)

    def close(self) -> None:
        """The replica's pool, if any (otherwise it shares the store's connection pool)."""
        if self._replica is not None:
            self._replica.dispose()
