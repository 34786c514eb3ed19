"""工作台 Today: the day's work (follow-ups due and overdue, cases left without an attempt, visit drafts to
finish) and where the current campaign stands. Each line opens its record.

The lists are read in a worker (a district's whole worklist is a few queries over the visit and case tables),
so the window is usable at once and the page fills in when they are ready.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.domain.codes import CampaignKind
from app.services import listing
from app.services.listing import CampaignCounts, WorkItem, WorkList
from app.ui import ops, theme
from app.ui.background import run_in_background
from app.ui.i18n import QT_TRANSLATE_NOOP
from app.ui.models.paged import ID_ROLE, Column, ListTableModel
from app.ui.pages import REGISTRY, PageContext, PageSpec
from app.ui.pages.roster import configure_table, size_columns
from app.ui.qt import (
    QButtonGroup,
    QEvent,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QModelIndex,
    QPushButton,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from app.ui.worker import Report

WORK_COLUMNS = (
    Column("kind", QT_TRANSLATE_NOOP("Columns", "To do")),
    Column("due", QT_TRANSLATE_NOOP("Columns", "Due")),
    Column("student", QT_TRANSLATE_NOOP("Columns", "Student"), sample="欧阳小明明"),
    Column("school", QT_TRANSLATE_NOOP("Columns", "School"), sample="西乡塘区石埠街道第2小学"),
    Column("note", QT_TRANSLATE_NOOP("Columns", "Note"), stretch=True),
)
KIND_TITLES = {
    "follow_up": QT_TRANSLATE_NOOP("TodayPage", "Visit follow-up"),
    "retention": QT_TRANSLATE_NOOP("TodayPage", "Retention follow-up"),
    "stale_case": QT_TRANSLATE_NOOP("TodayPage", "Case without a recent attempt"),
    "draft": QT_TRANSLATE_NOOP("TodayPage", "Visit draft to finish"),
}
FILTER_TITLES = {
    "all": QT_TRANSLATE_NOOP("TodayPage", "All"),
    "follow_up": QT_TRANSLATE_NOOP("TodayPage", "Follow-ups"),
    "retention": QT_TRANSLATE_NOOP("TodayPage", "Retention checks"),
    "stale_case": QT_TRANSLATE_NOOP("TodayPage", "Cases to persuade"),
    "draft": QT_TRANSLATE_NOOP("TodayPage", "Drafts"),
}
COUNT_TITLES = (
    ("visits_finalized", QT_TRANSLATE_NOOP("TodayPage", "Visits finalized")),
    ("visits_draft", QT_TRANSLATE_NOOP("TodayPage", "Visit drafts")),
    ("key_targets", QT_TRANSLATE_NOOP("TodayPage", "Key targets")),
    ("returned", QT_TRANSLATE_NOOP("TodayPage", "Returned at term start")),
    ("not_returned", QT_TRANSLATE_NOOP("TodayPage", "Not returned")),
    ("cases_opened", QT_TRANSLATE_NOOP("TodayPage", "Dropouts found in the campaign")),
    ("cases_open", QT_TRANSLATE_NOOP("TodayPage", "Cases not closed")),
    ("cases_closed", QT_TRANSLATE_NOOP("TodayPage", "Cases closed")),
)


#: What the work list and the campaign's counts are read from.
WORK_TABLES = ("visit", "dropout_case", "persuasion_attempt", "retention_follow_up", "return_check", "key_target",
               "campaign", "student", "school")


@dataclass
class TodayData:
    today: date
    work: WorkList
    campaign: CampaignCounts | None


def load_today(database: Any, today: date, school_id: str | None) -> TodayData:
    with database.read() as session:
        return TodayData(today, listing.work_list(session, today=today, school_id=school_id),
                         listing.campaign_counts(session, today=today, school_id=school_id))


class TodayPage(QWidget):
    def __init__(self, context: PageContext) -> None:
        super().__init__()
        self.context = context
        self.database = context.database
        self.data: TodayData | None = None
        self.loading = False
        self.error: str | None = None
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        self.title = theme.Heading()
        self.date_label = QLabel()
        self.refresh_button = QPushButton()
        top.addWidget(self.title)
        top.addSpacing(12)
        top.addWidget(self.date_label)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)

        self.campaign_box = QGroupBox()
        grid = QGridLayout(self.campaign_box)
        self.campaign_line = QLabel()
        self.campaign_line.setWordWrap(True)
        grid.addWidget(self.campaign_line, 0, 0, 1, 4)
        self.count_labels: dict[str, tuple[QLabel, QLabel]] = {}
        for index, (key, _title) in enumerate(COUNT_TITLES):
            name = QLabel()
            value = QLabel()
            value.setFont(theme.scaled_font(value, 1.4, bold=True))
            row, column = 1 + index // 4 * 2, index % 4
            grid.addWidget(value, row, column)
            grid.addWidget(name, row + 1, column)
            self.count_labels[key] = (name, value)
        layout.addWidget(self.campaign_box)

        filters = QHBoxLayout()
        self.filter_group = QButtonGroup(self)
        self.filter_group.setExclusive(True)
        self.filter_buttons: dict[str, QPushButton] = {}
        for key in FILTER_TITLES:
            button = QPushButton()
            button.setCheckable(True)
            button.setObjectName(f"todayFilter_{key}")
            self.filter_group.addButton(button)
            self.filter_buttons[key] = button
            filters.addWidget(button)
            button.clicked.connect(lambda _checked=False, k=key: self.set_kind(k))
        filters.addStretch(1)
        self.filter_buttons["all"].setChecked(True)
        layout.addLayout(filters)
        self.kind = "all"

        self.model = ListTableModel(WORK_COLUMNS)
        self.table = QTableView()
        self.table.setObjectName("todayTable")
        configure_table(self.table)
        self.table.setModel(self.model)
        self.table.activated.connect(self._activated)
        layout.addWidget(self.table, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.items: list[WorkItem] = []

        self.refresh_button.clicked.connect(self.refresh)
        self.retranslate()
        # Shown, it rereads after other pages' and tasks' writes; hidden, on_shown rereads anyway.
        self.changes = ops.ChangeWatch(self, WORK_TABLES, self.refresh, on_show=False)
        # Start reading once the event loop runs: the window paints first, then the worker competes with it.
        self.loading = True
        QTimer.singleShot(0, self, self._load)

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        if self.loading:
            return
        self.loading = True
        self._load()

    def _load(self) -> None:
        self.error = None
        self.refresh_button.setEnabled(False)
        self.status.setText(self.tr("Loading the day's work…"))
        today = getattr(self.context.navigator, "today", None) or date.today()
        user = self.database.user
        school_id = user.school_id if user is not None else None
        database = self.database

        def work(_report: Report) -> TodayData:
            return load_today(database, today, school_id)

        run_in_background(work, receiver=self, done=self._loaded, failed=self._failed)

    def on_shown(self) -> None:
        self.refresh()  # in the background; the lines shown stay until the new ones arrive

    def _loaded(self, data: object) -> None:
        assert isinstance(data, TodayData)
        self.loading = False
        self.refresh_button.setEnabled(True)
        self.data = data
        self._show()

    def _failed(self, error: BaseException) -> None:
        self.loading = False
        self.refresh_button.setEnabled(True)
        self.error = str(error)
        self.status.setText(self.tr("The day's work could not be read: {error}").format(error=error))

    # ------------------------------------------------------------------ showing
    def set_kind(self, kind: str) -> None:
        self.kind = kind
        self.filter_buttons[kind].setChecked(True)
        self._show_items()

    def _show(self) -> None:
        data = self.data
        if data is None:
            return
        self.date_label.setText(data.today.isoformat())
        counts = data.campaign
        if counts is None:
            self.campaign_line.setText(self.tr("No campaign has been set up yet."))
            for name, value in self.count_labels.values():
                name.hide()
                value.hide()
        else:
            kind = _campaign_kind(counts.kind)
            # Campaigns are usually named after their kind ("2026年寒假大家访"): say the kind only when not.
            title = counts.name if kind in counts.name else f"{counts.name} · {kind}"
            state = self.tr("running") if counts.running else self.tr("ended")
            self.campaign_line.setText(self.tr("{name}, {start} – {end}, {state}").format(
                name=title, start=counts.starts_on.isoformat(), end=counts.ends_on.isoformat(), state=state))
            for key, (name, value) in self.count_labels.items():
                value.setText(str(getattr(counts, key)))
                name.show()
                value.show()
        self._retitle_filters()
        self._show_items()

    def _retitle_filters(self) -> None:
        work = self.data.work if self.data else None
        for key, button in self.filter_buttons.items():
            title = self.tr(FILTER_TITLES[key])
            if work is None:
                button.setText(title)
            elif key == "all":
                button.setText(self.tr("{title} {count}").format(title=title, count=sum(work.totals.values())))
            elif work.overdue.get(key):
                button.setText(self.tr("{title} {count} ({overdue} overdue)").format(
                    title=title, count=work.totals[key], overdue=work.overdue[key]))
            else:
                button.setText(self.tr("{title} {count}").format(title=title, count=work.totals[key]))

    def _show_items(self) -> None:
        if self.data is None:
            return
        work = self.data.work
        kinds = listing.WORK_KINDS if self.kind == "all" else (self.kind,)
        items = [item for kind in kinds for item in work.items[kind]]
        items.sort(key=lambda item: (not item.overdue, item.due_on))
        self.items = items
        overdue_colour = theme.error_color()
        roles = {(row, Qt.ItemDataRole.ForegroundRole): overdue_colour for row, item in enumerate(items)
                 if item.overdue}
        self.model.set_rows([self._row(item) for item in items], [item.record_id for item in items], roles)
        shown = len(items)
        total = sum(work.totals[kind] for kind in kinds)
        if total == 0:
            self.status.setText(self.tr("Nothing to do here today."))
        elif shown < total:
            self.status.setText(self.tr("Showing the {shown} most urgent of {total}. Enter or double-click opens "
                                        "a line.").format(shown=shown, total=total))
        else:
            self.status.setText(self.tr("{total} to do. Enter or double-click opens a line.").format(total=total))

    def _row(self, item: WorkItem) -> tuple[str, ...]:
        due = item.due_on.isoformat()
        if item.overdue:
            due = self.tr("{date} (overdue)").format(date=due)
        if item.kind == "draft":
            due = self.tr("visited {date}").format(date=item.due_on.isoformat())
        return (self.tr(KIND_TITLES[item.kind]), due, item.student_name, item.school_name,
                (item.note or "").replace("\n", " ")[:80])

    def _activated(self, index: QModelIndex) -> None:
        if not 0 <= index.row() < len(self.items):
            return
        self.open_item(self.items[index.row()])

    def open_item(self, item: WorkItem) -> None:
        """Open the line's record; where no page handles that kind yet, the student's file instead."""
        navigator = self.context.navigator
        handles = getattr(navigator, "handles", None)
        if handles is None or handles(item.record_kind):
            navigator.navigate(item.record_kind, item.record_id)
        else:
            navigator.navigate("student", item.student_id)

    def item_id(self, row: int) -> str | None:
        value = self.model.data(self.model.index(row, 0), ID_ROLE)
        return None if value is None else str(value)

    # ------------------------------------------------------------------ language
    def retranslate(self) -> None:
        size_columns(self.table, WORK_COLUMNS, {
            "kind": max((self.tr(title) for title in KIND_TITLES.values()), key=len),
            "due": self.tr("{date} (overdue)").format(date="2026-01-09")})
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
        self.title.setText(self.tr("Today"))
        self.refresh_button.setText(self.tr("Refresh (F5)"))
        self.campaign_box.setTitle(self.tr("Current campaign"))
        for key, title in COUNT_TITLES:
            self.count_labels[key][0].setText(self.tr(title))
        self._retitle_filters()
        if self.data is not None:
            self._show()
        elif self.error is None:
            self.status.setText(self.tr("Loading the day's work…"))
            self.campaign_line.setText(self.tr("Loading…"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def _campaign_kind(value: str) -> str:
    try:
        return CampaignKind(value).label()
    except ValueError:
        return value


SPEC = REGISTRY.register(PageSpec(
    key="today", title=("Pages", QT_TRANSLATE_NOOP("Pages", "Today")), factory=TodayPage, order=10))
