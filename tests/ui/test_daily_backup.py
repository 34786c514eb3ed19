"""The daily automatic backup in the app: after sign-in, once the main window is up, a background check makes
the day's backup when the last one is older than a day (and not when there is a fresh one), again every few
hours; a failure (a full disk) is a warning in the status bar and the app goes on."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from app.services.backup import make_backup
from app.store.db import Database, create_folder
from app.ui.app_window import MainWindow
from app.ui.backups import CHECK_EVERY_MS, DailyBackups
from tests import volumes
from tests.conftest import PASSWORD, TODAY

DAY = 24 * 3600


def daily_backups(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "backups").glob("jiafang-auto-2*.jfbak"))


def automatic_backup(database: Database, *, age_hours: float) -> Path:
    made = make_backup(database, reason="auto")
    then = time.time() - age_hours * 3600
    os.utime(made, (then, then))
    return made


@pytest.fixture
def window(qtbot: QtBot, database: Database) -> Iterator[MainWindow]:
    main = MainWindow(database, today=TODAY)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.idle.stop()


def checked(qtbot: QtBot, daily: DailyBackups) -> Any:
    with qtbot.waitSignal(daily.checked, timeout=30_000) as blocker:
        pass
    return blocker.args[0]


def test_an_old_backup_gets_a_new_one_in_the_background(qtbot: QtBot, database: Database, data_dir: Path,
                                                        window: MainWindow, monkeypatch: pytest.MonkeyPatch,
                                                        chinese: str) -> None:
    from app.services import backup

    old = automatic_backup(database, age_hours=30)
    # The backup is held until the test lets it go: meanwhile the window is up and answers.
    go = threading.Event()
    real = backup.backup_if_due

    def held(db: Database, **kwargs: Any) -> Path | None:
        go.wait(10)
        return real(db, **kwargs)

    monkeypatch.setattr(backup, "backup_if_due", held)
    daily = DailyBackups(window, database, first_ms=0)
    assert daily.timer.isActive() and daily.timer.interval() == CHECK_EVERY_MS
    qtbot.waitUntil(lambda: daily.running)
    ticks: list[int] = []
    from PySide6.QtCore import QTimer

    QTimer.singleShot(10, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: bool(ticks))  # the event loop runs while the backup is being made
    assert window.isVisible() and daily_backups(data_dir) == [old]
    daily.check()  # a second check while one runs is not started
    go.set()
    made = checked(qtbot, daily)
    assert isinstance(made, Path) and daily_backups(data_dir) == [old, made]
    assert window.statusBar().currentMessage() == f"已自动备份：{made.name}"
    assert not daily.warning.isVisible()


def test_a_fresh_backup_is_enough(qtbot: QtBot, database: Database, data_dir: Path, window: MainWindow) -> None:
    fresh = automatic_backup(database, age_hours=2)
    daily = DailyBackups(window, database, first_ms=0)
    assert checked(qtbot, daily) is None
    assert daily_backups(data_dir) == [fresh]
    assert window.statusBar().currentMessage() == ""


@pytest.fixture
def small_volume(tmp_path: Path) -> Iterator[Path]:
    with volumes.small_volume(tmp_path / "volume", 8 * 1024):
        yield tmp_path / "volume"


def test_a_full_disk_is_a_warning_and_the_next_check_makes_up_for_it(qtbot: QtBot, small_volume: Path,
                                                                     chinese: str) -> None:
    import shiboken6

    data_dir = small_volume / "data"
    database = create_folder(data_dir, username="admin", password=PASSWORD)
    # Not left to qtbot: the window must be gone before the volume is (a language change at teardown reads).
    main = MainWindow(database, today=TODAY)
    try:
        main.show()
        qtbot.waitExposed(main)
        filler = small_volume / "filler"
        with open(filler, "wb", buffering=0) as handle:
            try:
                while True:
                    handle.write(b"\0" * 4096)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
        daily = DailyBackups(main, database, first_ms=0)
        problem = checked(qtbot, daily)
        assert isinstance(problem, Exception)
        assert daily.warning.isVisible() and "自动备份没有做成。" in daily.warning.text()
        assert daily.problem is not None and daily.warning.toolTip() == daily.problem
        assert daily.problem.startswith("自动备份没有做成；家访通照常工作") and "磁盘已满" in daily.problem
        qtbot.mouseClick(daily.warning, Qt.MouseButton.LeftButton,  # its "Why?" link, at the end of the text
                         pos=QPoint(daily.warning.fontMetrics().horizontalAdvance("自动备份没有做成。 为"),
                                    daily.warning.height() // 2))
        assert daily.details is not None and daily.details.isVisible() and daily.details.text() == daily.problem
        assert not daily.details.isModal()
        from tests.ui.shell_support import shot

        shot(daily.details, "daily-backup-why-zh")
        assert main.isVisible() and daily_backups(data_dir) == []
        assert not list(data_dir.glob("backups/*.part"))
        main.show_page("roster")  # the app goes on
        shot(main, "daily-backup-failed-zh")

        filler.unlink()
        daily.timer.timeout.emit()  # the next check, a few hours later
        made = checked(qtbot, daily)
        assert isinstance(made, Path) and daily_backups(data_dir) == [made]
        assert not daily.warning.isVisible() and daily.problem is None and not daily.details.isVisible()
    finally:
        from app.ui.background import wait_for_background

        wait_for_background()
        main.idle.stop()
        main.close()
        shiboken6.delete(main)
        database.close()


# ----------------------------------------------------------------------------- the real entry point
DRIVER = r"""
import sys
from pathlib import Path
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

