"""Colours and type sizes that follow the system palette, so dark mode and high-DPI screens look right.

Nothing here hard-codes a light colour: text and backgrounds come from palette roles, and the few accents
(errors, overdue lines) are picked for the palette's lightness.
"""

from __future__ import annotations

from app.ui.qt import (
    QApplication,
    QColor,
    QEvent,
    QFont,
    QLabel,
    QPalette,
    QWidget,
)


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def error_color(palette: QPalette | None = None) -> QColor:
    """Red that reads on the palette's background (a dark red vanishes on a dark window)."""
    return QColor("#ff8a80") if is_dark(palette) else QColor("#b3261e")


def warning_color(palette: QPalette | None = None) -> QColor:
    return QColor("#ffcc80") if is_dark(palette) else QColor("#8a5300")


def muted_color(palette: QPalette | None = None) -> QColor:
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)


def scaled_font(widget: QWidget, factor: float, *, bold: bool = False) -> QFont:
    """The widget's font scaled (by points, which follow the screen's DPI, never by pixels)."""
    font = QFont(widget.font())
    size = font.pointSizeF()
    if size > 0:
        font.setPointSizeF(size * factor)
    font.setBold(bold)
    return font


class ErrorLabel(QLabel):
    """A message in the error colour, hidden while empty (so forms do not jump around)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self._recolour()
        self.hide()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setText(text)
        self.setVisible(bool(text))

    def _recolour(self) -> None:
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText, error_color(QApplication.palette()))
        self.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self._recolour()
        super().changeEvent(event)


class Heading(QLabel):
    """A page title: the application font, larger and bold."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, factor: float = 1.5) -> None:
        super().__init__(text, parent)
        self.setFont(scaled_font(self, factor, bold=True))
