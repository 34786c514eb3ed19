"""The roster's table model: every student of the district, a page at a time, filtered and searched."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from app.domain.codes import Sex, StudentStatus
from app.domain.masking import mask_id_number, mask_student_number
from app.services import listing
from app.services.listing import StudentFilter, StudentRow
from app.store.db import Database
from app.ui import theme
from app.ui.i18n import QT_TRANSLATE_NOOP
from app.ui.models.paged import Column, FilteredTableModel
from app.ui.qt import (
    QCoreApplication,
    Qt,
)

STUDENT_COLUMNS = (
    Column("name", QT_TRANSLATE_NOOP("Columns", "Name"), sample="欧阳小明明"),
    Column("sex", QT_TRANSLATE_NOOP("Columns", "Sex")),
    Column("birth_date", QT_TRANSLATE_NOOP("Columns", "Birth date"), sample="2020-04-30"),
    Column("school", QT_TRANSLATE_NOOP("Columns", "School"), sample="西乡塘区石埠街道第2小学"),
    Column("grade", QT_TRANSLATE_NOOP("Columns", "Grade"), align_right=True, sample="9"),
    Column("class_name", QT_TRANSLATE_NOOP("Columns", "Class"), sample="12班"),
    Column("status", QT_TRANSLATE_NOOP("Columns", "Status")),
    Column("id_number", QT_TRANSLATE_NOOP("Columns", "ID number"), sample="450107********123X"),
    Column("student_number", QT_TRANSLATE_NOOP("Columns", "Student number"), sample="G450107********123X"),
    Column("flags", QT_TRANSLATE_NOOP("Columns", "Flags"), stretch=True),
)


FLAG_TITLES = {
    "key_target": QT_TRANSLATE_NOOP("Flags", "Key target"),
    "registered_poor": QT_TRANSLATE_NOOP("Flags", "Registered poor"),
    "left_behind": QT_TRANSLATE_NOOP("Flags", "Left-behind"),
    "disability": QT_TRANSLATE_NOOP("Flags", "Disability"),
}


def flag_labels(row: StudentRow) -> list[str]:
    shown = {"key_target": row.key_target, "registered_poor": row.registered_poor,
             "left_behind": bool(row.left_behind and row.left_behind != "0"),
             "disability": bool(row.disability_type)}
    return [QCoreApplication.translate("Flags", FLAG_TITLES[key]) for key, on in shown.items() if on]


class StudentTableModel(FilteredTableModel[StudentRow, StudentFilter]):
    def __init__(self, database: Database, flt: StudentFilter | None = None) -> None:
        super().__init__(database, STUDENT_COLUMNS, flt or StudentFilter(), count=listing.count_students,
                         page=listing.student_page)

    def update_filter(self, **changes: Any) -> None:
        self.set_filter(replace(self.filter, **changes))

    def cell(self, row: StudentRow, key: str) -> Any:
        if key == "name":
            return row.name
        if key == "sex":
            return _label(Sex, row.sex)
        if key == "birth_date":
            return row.birth_date.isoformat() if row.birth_date else ""
        if key == "school":
            return row.school_name
        if key == "grade":
            return row.grade
        if key == "class_name":
            return row.class_name
        if key == "status":
            return _label(StudentStatus, row.status)
        if key == "id_number":
            return mask_id_number(row.id_number) if row.id_number else ""
        if key == "student_number":
            return mask_student_number(row.student_number) if row.student_number else ""
        if key == "flags":
            return " · ".join(flag_labels(row))
        return None

    def extra(self, row: StudentRow, key: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and key in ("flags", "school"):
            return self.cell(row, key) or None  # the whole text where the column is too narrow for it
        if role == Qt.ItemDataRole.ForegroundRole and key == "status" and row.status != StudentStatus.IN_SCHOOL:
            return theme.error_color()
        if role == Qt.ItemDataRole.FontRole and key == "name" and row.key_target:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None


def _label(kind: Any, value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(kind(value).label())
    except ValueError:
        return value
