"""学生 Roster: every student of the district in one table, searched as you type and filtered; a student's file.

The table is a window on the query (see :mod:`app.ui.models.paged`), so the whole district scrolls smoothly.
Each keystroke runs the search at once: it is an index range scan of a few milliseconds (see
``bench/search.py``), quicker than a debounce delay would be.

An administrator names who covers every student the list shows at once ("Assign who covers…": 包班, the head
teacher of a class), for one school's students and at most :data:`MAX_ASSIGNED` of them, in the background.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.domain.codes import ResponsibilityRole, Sex, StudentStatus
from app.domain.errors import DomainError
from app.domain.names import normalize_name
from app.services import access, listing, responsibility
from app.services.listing import StudentFilter
from app.ui import ops, theme
from app.ui.i18n import QT_TRANSLATE_NOOP
from app.ui.models.paged import ID_ROLE, Column
from app.ui.models.students import STUDENT_COLUMNS, StudentTableModel
from app.ui.pages import REGISTRY, PageContext, PageSpec
from app.ui.pages.student import StudentView
from app.ui.qt import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCoreApplication,
    QEvent,
    QHBoxLayout,
    QHeaderView,
    QKeyEvent,
    QKeySequence,
    QLabel,
    QLineEdit,
    QModelIndex,
    QObject,
    QPushButton,
    QShortcut,
    QStackedWidget,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from app.ui.widgets.coverage import CoverageDialog
from app.ui.worker import Report

#: The most students "Assign who covers…" names at once: a class, a grade of a large school; not a district
#: by mistake.
MAX_ASSIGNED = 500
#: What the student list shows (students, their school, household and place, who covers them, key targets).
ROSTER_TABLES = ("student", "school", "household", "village", "hamlet", "township", "responsibility", "key_target")


def configure_table(view: QTableView) -> None:
    """Settings every long list shares: whole-row selection, fixed row heights (no per-row measuring
    across 100,000 rows), no row numbers."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setHighlightSections(False)


