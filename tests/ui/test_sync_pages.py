"""The Sync and Conflicts pages, driven as a teacher would: choose the folder, sync, settle a conflict."""

from __future__ import annotations

import os
from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.services.roster import edit_student
from app.store.db import Database, create_folder
from app.store.models import Conflict, Student
from app.ui.pages.conflicts_page import ConflictsPage
from app.ui.pages.sync_page import SyncPage
from sync.engine import sync_folder
from tests.conftest import PASSWORD, TODAY

PASSPHRASE = "石埠小学-同步-口令"


def _shot(widget: object, name: str) -> None:
    folder = os.environ.get("JIAFANG_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{name}.png"))  # type: ignore[attr-defined]


def test_sync_page_syncs_and_shows_the_result(qtbot: QtBot, database: Database, student: Student,
                                              tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    page = SyncPage(database)
    qtbot.addWidget(page)
    assert "never synced" in page.result.toPlainText() or "从未" in page.result.toPlainText()
    page.sync_button.click()
    assert page.error.text()  # no folder chosen yet
    page.folder.setText(str(share))
    page.passphrase.setText(PASSPHRASE)
    page.sync_button.click()
    assert page.task is not None
    qtbot.waitUntil(lambda: page.sync_button.isEnabled(), timeout=60_000)
    assert page.error.text() == ""
    assert "0" in page.pending.text()
    assert (share / "jiafang-share.json").exists()
    assert page.passphrase.text() == ""  # the passphrase is not kept in the form
    _shot(page, "sync")


def test_wrong_passphrase_is_shown_on_the_page(qtbot: QtBot, database: Database, tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    other = create_folder(tmp_path / "other", username="admin", password=PASSWORD)
    sync_folder(other, share, PASSPHRASE)
    other.close()
    page = SyncPage(database)
    qtbot.addWidget(page)
    page.folder.setText(str(share))
    page.passphrase.setText("wrong passphrase")
    page.sync_button.click()
    qtbot.waitUntil(lambda: page.sync_button.isEnabled(), timeout=60_000)
    assert "口令不正确" in page.error.text()


def test_conflicts_page_keeps_either_value_or_a_typed_one(qtbot: QtBot, database: Database, student: Student,
                                                         tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    other = create_folder(tmp_path / "other", username="teacher", password=PASSWORD)
    sync_folder(database, share, PASSPHRASE)
    sync_folder(other, share, PASSPHRASE)
    with database.write() as session:
        edit_student(session, student.id, class_name="3班", today=TODAY)
    with other.write() as session:
        edit_student(session, student.id, class_name="4班", today=TODAY)
    for laptop in (database, other, database):
        sync_folder(laptop, share)
    page = ConflictsPage(database)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 1 and len(page.keep_buttons) == 2
    page.resize(900, 500)
    _shot(page, "conflicts")
    page.new_value.setText("")
    page.use_new.click()
    assert page.error.text()  # nothing typed
    page.new_value.setText("五班")
    page.use_new.click()
    assert page.model.rowCount() == 0 and not page.empty.isHidden()
    with database.read() as session:
        assert session.get(Student, student.id).class_name == "五班"  # type: ignore[union-attr]
        assert session.scalars(select(Conflict)).first() is None
    sync_folder(database, share)
    sync_folder(other, share)
    with other.read() as session:
        assert session.get(Student, student.id).class_name == "五班"  # type: ignore[union-attr]
    other.close()
