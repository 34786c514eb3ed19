"""The list-file reader (app.services.spreadsheets) on its own: cells read as the roster import reads them, and
files opened at their header with the file's own row numbers."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.domain.errors import ValidationError
from app.services.spreadsheets import cell_text, convert_cell


# ----------------------------------------------------------------------------- cells
@pytest.mark.parametrize(("text", "grade"), [("四年级", 4), ("4", 4), (4.0, 4), ("初一", 7), ("七年级", 7),
                                             ("初中二年级", 8), ("初三", 9), ("小学六年级", 6), ("9年级", 9)])
def test_grade_spellings(text: object, grade: int) -> None:
    assert convert_cell("grade", text) == grade


@pytest.mark.parametrize("text", ["高一", "十年级", "初四", "2020级", "幼儿园"])
def test_grade_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="年级"):
        convert_cell("grade", text)


@pytest.mark.parametrize("text", ["x", "也许", "2"])
def test_yes_no_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="是.*否"):
        convert_cell("registered_poor", text)


@pytest.mark.parametrize(("text", "value"), [("是", True), ("否", False), ("Y", True), ("n", False), (1, True),
                                             ("0", False), ("√", True), ("×", False), (True, True), ("脱贫户", True)])
def test_yes_no_spellings(text: object, value: bool) -> None:
    assert convert_cell("registered_poor", text) is value


@pytest.mark.parametrize(("text", "value"), [
    (datetime(2014, 3, 5), date(2014, 3, 5)), ("2014-03-05", date(2014, 3, 5)), ("2014/3/5", date(2014, 3, 5)),
    ("20140305", date(2014, 3, 5)), (20140305, date(2014, 3, 5)), ("2014年3月5日", date(2014, 3, 5)),
    ("2014.3.5", date(2014, 3, 5)), (41703, date(2014, 3, 5)), ("2014-03-05 00:00:00", date(2014, 3, 5))])
def test_date_spellings(text: object, value: date) -> None:
    assert convert_cell("birth_date", text) == value


@pytest.mark.parametrize(("value", "text"), [
    ('="450107201403051234"', "450107201403051234"), ("'450107201403051234", "450107201403051234"),
    (" 韦明 ", "韦明"), (4.0, "4"), (True, "是"), (datetime(2014, 3, 5), "2014-03-05"), ("  ", None), (None, None)])
def test_cell_text_undoes_the_exports_tricks(value: object, text: str | None) -> None:
    assert cell_text(value) == text
