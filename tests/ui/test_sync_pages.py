"""The Sync and Conflicts pages, driven as a teacher would: choose the folder, sync, settle a conflict."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.domain.codes import UserRole
from app.services.audit import AuditAction, list_events
from app.services.roster import add_student, edit_student
from app.services.users import add_user
from app.store.db import Database, create_folder, open_folder
from app.store.models import Conflict, School, Student
from app.ui.pages.conflicts_page import ConflictsPage
from app.ui.pages.sync_page import SyncPage
from app.ui.widgets.share_rekey import RekeyDialog
from sync.engine import sync_folder
from sync.errors import SharePassphraseChanged
from tests.conftest import PASSWORD, TODAY, make_student_input
from tests.services.support import dump
from tests.ui.record_pages_support import *  # noqa: F403 (the shared fixtures: lang)
from tests.ui.record_pages_support import shot

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


# ----------------------------------------------------------------------------- a lost laptop, from the app
# Typed with key clicks below (QTest types Latin-1 only).
OLD = "shibu-share-2026"
NEW = "new-after-the-loss-2026"




@pytest.fixture
def laptops(database: Database, school: School, tmp_path: Path) -> Iterator[tuple[Path, dict[str, Database]]]:
    """A (the administrator, the ``database`` fixture), B and C (the one that gets lost), joined through a
    share with the old passphrase; C's student from before the loss is everywhere."""
    share = tmp_path / "share"
    share.mkdir()
    b = create_folder(tmp_path / "b", username="b", password=PASSWORD, device_name="教务处-2")
    c = create_folder(tmp_path / "c", username="c", password=PASSWORD, device_name="丢失的笔记本")
    try:
        for laptop in (database, b, c):
            assert sync_folder(laptop, share, OLD).ok
        with c.write() as session:
            add_student(session, make_student_input(school.id, name="陆在丢失前", sequence=31),  # type: ignore[arg-type]
                        today=TODAY)
        for laptop in (c, database, b):
            assert sync_folder(laptop, share).ok
        yield share, {"a": database, "b": b, "c": c}
    finally:
        b.close()
        c.close()


def _open_dialog(qtbot: QtBot, page: SyncPage, share: Path) -> RekeyDialog:
    page.folder.setText(str(share))
    page.rekey_button.click()
    dialog = page.rekey_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.devices.count() > 0, timeout=30_000)
    return dialog


def _shown(qtbot: QtBot, widget: QWidget, width: int, height: int) -> None:
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)


