"""The desktop app's entry: first run (language, then the demo district or this laptop's school), sign-in,
then the main window, and the day's automatic backup in the background once it is up (:mod:`app.ui.backups`).
The sign-in window also resets a forgotten password and restores a backup: a restore replaces the database, so
it is done there, before the data is open (:mod:`app.ui.widgets.restore_backup`).

Widgets call services only. Every message shown is a DomainError's (placed next to the field it names) or a
translated string of this module; nothing typed is cleared by an error.

Start-up: this module imports only Qt and light modules, so the first window (sign-in or first run) appears
about as fast as an empty Qt window. The store (SQLAlchemy, SQLCipher) and the pages are imported by a
background thread meanwhile, while the person types the password (and during the password's key derivation,
which releases the GIL).
"""

from __future__ import annotations

import html
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import DATABASE_FILE, KEYSLOT_FILE, load_settings, save_setting
from app.domain.errors import DomainError
from app.domain.i18n import current_language
from app.ui import crash, theme
from app.ui.background import wait_for_background
from app.ui.i18n import install_language
from app.ui.qt import (
    QApplication,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QEvent,
    QFormLayout,
    QGuiApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QObject,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from app.ui.widgets import clipboard
from app.ui.worker import Cancelled, Task

if TYPE_CHECKING:
    from app.store.db import Database

__all__ = ["DemoDialog", "FirstRunDialog", "LoginDialog", "RecoveryDialog", "SetupDialog", "WarmUp", "run",
           "sign_in"]


def _warm_up_imports() -> None:
    # Importing is all this does; nothing here touches a widget, so it is safe off the UI thread.
    import app.store.db  # noqa: F401
    import app.ui.app_window  # noqa: F401
    from app.ui.pages import load_pages

    load_pages()


class WarmUp(QObject):
    """The store and every page, imported in a background thread while the first window waits for a password."""

    def __init__(self) -> None:
        super().__init__()
        self._thread = threading.Thread(target=_warm_up_imports, name="jiafang-warm-up", daemon=True)

    @property
    def started(self) -> bool:
        return self._thread.ident is not None

    def start(self) -> None:
        if not self.started:
            self._thread.start()

    def start_when_painted(self, window: QWidget) -> None:
        """Start once ``window`` has been painted: started before, the imports hold the interpreter while the
        window is built (the sign-in dialog appeared 16 ms later, a tenth of its time)."""
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.start)  # after this paint, not in it
        return False

    def join(self) -> None:
        """Wait until everything is imported (starting now if the window never painted)."""
        self.start()
        self._thread.join()


def folder_exists(data_dir: Path) -> bool:
    """The same test as :func:`app.store.db.folder_exists`, without importing the store before the first
    window shows (its import is the slowest part of start-up)."""
    return (data_dir / DATABASE_FILE).exists() and (data_dir / KEYSLOT_FILE).exists()


class _Form(QDialog):
    """A form dialog whose DomainErrors appear under the field they name (or at the bottom)."""

    #: DomainError.field values of the services, mapped to this form's fields.
    FIELD_ALIASES: dict[str, str] = {}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        self.field_errors: dict[str, theme.ErrorLabel] = {}
        self.field_labels: dict[str, QLabel] = {}
        self.error = theme.ErrorLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.field_error_rows: dict[str, int] = {}
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        # Room for a message under a field without the dialog jumping wider (about 36 characters).
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("0") * 36 + self.fontMetrics().height() * 8)
        self.database: Database | None = None

    def line(self, key: str, *, secret: bool = False, text: str = "") -> QLineEdit:
        """A field, with a row under it for its error message (hidden while there is none)."""
        edit = QLineEdit(text)
        edit.setObjectName(key)
        if secret:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        label = QLabel()
        label.setBuddy(edit)
        self.form.addRow(label, edit)
        error = theme.ErrorLabel()
        error.setObjectName(f"{key}_error")
        self.form.addRow("", error)
        self.field_error_rows[key] = self.form.rowCount() - 1
        self.form.setRowVisible(self.field_error_rows[key], False)
        self.fields[key] = edit
        self.field_errors[key] = error
        self.field_labels[key] = label
        return edit

    def clear_errors(self) -> None:
        self.error.setText("")
        for key, label in self.field_errors.items():
            label.setText("")
            self.form.setRowVisible(self.field_error_rows[key], False)

    def show_error(self, exc: DomainError) -> None:
        """The message under its field (focused, text kept and selected for retyping), else at the bottom."""
        self.clear_errors()
        key = self.FIELD_ALIASES.get(exc.field or "", exc.field or "")
        if key in self.field_errors:
            self.field_errors[key].setText(str(exc))
            self.form.setRowVisible(self.field_error_rows[key], True)
            self.fields[key].setFocus()
            self.fields[key].selectAll()
        else:
            self.error.setText(str(exc))
        self.adjustSize()  # the dialog grows by the message's lines, whatever their wrapping

    def submit(self) -> None:
        self.clear_errors()
        try:
            self.database = self.attempt()
        except DomainError as exc:
            self.show_error(exc)
            return
        self.accept()

    def attempt(self) -> Database:
        raise NotImplementedError

    def retranslate(self) -> None:
        self.ok_button.setText(self.tr("OK"))
        self.cancel_button.setText(self.tr("Cancel"))


