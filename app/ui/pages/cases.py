"""劝返 Cases: the list by status and school, and one case (一人一案) with its timeline and actions.

The buttons a case offers are the actions its lifecycle allows (``allowed_actions``); each opens a small
dialog that calls the service and shows any error next to the field it is about. For a teacher who does not
cover the case's student (:func:`app.services.access.edit_refusal`) the buttons are disabled, with the reason
and what to do beside them and as their tooltip; a case is not opened for such a student either.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import CaseOutcome, DropoutReason, ReturnMode
from app.domain.errors import DomainError
from app.domain.lifecycle import CaseAction, CaseStatus, allowed_actions
from app.services import access, case_views, cases, listing
from app.services.case_views import CaseDetail
from app.services.visit_lists import ACTIVE, CaseFilter
from app.store.db import Database
from app.store.errors import StoreError
from app.ui import ops
from app.ui.i18n import QT_TRANSLATE_NOOP
from app.ui.models.record_lists import CaseListModel
from app.ui.pages import REGISTRY, PageContext, PageSpec
from app.ui.widgets.dialogs import ActionDialog, StudentPicker
from app.ui.widgets.fields import ErrorLabel, PeopleTable, code_combo, combo_value, date_edit, line_edit, text_area

# Buttons in the order a case moves through its life; the extra "typical" is not a lifecycle move.
#: What the cases list shows.
CASE_LIST_TABLES = ("dropout_case", "persuasion_attempt", "retention_follow_up", "student", "school")
ACTION_ORDER = (CaseAction.RECORD_ATTEMPT, CaseAction.RECORD_OUTCOME, CaseAction.RECORD_FOLLOW_UP,
                CaseAction.VERIFY_PLACEMENT, CaseAction.RELAPSE, CaseAction.CLOSE)
TIMELINE_COLOURS = {"detected": "#b3261e", "attempt": "#1a73e8", "outcome": "#188038", "follow_up": "#5f6368",
                    "relapse": "#b3261e", "closed": "#188038"}


class CaseView(QWidget):
    """One case: its facts, its history as a timeline, and the actions its status allows."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.case_id: str | None = None
        self.detail: CaseDetail | None = None
        self.dialog: ActionDialog | None = None
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 17px; font-weight: bold")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = ErrorLabel()
        self.refusal: str | None = None  # why the signed-in teacher may not change this case
        self.notice = ErrorLabel()  # the refusal, shown while the buttons are disabled

        facts = QGroupBox(self.tr("Case"))
        self.facts = QGridLayout(facts)
        self.facts.setColumnStretch(1, 1)
        self.facts.setColumnStretch(3, 1)

        self.buttons: dict[CaseAction, QPushButton] = {}
        labels = {CaseAction.RECORD_ATTEMPT: self.tr("Record a persuasion attempt"),
                  CaseAction.RECORD_OUTCOME: self.tr("Record the outcome"),
                  CaseAction.RECORD_FOLLOW_UP: self.tr("Retention follow-up"),
                  CaseAction.VERIFY_PLACEMENT: self.tr("Verify the placement"),
                  CaseAction.RELAPSE: self.tr("Dropped out again"),
                  CaseAction.CLOSE: self.tr("Close the case")}
        actions = QHBoxLayout()
        for action in ACTION_ORDER:
            button = QPushButton(labels[action])
            button.clicked.connect(lambda _checked=False, a=action: self.start_action(a))
            self.buttons[action] = button
            actions.addWidget(button)
        self.typical_button = QPushButton(self.tr("Typical case…"))
        self.typical_button.clicked.connect(self.mark_typical)
        actions.addWidget(self.typical_button)
        actions.addStretch(1)

        timeline_box = QGroupBox(self.tr("Timeline"))
        self.timeline = QVBoxLayout()
        self.timeline.setSpacing(6)
        holder = QWidget()
        holder.setLayout(self.timeline)
        QVBoxLayout(timeline_box).addWidget(holder)

        content = QWidget()
        column = QVBoxLayout(content)
        column.addWidget(self.title)
        column.addLayout(actions)
        column.addWidget(self.notice)
        column.addWidget(self.error)
        column.addWidget(facts)
        column.addWidget(timeline_box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        self.content = content
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    # ------------------------------------------------------------------ showing
    def load(self, case_id: str) -> None:
        with self.database.read() as session:
            detail = case_views.case_detail(session, case_id)
            refusal = access.edit_refusal(session, detail.student_id)
        self.case_id = case_id
        self.refusal = str(refusal) if refusal is not None else None
        self.detail = detail
        self.error.show_message(None)
        self.title.setText(self.tr("{name} · {school} {klass} · {status}").format(
            name=detail.student_name, school=detail.school_name, klass=detail.class_label,
            status=detail.status.label()))
        self._show_facts(detail)
        self._show_timeline(detail)
        allowed = set(allowed_actions(detail.status)) if self.refusal is None else set()
        for action, button in self.buttons.items():
            button.setEnabled(action in allowed)
        for button in (*self.buttons.values(), self.typical_button):
            button.setToolTip(self.refusal or "")
        self.typical_button.setEnabled(self.refusal is None)
        self.notice.show_message(self.refusal)

    def _show_facts(self, d: CaseDetail) -> None:
        while self.facts.count():
            item = self.facts.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # at once: deleteLater waits for the event loop, and would show old and new
                widget.deleteLater()
        yes, no = self.tr("yes"), self.tr("no")
        rows: list[tuple[str, str]] = [
            (self.tr("Status"), d.status.label()),
            (self.tr("Reason"), d.reason.label() + (f"（{d.reason_detail}）" if d.reason_detail else "")),
            (self.tr("Detected"), d.detected_on.isoformat()),
            (self.tr("Dropped out in"), d.dropped_month or "—"),
            (self.tr("Whereabouts"), d.whereabouts or "—"),
            (self.tr("Guardian and phone"), d.guardian or "—"),
            (self.tr("Help already given"), d.help_given or "—"),
            (self.tr("Plan"), d.plan or "—"),
            (self.tr("Outcome"), (d.outcome.label() if d.outcome else "—")
             + (f"，{d.return_mode.label()}" if d.return_mode else "")),
            (self.tr("Placement"), (d.placement or "—") + (
                "（" + (self.tr("verified") if d.placement_verified else self.tr("not verified yet")) + "）"
                if d.placement else "")),
            (self.tr("Retention follow-ups"), str(d.follow_ups_in_school)),
            (self.tr("Typical case"), yes if d.typical else no),
            (self.tr("Who covers the case"), d.responsible or "—"),
            (self.tr("Closed"), d.closed_on.isoformat() if d.closed_on else "—"),
        ]
        for number, (label, value) in enumerate(rows):
            name = QLabel(label)
            name.setStyleSheet("font-weight: 600")
            text = QLabel(value)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.facts.addWidget(name, number // 2, (number % 2) * 2, Qt.AlignmentFlag.AlignTop)
            self.facts.addWidget(text, number // 2, (number % 2) * 2 + 1, Qt.AlignmentFlag.AlignTop)

    def _show_timeline(self, d: CaseDetail) -> None:
        while self.timeline.count():
            item = self.timeline.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # at once: deleteLater waits for the event loop, and would show old and new
                widget.deleteLater()
        for event in d.timeline:
            frame = QFrame()
            frame.setObjectName("timelineEvent")
            colour = TIMELINE_COLOURS.get(event.kind, "#5f6368")
            # By object name, so the labels inside (QLabel is a QFrame too) keep no border.
            frame.setStyleSheet(f"QFrame#timelineEvent {{ border: 1px solid palette(mid); "
                                f"border-left: 5px solid {colour}; border-radius: 3px; }}")
            day = QLabel(event.on.isoformat())
            day.setStyleSheet("font-weight: bold")
            day.setMinimumWidth(90)
            text = QLabel(f"<b>{_escape(event.title)}</b><br>{_escape(event.text)}" if event.text
                          else f"<b>{_escape(event.title)}</b>")
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            row = QHBoxLayout(frame)
            row.addWidget(day, 0, Qt.AlignmentFlag.AlignTop)
            row.addWidget(text, 1)
            self.timeline.addWidget(frame)

    # ------------------------------------------------------------------ actions
    def _dialog(self, title: str, ok: str, submit: Callable[[dict[str, Any]], Any]) -> ActionDialog:
        dialog = ActionDialog(title, ok, submit, self)
        dialog.submitted.connect(lambda _result: self.reload())
        self.dialog = dialog
        return dialog

    def _write(self, call: Callable[[Any], Any]) -> Any:
        return ops.write(self.database, call, source=self)

    def start_action(self, action: CaseAction) -> ActionDialog | None:
        """Open the small dialog for a lifecycle action (shown non-modally so the page stays usable)."""
        if self.case_id is None:
            return None
        case_id = self.case_id
        today = date.today().isoformat()
        if action is CaseAction.RECORD_ATTEMPT:
            dialog = self._dialog(self.tr("Persuasion attempt"), self.tr("Record"), lambda v: self._write(
                lambda s: cases.record_attempt(s, case_id, attempted_on=v["attempted_on"], persuaders=v["persuaders"],
                                               method=v["method"], result=v["result"])))
            dialog.add("attempted_on", self.tr("Date"), date_edit(today))
            dialog.add("persuaders", self.tr("Persuaders"), PeopleTable(["name", "phone", "unit"]))
            dialog.add("method", self.tr("How (e.g. home visit, phone)"), line_edit())
            dialog.add("result", self.tr("Result"), text_area(lines=2))
        elif action is CaseAction.RECORD_OUTCOME:
            dialog = self._dialog(self.tr("Outcome"), self.tr("Record"), lambda v: self._write(
                lambda s: cases.record_outcome(s, case_id, v["outcome"] or "", outcome_on=v["outcome_on"],
                                               return_mode=v["return_mode"] or None, placement=v["placement"])))
            dialog.add("outcome", self.tr("Outcome"), code_combo(CaseOutcome.choices()))
            dialog.add("outcome_on", self.tr("Date"), date_edit(today))
            dialog.add("return_mode", self.tr("How the child rejoined (for a return)"),
                       code_combo(ReturnMode.choices(), blank=self.tr("(not a return)")))
            dialog.add("placement", self.tr("Receiving school (for a placement or transfer)"), line_edit())
        elif action in (CaseAction.RECORD_FOLLOW_UP, CaseAction.VERIFY_PLACEMENT, CaseAction.RELAPSE):
            in_school = action is not CaseAction.RELAPSE
            verifies = action is CaseAction.VERIFY_PLACEMENT
            titles = {CaseAction.RECORD_FOLLOW_UP: self.tr("Retention follow-up: the child is in school"),
                      CaseAction.VERIFY_PLACEMENT: self.tr("Verify the placement: the child attends there"),
                      CaseAction.RELAPSE: self.tr("Dropped out again: persuasion starts again")}
            dialog = self._dialog(titles[action], self.tr("Record"), lambda v: self._write(
                lambda s: cases.record_follow_up(s, case_id, followed_on=v["followed_on"], in_school=in_school,
                                                 verifies_placement=verifies, by_name=v["by_name"] or None,
                                                 notes=v["notes"])))
            dialog.add("followed_on", self.tr("Date"), date_edit(today))
            dialog.add("by_name", self.tr("Checked by"), line_edit())
            dialog.add("notes", self.tr("What was found"), text_area(lines=2))
        elif action is CaseAction.CLOSE:
            dialog = self._dialog(self.tr("Close the case"), self.tr("Close the case"), lambda v: self._write(
                lambda s: cases.close_case(s, case_id, closed_on=v["closed_on"])))
            dialog.add("closed_on", self.tr("Date"), date_edit(today))
        else:
            return None
        dialog.open()
        return dialog

    def mark_typical(self) -> ActionDialog | None:
        if self.case_id is None:
            return None
        case_id = self.case_id
        dialog = self._dialog(self.tr("Typical case for the June summary"), self.tr("Save"), lambda v: self._write(
            lambda s: cases.mark_typical(s, case_id, v["story"])))
        editor = dialog.add("story", self.tr("The story of the case"), text_area(lines=6))
        if self.detail is not None and self.detail.story:
            editor.setPlainText(self.detail.story)  # type: ignore[attr-defined]
        dialog.open()
        return dialog

    def reload(self) -> None:
        if self.case_id is not None:
            self.load(self.case_id)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")


class CasesPage(QWidget):
    """Cases by status and school; a case opens in place with its actions."""

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.database = context.database
        self.picker: StudentPicker | None = None
        self.stack = QStackedWidget()
        self._build_list()
        self.view = CaseView(self.database)
        self.back_button = QPushButton(self.tr("← Back to the list"))
        self.back_button.clicked.connect(self.show_list)
        form = QWidget()
        layout = QVBoxLayout(form)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(self.back_button)
        bar.addStretch(1)
        layout.addLayout(bar)
        layout.addWidget(self.view)
        self.case_page = form
        self.stack.addWidget(form)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.addWidget(self.stack)
        self.refresh()
        # Other pages' and tasks' writes: the list rereads in place (at once if shown, else when next shown);
        # an open case is not reread under an action the user is writing.
        self.changes = ops.ChangeWatch(self, CASE_LIST_TABLES, self._reread_list)

    def _build_list(self) -> None:
        page = QWidget()
        title = QLabel(self.tr("Dropout cases"))
        title.setStyleSheet("font-size: 18px; font-weight: bold")
        self.status_filter = QComboBox()
        self.status_filter.addItem(self.tr("Not closed"), ACTIVE)
        self.status_filter.addItem(self.tr("All cases"), "")
        for value, label in CaseStatus.choices():
            self.status_filter.addItem(label, value)
        self.school_filter = QComboBox()
        self.school_filter.addItem(self.tr("All schools"), "")
        with self.database.read() as session:
            for school_id, name in listing.school_choices(session):
                self.school_filter.addItem(name, school_id)
        self.school_filter.setMinimumContentsLength(12)
        for combo in (self.status_filter, self.school_filter):
            combo.currentIndexChanged.connect(self.refresh)
        self.open_button = QPushButton(self.tr("Open a case…"))
        self.open_button.clicked.connect(self.open_new_case)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Status")))
        filters.addWidget(self.status_filter)
        filters.addWidget(QLabel(self.tr("School")))
        filters.addWidget(self.school_filter)
        filters.addStretch(1)
        filters.addWidget(self.open_button)
        self.model = CaseListModel(self.database)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.activated.connect(self._open_index)
        self.table.doubleClicked.connect(self._open_index)
        self.count_label = QLabel()
        self.error = ErrorLabel()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addLayout(filters)
        layout.addWidget(self.error)
        layout.addWidget(self.table)
        layout.addWidget(self.count_label)
        self.list_page = page
        self.stack.addWidget(page)

    def current_filter(self) -> CaseFilter:
        return CaseFilter(status=combo_value(self.status_filter) or None,
                          school_id=combo_value(self.school_filter) or None)

    def refresh(self) -> None:
        if self.stack.currentWidget() is self.case_page:
            self.view.reload()  # a sync may have brought new attempts
        self.model.set_filter(self.current_filter())
        self.count_label.setText(self.tr("{count} case(s)").format(count=self.model.total))
        self.table.resizeColumnsToContents()

    def _reread_list(self) -> None:
        self.model.refresh()
        self.count_label.setText(self.tr("{count} case(s)").format(count=self.model.total))

    def _open_index(self, index: QModelIndex) -> None:
        record_id = self.model.id_at(index.row()) if index.isValid() else None
        if record_id:
            self.open_case(record_id)

    def show_record(self, kind: str, record_id: str) -> None:
        if kind == "case":
            self.open_case(record_id)

    def open_case(self, case_id: str) -> None:
        try:
            self.view.load(case_id)
        except (DomainError, StoreError) as exc:
            self.error.show_message(str(exc))
            return
        self.stack.setCurrentWidget(self.case_page)

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.list_page)
        self.refresh()

    def open_new_case(self) -> None:
        self.picker = StudentPicker(self.database, self.tr("Open a case: choose the student"), self)
        self.picker.picked.connect(self.new_case_for)
        self.picker.open()

    def _case_opened(self, case: Any) -> None:
        self.refresh()
        self.open_case(case.id)

    def new_case_for(self, student_id: str) -> ActionDialog | None:
        """The dialog that opens a case for a student found out of school; None (and the reason shown) when the
        signed-in teacher does not cover the student, before anything is typed."""
        refusal: Exception | None
        try:
            with self.database.read() as session:
                refusal = access.edit_refusal(session, student_id)
        except (DomainError, StoreError) as exc:
            refusal = exc
        if refusal is not None:
            self.error.show_message(str(refusal))
            return None
        self.error.show_message(None)
        def submit(v: dict[str, Any]) -> Any:
            return ops.write(self.database, lambda session: cases.open_case(
                session, student_id, detected_on=v["detected_on"], reason=v["reason"],
                dropped_month=v["dropped_month"] or None, reason_detail=v["reason_detail"],
                whereabouts=v["whereabouts"], help_given=v["help_given"], plan=v["plan"]), source=self)

        dialog = ActionDialog(self.tr("Open a dropout case"), self.tr("Open the case"), submit, self)
        dialog.add("detected_on", self.tr("Found out of school on"), date_edit(date.today()))
        dialog.add("reason", self.tr("Reason"), code_combo(DropoutReason.choices()))
        dialog.add("dropped_month", self.tr("Month dropped out (e.g. 2026-03)"), line_edit())
        dialog.add("reason_detail", self.tr("About the reason"), text_area(lines=2))
        dialog.add("whereabouts", self.tr("Whereabouts"), line_edit())
        dialog.add("help_given", self.tr("Help already given"), text_area(lines=2))
        dialog.add("plan", self.tr("Plan for this child"), text_area(lines=2))
        dialog.add("student_id", "", QCheckBox()).hide()  # only carries errors about the student itself
        dialog.blocks["student_id"].label.hide()
        dialog.submitted.connect(self._case_opened)
        self.case_dialog = dialog
        dialog.open()
        return dialog


REGISTRY.register(PageSpec(
    key="cases", title=("Pages", QT_TRANSLATE_NOOP("Pages", "Dropout cases")),
    factory=lambda context: CasesPage(context), order=40, handles=("case",)))
