"""The main window: navigation over the registered pages, the status bar, shortcuts and the idle lock.

Pages come from :data:`app.ui.pages.REGISTRY` (each page module registers itself), so the window shows exactly
the pages that exist, less those whose ``PageSpec.roles`` leave out the signed-in user's role. A page is built
the first time it is shown, which keeps start-up short. What the window calls on a page, when the page has it:

- ``show_record(kind, id)``: ``navigate(kind, id)`` for a kind in the page's ``PageSpec.handles``;
- ``on_shown()``: the page is shown again after another page (reread what may have changed);
- ``refresh()``: F5; ``focus_search()``: Ctrl+F (the roster's search when the page has none);
- a QCloseEvent when the window closes: a page with unsaved work may save, or ignore the event to keep the
  window open.

A page that shows records follows the change signal (``app.ui.ops.ChangeWatch``) to reread after another
page's or a background task's writes; the status bar's count of changes not yet synced follows every change.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

from app.domain.errors import DomainError
from app.services import listing
from app.store.db import Database
from app.ui import ops, theme
from app.ui.pages import PageContext, PageSpec, load_pages
from app.ui.qt import (
    QApplication,
    QCloseEvent,
    QCoreApplication,
    QDialog,
    QEvent,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QObject,
    QPushButton,
    QShortcut,
    QSizePolicy,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
    Slot,
)
from app.ui.widgets import clipboard

# Mouse, keyboard, wheel and touch: what counts as someone at the laptop.
_INPUT_EVENTS = frozenset({
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.KeyPress, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TabletPress, QEvent.Type.TabletMove,
})
STATUS_REFRESH_MS = 60_000


class Curtain(QWidget):
    """Covers a window's content while the app is locked; the content underneath stays as it was."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window_ = window
        self.setObjectName("lockCurtain")
        self.setAutoFillBackground(True)  # the palette's Window colour: opaque in light and dark mode
        layout = QVBoxLayout(self)
        self.label = QLabel(self.tr("Jiafang is locked"))
        self.label.setFont(theme.scaled_font(self.label, 1.5, bold=True))
        self.label.setEnabled(False)  # the palette's muted text
        layout.addWidget(self.label, 0, Qt.AlignmentFlag.AlignCenter)
        self.setGeometry(window.rect())
        window.installEventFilter(self)
        self.show()
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.window_ and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.window_.rect())
            self.raise_()
        return False


