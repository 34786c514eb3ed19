"""A table model over a count and pages of a service query: a window on 100,000 rows, never all of them.

``rowCount`` is the query's count; ``data`` for a row loads the page that holds it (``LIMIT``/``OFFSET`` in the
service) and keeps the most recently used pages. Scrolling from the top to the bottom of the roster touches a
few pages, never the rows in between, so memory stays flat and the scrollbar shows the whole list at once
(no "load more" jumps, which ``fetchMore`` would cause).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from app.store.db import Database
from app.ui.qt import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

R = TypeVar("R")
AnyIndex = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # English source; translated in the "Columns" context when shown
    align_right: bool = False
    sample: str = ""  # typical content, for the column's width (measured, never read from 100,000 rows)
    stretch: bool = False  # takes the width that is left


class PagedTableModel(QAbstractTableModel, Generic[R]):
    """Subclasses say how to count, fetch a page and show a cell."""

    PAGE = 100
    MAX_PAGES = 40  # 4,000 rows kept at most, whatever the list's length

    def __init__(self, database: Database, columns: Sequence[Column]) -> None:
        super().__init__()
        self.database = database
        self.columns = list(columns)
        self.total = 0
        self._pages: OrderedDict[int, list[R]] = OrderedDict()

    # ------------------------------------------------------------------ to implement
    def count(self, session: Session) -> int:
        raise NotImplementedError

    def fetch(self, session: Session, offset: int, limit: int) -> list[R]:
        raise NotImplementedError

    def cell(self, row: R, key: str) -> Any:
        raise NotImplementedError

    def row_id(self, row: R) -> str:
        return str(getattr(row, "id"))  # noqa: B009 (rows are plain dataclasses with an id)

    def extra(self, row: R, key: str, role: int) -> Any:
        """Other roles (font, colour, tooltip) for a cell; None by default."""
        return None

    # ------------------------------------------------------------------ paging
    def reload(self) -> None:
        """Count again and forget every page (after the query or the data changed)."""
        self.beginResetModel()
        with self.database.read() as session:
            self.total = self.count(session)
            self._pages.clear()
            if self.total:
                self._pages[0] = self.fetch(session, 0, self.PAGE)
        self.endResetModel()

    def refresh(self) -> None:
        """Read the rows again after other pages wrote: in place when the count is unchanged (the view keeps
        its scroll position and selection), as a reset when it changed."""
        with self.database.read() as session:
            total = self.count(session)
        if total != self.total:
            self.reload()
            return
        self._pages.clear()
        if self.total:
            self.dataChanged.emit(self.index(0, 0), self.index(self.total - 1, len(self.columns) - 1))

    def row(self, number: int) -> R | None:
        """The row object at a position (loading its page if needed), or None past the end."""
        if not 0 <= number < self.total:
            return None
        page = number // self.PAGE
        rows = self._pages.get(page)
        if rows is None:
            with self.database.read() as session:
                rows = self.fetch(session, page * self.PAGE, self.PAGE)
            self._pages[page] = rows
            while len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        index = number % self.PAGE
        # The list may have shrunk since it was counted (another window, a sync): show an empty row.
        return rows[index] if index < len(rows) else None

    def cached_pages(self) -> int:
        return len(self._pages)

    # ------------------------------------------------------------------ the model
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802 (Qt's default and name)
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() >= len(self.columns):
            return None
        row = self.row(index.row())
        if row is None:
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = self.cell(row, column.key)
            return "" if value is None else value
        if role == ID_ROLE:
            return self.row_id(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return self.extra(row, column.key, role)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self.columns):
                return QCoreApplication.translate("Columns", self.columns[section].title)
            return None
        return section + 1

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class ListTableModel(QAbstractTableModel):
    """A short list already in memory (a student's visits, a household's members, the day's work)."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Sequence[Any]] = (),
                 ids: Sequence[str] = ()) -> None:
        super().__init__()
        self.columns = list(columns)
        self.rows: list[Sequence[Any]] = list(rows)
        self.ids: list[str] = list(ids)
        self.roles: dict[tuple[int, Any], Any] = {}  # (row, role) -> value, e.g. a colour for overdue lines

    def set_rows(self, rows: Sequence[Sequence[Any]], ids: Sequence[str] = (),
                 roles: dict[tuple[int, Any], Any] | None = None) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.ids = list(ids)
        self.roles = dict(roles or {})
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = row[index.column()] if index.column() < len(row) else None
            return "" if value is None else value
        if role == ID_ROLE:
            return self.ids[index.row()] if index.row() < len(self.ids) else None
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[index.column()].align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return self.roles.get((index.row(), role))

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self.columns):
                return QCoreApplication.translate("Columns", self.columns[section].title)
            return None
        return section + 1

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
