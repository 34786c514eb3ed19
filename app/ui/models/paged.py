"""The table models of the app's lists, on one base: :class:`TableModel` over :class:`Column` definitions.

- :class:`PagedTableModel`: a window over a count and pages of a service query (a list that can be long: the
  roster, households, visits, cases, users, the audit log). ``rowCount`` is the query's count; ``data`` for a
  row loads the page that holds it (``LIMIT``/``OFFSET`` in the service) and keeps the most recently used
  pages. Scrolling from the top to the bottom of the roster touches a few pages, never the rows in between,
  so memory stays flat and the scrollbar shows the whole list at once (no "load more" jumps, which
  ``fetchMore`` would cause).
  :class:`FilteredTableModel` is one under a filter, over a service's count and page functions.
- :class:`RowsTableModel`: rows already in memory (a class of a few dozen students, a student's visits).
- :class:`ListTableModel`: rows of plain values, with an id and extra roles per row.

The base answers ``columnCount``, ``headerData``, ``flags`` and ``data``: the display text from
:meth:`TableModel.cell`, the record id in :data:`ID_ROLE`, the right alignment of numeric
columns, and other roles from :meth:`TableModel.extra`. No model here reads the database but through a
service.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
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
F = TypeVar("F")
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


class TableModel(QAbstractTableModel, Generic[R]):
    """A read-only table of rows of type ``R`` under ``columns``; subclasses say where the rows come from
    (:meth:`row`, :meth:`row_total`) and how a cell shows (:meth:`cell`, :meth:`extra`)."""

    #: The translation context of the column titles.
    CONTEXT = "Columns"

    def __init__(self, columns: Sequence[Column]) -> None:
        super().__init__()
        self.columns = list(columns)

    # ------------------------------------------------------------------ to implement
    def row(self, number: int) -> R | None:
        """The row object at a position, or None past the end."""
        raise NotImplementedError

    def row_total(self) -> int:
        raise NotImplementedError

    def cell(self, row: R, key: str) -> Any:
        raise NotImplementedError

    def row_id(self, row: R) -> str | None:
        return str(getattr(row, "id"))  # noqa: B009 (rows are plain dataclasses with an id)

    def extra(self, row: R, key: str, role: int) -> Any:
        """Other roles (font, colour, tooltip, check state) for a cell; None by default."""
        return None

    def id_at(self, number: int) -> str | None:
        row = self.row(number)
        return None if row is None else self.row_id(row)

    # ------------------------------------------------------------------ the model
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802 (Qt's default and name)
        return 0 if parent.isValid() else self.row_total()

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.column() < len(self.columns):
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
                return QCoreApplication.translate(self.CONTEXT, self.columns[section].title)
            return None
        return section + 1

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def retranslate(self) -> None:
        """Titles, codes and warnings are shown in the language of the moment: ask the views to read again."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        total = self.row_total()
        if total:
            self.dataChanged.emit(self.index(0, 0), self.index(total - 1, len(self.columns) - 1))


class PagedTableModel(TableModel[R]):
    """Subclasses say how to count, fetch a page and show a cell."""

    PAGE = 100
    MAX_PAGES = 40  # 4,000 rows kept at most, whatever the list's length

    def __init__(self, database: Database, columns: Sequence[Column]) -> None:
        super().__init__(columns)
        self.database = database
        self.total = 0
        self._pages: OrderedDict[int, list[R]] = OrderedDict()

    # ------------------------------------------------------------------ to implement
    def count(self, session: Session) -> int:
        raise NotImplementedError

    def fetch(self, session: Session, offset: int, limit: int) -> list[R]:
        raise NotImplementedError

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

    def row_total(self) -> int:
        return self.total

    def cached_pages(self) -> int:
        return len(self._pages)


class FilteredTableModel(PagedTableModel[R], Generic[R, F]):
    """A paged list under a filter (the page's choices, or its search text): the service's count and page
    functions are called with it, and a new filter reloads the list."""

    def __init__(self, database: Database, columns: Sequence[Column], flt: F, *,
                 count: Callable[[Session, F], int], page: Callable[[Session, F, int, int], list[R]]) -> None:
        super().__init__(database, columns)
        self.filter = flt
        self._count, self._page = count, page

    def set_filter(self, flt: F) -> None:
        self.filter = flt
        self.reload()

    def count(self, session: Session) -> int:
        return self._count(session, self.filter)

    def fetch(self, session: Session, offset: int, limit: int) -> list[R]:
        return self._page(session, self.filter, offset, limit)


class RowsTableModel(TableModel[R]):
    """A short list of rows already in memory, replaced whole by :meth:`set_rows`."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[R] = ()) -> None:
        super().__init__(columns)
        self.rows: list[R] = list(rows)

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row(self, number: int) -> R | None:
        return self.rows[number] if 0 <= number < len(self.rows) else None

    def row_total(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Line:
    """A row of :class:`ListTableModel`: its values (one per column), its record id, other roles."""

    values: Sequence[Any]
    id: str | None = None
    roles: Mapping[Any, Any] = field(default_factory=dict)


class ListTableModel(RowsTableModel[Line]):
    """A short list of plain values already in memory (a student's visits, a household's members, the day's
    work), with a record id and other roles (a colour for overdue lines) per row."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Sequence[Any]] = (),
                 ids: Sequence[str] = ()) -> None:
        super().__init__(columns, self._lines(rows, ids, None))
        self._positions = {column.key: number for number, column in enumerate(self.columns)}
        if len(self._positions) != len(self.columns):
            raise ValueError("each column of a list needs its own key")

    @staticmethod
    def _lines(rows: Sequence[Sequence[Any]], ids: Sequence[str],
               roles: dict[tuple[int, Any], Any] | None) -> list[Line]:
        by_row: dict[int, dict[Any, Any]] = {}
        for (number, role), value in (roles or {}).items():
            by_row.setdefault(number, {})[role] = value
        return [Line(values, ids[number] if number < len(ids) else None, by_row.get(number, {}))
                for number, values in enumerate(rows)]

    def set_rows(self, rows: Sequence[Any], ids: Sequence[str] = (),
                 roles: dict[tuple[int, Any], Any] | None = None) -> None:
        """The rows (a sequence of values each), their record ids, and ``roles``: (row, role) -> value."""
        super().set_rows(self._lines(rows, ids, roles))

    def cell(self, row: Line, key: str) -> Any:
        position = self._positions[key]
        return row.values[position] if position < len(row.values) else None

    def row_id(self, row: Line) -> str | None:
        return row.id

    def extra(self, row: Line, key: str, role: int) -> Any:
        return row.roles.get(role)
