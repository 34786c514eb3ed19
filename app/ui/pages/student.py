"""A student's file: profile, household and guardians, who covers the student, visits, cases, registry
changes, and the history of every field (who changed it, when, from what, to what).

Shown inside the roster page (which handles the "student" record kind). Everything is read in one
transaction through :func:`app.services.listing.student_file`; ID numbers, phones and disability details are
masked (the rules of :mod:`app.domain.masking`, through :func:`app.services.listing.value_text`). A "Show"
button next to the ID number, the household's phone and the disability reveals the value through
:func:`app.services.access.reveal_field` (audited, refused for a role that may not see it) for this view only:
showing another student, leaving the page or hiding the window masks it again. A revealed value cannot be
selected, so it never reaches the clipboard.

A teacher who does not cover the student (:func:`app.services.access.edit_refusal`) is told so under the
header, with what to do: the file is theirs to read, its visits and cases are not theirs to change.

On the "Who covers the student" tab an administrator adds or changes the holder of a role and removes one
(:mod:`app.services.responsibility`); a teacher reads the tab. Phones there are masked like every other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtGui import QHideEvent
from sqlalchemy.orm import Session

from app.domain.codes import (
    CaseOutcome,
    DropoutReason,
    RegistryChangeType,
    ResponsibilityLine,
    ResponsibilityRole,
    StudentStatus,
    VisitPurpose,
    VisitStatus,
)
from app.domain.errors import DomainError
from app.domain.lifecycle import CaseStatus, is_open_case
from app.domain.masking import mask_phone
from app.services import access, listing, responsibility
from app.services.access import NotCovered
from app.store.oplog import to_wire
from app.ui import ops, theme
from app.ui.i18n import QT_TRANSLATE_NOOP
from app.ui.models.paged import ID_ROLE, Column, ListTableModel
from app.ui.pages import PageContext
from app.ui.qt import (
    QAbstractItemView,
    QComboBox,
    QCoreApplication,
    QEvent,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QMessageBox,
    QModelIndex,
    QPalette,
    QPushButton,
    QScrollArea,
    QShortcut,
    Qt,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
)
from app.ui.widgets.coverage import CoverageDialog, Holder


def _f(text: str) -> str:
    return QCoreApplication.translate("Fields", text)


# (table, field, label): the profile's rows, in the order of the registry's own forms.
STUDENT_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", QT_TRANSLATE_NOOP("Fields", "Name")),
    ("sex", QT_TRANSLATE_NOOP("Fields", "Sex")),
    ("birth_date", QT_TRANSLATE_NOOP("Fields", "Birth date")),
    ("ethnicity", QT_TRANSLATE_NOOP("Fields", "Ethnicity")),
    ("id_type", QT_TRANSLATE_NOOP("Fields", "ID type")),
    ("id_number", QT_TRANSLATE_NOOP("Fields", "ID number")),
    ("student_number", QT_TRANSLATE_NOOP("Fields", "Student number")),
    ("school_id", QT_TRANSLATE_NOOP("Fields", "School")),
    ("grade", QT_TRANSLATE_NOOP("Fields", "Grade")),
    ("class_name", QT_TRANSLATE_NOOP("Fields", "Class")),
    ("status", QT_TRANSLATE_NOOP("Fields", "Status")),
    ("registered_poor", QT_TRANSLATE_NOOP("Fields", "Registered poor household")),
    ("left_behind", QT_TRANSLATE_NOOP("Fields", "Left-behind child")),
    ("disability_type", QT_TRANSLATE_NOOP("Fields", "Disability type")),
    ("disability_grade", QT_TRANSLATE_NOOP("Fields", "Disability grade")),
    ("migrant", QT_TRANSLATE_NOOP("Fields", "Migrant child")),
    ("orphan", QT_TRANSLATE_NOOP("Fields", "Orphan")),
    ("martyr_family", QT_TRANSLATE_NOOP("Fields", "Martyr or veteran family")),
    ("boarding", QT_TRANSLATE_NOOP("Fields", "Day or boarding")),
)
HOUSEHOLD_FIELDS: tuple[tuple[str, str], ...] = (
    ("head_name", QT_TRANSLATE_NOOP("Fields", "Head of household")),
    ("address", QT_TRANSLATE_NOOP("Fields", "Address")),
    ("phone", QT_TRANSLATE_NOOP("Fields", "Phone")),
    ("household_type", QT_TRANSLATE_NOOP("Fields", "Household registration type")),
    ("registration_place", QT_TRANSLATE_NOOP("Fields", "Registration place")),
    ("hardship", QT_TRANSLATE_NOOP("Fields", "Hardship categories")),
    ("notes", QT_TRANSLATE_NOOP("Fields", "Notes")),
)

MEMBER_COLUMNS = (
    Column("name", QT_TRANSLATE_NOOP("Columns", "Name")),
    Column("relation", QT_TRANSLATE_NOOP("Columns", "Relation")),
    Column("phone", QT_TRANSLATE_NOOP("Columns", "Phone")),
    Column("work", QT_TRANSLATE_NOOP("Columns", "Work")),
    Column("away", QT_TRANSLATE_NOOP("Columns", "Works away")),
    Column("guardian", QT_TRANSLATE_NOOP("Columns", "Guardian")),
)
COVERAGE_COLUMNS = (
    Column("line", QT_TRANSLATE_NOOP("Columns", "Line")),
    Column("role", QT_TRANSLATE_NOOP("Columns", "Role")),
    Column("person", QT_TRANSLATE_NOOP("Columns", "Person")),
    Column("unit", QT_TRANSLATE_NOOP("Columns", "Unit")),
    Column("phone", QT_TRANSLATE_NOOP("Columns", "Phone")),
)
VISIT_COLUMNS = (
    Column("date", QT_TRANSLATE_NOOP("Columns", "Visit date")),
    Column("status", QT_TRANSLATE_NOOP("Columns", "Status")),
    Column("purpose", QT_TRANSLATE_NOOP("Columns", "Purpose")),
    Column("visitors", QT_TRANSLATE_NOOP("Columns", "Visitors")),
    Column("follow_up", QT_TRANSLATE_NOOP("Columns", "Follow-up date")),
)
CASE_COLUMNS = (
    Column("detected", QT_TRANSLATE_NOOP("Columns", "Detected")),
    Column("status", QT_TRANSLATE_NOOP("Columns", "Status")),
    Column("reason", QT_TRANSLATE_NOOP("Columns", "Reason")),
    Column("attempts", QT_TRANSLATE_NOOP("Columns", "Attempts"), align_right=True),
    Column("last", QT_TRANSLATE_NOOP("Columns", "Last attempt")),
    Column("outcome", QT_TRANSLATE_NOOP("Columns", "Outcome")),
    Column("closed", QT_TRANSLATE_NOOP("Columns", "Closed")),
)
CHANGE_COLUMNS = (
    Column("date", QT_TRANSLATE_NOOP("Columns", "Effective date")),
    Column("type", QT_TRANSLATE_NOOP("Columns", "Change")),
    Column("status", QT_TRANSLATE_NOOP("Columns", "Status")),
    Column("grade", QT_TRANSLATE_NOOP("Columns", "Grade")),
    Column("school", QT_TRANSLATE_NOOP("Columns", "School")),
    Column("reason", QT_TRANSLATE_NOOP("Columns", "Reason")),
)
# The masked fields a reveal shows in clear: field of access.reveal_field -> (table, the fields it shows).
REVEALS: dict[str, tuple[str, tuple[str, ...]]] = {
    "id_number": ("student", ("id_number",)),
    "phone": ("household", ("phone",)),
    "disability": ("student", ("disability_type", "disability_grade")),
}

HISTORY_COLUMNS = (
    Column("when", QT_TRANSLATE_NOOP("Columns", "When")),
    Column("who", QT_TRANSLATE_NOOP("Columns", "Who")),
    Column("from", QT_TRANSLATE_NOOP("Columns", "From")),
    Column("to", QT_TRANSLATE_NOOP("Columns", "To")),
)


def _label(kind: Any, value: Any) -> str:
    if value is None or value == "":
        return ""
    try:
        return str(kind(str(value)).label())
    except ValueError:
        return str(value)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def make_table(columns: Sequence[Column]) -> tuple[QTableView, ListTableModel]:
    from app.ui.pages.roster import configure_table

    view = QTableView()
    configure_table(view)
    model = ListTableModel(columns)
    view.setModel(model)
    return view, model


class StudentView(QWidget):
    back_requested = Signal()

    def __init__(self, context: PageContext) -> None:
        super().__init__()
        self.context = context
        self.database = context.database
        self.student_id: str | None = None
        self.household_id: str | None = None
        self.file: listing.StudentFile | None = None
        self.refusal: NotCovered | None = None  # why the signed-in teacher may not change this student
        # The reveals of this view: field of access.reveal_field -> {shown field: clear text}. Emptied by load()
        # and when the view is hidden.
        self.revealed: dict[str, dict[str, str]] = {}
        self.masked_texts: dict[tuple[str, str], str] = {}  # (table, field) -> the text shown while masked
        self.reveal_buttons: dict[str, QToolButton] = {}
        self.reveal_errors: dict[str, theme.ErrorLabel] = {}
        layout = QVBoxLayout(self)

        header = QHBoxLayout()
        self.back_button = QPushButton()
        self.back_button.setObjectName("backToRoster")
        self.name_label = theme.Heading(factor=1.6)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle = QLabel()
        self.badges = QLabel()
        self.badges.setFont(theme.scaled_font(self.badges, 1.0, bold=True))
        header.addWidget(self.back_button)
        header.addSpacing(12)
        header.addWidget(self.name_label)
        header.addSpacing(12)
        header.addWidget(self.subtitle)
        header.addStretch(1)
        header.addWidget(self.badges)
        layout.addLayout(header)
        self.coverage_notice = QLabel()
        self.coverage_notice.setObjectName("coverageNotice")
        self.coverage_notice.setWordWrap(True)
        self.coverage_notice.hide()
        layout.addWidget(self.coverage_notice)

        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)

        # Profile: one row per field, each with a History button.
        self.profile_values: dict[str, QLabel] = {}
        self.history_buttons: dict[tuple[str, str], QToolButton] = {}
        self.profile_labels: dict[str, QLabel] = {}
        profile = QWidget()
        grid = QGridLayout(profile)
        grid.setColumnStretch(4, 1)  # the Show and History buttons stay next to their value
        for row, (name, _label_text) in enumerate(STUDENT_FIELDS):
            label = QLabel()
            value = QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            button = self._history_button("student", name)
            grid.addWidget(label, row, 0)
            grid.addWidget(value, row, 1)
            grid.addWidget(button, row, 3)
            self._reveal_widgets(grid, row, name)
            self.profile_labels[name] = label
            self.profile_values[name] = value
        grid.setRowStretch(len(STUDENT_FIELDS), 1)
        # Wide enough for a revealed ID number, so revealing one does not shift the buttons beside it.
        wide = self.fontMetrics().horizontalAdvance("450107200001011234") + 16
        grid.setColumnMinimumWidth(1, wide)
        self.tabs.addTab(self._scroll(profile), "")

        # Household and guardians.
        household = QWidget()
        household_layout = QVBoxLayout(household)
        hform = QGridLayout()
        hform.setColumnStretch(4, 1)
        self.household_labels: dict[str, QLabel] = {}
        self.household_values: dict[str, QLabel] = {}
        for row, (name, _label_text) in enumerate(HOUSEHOLD_FIELDS):
            label = QLabel()
            value = QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            hform.addWidget(label, row, 0)
            hform.addWidget(value, row, 1)
            hform.addWidget(self._history_button("household", name), row, 3)
            self._reveal_widgets(hform, row, name)
            self.household_labels[name] = label
            self.household_values[name] = value
        hform.setColumnMinimumWidth(1, wide)
        household_layout.addLayout(hform)
        self.no_household = QLabel()
        household_layout.addWidget(self.no_household)
        self.members_title = QLabel()
        self.members_title.setFont(theme.scaled_font(self.members_title, 1.0, bold=True))
        household_layout.addWidget(self.members_title)
        self.members_view, self.members = make_table(MEMBER_COLUMNS)
        household_layout.addWidget(self.members_view, 1)
        self.open_household_button = QPushButton()
        self.open_household_button.clicked.connect(self._open_household)
        household_layout.addWidget(self.open_household_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.tabs.addTab(household, "")

        self.tabs.addTab(self._coverage_tab(), "")
        self.visits_view, self.visits = make_table(VISIT_COLUMNS)
        self.visits_view.activated.connect(lambda index: self._open("visit", self.visits, index))
        self.tabs.addTab(self.visits_view, "")
        self.cases_view, self.cases = make_table(CASE_COLUMNS)
        self.cases_view.activated.connect(lambda index: self._open("case", self.cases, index))
        self.tabs.addTab(self.cases_view, "")
        self.changes_view, self.changes = make_table(CHANGE_COLUMNS)
        self.tabs.addTab(self.changes_view, "")

        # History of any field.
        history = QWidget()
        history_layout = QVBoxLayout(history)
        chooser = QFormLayout()
        self.history_field = QComboBox()
        self.history_field_label = QLabel()
        chooser.addRow(self.history_field_label, self.history_field)
        history_layout.addLayout(chooser)
        self.history_view, self.history = make_table(HISTORY_COLUMNS)
        history_layout.addWidget(self.history_view, 1)
        self.history_empty = QLabel()
        self.history_empty.setEnabled(False)
        history_layout.addWidget(self.history_empty)
        self.tabs.addTab(history, "")
        self.history_tab = history
        for table, fields in (("student", STUDENT_FIELDS), ("household", HOUSEHOLD_FIELDS)):
            for name, _text in fields:
                self.history_field.addItem("", f"{table}.{name}")  # plain text: findData compares it
        self.history_field.currentIndexChanged.connect(self._load_history)

        self.back_button.clicked.connect(self.back_requested.emit)
        for sequence in ("Esc", "Alt+Left"):
            QShortcut(QKeySequence(sequence), self, self.back_requested.emit,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.retranslate()

    # ------------------------------------------------------------------ building blocks
    def _coverage_tab(self) -> QWidget:
        """Who covers the student; for an administrator, buttons to add or change a holder and to remove one."""
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.coverage_view, self.coverage = make_table(COVERAGE_COLUMNS)
        self.coverage_view.setObjectName("coverageTable")
        layout.addWidget(self.coverage_view, 1)
        self.coverage_error = theme.ErrorLabel()
        self.coverage_error.setObjectName("coverageError")
        self.coverage_error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.coverage_error)
        self.coverage_status = QLabel()
        self.coverage_status.setObjectName("coverageStatus")
        self.coverage_status.setWordWrap(True)
        layout.addWidget(self.coverage_status)
        buttons = QHBoxLayout()
        self.edit_coverage_button = QPushButton()
        self.edit_coverage_button.setObjectName("editCoverage")
        self.edit_coverage_button.clicked.connect(lambda: self.edit_coverage())
        self.remove_coverage_button = QPushButton()
        self.remove_coverage_button.setObjectName("removeCoverage")
        self.remove_coverage_button.clicked.connect(self.remove_coverage)
        self.coverage_hint = QLabel()
        self.coverage_hint.setObjectName("coverageHint")
        self.coverage_hint.setWordWrap(True)
        self.coverage_hint.setEnabled(False)  # the palette's muted text colour
        buttons.addWidget(self.edit_coverage_button)
        buttons.addWidget(self.remove_coverage_button)
        buttons.addWidget(self.coverage_hint, 1)
        layout.addLayout(buttons)
        self.coverage_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.coverage_view.selectionModel().selectionChanged.connect(lambda *_: self._enable_coverage_buttons())
        self.coverage_view.activated.connect(self._coverage_activated)
        self.coverage_dialog: CoverageDialog | None = None
        # Asks before a holder is removed; tests answer for the user.
        self.confirm: Callable[[str], bool] = self._ask
        return tab

    def _scroll(self, widget: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(widget)
        return area

    def _history_button(self, table: str, name: str) -> QToolButton:
        button = QToolButton()
        button.setObjectName(f"history_{table}_{name}")
        button.setAutoRaise(True)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        # In the palette's link colour (light or dark), so it reads as something to click.
        palette = button.palette()
        palette.setColor(QPalette.ColorRole.ButtonText, palette.color(QPalette.ColorRole.Link))
        button.setPalette(palette)
        button.clicked.connect(lambda: self.show_history(table, name))
        self.history_buttons[(table, name)] = button
        return button

    def _reveal_widgets(self, grid: QGridLayout, row: int, name: str) -> None:
        """The Show button of a masked field (on the first row it reveals) and its error message."""
        field = next((field for field, (_table, names) in REVEALS.items() if names[0] == name), None)
        if field is None:
            return
        button = QToolButton()
        button.setObjectName(f"reveal_{field}")
        button.setAutoRaise(True)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        palette = button.palette()
        palette.setColor(QPalette.ColorRole.ButtonText, palette.color(QPalette.ColorRole.Link))
        button.setPalette(palette)
        button.clicked.connect(lambda: self.toggle_reveal(field))
        error = theme.ErrorLabel()
        error.setObjectName(f"reveal_{field}_error")
        grid.addWidget(button, row, 2)
        grid.addWidget(error, row, 4)
        self.reveal_buttons[field] = button
        self.reveal_errors[field] = error

    def _open(self, kind: str, model: ListTableModel, index: QModelIndex) -> None:
        record_id = model.data(index, ID_ROLE)
        if record_id:
            self.context.navigator.navigate(kind, str(record_id))

    def _open_household(self) -> None:
        if self.household_id:
            self.context.navigator.navigate("household", self.household_id)

    # ------------------------------------------------------------------ loading
    def load(self, student_id: str) -> None:
        self.student_id = student_id
        self.revealed.clear()
        for error in self.reveal_errors.values():
            error.setText("")
        if self.coverage_dialog is not None:
            self.coverage_dialog.close()
        self.coverage_error.setText("")
        self.coverage_status.setText("")
        with self.database.read() as session:
            self.file = file = listing.student_file(session, student_id)
            student = file.student
            values = {name: listing.value_text(session, "student", name, to_wire(getattr(student, name)))
                      for name, _text in STUDENT_FIELDS}
            household_values = {}
            if file.household is not None:
                household_values = {
                    name: listing.value_text(session, "household", name, to_wire(getattr(file.household, name)))
                    for name, _text in HOUSEHOLD_FIELDS}
            self.refusal = access.edit_refusal(session, student_id)
        from app.services.audit import record_student_view

        # Every view of a student's file is audited (DESIGN, Security); the page does not wait for the line.
        ops.write_later(self.database, lambda session: record_student_view(session, student_id), receiver=self)
        self.household_id = file.household.id if file.household is not None else None
        self.masked_texts = {("student", name): value for name, value in values.items()}
        self.masked_texts.update({("household", name): household_values.get(name, "")
                                  for name in self.household_values})
        self._show_reveals()
        self._fill_tables()
        self._load_history()
        self._show_refusal()

    def _show_refusal(self) -> None:
        palette = self.coverage_notice.palette()
        palette.setColor(QPalette.ColorRole.WindowText, theme.warning_color(self.palette()))
        self.coverage_notice.setPalette(palette)
        self.coverage_notice.setText(str(self.refusal) if self.refusal is not None else "")
        self.coverage_notice.setVisible(self.refusal is not None)

    # ------------------------------------------------------------------ masked fields
    def _shown_text(self, table: str, name: str) -> str:
        """A field's text as this view shows it now: clear when revealed, else masked."""
        for field, (reveal_table, names) in REVEALS.items():
            if reveal_table == table and name in names and field in self.revealed:
                return self.revealed[field].get(name, "")
        return self.masked_texts.get((table, name), "")

    def _show_reveals(self) -> None:
        """Fill the profile and household values, and each Show button, from the current reveals."""
        role = self.database.user.role if self.database.user is not None else None
        for name, label in self.profile_values.items():
            label.setText(self._shown_text("student", name))
        for name, label in self.household_values.items():
            label.setText(self._shown_text("household", name))
        for field, (table, names) in REVEALS.items():
            revealed = field in self.revealed
            labels = self.profile_values if table == "student" else self.household_values
            for name in names:
                # A value shown in clear cannot be selected, so it is never copied out of the app.
                labels[name].setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction if revealed
                                                     else Qt.TextInteractionFlag.TextSelectableByMouse)
            has_value = any(self.masked_texts.get((table, name)) for name in names)
            button = self.reveal_buttons[field]
            button.setVisible(has_value and role is not None and role in access.REVEALABLE[field])
            button.setText(self.tr("Hide") if revealed else self.tr("Show"))
            button.setToolTip(self.tr("Mask it again") if revealed else
                              self.tr("Show the full value in this view only; this is recorded in the audit log"))

    def toggle_reveal(self, field: str) -> None:
        """Show a masked field in clear (audited), or mask a revealed one again."""
        if field in self.revealed:
            self.revealed.pop(field)
        else:
            self.reveal(field)
        self._show_reveals()
        self._load_history()

    def reveal(self, field: str) -> None:
        if self.student_id is None or self.database.user is None:
            return
        _table, names = REVEALS[field]
        user, student_id = self.database.user, self.student_id
        # "type/grade" codes, of the fields that have a value, as their labels.
        present = [name for name in names if self.masked_texts.get(("student", name))]

        def reveal(session: Session) -> dict[str, str]:
            value = access.reveal_field(session, user, student_id, field)
            if field != "disability":
                return {names[0]: value}
            return {name: listing.value_text(session, "student", name, code, mask=False)
                    for name, code in zip(present, value.split("/"), strict=False)}

        try:
            shown = ops.write(self.database, reveal, source=self)
        except DomainError as exc:
            self.reveal_errors[field].setText(str(exc))
            return
        self.reveal_errors[field].setText("")
        self.revealed[field] = shown

    def mask_all(self) -> None:
        """Mask every revealed value again (the view is hidden, or shows another student)."""
        if self.revealed:
            self.revealed.clear()
            self._show_reveals()
            self._load_history()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt's name)
        # Leaving the student (back to the list, another page, the window minimised) ends the view.
        self.mask_all()
        super().hideEvent(event)

    def _yes_no(self, value: bool) -> str:
        return self.tr("Yes") if value else self.tr("No")

    def _fill_tables(self) -> None:
        file = self.file
        if file is None:
            return
        student = file.student
        self.name_label.setText(student.name)
        self.subtitle.setText(self.tr("{school} · grade {grade} {class_name} · {status}").format(
            school=file.school_name, grade=student.grade, class_name=student.class_name or "",
            status=_label(StudentStatus, student.status)))
        badges = []
        if file.key_target is not None:
            badges.append(self.tr("Key target"))
        if any(is_open_case(case.status) for case in file.cases):
            badges.append(self.tr("Open dropout case"))
        self.badges.setText(" · ".join(badges))
        palette = self.badges.palette()
        palette.setColor(self.badges.foregroundRole(), theme.warning_color())
        self.badges.setPalette(palette)

        has_household = file.household is not None
        for widget in (*self.household_labels.values(), *self.household_values.values()):
            widget.setVisible(has_household)
        for table, name in self.history_buttons:
            if table == "household":
                self.history_buttons[(table, name)].setVisible(has_household)
        self.no_household.setVisible(not has_household)
        self.open_household_button.setEnabled(has_household)
        self.members.set_rows(
            [(m.name, m.relation or "", mask_phone(m.phone) if m.phone else "", m.work or "",
              self._yes_no(m.works_away), self._yes_no(m.is_guardian)) for m in file.members],
            [m.id for m in file.members])
        self.coverage.set_rows(
            [(_label(ResponsibilityLine, r.line), _label(ResponsibilityRole, r.role), r.person_name, r.unit or "",
              mask_phone(r.phone) if r.phone else "") for r in file.coverage],
            [r.id for r in file.coverage])
        self.visits.set_rows(
            [(_day(v.visited_on), _label(VisitStatus, v.status), _label(VisitPurpose, v.purpose),
              "、".join(str(p.get("name", "")) for p in v.visitors or []), _day(v.follow_up_on))
             for v in file.visits],
            [v.id for v in file.visits])
        self.cases.set_rows(
            [(_day(c.detected_on), _label(CaseStatus, c.status), _label(DropoutReason, c.reason), c.attempts,
              _day(c.last_attempt_on), _label(CaseOutcome, c.outcome), _day(c.closed_on)) for c in file.cases],
            [c.id for c in file.cases])
        names = file.school_names
        self.changes.set_rows(
            [(_day(c.effective_on), _label(RegistryChangeType, c.change_type),
              f"{_label(StudentStatus, c.from_status)} → {_label(StudentStatus, c.to_status)}",
              f"{c.from_grade or ''} → {c.to_grade or ''}",
              names.get(c.from_school_id or "", "") if c.from_school_id == c.to_school_id else
              f"{names.get(c.from_school_id or '', '')} → {names.get(c.to_school_id or '', '')}",
              c.reason or "") for c in file.changes],
            [c.id for c in file.changes])
        self._retitle_tabs()
        self._enable_coverage_buttons()
        for view in (self.members_view, self.coverage_view, self.visits_view, self.cases_view, self.changes_view):
            view.resizeColumnsToContents()

    # ------------------------------------------------------------------ who covers the student
    def is_admin(self) -> bool:
        """Whether the signed-in user names who covers students (an administrator)."""
        user = self.database.user
        return user is not None and user.role in access.ADMIN_ROLES

    def _selected_coverage(self) -> int | None:
        rows = self.coverage_view.selectionModel().selectedRows()
        return rows[0].row() if rows and self.file is not None and rows[0].row() < len(self.file.coverage) else None

    def _enable_coverage_buttons(self) -> None:
        admin = self.is_admin()
        self.edit_coverage_button.setVisible(admin)
        self.remove_coverage_button.setVisible(admin)
        self.edit_coverage_button.setEnabled(self.file is not None)
        self.remove_coverage_button.setEnabled(self._selected_coverage() is not None)
        self.coverage_hint.setText(
            self.tr("Select a line to change or remove it. The teachers named on the education line may change "
                    "the student's records.") if admin else
            self.tr("Only an administrator can change who covers the student."))

    def _coverage_activated(self, index: QModelIndex) -> None:
        if self.is_admin() and self.file is not None and index.row() < len(self.file.coverage):
            self.edit_coverage(self.file.coverage[index.row()].role)

    def edit_coverage(self, role: str | None = None) -> CoverageDialog | None:
        """Open the dialog that adds a holder or changes the holder of a role (administrators): ``role``, else
        the selected line's, else the first role no one holds yet."""
        if not self.is_admin() or self.file is None or self.student_id is None:
            return None
        held = {r.role: Holder(r.person_name, r.unit, r.phone) for r in self.file.coverage}
        selected = self._selected_coverage()
        if role is None and selected is not None:
            role = self.file.coverage[selected].role
        if role is None:
            role = next((kind.value for kind in ResponsibilityRole if kind.value not in held),
                        ResponsibilityRole.CLASS_TEACHER.value)
        student_id = self.student_id

        def assign(values: dict[str, Any]) -> tuple[str, str]:
            def work(session: Session) -> tuple[str, str]:
                duty = responsibility.assign(session, student_id, values["role"], values["person_name"],
                                             unit=values["unit"] or None, phone=values["phone"] or None)
                return duty.person_name, duty.role

            return ops.write(self.database, work, source=self)

        dialog = CoverageDialog(
            self.tr("Who covers {name}").format(name=self.file.student.name), self.tr("Save"), assign, self,
            role=role, held=held)
        self._open_coverage_dialog(dialog)
        return dialog

    def _open_coverage_dialog(self, dialog: CoverageDialog) -> None:
        self.coverage_error.setText("")
        self.coverage_status.setText("")
        if self.coverage_dialog is not None:
            self.coverage_dialog.close()
        self.coverage_dialog = dialog
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.submitted.connect(self._assigned)
        dialog.finished.connect(lambda _result, d=dialog: self._coverage_dialog_closed(d))
        dialog.open()

    def _coverage_dialog_closed(self, dialog: CoverageDialog) -> None:
        if self.coverage_dialog is dialog:
            self.coverage_dialog = None
        dialog.deleteLater()

    def _assigned(self, result: tuple[str, str]) -> None:
        person, role = result
        self._reload_coverage(select_role=role)
        self.coverage_status.setText(self.tr("{person} now covers the student ({role}).").format(
            person=person, role=_label(ResponsibilityRole, role)))

    def remove_coverage(self) -> None:
        """Remove the selected holder (administrators), after asking."""
        row = self._selected_coverage()
        if not self.is_admin() or row is None or self.file is None:
            return
        duty = self.file.coverage[row]
        role = _label(ResponsibilityRole, duty.role)
        self.coverage_error.setText("")
        self.coverage_status.setText("")
        if not self.confirm(self.tr("Remove {person} ({role}) from who covers {name}?").format(
                person=duty.person_name, role=role, name=self.file.student.name)):
            return
        try:
            ops.write(self.database, lambda session: responsibility.unassign(session, duty.id),
                      source=self)
        except DomainError as exc:
            self.coverage_error.setText(str(exc))
            self._reload_coverage()
            return
        self._reload_coverage()
        self.coverage_status.setText(self.tr("{person} ({role}) no longer covers the student.").format(
            person=duty.person_name, role=role))

    def _ask(self, question: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Who covers the student"), question)
        return answer == QMessageBox.StandardButton.Yes

    def _reload_coverage(self, select_role: str | None = None) -> None:
        """Read who covers the student again and show it, with the line of ``select_role`` selected."""
        if self.file is None or self.student_id is None:
            return
        with self.database.read() as session:
            self.file.coverage = responsibility.coverage(session, self.student_id)
        self._fill_tables()
        row = next((n for n, r in enumerate(self.file.coverage) if r.role == select_role), None)
        if row is not None:
            self.coverage_view.selectRow(row)

    def show_history(self, table: str, name: str) -> None:
        """Switch to the History tab showing this field."""
        index = self.history_field.findData(f"{table}.{name}")
        if index >= 0:
            self.history_field.setCurrentIndex(index)
        self._load_history()
        self.tabs.setCurrentWidget(self.history_tab)

    def _load_history(self) -> None:
        data = self.history_field.currentData()
        target = str(data).split(".", 1) if data else None
        row_id = self.student_id if target and target[0] == "student" else self.household_id
        if not target or not row_id:
            self.history.set_rows([])
            self.history_empty.setText(self.tr("No household is recorded for this student."))
            return
        table, name = target
        revealed = any(reveal_table == table and name in names and field in self.revealed
                       for field, (reveal_table, names) in REVEALS.items())

        def shown(session: Any, value: Any) -> str:
            return listing.value_text(session, table, name, value, mask=not revealed)

        with self.database.read() as session:
            changes = listing.field_changes(session, table, row_id, name)
            rows = [(change.at.astimezone().strftime("%Y-%m-%d %H:%M"),
                     change.user or self.tr("a user of another laptop"),
                     self.tr("(created)") if change.first else shown(session, change.old),
                     shown(session, change.new)) for change in changes]
        self.history.set_rows(rows)
        self.history_view.resizeColumnsToContents()
        self.history_empty.setText(self.tr("{count} change(s); the newest first. Nothing is ever overwritten: "
                                           "every earlier value stays in the change log.").format(count=len(rows)))

    # ------------------------------------------------------------------ language
    def _retitle_tabs(self) -> None:
        file = self.file
        visits = len(file.visits) if file else 0
        cases = len(file.cases) if file else 0
        changes = len(file.changes) if file else 0
        titles = [self.tr("Profile"), self.tr("Household and guardians"), self.tr("Who covers the student"),
                  self.tr("Visits ({n})").format(n=visits), self.tr("Dropout cases ({n})").format(n=cases),
                  self.tr("Registry changes ({n})").format(n=changes), self.tr("Change history")]
        for index, title in enumerate(titles):
            self.tabs.setTabText(index, title)

    def retranslate(self) -> None:
        self.back_button.setText(self.tr("← Back to the list"))
        self.back_button.setToolTip(self.tr("Esc"))
        for name, text in STUDENT_FIELDS:
            self.profile_labels[name].setText(_f(text))
        for name, text in HOUSEHOLD_FIELDS:
            self.household_labels[name].setText(_f(text))
        for button in self.history_buttons.values():
            button.setText(self.tr("History"))
            button.setToolTip(self.tr("Who changed this field, when, and from what"))
        self.members_title.setText(self.tr("Members and guardians"))
        self.no_household.setText(self.tr("No household is recorded for this student."))
        self.open_household_button.setText(self.tr("Open the household"))
        self.edit_coverage_button.setText(self.tr("Add or change…"))
        self.edit_coverage_button.setToolTip(self.tr("Name who covers the student in a role; an earlier holder of "
                                                     "the role is replaced"))
        self.remove_coverage_button.setText(self.tr("Remove"))
        self._enable_coverage_buttons()
        self.history_field_label.setText(self.tr("Field"))
        for index in range(self.history_field.count()):
            table, name = str(self.history_field.itemData(index)).split(".", 1)
            fields = STUDENT_FIELDS if table == "student" else HOUSEHOLD_FIELDS
            text = _f(dict(fields)[name])
            if table == "household":
                text = self.tr("Household: {field}").format(field=text)
            self.history_field.setItemText(index, text)
        self._retitle_tabs()
        if self.file is not None:
            self._show_reveals()
            self._fill_tables()
            self._load_history()
            self._show_refusal()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
