"""The one guard on writes: nothing but the op log writes a synced table, by SQLAlchemy or by a raw cursor.

The op log (``app.store.oplog``) is the one writer of the synced tables and takes its cursor from
:func:`op_log_cursor`; every other raw cursor comes from :func:`raw_cursor`, which refuses such a write as the
SQLAlchemy hook does. The UI may also watch writes to check that none runs on its thread (``app.ui.ops``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy.orm import Session

from app.store.models import MODEL_BY_TABLE

GUARDED_TABLES = frozenset(MODEL_BY_TABLE) | {"op_log"}
_WRITE_RE = re.compile(r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)"
                       r"\s+[\"`\[]?(\w+)", re.IGNORECASE)


class BypassError(RuntimeError):
    """A write to a synced table that did not go through the op log: a programming error."""


#: Called as each write session opens and before each write statement. The UI installs a check that its own
#: code writes nowhere but on its database worker (app/ui/ops.py); the store itself knows no Qt.
_write_watch: Callable[[], None] | None = None


def set_write_watch(watch: Callable[[], None] | None) -> None:
    global _write_watch
    _write_watch = watch


def watch_write() -> None:
    if _write_watch is not None:
        _write_watch()


def check_statement(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                    executemany: bool) -> None:
    """SQLAlchemy's ``before_cursor_execute`` hook (and the guarded cursor's own check)."""
    match = _WRITE_RE.match(statement)
    if match is None:
        return
    if match.group(1).lower() in GUARDED_TABLES:
        raise BypassError(f"write to {match.group(1)} outside the op log: {statement[:80]}")
    watch_write()


class GuardedCursor:
    """A raw DB-API cursor (for reads that stream many rows, savepoints and pragmas) that refuses a write to a
    synced table as the SQLAlchemy guard does: only the op log writes those, through its own cursor."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def execute(self, statement: str, parameters: Any = ()) -> GuardedCursor:
        check_statement(None, None, statement, parameters, None, False)
        self._cursor.execute(statement, parameters)
        return self

    def executemany(self, statement: str, rows: Any) -> GuardedCursor:
        check_statement(None, None, statement, rows, None, True)
        self._cursor.executemany(statement, rows)
        return self

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self._cursor)

    def __getattr__(self, name: str) -> Any:  # fetchone, fetchmany, fetchall, description, rowcount, close
        return getattr(self._cursor, name)


def raw_cursor(session: Session) -> GuardedCursor:
    """The session's own connection as a guarded DB-API cursor, in the session's transaction."""
    return GuardedCursor(op_log_cursor(session))


def op_log_cursor(session: Session) -> Any:
    """The unguarded DB-API cursor of the session's connection: for ``app.store.oplog`` alone, the one writer
    of the synced tables."""
    return session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
