"""The shell, driven as a teacher would: first run (language, demo, setup), sign-in, the main window's
navigation, status bar, shortcuts, and the idle lock that keeps every open form as it was."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.store.db import Database, folder_exists
from app.ui.app_window import Curtain, MainWindow
from app.ui.main import DemoDialog, FirstRunDialog, LoginDialog, SetupDialog
from app.ui.pages import REGISTRY, PageContext, PageSpec, load_pages
from tests.conftest import PASSWORD
from tests.ui.shell_support import TODAY, shot


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database) -> Iterator[MainWindow]:
    main = MainWindow(demo_db, today=TODAY)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.idle.stop()


# ----------------------------------------------------------------------------- first run
def test_first_run_offers_the_language_first_and_remembers_it(qtbot: QtBot, data_dir: Path, chinese: str) -> None:
    first = FirstRunDialog(data_dir)
    qtbot.addWidget(first)
    first.show()
    assert first.chinese.isChecked()
    assert first.windowTitle() == "欢迎使用家访通"
    assert "演示" in first.demo_button.text() and "学校" in first.setup_button.text()
    shot(first, "first-run-zh")
    qtbot.mouseClick(first.english, Qt.MouseButton.LeftButton)
    assert first.windowTitle() == "Welcome to Jiafang"
    assert first.setup_button.text() == "Set up my school"
    assert json.loads((data_dir / "settings.json").read_text(encoding="utf-8"))["language"] == "en"
    shot(first, "first-run-en")
    # A dialog opened now speaks the chosen language.
    setup = SetupDialog(data_dir, first)
    qtbot.addWidget(setup)
    assert setup.windowTitle() == "Set up my school"
    qtbot.mouseClick(first.chinese, Qt.MouseButton.LeftButton)
    assert first.windowTitle() == "欢迎使用家访通"
    assert json.loads((data_dir / "settings.json").read_text(encoding="utf-8"))["language"] == "zh"


def test_setup_shows_each_error_under_its_field_and_keeps_what_was_typed(qtbot: QtBot, data_dir: Path,
                                                                        chinese: str) -> None:
    dialog = SetupDialog(data_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.device, "laptop-1")
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClicks(dialog.repeat, PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    # No school name: the message is under the school field, and nothing typed is gone.
    assert "学校名称" in dialog.field_errors["school"].text()
    assert dialog.field_errors["school"].isVisible() and not dialog.error.isVisible()
    assert dialog.device.text() == "laptop-1" and dialog.password.text() == PASSWORD
    dialog.school.setText("石埠小学")  # Chinese arrives through the input method, not key clicks
    dialog.repeat.setText(PASSWORD + "x")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "不一致" in dialog.field_errors["repeat"].text()
    assert dialog.field_errors["school"].text() == ""
    assert dialog.school.text() == "石埠小学" and not folder_exists(data_dir)
    dialog.password.setText("short")
    dialog.repeat.setText("short")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.field_errors["password"].text()  # the password rule's own message, under the password
    assert dialog.field_errors["password"].isVisible() and not dialog.field_errors["repeat"].isVisible()
    assert not folder_exists(data_dir)
    shot(dialog, "setup-error-zh")
    dialog.password.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD)
    shot(dialog, "setup-zh")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.database is not None and folder_exists(data_dir)
    main = MainWindow(dialog.database)
    qtbot.addWidget(main)
    assert "admin" in main.user_label.text()
    main.idle.stop()
    dialog.database.close()


def test_sign_in_with_a_wrong_password_says_so_under_the_password(qtbot: QtBot, database: Database,
                                                                  data_dir: Path, chinese: str) -> None:
    database.close()
    dialog = LoginDialog(data_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "登录家访通" and dialog.ok_button.text() == "登录"
    qtbot.keyClicks(dialog.password, "wrong-password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert "密码不正确" in dialog.field_errors["password"].text()
    assert dialog.database is None and dialog.password.text() == "wrong-password"
    shot(dialog, "login-error-zh")
    dialog.password.setText(PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.database is not None
    dialog.database.close()


def test_the_demo_district_opens_in_the_main_window(qtbot: QtBot, data_dir: Path, chinese: str) -> None:
    first = FirstRunDialog(data_dir)
    qtbot.addWidget(first)
    dialog = DemoDialog(data_dir, first)
    qtbot.addWidget(dialog)
    dialog.students.setText("abc")
    dialog.password.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD)
    dialog.submit()
    assert "学生人数" in dialog.field_errors["students"].text()
    assert dialog.password.text() == PASSWORD
    dialog.students.setText("150")
    with qtbot.waitSignal(dialog.finished, timeout=60_000):
        dialog.submit()
    assert dialog.database is not None
    main = MainWindow(dialog.database, today=TODAY)
    qtbot.addWidget(main)
    roster = main.show_page("roster")
    assert roster.model.total == 150  # type: ignore[attr-defined]
    main.idle.stop()
    dialog.database.close()


def test_a_cancelled_demo_keeps_nothing(qtbot: QtBot, data_dir: Path, chinese: str) -> None:
    dialog = DemoDialog(data_dir)
    qtbot.addWidget(dialog)
    dialog.students.setText("3000")
    dialog.password.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD)
    dialog.submit()
    assert dialog.task is not None and dialog.progress is not None
    from PySide6.QtWidgets import QPushButton

    button = dialog.progress.findChild(QPushButton)
    assert button is not None
    button.click()  # the progress dialog's own Cancel button, as the teacher presses it
    qtbot.waitUntil(lambda: "已取消" in dialog.error.text(), timeout=60_000)
    assert dialog.database is None and not folder_exists(data_dir)
    assert dialog.task.wait(10_000)


# ----------------------------------------------------------------------------- the main window
def test_navigation_shows_every_registered_page_in_order(window: MainWindow, chinese: str) -> None:
    specs = load_pages().ordered()
    assert [window.nav.item(row).data(Qt.ItemDataRole.UserRole) for row in range(window.nav.count())] == \
        [spec.key for spec in specs]
    titles = [window.nav.item(row).text() for row in range(window.nav.count())]
    assert titles[:3] == ["工作台", "学生", "家庭"]
    assert window.current_key() == "today"
    assert window.windowTitle() == "家访通"
    for row, spec in enumerate(specs):
        window.nav.setCurrentRow(row)
        assert window.stack.currentWidget() is window.pages[spec.key]


def test_status_bar_shows_the_user_pending_changes_and_last_sync(window: MainWindow, chinese: str) -> None:
    assert window.user_label.text() == "当前用户：区教育局管理员"
    pending = int("".join(ch for ch in window.pending_label.text() if ch.isdigit()))
    assert pending > 1000  # the demo's own changes, none synced yet
    assert window.sync_label.text() == "上次同步：尚未同步"
    shot(window, "main-status-zh")


def test_status_bar_in_english(window: MainWindow, english: str) -> None:
    assert window.user_label.text().startswith("User: ")
    assert window.sync_label.text() == "Last sync: never synced"
    assert window.nav.item(0).text() == "Today"


def test_navigate_routes_a_record_to_the_page_that_handles_its_kind(qtbot: QtBot, window: MainWindow,
                                                                   demo_db: Database) -> None:
    from app.services import listing

    with demo_db.read() as session:
        student_id = listing.student_page(session, listing.StudentFilter(), 0, 1)[0].id
    window.navigate("student", student_id)
    assert window.current_key() == "roster"
    roster = window.pages["roster"]
    assert roster.stack.currentWidget() is roster.student_view  # type: ignore[attr-defined]
    assert roster.student_view.student_id == student_id  # type: ignore[attr-defined]
    for spec in load_pages().ordered():
        for kind in spec.handles:
            assert window.handles(kind)
    # A kind no page handles says so in the status bar and stays put.
    window.navigate("no-such-kind", "x")
    assert window.current_key() == "roster"
    assert window.statusBar().currentMessage()


class _RecordingPage(QWidget):
    def __init__(self, context: PageContext) -> None:
        super().__init__()
        self.shown: list[tuple[str, str]] = []
        self.keep_open = False

    def show_record(self, kind: str, record_id: str) -> None:
        self.shown.append((kind, record_id))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if self.keep_open:
            event.ignore()


@pytest.fixture
def extra_page() -> Iterator[PageSpec]:
    load_pages()
    spec = REGISTRY.register(PageSpec(key="zz_test", title=("Pages", "Today"), factory=_RecordingPage,
                                      order=99, handles=("test_record",)))
    yield spec
    REGISTRY.specs.remove(spec)


def test_navigate_calls_show_record_and_pages_may_keep_the_window_open(
        qtbot: QtBot, demo_db: Database, extra_page: PageSpec) -> None:
    main = MainWindow(demo_db, today=TODAY)
    qtbot.addWidget(main)
    main.show()
    main.navigate("test_record", "r-1")
    page = main.pages["zz_test"]
    assert isinstance(page, _RecordingPage) and page.shown == [("test_record", "r-1")]
    assert main.current_key() == "zz_test"
    page.keep_open = True  # e.g. a form that could not save its draft
    assert not main.close() and main.isVisible()
    page.keep_open = False
    assert main.close()


def test_keyboard_shortcuts(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == window.specs[1].key
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == "today"
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    roster = window.pages["roster"]
    assert window.current_key() == "roster"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is roster.search)  # type: ignore[attr-defined]
    qtbot.keyClicks(roster.search, "wxm")  # type: ignore[attr-defined]
    assert roster.search.text() == "wxm"  # type: ignore[attr-defined]
    # On the households page, Ctrl+F searches households.
    window.show_page("households")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    households = window.pages["households"]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is households.search)  # type: ignore[attr-defined]


# ----------------------------------------------------------------------------- idle lock
def test_idle_lock_asks_the_password_and_keeps_every_open_form(qtbot: QtBot, demo_db: Database,
                                                               chinese: str) -> None:
    main = MainWindow(demo_db, today=TODAY, lock_timeout_ms=300)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    roster = main.show_page("roster")
    qtbot.keyClicks(roster.search, "wx")  # type: ignore[attr-defined]
    # A form open in its own window, half filled in.
    form = QDialog(main)
    form.setWindowTitle("form")
    edit = QLineEdit(form)
    QVBoxLayout(form).addWidget(edit)
    qtbot.addWidget(form)
    form.show()
    qtbot.keyClicks(edit, "half-typed note")
    with qtbot.waitSignal(main.idle.locked, timeout=10_000):
        pass  # no input: the timer runs out
    dialog = main.idle.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "家访通已锁定"
    curtains = [w for w in main.findChildren(Curtain)] + [w for w in form.findChildren(Curtain)]
    assert len(curtains) >= 2 and all(c.isVisible() for c in curtains)
    shot(main, "locked-zh")
    shot(dialog, "lock-dialog-zh")
    qtbot.keyClicks(dialog.password, "wrong-password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert "密码不正确" in dialog.error.text()
    assert main.idle.is_locked
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(main.idle.unlocked, timeout=10_000):
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert not main.idle.is_locked
    qtbot.waitUntil(lambda: not main.findChildren(Curtain) and not form.findChildren(Curtain))
    assert form.isVisible() and edit.text() == "half-typed note"
    assert roster.search.text() == "wx"  # type: ignore[attr-defined]
    form.close()
    main.idle.stop()


def test_escape_does_not_unlock_and_ctrl_l_locks_at_once(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.idle.is_locked
    dialog = window.idle.dialog
    assert dialog is not None
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert window.idle.is_locked and dialog.isVisible()
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert any("区教育局管理员" in text for text in labels)
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(window.idle.unlocked, timeout=10_000):
        dialog.try_unlock()


def test_idle_lock_timer_restarts_on_input(qtbot: QtBot, window: MainWindow) -> None:
    window.idle.set_timeout(60_000)
    window.idle.timer.stop()
    qtbot.mouseMove(window.nav)
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    assert window.idle.timer.isActive() and not window.idle.is_locked
    window.idle.set_timeout(0)
    qtbot.keyClick(window.nav, Qt.Key.Key_Up)
    assert not window.idle.timer.isActive()


# ----------------------------------------------------------------------------- the real entry point
DRIVER = r"""
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv)
seen = []