qapp = QApplication(sys.argv)
from app.ui import backups

backups.FIRST_CHECK_MS = 300
folder = Path(sys.argv[1]) / "backups"
seen = []


def count():
    return len(list(folder.glob("jiafang-auto-2*.jfbak")))


def drive():
    from app.ui.main import LoginDialog
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, LoginDialog) and widget.isVisible() and "login" not in seen:
            seen.append("login")
            widget.password.setText(sys.argv[2])
            widget.submit()
        elif type(widget).__name__ == "MainWindow" and widget.isVisible() and "main" not in seen:
            seen.append("main")
            print("SHOWN", count(), flush=True)
            daily = widget.findChild(QObject, "dailyBackups")

            def done(made, window=widget):
                print("CHECKED", type(made).__name__, count(), flush=True)
                window.close()

            daily.checked.connect(done)
    if "main" not in seen:
        QTimer.singleShot(20, drive)


QTimer.singleShot(20, drive)
from app.ui.main import run
code = run(Path(sys.argv[1]))
print("EXIT", code, flush=True)
sys.exit(code)
"""


@pytest.mark.parametrize(("age_hours", "checked_line", "after"), [(48, "CHECKED PosixPath 2", 2),
                                                                  (2, "CHECKED NoneType 1", 1)])
def test_signing_in_makes_the_days_backup_after_the_window_is_up(database: Database, data_dir: Path,
                                                                 age_hours: int, checked_line: str,
                                                                 after: int) -> None:
    """`jiafang gui` as a person starts it, on a folder whose last automatic backup is two days old (a new
    one is made) or two hours old (none is)."""
    if sys.platform == "win32":
        checked_line = checked_line.replace("PosixPath", "WindowsPath")
    automatic_backup(database, age_hours=age_hours)
    database.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", DRIVER, str(data_dir), PASSWORD], capture_output=True, text=True,
                          timeout=120, env=env, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert "SHOWN 1" in done.stdout  # the window first, with only the earlier backup
    assert checked_line in done.stdout and "EXIT 0" in done.stdout, done.stdout
    assert "Traceback" not in done.stderr
    assert len(daily_backups(data_dir)) == after

