"""冲突 Conflicts: fields two laptops changed differently. Both (or all) values side by side with who and when;
keep one, or type a new one. Deciding writes an op that syncs, and the other values stay in the history."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import DomainError
from app.domain.fields import field_label
from app.services.conflicts import ConflictView, keep_candidate, list_conflicts, resolve_conflict
from app.store.db import Database
from app.store.oplog import CODECS
from app.ui import ops
from app.ui.pages import REGISTRY, Navigator, PageSpec

Index = QModelIndex | QPersistentModelIndex


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)


class ConflictListModel(QAbstractTableModel):
    """The open conflicts (a handful at most: each is a field two people changed the same day)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.views: list[ConflictView] = []

    def load(self, views: list[ConflictView]) -> None:
        self.beginResetModel()
        self.views = views
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self.views)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Record"), self.tr("Field"), self.tr("Values"))[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        view = self.views[index.row()]
        from app.domain.i18n import current_language

        kind = view.kind_zh if current_language() == "zh" else view.kind_en
        return (f"{kind} {view.record}", field_label(view.field),
                " / ".join(_shown(c.value) for c in view.candidates))[index.column()]


class ConflictsPage(QWidget):
    def __init__(self, database: Database, navigator: Navigator | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.navigator = navigator
        title = QLabel(self.tr("Conflicts"))
        title.setStyleSheet("font-size: 20px; font-weight: bold")
        intro = QLabel(self.tr("Two laptops changed the same field differently without seeing each other's change. "
                               "Choose the right value; the other stays in the record's history."))
        intro.setWordWrap(True)
        self.model = ConflictListModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _old: self.show_conflict(current.row()))
        self.detail = QGroupBox(self.tr("Values"))
        self.grid = QGridLayout(self.detail)
        self.new_value = QLineEdit()
        self.new_value.setPlaceholderText(self.tr("or type the right value"))
        self.use_new = QPushButton(self.tr("Use this value"))
        self.use_new.clicked.connect(self.use_typed_value)
        typed = QHBoxLayout()
        typed.addWidget(self.new_value, 1)
        typed.addWidget(self.use_new)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e")
        self.empty = QLabel(self.tr("No conflicts to review."))
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.detail)
        right_layout.addLayout(typed)
        right_layout.addWidget(self.error)
        right_layout.addStretch(1)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.empty)
        layout.addWidget(splitter, 1)
        self.keep_buttons: list[QPushButton] = []
        self.current: ConflictView | None = None
        self.refresh()
        # A sync's writes may bring conflicts in any synced table: reread at once if shown, else when next shown.
        self.changes = ops.ChangeWatch(self, CODECS, self.refresh)

    def refresh(self) -> None:
        with self.database.read() as session:
            views = list_conflicts(session)
        self.model.load(views)
        self.empty.setVisible(not views)
        self.show_conflict(0 if views else -1)
        if views:
            self.table.selectRow(0)

    def show_conflict(self, row: int) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.keep_buttons = []
        self.error.setText("")
        self.current = self.model.views[row] if 0 <= row < len(self.model.views) else None
        self.detail.setEnabled(self.current is not None)
        self.new_value.setEnabled(self.current is not None and self._typed_allowed())
        self.use_new.setEnabled(self.new_value.isEnabled())
        if self.current is None:
            return
        headers = (self.tr("Value"), self.tr("Changed by"), self.tr("On laptop"), self.tr("When"), "")
        for column, text in enumerate(headers):
            label = QLabel(f"<b>{text}</b>")
            self.grid.addWidget(label, 0, column)
        for line, candidate in enumerate(self.current.candidates, start=1):
            shown = _shown(candidate.value) + ("  " + self.tr("(shown now)") if candidate.winner else "")
            self.grid.addWidget(QLabel(shown), line, 0)
            self.grid.addWidget(QLabel(candidate.user_name or self.tr("another laptop's user")), line, 1)
            self.grid.addWidget(QLabel(candidate.device_name or candidate.device_id[:8]), line, 2)
            self.grid.addWidget(QLabel(candidate.at.astimezone().strftime("%Y-%m-%d %H:%M")), line, 3)
            keep = QPushButton(self.tr("Keep this"))
            keep.clicked.connect(lambda _=False, op=candidate.op: self.keep(op))
            self.keep_buttons.append(keep)
            self.grid.addWidget(keep, line, 4)

    def _typed_allowed(self) -> bool:
        """Typing a new value makes sense for text fields; codes, dates and flags are chosen from the candidates."""
        if self.current is None:
            return False
        codec = CODECS[self.current.table]
        return self.current.field not in codec.json_fields | codec.bool_fields and all(
            isinstance(c.value, str) or c.value is None for c in self.current.candidates)

    def keep(self, op: str) -> None:
        assert self.current is not None
        view = self.current
        self._decide(lambda session: keep_candidate(session, view.table, view.row_id, view.field, op))

    def use_typed_value(self) -> None:
        assert self.current is not None
        view = self.current
        text = self.new_value.text().strip()
        if not text:
            self.error.setText(self.tr("Type the value first."))
            return
        self._decide(lambda session: resolve_conflict(session, view.table, view.row_id, view.field, text))

    def _decide(self, action: Any) -> None:
        try:
            ops.write(self.database, action, source=self)
        except DomainError as exc:
            self.error.setText(str(exc))
            return
        self.new_value.clear()
        self.refresh()


REGISTRY.register(PageSpec(
    key="conflicts", title=("ConflictsPage", "Conflicts"), order=85,
    factory=lambda context: ConflictsPage(context.database, context.navigator)))