class LockDialog(QDialog):
    """Asks the signed-in user's password again; nothing behind it is closed or cleared."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowTitle(self.tr("Jiafang is locked"))
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("0") * 48)
        layout = QVBoxLayout(self)
        who = database.user.display_name if database.user else ""
        self.message = QLabel(self.tr("Locked after a while without use. Enter the password of {user} to go on; "
                                      "every open form is kept as it was.").format(user=who))
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("Password"))
        layout.addWidget(self.password)
        self.error = theme.ErrorLabel()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.unlock_button = QPushButton(self.tr("Unlock"))
        self.unlock_button.setDefault(True)
        self.quit_button = QPushButton(self.tr("Quit Jiafang"))
        buttons.addWidget(self.quit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        layout.addLayout(buttons)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.password.returnPressed.connect(self.try_unlock)
        self.quit_button.clicked.connect(self._quit)
        self.quitting = False

    def try_unlock(self) -> None:
        from app.services.signin import verify_password

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            verify_password(self.database, self.password.text())
        except DomainError as exc:
            self.error.setText(str(exc))
            self.password.selectAll()
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.password.clear()
        self.accept()

    def _quit(self) -> None:
        self.quitting = True
        self.accept()

    def reject(self) -> None:
        """Escape and the close button do not unlock."""


class IdleLock(QObject):
    """Locks the app after ``timeout_ms`` without mouse, keyboard or touch input (0: never)."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, window: MainWindow, timeout_ms: int) -> None:
        super().__init__(window)
        self.window = window
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.dialog: LockDialog | None = None
        self._curtains: list[Curtain] = []
        self._focus: QWidget | None = None
        self.set_timeout(timeout_ms)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_timeout(self, timeout_ms: int) -> None:
        self.timeout_ms = max(0, int(timeout_ms))
        self.timer.stop()
        if self.timeout_ms:
            self.timer.start(self.timeout_ms)

    @property
    def is_locked(self) -> bool:
        return self.dialog is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if self.timeout_ms and self.dialog is None and event.type() in _INPUT_EVENTS:
            self.timer.start(self.timeout_ms)
        return False

    def lock(self) -> None:
        if self.dialog is not None:
            return
        self.timer.stop()
        self._focus = QApplication.focusWidget()
        popup = QApplication.activePopupWidget()
        while popup is not None:  # an open menu or combo list would stay on top of the curtain
            popup.close()
            popup = QApplication.activePopupWidget()
        for widget in QApplication.topLevelWidgets():
            if (widget.isVisible() and not isinstance(widget, LockDialog)
                    and widget.windowType() in (Qt.WindowType.Window, Qt.WindowType.Dialog)):
                self._curtains.append(Curtain(widget))
        self.dialog = LockDialog(self.window.database, self.window)
        self.dialog.finished.connect(self._finished)
        self.dialog.open()
        self.dialog.password.setFocus()
        self.locked.emit()

    def _finished(self, _result: int) -> None:
        dialog, self.dialog = self.dialog, None
        for curtain in self._curtains:
            curtain.window_.removeEventFilter(curtain)
            curtain.deleteLater()
        self._curtains.clear()
        if dialog is not None:
            dialog.deleteLater()
        if self._focus is not None:
            self._focus.setFocus()
        if self.timeout_ms:
            self.timer.start(self.timeout_ms)
        self.unlocked.emit()
        if dialog is not None and dialog.quitting:
            self.window.close()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class MainWindow(QMainWindow):
    """Navigation on the left, the current page on the right, the status bar below."""

    def __init__(self, database: Database, *, idle_lock_minutes: int = 0, today: date | None = None,
                 lock_timeout_ms: int | None = None) -> None:
        super().__init__()
        self.database = database
        self.today = today
        self.context = PageContext(database=database, navigator=self)
        role = database.user.role.value if database.user is not None else None
        self.specs: list[PageSpec] = [spec for spec in load_pages().ordered() if spec.shown_to(role)]
        self.pages: dict[str, QWidget] = {}
        self.setObjectName("mainWindow")

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.nav.setFont(theme.scaled_font(self.nav, 1.15))
        self.nav.setSpacing(3)
        self.stack = QStackedWidget()
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        for spec in self.specs:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._nav_changed)

        self.user_label = QLabel()
        self.pending_label = QLabel()
        self.sync_label = QLabel()
        for label in (self.user_label, self.pending_label, self.sync_label):
            label.setContentsMargins(6, 0, 6, 0)
            self.statusBar().addPermanentWidget(label)
        # 修改我的密码: every user, next to their name.
        self.password_button = QPushButton()
        self.password_button.setObjectName("changeMyPassword")
        self.password_button.setFlat(True)
        link_font = self.password_button.font()
        link_font.setUnderline(True)  # flat in the status bar: underlined so that it reads as something to click
        self.password_button.setFont(link_font)
        self.password_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.password_button.clicked.connect(self.change_my_password)
        self.statusBar().insertPermanentWidget(1, self.password_button)
        self.password_dialog: QDialog | None = None

        self.shortcuts: list[QShortcut] = []
        self._shortcut(QKeySequence(QKeySequence.StandardKey.Find), self.focus_search)
        self._shortcut(QKeySequence("F5"), self.refresh_current)
        self._shortcut(QKeySequence("Ctrl+L"), self.lock_now)
        for number, spec in enumerate(self.specs[:9], start=1):
            sequence = spec.shortcut or f"Ctrl+{number}"
            self._shortcut(QKeySequence(sequence), functools.partial(self.show_page, spec.key))

        minutes_ms = max(0, int(idle_lock_minutes)) * 60_000
        self.idle = IdleLock(self, minutes_ms if lock_timeout_ms is None else lock_timeout_ms)
        # What the app copied (names, masked numbers) does not stay on the clipboard of a locked or closed app.
        clipboard.guard()
        self.idle.locked.connect(clipboard.clear_if_ours)
        self.idle.locked.connect(self.mask_revealed)
        self.status_timer = QTimer(self)
        self.status_timer.timeout.connect(self.refresh_status)
        self.status_timer.start(STATUS_REFRESH_MS)
        ops.notifier.changed.connect(self._changed)  # every write, whichever page or task made it

        self._started = False
        self.retranslate()
        self.resize(1200, 760)
        if self.specs:
            self.nav.setCurrentRow(0)
        self.refresh_status()
        self._started = True

    # ------------------------------------------------------------------ pages
    def _shortcut(self, sequence: QKeySequence, slot: Callable[[], Any]) -> None:
        shortcut = QShortcut(sequence, self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)
        self.shortcuts.append(shortcut)

    def spec(self, key: str) -> PageSpec:
        return next(spec for spec in self.specs if spec.key == key)

    def page(self, key: str) -> QWidget:
        """The page widget, built now if it has not been shown yet."""
        widget = self.pages.get(key)
        if widget is None:
            widget = self.spec(key).factory(self.context)
            widget.setObjectName(f"page_{key}")
            self.pages[key] = widget
            self.stack.addWidget(widget)
        return widget

    def show_page(self, key: str) -> QWidget:
        index = next(i for i, spec in enumerate(self.specs) if spec.key == key)
        if self.nav.currentRow() != index:
            self.nav.setCurrentRow(index)  # builds and shows it through _nav_changed
        return self.page(key)

    def current_key(self) -> str | None:
        item = self.nav.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def _nav_changed(self, row: int) -> None:
        if not 0 <= row < len(self.specs):
            return
        fresh = self.specs[row].key not in self.pages
        widget = self.page(self.specs[row].key)
        self.stack.setCurrentWidget(widget)
        if self._started:
            # Coming back to a page: let it reread what other pages may have changed meanwhile.
            if not fresh and hasattr(widget, "on_shown"):
                widget.on_shown()
            self.refresh_status()

    def handles(self, kind: str) -> bool:
        return any(kind in spec.handles for spec in self.specs)

    def navigate(self, kind: str, record_id: str) -> None:
        """Show a record on the page that handles its kind."""
        spec = next((spec for spec in self.specs if kind in spec.handles), None)
        if spec is None:
            self.statusBar().showMessage(self.tr("No page here can open this record."), 5000)
            return
        widget = self.show_page(spec.key)
        widget.show_record(kind, record_id)  # type: ignore[attr-defined]

    def focus_search(self) -> None:
        """Ctrl+F: the current page's search if it has one, else the roster's."""
        key = self.current_key()
        current = self.pages.get(key) if key else None
        if current is not None and hasattr(current, "focus_search"):
            current.focus_search()
            return
        if any(spec.key == "roster" for spec in self.specs):
            self.show_page("roster").focus_search()  # type: ignore[attr-defined]

    def refresh_current(self) -> None:
        key = self.current_key()
        widget = self.pages.get(key) if key else None
        if widget is not None and hasattr(widget, "refresh"):
            widget.refresh()
        self.refresh_status()

    def lock_now(self) -> None:
        self.idle.lock()

    def change_my_password(self) -> None:
        from app.ui.widgets.user_dialogs import ChangePasswordDialog

        if self.password_dialog is not None:
            self.password_dialog.raise_()
            return
        dialog = ChangePasswordDialog(self.database, self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.submitted.connect(lambda _ok: self.statusBar().showMessage(self.tr("Your password was changed."),
                                                                          8000))
        dialog.finished.connect(self._password_dialog_closed)
        self.password_dialog = dialog
        dialog.open()

    def _password_dialog_closed(self, _result: int) -> None:
        if self.password_dialog is not None:
            self.password_dialog.deleteLater()
            self.password_dialog = None

    def mask_revealed(self) -> None:
        """Mask again every value revealed for one view (a student's ID number, say): locking ends the view."""
        for widget in self.findChildren(QWidget):
            mask_all = getattr(widget, "mask_all", None)
            if callable(mask_all):
                mask_all()

    # ------------------------------------------------------------------ status bar
    @Slot(object)
    def _changed(self, _changes: ops.OpChanges) -> None:
        if self.isVisible():  # a closed window has nothing to show (its database may be closed too)
            self.refresh_status()  # what is left to sync, and the last sync

    def refresh_status(self) -> None:
        with self.database.read() as session:
            status = listing.sync_status(session)
        user = self.database.user
        self.user_label.setText(self.tr("User: {name}").format(name=user.display_name if user else ""))
        self.pending_label.setText(self.tr("Changes not yet synced: {count}").format(count=status.pending))
        if status.last_synced_at is None:
            self.sync_label.setText(self.tr("Last sync: never synced"))
        else:
            local = status.last_synced_at.astimezone()
            self.sync_label.setText(self.tr("Last sync: {time}").format(time=local.strftime("%Y-%m-%d %H:%M")))

    # ------------------------------------------------------------------ language, closing
    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Jiafang"))
        self.password_button.setText(self.tr("Change my password"))
        for row, spec in enumerate(self.specs):
            item = self.nav.item(row)
            item.setText(QCoreApplication.translate(*spec.title))
            number = row + 1
            hint = spec.shortcut or (f"Ctrl+{number}" if number <= 9 else "")
            item.setToolTip(QKeySequence(hint).toString(QKeySequence.SequenceFormat.NativeText) if hint else "")
        self.nav.setFixedWidth(max(self.nav.sizeHintForColumn(0) + 32, 140))
        if self._started:
            self.refresh_status()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        for widget in self.pages.values():
            page_event = QCloseEvent()
            QApplication.sendEvent(widget, page_event)
            if not page_event.isAccepted():
                event.ignore()
                return
        self.idle.stop()
        self.status_timer.stop()
        clipboard.clear_if_ours()
        event.accept()
