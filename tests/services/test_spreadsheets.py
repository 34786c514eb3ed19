"""The list-file reader (app.services.spreadsheets) on its own: cells read as the roster import reads them, and
files opened at their header with the file's own row numbers."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from app.domain.errors import ValidationError
from app.services.spreadsheets import RosterFileError, YearMonth, cell_text, convert_cell, open_table


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


# ----------------------------------------------------------------------------- files
HEADER = ["姓名", "身份证件号", "全国学籍号", "学校名称", "年级", "性别", "出生日期", "民族", "联系电话",
          "是否建档立卡", "是否留守儿童", "就读方式", "备注"]
ID = "450107201403051234"


def _awkward_workbook(path: Path) -> Path:
    """A registry-like sheet that starts at B3 under a merged title, with every kind of cell Excel can hold in
    the roster's columns: IDs as text and as (damaged) numbers, grades as numbers and words, dates as dates,
    serials, numbers and text, flags as booleans, numbers and words, a school merged down."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "学生名单"
    sheet["B1"] = "西乡塘区学生名单"
    sheet.merge_cells("B1:N1")
    for column, text in enumerate(HEADER, start=2):
        sheet.cell(3, column, text)
    rows: list[list[Any]] = [
        ["韦明", ID, "G" + ID, "西乡塘区石埠小学", 4, "男", datetime(2014, 3, 5), "壮族", 13877110001, True, "否",
         "住校", None],
        ["黄华", 4.50107201403051e17, None, None, 4.0, 1, 41703, 8, "138 7711 0002", False, 0, "走读", "=1"],
        ["陆军", f"'{ID}", "g" + ID, "西乡塘区坛洛镇中心小学", "四年级", "女", date(2014, 3, 5), "01", "13877110003",
         "是", "双亲留守", "是", 4.5],
        ["覃芳", f'="{ID}"', None, None, "初一", "2", 20140305, "汉族", None, 1, "是", "否", None],
        ["莫英", ID, None, None, "高三", "男", datetime(2014, 3, 5, 8, 15), "火星族", "12345", "也许", "x", "走读",
         datetime(2020, 1, 1, 0, 0)],
        ["  ", None, None, None, None, None, "2014.03", None, None, None, None, None, time(8, 15)],
    ]
    for number, row in enumerate(rows, start=4):
        for column, value in enumerate(row, start=2):
            sheet.cell(number, column, value)
    sheet.merge_cells("E4:E5")  # the school, merged down
    sheet.merge_cells("E6:E7")
    workbook.save(path)
    return path


