"""A forgotten password, from the sign-in window: "Forgot password?" opens a dialog that takes the user name,
the district's recovery key and a new password twice; wrong key, weak password and mismatch each get their
message next to the field; a folder without a recovery key says so on the link itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from app.domain.codes import UserRole
from app.services import recovery
from app.services.audit import AuditAction, list_events
from app.store.db import Database
from app.ui.main import LoginDialog, RecoveryDialog
from tests.conftest import PASSWORD
from tests.ui.record_pages_support import *  # noqa: F403 (the shared fixtures: lang)
from tests.ui.shell_support import shot

NEW_PASSWORD = "new-secret-99"


@pytest.fixture
def secret(database: Database) -> str:
    return recovery.create_recovery_key(database)


@pytest.fixture
def login(qtbot: QtBot, data_dir: Path) -> Iterator[LoginDialog]:
    dialog = LoginDialog(data_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.recovery_available is not None)  # looked up once the window is up
    yield dialog


def click_link(qtbot: QtBot, login: LoginDialog) -> RecoveryDialog:
    """Click the "Forgot password?" link as a person would (on its text)."""
    label = login.forgot
    qtbot.mouseClick(label, Qt.MouseButton.LeftButton, pos=QPoint(label.fontMetrics().horizontalAdvance("Fo"),
                                                                  label.height() // 2))
    qtbot.waitUntil(lambda: login.recovery_dialog is not None and login.recovery_dialog.isVisible())
    assert login.recovery_dialog is not None
    return login.recovery_dialog


def fill(qtbot: QtBot, dialog: RecoveryDialog, *, key: str, password: str, repeat: str) -> None:
    for edit, text in ((dialog.key, key), (dialog.password, password), (dialog.repeat, repeat)):
        edit.clear()
        qtbot.keyClicks(edit, text)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_wrong_key_weak_password_and_mismatch_then_a_reset_that_signs_in(
        qtbot: QtBot, database: Database, secret: str, data_dir: Path, lang: str) -> None:
    database.close()
    login = LoginDialog(data_dir)
    qtbot.addWidget(login)
    login.show()
    qtbot.waitUntil(lambda: login.recovery_available is True)
    assert "href" in login.forgot.text()
    assert ("忘记密码？" if lang == "zh" else "Forgot password?") in login.forgot.text()
    shot(login, f"login-forgot-{lang}")

    dialog = click_link(qtbot, login)
    assert dialog.username.text() == "admin"  # the name typed on the sign-in window
    shot(dialog, f"recovery-empty-{lang}")

    fill(qtbot, dialog, key="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH", password=NEW_PASSWORD, repeat=NEW_PASSWORD)
    assert dialog.isVisible()
    assert dialog.field_errors["key"].text() == ("恢复密钥不正确。" if lang == "zh" else "Wrong recovery key.")
    assert dialog.key.hasFocus() or dialog.key.selectedText()
    shot(dialog, f"recovery-wrong-key-{lang}")

    fill(qtbot, dialog, key=secret, password="abc", repeat="abc")
    assert dialog.field_errors["password"].text() == ("密码至少需要 6 个字符。" if lang == "zh"
                                                      else "The password needs at least 6 characters.")
    assert not dialog.field_errors["key"].isVisible()

    fill(qtbot, dialog, key=secret, password=NEW_PASSWORD, repeat=NEW_PASSWORD + "x")
    assert dialog.field_errors["repeat"].text() == ("两次输入的密码不一致。" if lang == "zh"
                                                    else "The two passwords differ.")
    shot(dialog, f"recovery-mismatch-{lang}")

    # The key as it is read out over the phone: lower case, spaces instead of dashes.
    fill(qtbot, dialog, key=secret.lower().replace("-", " "), password=NEW_PASSWORD, repeat=NEW_PASSWORD)
    qtbot.waitUntil(lambda: login.recovery_dialog is None)
    assert login.username.text() == "admin" and login.password.text() == ""
    assert login.notice.isVisible()
    assert ("admin 的密码已重设" if lang == "zh" else "The password of admin was reset") in login.notice.text()
    shot(login, f"login-after-reset-{lang}")

    # The old password no longer opens the folder; the new one does, and the reset is in the log.
    qtbot.keyClicks(login.password, PASSWORD)
    qtbot.mouseClick(login.ok_button, Qt.MouseButton.LeftButton)
    assert login.isVisible() and login.field_errors["password"].isVisible()
    login.password.clear()
    qtbot.keyClicks(login.password, NEW_PASSWORD)
    qtbot.mouseClick(login.ok_button, Qt.MouseButton.LeftButton)
    assert login.database is not None
    try:
        with login.database.read() as session:
            actions = [e.action for e in list_events(session, role=UserRole.SCHOOL_ADMIN)]
        assert AuditAction.PASSWORD_RESET.value in actions
    finally:
        login.database.close()


def test_an_unknown_user_is_named_under_the_user_name(qtbot: QtBot, database: Database, secret: str,
                                                      data_dir: Path, chinese: str) -> None:
    database.close()
    dialog = RecoveryDialog(data_dir, "")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "nobody")
    fill(qtbot, dialog, key=secret, password=NEW_PASSWORD, repeat=NEW_PASSWORD)
    assert dialog.field_errors["username"].text() == "没有用户“nobody”。"
    assert dialog.isVisible()


def test_without_a_recovery_key_the_link_says_so(qtbot: QtBot, database: Database, lang: str,
                                                 login: LoginDialog) -> None:
    assert login.recovery_available is False
    text = login.forgot.text()
    assert "href" not in text
    assert ("没有恢复密钥" if lang == "zh" else "has no recovery key") in text
    qtbot.mouseClick(login.forgot, Qt.MouseButton.LeftButton)
    assert login.recovery_dialog is None
    shot(login, f"login-no-recovery-key-{lang}")
