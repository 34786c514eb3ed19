"""审计日志 Audit log (administrators only): who saw, revealed, exported or printed which record, and who signed
in, newest first, filtered by action and date. Read-only: nothing here can change an event.

"Check integrity" verifies every laptop's chain of events (:func:`app.services.audit.check_chains`) in the
background; the district's recovery key is made or replaced here too (shown once, to be written down).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit

from app.domain.errors import DomainError
from app.domain.i18n import current_language
from app.services import access, audit, recovery
from app.services.audit import ACTION_LABELS, AuditAction, AuditLine
from app.store.db import Database
from app.ui import ops, theme
from app.ui.background import run_in_background
from app.ui.i18n import QT_TRANSLATE_NOOP
from app.ui.models.paged import Column, PagedTableModel
from app.ui.pages import REGISTRY, PageContext, PageSpec
from app.ui.pages.roster import configure_table, size_columns
from app.ui.qt import (
    QApplication,
    QCheckBox,
    QComboBox,
    QCoreApplication,
    QDialog,
    QDialogButtonBox,
    QEvent,
    QFont,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)

CONTEXT = "AuditTable"
AUDIT_COLUMNS = (
    Column("at", QT_TRANSLATE_NOOP("AuditTable", "Time"), sample="2026-11-29 08:15:00"),
    Column("user", QT_TRANSLATE_NOOP("AuditTable", "User"), sample="admin-school"),
    Column("action", QT_TRANSLATE_NOOP("AuditTable", "Action"), sample="viewed a student's file"),
    Column("target", QT_TRANSLATE_NOOP("AuditTable", "Record"), sample="0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"),
    Column("detail", QT_TRANSLATE_NOOP("AuditTable", "Detail"), stretch=True),
)
# Codes an event's detail holds, as words (others are shown as they are).
DETAILS = {
    "id_number": QT_TRANSLATE_NOOP("AuditTable", "ID number"),
    "phone": QT_TRANSLATE_NOOP("AuditTable", "household phone"),
    "disability": QT_TRANSLATE_NOOP("AuditTable", "disability details"),
    "recovery_key": QT_TRANSLATE_NOOP("AuditTable", "with the recovery key"),
    "unknown_user": QT_TRANSLATE_NOOP("AuditTable", "unknown user name"),
    "manual": QT_TRANSLATE_NOOP("AuditTable", "by hand"),
    "auto": QT_TRANSLATE_NOOP("AuditTable", "automatic"),
}


def action_label(action: str) -> str:
    try:
        zh, en = ACTION_LABELS[AuditAction(action)]
    except ValueError:
        return action
    return zh if current_language() == "zh" else en


class AuditTableModel(PagedTableModel[AuditLine]):
    """The audit log, newest first, a page at a time; read-only."""

    CONTEXT = CONTEXT

    def __init__(self, database: Database) -> None:
        super().__init__(database, AUDIT_COLUMNS)
        self.role = database.user.role if database.user is not None else None
        self.action: str | None = None
        self.since: datetime | None = None
        self.until: datetime | None = None

    def set_filter(self, action: str | None, since: datetime | None, until: datetime | None) -> None:
        self.action, self.since, self.until = action, since, until
        self.reload()

    def count(self, session: Any) -> int:
        return audit.count_events(session, role=self.role, since=self.since, until=self.until, action=self.action)

    def fetch(self, session: Any, offset: int, limit: int) -> list[AuditLine]:
        return audit.list_events(session, role=self.role, since=self.since, until=self.until, action=self.action,
                                 newest_first=True, offset=offset, limit=limit)

    def cell(self, row: AuditLine, key: str) -> Any:
        if key == "at":
            return row.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        if key == "user":
            return row.username or row.user_id or "—"
        if key == "action":
            return action_label(row.action)
        if key == "target":
            # A student is named (with the start of the id, for telling namesakes apart).
            if row.target_name:
                return f"{row.target_name} ({(row.target or '')[:8]})"
            return row.target or ""
        text = DETAILS.get(row.detail or "")
        return QCoreApplication.translate(CONTEXT, text) if text else (row.detail or "")



class RecoveryKeyDialog(QDialog):
    """Shows a new recovery key once, large, with what to do with it."""

    def __init__(self, secret: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Recovery key"))
        layout = QVBoxLayout(self)
        self.note = QLabel(self.tr(
            "Write this key down now, on paper, and give it to the district education bureau to keep in a safe "
            "place. It is shown only this once. With it, a forgotten password can be reset on this laptop "
            "(sign-in window, \"Forgot password?\"). A recovery key made before no longer works."))
        self.note.setWordWrap(True)
        self.key = QLabel(secret)
        self.key.setObjectName("recoveryKey")
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(max(self.font().pointSizeF(), 9.0) * 2.0)
        font.setBold(True)
        self.key.setFont(font)
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Not selectable: written down by hand, never copied (clipboard history would keep it).
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.key.setContentsMargins(12, 18, 12, 18)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.done_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.done_button.setText(self.tr("I have written it down"))
        buttons.accepted.connect(self.accept)
        layout.addWidget(self.note)
        layout.addWidget(self.key)
        layout.addWidget(buttons)
        self.setMinimumWidth(max(self.key.sizeHint().width() + 48, self.fontMetrics().horizontalAdvance("0") * 60))


class AuditPage(QWidget):
    def __init__(self, context: PageContext) -> None:
        super().__init__()
        self.context = context
        self.database = context.database
        # Asks yes or no; replaced in tests, where a modal question cannot be clicked.
        self.confirm: Callable[[str], bool] = self._ask
        self.key_dialog: RecoveryKeyDialog | None = None
        self.checking = False

        self.title = theme.Heading()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.action = QComboBox()
        self.action.setObjectName("auditAction")
        self.action.addItem("", "")
        for kind in AuditAction:
            self.action.addItem("", kind.value)
        self.by_date = QCheckBox()
        self.by_date.setObjectName("auditByDate")
        today = QDate.currentDate()
        self.date_from = self._date_edit("auditFrom", today.addDays(-30))
        self.date_to = self._date_edit("auditTo", today)
        self.and_label = QLabel()
        self.count_label = QLabel()
        self.count_label.setEnabled(False)  # muted

        filters = QHBoxLayout()
        self.action_label = QLabel()
        self.action_label.setBuddy(self.action)
        for widget in (self.action_label, self.action, self.by_date, self.date_from, self.and_label, self.date_to):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.count_label)

        self.model = AuditTableModel(self.database)
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        configure_table(self.table)
        self.table.setModel(self.model)

        self.check_button = QPushButton()
        self.check_button.setObjectName("checkIntegrity")
        self.check_result = QLabel()
        self.check_result.setObjectName("integrityResult")
        self.check_result.setWordWrap(True)
        self.check_error = theme.ErrorLabel()
        self.key_button = QPushButton()
        self.key_button.setObjectName("recoveryKeyButton")
        self.key_error = theme.ErrorLabel()
        actions = QHBoxLayout()
        actions.addWidget(self.check_button)
        actions.addWidget(self.check_result, 1)
        actions.addWidget(self.key_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.check_error)
        layout.addWidget(self.key_error)

        self.action.currentIndexChanged.connect(self.refresh)
        self.by_date.toggled.connect(self._date_toggled)
        self.date_from.dateChanged.connect(self.refresh)
        self.date_to.dateChanged.connect(self.refresh)
        self.check_button.clicked.connect(self.check_integrity)
        self.key_button.clicked.connect(self.make_recovery_key)
        self._enable_dates(False)
        self.retranslate()  # reads the first page too
        # Shown, the list rereads after other pages' writes (each view of a student's file is an event);
        # hidden, on_shown rereads it.
        self.changes = ops.ChangeWatch(self, ("audit_event",), self.refresh, on_show=False)

    def _date_edit(self, name: str, value: QDate) -> QDateEdit:
        edit = QDateEdit(value)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    # ------------------------------------------------------------------ the list
    def _enable_dates(self, on: bool) -> None:
        for widget in (self.date_from, self.and_label, self.date_to):
            widget.setEnabled(on)

    def _date_toggled(self, on: bool) -> None:
        self._enable_dates(on)
        self.refresh()

    def date_range(self) -> tuple[datetime | None, datetime | None]:
        """The chosen days (local time, both included) as [since, until) in UTC; (None, None) when unfiltered."""
        if not self.by_date.isChecked():
            return None, None
        first, last = self.date_from.date().toPython(), self.date_to.date().toPython()
        assert isinstance(first, date) and isinstance(last, date)
        if last < first:
            first, last = last, first

        def start(day: date) -> datetime:
            return datetime.combine(day, time.min).astimezone(UTC)  # naive: local midnight

        return start(first), start(last + timedelta(days=1))

    def refresh(self) -> None:
        since, until = self.date_range()
        self.model.set_filter(str(self.action.currentData() or "") or None, since, until)
        self.count_label.setText(self.tr("{count} event(s)").format(count=self.model.total))
        size_columns(self.table, AUDIT_COLUMNS, {"action": max((action_label(a) for a in AuditAction), key=len)})

    def on_shown(self) -> None:
        self.refresh()

    # ------------------------------------------------------------------ integrity
    def check_integrity(self) -> None:
        if self.checking:
            return
        self.checking = True
        self.check_button.setEnabled(False)
        self.check_error.setText("")
        self.check_result.setText(self.tr("Checking…"))
        database = self.database

        def work(_report: Any) -> list[audit.ChainProblem]:
            with database.read() as session:
                return audit.check_chains(session)

        run_in_background(work, receiver=self, done=self._checked, failed=self._check_failed)

    def _checked(self, problems: object) -> None:
        assert isinstance(problems, list)
        self.checking = False
        self.check_button.setEnabled(True)
        if not problems:
            self.check_result.setText(self.tr("Intact: every laptop's chain of audit events checks out."))
            return
        lines = [problem.zh if current_language() == "zh" else problem.en for problem in problems[:5]]
        if len(problems) > 5:
            lines.append(self.tr("… and {count} more").format(count=len(problems) - 5))
        self.check_result.setText("")
        self.check_error.setText("\n".join(
            [self.tr("The audit log was tampered with: {count} problem(s).").format(count=len(problems)), *lines]))

    def _check_failed(self, exc: BaseException) -> None:
        self.checking = False
        self.check_button.setEnabled(True)
        self.check_result.setText("")
        if not isinstance(exc, DomainError):
            raise exc
        self.check_error.setText(str(exc))

    # ------------------------------------------------------------------ recovery key
    def _has_recovery_key(self) -> bool:
        try:
            return recovery.has_recovery_key(self.database.data_dir)
        except (DomainError, OSError):
            return False

    def _ask(self, question: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Recovery key"), question)
        return answer == QMessageBox.StandardButton.Yes

    def make_recovery_key(self) -> None:
        self.key_error.setText("")
        if self._has_recovery_key() and not self.confirm(self.tr(
                "Replace the recovery key? The key the district keeps now stops working; give them the new one.")):
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            secret = ops.call(lambda: recovery.create_recovery_key(self.database), source=self)
        except DomainError as exc:
            self.key_error.setText(str(exc))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self._retitle_key_button()
        self.refresh()  # the creation is an audit event
        self.key_dialog = RecoveryKeyDialog(secret, self)
        self.key_dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.key_dialog.finished.connect(self._key_dialog_closed)
        self.key_dialog.open()

    def _key_dialog_closed(self, _result: int) -> None:
        if self.key_dialog is not None:
            self.key_dialog.deleteLater()
            self.key_dialog = None

    def _retitle_key_button(self) -> None:
        self.key_button.setText(self.tr("Replace the recovery key…") if self._has_recovery_key()
                                else self.tr("Create a recovery key…"))

    # ------------------------------------------------------------------ language
    def retranslate(self) -> None:
        self.title.setText(self.tr("Audit log"))
        self.intro.setText(self.tr("Who viewed or revealed a student's file, exported, printed, signed in or "
                                   "reset a password, and when; newest first. Events cannot be changed or "
                                   "deleted, and every laptop chains its own, so tampering shows."))
        self.action_label.setText(self.tr("Action"))
        self.action.setItemText(0, self.tr("All actions"))
        for index in range(1, self.action.count()):
            self.action.setItemText(index, action_label(str(self.action.itemData(index))))
        self.by_date.setText(self.tr("Only from"))
        self.and_label.setText(self.tr("to"))
        self.check_button.setText(self.tr("Check integrity"))
        self.check_button.setToolTip(self.tr("Verify that no audit event was changed or removed"))
        self._retitle_key_button()
        self.key_button.setToolTip(self.tr("The district's key for resetting a forgotten password on this laptop"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


SPEC = REGISTRY.register(PageSpec(
    key="audit", title=("Pages", QT_TRANSLATE_NOOP("Pages", "Audit log")), factory=AuditPage, order=90,
    roles=access.ADMIN_ROLES))