def drive():
    from app.ui.main import LoginDialog
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, LoginDialog) and widget.isVisible() and "login" not in seen:
            seen.append("login")
            print("TITLE", widget.windowTitle(), flush=True)
            widget.password.setText(sys.argv[2])
            widget.submit()
        elif type(widget).__name__ == "MainWindow" and widget.isVisible() and "main" not in seen:
            seen.append("main")
            print("MAIN", widget.windowTitle(), widget.nav.item(0).text(), flush=True)
            widget.close()
    if "main" not in seen:
        QTimer.singleShot(50, drive)


QTimer.singleShot(50, drive)
from app.ui.main import run
code = run(Path(sys.argv[1]))
print("EXIT", code, flush=True)
sys.exit(code)
"""


def test_the_app_starts_signs_in_and_quits_cleanly(database: Database, data_dir: Path) -> None:
    """`jiafang gui` as a person starts it: the sign-in dialog, the main window, closing it; no crash at exit."""
    import os
    import subprocess
    import sys

    database.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", DRIVER, str(data_dir), PASSWORD], capture_output=True, text=True,
                          timeout=120, env=env, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert "TITLE 登录家访通" in done.stdout  # Chinese by default
    assert "MAIN 家访通 工作台" in done.stdout and "EXIT 0" in done.stdout
    assert "Fatal" not in done.stderr and "Traceback" not in done.stderr


def test_dark_mode_uses_the_palette(qtbot: QtBot, demo_db: Database, chinese: str) -> None:
    """With a dark system palette nothing stays light: backgrounds come from palette roles, accents adapt."""
    from PySide6.QtGui import QColor, QPalette

    from app.ui import theme

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = app.palette()
    dark = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#202124"), (QPalette.ColorRole.WindowText, "#e8eaed"),
                         (QPalette.ColorRole.Base, "#171717"), (QPalette.ColorRole.AlternateBase, "#262626"),
                         (QPalette.ColorRole.Text, "#e8eaed"), (QPalette.ColorRole.Button, "#303134"),
                         (QPalette.ColorRole.ButtonText, "#e8eaed"), (QPalette.ColorRole.Highlight, "#8ab4f8"),
                         (QPalette.ColorRole.HighlightedText, "#202124"), (QPalette.ColorRole.Link, "#8ab4f8")):
        dark.setColor(role, QColor(colour))
    app.setPalette(dark)
    try:
        assert theme.is_dark() and theme.error_color().lightness() > 128
        main = MainWindow(demo_db, today=TODAY)
        qtbot.addWidget(main)
        main.resize(1200, 760)
        main.show()
        qtbot.waitExposed(main)
        from app.ui.background import wait_for_background

        wait_for_background()
        QApplication.processEvents()
        shot(main, "dark-today-zh")
        roster = main.show_page("roster")
        shot(main, "dark-roster-zh")
        main.navigate("student", roster.model.row(0).id)  # type: ignore[attr-defined]
        shot(main, "dark-student-zh")
        # Everything painted is dark: sample the window's pixels for light backgrounds.
        image = main.grab().toImage()
        light = sum(1 for x in range(0, image.width(), 25) for y in range(0, image.height(), 25)
                    if QColor(image.pixel(x, y)).lightness() > 200)
        samples = len(range(0, image.width(), 25)) * len(range(0, image.height(), 25))
        assert light / samples < 0.05, f"{light} of {samples} sampled pixels are light"
        main.idle.stop()
    finally:
        app.setPalette(original)


def test_status_bar_after_a_sync(qtbot: QtBot, database: Database, chinese: str) -> None:
    from datetime import UTC, datetime

    from app.store.models import SyncRun

    main = MainWindow(database, today=TODAY)
    qtbot.addWidget(main)
    assert main.pending_label.text() == "本机未同步的变更：0 条"
    finished = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
    with database.write() as session:
        session.add(SyncRun(transport="folder", target="E:/jiafang", started_at=finished, finished_at=finished,
                            ok=True))
    main.refresh_status()  # a write not made through app.ui.ops is not announced: read again by hand
    local = finished.astimezone().strftime("%Y-%m-%d %H:%M")
    assert main.sync_label.text() == f"上次同步：{local}"
    main.idle.stop()


def test_quit_from_the_lock_closes_the_window(qtbot: QtBot, window: MainWindow) -> None:
    window.lock_now()
    dialog = window.idle.dialog
    assert dialog is not None
    qtbot.mouseClick(dialog.quit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.isVisible())
    assert not window.idle.is_locked
