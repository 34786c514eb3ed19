"""Restore from a backup, from the sign-in window: the link opens a dialog listing the data folder's backups;
with a password the backup opens with and the warning ticked, the backup replaces the data (kept aside), the
summary names the new device id, and signing in shows the backup's data. A wrong password, another
deployment's backup, a damaged file and a full disk each show the service's message and leave the data as it
was."""

from __future__ import annotations

import errno
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.services.backup import make_backup
from app.services.roster import edit_student
from app.store.db import Database, create_folder, open_folder
from app.store.models import Student
from app.ui.main import LoginDialog
from app.ui.widgets.restore_backup import RestoreDialog
from sync.engine import sync_folder
from tests import volumes
from tests.conftest import PASSWORD, TODAY
from tests.ui.record_pages_support import *  # noqa: F403 (the shared fixtures: lang)
from tests.ui.shell_support import shot
from tests.ui.test_shell_i18n import ENGLISH, _translated, english_in

UUID = re.compile(r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}")


@pytest.fixture
def backed_up(database: Database, student: Student) -> Iterator[tuple[Path, str]]:
    """A backup (class 2班), then a change after it (class 后来改的); the database closed, as at sign-in.
    Yields the backup and the device id before the restore."""
    backup = make_backup(database)
    with database.write() as session:
        edit_student(session, student.id, class_name="后来改的", today=TODAY)
    device = database.device_id
    database.close()
    yield backup, device


def class_name(data_dir: Path, student_id: str) -> str:
    reopened = open_folder(data_dir, "admin", PASSWORD)
    try:
        with reopened.read() as session:
            found = session.get(Student, student_id)
            assert found is not None
            return found.class_name or ""
    finally:
        reopened.close()


def open_login(qtbot: QtBot, data_dir: Path) -> LoginDialog:
    login = LoginDialog(data_dir)
    qtbot.addWidget(login)
    login.show()
    qtbot.waitExposed(login)
    qtbot.waitUntil(lambda: login.recovery_available is not None)
    return login


def click_restore_link(qtbot: QtBot, login: LoginDialog) -> RestoreDialog:
    """Click "Restore from a backup…" as a person would (on its text)."""
    label = login.restore_link
    qtbot.mouseClick(label, Qt.MouseButton.LeftButton,
                     pos=QPoint(label.fontMetrics().horizontalAdvance("Re"), label.height() // 2))
    qtbot.waitUntil(lambda: login.restore_dialog is not None and login.restore_dialog.isVisible())
    dialog = login.restore_dialog
    assert isinstance(dialog, RestoreDialog)
    return dialog


def restore(qtbot: QtBot, dialog: RestoreDialog, password: str) -> None:
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, password)
    if not dialog.confirm.isChecked():
        qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton,
                         pos=QPoint(8, dialog.confirm.height() // 2))
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running, timeout=30_000)


def in_view(widget: QWidget) -> bool:
    """Shown and not cut off by the bottom of its window."""
    QApplication.processEvents()
    bottom = widget.mapTo(widget.window(), QPoint(0, widget.height())).y()
    return widget.isVisible() and bottom <= widget.window().height()


def replaced_folders(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "backups").glob("replaced-*"))