def test_an_administrator_rekeys_from_the_sync_page_and_a_colleague_catches_up(
        qtbot: QtBot, laptops: tuple[Path, dict[str, Database]], lang: str) -> None:
    share, machines = laptops
    a, b, c = machines["a"], machines["b"], machines["c"]
    page = SyncPage(a)
    qtbot.addWidget(page)
    _shown(qtbot, page, 900, 700)
    assert page.rekey_button.isVisible()
    dialog = _open_dialog(qtbot, page, share)
    listed = [dialog.devices.item(i).text() for i in range(dialog.devices.count())]
    assert len(listed) == 3 and any("丢失的笔记本" in text and c.device_id in text for text in listed)
    own = next(dialog.devices.item(i) for i in range(dialog.devices.count())
               if dialog.devices.item(i).data(Qt.ItemDataRole.UserRole) == a.device_id)
    assert not own.flags() & Qt.ItemFlag.ItemIsUserCheckable  # this laptop cannot revoke itself
    dialog.check(c.device_id)

    # Too short: the service's message next to the field, nothing typed or ticked lost, the share unchanged.
    qtbot.keyClicks(dialog.new_passphrase, "short")
    qtbot.keyClicks(dialog.again, "short")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.blocks["new_passphrase"].has_error(), timeout=30_000)
    assert ("至少" if lang == "zh" else "at least") in dialog.blocks["new_passphrase"].error.text()
    assert dialog.new_passphrase.text() == "short" and dialog.again.text() == "short"
    assert dialog.revoked() == [c.device_id] and dialog.isVisible()
    assert not (share / "keys").exists()
    # Two different entries are caught before anything runs.
    dialog.new_passphrase.setText(NEW)
    dialog.again.setText(NEW + "x")
    dialog.ok_button.click()
    assert dialog.blocks["again"].has_error() and not dialog.running
    assert not dialog.blocks["new_passphrase"].has_error() and dialog.new_passphrase.text() == NEW
    dialog.again.setText(NEW)
    assert not dialog.blocks["again"].has_error()  # corrected: the message goes
    shot(dialog, f"sync-rekey-{lang}")

    dialog.ok_button.click()
    assert dialog.running and not dialog.new_passphrase.isEnabled()
    qtbot.waitUntil(lambda: dialog.done_ok or bool(dialog.error.text()), timeout=60_000)
    assert dialog.done_ok, dialog.error.text()
    assert c.device_id in dialog.outcome.text() and dialog.new_passphrase.text() == ""
    assert (share / "keys" / "000002.json").exists()
    assert c.device_id in page.result.toPlainText()  # the page shows the result too
    shot(dialog, f"sync-rekey-done-{lang}")
    with a.read() as session:
        events = list_events(session, role=UserRole.SCHOOL_ADMIN, action=AuditAction.SHARE_REKEYED)
    assert [(e.detail, e.user_id) for e in events] == [(c.device_id, a.user.id)]
    dialog.close_button.click()
    qtbot.waitUntil(lambda: page.rekey_dialog is None)

    # B's Sync page: B is an administrator too, but cannot change the passphrase again before it has the new
    # one; its sync stops with the clear message, the passphrase field ready for the new one.
    other = SyncPage(b)
    qtbot.addWidget(other)
    _shown(qtbot, other, 900, 700)
    late = _open_dialog(qtbot, other, share)
    late.new_passphrase.setText(NEW + "-b")
    late.again.setText(NEW + "-b")
    late.ok_button.click()
    qtbot.waitUntil(lambda: bool(late.error.text()), timeout=60_000)
    assert ("另一位管理员" if lang == "zh" else "Another administrator") in late.error.text()
    assert late.new_passphrase.text() == NEW + "-b" and not late.done_ok
    late.close_button.click()
    qtbot.waitUntil(lambda: other.rekey_dialog is None)
    other.activateWindow()  # back on the page, as the window manager does when a dialog closes
    qtbot.waitActive(other)
    other.sync_button.click()
    qtbot.waitUntil(lambda: other.sync_button.isEnabled(), timeout=60_000)
    note = other.passphrase_note  # right under the field
    assert note.isVisible() and other.error.text() == ""
    assert ("管理员" in note.text() and "口令" in note.text()) if lang == "zh" \
        else "administrator changed the passphrase" in note.text()
    assert "JIAFANG_SYNC_PASSPHRASE" not in note.text()
    assert ("管理员" if lang == "zh" else "administrator") in other.passphrase.placeholderText()
    assert other.passphrase.hasFocus()
    shot(other, f"sync-passphrase-changed-{lang}")
    # The old passphrase (all B had) is not the new one: said so, and selected to be typed over.
    qtbot.keyClicks(other.passphrase, OLD)
    other.sync_button.click()
    qtbot.waitUntil(lambda: other.sync_button.isEnabled(), timeout=60_000)
    assert ("不是" if lang == "zh" else "not the folder's new passphrase") in note.text()
    assert other.passphrase.hasFocus() and other.passphrase.selectedText() == OLD
    qtbot.keyClicks(other.passphrase, NEW)  # replaces the selection
    assert other.passphrase.text() == NEW
    other.sync_button.click()
    qtbot.waitUntil(lambda: other.sync_button.isEnabled(), timeout=60_000)
    assert other.error.text() == "" and other.passphrase.text() == "" and not note.isVisible()
    assert ("管理员" not in other.passphrase.placeholderText()) and "administrator" not in \
        other.passphrase.placeholderText()
    assert sync_folder(a, share).ok and sync_folder(b, share).ok
    assert dump(a) == dump(b)
    # The lost laptop is shut out.
    with pytest.raises(SharePassphraseChanged):
        sync_folder(c, share, OLD)


def test_a_teacher_sees_no_passphrase_change(qtbot: QtBot, database: Database) -> None:
    add_user(database, username="teacher", password=PASSWORD, role=UserRole.TEACHER)
    teacher = open_folder(database.data_dir, "teacher", PASSWORD)
    try:
        page = SyncPage(teacher)
        qtbot.addWidget(page)
        _shown(qtbot, page, 900, 700)
        assert not page.rekey_button.isVisible()
    finally:
        teacher.close()
    admin = SyncPage(database)
    qtbot.addWidget(admin)
    _shown(qtbot, admin, 900, 700)
    assert admin.rekey_button.isVisible()
    admin.rekey_button.click()  # no folder chosen yet
    assert admin.rekey_dialog is None and admin.error.text()
