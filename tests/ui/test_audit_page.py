"""The audit log page: administrators only, newest first, filtered by action and date, read-only, with an
integrity check that finds a tampered event, and the recovery key made from here (shown once, large)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QAbstractItemView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.domain.codes import UserRole
from app.services import recovery, signin, users
from app.services.audit import AuditAction, record_event, record_student_view
from app.store.db import Database
from app.store.models import AuditEvent, Student
from app.ui.app_window import MainWindow
from app.ui.i18n import read_ts, translations, ts_file
from app.ui.pages import PageContext
from app.ui.pages.audit_page import AuditPage
from tests.conftest import TODAY
from tests.ui.record_pages_support import *  # noqa: F403 (the shared fixtures: lang)
from tests.ui.record_pages_support import FakeNavigator
from tests.ui.shell_support import shot

ROOT = Path(__file__).resolve().parents[2]
PROTECT_SOURCES = ["app/ui/pages/audit_page.py", "app/ui/crash.py", "app/ui/main.py", "app/ui/pages/student.py",
                   "app/ui/app_window.py", "app/ui/widgets/clipboard.py"]


@pytest.fixture
def events(database: Database, student: Student) -> list[str]:
    """Three views and a reveal, the oldest a week ago."""
    week_ago = datetime.now(UTC) - timedelta(days=7)
    with database.write() as session:
        ids = [record_event(session, AuditAction.VIEWED_STUDENT, target=student.id, at=week_ago)]
        ids.append(record_student_view(session, student.id))
        ids.append(record_event(session, AuditAction.REVEALED_FIELD, target=student.id, detail="id_number"))
        ids.append(record_student_view(session, student.id))
    return ids


@pytest.fixture
def page(qtbot: QtBot, database: Database, events: list[str]) -> Iterator[AuditPage]:
    widget = AuditPage(PageContext(database=database, navigator=FakeNavigator()))
    widget.confirm = lambda _question: True
    qtbot.addWidget(widget)
    widget.resize(1100, 600)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget


def column(page: AuditPage, number: int) -> list[str]:
    model = page.model
    return [model.data(model.index(row, number)) for row in range(model.rowCount())]


def test_lists_events_newest_first_and_the_model_passes_the_model_tester(
        qtbot: QtBot, lang: str, page: AuditPage, qtmodeltester: ModelTester) -> None:
    assert page.model.rowCount() == 4
    times = column(page, 0)
    assert times == sorted(times, reverse=True)
    actions = column(page, 2)
    assert actions[0] == ("查看学生档案" if lang == "zh" else "viewed a student's file")
    assert actions[1] == ("显示完整信息" if lang == "zh" else "revealed a field")
    assert column(page, 4)[1] == ("身份证号" if lang == "zh" else "ID number")
    assert set(column(page, 1)) == {"admin"}
    assert all(cell.startswith("韦小明 (") for cell in column(page, 3))  # the student, by name
    assert page.count_label.text() == ("共 4 条记录" if lang == "zh" else "4 event(s)")
    qtmodeltester.check(page.model)
    shot(page, f"audit-page-{lang}")


def test_filters_by_action_and_by_date(qtbot: QtBot, chinese: str, page: AuditPage) -> None:
    page.action.setFocus()
    page.action.setCurrentIndex(page.action.findData(AuditAction.REVEALED_FIELD.value))
    assert page.model.rowCount() == 1
    page.action.setCurrentIndex(page.action.findData(AuditAction.VIEWED_STUDENT.value))
    assert page.model.rowCount() == 3
    # Only today: the view of a week ago drops out.
    qtbot.mouseClick(page.by_date, Qt.MouseButton.LeftButton)
    assert page.by_date.isChecked() and page.date_from.isEnabled()
    page.date_from.setDate(QDate.currentDate())
    assert page.model.rowCount() == 2
    # Only the day of the old one.
    day = QDate.currentDate().addDays(-7)
    page.date_from.setDate(day)
    page.date_to.setDate(day)
    assert page.model.rowCount() == 1
    shot(page, "audit-filtered-zh")
    qtbot.mouseClick(page.by_date, Qt.MouseButton.LeftButton)
    page.action.setCurrentIndex(0)
    assert page.model.rowCount() == 4


def test_nothing_on_the_page_can_change_an_event(qtbot: QtBot, chinese: str, page: AuditPage,
                                                 database: Database) -> None:
    model, table = page.model, page.table
    index = model.index(0, 2)
    assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    before = model.data(index)
    rect = table.visualRect(index)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(table, Qt.Key.Key_F2)
    assert table.state() != QAbstractItemView.State.EditingState
    assert not model.setData(index, "exported")
    assert model.data(index) == before
    with database.read() as session:
        assert session.scalar(select(AuditEvent.action).order_by(AuditEvent.chain_seq.desc()).limit(1)) == \
            AuditAction.VIEWED_STUDENT.value


def test_check_integrity_passes_then_finds_a_tampered_event(qtbot: QtBot, lang: str, page: AuditPage,
                                                            database: Database, events: list[str]) -> None:
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.check_button.isEnabled(), timeout=30_000)
    assert page.check_result.text() == ("完整：每台电脑的审计记录链都校验无误。" if lang == "zh"
                                        else "Intact: every laptop's chain of audit events checks out.")
    assert not page.check_error.isVisible()
    shot(page, f"audit-intact-{lang}")

    # Someone with the key and a SQLite tool edits an event behind the app's back.
    raw = database.engine.raw_connection()
    try:
        raw.driver_connection.execute("UPDATE audit_event SET detail = 'phone' WHERE id = ?",  # type: ignore[union-attr]
                                      (events[2],))
        raw.driver_connection.commit()  # type: ignore[union-attr]
    finally:
        raw.close()
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.check_button.isEnabled(), timeout=30_000)
    assert page.check_error.isVisible()
    text = page.check_error.text()
    assert ("审计日志被改动过" if lang == "zh" else "tampered") in text
    assert ("被改动过" if lang == "zh" else "was changed") in text.split("\n", 1)[1]
    shot(page, f"audit-tampered-{lang}")


def test_the_page_is_shown_to_administrators_only(qtbot: QtBot, database: Database, data_dir: Path,
                                                  events: list[str]) -> None:
    """And so are Import, Users and Backups: administrators' work."""
    admin_window = MainWindow(database, today=TODAY)
    qtbot.addWidget(admin_window)
    assert {"audit", "import", "users", "backups"} <= {spec.key for spec in admin_window.specs}
    admin_window.idle.stop()

    users.add_user(database, username="liteacher", password="teacher-pass-7", role=UserRole.TEACHER)
    teacher = signin.sign_in(data_dir, "liteacher", "teacher-pass-7")
    try:
        window = MainWindow(teacher, today=TODAY)
        qtbot.addWidget(window)
        keys = [spec.key for spec in window.specs]
        assert "audit" not in keys and "roster" in keys
        assert not {"import", "users", "backups"} & set(keys)  # administrators' work only
        titles = [window.nav.item(row).text() for row in range(window.nav.count())]
        assert "审计日志" not in titles and "Audit log" not in titles
        window.idle.stop()
    finally:
        teacher.close()


