"""The Backups page (administrators): the backup files of the data folder with their kind, a backup made now
or to a chosen file (a USB stick) in the background with progress and cancel, and a full disk's message."""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.services.backup import BackupKind, backup_before_sync, backup_if_due, list_backups, make_backup
from app.store.db import Database
from app.store.models import Student
from app.ui.pages import PageContext
from app.ui.pages import backup_page as page_module
from app.ui.pages.backup_page import SPEC, BackupPage
from tests import volumes
from tests.ui.record_pages_support import *  # noqa: F403 (the shared fixtures: lang)
from tests.ui.record_pages_support import FakeNavigator
from tests.ui.shell_support import shot

KINDS = {"zh": ["同步前（自动）", "每日（自动）", "手动", "数据升级前（自动）"],
         "en": ["Before a sync (automatic)", "Daily (automatic)", "By hand", "Before a data upgrade (automatic)"]}


def open_page(qtbot: QtBot, database: Database) -> BackupPage:
    page = BackupPage(PageContext(database=database, navigator=FakeNavigator()))
    qtbot.addWidget(page)
    page.resize(1000, 620)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: not page.loading)
    return page


def click(qtbot: QtBot, button: Any) -> None:
    from PySide6.QtCore import Qt

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_done(qtbot: QtBot, page: BackupPage) -> None:
    qtbot.waitUntil(lambda: not page.running and not page.loading, timeout=30_000)


@pytest.fixture
def tiny_volume(tmp_path: Path) -> Iterator[Path]:
    """A 64 KB volume: too small for any backup (a full USB stick)."""
    with volumes.small_volume(tmp_path / "tiny", 64):
        yield tmp_path / "tiny"


def test_only_administrators_see_the_page() -> None:
    assert SPEC.shown_to("school_admin") and SPEC.shown_to("district")
    assert not SPEC.shown_to("teacher") and not SPEC.shown_to(None)


def test_the_list_shows_every_kind_newest_first(qtbot: QtBot, qtmodeltester: Any, database: Database,
                                                student: Student, data_dir: Path, lang: str) -> None:
    make_backup(database)
    backup_if_due(database)
    backup_before_sync(database)
    (data_dir / "backups" / "jiafang-before-v7-20260101T080000000000Z.db").write_bytes(b"x" * 2048)
    page = open_page(qtbot, database)
    model = page.model
    assert model.rowCount() == 4
    assert [model.index(row, 1).data() for row in range(4)] == KINDS[lang]
    assert model.index(0, 3).data().startswith("jiafang-auto-sync-")
    assert model.index(3, 2).data() in ("2 KB", "2.0 KB", "2.0 kB")  # the locale's way of writing sizes
    assert page.folder_path.text() == str(data_dir / "backups") and page.folder_path.isReadOnly()
    assert ("4 个备份" if lang == "zh" else "4 backup(s)") in page.count_label.text()
    qtmodeltester.check(model)
    shot(page, f"backup-page-{lang}")


def test_back_up_now_then_to_a_usb_stick(qtbot: QtBot, database: Database, student: Student, data_dir: Path,
                                         tmp_path: Path, chinese: str) -> None:
    page = open_page(qtbot, database)
    assert page.model.rowCount() == 0 and page.count_label.text() == "这个文件夹里还没有备份。"
    seen: list[int] = []
    page._progressed = lambda _stage, fraction: seen.append(int(fraction * 100))  # type: ignore[method-assign]
    click(qtbot, page.backup_button)
    assert page.running and not page.backup_button.isEnabled() and page.cancel_button.isEnabled()
    wait_done(qtbot, page)
    made = list_backups(data_dir)
    assert [backup.kind for backup in made] == [BackupKind.MANUAL]
    assert seen and seen == sorted(seen)
    assert page.result.isVisible() and str(made[0].path) in page.result.text()
    assert page.model.rowCount() == 1 and page.model.index(0, 1).data() == "手动"
    shot(page, "backup-page-made-zh")

    usb = tmp_path / "usb"
    page.choose_target = lambda suggested: usb / "school backup"  # typed without the .jfbak
    click(qtbot, page.backup_to_button)
    wait_done(qtbot, page)
    assert zipfile.is_zipfile(usb / "school backup.jfbak")
    assert str(usb / "school backup.jfbak") in page.result.text()
    assert page.model.rowCount() == 1  # not in the backup folder: the list stays as it was
    page.choose_target = lambda suggested: None  # the file dialog was cancelled
    click(qtbot, page.backup_to_button)
    assert not page.running


def test_a_full_usb_stick_says_so_and_a_cancel_leaves_nothing(qtbot: QtBot, database: Database,
                                                             student: Student, tiny_volume: Path, data_dir: Path,
                                                             monkeypatch: pytest.MonkeyPatch, chinese: str) -> None:
    page = open_page(qtbot, database)
    page.choose_target = lambda suggested: tiny_volume / "full.jfbak"
    click(qtbot, page.backup_to_button)
    wait_done(qtbot, page)
    assert page.error.isVisible() and "磁盘已满" in page.error.text()
    assert "现有数据未受影响" in page.error.text()
    assert list(tiny_volume.iterdir()) == [] and not page.result.isVisible()
    assert page.backup_button.isEnabled()
    shot(page, "backup-page-full-zh")

    # Cancel: the backup waits at its start until the cancel was pressed, then stops at its first step.
    go = threading.Event()
    real = page_module.make_backup

    def held(*args: Any, **kwargs: Any) -> Path:
        go.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(page_module, "make_backup", held)
    click(qtbot, page.backup_button)
    click(qtbot, page.cancel_button)
    go.set()
    wait_done(qtbot, page)
    assert page.error.text() == "已取消：没有写入备份文件。"
    assert list_backups(data_dir) == []
    assert not any(path.name.endswith(".part") for path in (data_dir / "backups").iterdir())
