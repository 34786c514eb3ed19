"""报表 Reports: the weekly or monthly indicators with a bar chart, drill-down from the district to a township, a
school and its students; the early warnings; exports of the report (PDF, Excel) and of the ledgers (台账).

Every figure comes from :mod:`app.services.reports`, :mod:`app.services.warnings` and :mod:`app.services.ledgers`,
computed in a worker; the page only shows them. The chart is drawn with QPainter: QtCharts is not part of
PySide6-Essentials, and the Addons wheel it needs (about 160 MB installed) is too heavy for a few bar groups.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.config import load_settings
from app.domain.errors import DomainError
from app.domain.i18n import current_language
from app.domain.rates import Stage
from app.store.db import Database
from app.store.errors import translate
from app.ui import ops
from app.ui.background import run_in_background
from app.ui.i18n import QT_TRANSLATE_NOOP
from app.ui.models.paged import ID_ROLE, Column, ListTableModel
from app.ui.pages import REGISTRY, Navigator, PageContext, PageSpec
from app.ui.widgets.fields import ERROR_STYLE, date_edit, line_edit
from app.ui.worker import Report

#: What the report's figures and the warnings are computed from.
REPORT_TABLES = ("student", "school", "visit", "dropout_case", "persuasion_attempt", "retention_follow_up",
                 "return_check", "absence", "key_target", "registry_change", "campaign")
UNIT_COLUMNS = [
    Column("name", QT_TRANSLATE_NOOP("Columns", "Unit")),
    Column("students", QT_TRANSLATE_NOOP("Columns", "On roll"), align_right=True),
    Column("found", QT_TRANSLATE_NOOP("Columns", "Found"), align_right=True),
    Column("back", QT_TRANSLATE_NOOP("Columns", "Back in school"), align_right=True),
    Column("still_out", QT_TRANSLATE_NOOP("Columns", "Still out"), align_right=True),
    Column("poor", QT_TRANSLATE_NOOP("Columns", "Registered poor (found/back/out)")),
    Column("visits", QT_TRANSLATE_NOOP("Columns", "Visits done/planned")),
    Column("key_targets", QT_TRANSLATE_NOOP("Columns", "Key targets"), align_right=True),
    Column("dropout_rate", QT_TRANSLATE_NOOP("Columns", "Dropout rate"), align_right=True),
    Column("primary", QT_TRANSLATE_NOOP("Columns", "Primary retention"), align_right=True),
    Column("junior", QT_TRANSLATE_NOOP("Columns", "Junior retention"), align_right=True),
    Column("change", QT_TRANSLATE_NOOP("Columns", "Change (found/back/out)"), stretch=True),
]
STUDENT_COLUMNS = [
    Column("name", QT_TRANSLATE_NOOP("Columns", "Name")),
    Column("class", QT_TRANSLATE_NOOP("Columns", "Class")),
    Column("counted", QT_TRANSLATE_NOOP("Columns", "Counted as")),
    Column("reason", QT_TRANSLATE_NOOP("Columns", "Reason")),
    Column("detected", QT_TRANSLATE_NOOP("Columns", "Found on")),
    Column("outcome", QT_TRANSLATE_NOOP("Columns", "Outcome")),
    Column("poor", QT_TRANSLATE_NOOP("Columns", "Registered poor"), stretch=True),
]
WARNING_COLUMNS = [
    Column("severity", QT_TRANSLATE_NOOP("Columns", "Severity")),
    Column("since", QT_TRANSLATE_NOOP("Columns", "Since")),
    Column("rule", QT_TRANSLATE_NOOP("Columns", "Warning")),
    Column("name", QT_TRANSLATE_NOOP("Columns", "Name")),
    Column("school", QT_TRANSLATE_NOOP("Columns", "School")),
    Column("detail", QT_TRANSLATE_NOOP("Columns", "Details")),
    Column("coverage", QT_TRANSLATE_NOOP("Columns", "Covered by"), stretch=True),
]
COUNTED = {"found": QT_TRANSLATE_NOOP("ReportsPage", "Found this period"),
           "back": QT_TRANSLATE_NOOP("ReportsPage", "Back this period"),
           "outcome": QT_TRANSLATE_NOOP("ReportsPage", "Other outcome this period"),
           "still_out": QT_TRANSLATE_NOOP("ReportsPage", "Still out"),
           "key_target_planned": QT_TRANSLATE_NOOP("ReportsPage", "Key target to visit")}


@dataclass(frozen=True)
class Level:
    """Where the drill-down stands: the district, a township, or a school's students."""

    kind: str  # district / township / school
    unit_id: str | None
    name: str


