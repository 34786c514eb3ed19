"""家庭 Households: every household, searched by the head's name, the address or the village, with its members
and its children."""

from __future__ import annotations

from app.domain.codes import HardshipCategory, HouseholdType, StudentStatus
from app.domain.errors import DomainError
from app.domain.masking import mask_phone
from app.services import listing
from app.ui import ops, theme
from app.ui.i18n import QT_TRANSLATE_NOOP
from app.ui.models.households import HOUSEHOLD_COLUMNS, HouseholdTableModel, hardship_text
from app.ui.models.paged import ID_ROLE, Column
from app.ui.pages import REGISTRY, PageContext, PageSpec
from app.ui.pages.roster import configure_table, size_columns
from app.ui.pages.student import MEMBER_COLUMNS, make_table
from app.ui.qt import (
    QEvent,
    QGridLayout,
    QHBoxLayout,
    QItemSelection,
    QLabel,
    QLineEdit,
    QModelIndex,
    QSplitter,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)

#: What the household list and a household's details are read from.
HOUSEHOLD_TABLES = ("household", "household_member", "student", "village", "hamlet", "township")
CHILD_COLUMNS = (
    Column("name", QT_TRANSLATE_NOOP("Columns", "Name")),
    Column("school", QT_TRANSLATE_NOOP("Columns", "School")),
    Column("grade", QT_TRANSLATE_NOOP("Columns", "Grade"), align_right=True),
    Column("class_name", QT_TRANSLATE_NOOP("Columns", "Class")),
    Column("status", QT_TRANSLATE_NOOP("Columns", "Status")),
)