def test_an_administrator_makes_the_recovery_key_here_and_sees_it_once(
        qtbot: QtBot, lang: str, page: AuditPage, database: Database) -> None:
    assert not recovery.has_recovery_key(database.data_dir)
    assert page.key_button.text() == ("建立恢复密钥…" if lang == "zh" else "Create a recovery key…")
    qtbot.mouseClick(page.key_button, Qt.MouseButton.LeftButton)
    dialog = page.key_dialog
    assert dialog is not None and dialog.isVisible()
    secret = dialog.key.text()
    assert len(recovery.normalize_secret(secret)) == 32
    assert dialog.key.font().pointSizeF() > page.font().pointSizeF() * 1.5  # big, to be copied by hand
    assert dialog.key.textInteractionFlags() == Qt.TextInteractionFlag.NoTextInteraction  # never to the clipboard
    assert recovery.has_recovery_key(database.data_dir)
    shot(dialog, f"recovery-key-{lang}")
    qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
    assert page.key_dialog is None
    assert page.key_button.text() == ("更换恢复密钥…" if lang == "zh" else "Replace the recovery key…")
    # The creation is in the log shown.
    assert column(page, 2)[0] == ("建立恢复密钥" if lang == "zh" else "created the recovery key")

    # Replacing asks first; saying no keeps the old key.
    page.confirm = lambda _question: False
    qtbot.mouseClick(page.key_button, Qt.MouseButton.LeftButton)
    assert page.key_dialog is None
    page.confirm = lambda _question: True
    qtbot.mouseClick(page.key_button, Qt.MouseButton.LeftButton)
    assert page.key_dialog is not None and page.key_dialog.key.text() != secret
    page.key_dialog.accept()


# ----------------------------------------------------------------------------- translations
def test_every_text_of_the_data_protection_screens_has_its_chinese(tmp_path: Path) -> None:
    extracted = tmp_path / "extracted.ts"
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    subprocess.run([str(lupdate), "-silent", "-locations", "none", *PROTECT_SOURCES, "-ts", str(extracted)],
                   cwd=ROOT, check=True, capture_output=True)
    have = translations(ts_file("zh"))
    wanted = {(m.context, m.source) for m in read_ts(extracted)}
    missing = sorted(key for key in wanted if key not in have)
    assert not missing, f"add these to {ts_file('zh').name}: {missing}"
    for key in wanted:
        for name in ("{count}", "{user}"):
            assert (name in key[1]) == (name in have[key]), (key, have[key])
