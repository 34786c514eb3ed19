"""用户 Users page and 修改我的密码, driven through their real widgets: an administrator adds a teacher who then
signs in, sets a password, deactivates and reactivates, changes a role; a teacher sees no Users page; anyone
changes their own password; bad input is explained next to its field and kept."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.domain.codes import UserRole
from app.services import users
from app.services.signin import sign_in
from app.store.db import Database
from app.store.keys import WrongPassword
from app.store.models import School
from app.ui.app_window import MainWindow
from app.ui.pages import PageContext
from app.ui.pages.users_page import UsersPage
from app.ui.widgets.dialogs import ActionDialog
from app.ui.widgets.user_dialogs import AddUserDialog, ChangePasswordDialog, NewPasswordDialog, RoleDialog
from tests.ui.shell_support import TODAY, shot
from tests.ui.test_shell_i18n import _translated, english_in


class _Navigator:
    def navigate(self, kind: str, record_id: str) -> None:
        raise AssertionError("the Users page opens no records")

    def refresh_status(self) -> None:
        pass


@pytest.fixture
def page(qtbot: QtBot, database: Database, school: School) -> Iterator[UsersPage]:
    widget = UsersPage(PageContext(database=database, navigator=_Navigator()))
    widget.confirm = lambda _question: True
    qtbot.addWidget(widget)
    widget.resize(1000, 560)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    if widget.dialog is not None:
        widget.dialog.close()


@pytest.fixture
def opened() -> Iterator[list[Database]]:
    found: list[Database] = []
    yield found
    for db in found:
        db.close()


def opens(database: Database, username: str, password: str, opened: list[Database]) -> Database | None:
    try:
        db = sign_in(database.data_dir, username, password)
    except WrongPassword:
        return None
    opened.append(db)
    return db


def names(page: UsersPage) -> list[tuple[str, str]]:
    rows = [page.model.row(n) for n in range(page.model.rowCount())]
    return [(r.username, page.model.cell(r, "status")) for r in rows if r is not None]


def fill(dialog: ActionDialog, **values: str) -> None:
    for name, value in values.items():
        editor = dialog.blocks[name].editor
        if hasattr(editor, "setText"):
            editor.setText(value)
        else:
            editor.setCurrentIndex(editor.findData(value))  # type: ignore[attr-defined]


def errors(dialog: ActionDialog) -> dict[str, str]:
    return {name: block.error.text() for name, block in dialog.blocks.items() if block.has_error()}


def add_teacher(qtbot: QtBot, page: UsersPage, username: str = "huanglaoshi", password: str = "teach-2026") -> None:
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, AddUserDialog)
    fill(dialog, username=username, display_name="黄老师", role="teacher", password=password,
         password_again=password)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert page.dialog is None


def select(page: UsersPage, username: str) -> None:
    page.select(username)
    assert page.selected() is not None and page.selected().username == username  # type: ignore[union-attr]


def test_the_table_model_passes_the_model_tester(page: UsersPage, qtmodeltester: object, qtbot: QtBot) -> None:
    add_teacher(qtbot, page)
    assert page.model.rowCount() == 2
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]


def test_add_a_teacher_who_then_signs_in(qtbot: QtBot, page: UsersPage, database: Database, school: School,
                                         opened: list[Database]) -> None:
    add_teacher(qtbot, page)
    assert names(page) == [("admin", "Active"), ("huanglaoshi", "Active")]
    assert page.selected() is not None and page.selected().username == "huanglaoshi"  # type: ignore[union-attr]
    assert "huanglaoshi" in page.notice.text()
    teacher = opens(database, "huanglaoshi", "teach-2026", opened)
    assert teacher is not None and teacher.user is not None
    assert (teacher.user.role, teacher.user.school_id, teacher.user.display_name) == (
        UserRole.TEACHER, school.id, "黄老师")


def test_bad_input_is_explained_next_to_its_field_and_kept(qtbot: QtBot, page: UsersPage) -> None:
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, AddUserDialog)
    fill(dialog, username="huanglaoshi", password="teach-2026", password_again="teach-2062")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert errors(dialog) == {"password_again": "两次输入的密码不一样。"}  # the domain speaks Chinese
    assert dialog.isVisible() and dialog.username.text() == "huanglaoshi" and dialog.password.text() == "teach-2026"
    fill(dialog, password="abc", password_again="abc")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert list(errors(dialog)) == ["password"] and "6" in errors(dialog)["password"]
    fill(dialog, username="ADMIN", password="teach-2026", password_again="teach-2026")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert list(errors(dialog)) == ["username"] and "ADMIN" in errors(dialog)["username"]
    assert dialog.username.text() == "ADMIN" and dialog.display_name.text() == ""
    assert [name for name, _status in names(page)] == ["admin"]


def test_admin_sets_a_new_password_and_the_old_one_stops_working(qtbot: QtBot, page: UsersPage, database: Database,
                                                                 opened: list[Database]) -> None:
    add_teacher(qtbot, page)
    select(page, "huanglaoshi")
    qtbot.mouseClick(page.password_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, NewPasswordDialog)
    fill(dialog, password="new-pass-2027", password_again="new-pass-2027")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert page.dialog is None and "old one no longer works" in page.notice.text()
    assert opens(database, "huanglaoshi", "teach-2026", opened) is None
    assert opens(database, "huanglaoshi", "new-pass-2027", opened) is not None


def test_deactivate_refuses_sign_in_and_reactivate_needs_a_new_password(
        qtbot: QtBot, page: UsersPage, database: Database, opened: list[Database]) -> None:
    add_teacher(qtbot, page)
    select(page, "admin")
    assert not page.deactivate_button.isEnabled() and not page.role_button.isEnabled()  # not oneself
    select(page, "huanglaoshi")
    asked: list[str] = []
    page.confirm = lambda question: asked.append(question) is None
    qtbot.mouseClick(page.deactivate_button, Qt.MouseButton.LeftButton)
    assert asked and "huanglaoshi" in asked[0]
    assert names(page) == [("admin", "Active"), ("huanglaoshi", "Deactivated")]
    assert opens(database, "huanglaoshi", "teach-2026", opened) is None
    assert page.reactivate_button.isEnabled() and not page.password_button.isEnabled()
    qtbot.mouseClick(page.reactivate_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, NewPasswordDialog)
    fill(dialog, password="back-again-1", password_again="back-again-1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert names(page) == [("admin", "Active"), ("huanglaoshi", "Active")]
    assert opens(database, "huanglaoshi", "teach-2026", opened) is None
    assert opens(database, "huanglaoshi", "back-again-1", opened) is not None


def test_a_refused_deactivation_is_shown_on_the_page(qtbot: QtBot, page: UsersPage, database: Database) -> None:
    add_teacher(qtbot, page)
    users.deactivate_user(database, "huanglaoshi")  # meanwhile, from the command line
    select(page, "huanglaoshi")
    qtbot.mouseClick(page.deactivate_button, Qt.MouseButton.LeftButton)
    assert "已经停用" in page.error.text()
    page.confirm = lambda _question: False
    page.refresh()
    assert not page.deactivate_button.isEnabled()


def test_change_a_role(qtbot: QtBot, page: UsersPage, database: Database, opened: list[Database]) -> None:
    add_teacher(qtbot, page)
    select(page, "huanglaoshi")
    qtbot.mouseClick(page.role_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, RoleDialog)
    fill(dialog, role="school_admin")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert page.model.cell(page.selected(), "role") == "学校管理员"  # type: ignore[arg-type]
    promoted = opens(database, "huanglaoshi", "teach-2026", opened)
    assert promoted is not None and promoted.user is not None and promoted.user.role is UserRole.SCHOOL_ADMIN


def test_a_teacher_does_not_see_the_users_page(qtbot: QtBot, database: Database, opened: list[Database]) -> None:
    users.add_user(database, username="huanglaoshi", password="teach-2026", role="teacher")
    teacher = opens(database, "huanglaoshi", "teach-2026", opened)
    assert teacher is not None
    for db, shown in ((teacher, False), (database, True)):
        window = MainWindow(db, today=TODAY)
        qtbot.addWidget(window)
        assert ("users" in [spec.key for spec in window.specs]) is shown
        assert window.password_button.isVisibleTo(window)  # everyone may change their own password
        window.idle.stop()


def test_change_my_password_from_the_main_window(qtbot: QtBot, database: Database, opened: list[Database]) -> None:
    users.add_user(database, username="huanglaoshi", password="teach-2026", role="teacher")
    teacher = opens(database, "huanglaoshi", "teach-2026", opened)
    assert teacher is not None
    window = MainWindow(teacher, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.mouseClick(window.password_button, Qt.MouseButton.LeftButton)
    dialog = window.password_dialog
    assert isinstance(dialog, ChangePasswordDialog)
    fill(dialog, old_password="not-mine-1", password="mine-2027", password_again="mine-2027")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert errors(dialog) == {"old_password": "当前密码不正确。"}
    assert dialog.password.text() == "mine-2027"
    fill(dialog, old_password="teach-2026", password_again="mine-2072")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert list(errors(dialog)) == ["password_again"] and dialog.old_password.text() == "teach-2026"
    fill(dialog, password_again="mine-2027")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert window.password_dialog is None
    assert window.statusBar().currentMessage() == "Your password was changed."
    assert opens(database, "huanglaoshi", "teach-2026", opened) is None
    assert opens(database, "huanglaoshi", "mine-2027", opened) is not None
    window.idle.stop()


# ----------------------------------------------------------------------------- languages and screenshots
def _show_all(qtbot: QtBot, page: UsersPage, database: Database, snap: Callable[[str, QWidget], None]) -> None:
    """The page with a few users, then each of its dialogs in turn (with an error showing where there is one),
    each handed to ``snap`` while it is open."""
    users.add_user(database, username="huanglaoshi", password="teach-2026", role="teacher",
                   display_name="黄老师")
    users.add_user(database, username="韦𰻝", password="teach-2027", role="school_admin")
    users.deactivate_user(database, "韦𰻝")
    page.refresh()
    select(page, "huanglaoshi")
    snap("users", page)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    add = page.dialog
    assert isinstance(add, AddUserDialog)
    fill(add, username="qinlaoshi", password="teach-2026", password_again="teach-2062")
    qtbot.mouseClick(add.ok_button, Qt.MouseButton.LeftButton)
    snap("users-add", add)
    add.close()
    qtbot.mouseClick(page.role_button, Qt.MouseButton.LeftButton)
    assert isinstance(page.dialog, RoleDialog)
    snap("users-role", page.dialog)
    page.dialog.close()
    qtbot.mouseClick(page.password_button, Qt.MouseButton.LeftButton)
    assert isinstance(page.dialog, NewPasswordDialog)
    snap("users-password", page.dialog)
    page.dialog.close()
    change = ChangePasswordDialog(database, page)
    qtbot.addWidget(change)
    change.show()
    fill(change, old_password="wrong-one-1", password="mine-2027", password_again="mine-2027")
    qtbot.mouseClick(change.ok_button, Qt.MouseButton.LeftButton)
    snap("users-change-password", change)
    change.close()


@pytest.mark.parametrize("language", ["chinese", "english"])
def test_screens_in_both_languages(qtbot: QtBot, database: Database, school: School, language: str,
                                   request: pytest.FixtureRequest) -> None:
    lang = request.getfixturevalue(language)
    page = UsersPage(PageContext(database=database, navigator=_Navigator()))
    qtbot.addWidget(page)
    page.resize(1000, 520)
    page.show()
    qtbot.waitExposed(page)
    sources = {source for (_context, source), text in _translated().items() if text != source and len(source) > 1}
    seen: list[str] = []

    def snap(name: str, widget: QWidget) -> None:
        QApplication.processEvents()
        shot(widget, f"{name}-{lang}")
        seen.append(name)
        if lang == "zh":
            assert not english_in(widget, sources), (name, english_in(widget, sources))

    _show_all(qtbot, page, database, snap)
    assert len(seen) == 5
    if lang == "zh":
        assert page.title.text() == "用户" and page.model.cell(page.selected(), "role") == "教师"  # type: ignore[arg-type]
        assert page.model.headerData(6, Qt.Orientation.Horizontal) == "上次登录"
    else:
        assert page.title.text() == "Users" and page.model.cell(page.selected(), "role") == "Teacher"  # type: ignore[arg-type]


def test_the_page_is_registered_for_administrators_only() -> None:
    from app.ui.pages import load_pages

    spec = next(s for s in load_pages().ordered() if s.key == "users")
    assert spec.shown_to("school_admin") and spec.shown_to("district") and not spec.shown_to("teacher")
    assert not spec.shown_to(None)
