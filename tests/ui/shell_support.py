"""What the shell, roster, student, households and today tests share: the day they run on, screenshots (saved
when JIAFANG_SCREENSHOTS names a folder; a person looks at them), waiting for a page's background read.

The demo district they read (``demo_db``) is a session fixture of tests/ui/conftest.py."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from tests.conftest import TODAY

__all__ = ["SHOTS", "TODAY", "shot", "wait_loaded"]
SHOTS = Path(os.environ["JIAFANG_SCREENSHOTS"]) if os.environ.get("JIAFANG_SCREENSHOTS") else None


def shot(widget: QWidget, name: str) -> Path | None:
    """Save a screenshot of the widget (when JIAFANG_SCREENSHOTS is set)."""
    QApplication.processEvents()
    image = widget.grab()
    assert not image.isNull()
    if SHOTS is None:
        return None
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    image.save(str(path))
    return path


def wait_loaded(qtbot: object, page: QWidget) -> None:
    """Until a page that reads in the background has its data."""
    qtbot.waitUntil(lambda: getattr(page, "data", None) is not None and not page.loading,  # type: ignore[attr-defined]
                    timeout=30_000)
