"""Table models of the visits, cases and return-check pages, each over a service query.

The visit and case lists are windows over a count and pages (:class:`app.ui.models.paged.PagedTableModel`), so
a list of thousands of visits never becomes thousands of objects. A class for a return check is a few dozen
students, read whole, since the model keeps the ticks and reasons until they are saved.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor

from app.domain.codes import DropoutReason, StudentStatus, Term, VisitStatus
from app.domain.lifecycle import CaseStatus
from app.domain.masking import mask_student_number
from app.services import visit_lists
from app.services.visit_lists import CaseFilter, CaseRow, RosterCheckRow, VisitFilter, VisitRow
from app.store.db import Database
from app.ui.i18n import QT_TRANSLATE_NOOP
from app.ui.models.paged import AnyIndex, Column, FilteredTableModel, RowsTableModel

CONTEXT = "RecordLists"
# Column titles, marked for lupdate here and translated (in the RecordLists context) when shown.
VISIT_COLUMNS = (
    Column("date", QT_TRANSLATE_NOOP("RecordLists", "Date")),
    Column("student", QT_TRANSLATE_NOOP("RecordLists", "Student")),
    Column("class", QT_TRANSLATE_NOOP("RecordLists", "Class")),
    Column("school", QT_TRANSLATE_NOOP("RecordLists", "School")),
    Column("purpose", QT_TRANSLATE_NOOP("RecordLists", "Purpose")),
    Column("visitors", QT_TRANSLATE_NOOP("RecordLists", "Visitors")),
    Column("status", QT_TRANSLATE_NOOP("RecordLists", "Status")),
)
CASE_COLUMNS = (
    Column("student", QT_TRANSLATE_NOOP("RecordLists", "Student")),
    Column("class", QT_TRANSLATE_NOOP("RecordLists", "Class")),
    Column("school", QT_TRANSLATE_NOOP("RecordLists", "School")),
    Column("status", QT_TRANSLATE_NOOP("RecordLists", "Status")),
    Column("reason", QT_TRANSLATE_NOOP("RecordLists", "Reason")),
    Column("detected", QT_TRANSLATE_NOOP("RecordLists", "Detected")),
    Column("attempts", QT_TRANSLATE_NOOP("RecordLists", "Attempts"), align_right=True),
    Column("last_attempt", QT_TRANSLATE_NOOP("RecordLists", "Last attempt")),
    Column("outcome", QT_TRANSLATE_NOOP("RecordLists", "Outcome")),
)
CHECK_COLUMNS = (
    Column("student", QT_TRANSLATE_NOOP("RecordLists", "Student")),
    Column("number", QT_TRANSLATE_NOOP("RecordLists", "Student number")),
    Column("returned", QT_TRANSLATE_NOOP("RecordLists", "Came back")),
    Column("reason", QT_TRANSLATE_NOOP("RecordLists", "Reason")),
    Column("detail", QT_TRANSLATE_NOOP("RecordLists", "Details")),
    Column("note", QT_TRANSLATE_NOOP("RecordLists", "Note")),
)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


class VisitListModel(FilteredTableModel[VisitRow, VisitFilter]):
    CONTEXT = CONTEXT

    def __init__(self, database: Database) -> None:
        super().__init__(database, VISIT_COLUMNS, VisitFilter(), count=visit_lists.count_visits,
                         page=visit_lists.visit_rows)

    def cell(self, row: VisitRow, key: str) -> Any:
        if key == "status":
            return row.status.label() + (QCoreApplication.translate(CONTEXT, " (amendment)") if row.amends else "")
        return {"date": _day(row.visited_on), "student": row.student_name, "class": row.class_label,
                "school": row.school_name, "purpose": row.purpose, "visitors": row.visitors}.get(key)

    def extra(self, row: VisitRow, key: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and key == "status" and row.status is VisitStatus.DRAFT:
            return QBrush(QColor("#b26a00"))  # drafts stand out: they are work to finish
        return None


class CaseListModel(FilteredTableModel[CaseRow, CaseFilter]):
    CONTEXT = CONTEXT

    def __init__(self, database: Database) -> None:
        super().__init__(database, CASE_COLUMNS, CaseFilter(), count=visit_lists.count_cases,
                         page=visit_lists.case_rows)

    def cell(self, row: CaseRow, key: str) -> Any:
        return {"student": row.student_name, "class": row.class_label, "school": row.school_name,
                "status": row.status.label(), "reason": row.reason, "detected": _day(row.detected_on),
                "attempts": row.attempts, "last_attempt": _day(row.last_attempt_on), "outcome": row.outcome}.get(key)

    def extra(self, row: CaseRow, key: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and key == "status" and row.status is CaseStatus.OPEN:
            return QBrush(QColor("#b3261e"))  # nobody has gone to persuade yet
        return None


@dataclass(frozen=True)
class ClassKey:
    school_id: str
    grade: int
    class_name: str
    checked_on: date
    term: Term


class ClassCheckModel(RowsTableModel[RosterCheckRow]):
    """A class's students for a return check: tick who came back, pick the reason for the others.

    The ticks and reasons are kept in the model until saved; rows whose student already has an open case
    (status dropped out) cannot be ticked as back, because the case records that return.
    """

    CONTEXT = CONTEXT
    NAME, NUMBER, RETURNED, REASON, DETAIL, NOTE = range(6)

    def __init__(self, database: Database) -> None:
        super().__init__(CHECK_COLUMNS)
        self.database = database
        self.key: ClassKey | None = None
        self.errors: dict[str, str] = {}  # student id -> message from the last save

    def set_class(self, key: ClassKey | None) -> None:
        self.key = key
        self.errors = {}
        rows: list[RosterCheckRow] = []
        if key is not None:
            with self.database.read() as session:
                total = visit_lists.count_class_roster(session, key.school_id, key.grade, key.class_name)
                if total:
                    rows = visit_lists.class_roster(session, key.school_id, key.grade, key.class_name,
                                                    checked_on=key.checked_on, term=key.term, limit=total)
        self.set_rows(rows)

    def row_id(self, row: RosterCheckRow) -> str:
        return row.student_id

    def cell(self, row: RosterCheckRow, key: str) -> Any:
        if key == "student":
            return row.name
        if key == "number":
            return mask_student_number(row.student_number) if row.student_number else ""
        if key == "returned":
            return None
        if key == "reason":
            return row.reason.label() if row.reason else ""
        if key == "detail":
            return row.detail
        notes = []
        if row.status is not StudentStatus.IN_SCHOOL:
            notes.append(row.status.label())
        if row.has_open_case:
            notes.append(QCoreApplication.translate(CONTEXT, "case open"))
        return QCoreApplication.translate(CONTEXT, ", ").join(notes)

    def _locked(self, row: RosterCheckRow) -> bool:
        return row.status is not StudentStatus.IN_SCHOOL

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        row = self.row(index.row()) if index.isValid() else None
        if row is None:
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.RETURNED and not self._locked(row):
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if index.column() in (self.REASON, self.DETAIL) and not row.returned:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def extra(self, row: RosterCheckRow, key: str, role: int) -> Any:
        if role == Qt.ItemDataRole.CheckStateRole and key == "returned":
            return Qt.CheckState.Checked if row.returned else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.EditRole and key == "reason":
            return row.reason.value if row.reason else ""
        if role == Qt.ItemDataRole.EditRole and key == "detail":
            return row.detail
        if row.student_id in self.errors:
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.errors[row.student_id]
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(255, 224, 224))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#5f1410"))
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or not self.flags(index) & (Qt.ItemFlag.ItemIsUserCheckable
                                                           | Qt.ItemFlag.ItemIsEditable):
            return False
        row = self.rows[index.row()]
        if index.column() == self.RETURNED and role == Qt.ItemDataRole.CheckStateRole:
            back = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
            row = replace(row, returned=back, reason=None if back else row.reason, detail="" if back else row.detail)
        elif index.column() == self.REASON and role == Qt.ItemDataRole.EditRole:
            row = replace(row, returned=False, reason=DropoutReason(value) if value else None)
        elif index.column() == self.DETAIL and role == Qt.ItemDataRole.EditRole:
            row = replace(row, returned=False, detail=str(value or ""))
        else:
            return False
        self.rows[index.row()] = row
        self.errors.pop(row.student_id, None)
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), self.NOTE))
        return True

    def mark_all_returned(self) -> None:
        for number, row in enumerate(self.rows):
            if not self._locked(row):
                self.rows[number] = replace(row, returned=True, reason=None, detail="")
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, self.NOTE))

    def all_rows(self) -> list[RosterCheckRow]:
        """Every row of the class, with the user's ticks and reasons."""
        return list(self.rows)

    def set_errors(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, self.NOTE))
