"""The start-up imports (app.ui.main.WarmUp) wait for the first window to be painted, so they do not slow it."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.store.db import Database
from app.ui.main import LoginDialog, WarmUp


def test_the_imports_start_once_the_sign_in_window_is_painted(qtbot: QtBot, database: Database,
                                                              data_dir: Path) -> None:
    dialog = LoginDialog(data_dir)
    qtbot.addWidget(dialog)
    warming = WarmUp()
    warming.start_when_painted(dialog)
    qtbot.wait(50)  # events run, but nothing has been painted: nothing starts
    assert not warming.started
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: warming.started)
    warming.join()


def test_join_starts_the_imports_when_no_window_was_painted() -> None:
    warming = WarmUp()
    warming.join()  # a first window closed before it painted: the main window still gets its imports
    assert warming.started
