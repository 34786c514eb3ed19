"""A labelled input with its error shown right under it, and small builders for the inputs the forms use.

Errors come from the services (a DomainError's message in the current language); this module only shows
them. An input in error keeps whatever the user typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from app.store.db import Database

ERROR_STYLE = "color: #b3261e;"
# A red frame that also reads in dark mode; the palette's own colours do the rest.
INVALID_STYLE = "border: 1px solid #d93025; border-radius: 3px;"


class ErrorLabel(QLabel):
    """The message under a field; hidden while there is none, so the form does not jump around."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(ERROR_STYLE)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, message: str | None) -> None:
        self.setText(message or "")
        self.setVisible(bool(message))


class FieldBlock(QWidget):
    """Label, input and error message, stacked."""

    def __init__(self, label: str, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.label = QLabel(label)
        self.label.setBuddy(editor)
        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        layout.addWidget(self.label)
        layout.addWidget(editor)
        layout.addWidget(self.error)

    def set_error(self, message: str | None) -> None:
        self.error.show_message(message)
        self.editor.setProperty("invalid", bool(message))
        self.editor.setStyleSheet(INVALID_STYLE if message else "")

    def has_error(self) -> bool:
        return bool(self.error.text())


def line_edit(text: str = "", *, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    return edit


def date_edit(value: date | str | None = None) -> QLineEdit:
    """Dates are typed as text (2026-03-01) so a half-typed or wrong date is kept and explained, not refused."""
    text = value.isoformat() if isinstance(value, date) else (value or "")
    return line_edit(text, placeholder=QCoreApplication.translate("Fields", "e.g. 2026-03-01"))


def text_area(text: str = "", *, lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit(text)
    edit.setTabChangesFocus(True)  # Tab moves on to the next field, as in every other input
    metrics = edit.fontMetrics()
    edit.setMinimumHeight(metrics.lineSpacing() * lines + 12)
    edit.setMaximumHeight(metrics.lineSpacing() * (lines + 3) + 12)
    return edit


def code_combo(choices: Sequence[tuple[str, str]], *, blank: str | None = None, current: str | None = None
               ) -> QComboBox:
    """A combo of (value, label) pairs; ``blank`` adds a first entry whose value is empty."""
    combo = QComboBox()
    if blank is not None:
        combo.addItem(blank, "")
    for value, label in choices:
        combo.addItem(label, value)
    set_combo_value(combo, current or "")
    return combo


def set_combo_value(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(index if index >= 0 else 0)


def combo_value(combo: QComboBox) -> str:
    return str(combo.currentData() or "")


def fill_class_combo(combo: QComboBox, database: Database, school_id: str) -> None:
    """The classes of a school (data: ``[grade, class_name]``), without signalling each addition."""
    from app.services import listing, visit_lists

    combo.blockSignals(True)
    combo.clear()
    if school_id:
        with database.read() as session:
            for grade, class_name in listing.class_choices(session, school_id):
                combo.addItem(visit_lists.class_label(grade, class_name), [grade, class_name])
    combo.blockSignals(False)


class PeopleTable(QWidget):
    """An editable table of people (visitors, persuaders): name, optional role, unit, phone.

    Always ends in an empty row to type into; rows left empty are not people (the service ignores them).
    """

    changed = Signal()

    def __init__(self, columns: Sequence[str], *, roles: Sequence[tuple[str, str]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)  # keys: name, role, unit, phone
        self.roles = list(roles or ())
        self.table = QTableWidget(0, len(self.columns))
        headers = {"name": QCoreApplication.translate("Fields", "Name"),
                   "role": QCoreApplication.translate("Fields", "Role"),
                   "unit": QCoreApplication.translate("Fields", "Unit"),
                   "phone": QCoreApplication.translate("Fields", "Phone")}
        self.table.setHorizontalHeaderLabels([headers[c] for c in self.columns])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(110)
        self.table.itemChanged.connect(self._item_changed)
        self.add_button = QPushButton(QCoreApplication.translate("Fields", "Add a row"))
        self.remove_button = QPushButton(QCoreApplication.translate("Fields", "Remove the selected row"))
        self.add_button.clicked.connect(lambda: self._append({}))
        self.remove_button.clicked.connect(self._remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._read_only = False
        self._loading = False
        self.set_rows([])

    def set_rows(self, rows: Sequence[dict[str, str]]) -> None:
        self._loading = True
        self.table.setRowCount(0)
        for row in rows:
            self._append(row)
        if not self._read_only:
            self._append({})
        self._loading = False

    def _append(self, row: dict[str, str]) -> None:
        was_loading = self._loading
        self._loading = True
        index = self.table.rowCount()
        self.table.insertRow(index)
        for column, key in enumerate(self.columns):
            if key == "role":
                # Blank until chosen, so an untouched row does not look like a visitor with a role.
                combo = code_combo(self.roles, blank="", current=row.get("role") or "")
                combo.setEnabled(not self._read_only)
                combo.currentIndexChanged.connect(self._emit_changed)
                self.table.setCellWidget(index, column, combo)
            else:
                item = QTableWidgetItem(row.get(key) or "")
                if self._read_only:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(index, column, item)
        self._loading = was_loading

    def rows(self) -> list[dict[str, str]]:
        result = []
        for index in range(self.table.rowCount()):
            row: dict[str, str] = {}
            for column, key in enumerate(self.columns):
                if key == "role":
                    widget = self.table.cellWidget(index, column)
                    row[key] = combo_value(widget) if isinstance(widget, QComboBox) else ""
                else:
                    item = self.table.item(index, column)
                    row[key] = item.text() if item is not None else ""
            result.append(row)
        return result

    def set_cell(self, row: int, key: str, text: str) -> None:
        """Type into a cell (tests and paste use this)."""
        item = self.table.item(row, self.columns.index(key))
        assert item is not None
        item.setText(text)

    def set_role(self, row: int, value: str) -> None:
        widget = self.table.cellWidget(row, self.columns.index("role"))
        assert isinstance(widget, QComboBox)
        set_combo_value(widget, value)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.add_button.setVisible(not read_only)
        self.remove_button.setVisible(not read_only)
        rows = [r for r in self.rows() if any(v for k, v in r.items() if k != "role")]
        self.set_rows(rows)

    def _item_changed(self, _item: QTableWidgetItem) -> None:
        if self._loading:
            return
        last = self.table.rowCount() - 1
        if last >= 0 and any(self.table.item(last, c) is not None and self.table.item(last, c).text()  # type: ignore[union-attr]
                             for c, key in enumerate(self.columns) if key != "role"):
            self._append({})  # keep an empty row at the end to type the next person into
        self.changed.emit()

    def _emit_changed(self) -> None:
        if not self._loading:
            self.changed.emit()

    def _remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
        if self.table.rowCount() == 0 and not self._read_only:
            self._append({})
        self.changed.emit()
