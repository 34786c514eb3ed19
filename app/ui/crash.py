"""When something goes wrong: keep the draft, write a report without personal data, say so, and go on.

:func:`install` (called once by :func:`app.ui.main.run`) replaces ``sys.excepthook`` and ``threading.excepthook``.
An unhandled exception (in a slot, an event handler or a worker thread) is then handled on the UI thread:

1. every open visit form saves its draft now (``VisitForm.save_now``: valid fields into the draft, the rest into
   the encrypted scratch), so nothing typed is lost if the app has to be restarted;
2. a report is written to ``DATA/logs/crash-<time>-<pid>.txt``. It holds only the exception's type, each frame's
   file (relative to the app or its library folder, never a path that names a person's folder), line and
   function, the app, Python and Qt versions and the platform: no exception message, no local value, nothing
   typed. The same error again in this session is counted, not reported twice;
3. a dialog says so in the interface language, with a button to copy the report's path; the app goes on.
"""

from __future__ import annotations

import logging
import os
import platform
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion

import app
from app.domain.i18n import current_language
from app.logs import LOG_DIR
from app.ui import theme
from app.ui.qt import (
    QApplication,
    QDialog,
    QEvent,
    QHBoxLayout,
    QLabel,
    QObject,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

__all__ = ["CrashDialog", "CrashHandler", "install", "report_text", "save_open_drafts", "uninstall"]

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]
APP_ROOT = Path(app.__file__).resolve().parent.parent
_log = logging.getLogger("jiafang.crash")


def _where(filename: str) -> str:
    """A frame's file without the folders above the app or its libraries (they may name the person)."""
    path = Path(filename)
    try:
        return path.resolve().relative_to(APP_ROOT).as_posix()
    except (ValueError, OSError):
        pass
    lowered = [part.lower() for part in path.parts]
    for marker in ("site-packages", "dist-packages"):
        if marker in lowered:
            last = len(lowered) - 1 - lowered[::-1].index(marker)
            return "/".join(path.parts[last + 1:])
    return path.name


def _frames(tb: TracebackType | None) -> list[str]:
    return [f"  {_where(frame.filename)}:{frame.lineno} in {frame.name}" for frame in traceback.extract_tb(tb)]


def _type_name(kind: type[BaseException]) -> str:
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def signature(exc: BaseException) -> tuple[str, ...]:
    """The error's type and frames: the same error twice has the same signature."""
    return (_type_name(type(exc)), *_frames(exc.__traceback__))


def report_text(exc: BaseException, *, thread: str, drafts_kept: int, drafts_failed: int,
                now: datetime | None = None) -> str:
    """The crash report: types, files, lines and functions, versions. Never a message or a value."""
    lines = [
        "Jiafang crash report",
        f"time_utc: {(now or datetime.now(UTC)).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        f"app: {app.__version__}",
        f"python: {platform.python_version()} ({platform.python_implementation()})",
        f"qt: {qVersion()}, PySide6 {pyside_version}",
        f"platform: {sys.platform} {platform.release()} {platform.machine()}",
        f"thread: {thread}",
        f"drafts_saved: {drafts_kept}, drafts_not_saved: {drafts_failed}",
        "",
    ]
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    for depth, error in enumerate(reversed(chain)):
        if depth:
            lines += ["", "then, while handling it:"]
        lines.append(f"exception: {_type_name(type(error))}")
        lines.append("traceback (most recent call last):")
        lines += _frames(error.__traceback__) or ["  (no frames)"]
    return "\n".join(lines) + "\n"


def save_open_drafts() -> tuple[int, int]:
    """Ask every open visit form to save its draft now; (forms whose draft is saved, forms that failed)."""
    visits = sys.modules.get("app.ui.pages.visits")  # never imported: no visit form can be open
    if visits is None:
        return 0, 0
    kept = failed = 0
    for widget in QApplication.allWidgets():
        if not isinstance(widget, visits.VisitForm) or widget.visit_id is None or widget.read_only:
            continue
        if not (widget.dirty or widget.isVisible()):
            continue  # a form out of sight saved its draft when it was hidden
        try:
            ok = widget.save_now()
        except Exception:  # noqa: BLE001 - the report must still be written
            ok = False
        if ok:
            kept += 1
        else:
            failed += 1
    return kept, failed


def _write_report(folder: Path, text: str, now: datetime) -> Path | None:
    name = f"crash-{now.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt"
    for target in (folder, Path(tempfile.gettempdir()) / "jiafang-crash"):
        try:
            target.mkdir(parents=True, exist_ok=True)
            path = target / name
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return None


@dataclass
class Outcome:
    report: Path | None
    drafts_kept: int
    drafts_failed: int
    repeated: bool = False


