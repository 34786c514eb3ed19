"""Table models of the visits, cases and return-check pages, each over a paged service query.

A model knows the row count from one COUNT query and fetches rows a page at a time as the view scrolls
(``canFetchMore``/``fetchMore``), so a list of thousands of visits never becomes thousands of objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from app.domain.codes import DropoutReason, StudentStatus, Term, VisitStatus
from app.domain.lifecycle import CaseStatus
from app.services import visit_lists
from app.services.visit_lists import CaseFilter, CaseRow, RosterCheckRow, VisitFilter, VisitRow
from app.store.db import Database

R = TypeVar("R")
AnyIndex = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole
PAGE = 200


# Column titles, marked for lupdate here and translated when a model is made (the language is chosen by then).
VISIT_COLUMNS = (QT_TRANSLATE_NOOP("RecordLists", "Date"), QT_TRANSLATE_NOOP("RecordLists", "Student"),
                 QT_TRANSLATE_NOOP("RecordLists", "Class"), QT_TRANSLATE_NOOP("RecordLists", "School"),
                 QT_TRANSLATE_NOOP("RecordLists", "Purpose"), QT_TRANSLATE_NOOP("RecordLists", "Visitors"),
                 QT_TRANSLATE_NOOP("RecordLists", "Status"))
CASE_COLUMNS = (QT_TRANSLATE_NOOP("RecordLists", "Student"), QT_TRANSLATE_NOOP("RecordLists", "Class"),
                QT_TRANSLATE_NOOP("RecordLists", "School"), QT_TRANSLATE_NOOP("RecordLists", "Status"),
                QT_TRANSLATE_NOOP("RecordLists", "Reason"), QT_TRANSLATE_NOOP("RecordLists", "Detected"),
                QT_TRANSLATE_NOOP("RecordLists", "Attempts"), QT_TRANSLATE_NOOP("RecordLists", "Last attempt"),
                QT_TRANSLATE_NOOP("RecordLists", "Outcome"))
CHECK_COLUMNS = (QT_TRANSLATE_NOOP("RecordLists", "Student"), QT_TRANSLATE_NOOP("RecordLists", "Student number"),
                 QT_TRANSLATE_NOOP("RecordLists", "Came back"), QT_TRANSLATE_NOOP("RecordLists", "Reason"),
                 QT_TRANSLATE_NOOP("RecordLists", "Details"), QT_TRANSLATE_NOOP("RecordLists", "Note"))


def _headers(titles: Sequence[object]) -> list[str]:
    return [QCoreApplication.translate("RecordLists", str(title)) for title in titles]


class PagedTableModel(QAbstractTableModel, Generic[R]):
    """Rows fetched a page at a time; subclasses say how to count, fetch and show them."""

    def __init__(self, database: Database, headers: Sequence[str], *, page: int = PAGE) -> None:
        super().__init__()
        self.database = database
        self.headers = list(headers)
        self.page = page
        self.rows: list[R] = []
        self.total = 0

    # ------------------------------------------------------------------ to implement
    def count(self) -> int:
        raise NotImplementedError

    def fetch(self, offset: int, limit: int) -> list[R]:
        raise NotImplementedError

    def cell(self, row: R, column: int) -> Any:
        raise NotImplementedError

    def row_id(self, row: R) -> str:
        return str(getattr(row, "id"))  # noqa: B009 (rows are plain dataclasses with an id)

    # ------------------------------------------------------------------ paging
    def reload(self) -> None:
        self.beginResetModel()
        self.total = self.count()
        self.rows = self.fetch(0, min(self.page, self.total)) if self.total else []
        self.endResetModel()

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008 (Qt's own default)
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        more = self.fetch(len(self.rows), self.page)
        if not more:
            self.total = len(self.rows)  # the list shrank under us (a sync): stop asking
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    # ------------------------------------------------------------------ the model
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.headers):
            return self.headers[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = self.cell(row, index.column())
            return value.isoformat() if isinstance(value, date) else value
        if role == ID_ROLE:
            return self.row_id(row)
        return None

    def id_at(self, row: int) -> str:
        return self.row_id(self.rows[row])


class VisitListModel(PagedTableModel[VisitRow]):
    def __init__(self, database: Database) -> None:
        super().__init__(database, _headers(VISIT_COLUMNS))
        self.filter = VisitFilter()

    def set_filter(self, flt: VisitFilter) -> None:
        self.filter = flt
        self.reload()

    def count(self) -> int:
        with self.database.read() as session:
            return visit_lists.count_visits(session, self.filter)

    def fetch(self, offset: int, limit: int) -> list[VisitRow]:
        with self.database.read() as session:
            return visit_lists.visit_rows(session, self.filter, offset, limit)

    def cell(self, row: VisitRow, column: int) -> Any:
        status = row.status.label() + (QCoreApplication.translate("RecordLists", " (amendment)") if row.amends else "")
        return (row.visited_on, row.student_name, row.class_label, row.school_name, row.purpose, row.visitors,
                status)[column]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.column() == 6 \
                and self.rows[index.row()].status is VisitStatus.DRAFT:
            return QBrush(QColor("#b26a00"))  # drafts stand out: they are work to finish
        return super().data(index, role)


class CaseListModel(PagedTableModel[CaseRow]):
    def __init__(self, database: Database) -> None:
        super().__init__(database, _headers(CASE_COLUMNS))
        self.filter = CaseFilter()

    def set_filter(self, flt: CaseFilter) -> None:
        self.filter = flt
        self.reload()

    def count(self) -> int:
        with self.database.read() as session:
            return visit_lists.count_cases(session, self.filter)

    def fetch(self, offset: int, limit: int) -> list[CaseRow]:
        with self.database.read() as session:
            return visit_lists.case_rows(session, self.filter, offset, limit)

    def cell(self, row: CaseRow, column: int) -> Any:
        return (row.student_name, row.class_label, row.school_name, row.status.label(), row.reason,
                row.detected_on, row.attempts, row.last_attempt_on or "", row.outcome)[column]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and index.isValid() and index.column() == 6:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.column() == 3 \
                and self.rows[index.row()].status is CaseStatus.OPEN:
            return QBrush(QColor("#b3261e"))  # nobody has gone to persuade yet
        return super().data(index, role)


@dataclass(frozen=True)
class ClassKey:
    school_id: str
    grade: int
    class_name: str
    checked_on: date
    term: Term


class ClassCheckModel(PagedTableModel[RosterCheckRow]):
    """A class's students for a return check: tick who came back, pick the reason for the others.

    The ticks and reasons are kept in the model until saved; rows whose student already has an open case
    (status dropped out) cannot be ticked as back, because the case records that return.
    """

    NAME, NUMBER, RETURNED, REASON, DETAIL, NOTE = range(6)

    def __init__(self, database: Database) -> None:
        super().__init__(database, _headers(CHECK_COLUMNS))
        self.key: ClassKey | None = None
        self.errors: dict[str, str] = {}  # student id -> message from the last save

    def set_class(self, key: ClassKey | None) -> None:
        self.key = key
        self.errors = {}
        self.reload()

    def count(self) -> int:
        if self.key is None:
            return 0
        with self.database.read() as session:
            return visit_lists.count_class_roster(session, self.key.school_id, self.key.grade, self.key.class_name)

    def fetch(self, offset: int, limit: int) -> list[RosterCheckRow]:
        if self.key is None:
            return []
        key = self.key
        with self.database.read() as session:
            return visit_lists.class_roster(session, key.school_id, key.grade, key.class_name,
                                            checked_on=key.checked_on, term=key.term, offset=offset, limit=limit)

    def row_id(self, row: RosterCheckRow) -> str:
        return row.student_id

    def cell(self, row: RosterCheckRow, column: int) -> Any:
        if column == self.NAME:
            return row.name
        if column == self.NUMBER:
            return row.student_number or ""
        if column == self.RETURNED:
            return None
        if column == self.REASON:
            return row.reason.label() if row.reason else ""
        if column == self.DETAIL:
            return row.detail
        notes = []
        if row.status is not StudentStatus.IN_SCHOOL:
            notes.append(row.status.label())
        if row.has_open_case:
            notes.append(QCoreApplication.translate("RecordLists", "case open"))
        return QCoreApplication.translate("RecordLists", ", ").join(notes)

    def _locked(self, row: RosterCheckRow) -> bool:
        return row.status is not StudentStatus.IN_SCHOOL

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        row = self.rows[index.row()]
        if index.column() == self.RETURNED and not self._locked(row):
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if index.column() in (self.REASON, self.DETAIL) and not row.returned:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == self.RETURNED:
            return Qt.CheckState.Checked if row.returned else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.EditRole and index.column() == self.REASON:
            return row.reason.value if row.reason else ""
        if role == Qt.ItemDataRole.EditRole and index.column() == self.DETAIL:
            return row.detail
        if role == Qt.ItemDataRole.ToolTipRole and row.student_id in self.errors:
            return self.errors[row.student_id]
        if role == Qt.ItemDataRole.BackgroundRole and row.student_id in self.errors:
            return QBrush(QColor(255, 224, 224))
        if role == Qt.ItemDataRole.ForegroundRole and row.student_id in self.errors:
            return QBrush(QColor("#5f1410"))
        return super().data(index, role)

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
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
        """Every row of the class (fetching the rest first), with the user's ticks and reasons."""
        while self.canFetchMore():
            self.fetchMore()
        return list(self.rows)

    def set_errors(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, self.NOTE))

