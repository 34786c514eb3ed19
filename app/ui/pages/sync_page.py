"""同步 Sync: choose the school's shared folder or a USB stick, sync with progress and cancel, see the last result.

The sync runs in a background task (it reads and writes files and applies bundles); the page only shows what
the sync engine reports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.config import load_settings, save_setting
from app.domain.errors import DomainError
from app.store.db import Database
from app.store.errors import translate
from app.ui.pages import REGISTRY, Navigator, PageSpec
from app.ui.worker import Cancelled, Task


class SyncPage(QWidget):
    def __init__(self, database: Database, navigator: Navigator | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.navigator = navigator
        self.task: Task | None = None
        title = QLabel(self.tr("Sync"))
        title.setStyleSheet("font-size: 20px; font-weight: bold")
        intro = QLabel(self.tr("Sync with the school's shared folder or a USB stick. Changes made on other laptops "
                               "come in, this laptop's changes go out; nothing anybody typed is lost."))
        intro.setWordWrap(True)

        box = QGroupBox(self.tr("Shared folder or USB stick"))
        form = QFormLayout(box)
        self.folder = QLineEdit(str(load_settings(database.data_dir).get("sync_folder") or ""))
        self.folder.setPlaceholderText(self.tr("e.g. \\\\school-server\\jiafang or E:\\jiafang"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form.addRow(self.tr("Folder"), row)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(self.tr("only needed the first time with this folder"))
        form.addRow(self.tr("Sync passphrase"), self.passphrase)

        self.sync_button = QPushButton(self.tr("Sync now"))
        self.sync_button.setShortcut("F5")
        self.sync_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.progress, 1)

        self.pending = QLabel()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e")
        self.result = QPlainTextEdit()
        self.result.setReadOnly(True)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(box)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.pending)
        layout.addWidget(QLabel(self.tr("Last sync")))
        layout.addWidget(self.result, 1)
        self.refresh()

    def refresh(self) -> None:
        from sync.engine import last_run, pending_changes

        self.pending.setText(self.tr("Changes on this laptop not yet synced: %n", "", pending_changes(self.database)))
        run = last_run(self.database)
        if run is None:
            self.result.setPlainText(self.tr("This laptop has never synced."))
        else:
            when = run.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
            self.result.setPlainText(f"{when}  {run.target}\n{run.summary or ''}")

    def browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose the shared folder or USB stick"),
                                                  self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def start(self) -> None:
        from sync.engine import sync_folder

        text = self.folder.text().strip()
        if not text:
            self.error.setText(self.tr("Choose the shared folder or USB stick first."))
            return
        path = Path(text)
        passphrase = self.passphrase.text() or None
        self.error.setText("")
        self.progress.setValue(0)
        self.sync_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        cancelled = {"flag": False}
        self.task = Task(lambda report: sync_folder(self.database, path, passphrase, progress=report,
                                                    cancelled=lambda: cancelled["flag"]))
        self._cancelled = cancelled
        self.task.progressed.connect(lambda stage, fraction: self.progress.setValue(int(fraction * 100)))
        self.task.succeeded.connect(self._done)
        self.task.failed.connect(self._failed)
        self.task.start()

    def cancel(self) -> None:
        if self.task is not None:
            self._cancelled["flag"] = True
            self.task.cancel()

    def _finish(self) -> None:
        self.sync_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.passphrase.clear()
        self.refresh()
        if self.navigator is not None:
            self.navigator.refresh_status()

    def _done(self, result: Any) -> None:
        save_setting(self.database.data_dir, "sync_folder", self.folder.text().strip())
        self.progress.setValue(100)
        self._finish()
        self.result.setPlainText("\n".join(result.lines()))
        if not result.ok:
            self.error.setText(self.tr("The sync finished with problems; see below."))

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        if isinstance(exc, Cancelled):
            self.error.setText(self.tr("Sync cancelled. What was already applied stays applied."))
        elif isinstance(exc, DomainError):
            self.error.setText(str(exc))
        elif isinstance(exc, OSError):
            self.error.setText(str(translate(exc)))
        else:
            raise exc


REGISTRY.register(PageSpec(
    key="sync", title=("SyncPage", "Sync"), order=80,
    factory=lambda context: SyncPage(context.database, context.navigator)))
