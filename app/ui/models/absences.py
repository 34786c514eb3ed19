"""The table model of the absences page: a class's students on a day, who is away and what that warns of.

A class is a few dozen students, read in one query by :func:`app.services.attendance.class_absences` in a
worker; the model only holds those rows (it never reads the database), so it is a short in-memory list.
"""

from __future__ import annotations

from typing import Any

from app.domain.codes import StudentStatus
from app.domain.masking import mask_student_number
from app.domain.warnings import Finding, Severity
from app.services.attendance import ClassAbsence
from app.ui import theme
from app.ui.i18n import QT_TRANSLATE_NOOP
from app.ui.models.paged import ROW_ROLE, Column, RowsTableModel
from app.ui.qt import QCoreApplication, QFont, Qt

ABSENCE_COLUMNS = (
    Column("student", QT_TRANSLATE_NOOP("Columns", "Student"), sample="欧阳小明明"),
    Column("number", QT_TRANSLATE_NOOP("Columns", "Student number"), sample="G450107********0011"),
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


class ClassAbsenceModel(RowsTableModel[ClassAbsence]):
    """One row per student of the class, in roll order; the id role is the student's id."""

    def __init__(self) -> None:
        super().__init__(ABSENCE_COLUMNS)

    def row_of(self, student_id: str) -> int | None:
        return next((number for number, row in enumerate(self.rows) if row.student_id == student_id), None)

    def row_id(self, row: ClassAbsence) -> str:
        return row.student_id

    def cell(self, row: ClassAbsence, key: str) -> str:
        return self.text(row, key)

    def extra(self, row: ClassAbsence, key: str, role: int) -> Any:
        if role == ROW_ROLE:
            return row
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
            return mask_student_number(row.student_number) if row.student_number else ""
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
