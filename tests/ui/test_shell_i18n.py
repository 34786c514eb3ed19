"""No untranslated string on any screen: every source string of app/ui has a finished Chinese translation in
the language's one .ts file, read as the app reads it, and every registered page, shown in Chinese, shows no
English interface text."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
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
from app.ui.i18n import (
    LOCALES,
    TS_PREFIX,
    qm_file,
    read_ts,
    translate,
    translations,
    translations_dir,
    ts_file,
)
from app.ui.main import DemoDialog, FirstRunDialog, LoginDialog, SetupDialog
from app.ui.pages import load_pages
from tests.ui.shell_support import TODAY, shot

ROOT = Path(__file__).resolve().parents[2]
# Two English words in a row: interface text, never data (names, numbers, codes and "Ctrl+F" are not).
ENGLISH = re.compile(r"[A-Za-z]{2,}[ '’-]+[A-Za-z]{2,}")
PLACEHOLDER = re.compile(r"\{\w*\}|%n|%\d")


def _translated() -> dict[tuple[str, str], str]:
    """What the app shows in Chinese: its own file, read by its own code."""
    return translations(ts_file("zh"))


def test_every_source_string_has_a_finished_chinese_translation(tmp_path: Path) -> None:
    extracted = tmp_path / "extracted.ts"
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "app" / "ui").rglob("*.py"))
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    subprocess.run([str(lupdate), "-silent", "-locations", "none", *sources, "-ts", str(extracted)], cwd=ROOT,
                   check=True, capture_output=True)
    wanted = {(m.context, m.source) for m in read_ts(extracted)}
    assert len(wanted) > 200
    have = _translated()
    missing = sorted(key for key in wanted if key not in have)
    assert not missing, ("untranslated strings (run scripts/update_translations.py and translate them in "
                         f"{ts_file('zh').name}): {missing}")


def test_one_ts_per_language_and_no_string_twice_in_it() -> None:
    """A second file for a language would be ignored by the app (it loads ts_file only), and a string listed
    twice leaves it to lrelease which translation is shown: both are refused."""
    folder = translations_dir()
    found = sorted(folder.glob("*.ts"))
    expected = sorted(ts_file(lang) for lang in LOCALES if ts_file(lang).is_file())
    assert ts_file("zh") in expected
    assert found == expected, f"one .ts per language ({TS_PREFIX}<locale>.ts), not {[p.name for p in found]}"
    for ts in found:
        messages = read_ts(ts)
        assert len(messages) > 200, ts.name
        twice = sorted(key for key, count in Counter((m.context, m.source) for m in messages).items()
                       if count > 1)
        assert not twice, f"{ts.name} lists these context+source more than once: {twice}"


def test_the_running_app_shows_what_the_ts_file_says(chinese: str) -> None:
    """The compiled .qm (or the .ts read directly) that install_language loads gives each string the
    translation the file holds: no other file and no stale build overrides it."""
    have = _translated()
    wrong = {key: translate(*key) for key, text in have.items() if translate(*key) != text}
    assert not wrong, wrong


def test_without_lrelease_the_ts_itself_is_shown(qapp: QApplication, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ui import i18n

    shutil.copy(ts_file("zh"), tmp_path / ts_file("zh").name)
    monkeypatch.setattr(i18n, "translations_dir", lambda: tmp_path)
    monkeypatch.setattr(i18n, "find_lrelease", lambda: None)
    monkeypatch.setattr(i18n, "_cache_dir", lambda _ts: tmp_path / "cache")
    monkeypatch.setattr(i18n, "_cache", {})
    try:
        i18n.install_language("zh")
        assert not (tmp_path / qm_file("zh").name).exists()
        assert any(isinstance(t, i18n.TsTranslator) for t in i18n._installed)
        have = _translated()
        assert {key: translate(*key) for key in have} == have
    finally:
        i18n.uninstall_translations()


def test_translations_keep_their_placeholders() -> None:
    for (context, source), text in _translated().items():
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(text)), (context, source, text)


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