class BarChart(QWidget):
    """Grouped bars, one group per unit: found, back in school, still out. Clicking a group drills into it."""

    activated = Signal(int)
    COLORS = ("#c0392b", "#27ae60", "#e67e22")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(190)
        self.categories: list[str] = []
        self.series: list[tuple[str, list[int]]] = []
        self._groups: list[QRectF] = []

    def set_data(self, categories: list[str], series: list[tuple[str, list[int]]]) -> None:
        self.categories = categories
        self.series = series
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.rect().adjusted(40, 28, -12, -36)
        painter.fillRect(self.rect(), self.palette().base())
        self._groups = []
        if not self.categories or not self.series:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No figures to show"))
            painter.end()
            return
        top = max([1, *(v for _, values in self.series for v in values)])
        painter.setPen(QPen(QColor("#888888")))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        painter.drawText(QRectF(0, rect.top() - 8, 36, 16), Qt.AlignmentFlag.AlignRight, str(top))
        painter.drawText(QRectF(0, rect.bottom() - 8, 36, 16), Qt.AlignmentFlag.AlignRight, "0")
        group_w = rect.width() / len(self.categories)
        bar_w = max(2.0, min(28.0, group_w * 0.8 / len(self.series)))
        for number, name in enumerate(self.categories):
            x0 = rect.left() + number * group_w + (group_w - bar_w * len(self.series)) / 2
            self._groups.append(QRectF(rect.left() + number * group_w, rect.top(), group_w, rect.height() + 30))
            for offset, (_, values) in enumerate(self.series):
                value = values[number] if number < len(values) else 0
                height = rect.height() * value / top
                bar = QRectF(x0 + offset * bar_w, rect.bottom() - height, bar_w - 1, height)
                painter.fillRect(bar, QColor(self.COLORS[offset % len(self.COLORS)]))
            painter.setPen(QPen(QColor("#333333")))
            label = painter.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight, int(group_w) - 4)
            painter.drawText(QRectF(rect.left() + number * group_w, rect.bottom() + 4, group_w, 18),
                             Qt.AlignmentFlag.AlignHCenter, label)
        x = rect.left()
        for offset, (legend, _) in enumerate(self.series):
            painter.fillRect(QRectF(x, 8, 12, 12), QColor(self.COLORS[offset % len(self.COLORS)]))
            painter.setPen(QPen(QColor("#333333")))
            painter.drawText(QRectF(x + 16, 4, 160, 20), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             legend)
            x += 24 + painter.fontMetrics().horizontalAdvance(legend)
        painter.end()

    def mousePressEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        for number, group in enumerate(self._groups):
            if group.contains(event.position()):
                self.activated.emit(number)
                return
        super().mousePressEvent(event)


