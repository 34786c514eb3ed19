"""The dialogs of user management: add a user, a new password (set by an administrator, or on reactivating),
another role, and 修改我的密码 (anyone, from the main window).

Each is an :class:`ActionDialog`: the services check everything (the password rules, the two passwords the
same, the current password, the last administrator) and each message appears next to the field it names,
with everything typed kept. The password work (Argon2id, a fraction of a second) runs under a wait cursor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QWidget

from app.domain.codes import UserRole
from app.services import listing, users
from app.store.db import Database
from app.ui import ops
from app.ui.qt import QApplication, Qt
from app.ui.widgets.dialogs import ActionDialog
from app.ui.widgets.fields import code_combo, line_edit


def password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def busy(work: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
    """``work`` under a wait cursor: a key slot takes a moment to make."""

    def run(values: dict[str, Any]) -> Any:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return work(values)
        finally:
            QApplication.restoreOverrideCursor()

    return run


class _UserDialog(ActionDialog):
    """Title and button text are set by each dialog (its own ``tr`` context) once the dialog exists."""

    def __init__(self, work: Callable[[dict[str, Any]], Any], parent: QWidget | None) -> None:
        super().__init__("", "", busy(work), parent)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("okButton")

    def _titles(self, title: str, ok_text: str) -> None:
        self.setWindowTitle(title)
        self.ok_button.setText(ok_text)

    def _field(self, name: str, label: str, editor: QWidget) -> Any:
        editor.setObjectName(name)
        return self.add(name, label, editor)

    def _note(self, text: str) -> QLabel:
        note = QLabel(text)
        note.setObjectName("note")
        note.setWordWrap(True)
        self.body.addWidget(note)
        return note

    def _new_password_fields(self, label: str, again: str) -> None:
        self.password = self._field("password", label, password_edit("password"))
        self.password.setPlaceholderText(QCoreApplication.translate("UserDialogs", "at least 6 characters"))
        self.password_again = self._field("password_again", again, password_edit("password_again"))


class AddUserDialog(_UserDialog):
    """A new user: name, display name, role, school, password twice."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(self._add, parent)
        self.database = database
        self._titles(self.tr("Add a user"), self.tr("Add user"))
        with database.read() as session:
            schools = listing.school_choices(session)
            school = users.default_school_id(session, database.user)
        self.username = self._field("username", self.tr("User name (to sign in with)"), line_edit())
        # A teacher changes the records of the students whose 包保 lists name them (app.services.access): the
        # name must be written as those lists write it.
        self.display_name = self._field("display_name", self.tr("Full name"),
                                        line_edit(placeholder=self.tr("as the 包保 lists write it, e.g. 黄丽")))
        self.display_name.setToolTip(self.tr("A teacher may change the records of the students whose "
                                             "responsible persons (包保责任人) carry this name."))
        self.role = self._field("role", self.tr("Role"),
                                code_combo(UserRole.choices(), current=UserRole.TEACHER.value))
        self.school = self._field("school", self.tr("School"),
                                  code_combo(schools, blank=self.tr("No school"), current=school))
        self._new_password_fields(self.tr("Password"), self.tr("The password again"))
        self.username.setFocus()

    def _add(self, values: dict[str, Any]) -> Any:
        users.confirm_password(values["password"], values["password_again"])
        return ops.call(lambda: users.add_user(
            self.database, username=values["username"], password=values["password"], role=values["role"],
            display_name=values["display_name"] or None, school_id=values["school"] or None))


class NewPasswordDialog(_UserDialog):
    """A new password typed twice, handed to ``apply(password)`` (set by an administrator, or reactivating)."""

    def __init__(self, title: str, ok_text: str, apply: Callable[[str], Any], parent: QWidget | None = None, *,
                 note: str = "") -> None:
        super().__init__(self._apply, parent)
        self.apply = apply
        self._titles(title, ok_text)
        if note:
            self._note(note)
        self._new_password_fields(self.tr("New password"), self.tr("The new password again"))
        self.password.setFocus()

    def _apply(self, values: dict[str, Any]) -> Any:
        users.confirm_password(values["password"], values["password_again"])
        return self.apply(values["password"])


class RoleDialog(_UserDialog):
    """Another role for one user."""

    def __init__(self, database: Database, username: str, current: str, parent: QWidget | None = None) -> None:
        super().__init__(self._change, parent)
        self.database = database
        self.username = username
        self._titles(self.tr("Change the role of {name}").format(name=username), self.tr("Change role"))
        self._note(self.tr("A teacher sees the students of the school and edits those they cover; a school "
                           "administrator also manages users, imports and exports; the district education bureau "
                           "does all of that for every school."))
        self.role = self._field("role", self.tr("Role of {name}").format(name=username),
                                code_combo(UserRole.choices(), current=current))

    def _change(self, values: dict[str, Any]) -> Any:
        return ops.call(lambda: users.set_role(self.database, self.username, values["role"]))


class ChangePasswordDialog(_UserDialog):
    """修改我的密码: the signed-in user's current password, then the new one twice."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(self._change, parent)
        self.database = database
        self._titles(self.tr("Change my password"), self.tr("Change password"))
        self.old_password = self._field("old_password", self.tr("Current password"), password_edit("old_password"))
        self._new_password_fields(self.tr("New password"), self.tr("The new password again"))
        self.old_password.setFocus()

    def _change(self, values: dict[str, Any]) -> Any:
        users.confirm_password(values["password"], values["password_again"])
        ops.call(lambda: users.change_own_password(self.database, values["old_password"], values["password"]))
        return True
