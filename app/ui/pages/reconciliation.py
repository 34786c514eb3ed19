"""对账 Reconciliation: a list from the student registry, the poverty system or the disability federation against
the records (账实相符), line by line; each line accepted (the change goes through the services) or dismissed with
its reason (kept, so the next check shows it as settled).

Reading the list and applying lines run in the background; applying is one transaction per click. Accepting a
line changes the registry (a transfer, a child added), which is administrators' work, so only they see the page.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import DomainError
from app.domain.i18n import current_language
from app.services.access import ADMIN_ROLES
from app.store.db import Database
from app.store.errors import translate
from app.ui.background import run_in_background
from app.ui.i18n import QT_TRANSLATE_NOOP
from app.ui.models.paged import Column, ListTableModel
from app.ui.pages import REGISTRY, Navigator, PageContext, PageSpec
from app.ui.widgets.fields import ERROR_STYLE, line_edit
from app.ui.worker import Report

COLUMNS = [
    Column("key", QT_TRANSLATE_NOOP("Columns", "Key")),
    Column("row", QT_TRANSLATE_NOOP("Columns", "Row"), align_right=True),
    Column("issue", QT_TRANSLATE_NOOP("Columns", "Mismatch")),
    Column("name", QT_TRANSLATE_NOOP("Columns", "Name")),
    Column("id", QT_TRANSLATE_NOOP("Columns", "ID number")),
    Column("school", QT_TRANSLATE_NOOP("Columns", "School")),
    Column("ours", QT_TRANSLATE_NOOP("Columns", "Our record")),
    Column("theirs", QT_TRANSLATE_NOOP("Columns", "The list")),
    Column("detail", QT_TRANSLATE_NOOP("Columns", "Details")),
    Column("state", QT_TRANSLATE_NOOP("Columns", "Settled"), stretch=True),
]


class ReconciliationPage(QWidget):
    def __init__(self, database: Database, navigator: Navigator | None = None, parent: QWidget | None = None,
                 *, today: date | None = None) -> None:
        super().__init__(parent)
        from app.services.listing import school_choices
        from app.services.reconciliation import ListKind

        self.database = database
        self.navigator = navigator
        self.today = today
        self.loading = False
        self.result: Any = None
        self.shown_keys: list[str] = []
        title = QLabel(self.tr("Reconcile with another system's list"))
        title.setStyleSheet("font-size: 20px; font-weight: bold")
        intro = QLabel(self.tr("Compare a list from the student registry, the poverty system or the disability "
                               "federation with the records. Accept a line to apply it, or dismiss it with the "
                               "reason; dismissed lines stay settled the next time."))
        intro.setWordWrap(True)
        self.file = line_edit(placeholder=self.tr("the list file (.xlsx, .xls or .csv)"))
        browse = QPushButton(self.tr("Choose file…"))
        browse.clicked.connect(self.browse)
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Recognise from the columns"), "")
        for kind in ListKind:
            self.kind.addItem(kind.label(), kind.value)
        self.check_button = QPushButton(self.tr("Check the list"))
        self.check_button.clicked.connect(self.check)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(browse)
        row.addWidget(self.kind)
        row.addWidget(self.check_button)
        row.addWidget(self.progress)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.model = ListTableModel(COLUMNS)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.show_settled = QCheckBox(self.tr("Show settled lines"))
        self.show_settled.toggled.connect(lambda _: self._show())
        self.school = QComboBox()
        self.school.addItem(self.tr("(the school the list names)"), "")
        with database.read() as session:
            for school_id, name in school_choices(session):
                self.school.addItem(name, school_id)
        self.reason = line_edit(placeholder=self.tr("why the selected lines are dismissed"))
        self.accept_button = QPushButton(self.tr("Accept selected"))
        self.accept_button.clicked.connect(self.accept_selected)
        self.dismiss_button = QPushButton(self.tr("Dismiss selected"))
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        actions = QHBoxLayout()
        actions.addWidget(QLabel(self.tr("School for children added")))
        actions.addWidget(self.school)
        actions.addWidget(self.accept_button)
        actions.addSpacing(16)
        actions.addWidget(self.reason, 1)
        actions.addWidget(self.dismiss_button)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.summary)
        layout.addWidget(self.show_settled)
        layout.addWidget(self.view, 1)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        self._busy(False)

    def _today(self) -> date:
        return self.today or date.today()

    def browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, self.tr("Choose the list"), self.file.text(),
                                                self.tr("Spreadsheets (*.xlsx *.xls *.csv)"))
        if chosen:
            self.file.setText(chosen)

    def _busy(self, busy: bool) -> None:
        self.loading = busy
        self.progress.setVisible(busy)
        self.check_button.setEnabled(not busy)
        has_lines = self.result is not None and not busy
        self.accept_button.setEnabled(has_lines)
        self.dismiss_button.setEnabled(has_lines)

    def _failed(self, exc: BaseException) -> None:
        from app.ui.worker import Cancelled

        self._busy(False)
        if isinstance(exc, Cancelled):
            self.error.setText(self.tr("Cancelled."))
        elif isinstance(exc, DomainError):
            self.error.setText(str(exc))
        elif isinstance(exc, OSError):
            self.error.setText(str(translate(exc)))
        else:
            raise exc

    def check(self) -> None:
        """Read the list and compare it with the records; nothing is written."""
        from app.services.reconciliation import reconcile

        text = self.file.text().strip()
        if not text:
            self.error.setText(self.tr("Choose the file first."))
            return
        path, kind, today = Path(text), str(self.kind.currentData()) or None, self._today()
        self.error.setText("")
        self.status.setText("")
        self._busy(True)

        def work(report: Report) -> Any:
            with self.database.read() as session:
                return reconcile(session, path, kind, today=today,
                                 progress=lambda rows: report("rows", float(rows)))

        run_in_background(work, receiver=self, done=self._checked, failed=self._failed)

    def _checked(self, result: Any) -> None:
        self.result = result
        self._busy(False)
        self._show()

    def _show(self) -> None:
        if self.result is None:
            self.model.set_rows([])
            return
        lang = current_language()
        lines = self.result.lines if self.show_settled.isChecked() else self.result.open_lines
        self.shown_keys = [line.key for line in lines]

        def state(line: Any) -> str:
            if line.dismissed is not None:
                return self.tr("Dismissed: %1").replace("%1", line.dismissed.reason)
            if line.accepted is not None:
                return str(line.accepted)
            return ""

        self.model.set_rows([[line.key, line.row, line.issue.label(lang), line.name, line.id_shown,
                              line.school_name, line.ours, line.theirs, line.detail(lang), state(line)]
                             for line in lines], self.shown_keys)
        self.summary.setText(self.result.summary(lang))

    def _selected_keys(self) -> list[str]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [self.shown_keys[row] for row in rows if row < len(self.shown_keys)]

    def accept_selected(self) -> None:
        from app.services.reconciliation import accept_line

        keys = self._selected_keys()
        if self.result is None or not keys:
            self.error.setText(self.tr("Select the lines first."))
            return
        result, school, today = self.result, str(self.school.currentData()) or None, self._today()
        self.error.setText("")
        self._busy(True)

        def work(_report: Report) -> list[str]:
            with self.database.write() as session:
                return [accept_line(session, result, key, school_id=school, today=today) for key in keys]

        run_in_background(work, receiver=self, done=self._applied, failed=self._apply_failed)

    def dismiss_selected(self) -> None:
        from app.services.reconciliation import dismiss_line

        keys = self._selected_keys()
        if self.result is None or not keys:
            self.error.setText(self.tr("Select the lines first."))
            return
        reason = self.reason.text().strip()
        if not reason:
            self.error.setText(self.tr("Write why the lines are dismissed."))
            return
        result, today = self.result, self._today()
        self.error.setText("")
        self._busy(True)

        def work(_report: Report) -> list[str]:
            with self.database.write() as session:
                for key in keys:
                    dismiss_line(session, result, key, reason, today=today)
            return []

        run_in_background(work, receiver=self, done=self._applied, failed=self._apply_failed)

    def _applied(self, messages: list[str]) -> None:
        self._busy(False)
        self.reason.setText("")
        self.status.setText("\n".join(messages) or self.tr("Dismissed."))
        self._show()

    def _apply_failed(self, exc: BaseException) -> None:
        # The transaction was rolled back: read the list again so no line shows as settled when it is not.
        self._failed(exc)
        message = self.error.text()
        self.check()
        self.error.setText(message)


REGISTRY.register(PageSpec(
    key="reconciliation", title=("Pages", QT_TRANSLATE_NOOP("Pages", "Reconciliation")), order=75,
    factory=lambda context: _page(context), roles=ADMIN_ROLES))


def _page(context: PageContext) -> ReconciliationPage:
    return ReconciliationPage(context.database, context.navigator)
