"""备份 Backups (administrators): the backup files in the data folder's backups/ (time, kind, size), newest
first, and a backup made now, into that folder or to a file of one's choice (a USB stick), in the background
with progress and cancel.

The kinds come from the file names (:func:`app.services.backup.list_backups`): by hand, daily, before a sync,
before an update of the data. Restoring replaces the database, so it is not done here, with the data open,
but from the sign-in window ("Restore from a backup…", :mod:`app.ui.widgets.restore_backup`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QProgressBar

from app.config import BACKUP_DIR
from app.domain.errors import DomainError
from app.services import access
from app.services.backup import SUFFIX, BackupFile, BackupKind, list_backups, make_backup
from app.store.db import Database
from app.store.errors import translate
from app.ui import theme
from app.ui.background import run_in_background
from app.ui.i18n import QT_TRANSLATE_NOOP
from app.ui.models.paged import AnyIndex, Column
from app.ui.pages import REGISTRY, PageContext, PageSpec
from app.ui.pages.roster import configure_table
from app.ui.qt import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QModelIndex,
    QPushButton,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from app.ui.widgets.backup_files import CONTEXT, kind_label, local_time, size_text
from app.ui.worker import Cancelled, Task

BACKUP_COLUMNS = (
    Column("created", QT_TRANSLATE_NOOP("BackupTable", "Time"), sample="2026-11-29 08:15"),
    Column("kind", QT_TRANSLATE_NOOP("BackupTable", "Kind")),
    Column("size", QT_TRANSLATE_NOOP("BackupTable", "Size"), align_right=True, sample="1,234.5 MB"),
    Column("file", QT_TRANSLATE_NOOP("BackupTable", "File"), stretch=True),
)
PATH_ROLE = Qt.ItemDataRole.UserRole


class BackupTableModel(QAbstractTableModel):
    """The backup files of the data folder, newest first (tens of files: all of them are held)."""

    def __init__(self) -> None:
        super().__init__()
        self.columns = list(BACKUP_COLUMNS)
        self.backups: list[BackupFile] = []

    def set_backups(self, backups: list[BackupFile]) -> None:
        self.beginResetModel()
        self.backups = list(backups)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008 (Qt's name and default)
        return 0 if parent.isValid() else len(self.backups)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.backups):
            return None
        backup = self.backups[index.row()]
        key = self.columns[index.column()].key
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "created":
                return local_time(backup.created)
            if key == "kind":
                return kind_label(backup.kind)
            if key == "size":
                return size_text(backup.size)
            return backup.path.name
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[index.column()].align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if backup.restorable:
                return str(backup.path)
            return QCoreApplication.translate(
                "BackupTable", "{path}\nThe database file as it was before the upgrade, for putting back by hand; "
                "the sign-in window's restore does not take it.").format(path=backup.path)
        if role == PATH_ROLE:
            return str(backup.path)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt's name)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.columns)):
            return QCoreApplication.translate(CONTEXT, self.columns[section].title)
        return super().headerData(section, orientation, role)


class BackupPage(QWidget):
    def __init__(self, context: PageContext) -> None:
        super().__init__()
        self.context = context
        self.database: Database = context.database
        self.folder = self.database.data_dir / BACKUP_DIR
        #: Asks where to write a backup (None: cancelled); replaced in tests, where a file dialog cannot be used.
        self.choose_target: Callable[[Path], Path | None] = self._ask_target
        self.last_folder: Path | None = None
        self.loading = False
        self.task: Task | None = None
        self.running = False
        self.backups: list[BackupFile] = []

        self.title = theme.Heading()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.folder_label = QLabel()
        # The path in a read-only field: selectable for copying, and a long one scrolls instead of wrapping.
        self.folder_path = QLineEdit(str(self.folder))
        self.folder_path.setObjectName("backupFolder")
        self.folder_path.setReadOnly(True)
        self.folder_label.setBuddy(self.folder_path)
        self.open_button = QPushButton()
        self.open_button.setObjectName("openBackupFolder")
        self.open_button.clicked.connect(self.open_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label)
        folder_row.addWidget(self.folder_path, 1)
        folder_row.addWidget(self.open_button)

        self.model = BackupTableModel()
        self.table = QTableView()
        self.table.setObjectName("backupTable")
        configure_table(self.table)
        self.table.setModel(self.model)
        self.count_label = QLabel()
        self.count_label.setObjectName("backupCount")
        self.count_label.setEnabled(False)  # muted

        self.backup_button = QPushButton()
        self.backup_button.setObjectName("backupNow")
        self.backup_button.clicked.connect(self.back_up_now)
        self.backup_to_button = QPushButton()
        self.backup_to_button.setObjectName("backupTo")
        self.backup_to_button.clicked.connect(self.back_up_to)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("backupCancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.hide()
        actions = QHBoxLayout()
        actions.addWidget(self.backup_button)
        actions.addWidget(self.backup_to_button)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.progress, 2)
        actions.addStretch(1)

        self.result = QLabel()
        self.result.setObjectName("backupResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.hide()
        self.error = theme.ErrorLabel()
        self.error.setObjectName("backupError")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.restore_note = QLabel()
        self.restore_note.setObjectName("restoreNote")
        self.restore_note.setWordWrap(True)
        self.restore_note.setEnabled(False)  # muted

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addLayout(folder_row)
        layout.addLayout(actions)
        layout.addWidget(self.result)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.restore_note)
        self.retranslate()
        self.refresh()

    # ------------------------------------------------------------------ the list
    def refresh(self) -> None:
        """Read the backups folder again, in the background."""
        if self.loading:
            return
        self.loading = True
        data_dir = self.database.data_dir
        run_in_background(lambda _report: list_backups(data_dir), receiver=self, done=self._listed,
                          failed=self._list_failed)

    def on_shown(self) -> None:
        self.refresh()

    def _listed(self, backups: object) -> None:
        assert isinstance(backups, list)
        self.loading = False
        self.backups = backups
        self.model.set_backups(backups)
        self._show_count()

    def _list_failed(self, exc: BaseException) -> None:
        self.loading = False
        self.error.setText(_message(exc))

    def _show_count(self) -> None:
        if not self.backups:
            self.count_label.setText(self.tr("No backup in this folder yet."))
            return
        total = sum(backup.size for backup in self.backups)
        self.count_label.setText(self.tr("{count} backup(s), {size} in all").format(
            count=len(self.backups), size=size_text(total)))

    def open_folder(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))

    # ------------------------------------------------------------------ making one
    def back_up_now(self) -> None:
        """A backup into the data folder's backups/."""
        self._start(None)

    def back_up_to(self) -> None:
        """A backup to a file chosen in a file dialog (a USB stick, a network folder)."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        suggested = (self.last_folder or Path.home()) / f"jiafang-backup-{stamp}{SUFFIX}"
        target = self.choose_target(suggested)
        if target is None:
            return
        if target.suffix != SUFFIX:
            target = target.with_name(target.name + SUFFIX)
        self.last_folder = target.parent
        self._start(target)

    def _ask_target(self, suggested: Path) -> Path | None:
        chosen, _filter = QFileDialog.getSaveFileName(self, self.tr("Back up to"), str(suggested),
                                                      self.tr("Jiafang backups (*.jfbak)"))
        return Path(chosen) if chosen else None

    def _start(self, target: Path | None) -> None:
        if self.running:
            return
        self.error.setText("")
        self.result.hide()
        database = self.database

        def work(report: Any) -> Path:
            return make_backup(database, target, progress=report)

        self._set_running(True)
        self.progress.setValue(0)
        self.task = Task(work, source=self)
        # Bound methods, not lambdas: a lambda would run in the worker's thread and touch widgets there.
        self.task.progressed.connect(self._progressed)
        self.task.succeeded.connect(self._done)
        self.task.failed.connect(self._failed)
        self.task.start()

    def _set_running(self, running: bool) -> None:
        self.running = running
        self.backup_button.setEnabled(not running)
        self.backup_to_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(running)

    def _progressed(self, _stage: str, fraction: float) -> None:
        self.progress.setValue(int(fraction * 100))

    def cancel(self) -> None:
        if self.task is not None and self.running:
            self.task.cancel()

    def _done(self, made: object) -> None:
        assert isinstance(made, Path)
        self._set_running(False)
        self.task = None
        try:
            size = size_text(made.stat().st_size)
        except OSError:
            size = "?"
        self.result.setText(self.tr("Backup made: {path} ({size}). It opens only with the password of a user of "
                                    "this laptop.").format(path=made, size=size))
        self.result.show()
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self._set_running(False)
        self.task = None
        if isinstance(exc, Cancelled):
            self.error.setText(self.tr("Cancelled: no backup file was written."))
            return
        if not isinstance(exc, DomainError | OSError):
            raise exc
        self.error.setText(_message(exc))

    # ------------------------------------------------------------------ language
    def retranslate(self) -> None:
        self.title.setText(self.tr("Backups"))
        self.intro.setText(self.tr(
            "Jiafang backs up this laptop's data by itself: once a day, before a sync brings in other laptops' "
            "changes, and before an update changes the data. A backup is encrypted: it opens only with the "
            "password of a user of this laptop. Keep a recent one on a USB stick, away from the laptop."))
        self.folder_label.setText(self.tr("Backup folder"))
        self.open_button.setText(self.tr("Open the folder"))
        self.backup_button.setText(self.tr("Back up now"))
        self.backup_button.setToolTip(self.tr("Make a backup into the backup folder above"))
        self.backup_to_button.setText(self.tr("Back up to…"))
        self.backup_to_button.setToolTip(self.tr("Make a backup on a USB stick or in another folder"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.restore_note.setText(self.tr(
            "To restore a backup: quit Jiafang, then choose \"Restore from a backup…\" in the sign-in window. The "
            "data it replaces is kept in the backup folder, not deleted."))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
        if self.model.rowCount():  # the kinds' names
            self.model.dataChanged.emit(self.model.index(0, 0),
                                        self.model.index(self.model.rowCount() - 1, self.model.columnCount() - 1))
        self._size_columns()
        if not self.loading:
            self._show_count()

    def _size_columns(self) -> None:
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        padding = metrics.horizontalAdvance("0") * 3
        for index, column in enumerate(BACKUP_COLUMNS):
            if column.stretch:
                continue
            samples = [QCoreApplication.translate(CONTEXT, column.title), column.sample]
            if column.key == "kind":
                samples.extend(kind_label(kind) for kind in BackupKind)
            header.setSectionResizeMode(index, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(index, max(metrics.horizontalAdvance(text) for text in samples) + padding)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def _message(exc: BaseException) -> str:
    return str(translate(exc)) if isinstance(exc, OSError) else str(exc)


SPEC = REGISTRY.register(PageSpec(
    key="backups", title=("Pages", QT_TRANSLATE_NOOP("Pages", "Backups")), factory=BackupPage, order=85,
    roles=access.ADMIN_ROLES))
