"""导入 Import: a roster from the student registry, or the poverty or disability systems' lists.

Check first (nothing written: what would be added, changed and rejected, row by row with the file's own row
numbers), then import. Reading a large file and writing it run in the background with progress and cancel;
the import is one transaction, so a cancel or an error leaves nothing half imported.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import DomainError
from app.domain.i18n import current_language
from app.services.access import ADMIN_ROLES
from app.store.db import Database
from app.store.errors import translate
from app.ui.pages import REGISTRY, Navigator, PageSpec
from app.ui.worker import Cancelled, Task

SHOWN_ROWS = 500  # the report file lists every row; the page shows the first ones


class ImportPage(QWidget):
    def __init__(self, database: Database, navigator: Navigator | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.navigator = navigator
        self.task: Task | None = None
        self._stop = threading.Event()
        title = QLabel(self.tr("Import a roster"))
        title.setStyleSheet("font-size: 20px; font-weight: bold")
        intro = QLabel(self.tr("Import the student registry's export (.xlsx, .xls or .csv), or the poverty or "
                               "disability systems' lists. Students already here are updated, not duplicated."))
        intro.setWordWrap(True)
        self.file = QLineEdit()
        self.file.setPlaceholderText(self.tr("the file exported from the registry"))
        browse = QPushButton(self.tr("Choose file…"))
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(browse)
        self.skip_invalid = QCheckBox(self.tr("Import the valid rows even if some rows have errors"))
        self.check_button = QPushButton(self.tr("Check the file"))
        self.check_button.clicked.connect(lambda: self.start(apply=False))
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.clicked.connect(lambda: self.start(apply=True))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        buttons = QHBoxLayout()
        for button in (self.check_button, self.import_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addWidget(self.progress, 1)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e")
        self.rows = QListWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.skip_invalid)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.summary)
        layout.addWidget(self.rows, 1)

    def browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, self.tr("Choose the roster file"), self.file.text(),
                                                self.tr("Spreadsheets (*.xlsx *.xls *.csv)"))
        if chosen:
            self.file.setText(chosen)

    def start(self, *, apply: bool) -> None:
        from app.services.importing import apply_import, plan_import

        text = self.file.text().strip()
        if not text:
            self.error.setText(self.tr("Choose the file first."))
            return
        path = Path(text)
        skip_invalid = self.skip_invalid.isChecked()
        self._stop.clear()
        self.error.setText("")
        self.summary.setText("")
        self.rows.clear()
        self._busy(True)

        def work(report: Any) -> tuple[bool, Any]:
            def progress(rows: int) -> None:
                report("rows", float(rows))

            def cancelled() -> bool:
                return self._stop.is_set()

            if not apply:
                with self.database.read() as session:
                    return False, plan_import(session, path, today=date.today(), progress=progress,
                                              cancelled=cancelled)
            with self.database.write() as session:
                plan = plan_import(session, path, today=date.today(), progress=progress, cancelled=cancelled)
                return True, apply_import(session, plan, skip_invalid=skip_invalid, cancelled=cancelled)

        self.task = Task(work, source=self)
        self.task.progressed.connect(self._progressed)
        self.task.succeeded.connect(self._done)
        self.task.failed.connect(self._failed)
        self.task.start()

    def cancel(self) -> None:
        self._stop.set()
        if self.task is not None:
            self.task.cancel()

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.check_button.setEnabled(not busy)
        self.import_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)

    def _progressed(self, stage: str, rows: float) -> None:
        self.progress.setFormat(self.tr("%1 rows read").replace("%1", str(int(rows))))

    def _show_rows(self, lines: list[str], total: int = 0) -> None:
        # A plan keeps only the first rows of each kind; ``total`` is how many lines there are in all.
        total = max(total, len(lines))
        self.rows.addItems(lines[:SHOWN_ROWS])
        if total > SHOWN_ROWS:
            self.rows.addItem(self.tr("… and %1 more: see the report file").replace("%1", str(total - SHOWN_ROWS)))

    def _done(self, outcome: tuple[bool, Any]) -> None:
        from app.services.importing import describe_error, write_report

        self._busy(False)
        applied, value = outcome
        lang = current_language()
        plan = value.plan if applied else value
        counts = plan.counts
        self.summary.setText(value.summary(lang))
        lines = [describe_error(error, lang) for error in (value.skipped if applied else plan.rejected)]
        total = counts.errors if lines else 0
        if not applied:
            lines = [f"+ {a.name}" for a in plan.to_add] + \
                [f"~ {c.name}: {c.describe(lang)}" for c in plan.to_change] + lines
            total += counts.to_add + counts.to_change
        lines += [describe_error(note, lang) for note in plan.notes]
        self._show_rows(lines, total + counts.notes)
        try:
            written = write_report(value)
            self.summary.setText(self.summary.text() + "\n" + self.tr("Report: %1").replace("%1", str(written)))
        except DomainError as exc:
            self.error.setText(str(exc))

    def _failed(self, exc: BaseException) -> None:
        from app.services.importing import ImportRejected, describe_error

        self._busy(False)
        if isinstance(exc, Cancelled):
            self.error.setText(self.tr("Cancelled; nothing was imported."))
        elif isinstance(exc, ImportRejected):
            self.error.setText(str(exc))
            lang = current_language()
            self._show_rows([describe_error(error, lang) for error in exc.errors], exc.count)
        elif isinstance(exc, DomainError):
            self.error.setText(str(exc))
        elif isinstance(exc, OSError):
            self.error.setText(str(translate(exc)))
        else:
            raise exc


REGISTRY.register(PageSpec(
    key="import", title=("ImportPage", "Import"), order=70,
    factory=lambda context: ImportPage(context.database, context.navigator),
    roles=ADMIN_ROLES))  # only an administrator imports (the service refuses a teacher too)
