"""用户 Users (school administrators and the district): the people who sign in on this laptop.

Add a user, give one a new password (the old one stops opening the data), deactivate or reactivate an account,
change a role. Everything goes through :mod:`app.services.users`, which checks the rules (the password rules,
not oneself, the last administrator) and audits each change; the password work runs under a wait cursor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.domain.codes import UserRole
from app.domain.errors import DomainError
from app.domain.i18n import current_language
from app.services import access, users
from app.services.users import UserSummary
from app.store.db import Database
from app.ui import ops, theme
from app.ui.i18n import QT_TRANSLATE_NOOP
from app.ui.models.paged import Column, PagedTableModel
from app.ui.pages import REGISTRY, PageContext, PageSpec
from app.ui.pages.roster import configure_table, size_columns
from app.ui.qt import (
    QApplication,
    QCoreApplication,
    QEvent,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from app.ui.widgets.dialogs import ActionDialog
from app.ui.widgets.user_dialogs import AddUserDialog, NewPasswordDialog, RoleDialog

CONTEXT = "UsersTable"
USER_COLUMNS = (
    Column("username", QT_TRANSLATE_NOOP("UsersTable", "User name"), sample="huanglaoshi-2"),
    Column("display_name", QT_TRANSLATE_NOOP("UsersTable", "Display name"), sample="区教育局管理员"),
    Column("role", QT_TRANSLATE_NOOP("UsersTable", "Role"), sample="School administrator"),
    Column("school", QT_TRANSLATE_NOOP("UsersTable", "School"), sample="西乡塘区石埠镇中心小学"),
    Column("status", QT_TRANSLATE_NOOP("UsersTable", "Status"), sample="Deactivated"),
    Column("created", QT_TRANSLATE_NOOP("UsersTable", "Created"), sample="2026-11-29"),
    Column("last_sign_in", QT_TRANSLATE_NOOP("UsersTable", "Last sign-in"), stretch=True),
)


class UsersTableModel(PagedTableModel[UserSummary]):
    """The laptop's accounts, active ones first; read-only (changes go through the page's buttons)."""

    CONTEXT = CONTEXT

    def __init__(self, database: Database) -> None:
        super().__init__(database, USER_COLUMNS)

    def count(self, session: Any) -> int:
        return users.count_users(session)

    def fetch(self, session: Any, offset: int, limit: int) -> list[UserSummary]:
        return users.list_users(session, offset=offset, limit=limit)

    def cell(self, row: UserSummary, key: str) -> Any:
        if key == "username":
            return row.username
        if key == "display_name":
            return row.display_name
        if key == "role":
            return row.role.label(current_language())
        if key == "school":
            return row.school_name or "—"
        if key == "status":
            return (QCoreApplication.translate("UsersTable", "Active") if row.active
                    else QCoreApplication.translate("UsersTable", "Deactivated"))
        if key == "created":
            return row.created_at.astimezone().strftime("%Y-%m-%d")
        if row.last_sign_in is None:
            return QCoreApplication.translate("UsersTable", "never")
        return row.last_sign_in.astimezone().strftime("%Y-%m-%d %H:%M")

    def extra(self, row: UserSummary, key: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            return theme.muted_color()
        return None



class UsersPage(QWidget):
    def __init__(self, context: PageContext) -> None:
        super().__init__()
        self.context = context
        self.database = context.database
        # Asks yes or no; replaced in tests, where a modal question cannot be clicked.
        self.confirm: Callable[[str], bool] = self._ask
        #: The dialog open now (one at a time), for tests to fill in.
        self.dialog: ActionDialog | None = None

        self.title = theme.Heading()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.model = UsersTableModel(self.database)
        self.table = QTableView()
        self.table.setObjectName("usersTable")
        configure_table(self.table)
        self.table.setModel(self.model)

        self.add_button = self._button("addUser", self.add_user)
        self.password_button = self._button("setPassword", self.set_password)
        self.role_button = self._button("changeRole", self.change_role)
        self.deactivate_button = self._button("deactivateUser", self.deactivate)
        self.reactivate_button = self._button("reactivateUser", self.reactivate)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.password_button, self.role_button, self.deactivate_button,
                       self.reactivate_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.notice = QLabel()
        self.notice.setObjectName("usersNotice")
        self.notice.setWordWrap(True)
        self.error = theme.ErrorLabel()
        self.error.setObjectName("usersError")

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.notice)
        layout.addWidget(self.error)

        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.model.modelReset.connect(self._enable)
        self.retranslate()  # reads the list too

    def _button(self, name: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton()
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    # ------------------------------------------------------------------ the list
    def selected(self) -> UserSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def select(self, username: str) -> None:
        for number in range(self.model.rowCount()):
            row = self.model.row(number)
            if row is not None and row.username == username:
                self.table.selectRow(number)
                return

    def _enable(self) -> None:
        user = self.selected()
        me = self.database.user.id if self.database.user else None
        self.password_button.setEnabled(user is not None and user.active)
        self.role_button.setEnabled(user is not None and user.id != me)
        self.deactivate_button.setEnabled(user is not None and user.active and user.id != me)
        self.reactivate_button.setEnabled(user is not None and not user.active)

    def refresh(self, keep: str | None = None) -> None:
        """Read the list again, keeping the selected user (or ``keep``) selected."""
        current = self.selected()
        self.model.reload()
        size_columns(self.table, USER_COLUMNS, self._samples())
        name = keep or (current.username if current else None)
        if name:
            self.select(name)
        self._enable()

    def on_shown(self) -> None:
        self.refresh()

    def _samples(self) -> dict[str, str]:
        """Column widths: each title in the current language, or its sample when that is longer."""
        return {column.key: max(QCoreApplication.translate(CONTEXT, column.title), column.sample, key=len)
                for column in USER_COLUMNS}

    # ------------------------------------------------------------------ changes
    def _open(self, dialog: ActionDialog, done: Callable[[Any], None]) -> None:
        self.notice.setText("")
        self.error.setText("")
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.submitted.connect(done)
        dialog.finished.connect(lambda _result, d=dialog: self._closed(d))
        dialog.open()

    def _closed(self, dialog: ActionDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _done(self, message: str, username: str) -> None:
        self.refresh(keep=username)
        self.notice.setText(message)

    def add_user(self) -> None:
        dialog = AddUserDialog(self.database, self)
        self._open(dialog, lambda user: self._done(self.tr("Added {name}. They can sign in with the password you "
                                                           "gave them.").format(name=user.username), user.username))

    def set_password(self) -> None:
        user = self.selected()
        if user is None:
            return
        name = user.username
        dialog = NewPasswordDialog(
            self.tr("New password for {name}").format(name=name), self.tr("Set password"),
            lambda password: ops.call(lambda: users.set_password(self.database, name, password)), self,
            note=self.tr("{name}'s old password stops working at once. Tell them the new one in person, not in a "
                         "message.").format(name=name))
        self._open(dialog, lambda _user: self._done(
            self.tr("{name} has a new password; the old one no longer works.").format(name=name), name))

    def change_role(self) -> None:
        user = self.selected()
        if user is None:
            return
        dialog = RoleDialog(self.database, user.username, user.role.value, self)
        self._open(dialog, lambda changed: self._done(self.tr("{name} is now: {role}.").format(
            name=changed.username, role=UserRole(changed.role).label(current_language())), changed.username))

    def reactivate(self) -> None:
        user = self.selected()
        if user is None:
            return
        name = user.username
        dialog = NewPasswordDialog(
            self.tr("Reactivate {name}").format(name=name), self.tr("Reactivate"),
            lambda password: ops.call(lambda: users.reactivate_user(self.database, name, password)), self,
            note=self.tr("{name} signs in again with a new password (the old one was removed when the account was "
                         "deactivated).").format(name=name))
        self._open(dialog, lambda _user: self._done(
            self.tr("{name} is active again and signs in with the new password.").format(name=name), name))

    def deactivate(self) -> None:
        user = self.selected()
        if user is None:
            return
        self.notice.setText("")
        self.error.setText("")
        if not self.confirm(self.tr("Deactivate {name}? Their password stops opening the data at once; you can "
                                    "reactivate the account later with a new password.").format(name=user.username)):
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            ops.call(lambda: users.deactivate_user(self.database, user.username))
        except DomainError as exc:
            self.error.setText(str(exc))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self._done(self.tr("{name} is deactivated.").format(name=user.username), user.username)

    def _ask(self, question: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Deactivate a user"), question)
        return answer == QMessageBox.StandardButton.Yes

    # ------------------------------------------------------------------ language
    def retranslate(self) -> None:
        self.title.setText(self.tr("Users"))
        self.intro.setText(self.tr("The people who sign in on this laptop. Each password opens the data by itself; "
                                   "a deactivated account's password opens nothing. Accounts stay on this laptop "
                                   "(they are not synced); every change is in the audit log."))
        self.add_button.setText(self.tr("Add user…"))
        self.password_button.setText(self.tr("Set password…"))
        self.role_button.setText(self.tr("Change role…"))
        self.deactivate_button.setText(self.tr("Deactivate…"))
        self.reactivate_button.setText(self.tr("Reactivate…"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


SPEC = REGISTRY.register(PageSpec(
    key="users", title=("Pages", QT_TRANSLATE_NOOP("Pages", "Users")), factory=UsersPage, order=88,
    roles=frozenset(role.value for role in access.ADMIN_ROLES)))
