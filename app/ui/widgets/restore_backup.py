"""从备份恢复 Restore from a backup, from the sign-in window, before the data is open (a restore replaces the
database, which must not be in use).

The dialog offers the backups of the data folder's backups/ (newest first) or a file chosen elsewhere (a USB
stick), asks for a user name and password (they must open the backup: :func:`app.services.backup.restore_backup`
checks them against the backup's own key slots), says plainly that the current data will be replaced and where
it is kept, and restores only once that is ticked. The restore runs in a background task; its summary (the
backup's time, the laptop's new device id, where the replaced data went) is shown before going back to sign-in.
Every refusal (wrong password, another deployment's backup, a damaged file, a full disk) is the service's
message, shown here, with the current data untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QProgressBar

from app.config import BACKUP_DIR
from app.domain.errors import DomainError
from app.ui import theme
from app.ui.background import run_in_background
from app.ui.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
)
from app.ui.widgets.fields import ErrorLabel, FieldBlock

if TYPE_CHECKING:
    from app.services.backup import RestoreSummary

__all__ = ["RestoreDialog"]


class RestoreDialog(QDialog):
    """Choose a backup, give a password it opens with, confirm, restore; then back to the sign-in window."""

    def __init__(self, data_dir: Path, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.folder = data_dir / BACKUP_DIR
        #: The restore's outcome, once it is done.
        self.summary: RestoreSummary | None = None
        self.running = False
        #: Asks for a backup file (None: cancelled); replaced in tests, where a file dialog cannot be used.
        self.choose_file: Callable[[Path], Path | None] = self._ask_file

        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setFont(theme.scaled_font(self.heading, 1.0, bold=True))
        self.warning = QLabel()
        self.warning.setObjectName("restoreWarning")
        self.warning.setWordWrap(True)
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.warning.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        palette = self.warning.palette()
        palette.setColor(self.warning.foregroundRole(), theme.warning_color())
        self.warning.setPalette(palette)

        self.backup = QComboBox()
        self.backup.setObjectName("restoreBackupFile")
        self.backup.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.backup.setMinimumContentsLength(30)
        self.backup.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.browse = QPushButton()
        self.browse.setObjectName("restoreBrowse")
        self.browse.clicked.connect(self.browse_file)
        file_row = QWidget()
        row = QHBoxLayout(file_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.backup, 1)
        row.addWidget(self.browse)
        self.file_label = QLabel()
        self.file_label.setBuddy(self.backup)
        self.file_error = ErrorLabel()
        self.file_error.setObjectName("restoreFileError")

        self.username = QLineEdit(username)
        self.username.setObjectName("restoreUsername")
        self.password = QLineEdit()
        self.password.setObjectName("restorePassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.username_block = FieldBlock("", self.username)
        self.password_block = FieldBlock("", self.password)
        self.confirm = QCheckBox()
        self.confirm.setObjectName("restoreConfirm")

        # What is chosen and typed, hidden as a whole once the restore is done.
        self.inputs = QWidget()
        inputs = QVBoxLayout(self.inputs)
        inputs.setContentsMargins(0, 0, 0, 0)
        inputs.addWidget(self.file_label)
        inputs.addWidget(file_row)
        inputs.addWidget(self.file_error)
        inputs.addWidget(self.username_block)
        inputs.addWidget(self.password_block)
        inputs.addWidget(self.confirm)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # the service reports no steps: busy until it is done
        self.progress.hide()
        self.status = QLabel()
        self.status.hide()
        self.error = ErrorLabel()
        self.error.setObjectName("restoreError")
        self.outcome = QLabel()
        self.outcome.setObjectName("restoreSummary")
        self.outcome.setWordWrap(True)
        self.outcome.setTextFormat(Qt.TextFormat.PlainText)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome.hide()

        self.buttons = QDialogButtonBox()
        self.restore_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setObjectName("restoreStart")
        self.cancel_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.back_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.back_button.setObjectName("restoreBack")
        self.back_button.hide()
        # Each button to its own slot (the box's accepted signal would not tell Restore from Back apart).
        self.restore_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.reject)
        self.back_button.clicked.connect(self.accept)
        self.restore_button.setEnabled(False)
        self.confirm.toggled.connect(self._confirm_toggled)
        self.password.textChanged.connect(lambda _text: self.password_block.set_error(None))
        self.backup.currentIndexChanged.connect(self._backup_changed)

        layout = self._layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.warning)
        layout.addSpacing(6)
        layout.addWidget(self.inputs)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(self.outcome)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(max(self.fontMetrics().horizontalAdvance("0") * 72, 560))
        self.retranslate()
        self._list_backups()
        (self.password if username else self.username).setFocus()

    # ------------------------------------------------------------------ the backup file
    def _list_backups(self) -> None:
        from app.services.backup import list_backups
        from app.ui.widgets.backup_files import kind_label, local_time, size_text

        try:
            backups = [backup for backup in list_backups(self.data_dir) if backup.restorable]
        except DomainError as exc:
            self.file_error.show_message(str(exc))
            return
        for backup in backups:
            self.backup.addItem(" · ".join((local_time(backup.created), kind_label(backup.kind),
                                            size_text(backup.size))), str(backup.path))
        self.backup.setCurrentIndex(0 if backups else -1)
        self._backup_changed()

    def set_file(self, path: Path) -> None:
        """Choose a backup file (a listed one, or any other: it is added at the top)."""
        index = self.backup.findData(str(path))
        if index < 0:  # the name first: a long folder would push it out of sight
            self.backup.insertItem(0, f"{path.name}  ({path.parent})", str(path))
            index = 0
        self.backup.setCurrentIndex(index)

    def backup_path(self) -> Path | None:
        data = self.backup.currentData()
        return Path(str(data)) if data else None

    def browse_file(self) -> None:
        chosen = self.choose_file(self.backup_path() or self.folder)
        if chosen is not None:
            self.set_file(chosen)

    def _ask_file(self, start: Path) -> Path | None:
        chosen, _filter = QFileDialog.getOpenFileName(self, self.tr("Choose the backup file"),
                                                      str(start if start.exists() else self.folder),
                                                      self.tr("Jiafang backups (*.jfbak);;All files (*)"))
        return Path(chosen) if chosen else None

    def _backup_changed(self, _index: int = 0) -> None:
        path = self.backup_path()
        self.backup.setToolTip(str(path) if path else "")
        self.file_error.show_message(None)

    def _confirm_toggled(self, on: bool) -> None:
        self.restore_button.setEnabled(on and not self.running)

    # ------------------------------------------------------------------ the restore
    def start(self) -> None:
        if self.running or self.summary is not None or not self.confirm.isChecked():
            return
        self.error.show_message(None)
        self.file_error.show_message(None)
        self.password_block.set_error(None)
        path = self.backup_path()
        if path is None:
            self.file_error.show_message(self.tr("Choose the backup file first."))
            return
        username = self.username.text().strip() or None
        password = self.password.text()
        data_dir = self.data_dir

        def work(_report: object) -> RestoreSummary:
            from app.services.backup import restore_backup

            # force: the folder holds data (the sign-in window is shown for it); it is kept aside, not deleted.
            return restore_backup(path, data_dir, password=password, username=username, force=True)

        self._set_running(True)
        run_in_background(work, receiver=self, done=self._done, failed=self._failed)

    def _set_running(self, running: bool) -> None:
        self.running = running
        self.inputs.setEnabled(not running)
        self.restore_button.setEnabled(not running and self.confirm.isChecked())
        self.cancel_button.setEnabled(not running)
        self.progress.setVisible(running)
        self.status.setVisible(running)

    def _done(self, summary: object) -> None:
        from app.services.backup import RestoreSummary

        assert isinstance(summary, RestoreSummary)
        self._set_running(False)
        self.summary = summary
        self.password.clear()
        for widget in (self.warning, self.inputs, self.restore_button, self.cancel_button):
            widget.hide()
        self.heading.setText(self.tr("The backup was restored."))
        lines = [self.tr("Backup made: {time}").format(time=_local(summary.created)),
                 self.tr("This laptop's new device id: {device}").format(device=summary.new_device_id)]
        if summary.moved_aside is not None:
            lines.append(self.tr("The data it replaced is kept in: {folder}").format(folder=summary.moved_aside))
        lines.append(self.tr("Sign in as usual, then sync: what other laptops entered since the backup was made "
                             "comes in."))
        self.outcome.setText("\n".join(lines))
        self.outcome.show()
        self.back_button.show()
        self.back_button.setDefault(True)
        self.back_button.setFocus()
        self._fit_height()

    def _failed(self, exc: BaseException) -> None:
        from app.store.errors import translate
        from app.store.keys import WrongPassword

        self._set_running(False)
        if isinstance(exc, WrongPassword):
            self.password_block.set_error(str(exc))
            self.password.setFocus()
            self.password.selectAll()
        elif isinstance(exc, DomainError):
            self.error.show_message(str(exc))
        elif isinstance(exc, OSError):
            self.error.show_message(str(translate(exc)))
        else:
            raise exc
        self._fit_height(grow_only=True)  # the message in view, however many lines it wraps to

    def _fit_height(self, *, grow_only: bool = False) -> None:
        """As tall as what is shown now (a message came, the inputs went), as wide as before."""
        layout = self._layout
        # Measured now, not as they were before the texts and buttons changed (Qt would do it a moment later).
        for inner in (self.buttons.layout(), layout):
            if inner is not None:
                inner.invalidate()
                inner.activate()
        height = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        height = height if height > 0 else layout.totalSizeHint().height()
        self.resize(self.width(), max(height, self.height()) if grow_only else height)

    def reject(self) -> None:
        """Not while the restore runs: it cannot be stopped halfway (the dialog stays until it is done)."""
        if self.running:
            return
        super().reject()

    # ------------------------------------------------------------------ language
    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Restore from a backup"))
        self.heading.setText(self.tr("Replace the data on this laptop with a backup"))
        self.warning.setText("\n".join("• " + line for line in (
            self.tr("Every record on this laptop is replaced by the backup's. What was entered after the backup "
                    "was made is no longer in the app, unless it was synced: the next sync brings it back."),
            self.tr("Nothing is deleted: the current data is moved to a folder named \"replaced-\" with the date "
                    "and time, in {folder}").format(folder=self.folder),
            self.tr("This laptop gets a new device id; the other laptops are not affected."))))
        self.file_label.setText(self.tr("Backup file"))
        self.backup.setPlaceholderText(self.tr("No backup in the backup folder: choose a file"))
        self.browse.setText(self.tr("Choose a file…"))
        self.username_block.label.setText(self.tr("User name"))
        self.password_block.label.setText(self.tr("Password (as it was when the backup was made)"))
        self.confirm.setText(self.tr("I understand: the data on this laptop will be replaced by the backup's"))
        self.status.setText(self.tr("Restoring… this takes a moment; do not turn the laptop off."))
        self.restore_button.setText(self.tr("Restore"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.back_button.setText(self.tr("Back to sign-in"))


def _local(created: str) -> str:
    """A manifest's ISO time (UTC) as local time; as it is when it cannot be read."""
    try:
        return datetime.fromisoformat(created).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return created