def size_columns(view: QTableView, columns: Sequence[Column], samples: Mapping[str, str] | None = None) -> None:
    """Column widths from each column's sample text (``samples`` overrides, in the current language) and
    title, in the view's own font (so they follow the screen's DPI and the language); never from the rows:
    measuring 100,000 rows is what makes long lists slow."""
    metrics = view.fontMetrics()
    header = view.horizontalHeader()
    # A stretching column takes what is left; the last one keeps its width then.
    header.setStretchLastSection(not any(column.stretch for column in columns))
    padding = metrics.horizontalAdvance("0") * 3
    for index, column in enumerate(columns):
        if column.stretch:
            header.setSectionResizeMode(index, QHeaderView.ResizeMode.Stretch)
            continue
        title = QCoreApplication.translate("Columns", column.title)
        sample = (samples or {}).get(column.key, column.sample)
        width = max(metrics.horizontalAdvance(title), metrics.horizontalAdvance(sample)) + padding
        header.setSectionResizeMode(index, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(index, width)


class RosterPage(QWidget):
    def __init__(self, context: PageContext) -> None:
        super().__init__()
        self.context = context
        self.database = context.database
        self.stack = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        panel = QWidget()
        layout = QVBoxLayout(panel)
        top = QHBoxLayout()
        self.title = theme.Heading()
        self.search = QLineEdit()
        self.search.setObjectName("rosterSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(360)
        self.count_label = QLabel()
        top.addWidget(self.title)
        top.addSpacing(12)
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        layout.addLayout(top)

        filters = QHBoxLayout()
        self.school = QComboBox()
        self.school.setMinimumContentsLength(14)
        self.school.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.grade = QComboBox()
        self.class_name = QComboBox()
        self.status = QComboBox()
        self.key_target = QCheckBox()
        self.registered_poor = QCheckBox()
        self.left_behind = QCheckBox()
        self.disability = QCheckBox()
        self.clear_button = QPushButton()
        self.assign_button = QPushButton()
        self.assign_button.setObjectName("assignCoverage")
        self.assign_button.setVisible(self._is_admin())
        for widget in (self.school, self.grade, self.class_name, self.status, self.key_target,
                       self.registered_poor, self.left_behind, self.disability):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.clear_button)
        filters.addWidget(self.assign_button)
        layout.addLayout(filters)
        self.assign_error = theme.ErrorLabel()
        self.assign_error.setObjectName("assignError")
        self.assign_status = QLabel()
        self.assign_status.setObjectName("assignStatus")
        self.assign_status.setWordWrap(True)
        self.assign_status.hide()
        layout.addWidget(self.assign_error)
        layout.addWidget(self.assign_status)
        self.assign_dialog: CoverageDialog | None = None

        self.model = StudentTableModel(self.database)
        self.table = QTableView()
        self.table.setObjectName("rosterTable")
        configure_table(self.table)
        self.table.setModel(self.model)
        layout.addWidget(self.table, 1)
        self.hint = QLabel()
        self.hint.setEnabled(False)  # the palette's muted text colour, in light and dark mode
        layout.addWidget(self.hint)
        self.stack.addWidget(panel)
        self.list_panel = panel

        self.student_view = StudentView(context)
        self.stack.addWidget(self.student_view)
        self.student_view.back_requested.connect(self.show_list)

        self._filling = False
        self._fill_choices()
        self.retranslate()
        # Shown, the list rereads in place after other pages' and tasks' writes; hidden, on_shown rereads it.
        self.changes = ops.ChangeWatch(self, ROSTER_TABLES, self._reread_list, on_show=False)
        self.search.textChanged.connect(self._apply)
        self.search.installEventFilter(self)
        # The class list depends on school and grade: refill it before the filter is applied.
        self.school.currentIndexChanged.connect(self._school_changed)
        self.grade.currentIndexChanged.connect(self._school_changed)
        for combo in (self.school, self.grade, self.class_name, self.status):
            combo.currentIndexChanged.connect(self._apply)
        for box in (self.key_target, self.registered_poor, self.left_behind, self.disability):
            box.toggled.connect(self._apply)
        self.clear_button.clicked.connect(self.clear_filters)
        self.assign_button.clicked.connect(lambda: self.assign_coverage())
        self.table.activated.connect(self._activated)
        QShortcut(QKeySequence("Ctrl+Shift+F"), self, self.clear_filters,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._apply()

    # ------------------------------------------------------------------ filters
    def _fill_choices(self) -> None:
        self._filling = True
        with self.database.read() as session:
            schools = listing.school_choices(session, by_township=True)
        self.school.clear()
        self.school.addItem("", None)
        for school_id, name in schools:
            self.school.addItem(name, school_id)
        self.grade.clear()
        self.grade.addItem("", None)
        for grade in range(1, 10):
            self.grade.addItem("", grade)
        self.status.clear()
        self.status.addItem("", None)
        for status in StudentStatus:
            self.status.addItem(status.label(), status.value)
        self.class_name.clear()
        self.class_name.addItem("", None)
        self.class_name.setEnabled(False)
        self._filling = False

    def _school_changed(self) -> None:
        if self._filling:
            return
        school_id = self.school.currentData()
        self._filling = True
        self.class_name.clear()
        self.class_name.addItem(self.tr("All classes"), None)
        if school_id:
            with self.database.read() as session:
                classes = listing.class_choices(session, school_id, self.grade.currentData())
            # The filter is by class name: 2班 of every grade when no grade is chosen.
            for name in sorted({name for _grade, name in classes}, key=listing.natural_order):
                self.class_name.addItem(name, name)
        self.class_name.setEnabled(bool(school_id))
        self._filling = False

    def current_filter(self) -> StudentFilter:
        return StudentFilter(
            text=self.search.text(), school_id=self.school.currentData(), grade=self.grade.currentData(),
            class_name=self.class_name.currentData(), status=self.status.currentData(),
            key_target=self.key_target.isChecked(), registered_poor=self.registered_poor.isChecked(),
            left_behind=self.left_behind.isChecked(), disability=self.disability.isChecked())

    def _apply(self) -> None:
        if self._filling:
            return
        flt = self.current_filter()
        if flt == self.model.filter and self.model.total:
            return
        self.model.set_filter(flt)
        self._show_assign_message()  # a message about the students listed before
        self._update_count()
        if self.model.total:
            self.table.scrollToTop()

    def clear_filters(self) -> None:
        self._filling = True
        for combo in (self.school, self.grade, self.status):
            combo.setCurrentIndex(0)
        for box in (self.key_target, self.registered_poor, self.left_behind, self.disability):
            box.setChecked(False)
        self._filling = False
        self._school_changed()
        self._apply()

    def _update_count(self) -> None:
        self.count_label.setText(self.tr("{count} students").format(count=self.model.total))
        if self.model.total == 0 and self.model.filter != StudentFilter():
            self.hint.setText(self.tr("No student matches. Check the spelling, or clear the filters "
                                      "(Ctrl+Shift+F)."))
        else:
            self.hint.setText(self.tr("Enter or double-click opens a student · Ctrl+F search · Ctrl+Shift+F clear "
                                      "filters · Esc back to the list"))

    # ------------------------------------------------------------------ who covers the students listed
    def _is_admin(self) -> bool:
        user = self.database.user
        return user is not None and user.role in access.ADMIN_ROLES

    def _show_assign_message(self, error: str = "", status: str = "") -> None:
        self.assign_error.setText(error)
        self.assign_status.setText(status)
        self.assign_status.setVisible(bool(status))

    def _listed(self) -> str:
        """The list's filters in words: "石埠小学 · 4 年级 · 2班 · and the other filters"."""
        parts = [combo.currentText() for combo in (self.school, self.grade, self.class_name)
                 if combo.currentData() is not None]
        flt = self.current_filter()
        if flt.text.strip() or flt.status or any((flt.key_target, flt.registered_poor, flt.left_behind,
                                                  flt.disability)):
            parts.append(self.tr("the search and the other filters"))
        return " · ".join(parts)

    def assign_coverage(self) -> CoverageDialog | None:
        """Name who covers every student the list shows (administrators): refused without a school filter or
        with more than :data:`MAX_ASSIGNED` students listed; else the dialog, whose work runs in the background."""
        if not self._is_admin():
            return None
        self._show_assign_message()
        flt = self.current_filter()
        total = self.model.total
        if not flt.school_id:
            self._show_assign_message(self.tr(
                "Choose a school first (and usually a grade and a class): who covers is named for the students the "
                "list shows."))
            return None
        if total == 0:
            self._show_assign_message(self.tr("No student is listed: there is no one to name a person for."))
            return None
        if total > MAX_ASSIGNED:
            self._show_assign_message(self.tr(
                "The list shows {count} students; who covers can be named for at most {limit} at a time. Choose a "
                "grade and a class.").format(count=total, limit=MAX_ASSIGNED))
            return None

        def start(values: dict[str, Any]) -> Any:
            def work(_report: Report) -> tuple[int, str, str] | None:
                with self.database.write() as session:
                    # The students listed now, in this transaction (a sync may have changed the class meanwhile).
                    rows = listing.student_page(session, flt, 0, MAX_ASSIGNED + 1)
                    if len(rows) > MAX_ASSIGNED:
                        return None
                    count = responsibility.assign_many(
                        session, [row.id for row in rows], values["role"], values["person_name"],
                        unit=values["unit"] or None, phone=values["phone"] or None)
                    return count, normalize_name(values["person_name"]), values["role"]

            return work

        dialog = CoverageDialog(
            self.tr("Assign who covers {count} students").format(count=total), self.tr("Assign"), start, self,
            role=ResponsibilityRole.CLASS_TEACHER.value, background=True,
            note=self.tr("The person is named for each of the {count} students the list shows ({listed}); on each "
                         "of them an earlier holder of the same role is replaced.").format(
                count=total, listed=self._listed()))
        if self.assign_dialog is not None:
            self.assign_dialog.close()
        self.assign_dialog = dialog
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.submitted.connect(self._assigned)
        dialog.finished.connect(lambda _result, d=dialog: self._assign_dialog_closed(d))
        dialog.open()
        return dialog

    def _assign_dialog_closed(self, dialog: CoverageDialog) -> None:
        if self.assign_dialog is dialog:
            self.assign_dialog = None
        dialog.deleteLater()

    def _assigned(self, result: tuple[int, str, str] | None) -> None:
        if result is None:
            self._show_assign_message(self.tr(
                "Nothing was changed: the list now shows more than {limit} students.").format(limit=MAX_ASSIGNED))
            return
        count, person, role = result
        self._show_assign_message(status=self.tr("{person} now covers {count} students ({role}).").format(
            person=person, count=count, role=ResponsibilityRole(role).label()))

    # ------------------------------------------------------------------ navigation
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # Down arrow or Enter in the search box: on to the results, as in a search field of any browser.
        if (watched is self.search and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.model.total):
            self.table.setFocus()
            self.table.setCurrentIndex(self.model.index(0, 0))
            # Enter on a search with one match opens it (typing a full ID number, then Enter).
            if event.key() != Qt.Key.Key_Down and self.model.total == 1:
                self._activated(self.model.index(0, 0))
            return True
        return super().eventFilter(watched, event)

    def _activated(self, index: QModelIndex) -> None:
        student_id = self.model.data(index, ID_ROLE)
        if student_id:
            self.open_student(str(student_id))

    def open_student(self, student_id: str) -> None:
        try:
            self.student_view.load(student_id)
        except DomainError as exc:  # deleted meanwhile (another laptop's change arrived by sync)
            self.show_list()
            self.hint.setText(str(exc))
            return
        self.stack.setCurrentWidget(self.student_view)
        self.student_view.setFocus()

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.list_panel)
        self.table.setFocus()

    def show_record(self, kind: str, record_id: str) -> None:
        if kind == "student":
            self.open_student(record_id)

    def focus_search(self) -> None:
        self.show_list()
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self) -> None:
        self.model.refresh()
        self._update_count()
        if self.stack.currentWidget() is self.student_view and self.student_view.student_id:
            self.student_view.load(self.student_view.student_id)

    def on_shown(self) -> None:
        self.refresh()

    def _reread_list(self) -> None:
        """The list and its count again; an open student's file is not reread (that is an audited view)."""
        self.model.refresh()
        self._update_count()

    # ------------------------------------------------------------------ language
    def retranslate(self) -> None:
        self.title.setText(self.tr("Students"))
        self.search.setPlaceholderText(self.tr("Search: name, pinyin initials (wxm), ID number or student number"))
        self.school.setItemText(0, self.tr("All schools"))
        self.grade.setItemText(0, self.tr("All grades"))
        for grade in range(1, 10):
            self.grade.setItemText(grade, self.tr("Grade {n}").format(n=grade))
        self.status.setItemText(0, self.tr("All statuses"))
        for row, status in enumerate(StudentStatus, start=1):
            self.status.setItemText(row, status.label())
        self.class_name.setItemText(0, self.tr("All classes"))
        self.key_target.setText(self.tr("Key targets"))
        self.registered_poor.setText(self.tr("Registered poor"))
        self.left_behind.setText(self.tr("Left-behind"))
        self.disability.setText(self.tr("Disability"))
        self.clear_button.setText(self.tr("Clear filters"))
        self.assign_button.setText(self.tr("Assign who covers…"))
        self.assign_button.setToolTip(self.tr("Name who covers every student the list shows (e.g. the head teacher "
                                              "of a class: choose the school, grade and class first)"))
        self._update_count()
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
        size_columns(self.table, STUDENT_COLUMNS, {
            "sex": max((sex.label() for sex in Sex), key=len),
            "status": max((status.label() for status in StudentStatus), key=len)})

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


SPEC = REGISTRY.register(PageSpec(
    key="roster", title=("Pages", QT_TRANSLATE_NOOP("Pages", "Students")), factory=RosterPage, order=20,
    handles=("student",)))
