"""What the service tests share: proof that a refused write left the data exactly as it was."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, select

from app.services.exchange import export_json
from app.store.db import Database
from app.store.models import Op


def dump(database: Database) -> str:
    """Every synced record as ``export json`` prints it: equal dumps, equal data."""
    out = io.StringIO()
    with database.read() as session:
        export_json(session, out)
    return out.getvalue()


def snapshot(database: Database) -> tuple[str, int]:
    """Every synced record (canonical dump) and the number of ops: what a failed write must leave alone."""
    out = io.StringIO()
    with database.read() as session:
        export_json(session, out)
        ops = session.scalar(select(func.count()).select_from(Op)) or 0
    return out.getvalue(), ops


@contextmanager
def unchanged(database: Database) -> Iterator[None]:
    before = snapshot(database)
    yield
    assert snapshot(database) == before
