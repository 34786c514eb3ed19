"""The first-run setup, sign-in and main window, driven as a teacher would."""

from __future__ import annotations

import os
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.store.db import Database, folder_exists
from app.ui.main import LoginDialog, MainWindow, SetupDialog
from tests.conftest import PASSWORD

SHOTS = Path(os.environ.get("JIAFANG_SCREENSHOTS", "")) if os.environ.get("JIAFANG_SCREENSHOTS") else None


def _shot(widget: object, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(SHOTS / f"{name}.png"))  # type: ignore[attr-defined]


def test_first_run_setup_creates_the_school(qtbot: QtBot, data_dir: Path) -> None:
    dialog = SetupDialog(data_dir)
    qtbot.addWidget(dialog)
    dialog.school.setText("石埠小学")  # Chinese arrives through the input method, not key clicks
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClicks(dialog.repeat, PASSWORD + "x")
    dialog.submit()
    assert "不一致" in dialog.error.text()
    assert not folder_exists(data_dir)
    dialog.repeat.setText(PASSWORD)
    _shot(dialog, "setup")
    dialog.submit()
    assert dialog.database is not None and folder_exists(data_dir)
    window = MainWindow(dialog.database)
    qtbot.addWidget(window)
    assert "学校 1 所" in window.summary.text()
    assert "admin" in window.statusBar().currentMessage()
    _shot(window, "main")
    dialog.database.close()


def test_sign_in_with_a_wrong_password_says_so(qtbot: QtBot, database: Database, data_dir: Path) -> None:
    database.close()
    dialog = LoginDialog(data_dir)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.password, "wrong-password")
    dialog.submit()
    assert "密码不正确" in dialog.error.text()
    assert dialog.database is None
    dialog.password.setText(PASSWORD)
    dialog.submit()
    assert dialog.database is not None
    dialog.database.close()


def test_first_run_offers_the_demo_district(qtbot: QtBot, data_dir: Path) -> None:
    from app.ui.main import DemoDialog, FirstRunDialog

    first = FirstRunDialog(data_dir)
    qtbot.addWidget(first)
    _shot(first, "first-run")
    assert "演示" in first.demo_button.text() and "学校" in first.setup_button.text()
    dialog = DemoDialog(data_dir, first)
    qtbot.addWidget(dialog)
    dialog.students.setText("150")
    dialog.password.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD)
    with qtbot.waitSignal(dialog.finished, timeout=60_000):
        dialog.submit()
    assert dialog.database is not None
    window = MainWindow(dialog.database)
    qtbot.addWidget(window)
    assert "学生 150 人" in window.summary.text()
    _shot(window, "main-demo")
    dialog.database.close()


def test_cancelled_demo_keeps_nothing(qtbot: QtBot, data_dir: Path) -> None:
    from app.ui.main import DemoDialog

    dialog = DemoDialog(data_dir)
    qtbot.addWidget(dialog)
    dialog.students.setText("3000")
    dialog.password.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD)
    dialog.submit()
    assert dialog.task is not None
    dialog.task.cancel()
    qtbot.waitUntil(lambda: "已取消" in dialog.error.text(), timeout=60_000)
    assert dialog.database is None and not folder_exists(data_dir)
