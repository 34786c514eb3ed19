"""The one place that knows where the app's resource files are: the checkout's ``resources/`` when run from
source, or the copy a PyInstaller build unpacks into ``sys._MEIPASS`` (installer.spec lists what it holds).

No Qt here: the documents and the CLI use it too.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["is_frozen", "resource_path", "resources_dir"]


def is_frozen() -> bool:
    """True in a PyInstaller build."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def resources_dir() -> Path:
    """``resources`` of the checkout, or of the frozen app (PyInstaller unpacks into ``sys._MEIPASS``)."""
    base = getattr(sys, "_MEIPASS", None)
    root = Path(base) if base else Path(__file__).resolve().parents[1]
    return root / "resources"


def resource_path(*parts: str) -> Path:
    """A path below :func:`resources_dir` (it need not exist)."""
    return resources_dir().joinpath(*parts)
