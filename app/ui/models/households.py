"""The households list: every household, a page at a time, searched by head, address or village."""

from __future__ import annotations

from typing import Any

from app.domain.codes import HardshipCategory
from app.domain.masking import mask_phone
from app.services import listing
from app.services.listing import HouseholdRow
from app.store.db import Database
from app.ui.i18n import QT_TRANSLATE_NOOP
from app.ui.models.paged import Column, FilteredTableModel

HOUSEHOLD_COLUMNS = (
    Column("head_name", QT_TRANSLATE_NOOP("Columns", "Head of household"), sample="欧阳小明明"),
    Column("address", QT_TRANSLATE_NOOP("Columns", "Address"), stretch=True),
    Column("village", QT_TRANSLATE_NOOP("Columns", "Village"), sample="石埠街道那龙村"),
    Column("phone", QT_TRANSLATE_NOOP("Columns", "Phone"), sample="0771-***4567"),
    Column("hardship", QT_TRANSLATE_NOOP("Columns", "Hardship"), sample="低保 · 建档立卡 · 残疾"),
    Column("students", QT_TRANSLATE_NOOP("Columns", "Students"), align_right=True, sample="10"),
)


def hardship_text(values: list[str]) -> str:
    labels = []
    for value in values:
        try:
            labels.append(HardshipCategory(value).label())
        except ValueError:
            labels.append(value)
    return " · ".join(labels)


class HouseholdTableModel(FilteredTableModel[HouseholdRow, str]):
    """Households whose head, address or village match the search text (all when it is empty)."""

    def __init__(self, database: Database, text: str = "") -> None:
        super().__init__(database, HOUSEHOLD_COLUMNS, text, count=listing.count_households,
                         page=listing.household_page)

    def set_text(self, text: str) -> None:
        self.set_filter(text)

    def cell(self, row: HouseholdRow, key: str) -> Any:
        if key == "head_name":
            return row.head_name
        if key == "address":
            return row.address
        if key == "village":
            return row.village_name
        if key == "phone":
            return mask_phone(row.phone) if row.phone else ""
        if key == "hardship":
            return hardship_text(row.hardship)
        if key == "students":
            return row.students
        return None