class HouseholdsPage(QWidget):
    def __init__(self, context: PageContext) -> None:
        super().__init__()
        self.context = context
        self.database = context.database
        self.household_id: str | None = None
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        self.title = theme.Heading()
        self.search = QLineEdit()
        self.search.setObjectName("householdSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(320)
        self.count_label = QLabel()
        top.addWidget(self.title)
        top.addSpacing(12)
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        layout.addLayout(top)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.model = HouseholdTableModel(self.database)
        self.table = QTableView()
        self.table.setObjectName("householdTable")
        configure_table(self.table)
        self.table.setModel(self.model)
        splitter.addWidget(self.table)

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        self.detail_title = theme.Heading(factor=1.2)
        detail_layout.addWidget(self.detail_title)
        info = QGridLayout()
        info.setColumnStretch(1, 1)
        info.setColumnStretch(3, 1)
        self.info_labels: dict[str, QLabel] = {}
        self.info_values: dict[str, QLabel] = {}
        for index, key in enumerate(("address", "village", "phone", "household_type", "registration_place",
                                     "hardship")):
            label, value = QLabel(), QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            info.addWidget(label, index // 2, (index % 2) * 2)
            info.addWidget(value, index // 2, (index % 2) * 2 + 1)
            self.info_labels[key] = label
            self.info_values[key] = value
        detail_layout.addLayout(info)
        tables = QHBoxLayout()
        members_box = QVBoxLayout()
        self.members_title = QLabel()
        self.members_title.setFont(theme.scaled_font(self.members_title, 1.0, bold=True))
        members_box.addWidget(self.members_title)
        self.members_view, self.members = make_table(MEMBER_COLUMNS)
        members_box.addWidget(self.members_view)
        children_box = QVBoxLayout()
        self.children_title = QLabel()
        self.children_title.setFont(theme.scaled_font(self.children_title, 1.0, bold=True))
        children_box.addWidget(self.children_title)
        self.children_view, self.child_rows = make_table(CHILD_COLUMNS)
        self.children_view.activated.connect(self._open_child)
        children_box.addWidget(self.children_view)
        tables.addLayout(members_box, 3)
        tables.addLayout(children_box, 2)
        detail_layout.addLayout(tables, 1)
        self.error = theme.ErrorLabel()
        detail_layout.addWidget(self.error)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        self.detail = detail

        self.search.textChanged.connect(self._apply)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated.connect(self._row_activated)
        self.retranslate()
        self._show_household(None)
        self._apply()
        # Shown, it rereads after other pages' and tasks' writes; hidden, on_shown rereads it.
        self.changes = ops.ChangeWatch(self, HOUSEHOLD_TABLES, self.refresh, on_show=False)

    # ------------------------------------------------------------------ list
    def _apply(self) -> None:
        self.model.set_text(self.search.text())
        self._update_count()
        if self.model.total:
            self.table.scrollToTop()
            self.table.selectRow(0)

    def _update_count(self) -> None:
        self.count_label.setText(self.tr("{count} households").format(count=self.model.total))

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            household_id = self.model.data(indexes[0], ID_ROLE)
            self._show_household(str(household_id) if household_id else None)

    def _row_activated(self, index: QModelIndex) -> None:
        household_id = self.model.data(index, ID_ROLE)
        if household_id:
            self._show_household(str(household_id))
            self.members_view.setFocus()

    def _open_child(self, index: QModelIndex) -> None:
        student_id = self.child_rows.data(index, ID_ROLE)
        if student_id:
            self.context.navigator.navigate("student", str(student_id))

    # ------------------------------------------------------------------ detail
    def _show_household(self, household_id: str | None) -> None:
        self.household_id = household_id
        self.error.setText("")
        if household_id is None:
            self.detail.setEnabled(False)
            self.detail_title.setText(self.tr("Choose a household"))
            for value in self.info_values.values():
                value.setText("")
            self.members.set_rows([])
            self.child_rows.set_rows([])
            return
        try:
            with self.database.read() as session:
                file = listing.household_file(session, household_id)
        except DomainError as exc:
            self.error.setText(str(exc))
            return
        self.detail.setEnabled(True)
        household = file.household
        self.detail_title.setText(household.head_name or self.tr("(no head of household recorded)"))
        values = {
            "address": household.address or "", "village": file.village_name or "",
            "phone": mask_phone(household.phone) if household.phone else "",
            "household_type": HouseholdType(household.household_type).label() if household.household_type else "",
            "registration_place": household.registration_place or "",
            "hardship": hardship_text(list(household.hardship or [])),
        }
        for key, text in values.items():
            self.info_values[key].setText(text)
        yes, no = self.tr("Yes"), self.tr("No")
        self.members.set_rows(
            [(m.name, m.relation or "", mask_phone(m.phone) if m.phone else "", m.work or "",
              yes if m.works_away else no, yes if m.is_guardian else no) for m in file.members],
            [m.id for m in file.members])
        self.child_rows.set_rows(
            [(s.name, s.school_name, s.grade, s.class_name or "", StudentStatus(s.status).label())
             for s in file.students], [s.id for s in file.students])
        self.members_title.setText(self.tr("Members ({n})").format(n=len(file.members)))
        self.children_title.setText(self.tr("Children on the roster ({n}): Enter opens").format(n=len(file.students)))
        self.members_view.resizeColumnsToContents()
        self.children_view.resizeColumnsToContents()

    # ------------------------------------------------------------------ page protocol
    def show_record(self, kind: str, record_id: str) -> None:
        if kind == "household":
            self._show_household(record_id)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self) -> None:
        self.model.refresh()
        self._update_count()
        self._show_household(self.household_id)

    def on_shown(self) -> None:
        self.refresh()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Households"))
        self.search.setPlaceholderText(self.tr("Search: head of household, address or village"))
        titles = {"address": self.tr("Address"), "village": self.tr("Village"), "phone": self.tr("Phone"),
                  "household_type": self.tr("Registration type"),
                  "registration_place": self.tr("Registration place"), "hardship": self.tr("Hardship")}
        for key, label in self.info_labels.items():
            label.setText(titles[key])
        self.members_title.setText(self.tr("Members"))
        self.children_title.setText(self.tr("Children on the roster"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
        longest = max((category.label() for category in HardshipCategory), key=len)
        size_columns(self.table, HOUSEHOLD_COLUMNS, {"hardship": f"{longest} · {longest[:4]}"})
        self._update_count()
        if self.household_id is not None:
            self._show_household(self.household_id)
        else:
            self.detail_title.setText(self.tr("Choose a household"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


SPEC = REGISTRY.register(PageSpec(
    key="households", title=("Pages", QT_TRANSLATE_NOOP("Pages", "Households")), factory=HouseholdsPage, order=30,
    handles=("household",)))