def _outcome(key: str, value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        result = convert_cell(key, value)
    except ValidationError as exc:
        return ("error", exc.zh)
    return str(result) if isinstance(result, YearMonth) else result


def test_the_reader_reads_cells_as_openpyxl_did(tmp_path: Path) -> None:
    """calamine gives other Python types than openpyxl did (4.0 for 4, a date for a midnight datetime): what the
    roster import makes of each cell is the same, error or value, merged cells filled."""
    path = _awkward_workbook(tmp_path / "名单.xlsx")
    reference = openpyxl.load_workbook(path, data_only=True).active  # as the reader before calamine opened it
    merged = {(row, column): (bounds.min_row, bounds.min_col) for bounds in reference.merged_cells.ranges
              for row in range(bounds.min_row, bounds.max_row + 1)
              for column in range(bounds.min_col, bounds.max_col + 1)}
    with open_table(path) as table:
        assert (table.file_format, table.sheet, table.header_row) == ("xlsx", "学生名单", 3)
        assert table.ignored_columns == ["备注"]
        read = list(table.rows)
    assert [number for number, _ in read] == [4, 5, 6, 7, 8, 9]
    compared = 0
    for number, values in read:
        for key, (index, header) in table.columns.items():
            assert reference.cell(3, index + 1).value == header
            anchor = merged.get((number, index + 1), (number, index + 1))
            expected = _outcome(key, reference.cell(*anchor).value)
            assert _outcome(key, table.value(key, values)) == expected, (number, header)
            compared += expected is not None
    assert compared > 50
    assert cell_text(read[5][1][13]) == "08:15:00"  # a time of day, as text


def test_rows_and_columns_keep_the_files_numbers(tmp_path: Path) -> None:
    """Blank rows above and blank columns left of the data do not shift what a row or a column is called."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for column, text in enumerate(["姓名", "身份证号", "年级"], start=4):  # D5:F5
        sheet.cell(5, column, text)
    sheet.cell(7, 4, "韦明")
    sheet.cell(7, 6, 4)
    path = tmp_path / "a.xlsx"
    workbook.save(path)
    with open_table(path) as table:
        assert table.header_row == 5
        assert table.columns == {"name": (3, "姓名"), "id_number": (4, "身份证号"), "grade": (5, "年级")}
        assert [(n, table.value("name", v), table.value("grade", v)) for n, v in table.rows] == [(6, None, None),
                                                                                                  (7, "韦明", 4)]


def test_xls_cells_and_merges(tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("名单")
    sheet.write_merge(0, 0, 0, 5, "建档立卡学生名单")
    for column, text in enumerate(["学校", "姓名", "身份证号", "年级", "出生日期", "脱贫户"]):
        sheet.write(1, column, text)
    sheet.write_merge(2, 3, 0, 0, "西乡塘区石埠小学")
    dated = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for row, values in ((2, ["韦明", ID, 4, date(2014, 3, 5), True]), (3, ["黄华", 4.50107201403051e17, "初一",
                                                                          41703, "是"])):
        for column, value in enumerate(values, start=1):
            sheet.write(row, column, value, dated if isinstance(value, date) else xlwt.Style.default_style)
    path = tmp_path / "名单.xls"
    book.save(str(path))
    with open_table(path) as table:
        assert (table.file_format, table.header_row) == ("xls", 2)
        rows = [{key: _outcome(key, table.value(key, values)) for key in table.columns} for _, values in table.rows]
    assert rows[0] == {"school_name": "西乡塘区石埠小学", "name": "韦明", "id_number": ID, "grade": 4,
                       "birth_date": date(2014, 3, 5), "registered_poor": True}
    assert rows[1]["school_name"] == "西乡塘区石埠小学" and rows[1]["grade"] == 7
    assert rows[1]["birth_date"] == date(2014, 3, 5) and rows[1]["id_number"][0] == "error"


def test_the_first_sheet_with_a_header_is_read(tmp_path: Path) -> None:
    """An empty sheet and a notes sheet before the list are passed over."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "空"
    workbook.create_sheet("说明").append(["本表由学籍系统导出"])
    workbook.create_sheet("名单").append(["姓名", "身份证号", "年级"])
    workbook["名单"].append(["韦明", ID, 4])
    path = tmp_path / "a.xlsx"
    workbook.save(path)
    with open_table(path) as table:
        assert (table.sheet, table.header_row, [n for n, _ in table.rows]) == ("名单", 1, [2])


def _with_cell(tmp_path: Path, rows: list[list[Any]], ref: str, cell: bytes) -> Path:
    """An .xlsx of a 姓名/身份证号/年级 header and ``rows``, with cell ``ref`` rewritten in the sheet's XML as
    ``cell`` (what openpyxl would not write: an error value, a damaged cell)."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名", "身份证号", "年级"])
    for row in rows:
        workbook.active.append(row)
    source, path = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    workbook.save(source)
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(path, "w") as out:
        for item in archive.infolist():
            data = archive.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rf'<c r="{ref}"[^>]*>.*?</c>'.encode(), cell, data)
            out.writestr(item, data)
    return path


def test_error_cells_read_as_empty(tmp_path: Path) -> None:
    """A formula's error (#N/A of a failed lookup) is an empty cell, as it was for .xls: it neither erases a
    stored value nor passes for one."""
    path = _with_cell(tmp_path, [["韦明", ID, 4]], "C2", b'<c r="C2" t="e"><v>#N/A</v></c>')
    with open_table(path) as table:
        [(_, values)] = list(table.rows)
        assert table.value("name", values) == "韦明" and table.value("grade", values) is None


def test_damage_past_the_first_rows_is_refused_when_reached(tmp_path: Path) -> None:
    """An .xlsx sheet is streamed: a cell damaged deep in the sheet (a number cell holding text) is found only
    when the stream reaches it, after thousands of rows were handed over, and is reported as a damaged file."""
    path = _with_cell(tmp_path, [["韦明", ID, 1 + index % 9] for index in range(3000)], "C2500",
                      b'<c r="C2500" t="n"><v>abc</v></c>')
    handed_over = 0
    with open_table(path) as table, pytest.raises(RosterFileError) as raised:
        for _ in table.rows:
            handed_over += 1
    assert handed_over == 2498  # rows 2 to 2499, each as the file has it
    assert str(raised.value).startswith(".xlsx 文件内容有误，无法读完")
    assert raised.value.en.startswith("The .xlsx file is damaged and cannot be read to the end: ")


def test_a_repeated_cell_reads_the_same_each_time() -> None:
    """Cells of the repeating columns are read once and remembered: the same cell reads alike every time, a
    bad one is refused every time, and a number is not taken for the text or the truth value that equals it."""
    assert [convert_cell("grade", value) for value in ("四年级", "四年级", 4, 4.0)] == [4, 4, 4, 4]
    for _ in range(2):
        with pytest.raises(ValidationError, match="年级"):
            convert_cell("grade", "高一")
    assert (convert_cell("registered_poor", 1), convert_cell("registered_poor", True),
            convert_cell("registered_poor", "1")) == (True, True, True)
    assert convert_cell("class_name", 2) == "2" and convert_cell("class_name", "2班") == "2班"