def _table(model: ListTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class ReportsPage(QWidget):
    """The indicators (with drill-down and exports), the warnings, and the ledgers."""

    def __init__(self, database: Database, navigator: Navigator | None = None, parent: QWidget | None = None,
                 *, today: date | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.navigator = navigator
        self.today = today
        self.loading = False
        self.report: Any = None
        self.levels: list[Level] = [Level("district", None, "")]
        self.unit_rows: list[Any] = []
        title = QLabel(self.tr("Reports"))
        title.setStyleSheet("font-size: 20px; font-weight: bold")
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Weekly"), "weekly")
        self.kind.addItem(self.tr("Monthly"), "monthly")
        self.day = date_edit(self._today())
        self.day.setMaximumWidth(self.day.fontMetrics().horizontalAdvance("2026-11-29") * 2)
        self.refresh_button = QPushButton(self.tr("Show"))
        self.refresh_button.clicked.connect(self.refresh)
        self.up_button = QPushButton(self.tr("Back up a level"))
        self.up_button.clicked.connect(self.up)
        self.up_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        controls = QHBoxLayout()
        for widget in (QLabel(self.tr("Report")), self.kind, QLabel(self.tr("Day in the period")), self.day,
                       self.refresh_button, self.up_button):
            controls.addWidget(widget)
        controls.addWidget(self.progress, 1)
        self.where = QLabel()
        self.where.setStyleSheet("font-weight: bold")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)

        # Indicators
        self.chart = BarChart()
        self.chart.activated.connect(self.drill_row)
        self.units = ListTableModel(UNIT_COLUMNS)
        self.students = ListTableModel(STUDENT_COLUMNS)
        self.unit_view = _table(self.units)
        self.unit_view.doubleClicked.connect(lambda index: self.drill_row(index.row()))
        self.student_view = _table(self.students)
        self.student_view.doubleClicked.connect(self.open_student)
        self.student_view.setVisible(False)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #555555")
        self.pdf_button = QPushButton(self.tr("Export PDF…"))
        self.pdf_button.clicked.connect(lambda: self.export_report(".pdf"))
        self.xlsx_button = QPushButton(self.tr("Export Excel…"))
        self.xlsx_button.clicked.connect(lambda: self.export_report(".xlsx"))
        exports = QHBoxLayout()
        exports.addWidget(self.pdf_button)
        exports.addWidget(self.xlsx_button)
        exports.addStretch(1)
        indicators = QWidget()
        box = QVBoxLayout(indicators)
        box.addWidget(self.chart)
        box.addWidget(self.unit_view, 2)
        box.addWidget(self.student_view, 2)
        box.addWidget(self.notes)
        box.addLayout(exports)

        # Warnings
        self.warnings = ListTableModel(WARNING_COLUMNS)
        self.warning_view = _table(self.warnings)
        self.warning_view.doubleClicked.connect(self.open_warning)
        self.warning_count = QLabel()
        warnings_tab = QWidget()
        wbox = QVBoxLayout(warnings_tab)
        wbox.addWidget(self.warning_count)
        wbox.addWidget(self.warning_view, 1)

        # Ledgers
        from app.services.ledgers import LedgerKind

        self.ledger_kind = QComboBox()
        for kind in LedgerKind:
            self.ledger_kind.addItem(kind.label(), kind.value)
        self.checker = line_edit()
        self.preparer = line_edit()
        self.phone = line_edit()
        self.ledger_button = QPushButton(self.tr("Export ledger…"))
        self.ledger_button.clicked.connect(self.export_ledger)
        ledgers_tab = QWidget()
        form = QFormLayout(ledgers_tab)
        form.addRow(self.tr("Ledger"), self.ledger_kind)
        form.addRow(self.tr("Checker"), self.checker)
        form.addRow(self.tr("Prepared by"), self.preparer)
        form.addRow(self.tr("Phone"), self.phone)
        form.addRow("", self.ledger_button)
        hint = QLabel(self.tr("The ledger covers what the report shows: the district, a township or a school."))
        hint.setWordWrap(True)
        form.addRow("", hint)

        self.tabs = QTabWidget()
        self.tabs.addTab(indicators, self.tr("Indicators"))
        self.tabs.addTab(warnings_tab, self.tr("Warnings"))
        self.tabs.addTab(ledgers_tab, self.tr("Ledgers"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(controls)
        layout.addWidget(self.where)
        layout.addWidget(self.error)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        self.refresh()
        # Other pages' and tasks' writes: the figures are computed again (at once if shown, else when next shown).
        self.changes = ops.ChangeWatch(self, REPORT_TABLES, self._recompute)

    # ------------------------------------------------------------------ loading
    def _today(self) -> date:
        return getattr(self, "today", None) or date.today()

    def _day(self) -> date | None:
        from app.services.common import as_date

        try:
            return as_date(self.day.text(), "date", "日期", "Date")
        except DomainError as exc:
            self.error.setText(str(exc))
            return None

    def _busy(self, busy: bool) -> None:
        self.loading = busy
        self.progress.setVisible(busy)
        for button in (self.refresh_button, self.pdf_button, self.xlsx_button, self.ledger_button):
            button.setEnabled(not busy)
        self.up_button.setEnabled(not busy and len(self.levels) > 1)

    def _recompute(self) -> None:
        if not self.loading:  # one computing at a time; it reads the records as they are when it runs
            self.refresh()

    def refresh(self) -> None:
        """Compute the report at the current level, and the warnings of the same scope, in the background."""
        from app.domain.warnings import Thresholds
        from app.services.reports import build_report, records_since_setting, school_lines
        from app.services.warnings import find_warnings

        day = self._day()
        if day is None:
            return
        self.error.setText("")
        level = self.levels[-1]
        kind = str(self.kind.currentData())
        today = self._today()
        settings = load_settings(self.database.data_dir)
        since = records_since_setting(settings.get("records_complete_since"))
        thresholds = Thresholds.from_settings(settings)
        self._busy(True)

        def work(report: Report) -> tuple[Any, Any, Any]:
            with self.database.read() as session:
                built = build_report(session, kind, min(day, today), level=level.kind, unit_id=level.unit_id,
                                     records_since=since, today=today, progress=report)
                lines = school_lines(session, level.unit_id, kind, min(day, today), today=today) \
                    if level.kind == "school" and level.unit_id else None
                warned = find_warnings(session, today=today, thresholds=thresholds,
                                       school_id=level.unit_id if level.kind == "school" else None,
                                       township_id=level.unit_id if level.kind == "township" else None)
            return built, lines, warned

        run_in_background(work, receiver=self, done=self._shown, failed=self._failed)

    def _shown(self, result: tuple[Any, Any, Any]) -> None:
        built, lines, warned = result
        self._busy(False)
        self.report = built
        self._show_report(built, lines)
        self._show_warnings(warned)

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        if isinstance(exc, DomainError):
            self.error.setText(str(exc))
        elif isinstance(exc, OSError):
            self.error.setText(str(translate(exc)))
        else:
            raise exc

    # ------------------------------------------------------------------ showing
    def _show_report(self, report: Any, lines: Any) -> None:
        from app.services.reports import Level as ReportLevel

        lang = current_language()
        crumbs = [self.tr("District")] + [level.name for level in self.levels[1:]]
        self.where.setText(" › ".join(crumbs) + "　" + report.period.label(lang))
        # A township or the district: its parts, then the total; a school: itself (its students are below).
        self.unit_rows = list(report.rows) if report.level is not ReportLevel.SCHOOL else []
        rows = [*self.unit_rows, report.total]
        self.units.set_rows([self._unit_cells(row, lang) for row in rows],
                            [row.unit_id or "" for row in rows])
        shown = self.unit_rows or [report.total]
        self.chart.set_data([row.name for row in shown], [
            (self.tr("Found"), [row.figures.found for row in shown]),
            (self.tr("Back in school"), [row.figures.back for row in shown]),
            (self.tr("Still out"), [row.figures.still_out for row in shown])])
        notes = report.note_lines(lang)
        for stage, rate in report.total.retention.items():
            if not rate.computable:
                notes.append(f"{stage.label(lang)}：{rate.note(lang)}" if lang == "zh"
                             else f"{stage.label(lang)}: {rate.note(lang)}")
        if not report.total.dropout_rate.computable:
            notes.append(report.total.dropout_rate.note(lang))
        self.notes.setText("\n".join(dict.fromkeys(notes)))
        self.student_view.setVisible(lines is not None)
        if lines is not None:
            self.students.set_rows([[line.name, f"{line.grade}-{line.class_name}",
                                     self.tr(COUNTED[line.counted_as]), self._reason(line.reason),
                                     line.detected_on.isoformat() if line.detected_on else "",
                                     self._outcome(line.outcome), self.tr("Yes") if line.registered_poor else ""]
                                    for line in lines], [line.student_id for line in lines])

    @staticmethod
    def _reason(value: str | None) -> str:
        from app.domain.codes import DropoutReason

        return DropoutReason(value).label() if value else ""

    @staticmethod
    def _outcome(value: str | None) -> str:
        from app.domain.codes import CaseOutcome

        return CaseOutcome(value).label() if value else ""

    def _unit_cells(self, row: Any, lang: str) -> list[str]:
        f, p = row.figures, row.previous

        def rate(stage: Stage) -> str:
            found = row.retention.get(stage)
            return found.shown(lang) if found is not None else "—"

        def delta(now: int, before: int) -> str:
            return f"{now - before:+d}" if now != before else "0"

        name = self.tr("District") if row.level.value == "district" else row.name
        return [name, str(f.students), str(f.found), str(f.back), str(f.still_out),
                f"{f.poor_found}/{f.poor_back}/{f.poor_still_out}", f"{f.visits_done}/{f.visits_planned}",
                str(f.key_targets), row.dropout_rate.shown(lang), rate(Stage.PRIMARY), rate(Stage.JUNIOR),
                f"{delta(f.found, p.found)} / {delta(f.back, p.back)} / {delta(f.still_out, p.still_out)}"]

    def _show_warnings(self, warned: list[Any]) -> None:
        lang = current_language()
        separator = "；" if lang == "zh" else "; "
        self.warnings.set_rows([[w.severity.label(lang), w.since.isoformat(), w.rule.label(lang), w.student_name,
                                 w.school_name, w.finding.detail(lang),
                                 separator.join(f"{c.as_dict(lang)['role_label']} {c.name}" for c in w.coverage)]
                                for w in warned], [w.student_id for w in warned],
                               {(n, Qt.ItemDataRole.ForegroundRole): QColor("#b3261e")
                                for n, w in enumerate(warned) if w.severity.value == "urgent"})
        self.warning_count.setText(self.tr("Warnings: %1").replace("%1", str(len(warned))))

    # ------------------------------------------------------------------ drill-down
    def drill_row(self, number: int) -> None:
        """Open a township (from the district) or a school (from a township)."""
        if self.loading or not 0 <= number < len(self.unit_rows):
            return
        row = self.unit_rows[number]
        if row.unit_id is None:
            return  # schools without a township are summed, not a place to open
        self.levels.append(Level(row.level.value, row.unit_id, row.name))
        self.refresh()

    def up(self) -> None:
        if len(self.levels) > 1:
            self.levels.pop()
            self.refresh()

    def open_student(self, index: QModelIndex) -> None:
        student_id = self.students.data(index, ID_ROLE)
        if student_id and self.navigator is not None:
            self.navigator.navigate("student", str(student_id))

    def open_warning(self, index: QModelIndex) -> None:
        student_id = self.warnings.data(index, ID_ROLE)
        if student_id and self.navigator is not None:
            self.navigator.navigate("student", str(student_id))

    # ------------------------------------------------------------------ exports
    def _save_name(self, caption: str, suggested: str, pattern: str) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(self, caption, suggested, pattern)
        return Path(chosen) if chosen else None

    def export_report(self, suffix: str) -> None:
        from app.services.reports import write_report

        if self.report is None:
            return
        report = self.report
        kind = self.tr("weekly report") if report.kind.value == "weekly" else self.tr("monthly report")
        suggested = f"{report.unit_name}-{kind}-{report.period.start}{suffix}"
        pattern = self.tr("PDF (*.pdf)") if suffix == ".pdf" else self.tr("Excel workbook (*.xlsx)")
        path = self._save_name(self.tr("Export the report"), suggested, pattern)
        if path is None:
            return
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        printed_by = self.database.user.display_name if self.database.user else "—"
        self._busy(True)

        def work(_report: Report) -> Path:
            return write_report(report, path, printed_by=printed_by)

        run_in_background(work, receiver=self, done=self._exported, failed=self._failed)

    def export_ledger(self) -> None:
        from app.services.ledgers import Signatures, export_ledger

        day = self._day()
        if day is None:
            return
        level = self.levels[-1]
        kind = str(self.ledger_kind.currentData())
        suggested = f"{self.ledger_kind.currentText()}-{day}.xlsx"
        path = self._save_name(self.tr("Export the ledger"), suggested, self.tr("Excel workbook (*.xlsx)"))
        if path is None:
            return
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        signatures = Signatures(self.checker.text().strip(), self.preparer.text().strip(), self.phone.text().strip())
        self._busy(True)

        def work(report: Report) -> Path:
            with self.database.write() as session:
                return export_ledger(session, kind, path, on=day, signatures=signatures,
                                     school_id=level.unit_id if level.kind == "school" else None,
                                     township_id=level.unit_id if level.kind == "township" else None,
                                     progress=report).path

        run_in_background(work, receiver=self, done=self._exported, failed=self._failed)

    def _exported(self, path: Path) -> None:
        self._busy(False)
        self.status.setText(self.tr("Saved %1 (it holds personal data: keep it safe).").replace("%1", str(path)))


REGISTRY.register(PageSpec(
    key="reports", title=("Pages", QT_TRANSLATE_NOOP("Pages", "Reports")), order=50,
    factory=lambda context: _page(context)))


def _page(context: PageContext) -> ReportsPage:
    return ReportsPage(context.database, context.navigator)
