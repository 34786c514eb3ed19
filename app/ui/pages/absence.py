"""缺勤 Absences: a class on a day, who is away since when, and who has crossed an early-warning threshold.

A teacher picks the school, the class and the day (today unless changed), clicks a student, and records that
the child is away since a first day (with an optional reason, or as leave granted), or that the child is back
(the last day away). The warnings are those of :mod:`app.services.warnings` (``warn_*`` settings), never
worked out here. Reading the class and every write run in a worker; an error from the service is shown under
the field it is about, and the form keeps what was typed. Enter or a double-click on a row opens the student.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.config import load_settings
from app.domain.codes import StudentStatus
from app.domain.errors import DomainError
from app.domain.warnings import Thresholds
from app.services import attendance, listing, visit_lists
from app.services.attendance import ClassAbsence
from app.store.errors import translate
from app.ui import ops, theme
from app.ui.background import run_in_background
from app.ui.i18n import QT_TRANSLATE_NOOP
from app.ui.models.absences import ABSENCE_COLUMNS, ClassAbsenceModel
from app.ui.pages import REGISTRY, PageContext, PageSpec
from app.ui.pages.roster import configure_table, size_columns
from app.ui.qt import (
    QCheckBox,
    QComboBox,
    QCoreApplication,
    QEvent,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QModelIndex,
    QPushButton,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from app.ui.widgets.fields import INVALID_STYLE, FieldBlock, combo_value, date_edit, fill_class_combo, line_edit
from app.ui.worker import Report


@dataclass(frozen=True)
class ClassDay:
    """What the list shows: a class of a school, on a day (as typed; the service checks it)."""

    school_id: str
    grade: int
    class_name: str
    on: str


class AbsencePage(QWidget):
    loaded = Signal(object)  # the rows, or the error: the class is shown
    finished = Signal(object)  # a write ended: the id of the absence written, or the error

    def __init__(self, context: PageContext, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.database = context.database
        self.today = today or getattr(context.navigator, "today", None) or date.today()
        self.loading = False
        self.writing = False
        self.shown: ClassDay | None = None  # the class and day the rows are of
        self.student_id: str | None = None  # the student the form is for
        self._generation = 0  # a later load wins over one still running
        self._refill = False  # after a write, the form shows the record as saved

        self.title = theme.Heading()
        self.school_combo = QComboBox()
        self.school_combo.setObjectName("absenceSchool")
        self.school_combo.setMinimumContentsLength(14)
        self.class_combo = QComboBox()
        self.class_combo.setObjectName("absenceClass")
        self.class_combo.setMinimumContentsLength(8)
        self.date_edit = date_edit(self.today)
        self.date_edit.setObjectName("absenceDate")
        self.date_edit.setMaximumWidth(130)
        self.refresh_button = QPushButton()
        self.school_label, self.class_label, self.date_label = QLabel(), QLabel(), QLabel()
        self.school_label.setBuddy(self.school_combo)
        self.class_label.setBuddy(self.class_combo)
        self.date_label.setBuddy(self.date_edit)
        choose = QHBoxLayout()
        for label, widget in ((self.school_label, self.school_combo), (self.class_label, self.class_combo),
                              (self.date_label, self.date_edit)):
            choose.addWidget(label)
            choose.addWidget(widget)
        choose.addStretch(1)
        choose.addWidget(self.refresh_button)
        self.date_error = theme.ErrorLabel()  # under the bar: a wrong or future day
        self.hint = QLabel()
        self.hint.setWordWrap(True)

        self.model = ClassAbsenceModel()
        self.table = QTableView()
        self.table.setObjectName("absenceTable")
        configure_table(self.table)
        self.table.setTabKeyNavigation(False)  # arrows move in the list; Tab goes on to the form
        self.table.setModel(self.model)
        self.table.activated.connect(self._activated)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.summary = QLabel()
        self.summary.setWordWrap(True)

        # The form for the chosen student: away since (with reason or leave), or back (last day away).
        self.form = QWidget()
        self.student_name = QLabel()
        self.student_name.setFont(theme.scaled_font(self.student_name, 1.15, bold=True))
        self.student_line = QLabel()
        self.student_line.setWordWrap(True)
        self.student_error = theme.ErrorLabel()  # the student cannot have an absence (left school, deleted)
        self.first_day = date_edit(self.today)
        self.first_day.setObjectName("absenceFirstDay")
        self.reason = line_edit()
        self.reason.setObjectName("absenceReason")
        self.excused = QCheckBox()
        self.record_button = QPushButton()
        self.record_button.setObjectName("absenceRecord")
        self.last_day = date_edit(self.today)
        self.last_day.setObjectName("absenceLastDay")
        self.back_button = QPushButton()
        self.back_button.setObjectName("absenceBack")
        self.first_block = FieldBlock("", self.first_day)
        self.reason_block = FieldBlock("", self.reason)
        self.last_block = FieldBlock("", self.last_day)
        self.blocks = {"started_on": self.first_block, "reason": self.reason_block, "ended_on": self.last_block}
        for edit in (self.first_day, self.last_day):
            edit.setMaximumWidth(150)

        self.away_box = QGroupBox()
        away = QGridLayout(self.away_box)
        away.addWidget(self.first_block, 0, 0, Qt.AlignmentFlag.AlignTop)
        away.addWidget(self.reason_block, 0, 1, Qt.AlignmentFlag.AlignTop)
        away.addWidget(self.excused, 1, 0, 1, 2)
        away.addWidget(self.record_button, 2, 0, 1, 2, Qt.AlignmentFlag.AlignLeft)
        away.setColumnStretch(1, 1)
        self.back_box = QGroupBox()
        back = QVBoxLayout(self.back_box)
        back.addWidget(self.last_block)
        back.addStretch(1)
        back.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignLeft)
        boxes = QHBoxLayout()
        boxes.addWidget(self.away_box, 3)
        boxes.addWidget(self.back_box, 1)
        heading = QHBoxLayout()
        heading.addWidget(self.student_name)
        heading.addSpacing(12)
        heading.addWidget(self.student_line, 1)
        form = QVBoxLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        form.addLayout(heading)
        form.addWidget(self.student_error)
        form.addLayout(boxes)
        self.message = QLabel()  # what the last write did
        self.message.setWordWrap(True)
        self.error = theme.ErrorLabel()  # anything not about one field (the database, a record gone)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.title)
        layout.addLayout(choose)
        layout.addWidget(self.date_error)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.error)

        # Keyboard: the choice of class, the list, then the form in reading order.
        order = [self.school_combo, self.class_combo, self.date_edit, self.refresh_button, self.table,
                 self.first_day, self.reason, self.excused, self.record_button, self.last_day, self.back_button]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)

        with self.database.read() as session:
            schools = listing.school_choices(session)
        self.school_combo.addItem("", "")  # "(choose a school)", titled in retranslate()
        for school_id, name in schools:
            self.school_combo.addItem(name, school_id)
        self.school_combo.currentIndexChanged.connect(self._school_changed)
        self.class_combo.currentIndexChanged.connect(lambda _index: self.load())
        self.date_edit.editingFinished.connect(self._date_changed)
        self.refresh_button.clicked.connect(self.refresh)
        self.record_button.clicked.connect(self.record)
        self.back_button.clicked.connect(self.mark_back)
        self.first_day.returnPressed.connect(self.record)
        self.reason.returnPressed.connect(self.record)
        self.last_day.returnPressed.connect(self.mark_back)
        for edit in (self.first_day, self.reason, self.last_day):
            edit.textEdited.connect(lambda _text: self.message.setText(""))

        self.retranslate()
        # Shown, the class rereads after other pages' and tasks' writes (a sync's absences); hidden, on_shown
        # rereads it. What is typed in the form stays.
        self.changes = ops.ChangeWatch(self, ("absence", "student"), self.load, on_show=False)
        user = self.database.user
        if user is not None and user.school_id and self.school_combo.findData(user.school_id) > 0:
            self.school_combo.setCurrentIndex(self.school_combo.findData(user.school_id))  # a school's own laptop
        self._update_form()

    # ------------------------------------------------------------------ choosing the class and day
    def _school_changed(self) -> None:
        fill_class_combo(self.class_combo, self.database, combo_value(self.school_combo))
        self.load()

    def choose(self, school_id: str, grade: int, class_name: str) -> None:
        """Select a school and a class, as the two combos would."""
        index = self.school_combo.findData(school_id)
        if index >= 0 and index != self.school_combo.currentIndex():
            self.school_combo.setCurrentIndex(index)
        for number in range(self.class_combo.count()):
            if self.class_combo.itemData(number) == [grade, class_name]:
                self.class_combo.setCurrentIndex(number)

    def _date_changed(self) -> None:
        key = self._key()
        if key != self.shown:  # leaving the field unchanged reads nothing again
            self.load()

    def _key(self) -> ClassDay | None:
        school_id = combo_value(self.school_combo)
        chosen = self.class_combo.currentData()
        if not school_id or not chosen:
            return None
        return ClassDay(school_id, int(chosen[0]), str(chosen[1]), self.date_edit.text().strip())

    def day(self) -> date | None:
        """The day the list is of, once the service accepted it."""
        return date.fromisoformat(self.shown.on) if self.shown is not None else None

    # ------------------------------------------------------------------ reading the class
    def refresh(self) -> None:
        """Read the class again (F5; after a write; a sync may have brought absences)."""
        self.load()

    def on_shown(self) -> None:
        self.load()

    def load(self) -> None:
        key = self._key()
        self._generation += 1
        generation = self._generation
        if key is None:
            self.shown = None
            self.loading = False
            self.model.set_rows([])
            self._after_rows()
            return
        today = self.today
        thresholds = Thresholds.from_settings(load_settings(self.database.data_dir))
        database = self.database

        def work(_report: Report) -> list[ClassAbsence]:
            with database.read() as session:
                return attendance.class_absences(session, key.school_id, key.grade, key.class_name, on=key.on,
                                                 today=today, thresholds=thresholds)

        self.error.setText("")
        self.loading = True
        self.refresh_button.setEnabled(False)
        self.summary.setText(self.tr("Reading the class…"))
        run_in_background(work, receiver=self,
                          done=lambda rows: self._loaded(generation, key, rows),
                          failed=lambda exc: self._load_failed(generation, exc))

    def _loaded(self, generation: int, key: ClassDay, rows: list[ClassAbsence]) -> None:
        if generation != self._generation:
            return  # the teacher chose another class or day meanwhile
        self.loading = False
        self.shown = key
        self._show_date_error(None)
        self.model.set_rows(rows)
        self._after_rows()
        self.loaded.emit(rows)

    def _load_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.loading = False
        self.shown = None
        self.model.set_rows([])
        if isinstance(exc, DomainError) and exc.field == "on":
            self._show_date_error(str(exc))
        else:
            self._show_date_error(None)
            self.error.setText(_message(exc))
        self._after_rows()
        self.loaded.emit(exc)

    def _show_date_error(self, message: str | None) -> None:
        self.date_error.setText(message or "")
        self.date_edit.setStyleSheet(INVALID_STYLE if message else "")

    def _after_rows(self) -> None:
        """The list changed: keep the chosen student chosen if still in the class, and say what it shows."""
        self.refresh_button.setEnabled(not self.loading)
        number = self.model.row_of(self.student_id) if self.student_id else None
        if number is None:
            self._set_student(None)
        else:
            self.table.selectionModel().blockSignals(True)
            self.table.setCurrentIndex(self.model.index(number, 0))
            self.table.selectionModel().blockSignals(False)
            if self._refill:
                self._fill_form(self.model.rows[number])
        self._refill = False
        self._update_form()
        self._show_summary()

    def _show_summary(self) -> None:
        rows = self.model.rows
        if self.shown is None:
            self.summary.setText("" if self._key() is not None else self.tr("Choose a school and a class."))
            return
        if not rows:
            self.summary.setText(self.tr("No students in this class."))
            return
        away = sum(1 for row in rows if row.away)
        warned = sum(1 for row in rows if row.warnings)
        self.summary.setText(self.tr("{away} of {total} students away on {date}; {warned} with an early "
                                     "warning.").format(away=away, total=len(rows), date=self.shown.on,
                                                        warned=warned))

    # ------------------------------------------------------------------ the chosen student
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row(current.row()) if current.isValid() else None
        self._set_student(row.student_id if row is not None else None)
        if row is not None:
            self._fill_form(row)
        self._update_form()

    def select_student(self, student_id: str) -> None:
        """Make a student the current row (as a click on the row does)."""
        number = self.model.row_of(student_id)
        if number is not None:
            self.table.setCurrentIndex(self.model.index(number, 0))

    def current_row(self) -> ClassAbsence | None:
        if self.student_id is None:
            return None
        number = self.model.row_of(self.student_id)
        return self.model.row(number) if number is not None else None

    def _set_student(self, student_id: str | None) -> None:
        if student_id != self.student_id:
            self._clear_errors()
            self.message.setText("")
        self.student_id = student_id

    def _fill_form(self, row: ClassAbsence) -> None:
        """The chosen student's absence in the form (to correct it), or a new one from the day shown."""
        day = self.day() or self.today
        self.first_day.setText((row.started_on or day).isoformat())
        self.reason.setText(row.reason or "")
        self.excused.setChecked(row.excused)
        # Marked back on the day the child is in class again: the last day away was the day before.
        last = row.ended_on or max(day - timedelta(days=1), row.started_on or day)
        self.last_day.setText(last.isoformat())

    def _update_form(self) -> None:
        row = self.current_row()
        busy = self.writing
        self.away_box.setEnabled(row is not None)  # the line above them stays readable: it says what to do
        self.back_box.setEnabled(row is not None)
        self.record_button.setEnabled(row is not None and not busy)
        self.back_button.setEnabled(row is not None and row.away and not busy)
        self.away_box.setTitle(self.tr("Correct the absence") if row is not None and row.away
                               else self.tr("Record an absence"))
        if row is None:
            self.student_name.setText(self.tr("Student"))
            self.student_line.setText(self.tr("Click a student in the list to record an absence or mark them "
                                              "back."))
            return
        self.student_name.setText(row.name)
        if not row.away:
            state = self.tr("In class on {date}.").format(date=self.shown.on if self.shown else "")
        elif row.ended_on is not None:
            state = self.tr("Away from {start} to {end}.").format(start=row.started_on, end=row.ended_on)
        else:
            state = self.tr("Away since {start}, {days} school day(s).").format(start=row.started_on,
                                                                               days=row.school_days)
        if row.status is not StudentStatus.IN_SCHOOL:
            state += " " + self.tr("Registered as: {status}.").format(status=row.status.label())
        self.student_line.setText(state)

    # ------------------------------------------------------------------ writing
    def record(self) -> None:
        """Record that the chosen student is away since the first day typed (or correct the absence)."""
        row = self.current_row()
        if row is None or self.writing or not self.record_button.isEnabled():
            return
        student_id, started, reason, excused = row.student_id, self.first_day.text(), self.reason.text(), \
            self.excused.isChecked()
        today = self.today
        self._write(lambda session: attendance.record_absence(
            session, student_id, started_on=started, excused=excused, reason=reason, today=today),
            self.tr("{name}: absence recorded from {start}.").format(name=row.name, start=started.strip()))

    def mark_back(self) -> None:
        """Record the last day the chosen student was away: the absence ends."""
        row = self.current_row()
        if row is None or row.absence_id is None or self.writing or not self.back_button.isEnabled():
            return
        absence_id, ended, today = row.absence_id, self.last_day.text(), self.today
        self._write(lambda session: attendance.end_absence(session, absence_id, ended_on=ended, today=today),
                    self.tr("{name} is back; last day away {end}.").format(name=row.name, end=ended.strip()))

    def _write(self, call: Callable[[Any], Any], done_text: str) -> None:
        database = self.database

        def work(_report: Report) -> Any:
            with database.write() as session:
                result = call(session)
                return result.id

        self._clear_errors()
        self.message.setText("")
        self.writing = True
        self._update_form()
        run_in_background(work, receiver=self, done=lambda result: self._written(result, done_text),
                          failed=self._write_failed)

    def _written(self, result: object, text: str) -> None:
        self.writing = False
        self.message.setText(text)
        self._refill = True
        self.load()
        self.finished.emit(result)

    def _write_failed(self, exc: BaseException) -> None:
        self.writing = False
        field = exc.field if isinstance(exc, DomainError) else None
        if field in self.blocks:
            self.blocks[str(field)].set_error(str(exc))
        elif field == "student_id":
            self.student_error.setText(str(exc))
        else:
            self.error.setText(_message(exc))
        self._update_form()
        self.finished.emit(exc)

    def _clear_errors(self) -> None:
        for block in self.blocks.values():
            block.set_error(None)
        self.student_error.setText("")
        self.error.setText("")

    # ------------------------------------------------------------------ opening a student
    def _activated(self, index: QModelIndex) -> None:
        row = self.model.row(index.row()) if index.isValid() else None
        if row is not None:
            self.context.navigator.navigate("student", row.student_id)

    def show_record(self, kind: str, record_id: str) -> None:
        """Nothing to show by id: the page shows a class."""

    # ------------------------------------------------------------------ language
    def retranslate(self) -> None:
        self.title.setText(self.tr("Absences"))
        self.school_label.setText(self.tr("School"))
        self.class_label.setText(self.tr("Class"))
        self.date_label.setText(self.tr("Date"))
        self.school_combo.setItemText(0, self.tr("(choose a school)"))
        for number in range(self.class_combo.count()):
            grade, class_name = self.class_combo.itemData(number)
            self.class_combo.setItemText(number, visit_lists.class_label(grade, class_name))
        self.refresh_button.setText(self.tr("Refresh (F5)"))
        self.hint.setText(self.tr("Click a student to record an absence or mark them back. Enter or a "
                                  "double-click opens the student's file."))
        self.first_block.label.setText(self.tr("First day away"))
        self.reason_block.label.setText(self.tr("Reason (optional)"))
        self.reason.setPlaceholderText(self.tr("e.g. ill, family matter, not known"))
        self.excused.setText(self.tr("Leave granted (no warning)"))
        self.record_button.setText(self.tr("Record the absence"))
        self.back_box.setTitle(self.tr("Back in class"))
        self.last_block.label.setText(self.tr("Last day away"))
        self.back_button.setText(self.tr("Mark back"))
        self.model.retranslate()
        # The note is a registry status or "leave granted": as wide as the longest of them in this language.
        notes = [label for _value, label in StudentStatus.choices()] + [
            QCoreApplication.translate("AbsenceModel", "leave granted")]
        size_columns(self.table, ABSENCE_COLUMNS, {"note": max(notes, key=len)})
        self._update_form()
        self._show_summary()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def _message(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, DomainError) else str(translate(exc))


REGISTRY.register(PageSpec(
    key="absence", title=("Pages", QT_TRANSLATE_NOOP("Pages", "Absences")),
    factory=lambda context: AbsencePage(context), order=47))
