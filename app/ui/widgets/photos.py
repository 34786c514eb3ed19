"""A strip of photo thumbnails that takes photos by drag and drop or from a file picker.

The strip only collects what was offered (file paths, or image data dragged from another program) and shows
thumbnails; resizing, turning upright and stripping metadata happen in the photos service, in a worker.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".heic")
THUMB = 120



def offered_photos(mime: QMimeData) -> list[tuple[str, bytes | Path]]:
    """What a drop offers: local image files (by path) or an image itself (as PNG bytes)."""
    offered: list[tuple[str, bytes | Path]] = []
    for url in mime.urls():
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.suffix.lower() in PHOTO_SUFFIXES:
                offered.append((path.name, path))
    if not offered and mime.hasImage():
        image = mime.imageData()
        if isinstance(image, QImage) and not image.isNull():
            data = QByteArray()
            buffer = QBuffer(data)
            buffer.open(QIODevice.OpenModeFlag.WriteOnly)
            image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; PySide wants str
            buffer.close()
            offered.append(("image.png", bytes(data.data())))
    return offered


class PhotoStrip(QFrame):
    """Thumbnails of a visit's photos; drop files or images on it, or use the button."""

    photosOffered = Signal(list)  # list[tuple[name, bytes | Path]]
    removeRequested = Signal(str)  # attachment id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumHeight(THUMB + 70)
        self._read_only = False
        self.hint = QLabel(QCoreApplication.translate("PhotoStrip", "Drop photos here, or"))
        self.add_button = QPushButton(QCoreApplication.translate("PhotoStrip", "Choose photos…"))
        self.add_button.clicked.connect(self.choose_files)
        self.thumbs = QHBoxLayout()
        self.thumbs.setSpacing(8)
        self.thumbs.addStretch(1)
        holder = QWidget()
        holder.setLayout(self.thumbs)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(holder)
        scroll.setMinimumHeight(THUMB + 30)
        top = QHBoxLayout()
        top.addWidget(self.hint)
        top.addWidget(self.add_button)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll)
        self.ids: list[str] = []

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.setAcceptDrops(not read_only)
        self.hint.setVisible(not read_only)
        self.add_button.setVisible(not read_only)
        for index in range(self.thumbs.count()):
            item = self.thumbs.itemAt(index)
            widget = item.widget() if item is not None else None
            if widget is not None:
                for button in widget.findChildren(QToolButton):
                    button.setVisible(not read_only)

    def set_photos(self, photos: list[tuple[str, QImage]]) -> None:
        """Show these (attachment id, image) thumbnails, replacing what was shown."""
        while self.thumbs.count() > 1:
            item = self.thumbs.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # at once: deleteLater waits for the event loop, and would show old and new
                widget.deleteLater()
        self.ids = [attachment_id for attachment_id, _ in photos]
        for attachment_id, image in photos:
            self.thumbs.insertWidget(self.thumbs.count() - 1, self._thumb(attachment_id, image))

    def _thumb(self, attachment_id: str, image: QImage) -> QWidget:
        box = QWidget()
        label = QLabel()
        label.setFixedSize(QSize(THUMB, THUMB))
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setPixmap(QPixmap.fromImage(image.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                                       Qt.TransformationMode.SmoothTransformation)))
        remove = QToolButton()
        remove.setText(QCoreApplication.translate("PhotoStrip", "Remove"))
        remove.setVisible(not self._read_only)
        remove.clicked.connect(lambda: self.removeRequested.emit(attachment_id))
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(remove, alignment=Qt.AlignmentFlag.AlignHCenter)
        return box

    def choose_files(self) -> None:
        patterns = " ".join("*" + suffix for suffix in PHOTO_SUFFIXES)
        names, _ = QFileDialog.getOpenFileNames(
            self, QCoreApplication.translate("PhotoStrip", "Choose photos"), "",
            QCoreApplication.translate("PhotoStrip", "Photos") + f" ({patterns})")
        offered: list[tuple[str, bytes | Path]] = [(Path(n).name, Path(n)) for n in names]
        if offered:
            self.photosOffered.emit(offered)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self._read_only and offered_photos(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragEnterEvent) -> None:  # type: ignore[override]
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        offered = offered_photos(event.mimeData())
        if self._read_only or not offered:
            event.ignore()
            return
        event.acceptProposedAction()
        self.photosOffered.emit(offered)
