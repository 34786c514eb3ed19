"""更换同步口令 Change the share passphrase (a lost laptop), from the Sync page, for administrators.

The dialog lists the share's laptops as this laptop knows them (:func:`sync.rekey.known_devices`, what
``jiafang sync folder PATH --devices`` prints) to tick the lost ones, takes the new passphrase twice, says what
will happen, and runs :func:`sync.rekey.rekey_share` in a background task with progress and cancel. The service
checks everything (role, length, not the current passphrase); its messages are shown next to the field they
name, and nothing typed or ticked is lost on an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QProgressBar

from app.domain.errors import DomainError
from app.store.db import Database
from app.store.errors import translate
from app.ui import theme
from app.ui.background import run_in_background
from app.ui.qt import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from app.ui.widgets.fields import FieldBlock
from app.ui.worker import Cancelled, Task
from sync.errors import SharePassphraseChanged

if TYPE_CHECKING:
    from sync.rekey import ShareDevice


class RekeyDialog(QDialog):
    """Lost laptop: the share gets a new passphrase and key, the ticked laptops are revoked."""

    #: The :class:`sync.rekey.RekeyResult`, once the share has its new key.
    rekeyed = Signal(object)

    def __init__(self, database: Database, share: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.share = share
        self.task: Task | None = None
        self.running = False
        self.done_ok = False
        self._cancelled = {"flag": False}
        self.setWindowTitle(self.tr("Change the share passphrase"))

        self.heading = QLabel(self.tr("Use this when a laptop that syncs with this folder is lost or stolen. "
                                      "This laptop syncs first, then the folder gets a new passphrase and key:"))
        self.heading.setWordWrap(True)
        self.heading.setFont(theme.scaled_font(self.heading, 1.0, bold=True))
        self.warning = QLabel("\n".join("• " + line for line in (
            self.tr("every other laptop must be given the new passphrase once: its next sync stops and asks for it;"),
            self.tr("the laptops ticked below are revoked: what they synced before is kept, every change they make "
                    "from now on is refused by all laptops;"),
            self.tr("the lost laptop cannot open anything synced after the change."),
            self.tr("If it was also enrolled with the district server, have the district revoke it there too."))))
        self.warning.setObjectName("rekeyWarning")
        self.warning.setWordWrap(True)
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        palette = self.warning.palette()
        palette.setColor(self.warning.foregroundRole(), theme.warning_color())
        self.warning.setPalette(palette)
        self.folder = QLabel(self.tr("Shared folder: %1").replace("%1", str(share)))
        self.folder.setWordWrap(True)
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.devices = QListWidget()
        self.devices.setObjectName("rekeyDevices")
        self.devices.setMinimumHeight(110)
        self.devices_block = FieldBlock(self.tr("Laptops of this folder (as of this laptop's last sync): tick the "
                                                "lost one to revoke it"), self.devices)
        self.loading = QLabel(self.tr("Reading the laptops…"))

        self.new_passphrase = QLineEdit()
        self.new_passphrase.setObjectName("rekeyNewPassphrase")
        self.new_passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_passphrase.setPlaceholderText(self.tr("at least 8 characters, not the current one"))
        self.again = QLineEdit()
        self.again.setObjectName("rekeyAgain")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.blocks = {
            "new_passphrase": FieldBlock(self.tr("New sync passphrase"), self.new_passphrase),
            "again": FieldBlock(self.tr("The new passphrase again"), self.again),
            "revoke": self.devices_block,
        }

        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.error = theme.ErrorLabel()
        self.error.setObjectName("rekeyError")
        self.done_heading = QLabel(self.tr("The folder has a new passphrase. Give it to the people using the other "
                                           "laptops: each types it once on its Sync page."))
        self.done_heading.setWordWrap(True)
        self.done_heading.setFont(theme.scaled_font(self.done_heading, 1.0, bold=True))
        self.done_heading.hide()
        self.outcome = QLabel()
        self.outcome.setObjectName("rekeyResult")
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Change the passphrase"))
        self.ok_button.setObjectName("rekeyStart")
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.close_button.setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)

        # What is typed and ticked, hidden as a whole once the share has its new key.
        self.inputs = QWidget()
        inputs = QVBoxLayout(self.inputs)
        inputs.setContentsMargins(0, 0, 0, 0)
        inputs.addWidget(self.devices_block, 1)
        inputs.addWidget(self.loading)
        inputs.addWidget(self.blocks["new_passphrase"])
        inputs.addWidget(self.blocks["again"])
        for editor, field in ((self.new_passphrase, "new_passphrase"), (self.again, "again")):
            editor.textChanged.connect(lambda _text, name=field: self._edited(name))
        self.devices.itemChanged.connect(lambda _item: self._edited("revoke"))

        layout = self._layout = QVBoxLayout(self)
        layout.addWidget(self.done_heading)
        layout.addWidget(self.heading)
        layout.addWidget(self.warning)
        layout.addWidget(self.folder)
        layout.addWidget(self.inputs, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.error)
        layout.addWidget(self.outcome)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(max(self.fontMetrics().horizontalAdvance("0") * 80, 560))
        self.new_passphrase.setFocus()
        run_in_background(lambda _report: _known_devices(database), receiver=self,
                          done=self._devices_loaded, failed=self._devices_failed)

    # ------------------------------------------------------------------ the laptops
    def _devices_loaded(self, devices: object) -> None:
        assert isinstance(devices, list)
        self.loading.hide()
        self.devices.clear()
        for device in devices:
            item = QListWidgetItem(self._describe(device))
            item.setData(Qt.ItemDataRole.UserRole, device.device_id)
            if device.this_laptop or device.revoked_upto is not None:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable & ~Qt.ItemFlag.ItemIsEnabled)
            else:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
            self.devices.addItem(item)
        if not devices:
            self.loading.setText(self.tr("This laptop knows no other laptop of this folder yet: sync first."))
            self.loading.show()

    def _devices_failed(self, exc: BaseException) -> None:
        self.loading.hide()
        if not isinstance(exc, DomainError | OSError):
            raise exc
        self.error.setText(_message(exc))

    def _describe(self, device: ShareDevice) -> str:
        name = device.name or self.tr("(no name)")
        parts = [name]
        school = device.school_name or device.school_id
        if school:
            parts.append(school)
        parts.append(device.device_id)
        parts.append(self.tr("%1 change(s)").replace("%1", str(device.applied)))
        if device.this_laptop:
            parts.append(self.tr("this laptop"))
        if device.revoked_upto is not None:
            parts.append(self.tr("revoked already (its first %1 changes are kept)")
                         .replace("%1", str(device.revoked_upto)))
        return "  ·  ".join(parts)

    def revoked(self) -> list[str]:
        """The device ids ticked for revocation."""
        return [str(item.data(Qt.ItemDataRole.UserRole)) for item in
                (self.devices.item(i) for i in range(self.devices.count()))
                if item.checkState() == Qt.CheckState.Checked]

    def check(self, device_id: str) -> None:
        """Tick a laptop for revocation, as a click on its box does."""
        for index in range(self.devices.count()):
            item = self.devices.item(index)
            if item.data(Qt.ItemDataRole.UserRole) == device_id:
                item.setCheckState(Qt.CheckState.Checked)

    # ------------------------------------------------------------------ the change
    def _edited(self, field: str) -> None:
        if self.blocks[field].has_error():  # the message was about what is being corrected now
            self.blocks[field].set_error(None)

    def _clear_errors(self) -> None:
        for block in self.blocks.values():
            block.set_error(None)
        self.error.setText("")

    def start(self) -> None:
        if self.running or self.done_ok:
            return
        self._clear_errors()
        passphrase = self.new_passphrase.text()
        if passphrase != self.again.text():
            self.blocks["again"].set_error(self.tr("The two passphrases differ; type the same one twice."))
            self.again.setFocus()
            self.again.selectAll()
            return
        revoke = self.revoked()
        database, share = self.database, self.share
        self._cancelled = {"flag": False}
        cancelled = self._cancelled

        def work(report: Any) -> Any:
            from sync.rekey import rekey_share

            return rekey_share(database, share, passphrase, revoke=revoke, progress=report,
                               cancelled=lambda: cancelled["flag"])

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
        for widget in (self.devices, self.new_passphrase, self.again, self.ok_button):
            widget.setEnabled(not running)
        self.progress.setVisible(running or self.progress.value() > 0)

    def _progressed(self, _stage: str, fraction: float) -> None:
        self.progress.setValue(int(fraction * 100))

    def cancel(self) -> None:
        if self.task is not None and self.running:
            self._cancelled["flag"] = True
            self.task.cancel()

    def _done(self, result: Any) -> None:
        self.progress.setValue(100)
        self._set_running(False)
        self.done_ok = True
        self.new_passphrase.clear()
        self.again.clear()
        for widget in (self.heading, self.warning, self.inputs, self.ok_button):
            widget.hide()
        self.done_heading.show()
        self.progress.hide()
        self.outcome.setText("\n".join(result.lines()))
        self.outcome.show()
        self._fit_height()
        self.close_button.setText(self.tr("Close"))
        self.close_button.setFocus()
        self.rekeyed.emit(result)

    def _fit_height(self) -> None:
        """As tall as what is shown now (the inputs are gone), as wide as before."""
        layout = self._layout
        layout.activate()
        height = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        self.resize(self.width(), height if height > 0 else layout.totalSizeHint().height())

    def _failed(self, exc: BaseException) -> None:
        self._set_running(False)
        self.progress.hide()
        if isinstance(exc, Cancelled):
            self.error.setText(self.tr("Cancelled: the passphrase was not changed. What the sync had already "
                                       "applied stays applied."))
            return
        if not isinstance(exc, DomainError | OSError):
            raise exc
        if isinstance(exc, SharePassphraseChanged):  # another administrator was quicker
            self.error.setText(self.tr("Another administrator has already changed this folder's passphrase. Sync "
                                       "once with the new passphrase on the Sync page, then change it here if it "
                                       "is still needed."))
            return
        field = getattr(exc, "field", None)
        block = self.blocks.get(field) if isinstance(field, str) else None
        if block is None:
            self.error.setText(_message(exc))
            return
        block.set_error(_message(exc))
        if isinstance(block.editor, QLineEdit):
            block.editor.setFocus()
            block.editor.selectAll()

    # ------------------------------------------------------------------ closing
    def reject(self) -> None:
        """Cancel asks the running change to stop (before the key is written); the dialog stays until then."""
        if self.running:
            self.cancel()
            return
        super().reject()


def _known_devices(database: Database) -> list[ShareDevice]:
    from sync.rekey import known_devices

    return known_devices(database)


def _message(exc: BaseException) -> str:
    return str(translate(exc)) if isinstance(exc, OSError) else str(exc)

