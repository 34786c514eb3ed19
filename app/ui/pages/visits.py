"""家访 Visits: the lists by campaign and school, and the home visit form (家访记录表).

The form checks every field as it is typed (with the services' own rules), saves the draft every few
seconds (setting ``draft_autosave_seconds``) and whenever it is closed or hidden, and keeps input that does
not pass yet in the encrypted form scratch (see :mod:`app.services.drafts`), so nothing typed is lost by an
error, a crash or a killed process. A finalized visit is read-only; a correction is an amendment.

A teacher who does not cover the visit's student sees the form read-only, with the reason and what to do in
place of the banner (:func:`app.services.access.edit_refusal`); should the coverage go while the form is open
(a sync brought the change), saving is refused with that message and what was typed stays in the form.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QHideEvent, QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.config import load_settings
from app.domain.codes import Policy, VisitorRole, VisitPurpose, VisitStatus
from app.domain.errors import DomainError
from app.services import access, campaigns, drafts, listing, photos, visit_lists, visits
from app.services.drafts import FORM_FIELDS, VisitFormState
from app.services.visit_lists import VisitFilter
from app.store.db import Database
from app.store.errors import StoreError, translate
from app.ui import ops
from app.ui.background import run_in_background
from app.ui.i18n import QT_TRANSLATE_NOOP
from app.ui.models.record_lists import VisitListModel
from app.ui.pages import REGISTRY, PageContext, PageSpec
from app.ui.widgets.dialogs import StudentPicker
from app.ui.widgets.fields import (
    ErrorLabel,
    FieldBlock,
    PeopleTable,
    code_combo,
    combo_value,
    date_edit,
    line_edit,
    set_combo_value,
    text_area,
)
from app.ui.widgets.photos import PhotoStrip
from app.ui.widgets.signature import SignaturePad
from app.ui.worker import Report, Task

#: What the visits list shows.
VISIT_LIST_TABLES = ("visit", "student", "school", "campaign")
VALIDATE_DELAY_MS = 350  # check after a short pause in typing, not on every key
AUTOSAVE_WAIT_SECONDS = 0.2  # the timer's save gives way to a running sync or import (then tries again)


class SignatureBox(QGroupBox):
    """A pad with its buttons; a signature is stored only when the user accepts it."""

    accepted = Signal(str, bytes)  # kind, PNG

    def __init__(self, kind: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.kind = kind
        self.pad = SignaturePad()
        self.state = QLabel()
        self.error = ErrorLabel()
        self.clear_button = QPushButton(self.tr("Clear"))
        self.accept_button = QPushButton(self.tr("Accept signature"))
        self.clear_button.clicked.connect(self.pad.clear)
        self.accept_button.clicked.connect(self._accept)
        self.pad.changed.connect(lambda: self.error.show_message(None))
        buttons = QHBoxLayout()
        buttons.addWidget(self.state, 1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.accept_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pad)
        layout.addLayout(buttons)
        layout.addWidget(self.error)

    def _accept(self) -> None:
        png = self.pad.to_png()
        if not png:
            self.error.show_message(self.tr("Sign on the pad first."))
            return
        self.accepted.emit(self.kind, png)

    def show_stored(self, png: bytes | None) -> None:
        self.pad.show_image(png)
        self.state.setText(self.tr("Signed") if png else self.tr("Not signed yet"))

    def set_read_only(self, read_only: bool) -> None:
        self.pad.set_read_only(read_only)
        self.clear_button.setVisible(not read_only)
        self.accept_button.setVisible(not read_only)


class VisitForm(QWidget):
    """The 家访记录表 of one visit: every field of the paper form, checked as typed, saved as a draft."""

    autosaved = Signal(list)  # the fields whose saved value changed
    photosChanged = Signal()
    finalized = Signal(str)
    amended = Signal(str)  # the new draft's id
    discarded = Signal(str)

    def __init__(self, database: Database, *, autosave_seconds: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        seconds = autosave_seconds or int(load_settings(database.data_dir)["draft_autosave_seconds"])
        self.state: VisitFormState | None = None
        self.visit_id: str | None = None
        self.dirty = False
        self.read_only = False
        self.refusal: str | None = None  # why the signed-in teacher may not change this visit's student
        self._loading = False
        # Asks the user yes or no; replaced in tests, where a modal question cannot be clicked.
        self.confirm: Callable[[str], bool] = self._ask
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)  # not restarted by typing, so a save comes every N seconds
        self.autosave_timer.setInterval(max(1, seconds) * 1000)
        self.autosave_timer.timeout.connect(self.autosave)
        self.validate_timer = QTimer(self)
        self.validate_timer.setSingleShot(True)
        self.validate_timer.setInterval(VALIDATE_DELAY_MS)
        self.validate_timer.timeout.connect(self.validate)
        self.blocks: dict[str, FieldBlock] = {}
        self._build()

    # ------------------------------------------------------------------ building
    def _text_label(self, name: str) -> str:
        zh, en = visits.TEXT_FIELDS[name]
        from app.domain.i18n import current_language

        return zh if current_language() == "zh" else en

    def _block(self, name: str, label: str, editor: QWidget) -> FieldBlock:
        block = FieldBlock(label, editor)
        self.blocks[name] = block
        if isinstance(editor, QLineEdit | QPlainTextEdit):
            editor.textChanged.connect(self._changed)
        elif isinstance(editor, QComboBox):
            editor.currentIndexChanged.connect(self._changed)
        elif isinstance(editor, PeopleTable):
            editor.changed.connect(self._changed)
        return block

    def _text_block(self, name: str, lines: int = 3) -> FieldBlock:
        return self._block(name, self._text_label(name), text_area(lines=lines))

    def _build(self) -> None:
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.error = ErrorLabel()

        student = QGroupBox(self.tr("Student"))
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.members = QLabel()
        self.members.setWordWrap(True)
        box = QVBoxLayout(student)
        box.addWidget(self.header)
        box.addWidget(QLabel(self.tr("Household members and parents' work:")))
        box.addWidget(self.members)

        visit = QGroupBox(self.tr("The visit"))
        grid = QGridLayout(visit)
        self.campaign_combo = QComboBox()
        self.purpose_combo = code_combo(VisitPurpose.choices(), blank=self.tr("(choose)"))
        cells = [
            self._block("visited_on", self.tr("Visit date"), date_edit()),
            self._block("visited_time", self.tr("Time"), line_edit(placeholder=self.tr("e.g. 14:30"))),
            self._block("campaign_id", self.tr("Campaign"), self.campaign_combo),
            self._block("purpose", self.tr("Purpose of the visit"), self.purpose_combo),
            self._block("address", self._text_label("address"), line_edit()),
            self._block("contact_phone", self.tr("Contact phone"), line_edit(placeholder="13877110001")),
        ]
        for number, cell in enumerate(cells):
            grid.addWidget(cell, number // 2, number % 2, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self._block("present_persons", self._text_label("present_persons"), line_edit()), 3, 0, 1, 2)

        people = QGroupBox(self.tr("Visitors (teachers and cadres)"))
        self.visitors = PeopleTable(["name", "role", "unit", "phone"], roles=VisitorRole.choices())
        self.visitors.table.setMaximumHeight(150)
        QVBoxLayout(people).addWidget(self._block("visitors", self.tr("Who visited"), self.visitors))

        family = QGroupBox(self.tr("Family and child"))
        grid = QGridLayout(family)
        for number, name in enumerate(("family_situation", "attitude_to_school", "behaviour", "state_of_mind")):
            grid.addWidget(self._text_block(name), number // 2, number % 2, Qt.AlignmentFlag.AlignTop)

        policy_box = QGroupBox(self.tr("Policies explained"))
        self.policy_checks: dict[str, QCheckBox] = {}
        policies = QWidget()
        policy_grid = QGridLayout(policies)
        policy_grid.setContentsMargins(0, 0, 0, 0)
        for number, (value, label) in enumerate(Policy.choices()):
            check = QCheckBox(label)
            check.toggled.connect(self._changed)
            self.policy_checks[value] = check
            policy_grid.addWidget(check, number // 3, number % 3)
        QVBoxLayout(policy_box).addWidget(self._block("policies", "", policies))
        self.blocks["policies"].label.hide()

        findings = QGroupBox(self.tr("Findings and help"))
        grid = QGridLayout(findings)
        for number, name in enumerate(("hardships", "help_given", "parents_views", "diagnosis", "measures")):
            grid.addWidget(self._text_block(name), number // 2, number % 2, Qt.AlignmentFlag.AlignTop)

        follow = QGroupBox(self.tr("Follow-up"))
        grid = QGridLayout(follow)
        grid.addWidget(self._text_block("follow_up_plan"), 0, 0)
        grid.addWidget(self._block("follow_up_on", self.tr("Follow-up date"), date_edit()), 0, 1,
                       Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self._text_block("remarks", 2), 1, 0, 1, 2)

        photo_box = QGroupBox(self.tr("Photos"))
        self.photo_strip = PhotoStrip()
        self.photo_strip.photosOffered.connect(self.add_photos)
        self.photo_strip.removeRequested.connect(self.remove_photo)
        self.photo_error = ErrorLabel()
        layout = QVBoxLayout(photo_box)
        layout.addWidget(self.photo_strip)
        layout.addWidget(self.photo_error)

        signatures = QWidget()
        row = QHBoxLayout(signatures)
        row.setContentsMargins(0, 0, 0, 0)
        self.guardian_signature = SignatureBox("guardian_signature", self.tr("Guardian's signature"))
        self.visitor_signature = SignatureBox("visitor_signature", self.tr("Visitors' signature"))
        for signature in (self.guardian_signature, self.visitor_signature):
            signature.accepted.connect(self.store_signature)
            row.addWidget(signature)

        content = QWidget()
        self.content = content
        column = QVBoxLayout(content)
        for widget in (self.banner, self.error, student, visit, people, family, policy_box, findings, follow,
                       photo_box, signatures):
            column.addWidget(widget)
        column.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll_area)

    # ------------------------------------------------------------------ loading
    def load(self, visit_id: str) -> None:
        """Show a visit: its saved fields with the scratch's unsaved input laid over them."""
        if self.visit_id and self.visit_id != visit_id:
            self.save_now()
        with self.database.read() as session:
            state = drafts.load_visit_form(session, visit_id)
            campaign_list = visit_lists.campaign_choices(session)
            refusal = access.edit_refusal(session, state.header.student_id)
        self.visit_id = visit_id
        self.state = state
        self._saved_dates = (state.visited_on, state.follow_up_on)
        self._loading = True
        try:
            self.campaign_combo.clear()
            self.campaign_combo.addItem(self.tr("(none)"), "")
            for campaign_id, name in campaign_list:
                self.campaign_combo.addItem(name, campaign_id)
            self._fill(state.raw)
        finally:
            self._loading = False
        self._show_header(state)
        self.load_attachments()
        self.refusal = str(refusal) if refusal is not None else None
        self.set_read_only(state.status is VisitStatus.FINALIZED or refusal is not None)
        self.dirty = False
        self.autosave_timer.stop()
        self.error.show_message(None)
        # Input that came from the scratch failed its check last time: say why again, straight away.
        self.validate()
        if state.scratch_fields:
            self.banner.setText(self.tr("Restored what was typed before, including fields that still need "
                                        "correcting."))
        if self.refusal is not None:
            self.banner.setText(self.refusal)

    def _fill(self, raw: dict[str, Any]) -> None:
        for name in FORM_FIELDS:
            editor = self.blocks[name].editor
            value = raw.get(name)
            if name == "visitors":
                self.visitors.set_rows(value or [])
            elif name == "policies":
                for code, check in self.policy_checks.items():
                    check.setChecked(code in (value or ()))
            elif isinstance(editor, QComboBox):
                set_combo_value(editor, str(value or ""))
            elif isinstance(editor, QLineEdit):
                editor.setText(str(value or ""))
            elif isinstance(editor, QPlainTextEdit):
                editor.setPlainText(str(value or ""))

    def _show_header(self, state: VisitFormState) -> None:
        h = state.header
        klass = visit_lists.class_label(h.grade, h.class_name)
        self.header.setText(self.tr("{name} · {sex} · age {age} · {school} {klass} · student number {number}")
                            .format(name=h.student_name, sex=h.sex, age=h.age, school=h.school_name, klass=klass,
                                    number=h.student_number or "—"))
        members = "；".join(f"{name}（{relation}）{('：' + work) if work else ''}"
                           for name, relation, work in h.household_members)
        self.members.setText(members or self.tr("No household members recorded."))
        if state.status is VisitStatus.FINALIZED:
            when = state.finalized_at.astimezone().strftime("%Y-%m-%d %H:%M") if state.finalized_at else ""
            self.banner.setText(self.tr("Finalized {when}. This record is read-only; to correct it, make an "
                                        "amendment.").format(when=when))
        elif state.amends_visit_id:
            self.banner.setText(self.tr("Draft of an amendment to an earlier visit record."))
        else:
            self.banner.setText(self.tr("Draft: saved automatically as you type."))

    def load_attachments(self) -> None:
        if self.visit_id is None:
            return
        thumbs: list[tuple[str, QImage]] = []
        signed: dict[str, bytes] = {}
        with self.database.read() as session:
            for attachment in visits.attachments_of(session, self.visit_id):
                try:
                    data, _media = photos.attachment_bytes(session, attachment.id)
                except DomainError:
                    continue  # not synced here yet: nothing to show
                if attachment.kind == "photo":
                    image = QImage()
                    if image.loadFromData(data):
                        thumbs.append((attachment.id, image))
                else:
                    signed[attachment.kind] = data
        self.photo_strip.set_photos(thumbs)
        self.guardian_signature.show_stored(signed.get("guardian_signature"))
        self.visitor_signature.show_stored(signed.get("visitor_signature"))

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for name, block in self.blocks.items():
            editor = block.editor
            if isinstance(editor, QLineEdit):
                editor.setReadOnly(read_only)
                # A grey example in an empty read-only field reads like a recorded value.
                if editor.property("example") is None:
                    editor.setProperty("example", editor.placeholderText())
                editor.setPlaceholderText("" if read_only else str(editor.property("example") or ""))
            elif isinstance(editor, QPlainTextEdit):
                editor.setReadOnly(read_only)
            elif isinstance(editor, QComboBox):
                editor.setEnabled(not read_only)
            elif name == "visitors":
                self.visitors.set_read_only(read_only)
        for check in self.policy_checks.values():
            check.setEnabled(not read_only)
        self.photo_strip.set_read_only(read_only)
        self.guardian_signature.set_read_only(read_only)
        self.visitor_signature.set_read_only(read_only)

    # ------------------------------------------------------------------ typing, checking, saving
    def raw(self) -> dict[str, Any]:
        """The form's whole input, as typed."""
        values: dict[str, Any] = {}
        for name in FORM_FIELDS:
            editor = self.blocks[name].editor
            if name == "visitors":
                values[name] = self.visitors.rows()
            elif name == "policies":
                values[name] = [code for code, check in self.policy_checks.items() if check.isChecked()]
            elif isinstance(editor, QComboBox):
                values[name] = combo_value(editor)
            elif isinstance(editor, QLineEdit):
                values[name] = editor.text()
            elif isinstance(editor, QPlainTextEdit):
                values[name] = editor.toPlainText()
        return values

    def _changed(self, *_args: object) -> None:
        if self._loading or self.read_only or self.visit_id is None:
            return
        self.dirty = True
        if not self.autosave_timer.isActive():
            self.autosave_timer.start()
        self.validate_timer.start()

    def validate(self) -> dict[str, DomainError]:
        """Check every field with the services' rules (no database needed) and show each error in place."""
        if self.state is None or self.read_only:
            return {}
        visited, follow = self._saved_dates
        _values, errors = drafts.check_visit_fields(self.raw(), today=date.today(), visited_on=visited,
                                                    follow_up_on=follow)
        self._show_errors(errors)
        return errors

    def _show_errors(self, errors: dict[str, DomainError]) -> None:
        for name, block in self.blocks.items():
            problem = errors.get(name)
            block.set_error(str(problem) if problem else None)

    def autosave(self) -> None:
        """The timer's save: it waits for the writer only briefly, so a long sync or import running in the
        background never freezes the window; the input stays in the form and the next tick tries again."""
        self.save_now(wait=AUTOSAVE_WAIT_SECONDS)

    def save_now(self, *, wait: float | None = None) -> bool:
        """Save the draft now (valid fields into the draft, the rest into the scratch); False if it failed.
        ``wait`` bounds the wait for another writer (closing the form waits as long as it takes)."""
        self.autosave_timer.stop()
        if self.visit_id is None or self.read_only or not self.dirty:
            return True
        try:
            visit_id, raw = self.visit_id, self.raw()
            result = ops.write(self.database, lambda session: drafts.autosave_visit(session, visit_id, raw),
                               wait=wait, source=self)
        except (DomainError, StoreError) as exc:
            # Keep the input and try again at the next tick: the user may have the disk back by then.
            self.error.show_message(str(exc))
            self.autosave_timer.start()
            return False
        self.dirty = False
        self._saved_dates = (result.visited_on or self._saved_dates[0], result.follow_up_on)
        self._show_errors(result.errors)
        self.error.show_message(None)
        stamp = datetime.now().strftime("%H:%M:%S")
        if result.errors:
            self.banner.setText(self.tr("Draft saved at {time}; {count} field(s) need correcting (what you "
                                        "typed there is kept).").format(time=stamp, count=len(result.errors)))
        else:
            self.banner.setText(self.tr("Draft saved at {time}.").format(time=stamp))
        self.autosaved.emit(result.changed)
        return True

    def finalize(self) -> bool:
        if self.visit_id is None or self.read_only:
            return False
        visit_id = self.visit_id
        try:
            raw = self.raw()
            ops.write(self.database, lambda session: drafts.finalize_visit_form(session, visit_id, raw),
                      source=self)
        except (DomainError, StoreError) as exc:
            self.dirty = True  # the refused finalize rolled back its save: save the input again, now
            self.save_now()
            field = getattr(exc, "field", None)
            if field in self.blocks:
                self.blocks[str(field)].set_error(str(exc))
                self.blocks[str(field)].editor.setFocus()
            self.error.show_message(str(exc))
            return False
        self.dirty = False
        self.load(visit_id)
        self.finalized.emit(visit_id)
        return True

    def amend(self) -> str | None:
        if self.visit_id is None or not self.read_only:
            return None
        try:
            amended = self.visit_id
            new_id = ops.write(self.database, lambda session: visits.amend_visit(session, amended).id,
                               source=self)
        except (DomainError, StoreError) as exc:
            self.error.show_message(str(exc))
            return None
        self.load(new_id)
        self.amended.emit(new_id)
        return new_id

    def discard(self) -> bool:
        if self.visit_id is None or self.read_only:
            return False
        if not self.confirm(self.tr("Delete this draft? What was typed in it will be gone.")):
            return False
        visit_id = self.visit_id
        try:
            ops.write(self.database, lambda session: drafts.discard_visit_draft(session, visit_id),
                      source=self)
        except (DomainError, StoreError) as exc:
            self.error.show_message(str(exc))
            return False
        self.dirty = False
        self.visit_id = None
        self.state = None
        self.discarded.emit(visit_id)
        return True

    def _ask(self, question: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Please confirm"), question)
        return answer == QMessageBox.StandardButton.Yes

    # ------------------------------------------------------------------ photos and signatures
    def add_photos(self, offered: list[tuple[str, bytes | Path]]) -> Task | None:
        """Resize, turn upright, strip and store the photos in a worker; thumbnails follow on success."""
        if self.visit_id is None or self.read_only or not offered:
            return None
        visit_id = self.visit_id
        database = self.database

        def work(report: Report) -> list[str]:
            problems = []
            for number, (name, source) in enumerate(offered, start=1):
                try:
                    raw = source.read_bytes() if isinstance(source, Path) else source
                    with database.write() as session:
                        photos.add_photo(session, visit_id, raw)
                except OSError as exc:
                    problems.append(f"{name}: {translate(exc)}")
                except DomainError as exc:
                    problems.append(f"{name}: {exc}")
                report("photos", number / len(offered))
            return problems

        self.photo_error.show_message(self.tr("Adding {count} photo(s)…").format(count=len(offered)))
        # The shared runner keeps the task alive until its thread ends and drops the result if the form is gone.
        return run_in_background(work, receiver=self, done=self._photos_added, failed=self._photos_failed)

    def _photos_failed(self, exc: BaseException) -> None:
        self._photos_added([str(exc)])

    def _photos_added(self, problems: list[str]) -> None:
        self.photo_error.show_message("\n".join(problems) if problems else None)
        self.load_attachments()
        self.photosChanged.emit()

    def remove_photo(self, attachment_id: str) -> None:
        try:
            ops.write(self.database, lambda session: photos.remove_attachment(session, attachment_id),
                      source=self)
        except (DomainError, StoreError) as exc:
            self.photo_error.show_message(str(exc))
            return
        self.load_attachments()
        self.photosChanged.emit()

    def store_signature(self, kind: str, png: bytes) -> None:
        if self.visit_id is None or self.read_only:
            return
        box = self.guardian_signature if kind == "guardian_signature" else self.visitor_signature
        visit_id = self.visit_id
        try:
            ops.write(self.database, lambda session: photos.add_signature(session, visit_id, kind, png),
                      source=self)
        except (DomainError, StoreError) as exc:
            box.error.show_message(str(exc))
            return
        self.load_attachments()

    # ------------------------------------------------------------------ closing saves
    def hideEvent(self, event: QHideEvent) -> None:
        self.save_now()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_now()
        super().closeEvent(event)


class VisitsPage(QWidget):
    """The visits list (by campaign, school and status) and, opened from it, the visit form."""

    def __init__(self, context: PageContext, *, autosave_seconds: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.database = context.database
        self.stack = QStackedWidget()
        self.picker: StudentPicker | None = None
        self._build_list()
        self._build_form(autosave_seconds)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.stack)
        QShortcut(QKeySequence("Ctrl+N"), self, self.new_visit,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.refresh()
        # Other pages' and tasks' writes: the list rereads in place (at once if shown, else when next shown);
        # an open visit form is never reread under the user's typing.
        self.changes = ops.ChangeWatch(self, VISIT_LIST_TABLES, self._reread_list)

    def _build_list(self) -> None:
        page = QWidget()
        title = QLabel(self.tr("Home visits"))
        title.setStyleSheet("font-size: 18px; font-weight: bold")
        self.campaign_filter = QComboBox()
        self.school_filter = QComboBox()
        self.status_filter = code_combo(VisitStatus.choices(), blank=self.tr("Any status"))
        with self.database.read() as session:
            campaign_list = visit_lists.campaign_choices(session)
            school_list = listing.school_choices(session)
        self.campaign_filter.addItem(self.tr("All campaigns"), "")
        for campaign_id, name in campaign_list:
            self.campaign_filter.addItem(name, campaign_id)
        self.school_filter.addItem(self.tr("All schools"), "")
        for school_id, name in school_list:
            self.school_filter.addItem(name, school_id)
        for combo in (self.campaign_filter, self.school_filter, self.status_filter):
            combo.currentIndexChanged.connect(self.refresh)
        self.school_filter.setMinimumContentsLength(12)
        self.new_button = QPushButton(self.tr("New visit"))
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(self.new_visit)
        self.count_label = QLabel()
        self.list_error = ErrorLabel()  # why a visit could not be started or opened
        filters = QHBoxLayout()
        for label, combo in ((self.tr("Campaign"), self.campaign_filter), (self.tr("School"), self.school_filter),
                             (self.tr("Status"), self.status_filter)):
            filters.addWidget(QLabel(label))
            filters.addWidget(combo)
        filters.addStretch(1)
        filters.addWidget(self.new_button)
        self.model = VisitListModel(self.database)
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
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addLayout(filters)
        layout.addWidget(self.list_error)
        layout.addWidget(self.table)
        layout.addWidget(self.count_label)
        self.list_page = page
        self.stack.addWidget(page)

    def _build_form(self, autosave_seconds: int | None) -> None:
        page = QWidget()
        self.form = VisitForm(self.database, autosave_seconds=autosave_seconds)
        self.back_button = QPushButton(self.tr("← Back to the list"))
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setToolTip("Ctrl+S")
        self.finalize_button = QPushButton(self.tr("Finalize"))
        self.amend_button = QPushButton(self.tr("Make an amendment"))
        self.delete_button = QPushButton(self.tr("Delete draft"))
        self.back_button.clicked.connect(self.show_list)
        self.save_button.clicked.connect(self.save)
        self.finalize_button.clicked.connect(self.form.finalize)
        self.amend_button.clicked.connect(self.form.amend)
        self.delete_button.clicked.connect(self.form.discard)
        self.form.finalized.connect(lambda _id: self._form_state_changed())
        self.form.amended.connect(lambda _id: self._form_state_changed())
        self.form.discarded.connect(lambda _id: self.show_list())
        bar = QHBoxLayout()
        bar.addWidget(self.back_button)
        bar.addStretch(1)
        for button in (self.delete_button, self.amend_button, self.save_button, self.finalize_button):
            bar.addWidget(button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.form)
        self.form_page = page
        self.stack.addWidget(page)

    # ------------------------------------------------------------------ list
    def current_filter(self) -> VisitFilter:
        status = combo_value(self.status_filter)
        return VisitFilter(campaign_id=combo_value(self.campaign_filter) or None,
                           school_id=combo_value(self.school_filter) or None,
                           status=VisitStatus(status) if status else None)

    def refresh(self) -> None:
        self.model.set_filter(self.current_filter())
        self.count_label.setText(self.tr("{count} visit record(s)").format(count=self.model.total))
        self.table.resizeColumnsToContents()

    def _reread_list(self) -> None:
        self.model.refresh()
        self.count_label.setText(self.tr("{count} visit record(s)").format(count=self.model.total))

    def _open_index(self, index: QModelIndex) -> None:
        record_id = self.model.id_at(index.row()) if index.isValid() else None
        if record_id:
            self.open_visit(record_id)

    def show_list(self) -> None:
        if self.stack.currentWidget() is self.form_page:
            self.form.save_now()
        self.stack.setCurrentWidget(self.list_page)
        self.refresh()

    # ------------------------------------------------------------------ form
    def show_record(self, kind: str, record_id: str) -> None:
        if kind == "visit":
            self.open_visit(record_id)

    def open_visit(self, visit_id: str) -> None:
        try:
            self.form.load(visit_id)
        except (DomainError, StoreError) as exc:
            self.list_error.show_message(str(exc))
            return
        self.list_error.show_message(None)
        self._form_state_changed()
        self.stack.setCurrentWidget(self.form_page)

    def _form_state_changed(self) -> None:
        draft = not self.form.read_only
        self.save_button.setVisible(draft)
        self.finalize_button.setVisible(draft)
        self.delete_button.setVisible(draft)
        self.amend_button.setVisible(not draft and self.form.refusal is None)

    def new_visit(self) -> None:
        """Ctrl+N: choose the student, and a new draft opens (it is saved from the first moment)."""
        self.picker = StudentPicker(self.database, self.tr("New home visit: choose the student"), self)
        self.picker.picked.connect(self.start_visit_for)
        self.picker.open()

    def start_visit_for(self, student_id: str) -> str | None:
        """Start a draft visit of a student (today, in the chosen or the running campaign) and open it."""
        today = date.today()
        chosen = combo_value(self.campaign_filter) or None

        def start(session: Session) -> str:
            campaign_id = chosen
            if campaign_id is None:
                running = campaigns.campaign_on(session, today)
                campaign_id = running.id if running else None
            return visits.start_visit(session, student_id, visited_on=today, campaign_id=campaign_id).id

        try:
            visit_id = ops.write(self.database, start, source=self)
        except (DomainError, StoreError) as exc:
            self.list_error.show_message(str(exc))
            return None
        self.open_visit(visit_id)
        return visit_id

    def closeEvent(self, event: QCloseEvent) -> None:
        # The main window sends each page a close event when it closes: the open form saves first.
        self.form.save_now()
        super().closeEvent(event)

    def save(self) -> None:
        if self.stack.currentWidget() is self.form_page:
            self.form.dirty = True  # Ctrl+S saves even when nothing changed: the user asked to be sure
            self.form.save_now()


REGISTRY.register(PageSpec(
    key="visits", title=("Pages", QT_TRANSLATE_NOOP("Pages", "Home visits")),
    factory=lambda context: VisitsPage(context), order=30, handles=("visit",)))
