"""台账 as .xlsx, read back with openpyxl: the rows of the fixed district, frozen header, print setup, footer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from app.domain.errors import NotFoundError, PermissionDenied, ValidationError
from app.services.ledgers import LedgerKind, Signatures, export_ledger
from app.store.db import Database
from tests.conftest import TODAY
from tests.services.report_district import District, build_district

SIGNED = Signatures(checker="覃主任", preparer="黄老师", phone="0771-3201234")


@pytest.fixture
def district(database: Database, data_dir: Path) -> District:
    return build_district(database, data_dir)


def _export(database: Database, kind: str, tmp_path: Path, **kwargs: Any) -> tuple[Any, list[list[Any]]]:
    path = tmp_path / f"{kind}.xlsx"
    with database.read() as session:
        result = export_ledger(session, kind, path, on=TODAY, signatures=SIGNED, **kwargs)
    assert result.path == path and path.exists() and not path.with_name(path.name + ".part").exists()
    sheet = openpyxl.load_workbook(path).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4, max_row=3 + result.rows)]
    return sheet, rows


def test_dropout_ledger_has_the_monthly_ledger_columns_and_print_setup(database: Database, district: District,
                                                                       tmp_path: Path) -> None:
    sheet, rows = _export(database, "dropouts", tmp_path)
    assert sheet["A1"].value == "全区辍学学生台账" and "共 6 人次" in sheet["A2"].value
    assert [c.value for c in sheet[3]] == ["序号", "学校", "年级班级", "姓名", "去向", "责任教师", "劝返状态",
                                           "采取措施", "监护人", "家庭住址", "联系电话", "辍学原因", "返校进展"]
    assert [row[3] for row in rows] == ["陆春梅", "陈秀英", "李桂兰", "廖勇", "何𰻝宁", "卢静"]
    first = rows[0]
    assert first[:7] == [1, "石埠小学", "6年级2班", "陆春梅", "广东东莞务工", None, "待劝返"]
    assert first[8:] == ["陆大山", "石埠街道忠良村那龙屯12号", "138****0001", "外出务工", "未返校"]
    assert rows[4][5] == "何老师" and "已劝返 1 次" in rows[4][7]
    assert rows[1][12].startswith("中职安置 2026-11-26") and "未核实" in rows[1][12]
    # Frozen under the header, the header repeated on every page, landscape A4 fitted to the width.
    assert sheet.freeze_panes == "A4"
    assert sheet.print_title_rows == "$1:$3"
    assert sheet.page_setup.orientation == "landscape" and str(sheet.page_setup.paperSize) == "9"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # The footer the form carries: printed on every page, and as the last row.
    assert "核查人：覃主任" in sheet.oddFooter.left.text and "填表人：黄老师" in sheet.oddFooter.left.text
    assert "&P" in sheet.oddFooter.center.text and "2026-11-29" in sheet.oddFooter.right.text
    last = [c.value for c in sheet[sheet.max_row]]
    assert last[:3] == ["核查人：覃主任", "填表人：黄老师", "联系电话：0771-3201234"]


def test_returned_and_not_returned_rosters(database: Database, district: District, tmp_path: Path) -> None:
    _, returned = _export(database, "returned", tmp_path)
    assert [row[3] for row in returned] == ["陈秀英", "李桂兰", "廖勇"]
    assert returned[1][12] == "返校复学 2026-11-25（随班）"
    _, out = _export(database, "not-returned", tmp_path)
    assert [row[3] for row in out] == ["陆春梅", "何𰻝宁"]


def test_key_target_and_visit_ledgers(database: Database, district: District, tmp_path: Path) -> None:
    _, targets = _export(database, "key-targets", tmp_path)
    assert [(row[3], row[9], row[10]) for row in targets] == [("韦小明", 2, "2026-11-26"), ("梁文杰", 1, "2026-11-24"),
                                                             ("周芳", 0, None)]
    assert targets[0][5].startswith("450107") and "********" in targets[0][5]
    assert targets[0][6] == "学习困难/厌学" and targets[0][8] == "2027年寒假大家访"
    _, visits = _export(database, "visits", tmp_path)
    assert [(row[1], row[4], row[11]) for row in visits] == [
        ("2026-11-18", "韦小明", "已定稿"), ("2026-11-20", "杨金凤", "已定稿"), ("2026-11-24", "梁文杰", "已定稿"),
        ("2026-11-26", "韦小明", "已定稿"), ("2026-11-27", "黄丽华", "草稿")]


def test_village_list_of_children_not_in_school(database: Database, district: District, tmp_path: Path) -> None:
    sheet, rows = _export(database, "village-list", tmp_path, village_id=district.villages["忠良"])
    assert sheet["A1"].value == "忠良村适龄儿童少年未在校名单"
    assert rows == [[1, "石埠街道", "忠良村", "那龙屯", "陆春梅", "2015-03", "陆大山", "外出务工", 0,
                     "辍学；待劝返；广东东莞务工；原石埠小学6年级2班"]]
    _, everyone = _export(database, "village-list", tmp_path)
    assert sorted(row[4] for row in everyone) == ["何𰻝宁", "陆春梅", "陈秀英"]


def test_a_school_without_records_gets_an_empty_ledger_that_says_so(database: Database, district: District,
                                                                    tmp_path: Path) -> None:
    sheet, rows = _export(database, "dropouts", tmp_path, school_id=district.schools["D"])
    assert rows == [] and sheet["A1"].value == "坛洛教学点辍学学生台账"
    assert sheet["A4"].value == "（本台账截至统计日没有记录）"


def test_scope_reveal_and_bad_input(database: Database, district: District, tmp_path: Path) -> None:
    _, rows = _export(database, "dropouts", tmp_path, township_id=district.townships["坛洛"])
    assert {row[1] for row in rows} == {"坛洛小学"}
    _, revealed = _export(database, "dropouts", tmp_path, reveal=True)
    assert revealed[0][10] == "13877110001"
    with database.read() as session:
        with pytest.raises(ValidationError):
            export_ledger(session, "dropouts", tmp_path / "x.csv", on=TODAY)
        with pytest.raises(ValidationError):
            export_ledger(session, "nonsense", tmp_path / "x.xlsx", on=TODAY)
        with pytest.raises(NotFoundError):
            export_ledger(session, "dropouts", tmp_path / "x.xlsx", on=TODAY, school_id="nope")
    assert {k.value for k in LedgerKind} == {"dropouts", "returned", "not-returned", "key-targets", "visits",
                                            "village-list"}


def test_a_teacher_cannot_export_full_numbers(database: Database, district: District, tmp_path: Path) -> None:
    from app.services.users import add_user
    from app.store.db import open_folder
    from tests.conftest import PASSWORD

    add_user(database, username="teacher", password=PASSWORD + "x", role="teacher", display_name="韦老师")
    teacher = open_folder(district.data_dir, "teacher", PASSWORD + "x")
    try:
        with teacher.read() as session, pytest.raises(PermissionDenied):
            export_ledger(session, "dropouts", tmp_path / "t.xlsx", on=TODAY, reveal=True)
    finally:
        teacher.close()
