"""No untranslated string on any screen: every source string of app/ui has a finished Chinese translation in
one of the .ts files, and every registered page, shown in Chinese, shows no English interface text."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QTableView,
    QTabWidget,
    QTreeView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.store.db import Database
from app.ui.app_window import MainWindow
from app.ui.i18n import ts_files
from app.ui.main import DemoDialog, FirstRunDialog, LoginDialog, SetupDialog
from app.ui.pages import load_pages
from tests.ui.shell_support import TODAY, shot

ROOT = Path(__file__).resolve().parents[2]
# Two English words in a row: interface text, never data (names, numbers, codes and "Ctrl+F" are not).
ENGLISH = re.compile(r"[A-Za-z]{2,}[ '’-]+[A-Za-z]{2,}")
PLACEHOLDER = re.compile(r"\{\w*\}|%n|%\d")


def _messages(ts: Path) -> dict[tuple[str, str], str | None]:
    found: dict[tuple[str, str], str | None] = {}
    for context in ElementTree.parse(ts).getroot().iter("context"):
        for message in context.iter("message"):
            translation = message.find("translation")
            kind = translation.get("type") if translation is not None else "unfinished"
            if kind in ("vanished", "obsolete"):
                continue
            text = (translation.text or "") if translation is not None else ""
            key = (context.findtext("name") or "", message.findtext("source") or "")
            found[key] = text if kind != "unfinished" and text.strip() else None
    return found


def _translated() -> dict[tuple[str, str], str]:
    have: dict[tuple[str, str], str] = {}
    for ts in ts_files("zh"):
        for key, text in _messages(ts).items():
            if text:
                have.setdefault(key, text)
    return have


def test_every_source_string_has_a_finished_chinese_translation(tmp_path: Path) -> None:
    extracted = tmp_path / "extracted.ts"
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "app" / "ui").rglob("*.py"))
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    subprocess.run([str(lupdate), "-silent", "-locations", "none", *sources, "-ts", str(extracted)], cwd=ROOT,
                   check=True, capture_output=True)
    wanted = set(_messages(extracted))
    assert len(wanted) > 200
    have = _translated()
    missing = sorted(key for key in wanted if key not in have)
    assert not missing, ("untranslated strings (run scripts/update_translations.py and translate them in "
                         f"resources/translations): {missing}")


def test_translations_keep_their_placeholders() -> None:
    for ts in ts_files("zh"):
        for (context, source), text in _messages(ts).items():
            if text:
                assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(text)), \
                    (ts.name, context, source, text)


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of every text a person sees in a widget tree: labels, buttons, titles, tabs, headers,
    placeholders, combo entries, list items."""
    found: list[tuple[str, str]] = [("window title", root.windowTitle())]
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if not widget.isVisibleTo(root) and widget is not root:
            continue
        name = f"{type(widget).__name__}:{widget.objectName()}"
        if isinstance(widget, QLabel):
            found.append((name, widget.text()))
        elif isinstance(widget, QAbstractButton):
            found.append((name, widget.text()))
            found.append((name + " tooltip", widget.toolTip()))
        elif isinstance(widget, QGroupBox):
            found.append((name, widget.title()))
        elif isinstance(widget, QTabWidget):
            found.extend((name, widget.tabText(i)) for i in range(widget.count()))
        elif isinstance(widget, QLineEdit):
            found.append((name, widget.placeholderText()))
        elif isinstance(widget, QComboBox):
            found.extend((name, widget.itemText(i)) for i in range(widget.count()))
        elif isinstance(widget, QListWidget):
            found.extend((name, widget.item(i).text()) for i in range(widget.count()))
        header = (widget.horizontalHeader() if isinstance(widget, QTableView)
                  else widget.header() if isinstance(widget, QTreeView) else None)
        if header is not None and header.isVisibleTo(root) and header.model() is not None:
            found.extend((name + " header", str(header.model().headerData(c, Qt.Orientation.Horizontal) or ""))
                         for c in range(header.count()) if not header.isSectionHidden(c))
    return [(where, text) for where, text in found if text]


def english_in(root: QWidget, sources: set[str]) -> list[tuple[str, str]]:
    return [(where, text) for where, text in visible_texts(root)
            if text in sources or ENGLISH.search(text.replace("Ctrl+", ""))]


@pytest.fixture
def english_sources() -> set[str]:
    """Source strings whose Chinese differs from them (so seeing one means it was not translated)."""
    return {source for (_context, source), text in _translated().items() if text != source and len(source) > 1}


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database, chinese: str) -> Iterator[MainWindow]:
    main = MainWindow(demo_db, today=TODAY)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.idle.stop()


def test_no_english_on_any_registered_page_in_chinese(qtbot: QtBot, window: MainWindow,
                                                     english_sources: set[str]) -> None:
    from app.ui.background import wait_for_background

    problems: dict[str, list[tuple[str, str]]] = {}
    for spec in load_pages().ordered():
        page = window.show_page(spec.key)
        wait_for_background()
        qtbot.waitUntil(lambda p=page: not getattr(p, "loading", False), timeout=30_000)  # type: ignore[misc]
        QApplication.processEvents()
        shot(window, f"page-{spec.key}-zh")
        found = english_in(window, english_sources)
        if found:
            problems[spec.key] = found
    assert not problems, f"English on Chinese screens: {problems}"


def test_no_english_on_the_student_file_or_the_lock_in_chinese(qtbot: QtBot, window: MainWindow,
                                                               demo_db: Database,
                                                               english_sources: set[str]) -> None:
    from app.services import listing

    with demo_db.read() as session:
        key_targets = listing.student_page(session, listing.StudentFilter(key_target=True), 0, 1)
    window.navigate("student", key_targets[0].id)
    roster = window.pages["roster"]
    view = roster.student_view  # type: ignore[attr-defined]
    for index in range(view.tabs.count()):
        view.tabs.setCurrentIndex(index)
        assert not english_in(window, english_sources), view.tabs.tabText(index)
    window.lock_now()
    dialog = window.idle.dialog
    assert dialog is not None
    assert not english_in(dialog, english_sources)
    dialog.password.setText("wrong")
    dialog.try_unlock()
    assert not english_in(dialog, english_sources)
    from tests.conftest import PASSWORD

    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(window.idle.unlocked):
        dialog.try_unlock()


def test_no_english_on_the_first_run_and_sign_in_dialogs(qtbot: QtBot, tmp_path: Path, chinese: str,
                                                         english_sources: set[str]) -> None:
    first = FirstRunDialog(tmp_path / "new")
    for dialog in (first, SetupDialog(tmp_path / "new", first), DemoDialog(tmp_path / "new", first),
                   LoginDialog(tmp_path / "new")):
        qtbot.addWidget(dialog)
        dialog.show()
        found = [(where, text) for where, text in english_in(dialog, english_sources)
                 if text != "English"]  # the language chooser names each language in itself
        assert not found, (type(dialog).__name__, found)


def test_every_registered_page_in_english(qtbot: QtBot, demo_db: Database, english: str) -> None:
    from app.ui.background import wait_for_background

    main = MainWindow(demo_db, today=TODAY)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    specs = load_pages().ordered()
    assert [main.nav.item(row).text() for row in range(main.nav.count())] == [spec.title[1] for spec in specs]
    assert main.windowTitle() == "Jiafang" and main.sync_label.text() == "Last sync: never synced"
    for spec in specs:
        page = main.show_page(spec.key)
        wait_for_background()
        qtbot.waitUntil(lambda p=page: not getattr(p, "loading", False), timeout=30_000)  # type: ignore[misc]
        shot(main, f"page-{spec.key}-en")
    main.idle.stop()
