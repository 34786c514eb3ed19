"""What the tests of the visits, cases and return-check pages share: a fake navigator, both languages, shots.

Until the main window routes navigation, the pages are tested standalone with :class:`FakeNavigator`. The
strictness about Qt warnings, the end of background tasks and the demo district (``demo_db``) come from
tests/ui/conftest.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from app.store.db import Database
from app.ui.pages import PageContext

# The fixture, for ``from tests.ui.record_pages_support import *`` in the test modules; helpers by name.
__all__ = ["lang"]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ["JIAFANG_SCREENSHOTS"]) if os.environ.get("JIAFANG_SCREENSHOTS") else None


class FakeNavigator:
    def __init__(self) -> None:
        self.navigations: list[tuple[str, str]] = []
        self.refreshes = 0

    def navigate(self, kind: str, record_id: str) -> None:
        self.navigations.append((kind, record_id))

    def refresh_status(self) -> None:
        self.refreshes += 1


def page_context(database: Database) -> PageContext:
    return PageContext(database=database, navigator=FakeNavigator())


@pytest.fixture(params=["zh", "en"])
def lang(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    """Run the test in Chinese (the default) and in English, switched as the app switches them."""
    from app.ui.i18n import install_language, uninstall_translations

    install_language(str(request.param))
    yield str(request.param)
    uninstall_translations()


def shot(widget: QWidget, name: str) -> None:
    """Save a screenshot when JIAFANG_SCREENSHOTS names a folder (they are looked at by a person)."""
    QApplication.processEvents()
    image = widget.grab()
    assert not image.isNull()
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        image.save(str(SHOTS / f"{name}.png"))
