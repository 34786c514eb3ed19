"""The app's clipboard: what Jiafang copies stays out of clipboard history and does not outlive the session.

A name, an address or a masked number copied from a student's file is personal data, and clipboard history
(Windows' Win+V, KDE's Klipper, clipboard managers) would keep it after the app is closed. So:

- every copy the app makes goes through :meth:`ClipboardGuard.copy_text`, which marks the text as not for
  history, monitoring or cloud sync (the formats password managers use); Ctrl+C in a table, a selectable label,
  a line or a text box is routed there, and copies what is shown (a masked number stays masked);
- a copy Qt makes by itself (a context menu's Copy) is remembered as the app's when it happens while the app is
  in front;
- on lock and on quit, :meth:`ClipboardGuard.clear_if_ours` empties the clipboard when it still holds text the
  app put there (anything copied in another program since is left alone).

Only digests of the copied texts are kept, never the texts.
"""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QByteArray, QMimeData

from app.ui.qt import (
    QAbstractItemView,
    QApplication,
    QEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QLabel,
    QLineEdit,
    QObject,
    Qt,
)

# Windows 10+: keep out of clipboard history, cloud clipboard and monitors; macOS: concealed (nspasteboard.org);
# KDE: Klipper skips it. Harmless on the platforms that do not know them.
NO_HISTORY_FORMATS: dict[str, bytes] = {
    'application/x-qt-windows-mime;value="ExcludeClipboardContentFromMonitorProcessing"': b"\x01\x00\x00\x00",
    'application/x-qt-windows-mime;value="CanIncludeInClipboardHistory"': b"\x00\x00\x00\x00",
    'application/x-qt-windows-mime;value="CanUploadToCloudClipboard"': b"\x00\x00\x00\x00",
    "application/x-nspasteboard-concealed-type": b"",
    "x-kde-passwordManagerHint": b"secret",
}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def shown_text(widget: QObject) -> str | None:
    """What Ctrl+C copies from ``widget``: the selected or current text as shown (masked where the screen masks
    it); None when the widget copies nothing of its own (Qt then handles the key as usual)."""
    if isinstance(widget, QAbstractItemView):
        model, index = widget.model(), widget.currentIndex()
        if model is None or not index.isValid():
            return None
        value = model.data(index, Qt.ItemDataRole.DisplayRole)
        return "" if value is None else str(value)
    if isinstance(widget, QLabel):
        selectable = Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        if not widget.textInteractionFlags() & selectable:
            return ""  # a value shown in clear for one view is not for copying
        return widget.selectedText() if widget.hasSelectedText() else None
    if isinstance(widget, QLineEdit):
        if widget.echoMode() != QLineEdit.EchoMode.Normal or not widget.hasSelectedText():
            return None
        return widget.selectedText()
    text_cursor = getattr(widget, "textCursor", None)  # QPlainTextEdit, QTextEdit
    if callable(text_cursor):
        cursor = text_cursor()
        return cursor.selection().toPlainText() if cursor.hasSelection() else None
    return None


class ClipboardGuard(QObject):
    """Installed once per QApplication (:func:`guard`); see the module's docstring."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.clipboard = QGuiApplication.clipboard()
        self._ours: set[str] = set()
        self.clipboard.dataChanged.connect(self._changed)
        app.installEventFilter(self)

    def copy_text(self, text: str) -> None:
        """Put ``text`` on the clipboard, marked as not for clipboard history."""
        mime = QMimeData()
        mime.setText(text)
        for kind, data in NO_HISTORY_FORMATS.items():
            mime.setData(kind, QByteArray(data))
        self._ours.add(_digest(text))
        self.clipboard.setMimeData(mime)

    def holds_ours(self) -> bool:
        text = self.clipboard.text()
        return bool(text) and _digest(text) in self._ours

    def clear_if_ours(self) -> bool:
        """Empty the clipboard if it holds text this app put there; True if it did."""
        if not self.holds_ours():
            return False
        self.clipboard.clear()
        self._ours.clear()
        return True

    def in_front(self) -> bool:
        return QGuiApplication.applicationState() == Qt.ApplicationState.ApplicationActive

    def _changed(self) -> None:
        # A copy made while the app is in front was made in the app (a context menu's Copy, say).
        if self.in_front():
            text = self.clipboard.text()
            if text:
                self._ours.add(_digest(text))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if not event.matches(QKeySequence.StandardKey.Copy):
            return False
        text = shown_text(watched)
        if text is None:
            return False
        if text:
            self.copy_text(text)
        return True


_guard: ClipboardGuard | None = None


def guard() -> ClipboardGuard:
    """The application's guard, installed on first use."""
    global _guard
    app = QApplication.instance()
    assert isinstance(app, QApplication), "the clipboard guard needs a QApplication"
    if _guard is None:
        _guard = ClipboardGuard(app)
    return _guard


def copy_text(text: str) -> None:
    """Copy ``text`` the app's way (kept out of clipboard history, cleared on lock and quit)."""
    guard().copy_text(text)


def clear_if_ours() -> bool:
    """Empty the clipboard if it holds text the app put there (no-op before the guard is installed)."""
    return _guard.clear_if_ours() if _guard is not None else False
