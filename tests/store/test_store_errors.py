"""SQLite failures reach the user as clear messages, with the data exactly as it was."""

from __future__ import annotations

import pytest

from app.domain.errors import DomainError
from app.services.roster import add_students
from app.store.db import Database
from app.store.errors import ConstraintViolated, DiskFull, StoreError
from app.store.models import School
from tests.conftest import TODAY, make_student_input
from tests.services.support import dump


def test_full_disk_during_a_write_keeps_the_data(database: Database, school: School) -> None:
    before = dump(database)
    inputs = [make_student_input(school.id, name="韦小明", sequence=2 * i + 1, grade=1 + i % 9) for i in range(400)]
    with pytest.raises(StoreError) as caught, database.write() as session:
        # SQLite reports a full database exactly as it reports a full disk (SQLITE_FULL).
        pages = session.connection().exec_driver_sql("PRAGMA page_count").scalar()
        session.connection().exec_driver_sql(f"PRAGMA max_page_count = {pages}")
        add_students(session, inputs, today=TODAY)  # type: ignore[arg-type]
    database.engine.dispose()  # drop the connection that carries the page limit
    assert "磁盘已满" in str(caught.value) and isinstance(caught.value, DiskFull)
    assert dump(database) == before
    with database.write() as session:  # the next write, with space, works
        add_students(session, inputs[:3], today=TODAY)  # type: ignore[arg-type]
    assert dump(database) != before


def test_english_messages_follow_the_language(database: Database) -> None:
    from app.domain.i18n import set_language

    set_language("en")
    error = StoreError("磁盘已满", "The disk is full")
    assert str(error) == "The disk is full"
    assert isinstance(error, DomainError)


def test_a_bounded_wait_for_a_busy_writer_says_so_and_writes_nothing(database: Database, school: School) -> None:
    """A screen's draft save gives up after ``wait`` seconds while a sync or import holds the writer."""
    import threading

    from app.services.roster import add_student
    from app.store.errors import WriterBusy

    holding, release = threading.Event(), threading.Event()

    def long_sync() -> None:
        with database.write():
            holding.set()
            release.wait(10)

    worker = threading.Thread(target=long_sync)
    worker.start()
    try:
        assert holding.wait(10)
        before = dump(database)
        with pytest.raises(WriterBusy) as caught, database.write(wait=0.05) as session:
            add_student(session, make_student_input(school.id), today=TODAY)
        assert "同步或导入" in caught.value.zh and "sync or import" in caught.value.en
        assert dump(database) == before
    finally:
        release.set()
        worker.join()
    with database.write(wait=0.05) as session:  # free again: the same call goes through
        add_student(session, make_student_input(school.id), today=TODAY)
    assert dump(database) != before


def test_errors_are_told_apart_by_sqlite_code_not_by_wording(tmp_path: object) -> None:
    """A real read-only database and a real constraint each get their message from SQLite's result code; text
    that merely reads like one (a message that mentions "locked") is not taken for it."""
    import sqlcipher3

    from app.store.errors import SQLITE_CONSTRAINT, SQLITE_READONLY, translate

    connection = sqlcipher3.connect(":memory:")
    connection.execute("CREATE TABLE t (a UNIQUE)")
    connection.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlcipher3.IntegrityError) as constraint:
        connection.execute("INSERT INTO t VALUES (1)")
    error = translate(constraint.value)
    assert error.sqlite_code == SQLITE_CONSTRAINT and "数据不一致" in error.zh
    connection.execute("PRAGMA query_only = ON")
    with pytest.raises(sqlcipher3.OperationalError) as readonly:
        connection.execute("INSERT INTO t VALUES (2)")
    error = translate(readonly.value)
    assert error.sqlite_code == SQLITE_READONLY and "只读" in error.zh
    error = translate(RuntimeError("the table is locked in the cupboard"))
    assert error.sqlite_code is None and "正被另一个程序使用" not in error.zh and "数据库出错" in error.zh


def test_a_unique_violation_is_a_refused_change_not_a_full_disk(database: Database) -> None:
    """Decided by the SQLite result code: SQLITE_CONSTRAINT is its own error type, never "disk full"."""
    from datetime import UTC, datetime

    from app.store.ids import uuid7
    from app.store.models import User

    before = dump(database)
    with pytest.raises(StoreError) as caught, database.write() as session:
        session.add(User(id=uuid7(), username="admin", display_name="重名", role="teacher", key_slot_id=uuid7(),
                         created_at=datetime.now(UTC)))
    assert isinstance(caught.value, ConstraintViolated) and not isinstance(caught.value, DiskFull)
    assert caught.value.sqlite_code == 19 and "磁盘" not in caught.value.zh
    assert dump(database) == before