class SetupDialog(_Form):
    """First run: this laptop's school and its first administrator."""

    FIELD_ALIASES = {"name": "school", "device_name": "device"}

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.school = self.line("school")
        self.device = self.line("device")
        self.username = self.line("username", text="admin")
        self.password = self.line("password", secret=True)
        self.repeat = self.line("repeat", secret=True)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(self.tr("Set up my school"))
        for key, text in (("school", self.tr("School name")), ("device", self.tr("This laptop's name")),
                          ("username", self.tr("Administrator user name")), ("password", self.tr("Password")),
                          ("repeat", self.tr("Repeat password"))):
            self.field_labels[key].setText(text)

    def attempt(self) -> Database:
        from app.domain.codes import SchoolType, UserRole
        from app.domain.errors import ValidationError
        from app.services.common import require_text
        from app.services.places import add_school
        from app.store.db import create_folder

        school = require_text(self.school.text(), "name", "学校名称", "School name", max_length=80)
        if self.password.text() != self.repeat.text():
            raise ValidationError("两次输入的密码不一致。", "The two passwords differ.", field="repeat")
        from app.ui import ops

        data_dir, username, password = self.data_dir, self.username.text(), self.password.text()
        device = self.device.text() or None
        database = ops.call(lambda: create_folder(data_dir, username=username, password=password,
                                                  role=UserRole.SCHOOL_ADMIN, device_name=device))
        ops.write(database, lambda session: add_school(session, name=school, school_type=SchoolType.PRIMARY))
        return database


