"""The dialog that names who covers students (双线四包): a role, the person, their unit and phone.

The student page opens it for one student (add a holder, or change the holder of a role); the roster opens it
for every student its list shows (包班: one head teacher for a class), and then the work runs in the
background with a busy bar. The services validate; each message appears next to the field it names and
everything typed stays. A phone already on record is never shown in clear: the dialog offers to keep it,
masked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QCheckBox, QDialogButtonBox, QLabel, QProgressBar, QWidget

from app.domain.codes import ResponsibilityRole
from app.domain.errors import DomainError
from app.domain.masking import mask_phone
from app.ui.background import run_in_background
from app.ui.widgets.dialogs import ActionDialog
from app.ui.widgets.fields import code_combo, combo_value, line_edit
from app.ui.worker import Report


@dataclass(frozen=True)
class Holder:
    """Who holds a role for the student now (shown to say what an assignment replaces)."""

    person_name: str
    unit: str | None
    phone: str | None


class CoverageDialog(ActionDialog):
    """Role, person, unit, phone; ``submit(values)`` runs the service (``values``: role, person_name, unit,
    phone, each text).

    ``held`` (role value -> holder) fills in the person of the chosen role, to change rather than add. With
    ``background`` the dialog hands ``submit(values)``'s result, a ``work(report)`` callable, to a worker
    and shows a busy bar until it ends; ``submitted`` carries the work's result.
    """

    def __init__(self, title: str, ok_text: str, submit: Callable[[dict[str, Any]], Any],
                 parent: QWidget | None = None, *, role: str = ResponsibilityRole.CLASS_TEACHER.value,
                 held: Mapping[str, Holder] | None = None, note: str = "", background: bool = False) -> None:
        super().__init__(title, ok_text, submit, parent)
        self.held = dict(held or {})
        self.background = background
        self.running = False
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("okButton")
        self.note = QLabel(note)
        self.note.setObjectName("coverageDialogNote")
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))
        self.body.addWidget(self.note)
        self.role = self._field("role", self.tr("Role"), code_combo(ResponsibilityRole.choices(), current=role))
        self.person_name = self._field("person_name", self.tr("Name"), line_edit(
            placeholder=self.tr("the person's name as the lists write it, e.g. 李芳")))
        self.unit = self._field("unit", self.tr("Unit"), line_edit(placeholder=self.tr("optional, e.g. 石埠小学")))
        self.phone = self._field("phone", self.tr("Phone"),
                                 line_edit(placeholder=self.tr("optional, e.g. 13877110001")))
        self.keep_phone = QCheckBox()
        self.keep_phone.setObjectName("keepPhone")
        self.keep_phone.toggled.connect(self._keep_phone_toggled)
        self.body.insertWidget(self.body.indexOf(self.blocks["phone"]) + 1, self.keep_phone)
        self.replaces = QLabel()
        self.replaces.setObjectName("replaces")
        self.replaces.setWordWrap(True)
        self.replaces.setEnabled(False)  # the palette's muted text colour
        self.body.insertWidget(self.body.indexOf(self.blocks["role"]) + 1, self.replaces)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # one transaction: busy, with no steps to count
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.body.addWidget(self.progress)
        self._prefilled: Holder | None = None
        self.role.currentIndexChanged.connect(lambda _index: self._role_changed())
        self.person_name.textChanged.connect(self._name_edited)
        self._role_changed()
        self.person_name.setFocus()

    def _field(self, name: str, label: str, editor: Any) -> Any:
        editor.setObjectName(name)
        return self.add(name, label, editor)

    # ------------------------------------------------------------------ the holder of the chosen role
    def _role_changed(self) -> None:
        holder = self.held.get(combo_value(self.role))
        previous = self._prefilled
        # The holder of this role fills the fields the user has not typed into (they still show the last fill).
        for editor, old, new in ((self.person_name, previous.person_name if previous else "",
                                  holder.person_name if holder else ""),
                                 (self.unit, previous.unit if previous else "", holder.unit if holder else "")):
            if editor.text() == (old or ""):
                editor.setText(new or "")
        self._prefilled = holder
        self.replaces.setText(self.tr("Now held by {name}; saving replaces what is recorded for this role.").format(
            name=holder.person_name) if holder else self.tr("No one holds this role yet."))
        self.replaces.setVisible(bool(self.held))
        phone = holder.phone if holder is not None else None
        self.keep_phone.setText(self.tr("Keep the phone number on record ({phone})").format(
            phone=mask_phone(phone)) if phone else "")
        self.keep_phone.setVisible(bool(phone))
        self.keep_phone.setChecked(bool(phone) and holder is not None
                                   and self.person_name.text().strip() == holder.person_name)
        self._keep_phone_toggled(self.keep_phone.isChecked())

    def _name_edited(self, text: str) -> None:
        # Another person does not take over the phone number of the one they replace.
        holder = self._prefilled
        if holder is not None and text.strip() != holder.person_name and self.keep_phone.isChecked():
            self.keep_phone.setChecked(False)

    def _keep_phone_toggled(self, keep: bool) -> None:
        self.phone.setEnabled(not keep)
        if keep:
            self.phone.clear()
            self.blocks["phone"].set_error(None)

    def values(self) -> dict[str, Any]:
        values = super().values()
        holder = self._prefilled
        if not self.keep_phone.isHidden() and self.keep_phone.isChecked() and holder is not None:
            values["phone"] = holder.phone or ""
        return values

    # ------------------------------------------------------------------ running
    def submit(self) -> None:
        if not self.background:
            super().submit()
            return
        if self.running:
            return
        self._clear_errors()
        try:
            work: Callable[[Report], Any] = self.submit_fn(self.values())
        except DomainError as exc:
            self._show_error(exc)
            return
        self._busy(True)
        run_in_background(work, receiver=self, done=self._done, failed=self._failed)

    def _clear_errors(self) -> None:
        for block in self.blocks.values():
            block.set_error(None)
        self.error.show_message(None)

    def _show_error(self, exc: DomainError) -> None:
        at = self.blocks.get(exc.field or "")
        if at is not None:
            at.set_error(str(exc))
            at.editor.setFocus()
        else:
            self.error.show_message(str(exc))

    def _busy(self, busy: bool) -> None:
        self.running = busy
        self.progress.setVisible(busy)
        for block in self.blocks.values():
            block.editor.setEnabled(not busy and not (block.editor is self.phone and self.keep_phone.isChecked()))
        self.keep_phone.setEnabled(not busy)
        # One transaction that cannot stop half-way: it is short (the roster caps the list), so it is waited for.
        self.buttons.setEnabled(not busy)

    def _done(self, result: Any) -> None:
        self._busy(False)
        self.submitted.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        if not isinstance(exc, DomainError):
            raise exc
        self._show_error(exc)

    def reject(self) -> None:
        if not self.running:  # Esc while the work runs: it ends on its own in a moment
            super().reject()
