"""返校核查 Return check: a class at term start; tick who came back, give the reason for each who did not.

Saving records every student's check; the other button also opens a dropout case for each non-returner.
Both run in a worker, in one transaction (all or nothing), with a progress dialog for big classes. A teacher
who does not cover every student of the class is refused the whole check: every such row is marked with the
reason, and the ticks and reasons stay as typed.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import DropoutReason, Term
from app.domain.errors import DomainError
from app.services import class_checks, listing, visit_lists
from app.services.access import NotCovered
from app.services.class_checks import CheckEntry, ClassCheckResult
from app.services.common import as_date
from app.store.errors import StoreError
from app.ui.background import run_in_background
from app.ui.i18n import QT_TRANSLATE_NOOP
from app.ui.models.record_lists import ClassCheckModel, ClassKey
from app.ui.pages import REGISTRY, PageContext, PageSpec
from app.ui.widgets.fields import (
    INVALID_STYLE,
    ErrorLabel,
    code_combo,
    combo_value,
    date_edit,
    fill_class_combo,
    set_combo_value,
)
from app.ui.worker import Cancelled, Report, Task

# Below this many students the work is over before a progress dialog could be read.
PROGRESS_FROM = 30


class ReasonDelegate(QStyledItemDelegate):
    """The reason column is edited with a combo of the dropout reasons."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        editor = code_combo(DropoutReason.choices(), blank="")
        editor.setParent(parent)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            set_combo_value(editor, str(index.data(Qt.ItemDataRole.EditRole) or ""))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,
                     index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, combo_value(editor), Qt.ItemDataRole.EditRole)


