"""The table model of the absences page: a class's students on a day, who is away and what that warns of.

A class is a few dozen students, read in one query by :func:`app.services.attendance.class_absences` in a
worker; the model only holds those rows (it never reads the database), so it is a short in-memory list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.domain.codes import StudentStatus
from app.domain.warnings import Finding, Severity
from app.services.attendance import ClassAbsence
from app.ui import theme
from app.ui.i18n import QT_TRANSLATE_NOOP
from app.ui.models.paged import ID_ROLE, ROW_ROLE, Column
from app.ui.qt import QAbstractTableModel, QCoreApplication, QFont, QModelIndex, QPersistentModelIndex, Qt

AnyIndex = QModelIndex | QPersistentModelIndex

ABSENCE_COLUMNS = (
    Column("student", QT_TRANSLATE_NOOP("Columns", "Student"), sample="欧阳小明明"),
    Column("number", QT_TRANSLATE_NOOP("Columns", "Student number"), sample="G450107201601010011"),
    Column("since", QT_TRANSLATE_NOOP("Columns", "Away since"), sample="2026-11-23"),
    Column("until", QT_TRANSLATE_NOOP("Columns", "Last day away"), sample="2026-11-23"),
    Column("days", QT_TRANSLATE_NOOP("Columns", "School days away"), align_right=True, sample="20"),
    Column("reason", QT_TRANSLATE_NOOP("Columns", "Reason"), sample="发烧，家长已请假两天"),
    Column("note", QT_TRANSLATE_NOOP("Columns", "Note"), sample="准假"),
    Column("warning", QT_TRANSLATE_NOOP("Columns", "Warning"), stretch=True),
)
KEYS = [column.key for column in ABSENCE_COLUMNS]


def finding_text(finding: Finding) -> str:
    """A warning as one line: how urgent, then what exactly (both in the interface language)."""
    return QCoreApplication.translate("AbsenceModel", "{severity}: {detail}").format(
        severity=finding.severity.label(), detail=finding.detail())


class ClassAbsenceModel(QAbstractTableModel):
    """One row per student of the class, in roll order; the id role is the student's id."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ClassAbsence] = []

    def set_rows(self, rows: Sequence[ClassAbsence]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row(self, number: int) -> ClassAbsence | None:
        return self.rows[number] if 0 <= number < len(self.rows) else None

    def row_of(self, student_id: str) -> int | None:
        return next((number for number, row in enumerate(self.rows) if row.student_id == student_id), None)

    def retranslate(self) -> None:
        """Codes, warnings and titles are shown in the language of the moment: ask the views to read again."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(ABSENCE_COLUMNS) - 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(ABSENCE_COLUMNS) - 1))

    # ------------------------------------------------------------------ the model
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802 (Qt's default and name)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(ABSENCE_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(ABSENCE_COLUMNS):
                return QCoreApplication.translate("Columns", ABSENCE_COLUMNS[section].title)
            return None
        return section + 1

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.column() < len(ABSENCE_COLUMNS):
            return None
        row = self.row(index.row())
        if row is None:
            return None
        key = KEYS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, key)
        if role == ID_ROLE:
            return row.student_id
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and ABSENCE_COLUMNS[index.column()].align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and key in ("warning", "reason", "note"):
            return self.text(row, key) or None  # long warnings and reasons are cut off in the cell
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "warning" and row.warnings:
                urgent = any(f.severity is Severity.URGENT for f in row.warnings)
                return theme.error_color() if urgent else theme.warning_color()
            if row.status is not StudentStatus.IN_SCHOOL:
                return theme.muted_color()
        if role == Qt.ItemDataRole.FontRole and key == "student" and row.away:
            font = QFont()
            font.setBold(True)  # who is away stands out in the roll
            return font
        return None

    def text(self, row: ClassAbsence, key: str) -> str:
        if key == "student":
            return row.name
        if key == "number":
            return row.student_number or ""
        if key == "since":
            return row.started_on.isoformat() if row.started_on else ""
        if key == "until":
            return row.ended_on.isoformat() if row.ended_on else ""
        if key == "days":
            return str(row.school_days) if row.away else ""
        if key == "reason":
            return (row.reason or "").replace("\n", " ")
        if key == "note":
            notes = []
            if row.status is not StudentStatus.IN_SCHOOL:
                notes.append(row.status.label())
            if row.excused:
                notes.append(QCoreApplication.translate("AbsenceModel", "leave granted"))
            return QCoreApplication.translate("AbsenceModel", ", ").join(notes)
        if key == "warning":
            return QCoreApplication.translate("AbsenceModel", "; ").join(finding_text(f) for f in row.warnings)
        return ""
