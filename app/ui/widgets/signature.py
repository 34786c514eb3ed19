"""A signature pad for the guardian's and the visitors' signatures: mouse, pen (tablet) or finger (touch).

Input of every kind becomes strokes (lists of points with pressure); the strokes are drawn on screen and,
when the signature is accepted, rendered into a PNG, the form that is stored and printed.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

Stroke = list[tuple[QPointF, float]]  # (point, pressure 0..1)
INK = QColor(20, 30, 90)


class SignaturePad(QWidget):
    """Draw with the mouse, a pen or a finger; :meth:`to_png` gives the signature as a PNG."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.strokes: list[Stroke] = []
        self._current: Stroke | None = None
        self._image: QImage | None = None  # a signature already stored, shown instead of strokes
        self._read_only = False
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents, True)
        self.setMinimumSize(280, 110)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def sizeHint(self) -> QSize:
        return QSize(360, 130)

    # ------------------------------------------------------------------ state
    def is_empty(self) -> bool:
        return not any(len(stroke) > 0 for stroke in self.strokes)

    def clear(self) -> None:
        self.strokes.clear()
        self._current = None
        self.update()
        self.changed.emit()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.setCursor(Qt.CursorShape.ArrowCursor if read_only else Qt.CursorShape.CrossCursor)

    def show_image(self, png: bytes | None) -> None:
        """Show a stored signature (or nothing); new strokes start over it once cleared."""
        image = QImage()
        if png and image.loadFromData(png):
            self._image = image
        else:
            self._image = None
        self.strokes.clear()
        self.update()

    def has_image(self) -> bool:
        return self._image is not None

    # ------------------------------------------------------------------ input
    def _begin(self, point: QPointF, pressure: float) -> None:
        if self._read_only:
            return
        self._image = None
        self._current = [(point, pressure)]
        self.strokes.append(self._current)
        self.update()

    def _extend(self, point: QPointF, pressure: float) -> None:
        if self._current is None:
            return
        self._current.append((point, pressure))
        self.update()

    def _end(self) -> None:
        if self._current is None:
            return
        self._current = None
        self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position(), 0.5)
            event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position(), 0.5)
            event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._extend(event.position(), 0.5)
            self._end()
            event.accept()

    def tabletEvent(self, event: QTabletEvent) -> None:
        # Accepting the tablet event stops Qt from also sending the synthesized mouse events.
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position(), event.pressure())
        elif kind == QEvent.Type.TabletMove and self._current is not None:
            self._extend(event.position(), event.pressure())
        elif kind == QEvent.Type.TabletRelease:
            self._end()
        event.accept()

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
                    QEvent.Type.TouchCancel) and isinstance(event, QTouchEvent):
            points = event.points()
            if points:
                # One finger signs; a second finger on the glass is a palm, not a stroke.
                point = points[0]
                if kind == QEvent.Type.TouchBegin:
                    self._begin(point.position(), point.pressure() or 0.5)
                elif kind == QEvent.Type.TouchUpdate:
                    self._extend(point.position(), point.pressure() or 0.5)
                else:
                    self._end()
            event.accept()
            return True
        return super().event(event)

    # ------------------------------------------------------------------ drawing
    def _paint_strokes(self, painter: QPainter, scale: float = 1.0) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for stroke in self.strokes:
            if len(stroke) == 1:
                point, pressure = stroke[0]
                painter.setPen(QPen(INK, (1.5 + 2.5 * pressure) * scale, Qt.PenStyle.SolidLine,
                                    Qt.PenCapStyle.RoundCap))
                painter.drawPoint(point * scale)
                continue
            for (a, pa), (b, pb) in zip(stroke, stroke[1:], strict=False):
                width = (1.5 + 2.5 * (pa + pb) / 2) * scale
                painter.setPen(QPen(INK, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                                    Qt.PenJoinStyle.RoundJoin))
                painter.drawLine(a * scale, b * scale)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        # Paper stays white in dark mode too: ink on paper is what gets printed.
        painter.fillRect(self.rect(), QColor("white"))
        frame = self.palette().color(QPalette.ColorRole.Mid)
        painter.setPen(QPen(frame, 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        baseline = self.height() - 24
        painter.setPen(QPen(QColor(200, 200, 200), 1, Qt.PenStyle.DashLine))
        painter.drawLine(16, baseline, self.width() - 16, baseline)
        if self._image is not None:
            target = QRectF(self.rect().adjusted(4, 4, -4, -4))
            scaled = self._image.size().scaled(target.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRectF(target.topLeft(), QSize(scaled).toSizeF()), self._image)
        self._paint_strokes(painter)
        painter.end()

    def to_png(self, scale: float = 2.0) -> bytes:
        """The strokes at ``scale`` times the pad's size, ink on white, as PNG bytes (empty if nothing drawn)."""
        if self.is_empty():
            return b""
        image = QImage(int(self.width() * scale), int(self.height() * scale), QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        self._paint_strokes(painter, scale)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; PySide wants str
        buffer.close()
        return bytes(data.data())
