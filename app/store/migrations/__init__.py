"""Numbered schema migrations.

Each migration runs in its own transaction and sets ``PRAGMA user_version`` to its number; a copy of the
database file is taken before the first one runs on an existing database. A database whose version is newer
than :data:`SCHEMA_VERSION` is refused, never opened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.store.migrations import (
    m0001_initial,
    m0002_search,
    m0003_sync,
    m0004_form_scratch,
    m0005_server_sync,
    m0006_roster_indexes,
    m0007_absence_reconciliation,
    m0008_drop_redundant_indexes,
    m0009_audit_event,
    m0010_share_keys,
    m0011_drop_id_roster_index,
)

Migration = Callable[[Any], None]  # takes a DB-API cursor inside an open transaction

MIGRATIONS: tuple[tuple[int, str, Migration], ...] = (
    (1, "initial schema", m0001_initial.upgrade),
    (2, "roster and household search indexes", m0002_search.upgrade),
    (3, "sync state", m0003_sync.upgrade),
    (4, "form scratch", m0004_form_scratch.upgrade),
    (5, "sync with the district server", m0005_server_sync.upgrade),
    (6, "roster and household indexes, measured on 100,000 students", m0006_roster_indexes.upgrade),
    (7, "absences and reconciliation dismissals", m0007_absence_reconciliation.upgrade),
    (8, "drop redundant student indexes", m0008_drop_redundant_indexes.upgrade),
    (9, "the audit log", m0009_audit_event.upgrade),
    (10, "share key generations and revoked devices", m0010_share_keys.upgrade),
    (11, "drop the key-target filter's covering id index", m0011_drop_id_roster_index.upgrade),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]
