"""Small dialogs the record pages share: pick a student; fill a few fields and run one service call.

An :class:`ActionDialog` shows each DomainError next to the field it names (``error.field``) and keeps the
dialog open with everything typed, so a wrong date costs the user one correction, not the whole form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import DomainError
from app.services import visit_lists
from app.store.db import Database
from app.store.errors import StoreError
from app.ui.widgets.fields import ErrorLabel, FieldBlock, PeopleTable, combo_value, line_edit

Submit = Callable[[dict[str, Any]], Any]



def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(QCoreApplication.translate("Dialogs", "Cancel"))
    buttons.rejected.connect(dialog.reject)
    return buttons


class StudentPicker(QDialog):
    """Find a student by name, pinyin initials or student number; Enter or OK picks the highlighted one."""

    picked = Signal(str)

    def __init__(self, database: Database, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.database = database
        self.search = line_edit(placeholder=QCoreApplication.translate(
            "Dialogs", "Name, pinyin initials (wxm) or student number"))
        self.results = QListWidget()
        self.error = ErrorLabel()
        self.buttons = _buttons(self, QCoreApplication.translate("Dialogs", "Choose"))
        self.buttons.accepted.connect(self.choose)
        self.results.itemActivated.connect(lambda _item: self.choose())
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self.resize(460, 380)
        self.refresh()

    def refresh(self) -> None:
        try:
            with self.database.read() as session:
                found = visit_lists.find_students(session, self.search.text(), limit=50)
        except StoreError as exc:
            self.error.show_message(str(exc))
            return
        self.results.clear()
        for student in found:
            klass = visit_lists.class_label(student.grade, student.class_name)
            text = f"{student.name}  ·  {student.school_name} {klass}"
            if student.student_number:
                text += f"  ·  {student.student_number}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, student.id)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def choose(self) -> None:
        item = self.results.currentItem()
        if item is None:
            self.error.show_message(QCoreApplication.translate("Dialogs", "Choose a student from the list."))
            return
        self.picked.emit(str(item.data(Qt.ItemDataRole.UserRole)))
        self.accept()


class ActionDialog(QDialog):
    """A few labelled inputs and one service call; errors appear next to their field, input stays."""

    submitted = Signal(object)  # the service's result

    def __init__(self, title: str, ok_text: str, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.submit_fn = submit
        self.blocks: dict[str, FieldBlock] = {}
        self.body = QVBoxLayout()
        self.error = ErrorLabel()
        self.buttons = _buttons(self, ok_text)
        self.buttons.accepted.connect(self.submit)
        layout = QVBoxLayout(self)
        layout.addLayout(self.body)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def add(self, name: str, label: str, editor: QWidget) -> QWidget:
        block = FieldBlock(label, editor)
        self.blocks[name] = block
        self.body.addWidget(block)
        return editor

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, block in self.blocks.items():
            editor = block.editor
            if isinstance(editor, QLineEdit):
                values[name] = editor.text()
            elif isinstance(editor, QPlainTextEdit):
                values[name] = editor.toPlainText()
            elif isinstance(editor, QComboBox):
                values[name] = combo_value(editor)
            elif isinstance(editor, QCheckBox):
                values[name] = editor.isChecked()
            elif isinstance(editor, PeopleTable):
                values[name] = [row for row in editor.rows() if any(row.values())]
        return values

    def submit(self) -> None:
        for block in self.blocks.values():
            block.set_error(None)
        self.error.show_message(None)
        try:
            result = self.submit_fn(self.values())
        except DomainError as exc:
            at = self.blocks.get(exc.field or "")
            if at is not None:
                at.set_error(str(exc))
                at.editor.setFocus()
            else:
                self.error.show_message(str(exc))
            return
        self.submitted.emit(result)
        self.accept()