def test_restore_from_the_sign_in_window_then_sign_in(qtbot: QtBot, backed_up: tuple[Path, str],
                                                      student: Student, data_dir: Path, lang: str) -> None:
    backup, old_device = backed_up
    login = open_login(qtbot, data_dir)
    assert ("从备份恢复" if lang == "zh" else "Restore from a backup") in login.restore_link.text()
    shot(login, f"login-restore-link-{lang}")
    dialog = click_restore_link(qtbot, login)
    assert dialog.username.text() == "admin"
    assert dialog.backup_path() == backup  # the newest backup of the folder, chosen already
    assert str(data_dir / "backups") in dialog.warning.text()
    assert not dialog.restore_button.isEnabled()  # not before the warning is ticked
    shot(dialog, f"restore-dialog-{lang}")

    restore(qtbot, dialog, PASSWORD)
    summary = dialog.summary
    assert summary is not None and summary.new_device_id != old_device
    assert summary.moved_aside is not None and (summary.moved_aside / "jiafang.db").exists()
    text = dialog.outcome.text()
    assert summary.new_device_id in text and str(summary.moved_aside) in text
    assert not dialog.inputs.isVisible() and dialog.back_button.isVisible()
    shot(dialog, f"restore-done-{lang}")

    qtbot.mouseClick(dialog.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: login.restore_dialog is None)
    assert login.notice.isVisible() and login.password.text() == ""
    assert ("备份已恢复" if lang == "zh" else "The backup was restored") in login.notice.text()
    shot(login, f"login-after-restore-{lang}")

    qtbot.keyClicks(login.password, PASSWORD)
    qtbot.mouseClick(login.ok_button, Qt.MouseButton.LeftButton)
    assert login.database is not None
    try:
        with login.database.read() as session:
            restored = session.get(Student, student.id)
            assert restored is not None and restored.class_name == "2班"  # the backup's, not the later change
        assert login.database.device_id == summary.new_device_id != old_device
    finally:
        login.database.close()


def test_wrong_password_is_shown_under_the_password(qtbot: QtBot, backed_up: tuple[Path, str], student: Student,
                                                    data_dir: Path, lang: str) -> None:
    login = open_login(qtbot, data_dir)
    dialog = click_restore_link(qtbot, login)
    restore(qtbot, dialog, "not-the-password")
    assert dialog.summary is None and dialog.isVisible()
    assert in_view(dialog.password_block.error)
    message = dialog.password_block.error.text()
    assert message == ("用户名或密码不正确。" if lang == "zh" else "Wrong user name or password.")
    assert dialog.password.hasFocus() or dialog.password.selectedText()
    shot(dialog, f"restore-wrong-password-{lang}")
    assert class_name(data_dir, student.id) == "后来改的" and replaced_folders(data_dir) == []
    # Cancel goes back to the sign-in window, which is as it was.
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: login.restore_dialog is None)
    assert not login.notice.isVisible()


