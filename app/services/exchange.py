"""Records out of the store in exchange formats. (Imports of registry exports arrive with the data-in work.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TextIO

from sqlalchemy.orm import Session

from app.store import oplog
from app.store.guard import raw_cursor


def iter_records(session: Session, *, include_audit: bool = False) -> Iterator[dict[str, object]]:
    """Every synced record, deleted ones included (flagged), parents first, then by id.

    The dump is canonical: two devices that hold the same log print the same bytes, which is how sync
    convergence is checked. The audit log is left out unless asked for: every sign-in adds to it, and it
    has its own listing (``jiafang audit --json``).
    """
    cur = raw_cursor(session)
    for table, codec in sorted(oplog.CODECS.items(), key=lambda item: (oplog.APPLY_ORDER[item[0]], item[0])):
        if table in oplog.APPEND_ONLY and not include_audit:
            continue
        cur.execute(f"SELECT id, {', '.join(codec.fields)} FROM {table} ORDER BY id")
        while rows := cur.fetchmany(2000):
            for row in rows:
                record: dict[str, object] = {"_table": table, "id": row[0]}
                record.update((n, codec.from_column(n, v)) for n, v in zip(codec.fields, row[1:], strict=True))
                yield record


def export_json(session: Session, out: TextIO) -> int:
    """Write one JSON object per line; returns the number of records."""
    count = 0
    for record in iter_records(session):
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
        out.write("\n")
        count += 1
    return count