class CrashDialog(QDialog):
    """Tells the user what happened: the draft is kept, the report is written; copy its path or close."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.outcome: Outcome | None = None
        self.count = 0
        layout = QVBoxLayout(self)
        self.message = QLabel()
        self.message.setObjectName("crashMessage")
        self.message.setWordWrap(True)
        self.message.setFont(theme.scaled_font(self.message, 1.1))
        self.path = QLabel()
        self.path.setObjectName("crashReportPath")
        self.path.setWordWrap(True)
        self.path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.path.setFont(theme.scaled_font(self.path, 1.0, bold=True))
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.copied = QLabel()
        self.copied.setEnabled(False)  # muted
        self.copy_button = QPushButton()
        self.copy_button.setObjectName("copyReportPath")
        self.close_button = QPushButton()
        self.close_button.setObjectName("closeCrashDialog")
        self.close_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copied, 1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.close_button)
        layout.addWidget(self.message)
        layout.addWidget(self.path)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        self.copy_button.clicked.connect(self.copy_path)
        self.close_button.clicked.connect(self.accept)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("0") * 64)
        self.retranslate()

    def show_outcome(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self.count += 1
        self.copied.setText("")
        self.retranslate()

    def copy_path(self) -> None:
        from app.ui.widgets.clipboard import copy_text

        if self.outcome is not None and self.outcome.report is not None:
            copy_text(str(self.outcome.report))
            self.copied.setText(self.tr("Copied."))

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Jiafang hit an error"))
        self.copy_button.setText(self.tr("Copy the report's path"))
        self.close_button.setText(self.tr("Close"))
        outcome = self.outcome
        if outcome is None:
            return
        parts = [self.tr("Jiafang hit an error.")]
        if outcome.drafts_failed:
            parts.append(self.tr("A draft could not be saved: its form stays open with what was typed; "
                                 "press Save there once the problem is solved."))
        elif outcome.drafts_kept:
            parts.append(self.tr("Your draft is saved."))
        if outcome.report is not None:
            parts.append(self.tr("A report without personal data was written to:"))
        else:
            parts.append(self.tr("No report could be written (the data folder and the temporary folder "
                                 "cannot be written to)."))
        space = "" if current_language() == "zh" else " "  # Chinese sentences follow each other unspaced
        self.message.setText(space.join(parts))
        self.path.setText(str(outcome.report) if outcome.report is not None else "")
        self.path.setVisible(outcome.report is not None)
        hint = self.tr("You can go on working; if something looks wrong, save and restart Jiafang.")
        if self.count > 1:
            hint = self.tr("(This happened {count} times.)").format(count=self.count) + space + hint
        self.hint.setText(hint)
        self.copy_button.setVisible(outcome.report is not None)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class CrashHandler(QObject):
    """The hooks and what they do (see the module's docstring). Lives on the UI thread."""

    # An exception from another thread, handed to the UI thread (queued).
    _from_thread = Signal(object)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.dialog: CrashDialog | None = None
        self.reports: dict[tuple[str, ...], Path | None] = {}
        self._handling = False
        self._previous_hook: Callable[..., Any] | None = None
        self._previous_thread_hook: Callable[..., Any] | None = None
        self._from_thread.connect(self._handle_from_thread, Qt.ConnectionType.QueuedConnection)

    # ------------------------------------------------------------------ hooks
    def install(self) -> None:
        self._previous_hook, sys.excepthook = sys.excepthook, self.excepthook
        self._previous_thread_hook, threading.excepthook = threading.excepthook, self.thread_excepthook

    def uninstall(self) -> None:
        if sys.excepthook == self.excepthook and self._previous_hook is not None:
            sys.excepthook = self._previous_hook
        if threading.excepthook == self.thread_excepthook and self._previous_thread_hook is not None:
            threading.excepthook = self._previous_thread_hook

    def excepthook(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
        elif threading.current_thread() is threading.main_thread():
            self.handle(exc.with_traceback(tb), thread="ui")
        else:  # a QThread's slot: widgets are touched on the UI thread only
            self._from_thread.emit(exc.with_traceback(tb))

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        self._from_thread.emit(args.exc_value.with_traceback(args.exc_traceback))

    def _handle_from_thread(self, exc: object) -> None:
        assert isinstance(exc, BaseException)
        self.handle(exc, thread="background")

    # ------------------------------------------------------------------ handling
    def handle(self, exc: BaseException, *, thread: str = "ui") -> Outcome | None:
        """Save the drafts, write the report, show the dialog (on the UI thread). Never raises."""
        if self._handling:  # an error while handling one: the first report is enough
            return None
        self._handling = True
        try:
            return self._handle(exc, thread)
        except Exception:  # noqa: BLE001 - a broken handler must not take the app down with it
            sys.__excepthook__(*sys.exc_info())
            return None
        finally:
            self._handling = False

    def _handle(self, exc: BaseException, thread: str) -> Outcome:
        kept, failed = save_open_drafts()
        key = signature(exc)
        repeated = key in self.reports
        if repeated:
            report = self.reports[key]
        else:
            now = datetime.now(UTC)
            text = report_text(exc, thread=thread, drafts_kept=kept, drafts_failed=failed, now=now)
            report = _write_report(self.data_dir / LOG_DIR, text, now)
            self.reports[key] = report
            if sys.stderr is not None:  # None in a windowed build
                sys.stderr.write(text)  # for whoever runs it from a console; the same text, nothing more
        _log.error("unhandled %s; crash report %s", key[0], report.name if report else "not written")
        outcome = Outcome(report, kept, failed, repeated)
        self.show_dialog(outcome)
        return outcome

    def show_dialog(self, outcome: Outcome) -> None:
        if self.dialog is None:
            self.dialog = CrashDialog()
            self.dialog.finished.connect(self._dialog_closed)
        self.dialog.show_outcome(outcome)
        self.dialog.show()
        self.dialog.activateWindow()

    def _dialog_closed(self, _result: int) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None


_handler: CrashHandler | None = None


def install(data_dir: Path) -> CrashHandler:
    """Handle every unhandled exception from now on (see the module's docstring); returns the handler."""
    global _handler
    uninstall()
    _handler = CrashHandler(data_dir, QApplication.instance())
    _handler.install()
    return _handler


def uninstall() -> None:
    """Put the previous hooks back (tests, and a second :func:`install`)."""
    global _handler
    if _handler is not None:
        _handler.uninstall()
        _handler.deleteLater()
        _handler = None