class DemoDialog(_Form):
    """First run, trying the app: a synthetic district is generated in the background."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.form.addRow(self.intro)
        self.students = self.line("students", text="20000")
        self.password = self.line("password", secret=True)
        self.repeat = self.line("repeat", secret=True)
        self.task: Task | None = None
        self.progress: QProgressDialog | None = None
        self._existed = False
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(self.tr("Try the demo district"))
        self.intro.setText(self.tr("A fictional Xixiangtang district will be generated (all students, households, "
                                   "visits and cases are synthetic). The administrator's user name is admin."))
        for key, text in (("students", self.tr("Number of students")),
                          ("password", self.tr("Administrator password")), ("repeat", self.tr("Repeat password"))):
            self.field_labels[key].setText(text)

    def submit(self) -> None:
        from app.domain.codes import UserRole
        from app.domain.errors import ValidationError
        from app.services.demo import generate_demo
        from app.store.db import create_folder
        from app.ui import ops

        self.clear_errors()
        try:
            try:
                count = int(self.students.text())
            except ValueError:
                count = 0
            if not 1 <= count <= 200_000:
                raise ValidationError("学生人数应在 1 到 200000 之间。", "Students must be between 1 and 200000.",
                                      field="students")
            if self.password.text() != self.repeat.text():
                raise ValidationError("两次输入的密码不一致。", "The two passwords differ.", field="repeat")
            existed = self.data_dir.exists()
            data_dir, password, shown_as = self.data_dir, self.password.text(), self.tr("District administrator")
            database = ops.call(lambda: create_folder(data_dir, username="admin", password=password,
                                                      display_name=shown_as, role=UserRole.DISTRICT,
                                                      device_name="demo"))
        except DomainError as exc:
            self.show_error(exc)
            return
        self.database = database
        self._existed = existed
        self.progress = QProgressDialog(self.tr("Generating the demo district…"), self.tr("Cancel"), 0, 100, self)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.task = Task(lambda report: generate_demo(database, students=count, progress=report))
        self.task.progressed.connect(self._progressed)
        self.task.succeeded.connect(self._done)
        self.task.failed.connect(self._failed)
        # Through a method of this dialog: a slot of the task itself would be queued to the worker thread,
        # which is busy generating and would never see the cancel.
        self.progress.canceled.connect(self._cancel)
        self.task.start()

    def _cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _progressed(self, _stage: str, fraction: float) -> None:
        if self.progress is not None:
            self.progress.setValue(int(fraction * 100))

    def _done(self, _summary: object) -> None:
        if self.progress:
            self.progress.reset()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        from app.store.db import remove_data_folder
        from app.store.errors import translate

        if self.progress:
            self.progress.reset()
        if self.database is not None:
            self.database.close()
            self.database = None
        remove_data_folder(self.data_dir, keep_folder=self._existed)
        if isinstance(exc, Cancelled):
            self.error.setText(self.tr("Cancelled; nothing was kept."))
        elif isinstance(exc, DomainError):
            self.show_error(exc)
        elif isinstance(exc, OSError):
            self.error.setText(str(translate(exc)))
        else:
            raise exc


class FirstRunDialog(QDialog):
    """The very first screen: the language, then try the demo district or set up this laptop's school."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.database: Database | None = None
        layout = QVBoxLayout(self)
        # The language names stay in their own language, whatever the interface language is.
        self.language_label = QLabel("语言 Language")
        self.chinese = QRadioButton("中文")
        self.english = QRadioButton("English")
        self.languages = QButtonGroup(self)
        self.languages.addButton(self.chinese)
        self.languages.addButton(self.english)
        (self.chinese if current_language() == "zh" else self.english).setChecked(True)
        choice = QHBoxLayout()
        choice.addWidget(self.language_label)
        choice.addWidget(self.chinese)
        choice.addWidget(self.english)
        choice.addStretch(1)
        layout.addLayout(choice)
        self.welcome = QLabel()
        self.welcome.setWordWrap(True)
        layout.addWidget(self.welcome)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("0") * 48)
        self.demo_button = QPushButton()
        self.setup_button = QPushButton()
        for button in (self.demo_button, self.setup_button):
            button.setMinimumHeight(button.fontMetrics().height() * 3)
            layout.addWidget(button)
        # A laptop that replaces a lost or broken one starts from the school's last backup.
        self.restore_button = QPushButton()
        self.restore_button.setObjectName("firstRunRestore")
        self.restore_button.setFlat(True)
        layout.addWidget(self.restore_button)
        self.demo_button.clicked.connect(lambda: self._open(DemoDialog(self.data_dir, self)))
        self.setup_button.clicked.connect(lambda: self._open(SetupDialog(self.data_dir, self)))
        self.restore_button.clicked.connect(self.restore_from_backup)
        self.restore_dialog: QDialog | None = None
        self.login_dialog: LoginDialog | None = None
        self.chinese.toggled.connect(lambda on: self.choose_language("zh") if on else None)
        self.english.toggled.connect(lambda on: self.choose_language("en") if on else None)
        self.retranslate()

    def choose_language(self, lang: str) -> None:
        """Switch the interface now and remember the choice in settings.json (no personal data there)."""
        install_language(lang)
        save_setting(self.data_dir, "language", lang)
        self.retranslate()  # now; the LanguageChange event reaches the other windows a moment later

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Welcome to Jiafang"))
        self.welcome.setText(self.tr("Jiafang: home visits and dropout cases. First time here, choose:"))
        self.demo_button.setText(self.tr("Try the demo district (synthetic data)"))
        self.setup_button.setText(self.tr("Set up my school"))
        self.restore_button.setText(self.tr("Replacing a laptop? Restore the school's backup…"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _open(self, dialog: _Form) -> None:
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.database is not None:
            self.database = dialog.database
            self.accept()

    def restore_from_backup(self) -> None:
        """Restore a backup into this still empty folder, then sign in with one of the backup's users."""
        from app.ui.widgets.restore_backup import RestoreDialog

        self.restore_dialog = RestoreDialog(self.data_dir, "", self)
        self.restore_dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.restore_dialog.finished.connect(self._restore_finished)
        self.restore_dialog.open()

    def _restore_finished(self, _result: int) -> None:
        dialog, self.restore_dialog = self.restore_dialog, None
        if dialog is None or getattr(dialog, "summary", None) is None:
            return  # closed without restoring: the first-run choices are still here
        self.login_dialog = LoginDialog(self.data_dir, self)
        self.login_dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.login_dialog.accepted.connect(self._signed_in_after_restore)
        self.login_dialog.open()

    def _signed_in_after_restore(self) -> None:
        if self.login_dialog is not None and self.login_dialog.database is not None:
            self.database = self.login_dialog.database
            self.accept()


class RecoveryDialog(_Form):
    """A forgotten password: a new one with the district's recovery key (every record stays as it is)."""

    def __init__(self, data_dir: Path, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.form.addRow(self.intro)
        self.username = self.line("username", text=username)
        self.key = self.line("key")
        # The whole key in view while it is typed from the paper (eight groups of four).
        self.key.setMinimumWidth(self.key.fontMetrics().horizontalAdvance("-".join(["XXXX"] * 8)) + 16)
        self.password = self.line("password", secret=True)
        self.repeat = self.line("repeat", secret=True)
        #: The user whose password was reset, once it was.
        self.reset_username: str | None = None
        self.retranslate()
        self.adjustSize()
        (self.key if username else self.username).setFocus()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(self.tr("Reset a forgotten password"))
        self.intro.setText(self.tr("With the recovery key the district keeps, give a user a new password. "
                                   "Every record stays as it is; the reset is written to the audit log."))
        for key, text in (("username", self.tr("User name")), ("key", self.tr("Recovery key")),
                          ("password", self.tr("New password")), ("repeat", self.tr("Repeat new password"))):
            self.field_labels[key].setText(text)
        self.key.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.ok_button.setText(self.tr("Set the new password"))

    def submit(self) -> None:
        from app.domain.errors import ValidationError
        from app.services.recovery import WrongRecoveryKey, reset_password
        from app.ui import ops

        self.clear_errors()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            if self.password.text() != self.repeat.text():
                raise ValidationError("两次输入的密码不一致。", "The two passwords differ.", field="repeat")
            data_dir, username, key, password = (self.data_dir, self.username.text(), self.key.text(),
                                                 self.password.text())
            result = ops.call(lambda: reset_password(data_dir, username, key, password))
        except WrongRecoveryKey as exc:
            exc.field = "key"
            self.show_error(exc)
            return
        except DomainError as exc:
            self.show_error(exc)
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.reset_username = result.username
        self.accept()


class LoginDialog(_Form):
    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.username = self.line("username", text="admin")
        self.password = self.line("password", secret=True)
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.form.addRow(self.notice)
        self.notice_row = self.form.rowCount() - 1
        self.form.setRowVisible(self.notice_row, False)
        self.forgot = QLabel()
        self.forgot.setObjectName("forgotPassword")
        self.forgot.setWordWrap(True)
        self.forgot.setTextFormat(Qt.TextFormat.RichText)
        self.forgot.linkActivated.connect(lambda _link: self.open_recovery())
        self.form.addRow("", self.forgot)
        # A restore replaces the database, so it is done here, before the data is open.
        self.restore_link = QLabel()
        self.restore_link.setObjectName("restoreFromBackup")
        self.restore_link.setTextFormat(Qt.TextFormat.RichText)
        self.restore_link.linkActivated.connect(lambda _link: self.open_restore())
        self.form.addRow("", self.restore_link)
        self.restore_dialog: QDialog | None = None
        #: Whether this data folder has a recovery key; None until looked up (its module is slow to import, so
        #: it is looked up once the window is up, not before it appears).
        self.recovery_available: bool | None = None
        self.recovery_dialog: RecoveryDialog | None = None
        self.retranslate()
        self.password.setFocus()
        QTimer.singleShot(0, self, self.check_recovery)

    def check_recovery(self) -> bool:
        """Look up whether the folder has a recovery key (once) and say so next to the link."""
        if self.recovery_available is None:
            from app.services.recovery import has_recovery_key

            try:
                self.recovery_available = has_recovery_key(self.data_dir)
            except (DomainError, OSError):
                self.recovery_available = False
            self._retitle_forgot()
            self.adjustSize()  # the longer text wraps onto more lines
        return self.recovery_available

    def _retitle_forgot(self) -> None:
        link = '<a href="recover">{}</a>'.format(html.escape(self.tr("Forgot password?"), quote=False))
        if self.recovery_available is False:
            self.forgot.setText(html.escape(self.tr(
                "Forgot password? This data folder has no recovery key, so a password cannot be reset here; "
                "ask your school's administrator."), quote=False))
        else:
            self.forgot.setText(link)

    def open_recovery(self) -> None:
        if not self.check_recovery():
            return
        self.recovery_dialog = RecoveryDialog(self.data_dir, self.username.text(), self)
        self.recovery_dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.recovery_dialog.finished.connect(self._recovery_finished)
        self.recovery_dialog.open()

    def _recovery_finished(self, result: int) -> None:
        dialog, self.recovery_dialog = self.recovery_dialog, None
        if dialog is None:
            return
        if result == QDialog.DialogCode.Accepted and dialog.reset_username:
            self.clear_errors()
            self.username.setText(dialog.reset_username)
            self.password.clear()
            self.notice.setText(self.tr("The password of {user} was reset. Sign in with the new password.")
                                .format(user=dialog.reset_username))
            self.form.setRowVisible(self.notice_row, True)
            self.adjustSize()
            self.password.setFocus()
        dialog.deleteLater()

    def open_restore(self) -> None:
        """The restore dialog (window-modal over this one); back here when it closes."""
        from app.ui.widgets.restore_backup import RestoreDialog

        self.restore_dialog = RestoreDialog(self.data_dir, self.username.text(), self)
        self.restore_dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.restore_dialog.finished.connect(self._restore_finished)
        self.restore_dialog.open()

    def _restore_finished(self, _result: int) -> None:
        dialog, self.restore_dialog = self.restore_dialog, None
        if dialog is None:
            return
        summary = getattr(dialog, "summary", None)
        if summary is not None:
            self.clear_errors()
            self.password.clear()
            self.notice.setText(self.tr("The backup was restored. Sign in with a password of the backup's users."))
            self.form.setRowVisible(self.notice_row, True)
            # The key slots came back with the backup: whether there is a recovery key may have changed.
            self.recovery_available = None
            self.check_recovery()
            self.adjustSize()
            self.password.setFocus()
        dialog.deleteLater()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(self.tr("Sign in to Jiafang"))
        self.field_labels["username"].setText(self.tr("User name"))
        self.field_labels["password"].setText(self.tr("Password"))
        self.ok_button.setText(self.tr("Sign in"))
        self._retitle_forgot()
        self.restore_link.setText('<a href="restore">{}</a>'.format(
            html.escape(self.tr("Restore from a backup…"), quote=False)))

    def attempt(self) -> Database:
        from app.services.signin import LockedOut
        from app.services.signin import sign_in as open_signed_in
        from app.store.errors import CannotDecrypt
        from app.store.keys import WrongPassword
        from app.ui import ops

        # The key-slot message does not say which of the two was wrong (on purpose): show it under the password.
        # Repeated failures lock the name out for a while; sign-ins and failures are audited.
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        data_dir, username, password = self.data_dir, self.username.text() or None, self.password.text()
        try:
            return ops.call(lambda: open_signed_in(data_dir, username, password))
        except (WrongPassword, LockedOut, CannotDecrypt) as exc:
            if exc.field is None:
                exc.field = "password"
            raise
        finally:
            QApplication.restoreOverrideCursor()


def sign_in(data_dir: Path, warming: WarmUp | None = None) -> Database | None:
    """The first window: sign in (or set up a new folder); ``warming`` starts once it is painted."""
    dialog: FirstRunDialog | LoginDialog = (LoginDialog(data_dir) if folder_exists(data_dir)
                                            else FirstRunDialog(data_dir))
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    if warming is not None:
        warming.start_when_painted(dialog)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.database


def run(data_dir: Path, *, lang: str | None = None) -> int:
    # Qt 6 scales for high-DPI screens by itself; pass fractional factors (150%) through unrounded, so text
    # stays crisp on the 1.25x and 1.5x screens common on school laptops.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Jiafang")
    settings = load_settings(data_dir)
    install_language(lang or str(settings["language"]))
    crash.install(data_dir)  # from here on, an unhandled error keeps the drafts and writes a clean report
    warming = WarmUp()
    database = sign_in(data_dir, warming)
    if database is None:
        return 0
    warming.join()
    from app.ui import ops
    from app.ui.app_window import MainWindow

    ops.watch_ui_thread_writes(strict=False)  # a screen writing on the UI thread is logged (tests fail on it)

    window = MainWindow(database, idle_lock_minutes=int(load_settings(data_dir)["idle_lock_minutes"]))
    window.show()
    from app.ui.backups import start_daily_backups

    start_daily_backups(window, database)  # in the background, once the window is up
    app.aboutToQuit.connect(clipboard.clear_if_ours)  # whatever way the app ends, it takes its copies along
    try:
        return int(app.exec())
    finally:
        wait_for_background()
        ops.wait_until_idle(None)  # every save the user asked for is committed before the database closes
        database.close()