class ReturnCheckPage(QWidget):
    """Choose school, class and term; tick the returners; save, or save and open cases for the others."""

    finished = Signal(object)  # ClassCheckResult, or the error

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.database = context.database
        self.task: Task | None = None
        self.progress: QProgressDialog | None = None
        title = QLabel(self.tr("Return check at term start"))
        title.setStyleSheet("font-size: 18px; font-weight: bold")
        self.school_combo = QComboBox()
        self.school_combo.setMinimumContentsLength(14)
        self.class_combo = QComboBox()
        self.class_combo.setMinimumContentsLength(8)
        self.term_combo = code_combo(Term.choices())
        today = date.today()
        set_combo_value(self.term_combo, visit_lists.default_term(today).value)
        self.date_edit = date_edit(today)
        self.date_edit.setMaximumWidth(130)
        with self.database.read() as session:
            schools = listing.school_choices(session)
        self.school_combo.addItem(self.tr("(choose a school)"), "")
        for school_id, name in schools:
            self.school_combo.addItem(name, school_id)
        self.school_combo.currentIndexChanged.connect(self._school_changed)
        self.class_combo.currentIndexChanged.connect(self.load_class)
        self.term_combo.currentIndexChanged.connect(self.load_class)
        self.date_edit.editingFinished.connect(self.load_class)

        choose = QHBoxLayout()
        for label, widget in ((self.tr("School"), self.school_combo), (self.tr("Class"), self.class_combo),
                              (self.tr("Term"), self.term_combo), (self.tr("Check date"), self.date_edit)):
            choose.addWidget(QLabel(label))
            choose.addWidget(widget)
        choose.addStretch(1)

        self.model = ClassCheckModel(self.database)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(ClassCheckModel.REASON, ReasonDelegate(self.table))
        triggers = QAbstractItemView.EditTrigger
        self.table.setEditTriggers(triggers.DoubleClicked | triggers.SelectedClicked | triggers.EditKeyPressed
                                   | triggers.AnyKeyPressed)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.model.dataChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)

        self.all_button = QPushButton(self.tr("Mark everyone as back"))
        self.save_button = QPushButton(self.tr("Save the check"))
        self.cases_button = QPushButton()
        self.all_button.clicked.connect(self.model.mark_all_returned)
        self.save_button.clicked.connect(lambda: self.submit(open_cases=False))
        self.cases_button.clicked.connect(lambda: self.submit(open_cases=True))
        buttons = QHBoxLayout()
        buttons.addWidget(self.all_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cases_button)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.error = ErrorLabel()
        hint = QLabel(self.tr("Tick each student who came back. For each who did not, choose the reason "
                              "(double-click the cell) and add details if you know them."))
        hint.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(title)
        layout.addLayout(choose)
        layout.addWidget(hint)
        layout.addWidget(self.table)
        layout.addWidget(self.error)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self._update_buttons()

    # ------------------------------------------------------------------ choosing the class
    def _school_changed(self) -> None:
        fill_class_combo(self.class_combo, self.database, combo_value(self.school_combo))
        self.load_class()

    def choose(self, school_id: str, grade: int, class_name: str) -> None:
        """Select a school and class (as the combos would)."""
        set_combo_value(self.school_combo, school_id)
        for index in range(self.class_combo.count()):
            if self.class_combo.itemData(index) == [grade, class_name]:
                self.class_combo.setCurrentIndex(index)
        self.load_class()

    def _key(self) -> ClassKey | None:
        school_id = combo_value(self.school_combo)
        chosen = self.class_combo.currentData()
        if not school_id or not chosen:
            return None
        try:
            checked_on = as_date(self.date_edit.text(), "checked_on", "核查日期", "Check date")
        except DomainError as exc:
            self.date_edit.setStyleSheet(INVALID_STYLE)
            self.error.show_message(str(exc))
            return None
        self.date_edit.setStyleSheet("")
        return ClassKey(school_id, int(chosen[0]), str(chosen[1]), checked_on, Term(combo_value(self.term_combo)))

    def load_class(self) -> None:
        self.error.show_message(None)
        self.summary.setText("")
        try:
            self.model.set_class(self._key())
        except (DomainError, StoreError) as exc:
            self.error.show_message(str(exc))
        self.table.resizeColumnsToContents()
        # Room for the longest reason and a few words of detail before anything is filled in.
        for column, width in ((ClassCheckModel.RETURNED, 70), (ClassCheckModel.REASON, 240),
                              (ClassCheckModel.DETAIL, 220)):
            self.table.setColumnWidth(column, max(width, self.table.columnWidth(column)))

    def _update_buttons(self) -> None:
        rows = self.model.rows
        missing = sum(1 for r in rows if not r.returned and not r.has_open_case)  # those who would get a case
        self.cases_button.setText(self.tr("Save and open cases for {count} not back").format(count=missing))
        has_class = self.model.key is not None and bool(rows)
        running = self.task is not None
        self.save_button.setEnabled(has_class and not running)
        self.all_button.setEnabled(has_class and not running)
        self.cases_button.setEnabled(has_class and missing > 0 and not running)

    # ------------------------------------------------------------------ saving
    def entries(self) -> list[CheckEntry]:
        return [CheckEntry(r.student_id, bool(r.returned), r.reason, r.detail or None)
                for r in self.model.all_rows()]

    def submit(self, *, open_cases: bool) -> Task | None:
        key = self.model.key
        if key is None or self.task is not None:
            return None
        entries = self.entries()
        database = self.database

        def work(report: Report) -> ClassCheckResult:
            with database.write() as session:
                return class_checks.record_class_check(session, entries, checked_on=key.checked_on, term=key.term,
                                                       open_cases=open_cases, progress=report)

        self.error.show_message(None)
        self.model.set_errors({})
        task = run_in_background(work, receiver=self, done=self._succeeded, failed=self._failed)
        if len(entries) >= PROGRESS_FROM:
            self.progress = QProgressDialog(self.tr("Recording the return check…"), self.tr("Cancel"), 0, 100,
                                            self)
            self.progress.setWindowModality(Qt.WindowModality.WindowModal)
            self.progress.setMinimumDuration(400)
            # A method of this page, not the task's slot: that would be queued to the busy worker thread.
            self.progress.canceled.connect(self._cancel)
            task.progressed.connect(self._progressed)  # a bound method: it must run on the UI thread
        self.task = task
        self._update_buttons()
        return task

    def _progressed(self, _stage: str, fraction: float) -> None:
        if self.progress is not None:
            self.progress.setValue(int(fraction * 100))

    def _cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _done(self) -> None:
        if self.progress is not None:
            self.progress.reset()
            self.progress.deleteLater()
            self.progress = None
        self.task = None

    def _succeeded(self, result: ClassCheckResult) -> None:
        self._done()
        text = self.tr("Recorded {count} check(s).").format(count=result.recorded)
        if result.opened_case_ids:
            text += " " + self.tr("Opened {count} dropout case(s).").format(count=len(result.opened_case_ids))
        if result.already_open:
            text += " " + self.tr("{count} already had an open case, which goes on.").format(
                count=result.already_open)
        self.load_class()
        self.summary.setText(text)
        self.finished.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._done()
        if isinstance(exc, Cancelled):
            self.error.show_message(self.tr("Cancelled; nothing was recorded."))
        elif isinstance(exc, DomainError):
            self.error.show_message(str(exc))
            if isinstance(exc, NotCovered) and exc.student_ids:
                self.model.set_errors(dict.fromkeys(exc.student_ids, str(exc)))
            elif exc.field:
                self.model.set_errors({exc.field: str(exc)})
        elif isinstance(exc, StoreError):
            self.error.show_message(str(exc))
        else:
            self.error.show_message(repr(exc))
        self._update_buttons()
        self.finished.emit(exc)

    def show_record(self, kind: str, record_id: str) -> None:
        """Nothing to show by id: a return check is chosen by class."""


REGISTRY.register(PageSpec(
    key="return_check", title=("Pages", QT_TRANSLATE_NOOP("Pages", "Return check")),
    factory=lambda context: ReturnCheckPage(context), order=45))
