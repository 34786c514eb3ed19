"""What every UI test shares: strictness about Qt, no thread outliving its test, the interface language.

- A Qt warning (or critical or fatal message) fails the test. The messages come from pytest-qt's capture,
  which is its ``qInstallMessageHandler`` for the duration of each test: installing a second handler here
  would fight it (each test phase re-installs its own). The offscreen platform's one known complaint is
  let through (see ``OFFSCREEN_NOISE``).
- Background tasks (:mod:`app.ui.background`) have ended before the next test starts.
- Tests get the interface as Qt shows it without translators (English sources) unless they ask for
  ``chinese`` (the app's default) or ``english``; each resets what it installed.
- ``demo_db``: one small synthetic district for the whole run, for tests that only read (tests that write
  make their own database).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QtMsgType
from PySide6.QtWidgets import QApplication

from app.store.db import Database

# The offscreen platform cannot pass a top-level window's size limits on and says so whenever a window with
# a layout is shown: a limit of the test platform, not of the app.
OFFSCREEN_NOISE = frozenset({"This plugin does not support propagateSizeHints()"})
FAILING = (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)


@pytest.fixture(autouse=True)
def _qt_warnings_fail(qtlog: Any) -> Iterator[None]:
    yield
    bad = [record.message for record in qtlog.records
           if record.type in FAILING and record.message.strip() not in OFFSCREEN_NOISE]
    assert not bad, f"Qt warnings during the test: {bad}"


@pytest.fixture(autouse=True)
def _no_write_on_the_ui_thread() -> Iterator[None]:
    """Screen code that opens a write session or writes on the UI thread fails the test (app/ui/ops.py)."""
    from app.store import guard
    from app.ui.ops import watch_ui_thread_writes

    watch_ui_thread_writes(strict=True)
    yield
    guard.set_write_watch(None)


@pytest.fixture(autouse=True)
def _background_tasks_end(qapp: QApplication) -> Iterator[None]:
    yield
    from app.ui.background import wait_for_background
    from app.ui.ops import wait_until_idle

    assert wait_for_background(60_000), "a background task was still running after 60 s"
    assert wait_until_idle(60), "a queued write was still running after 60 s"
    qapp.processEvents()  # deliver their last signals now, not into the next test


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[str]:
    """The interface in Chinese, the app's default: Qt's strings, ours (every .ts), the domain's."""
    from app.ui.i18n import install_language, uninstall_translations

    install_language("zh")
    yield "zh"
    uninstall_translations()


@pytest.fixture
def english(qapp: QApplication) -> Iterator[str]:
    from app.ui.i18n import install_language, uninstall_translations

    install_language("en")
    yield "en"
    uninstall_translations()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A small synthetic district, shared by the tests that only read it (tests that write make their own)."""
    from app.services.demo import generate_demo
    from app.store import keys
    from app.store.db import create_folder
    from tests.conftest import FAST_KDF, PASSWORD, TODAY

    previous = keys.DEFAULT_KDF
    keys.DEFAULT_KDF = FAST_KDF
    try:
        database = create_folder(tmp_path_factory.mktemp("ui-demo") / "data", username="admin",
                                 password=PASSWORD, display_name="区教育局管理员")
    finally:
        keys.DEFAULT_KDF = previous
    generate_demo(database, students=1200, today=TODAY)
    yield database
    database.close()
