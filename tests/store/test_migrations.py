"""Numbered, transactional migrations with a backup first; a newer database is refused untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

import app.store.db as store_db
from app.domain.errors import DomainError
from app.store.db import Database, open_folder
from app.store.migrations import MIGRATIONS, SCHEMA_VERSION
from app.store.models import Base
from tests.conftest import PASSWORD


def _raw(database: Database) -> Any:
    return database.engine.raw_connection()


def test_migrated_schema_is_the_models_schema_in_column_order(database: Database) -> None:
    """The frozen DDL of migration 1 and the models agree, column order included (create ops are stored
    positionally in that order)."""
    raw = _raw(database)
    try:
        for table in Base.metadata.sorted_tables:
            info = raw.driver_connection.execute(f"PRAGMA table_info({table.name})").fetchall()
            assert [row[1] for row in info] == [c.name for c in table.columns], table.name
            assert [bool(row[3]) for row in info] == [not c.nullable for c in table.columns], table.name
            indexes = {row[1] for row in raw.driver_connection.execute(f"PRAGMA index_list({table.name})")}
            assert {ix.name for ix in table.indexes} <= indexes, table.name
        version = raw.driver_connection.execute("PRAGMA user_version").fetchone()[0]
        assert version == SCHEMA_VERSION
    finally:
        raw.close()


def _set_version(database: Database, version: int) -> None:
    raw = _raw(database)
    raw.driver_connection.execute(f"PRAGMA user_version = {version}")
    raw.close()
    database.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_newer_database_is_refused_and_left_as_it_was(database: Database, data_dir: Path) -> None:
    _set_version(database, SCHEMA_VERSION + 1)
    before = _digest(data_dir / "jiafang.db")
    with pytest.raises(DomainError) as caught:
        open_folder(data_dir, "admin", PASSWORD)
    assert "更新版本" in str(caught.value)
    assert _digest(data_dir / "jiafang.db") == before
    assert not (data_dir / "backups").exists()


def test_pending_migration_runs_after_a_backup(database: Database, data_dir: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    database.close()

    def add_column(cur: Any) -> None:
        cur.execute("ALTER TABLE school ADD COLUMN motto TEXT")

    monkeypatch.setattr(store_db, "MIGRATIONS", (*MIGRATIONS, (SCHEMA_VERSION + 1, "motto", add_column)))
    monkeypatch.setattr(store_db, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    reopened = open_folder(data_dir, "admin", PASSWORD)
    raw = _raw(reopened)
    columns = [row[1] for row in raw.driver_connection.execute("PRAGMA table_info(school)")]
    version = raw.driver_connection.execute("PRAGMA user_version").fetchone()[0]
    raw.close()
    reopened.close()
    assert "motto" in columns and version == SCHEMA_VERSION + 1
    backups = list((data_dir / "backups").glob("*.db"))
    assert len(backups) == 1 and f"before-v{SCHEMA_VERSION + 1}" in backups[0].name
    assert not backups[0].read_bytes().startswith(b"SQLite format 3")  # the backup is encrypted too


def test_failed_migration_rolls_back_entirely(database: Database, data_dir: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    database.close()

    def half_done(cur: Any) -> None:
        cur.execute("ALTER TABLE school ADD COLUMN motto TEXT")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_db, "MIGRATIONS", (*MIGRATIONS, (SCHEMA_VERSION + 1, "broken", half_done)))
    monkeypatch.setattr(store_db, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(DomainError) as caught:
        open_folder(data_dir, "admin", PASSWORD)
    assert "磁盘已满" in str(caught.value)
    monkeypatch.undo()
    reopened = open_folder(data_dir, "admin", PASSWORD)  # the old program still opens it as it was
    raw = _raw(reopened)
    columns = [row[1] for row in raw.driver_connection.execute("PRAGMA table_info(school)")]
    version = raw.driver_connection.execute("PRAGMA user_version").fetchone()[0]
    raw.close()
    reopened.close()
    assert "motto" not in columns and version == SCHEMA_VERSION