def test_another_deployments_backup_and_a_damaged_file_are_refused(
        qtbot: QtBot, database: Database, student: Student, data_dir: Path, tmp_path: Path, chinese: str) -> None:
    (tmp_path / "share-a").mkdir()
    (tmp_path / "share-b").mkdir()
    sync_folder(database, tmp_path / "share-a", "passphrase-a1")
    other = create_folder(tmp_path / "other", username="admin", password=PASSWORD)
    sync_folder(other, tmp_path / "share-b", "passphrase-b1")
    foreign = make_backup(other, tmp_path / "other-school.jfbak")
    other.close()
    own = make_backup(database, tmp_path / "own.jfbak")
    database.close()
    damaged = tmp_path / "damaged.jfbak"
    data = bytearray(own.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    not_a_backup = tmp_path / "photo.jfbak"
    not_a_backup.write_bytes(b"\x89PNG not a backup")

    login = open_login(qtbot, data_dir)
    dialog = click_restore_link(qtbot, login)
    assert dialog.backup_path() is None  # nothing in the backup folder: the file is chosen
    assert dialog.backup.placeholderText() == "备份文件夹里没有备份，请选择文件"
    for chosen, expected in ((foreign, "另一个部署"), (damaged, "已损坏"), (not_a_backup, "不是家访通的备份")):
        dialog.choose_file = lambda _start, path=chosen: path  # type: ignore[misc]
        qtbot.mouseClick(dialog.browse, Qt.MouseButton.LeftButton)
        assert dialog.backup_path() == chosen
        restore(qtbot, dialog, PASSWORD)
        assert expected in dialog.error.text(), dialog.error.text()
        assert in_view(dialog.error) and dialog.summary is None
        if chosen == foreign:
            shot(dialog, "restore-other-deployment-zh")
    assert class_name(data_dir, student.id) == "2班" and replaced_folders(data_dir) == []


@pytest.fixture
def small_volume(tmp_path: Path) -> Iterator[Path]:
    with volumes.small_volume(tmp_path / "volume", 8 * 1024):
        yield tmp_path / "volume"


def fill_up(volume: Path) -> Path:
    """Write a file until the volume is full; returns it (delete it to free the space)."""
    filler = volume / "filler"
    with open(filler, "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def test_a_full_disk_is_said_and_the_data_stays(qtbot: QtBot, small_volume: Path, tmp_path: Path,
                                               chinese: str) -> None:
    from app.domain.codes import SchoolType
    from app.services.places import add_school

    data_dir = small_volume / "data"
    database = create_folder(data_dir, username="admin", password=PASSWORD)
    with database.write() as session:
        add_school(session, name="石埠小学", school_type=SchoolType.PRIMARY)
    backup = make_backup(database, tmp_path / "elsewhere.jfbak")
    database.close()
    filler = fill_up(small_volume)

    login = open_login(qtbot, data_dir)
    dialog = click_restore_link(qtbot, login)
    dialog.set_file(backup)
    restore(qtbot, dialog, PASSWORD)
    assert "磁盘已满" in dialog.error.text() and in_view(dialog.error), dialog.error.text()
    assert dialog.summary is None and dialog.restore_button.isEnabled()
    shot(dialog, "restore-full-disk-zh")
    filler.unlink()
    assert zipfile.is_zipfile(backup)
    reopened = open_folder(data_dir, "admin", PASSWORD)  # the data is as it was, and opens
    reopened.close()
    assert replaced_folders(data_dir) == []
    assert not any(path.name.startswith(".restore-") for path in data_dir.iterdir())


def test_no_english_on_the_restore_dialog_in_chinese(qtbot: QtBot, backed_up: tuple[Path, str], data_dir: Path,
                                                     chinese: str) -> None:
    sources = {source for (_context, source), text in _translated().items() if text != source and len(source) > 1}

    def english(dialog: RestoreDialog) -> list[tuple[str, str]]:
        # The data folder's path is data, whatever its words (the test's is /tmp/pytest-of-root/...), and so is
        # the new device id (a random "…-7afb-ae13-…" reads as two words).
        return [(where, text) for where, text in english_in(dialog, sources)
                if text in sources or ENGLISH.search(UUID.sub("", text.replace(str(data_dir), "")))]

    login = open_login(qtbot, data_dir)
    dialog = click_restore_link(qtbot, login)
    assert not english(dialog)
    restore(qtbot, dialog, PASSWORD)
    assert dialog.summary is not None
    assert not english(dialog)


def test_a_replacement_laptop_starts_from_the_schools_backup(qtbot: QtBot, backed_up: tuple[Path, str],
                                                              student: Student, tmp_path: Path, lang: str) -> None:
    """First run on a new laptop: "restore the school's backup" instead of the demo or a new school; the
    backup (say, on a USB stick) is restored into the empty folder, then one of its users signs in."""
    from app.ui.main import FirstRunDialog

    backup, old_device = backed_up
    stick = tmp_path / "usb"
    stick.mkdir()
    carried = stick / backup.name
    carried.write_bytes(backup.read_bytes())
    new_laptop = tmp_path / "new-laptop"
    first = FirstRunDialog(new_laptop)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    assert ("恢复" if lang == "zh" else "Restore") in first.restore_button.text()
    shot(first, f"first-run-restore-{lang}")
    qtbot.mouseClick(first.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: first.restore_dialog is not None and first.restore_dialog.isVisible())
    dialog = first.restore_dialog
    assert isinstance(dialog, RestoreDialog)
    dialog.choose_file = lambda _start: carried
    qtbot.mouseClick(dialog.browse, Qt.MouseButton.LeftButton)
    assert dialog.backup_path() == carried
    qtbot.keyClicks(dialog.username, "admin")
    restore(qtbot, dialog, PASSWORD)
    assert dialog.summary is not None and dialog.summary.new_device_id != old_device
    qtbot.mouseClick(dialog.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: first.login_dialog is not None and first.login_dialog.isVisible())
    login = first.login_dialog
    assert login is not None
    login.username.setText("admin")
    qtbot.keyClicks(login.password, PASSWORD)
    qtbot.mouseClick(login.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: first.result() == 1)  # QDialog.Accepted
    assert first.database is not None
    try:
        with first.database.read() as session:
            restored = session.get(Student, student.id)
            assert restored is not None and restored.class_name == "2班"
    finally:
        first.database.close()
