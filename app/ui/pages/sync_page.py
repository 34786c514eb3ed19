"""同步 Sync: with the school's shared folder or a USB stick, or with the district server; progress and cancel,
and the last result.

The sync runs in a background task (it reads and writes files or talks to the server and applies changes);
the page only shows what the sync engine reports. A laptop can use both ways: records that travel by both
arrive once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
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
from app.services.access import ADMIN_ROLES
from app.store.db import Database
from app.store.errors import translate
from app.ui.pages import REGISTRY, Navigator, PageSpec
from app.ui.widgets.fields import ErrorLabel
from app.ui.widgets.share_rekey import RekeyDialog
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
        self.passphrase.setObjectName("syncPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setToolTip(self.tr("Needed the first time with this folder, and once more after an "
                                           "administrator changes the folder's passphrase (when a laptop is lost)"))
        self._plain_placeholder()
        # Why the passphrase is asked for again (the share's passphrase was changed), right under the field.
        self.passphrase_note = ErrorLabel()
        self.passphrase_note.setObjectName("passphraseNote")
        passphrase_column = QVBoxLayout()
        passphrase_column.addWidget(self.passphrase)
        passphrase_column.addWidget(self.passphrase_note)
        form.addRow(self.tr("Sync passphrase"), passphrase_column)
        # Lost laptop: administrators give the share a new passphrase here (the CLI's --rekey).
        self.rekey_button = QPushButton(self.tr("Change the share passphrase (lost laptop)…"))
        self.rekey_button.setObjectName("rekeyButton")
        self.rekey_button.setToolTip(self.tr("When a laptop is lost or stolen: give this folder a new passphrase "
                                             "and shut the lost laptop out"))
        self.rekey_button.clicked.connect(self.open_rekey)
        self.rekey_dialog: RekeyDialog | None = None
        user = database.user
        self.rekey_button.setVisible(user is not None and user.role in ADMIN_ROLES)
        rekey_row = QHBoxLayout()
        rekey_row.addStretch(1)
        rekey_row.addWidget(self.rekey_button)
        form.addRow(rekey_row)

        from sync.http_client import server_settings

        settings = server_settings(database)
        server_box = QGroupBox(self.tr("District server"))
        server_form = QFormLayout(server_box)
        self.server_url = QLineEdit(settings.url if settings else "")
        self.server_url.setPlaceholderText(self.tr("e.g. https://jiafang.district.example:8443"))
        server_form.addRow(self.tr("Server address"), self.server_url)
        self.enroll_code = QLineEdit()
        self.enroll_code.setPlaceholderText(self.tr("only the first time: the code the district gave"))
        server_form.addRow(self.tr("Enrollment code"), self.enroll_code)
        self.server_token = QLineEdit()
        self.server_token.setEchoMode(QLineEdit.EchoMode.Password)
        self.server_token.setPlaceholderText(self.tr("optional: a device token instead of a code"))
        server_form.addRow(self.tr("Device token"), self.server_token)
        self.server_status = QLabel()
        server_form.addRow(self.tr("Status"), self.server_status)
        self.server_button = QPushButton(self.tr("Sync with server"))
        self.server_button.clicked.connect(self.start_server)
        server_form.addRow("", self.server_button)

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
        layout.addWidget(server_box)
        layout.addWidget(self.error)
        layout.addWidget(self.pending)
        layout.addWidget(QLabel(self.tr("Last sync")))
        layout.addWidget(self.result, 1)
        self.refresh()

    def refresh(self) -> None:
        from sync.engine import last_run, pending_changes
        from sync.http_client import server_settings

        settings = server_settings(self.database)
        if settings is None or not settings.enrolled:
            self.server_status.setText(self.tr("This laptop is not enrolled with a server yet."))
        else:
            self.server_status.setText(self.tr("Enrolled with %1").replace("%1", settings.url))

        self.pending.setText(self.tr("Changes on this laptop not yet synced: %1")
                             .replace("%1", str(pending_changes(self.database))))
        run = last_run(self.database)
        if run is None:
            self.result.setPlainText(self.tr("This laptop has never synced."))
        else:
            when = run.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
            self.result.setPlainText(f"{when}  {run.target}\n{run.summary or ''}")

    def _plain_placeholder(self) -> None:
        self.passphrase.setPlaceholderText(self.tr("only needed the first time with this folder"))

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
        self.passphrase_note.show_message(None)
        self.progress.setValue(0)
        cancelled = {"flag": False}
        self._run(lambda report: sync_folder(self.database, path, passphrase, progress=report,
                                             cancelled=lambda: cancelled["flag"]), cancelled)

    def start_server(self) -> None:
        from sync.http_client import sync_server

        url = self.server_url.text().strip()
        if not url:
            self.error.setText(self.tr("Type the server's address first."))
            return
        code = self.enroll_code.text().strip() or None
        token = self.server_token.text().strip() or None
        self.error.setText("")
        self.progress.setValue(0)
        cancelled = {"flag": False}
        self._run(lambda report: sync_server(self.database, url, token=token, enroll_code=code, progress=report,
                                             cancelled=lambda: cancelled["flag"]), cancelled)

    def _run(self, work: Any, cancelled: dict[str, bool]) -> None:
        self.sync_button.setEnabled(False)
        self.server_button.setEnabled(False)
        self.rekey_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.task = Task(work, source=self)
        self._cancelled = cancelled
        # Bound methods, not lambdas: a lambda would run in the worker's thread and touch widgets there.
        self.task.progressed.connect(self._progressed)
        self.task.succeeded.connect(self._done)
        self.task.failed.connect(self._failed)
        self.task.start()

    def _progressed(self, stage: str, fraction: float) -> None:
        self.progress.setValue(int(fraction * 100))

    def cancel(self) -> None:
        if self.task is not None:
            self._cancelled["flag"] = True
            self.task.cancel()

    def _finish(self, *, succeeded: bool) -> None:
        self.sync_button.setEnabled(True)
        self.server_button.setEnabled(True)
        self.rekey_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.passphrase_note.show_message(None)
        if succeeded:  # not kept in the form; after an error it stays, to be corrected
            self.passphrase.clear()
            self._plain_placeholder()
        self.enroll_code.clear()  # a code works once; a token is not kept in the form
        self.server_token.clear()
        self.refresh()

    def _done(self, result: Any) -> None:
        if self.folder.text().strip():
            save_setting(self.database.data_dir, "sync_folder", self.folder.text().strip())
        self.progress.setValue(100)
        self._finish(succeeded=True)
        self.result.setPlainText("\n".join(result.lines()))
        if not result.ok:
            self.error.setText(self.tr("The sync finished with problems; see below."))

    def _failed(self, exc: BaseException) -> None:
        from sync.errors import SharePassphraseChanged

        self._finish(succeeded=False)
        if isinstance(exc, Cancelled):
            self.error.setText(self.tr("Sync cancelled. What was already applied stays applied."))
        elif isinstance(exc, SharePassphraseChanged):
            self._ask_new_passphrase()
        elif isinstance(exc, DomainError):
            self.error.setText(str(exc))
        elif isinstance(exc, OSError):
            self.error.setText(str(translate(exc)))
        else:
            raise exc

    def _ask_new_passphrase(self) -> None:
        """The share has a new passphrase (an administrator changed it after a laptop was lost): say so, and
        have the passphrase field ready to take the new one."""
        if self.passphrase.text():
            self.passphrase_note.show_message(self.tr(
                "This is not the folder's new passphrase. An administrator changed the passphrase of this folder "
                "(a laptop was lost): ask them for the new one, type it in the passphrase field and sync again. "
                "Nothing on this laptop was changed."))
        else:
            self.passphrase_note.show_message(self.tr(
                "An administrator changed the passphrase of this folder (a laptop was lost). Ask them for the new "
                "passphrase, type it in the passphrase field and sync again; it is needed only once. Nothing on "
                "this laptop was changed."))
        self.passphrase.setPlaceholderText(self.tr("the new passphrase (an administrator changed it)"))
        self.passphrase.setFocus()
        self.passphrase.selectAll()

    # ------------------------------------------------------------------ lost laptop (administrators)
    def open_rekey(self) -> None:
        text = self.folder.text().strip()
        if not text:
            self.error.setText(self.tr("Choose the shared folder or USB stick first."))
            return
        self.error.setText("")
        self.rekey_dialog = RekeyDialog(self.database, Path(text), self)
        self.rekey_dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.rekey_dialog.rekeyed.connect(self._rekeyed)
        self.rekey_dialog.finished.connect(self._rekey_closed)
        self.rekey_dialog.open()

    def _rekeyed(self, result: Any) -> None:
        save_setting(self.database.data_dir, "sync_folder", self.folder.text().strip())
        self.refresh()
        self.result.setPlainText("\n".join(result.lines()))

    def _rekey_closed(self, _result: int) -> None:
        if self.rekey_dialog is not None:
            self.rekey_dialog.deleteLater()
            self.rekey_dialog = None


REGISTRY.register(PageSpec(
    key="sync", title=("SyncPage", "Sync"), order=80,
    factory=lambda context: SyncPage(context.database, context.navigator)))
