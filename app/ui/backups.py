"""The daily automatic backup while the app runs (issue #9).

Once the main window is up, :func:`start_daily_backups` checks in a background task whether the day's
automatic backup is due (:func:`app.services.backup.backup_if_due`: none made in the last 24 hours) and makes
it, then checks again every few hours, so a laptop left running for days still gets one a day. The check waits
a moment after the window appears: the first paint and the Today page's first read come first.

A backup that fails (a full disk, a damaged disk) never stops the app: the status bar shows a short warning,
which stays until a later backup is made, with the reason behind its "Why?" link (and in the log). Nothing is
asked of the person at the laptop.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.errors import DomainError
from app.ui import theme
from app.ui.background import run_in_background
from app.ui.qt import QLabel, QMainWindow, QMessageBox, QObject, QSizePolicy, Qt, QTimer, Signal

if TYPE_CHECKING:
    from app.store.db import Database

__all__ = ["CHECK_EVERY_MS", "FIRST_CHECK_MS", "DailyBackups", "start_daily_backups"]

#: The first check, this long after the window is shown.
FIRST_CHECK_MS = 3_000
#: Then every few hours: the backup itself is made once a day (backup_if_due decides).
CHECK_EVERY_MS = 3 * 60 * 60 * 1000
#: How long the status bar says that a backup was made.
DONE_MESSAGE_MS = 15_000

_log = logging.getLogger("jiafang.backup")


class DailyBackups(QObject):
    """Checks for the day's automatic backup in the background, now and every few hours, for one window."""

    #: After each check: the backup's Path, None when none was due, or the exception that stopped it.
    checked = Signal(object)

    def __init__(self, window: QMainWindow, database: Database, *, first_ms: int = FIRST_CHECK_MS,
                 every_ms: int = CHECK_EVERY_MS) -> None:
        super().__init__(window)
        self.setObjectName("dailyBackups")
        self.window_ = window
        self.database = database
        self.running = False
        #: The last failure's message while no backup has been made since (shown in the status bar).
        self.problem: str | None = None
        self.warning = QLabel()
        self.warning.setObjectName("backupWarning")
        # A long message is cut, not allowed to widen the window; the tooltip has all of it.
        self.warning.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        palette = self.warning.palette()
        palette.setColor(self.warning.foregroundRole(), theme.warning_color())
        self.warning.setPalette(palette)
        self.warning.setTextFormat(Qt.TextFormat.RichText)
        self.warning.linkActivated.connect(lambda _link: self.show_problem())
        self.warning.hide()
        window.statusBar().addWidget(self.warning, 1)
        self.details: QMessageBox | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(every_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        QTimer.singleShot(first_ms, self, self.check)

    def check(self) -> None:
        """Make the day's backup in the background if it is due (one check at a time)."""
        if self.running:
            return
        self.running = True
        database = self.database

        def work(_report: object) -> Path | None:
            from app.services.backup import backup_if_due

            return backup_if_due(database)

        run_in_background(work, receiver=self, done=self._done, failed=self._failed)

    def _done(self, made: object) -> None:
        self.running = False
        if isinstance(made, Path):
            _log.info("automatic backup %s", made.name)
            self.problem = None
            self.warning.hide()
            if self.details is not None:
                self.details.hide()
            self.window_.statusBar().showMessage(
                self.tr("Automatic backup made: {name}").format(name=made.name), DONE_MESSAGE_MS)
        self.checked.emit(made)

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        if isinstance(exc, DomainError):
            reason = str(exc)
            _log.warning("automatic backup failed: %s", exc.en)
        elif isinstance(exc, OSError):
            from app.store.errors import translate

            reason = str(translate(exc))
            _log.warning("automatic backup failed: %s", translate(exc).en)
        else:  # a bug: logged with its traceback, and still no reason to stop the app
            reason = type(exc).__name__
            _log.error("automatic backup failed", exc_info=exc)
        self.problem = self.tr("The automatic backup could not be made; Jiafang goes on working and tries again "
                               "in a few hours. {reason}").format(reason=reason)
        # Short in the status bar (a long message would be cut); all of it in the tooltip and behind the link.
        self.warning.setText("{} <a href=\"details\">{}</a>".format(
            html.escape(self.tr("The automatic backup could not be made."), quote=False),
            html.escape(self.tr("Why?"), quote=False)))
        self.warning.setToolTip(self.problem)
        self.warning.show()
        self.checked.emit(exc)

    def show_problem(self) -> None:
        """The last failure in full, in a message that does not block the window."""
        if self.problem is None:
            return
        if self.details is None:
            self.details = QMessageBox(QMessageBox.Icon.Warning, self.tr("Automatic backup"), "",
                                       QMessageBox.StandardButton.Ok, self.window_)
            self.details.setWindowModality(Qt.WindowModality.NonModal)
        self.details.setText(self.problem)
        self.details.show()

    def stop(self) -> None:
        self.timer.stop()


def start_daily_backups(window: QMainWindow, database: Database) -> DailyBackups:
    """The daily automatic backup for a shown main window (kept as the window's child)."""
    return DailyBackups(window, database, first_ms=FIRST_CHECK_MS, every_ms=CHECK_EVERY_MS)
