"""Roster import from real .xlsx, .xls and .csv files the tests write: odd headers, title rows, merged cells,
re-imports that update, and every bad input the issue names (each: a clear message, and the data unchanged)."""

from __future__ import annotations

import csv
import errno
import gc
import io
import os
import re
import tracemalloc
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import func, select

from app.domain.codes import HardshipCategory
from app.domain.identity import make_id_number
from app.domain.progress import Cancelled
from app.services import importing, importing_rows, places, roster, spreadsheets
from app.services.exchange import export_json
from app.services.importing import ImportRejected, RosterFileError, apply_import, plan_import
from app.store import oplog
from app.store.db import Database
from app.store.ids import derived_id, uuid7
from app.store.models import Household, HouseholdMember, Student
from tests.conftest import TODAY, birth_for_grade

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "sample"
SHIBU, TANLUO = "西乡塘区石埠小学", "西乡塘区坛洛镇中心小学"
HEADER = ["序号", "姓名", "性别", "身份证件号", "全国学籍号", "学校名称", "学校标识码", "年级", "班级", "民族",
          "监护人", "联系电话", "家庭住址", "是否建档立卡", "备注"]


# ----------------------------------------------------------------------------- helpers
def make_schools(database: Database) -> dict[str, str]:
    """The two schools the test files and the committed samples name: name -> id."""
    with database.write() as session:
        return {name: places.add_school(session, name=name, school_type="primary", code=code).id
                for name, code in ((SHIBU, "2145070001"), (TANLUO, "2145070002"))}


@pytest.fixture
def schools(database: Database) -> dict[str, str]:
    return make_schools(database)


def id_for(index: int, grade: int = 4, *, male: bool = True) -> str:
    birth = birth_for_grade(grade, month=1 + index % 8, day=1 + index % 28)
    return make_id_number("450107", birth, (index * 2 + (1 if male else 0)) % 1000)


def pupil(index: int, *, grade: int = 4, school: str = SHIBU, name: str | None = None,
          **changes: Any) -> dict[str, Any]:
    """One row of a registry export as a dict keyed by HEADER."""
    number = id_for(index, grade)
    row: dict[str, Any] = {
        "序号": index, "姓名": name or f"韦{'明华强芳军英海燕'[index % 8]}", "性别": "男", "身份证件号": number,
        "全国学籍号": "G" + number, "学校名称": school, "学校标识码": None,
        "年级": f"{'一二三四五六七八九'[grade - 1]}年级", "班级": "2班", "民族": "壮族", "监护人": "韦大山",
        "联系电话": "138 7711 0000", "家庭住址": "石埠街道那告屯 3 号", "是否建档立卡": "否", "备注": "",
    }
    row.update(changes)
    return row


def write_xlsx(path: Path, rows: Sequence[dict[str, Any]], *, header: Sequence[str] = HEADER,
               title: str | None = "西乡塘区XX学校学生名单", merges: Sequence[str] = ()) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title is not None:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        sheet.append([])
    sheet.append(list(header))
    for row in rows:
        sheet.append([row.get(column) for column in header])
    for merge in merges:
        sheet.merge_cells(merge)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: Sequence[dict[str, Any]], *, encoding: str = "gbk", header: Sequence[str] = HEADER,
              title: str | None = None) -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        if title:
            writer.writerow([title])
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in header])
    return path


def dump(database: Database) -> str:
    out = io.StringIO()
    with database.read() as session:
        export_json(session, out)
    return out.getvalue()


def plan(database: Database, path: Path, **kwargs: Any) -> importing.ImportPlan:
    with database.read() as session:
        return plan_import(session, path, today=TODAY, **kwargs)


def run(database: Database, path: Path, *, skip_invalid: bool = False) -> importing.ImportResult:
    with database.write() as session:
        return apply_import(session, plan_import(session, path, today=TODAY), skip_invalid=skip_invalid)


def students(database: Database) -> dict[str | None, Student]:
    with database.read() as session:
        return {s.id_number: s for s in session.scalars(select(Student))}


def refused(database: Database, path: Path, *words: str, rows: bool = False) -> str:
    """Importing ``path`` fails with a one-line message naming ``words`` and the records are unchanged: for a bad
    file (RosterFileError) already when planning; for bad rows (``rows``, ImportRejected) when applying."""
    before = dump(database)
    if not rows:
        with pytest.raises(RosterFileError):
            plan(database, path)
    with pytest.raises(ImportRejected if rows else RosterFileError) as raised:
        run(database, path)
    message = str(raised.value)
    for word in words:
        assert word in message, message
    assert "\n" not in message and "Traceback" not in message
    assert dump(database) == before
    return message


# ----------------------------------------------------------------------------- formats and headers
def test_xlsx_with_title_rows_merged_cells_and_odd_headers(database: Database, schools: dict[str, str],
                                                           tmp_path: Path) -> None:
    header = ["备注", "班级名称", "证件号码", "姓名*", "学校（全称）", "就读年级", "性别", "家长姓名", "手机号码",
              "现住址", "与学生关系", "出生日期(yyyy-mm-dd)", "是否留守儿童", "残疾类别", "是否随迁子女", "就读方式",
              "身份证件类型"]
    born = datetime.combine(birth_for_grade(4, month=2, day=2), datetime.min.time())
    rows: list[dict[str, Any]] = [
        {"证件号码": id_for(1), "姓名*": "韦𰻝", "学校（全称）": SHIBU, "就读年级": "四年级", "性别": "男",
         "班级名称": "(2)班", "家长姓名": "韦大山", "手机号码": "138-7711-0001", "现住址": "那告屯 3 号",
         "与学生关系": "父亲", "出生日期(yyyy-mm-dd)": born, "是否留守儿童": "双亲外出", "残疾类别": "无",
         "是否随迁子女": "N", "就读方式": "住校", "身份证件类型": "居民身份证"},
        {"证件号码": id_for(2), "姓名*": "黄秀英", "就读年级": 4, "性别": "男", "是否留守儿童": "是",
         "是否随迁子女": "√"},
        {"证件号码": id_for(3, 7), "姓名*": "陆小军", "学校（全称）": TANLUO, "就读年级": "初一", "性别": "男"},
    ]
    path = write_xlsx(tmp_path / "学籍.xlsx", rows, header=header, merges=["E4:E5"])  # school merged down
    result = run(database, path)
    assert result.added == 3 and result.households == 1 and not result.skipped
    assert result.plan.header_row == 3 and result.plan.ignored_columns == ["备注"]
    found = students(database)
    first, second, third = found[id_for(1)], found[id_for(2)], found[id_for(3, 7)]
    assert first.name == "韦𰻝" and first.class_name == "(2)班" and first.left_behind == "2"
    assert first.boarding == "boarding" and first.disability_type is None and first.migrant is False
    assert second.school_id == schools[SHIBU]  # filled down from the merged cell above
    assert second.left_behind == "1" and second.migrant is True and second.household_id is None
    assert third.grade == 7 and third.school_id == schools[TANLUO]
    with database.read() as session:
        household = session.get(Household, first.household_id)
        assert household is not None and household.head_name == "韦大山" and household.phone == "13877110001"
        [guardian] = roster.members_of(session, household.id)
        assert (guardian.name, guardian.relation, guardian.is_guardian) == ("韦大山", "父亲", True)


def test_gbk_csv_with_title_row(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "名单.csv", [pupil(1), pupil(2, school=TANLUO, 是否建档立卡="是")], encoding="gbk",
                     title="西乡塘区学生名单")
    plan_ = plan(database, path)
    assert (plan_.encoding, plan_.header_row, len(plan_.to_add)) == ("gb18030", 2, 2)
    run(database, path)
    poor = students(database)[id_for(2)]
    assert poor.registered_poor is True and poor.school_id == schools[TANLUO] and poor.ethnicity == "08"
    with database.read() as session:
        household = session.get(Household, poor.household_id)
        assert household is not None and household.hardship == ["registered_poor"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_unicode_csv(database: Database, schools: dict[str, str], tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "名单.csv", [pupil(1, name="覃𰻝")], encoding=encoding)
    run(database, path)
    assert students(database)[id_for(1)].name == "覃𰻝"


def test_csv_guards_and_tabs(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    """Long numbers kept as text the ways CSV exports do it (="…", a leading apostrophe), tab-separated."""
    number = id_for(1)
    path = tmp_path / "名单.csv"
    path.write_text("姓名\t身份证号\t学校\t年级\t性别\n"
                    f'韦明\t="{number}"\t{SHIBU}\t4\t男\n'
                    f"黄华\t'{id_for(2)}\t{SHIBU}\t四年级\t\n", encoding="utf-8")
    run(database, path)
    assert {number, id_for(2)} <= set(students(database))


def test_xls_generated(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("名单")
    sheet.write_merge(0, 0, 0, 5, "建档立卡学生名单")
    for column, text in enumerate(["学校", "姓名", "身份证号", "年级", "性别", "脱贫户"]):
        sheet.write(2, column, text)
    sheet.write_merge(3, 4, 0, 0, SHIBU)  # the school merged down over two rows
    for row, (index, name) in enumerate(((1, "韦明"), (2, "黄𰻝")), start=3):
        for column, value in enumerate([name, id_for(index), 4, "男", "是"], start=1):
            sheet.write(row, column, value)
    path = tmp_path / "建档立卡.xls"
    book.save(str(path))
    result = run(database, path)
    assert result.added == 2
    assert result.plan.header_row == 3 and result.plan.file_format == "xls"
    second = students(database)[id_for(2)]
    assert second.name == "黄𰻝" and second.school_id == schools[SHIBU] and second.registered_poor is True


def test_committed_samples_import_and_reimport(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    """The README's walk-through: the registry export, a later GBK export of it, then the poverty list."""
    first = run(database, SAMPLES / "学籍导出示例.xlsx")
    assert first.added == 30 and not first.skipped
    assert any(s.name == "韦𰻝" for s in students(database).values())
    later = run(database, SAMPLES / "学籍导出示例.csv")
    assert (later.added, later.changed, later.unchanged) == (2, 3, 26)
    poor = run(database, SAMPLES / "建档立卡名单示例.xls")
    assert (poor.added, poor.changed) == (1, 6)
    assert sum(s.registered_poor for s in students(database).values()) == 7
    with database.read() as session:
        assert oplog.compare_with_log(session) == []


def test_year_month_birth_checked_against_the_id(database: Database, schools: dict[str, str],
                                                 tmp_path: Path) -> None:
    birth = birth_for_grade(4, month=1 + 1 % 8, day=1 + 1 % 28)
    header = ["姓名", "身份证号", "学校", "年级", "出生年月"]
    rows = [{"姓名": "韦明", "身份证号": id_for(1), "学校": SHIBU, "年级": 4,
             "出生年月": f"{birth.year}.{birth.month:02d}"},
            {"姓名": "韦华", "身份证号": id_for(2), "学校": SHIBU, "年级": 4, "出生年月": "2010.01"}]
    plan_ = plan(database, write_csv(tmp_path / "a.csv", rows, header=header, encoding="utf-8"))
    assert [a.row for a in plan_.to_add] == [2]
    [error] = plan_.rejected
    assert (error.index, error.field) == (3, "出生年月") and "不一致" in error.zh


def test_rows_keep_the_files_numbers(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    """Title rows, blank rows and a header repeated mid-file do not shift the row numbers in messages."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = "西乡塘区学生名单"
    sheet["A2"] = "填报单位：石埠小学"
    sheet.append(HEADER)  # row 3
    sheet.append([pupil(1).get(c) for c in HEADER])  # row 4
    sheet.append([])  # row 5, blank
    sheet.append(HEADER)  # row 6, the header again (every printed page has it)
    sheet.append([pupil(2, 身份证件号="450107201603050012").get(c) for c in HEADER])  # row 7
    sheet["A9"] = "制表人：黄老师"  # a footer outside the recognised columns
    path = tmp_path / "名单.xlsx"
    workbook.save(path)
    plan_ = plan(database, path)
    assert [a.row for a in plan_.to_add] == [4]
    assert [(e.index, e.field) for e in plan_.rejected] == [(7, "身份证件号")]
    assert "校验位" in plan_.rejected[0].zh


def test_excel_number_id_explained(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [pupil(1, 身份证件号=4.50107201403051e17, 全国学籍号=None)])
    [error] = plan(database, path).rejected
    assert error.field == "身份证件号" and "文本" in error.zh


def test_missing_name_or_id_columns(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    header = ["学校名称", "年级", "班级", "性别"]
    path = write_csv(tmp_path / "a.csv", [{"学校名称": SHIBU, "年级": 4, "班级": "1班", "性别": "男"}], header=header,
                     encoding="utf-8")
    refused(database, path, "缺少", "姓名", "身份证件号")


# ----------------------------------------------------------------------------- re-import
def test_reimport_updates_instead_of_duplicating(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    rows = [pupil(i) for i in range(1, 6)]
    run(database, write_xlsx(tmp_path / "一.xlsx", rows))
    rows[1].update({"班级": "3班", "是否建档立卡": "是", "监护人": None})  # an empty cell erases nothing
    rows[2]["身份证件号"] = None  # matched by its student number alone
    second = run(database, write_xlsx(tmp_path / "二.xlsx", rows))
    assert (second.added, second.changed, second.unchanged) == (0, 1, 4)
    [change] = second.plan.to_change
    assert change.row == 5 and change.describe() == "班级 2班 → 3班；是否建档立卡 否 → 是"
    found = students(database)
    assert len(found) == 5
    changed = found[id_for(2)]
    assert changed.class_name == "3班" and changed.registered_poor is True
    # The household's hardship says so too, as for a student the file adds registered poor.
    assert _family(database, id_for(2))[0].hardship == [HardshipCategory.REGISTERED_POOR.value]
    with database.read() as session:
        history = oplog.field_history(session, "student", changed.id, "class_name")
        assert [op.value_of("class_name") for op in history] == ["2班", "3班"]
        assert history[-1].prev is not None and set(history[-1].data) == {"class_name", "registered_poor"}
        assert session.scalar(select(func.count()).select_from(Household)) == 5


def test_id_added_to_a_student_known_by_number(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    run(database, write_xlsx(tmp_path / "一.xlsx", [pupil(1, 身份证件号=None)]))
    assert list(students(database)) == [None]
    second = run(database, write_xlsx(tmp_path / "二.xlsx", [pupil(1)]))
    assert [d.field for d in second.plan.to_change[0].diffs] == ["id_number"]
    assert list(students(database)) == [id_for(1)]


def _family(database: Database, id_number: str) -> tuple[Household, list[HouseholdMember]]:
    with database.read() as session:
        student = session.scalars(select(Student).where(Student.id_number == id_number)).one()
        household = session.get(Household, student.household_id)
        assert household is not None
        members = roster.members_of(session, household.id)
        session.expunge_all()
        return household, sorted(members, key=lambda m: m.name)


def test_reimport_updates_households_and_guardians(database: Database, schools: dict[str, str],
                                                   tmp_path: Path) -> None:
    rows = [pupil(i, 监护人=f"韦{'一二三四五'[i - 1]}山", 联系电话=f"1387711000{i}") for i in range(1, 6)]
    run(database, write_xlsx(tmp_path / "一.xlsx", rows))
    rows[0]["联系电话"] = "139 7711 9001"  # a guardian's new phone
    rows[1]["家庭住址"] = "石埠街道忠良村 8 号"  # the family moved
    rows[2].update({"监护人": "韦小红", "联系电话": "13977119003"})  # the grandmother is the guardian now
    rows[3]["联系电话"] = None  # an empty cell erases nothing
    path = write_xlsx(tmp_path / "二.xlsx", rows)
    before = dump(database)
    checked = plan(database, path)
    assert (checked.counts.to_change, checked.counts.unchanged) == (3, 2)
    assert dump(database) == before  # a plan (what --dry-run shows) writes nothing
    assert [(c.row, c.describe()) for c in checked.to_change] == [
        (4, "联系电话 13877110001 → 13977119001"),
        (5, "家庭住址 石埠街道那告屯 3 号 → 石埠街道忠良村 8 号"),
        (6, "监护人 韦三山 → 韦小红；户主 韦三山 → 韦小红；联系电话 13877110003 → 13977119003")]
    result = run(database, path)
    assert (result.changed, result.unchanged, result.households) == (3, 2, 0)

    household, [guardian] = _family(database, id_for(1))
    assert household.phone == guardian.phone == "13977119001"
    household, _ = _family(database, id_for(2))
    assert household.address == "石埠街道忠良村 8 号"
    household, [old, new] = _family(database, id_for(3))  # sorted by name: 韦三山, 韦小红
    assert (household.head_name, household.phone) == ("韦小红", "13977119003")
    assert (old.name, old.is_guardian, old.phone) == ("韦三山", False, "13877110003")  # kept, no longer marked
    assert (new.name, new.is_guardian, new.phone) == ("韦小红", True, "13977119003")
    household, [guardian] = _family(database, id_for(4))
    assert household.phone == guardian.phone == "13877110004"
    with database.read() as session:  # the values before are in the op log
        phones = oplog.field_history(session, "household", _family(database, id_for(1))[0].id, "phone")
        assert [op.value_of("phone") for op in phones] == ["13877110001", "13977119001"]
        assert phones[-1].prev is not None
    report = importing.write_report(result).read_text(encoding="utf-8-sig")
    assert "6,监护人、户主、联系电话,更新,韦芳：监护人 韦三山 → 韦小红；户主 韦三山 → 韦小红；联系电话" in report
    assert "5,家庭住址,更新," in report

    again = run(database, path)  # the same file once more changes nothing
    assert (again.changed, again.unchanged) == (0, 5)


def test_reimport_gives_a_known_student_without_a_household_one(database: Database, schools: dict[str, str],
                                                                 tmp_path: Path) -> None:
    header = [c for c in HEADER if c not in ("监护人", "联系电话", "家庭住址")]
    run(database, write_xlsx(tmp_path / "一.xlsx", [pupil(1)], header=header))
    assert students(database)[id_for(1)].household_id is None
    result = run(database, write_xlsx(tmp_path / "二.xlsx", [pupil(1)]))
    assert (result.changed, result.households) == (1, 1)
    assert result.plan.to_change[0].describe() == ("监护人 （空） → 韦大山；联系电话 （空） → 13877110000；"
                                                   "家庭住址 （空） → 石埠街道那告屯 3 号")
    student = students(database)[id_for(1)]
    household, [guardian] = _family(database, id_for(1))
    # The id follows from the student, so another laptop importing the same file makes the same household.
    assert household.id == student.household_id == derived_id("household", student.id)
    assert (household.head_name, household.phone, guardian.name, guardian.is_guardian) == (
        "韦大山", "13877110000", "韦大山", True)


def test_reimport_with_a_bad_phone_changes_nothing(database: Database, schools: dict[str, str],
                                                   tmp_path: Path) -> None:
    run(database, write_xlsx(tmp_path / "一.xlsx", [pupil(1), pupil(2)]))
    path = write_xlsx(tmp_path / "二.xlsx", [pupil(1, 联系电话="1387711"), pupil(2, 家庭住址="新址 1 号")])
    message = refused(database, path, "第 4 行", "电话号码「1387711」格式不对", rows=True)
    assert "联系电话" in message
    assert _family(database, id_for(2))[0].address == "石埠街道那告屯 3 号"


def test_school_change_is_a_note_not_an_edit(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    run(database, write_xlsx(tmp_path / "一.xlsx", [pupil(1)]))
    result = run(database, write_xlsx(tmp_path / "二.xlsx", [pupil(1, school=TANLUO)]))
    assert not result.changed and result.unchanged == 1
    [note] = result.plan.notes
    assert (note.index, note.field, note.zh) == (4, "学校名称", "学校不同，请用学籍异动转学")
    assert students(database)[id_for(1)].school_id == schools[SHIBU]
    report = importing.write_report(result)
    assert "学校不同，请用学籍异动转学" in report.read_text(encoding="utf-8-sig")


# ----------------------------------------------------------------------------- bad input
def test_wrong_encoding(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "名单.csv"
    path.write_bytes("姓名,身份证号,学校,年级\n".encode("gbk") + b"\x80\xff\xfe\x80,1,2,3\n")
    refused(database, path, "编码", "UTF-8", "GBK")


def test_garbled_text_has_no_header(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "名单.csv"
    path.write_bytes("姓名,身份證號,學校名稱,年級\n韋明,1,2,3\n".encode("big5"))  # decodes as GBK, but to nonsense
    refused(database, path, "找不到表头", "GBK")


def test_empty_file(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    for name, content in (("空.csv", b""), ("空白.csv", b" \r\n\r\n"), ("空.xlsx", b"")):
        path = tmp_path / name
        path.write_bytes(content)
        refused(database, path, "是空的")


def test_header_without_rows(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    refused(database, write_xlsx(tmp_path / "a.xlsx", []), "没有学生数据")


def test_no_recognisable_header(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("这是一份会议记录\n时间,地点,人员\n1,2,3\n", encoding="utf-8")
    refused(database, path, "找不到表头", "20")
    late = tmp_path / "late.xlsx"
    workbook = openpyxl.Workbook()
    for _ in range(21):
        workbook.active.append(["说明"])
    workbook.active.append(HEADER)  # row 22: beyond where a header is looked for
    workbook.save(late)
    refused(database, late, "找不到表头")


def test_duplicate_ids_inside_the_file(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    rows = [pupil(1), pupil(2), pupil(3, 身份证件号=id_for(1), 全国学籍号=None), pupil(4)]
    path = write_xlsx(tmp_path / "a.xlsx", rows)
    message = refused(database, path, "2 行有误", "第 4 行", rows=True)
    assert "身份证件号" in message
    plan_ = plan(database, path)
    assert [(e.index, e.field) for e in plan_.rejected] == [(4, "身份证件号"), (6, "身份证件号")]
    assert "第 6 行" in plan_.rejected[0].zh and "第 4 行" in plan_.rejected[1].zh
    result = run(database, path, skip_invalid=True)
    assert result.added == 2 and sorted({e.index for e in result.skipped}) == [4, 6]
    assert set(students(database)) == {id_for(2), id_for(4)}


def test_existing_student_with_a_different_id(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    run(database, write_xlsx(tmp_path / "一.xlsx", [pupil(1)]))
    other = pupil(9, 全国学籍号="G" + id_for(1))  # the first student's number, someone else's ID number
    message = refused(database, write_xlsx(tmp_path / "二.xlsx", [other]), "第 4 行「全国学籍号」",
                      "学籍号属于另一名学生（身份证号不同）", rows=True)
    assert message.startswith("1 行有误，没有导入任何记录")


def test_invalid_rows_block_everything_unless_skipped(database: Database, schools: dict[str, str],
                                                      tmp_path: Path) -> None:
    rows = [pupil(1), pupil(2, 性别="女"), pupil(3, 年级="高三"), pupil(4, 联系电话="12345"),
            pupil(5, school="南宁市不存在小学"), pupil(6)]
    path = write_xlsx(tmp_path / "a.xlsx", rows)
    plan_ = plan(database, path)
    assert [(e.index, e.field) for e in plan_.rejected] == [
        (5, "性别"), (6, "年级"), (7, "联系电话"), (8, "学校名称")]
    assert "身份证号显示性别为男" in plan_.rejected[0].zh
    assert "找不到学校「南宁市不存在小学」" in plan_.rejected[3].zh
    message = refused(database, path, "4 行有误", "第 5 行「性别」", rows=True)
    assert "没有导入任何记录" in message
    result = run(database, path, skip_invalid=True)
    assert result.added == 2 and set(students(database)) == {id_for(1), id_for(6)}


def test_huge_file_refused_before_reading(database: Database, schools: dict[str, str], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [pupil(1)])
    monkeypatch.setattr(spreadsheets, "MAX_FILE_BYTES", path.stat().st_size - 1)
    monkeypatch.setattr(spreadsheets, "_detect_format", lambda *_: pytest.fail("read a file over the limit"))
    refused(database, path, "上限")


def test_not_a_spreadsheet(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    png = tmp_path / "照片.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    refused(database, png, "不是电子表格", "PNG")
    renamed_csv = write_csv(tmp_path / "名单.csv", [pupil(1)], encoding="utf-8")
    as_xlsx = renamed_csv.rename(tmp_path / "名单.xlsx")
    refused(database, as_xlsx, "不是电子表格", ".csv")
    docx = tmp_path / "通知.xlsx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    refused(database, docx, "不是电子表格")
    broken = tmp_path / "旧表.xls"
    broken.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    refused(database, broken, ".xls")
    binary = tmp_path / "数据.csv"
    binary.write_bytes(b"\x00\x01\x02garbage\x00" * 100)
    refused(database, binary, "不是电子表格")


def _rewritten(source: Path, target: Path, member: str, change: Any) -> Path:
    """A copy of a zip with one member's bytes changed."""
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in archive.infolist():
            data = archive.read(item)
            out.writestr(item, change(data) if item.filename == member else data)
    return target


def test_damaged_and_locked_workbooks(database: Database, schools: dict[str, str], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    good = write_xlsx(tmp_path / "好.xlsx", [pupil(1), pupil(2)])
    cut = _rewritten(good, tmp_path / "截断.xlsx", "xl/worksheets/sheet1.xml", lambda data: data[:len(data) // 2])
    refused(database, cut, ".xlsx 文件内容有误，无法读完")
    no_workbook = _rewritten(good, tmp_path / "坏.xlsx", "xl/workbook.xml", lambda data: b"<workbook")
    refused(database, no_workbook, "无法读取 .xlsx 文件（可能已损坏）")
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    book.add_sheet("名单").write(0, 0, "姓名")
    locked = tmp_path / "加密.xls"
    book.save(str(locked))
    data = bytearray(locked.read_bytes())
    at = data.index(bytes([0x5C, 0, 0x70, 0]))  # WRITEACCESS: made a FILEPASS record, as an encrypted file has
    data[at:at + 6] = bytes([0x2F, 0, 0x70, 0, 1, 0])
    locked.write_bytes(bytes(data))
    refused(database, locked, "无法读取 .xls 文件：可能设置了打开密码")
    monkeypatch.setattr(spreadsheets, "MAX_SHEET_XML_BYTES", 1000)
    refused(database, good, "解压后", "上限")


def test_damage_deep_in_a_streamed_sheet_imports_nothing(database: Database, schools: dict[str, str],
                                                        tmp_path: Path) -> None:
    """The rows are streamed: 400 good pupils are planned before a damaged cell near the end is reached, and
    then the file is refused whole, with nothing written."""
    good = write_xlsx(tmp_path / "好.xlsx", [pupil(index) for index in range(1, 451)])
    damaged = _rewritten(good, tmp_path / "坏.xlsx", "xl/worksheets/sheet1.xml", lambda data: re.sub(
        rb'<c r="A420"[^>]*>.*?</c>', b'<c r="A420" t="n"><v>abc</v></c>', data))
    refused(database, damaged, ".xlsx 文件内容有误，无法读完")


def test_damaged_workbook_messages_in_english(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "好.xlsx", [pupil(1)])
    cut = _rewritten(good, tmp_path / "截断.xlsx", "xl/worksheets/sheet1.xml", lambda data: data[:len(data) // 2])
    with pytest.raises(RosterFileError) as raised:
        plan(database, cut)
    assert raised.value.en.startswith("The .xlsx file is damaged and cannot be read to the end: ")


def test_a_chart_sheet_before_the_list_is_passed_over(database: Database, schools: dict[str, str],
                                                      tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "名单.xlsx", [pupil(1)])
    workbook = openpyxl.load_workbook(path)
    workbook.create_chartsheet("图表", 0)
    workbook.save(path)
    assert run(database, path).added == 1


def test_real_format_wins_over_the_extension(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "名单.xlsx", [pupil(1)])
    renamed = path.rename(tmp_path / "名单.xls")  # an .xlsx saved with the old extension
    assert run(database, renamed).added == 1


def test_cancel_writes_nothing(database: Database, schools: dict[str, str], tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_csv(tmp_path / "a.csv", [pupil(i) for i in range(1, 601)], encoding="utf-8")
    monkeypatch.setattr(importing, "_WRITE_CHUNK", 100)
    seen: list[int] = []
    written: list[int] = []
    before = dump(database)
    with pytest.raises(Cancelled, match="已取消，没有导入任何记录。"), database.write() as session:
        plan_ = plan_import(session, path, today=TODAY, progress=seen.append)
        # Cancelled after three chunks were written: the transaction takes them back.
        apply_import(session, plan_, skip_invalid=False, progress=written.append, cancelled=lambda: len(written) == 3)
    assert seen == [500, 600] and written == [100, 200, 300]
    with pytest.raises(Cancelled):
        plan(database, path, cancelled=lambda: True)
    assert dump(database) == before


def test_report_beside_the_input(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    rows = [pupil(1), pupil(2, 姓名="韦明2"), pupil(3, 年级="十年级")]
    path = write_xlsx(tmp_path / "学籍导出.xlsx", rows)
    plan_ = plan(database, path)
    report = importing.write_report(plan_)
    assert report == tmp_path / "学籍导出.导入报告.csv"
    raw = report.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert ["结果", "未导入"] in lines and ["有误", "2"] in lines
    problems = lines[lines.index(["行号", "列", "类别", "说明"]) + 1:]
    assert [(p[0], p[1], p[2]) for p in problems] == [("5", "姓名", "错误"), ("6", "年级", "错误")]
    assert "韦明2" in problems[0][3] and "十年级" in problems[1][3]
    assert importing._safe_cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"  # Excel would run it as a formula
    assert not list(tmp_path.glob("*.part"))
    assert importing.write_report(run(database, path, skip_invalid=True)) == report
    assert "已导入（有误的行已跳过）" in report.read_text(encoding="utf-8-sig")


def test_apply_refuses_a_plan_with_rejected_rows(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    plan_ = plan(database, write_xlsx(tmp_path / "a.xlsx", [pupil(1), pupil(2, 年级="十年级")]))
    with pytest.raises(ImportRejected) as raised, database.write() as session:
        apply_import(session, plan_, skip_invalid=False)
    assert raised.value.errors == plan_.rejected and "第 5 行「年级」" in str(raised.value)
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(Student)) == 0
        assert session.scalar(select(func.count()).select_from(HouseholdMember)) == 0


# ----------------------------------------------------------------------------- large files, bounded memory
def _plan_retained(database: Database, path: Path) -> tuple[importing.ImportPlan, int]:
    """A plan of ``path`` and the bytes of Python memory it keeps alive once made."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        with database.read() as session:
            made = plan_import(session, path, today=TODAY)
        gc.collect()
        return made, tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_a_plan_does_not_grow_with_the_file(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    """A plan keeps counts, the first KEPT_ROWS rows of each kind and a few bytes of keys a row; the rows it will
    write wait in its encrypted spill. (Before, a plan held every row: 4.9 MB more for 4,000 more rows.)"""
    plan(database, write_csv(tmp_path / "warm.csv", [pupil(i) for i in range(1, 50)], encoding="utf-8"))
    small, small_bytes = _plan_retained(
        database, write_csv(tmp_path / "1000.csv", [pupil(i) for i in range(1, 1001)], encoding="utf-8"))
    large, large_bytes = _plan_retained(
        database, write_csv(tmp_path / "5000.csv", [pupil(i) for i in range(1, 5001)], encoding="utf-8"))
    assert (small.counts.to_add, large.counts.to_add, large.rows_read) == (1000, 5000, 5000)
    assert len(small.to_add) == len(large.to_add) == importing.KEPT_ROWS
    assert large_bytes - small_bytes < 1_000_000, (small_bytes, large_bytes)
    small.close()
    with database.write() as session:
        result = apply_import(session, large, skip_invalid=False)
    assert (result.added, result.households) == (5000, 5000)
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(Student)) == 5000
        assert oplog.compare_with_log(session) == []


def test_errors_beyond_the_kept_ones_are_all_reported(database: Database, schools: dict[str, str], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "KEPT_ROWS", 20)
    path = write_csv(tmp_path / "名单.csv", [pupil(i, 年级="十年级") for i in range(1, 601)], encoding="utf-8")
    plan_ = plan(database, path)
    assert (plan_.counts.rejected, plan_.counts.errors, plan_.counts.to_add) == (600, 600, 0)
    assert [e.index for e in plan_.rejected] == list(range(2, 22))  # the first 20, in row order
    with pytest.raises(ImportRejected) as raised, database.write() as session:
        apply_import(session, plan_, skip_invalid=False)
    assert raised.value.count == 600 and str(raised.value).startswith("600 行有误，没有导入任何记录")
    lines = list(csv.reader(io.StringIO(importing.write_report(plan_).read_text(encoding="utf-8-sig"))))
    problems = lines[lines.index(["行号", "列", "类别", "说明"]) + 1:]
    assert [int(p[0]) for p in problems] == list(range(2, 602)) and {p[1] for p in problems} == {"年级"}
    assert ["有误", "600"] in lines


def test_small_frames_change_nothing(database: Database, schools: dict[str, str], tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Repeated keys, bad rows, notes and changes, planned with the spills' frames and the kept lists far smaller
    than the file: the same counts, errors, notes and report as when everything fits in memory."""
    run(database, write_xlsx(tmp_path / "一.xlsx", [pupil(i) for i in range(1, 11)]))
    rows = [pupil(i, 班级="3班") for i in range(1, 11)] + [pupil(i) for i in range(11, 31)]  # file rows 4–33
    rows[3] = pupil(4, school=TANLUO)  # row 7: a note (the school differs), else unchanged
    rows[4]["全国学籍号"] = None  # row 8: student 5, by ID number...
    rows[16] = pupil(17, 身份证件号=None, 全国学籍号="G" + id_for(5))  # ...and row 20: student 5, by student number
    rows[12] = pupil(30)  # row 16 repeats row 33's ID and student numbers
    rows[15]["年级"] = "十年级"  # row 19
    rows[20]["全国学籍号"] = "G" + id_for(22)  # row 24: row 25's student number (and not its own ID's)
    path = write_xlsx(tmp_path / "二.xlsx", rows)

    def outcome() -> tuple[Any, ...]:
        made = plan(database, path)
        report = importing.write_report(made).read_text(encoding="utf-8-sig")
        return (made.counts, list(made.all_errors()), list(made.all_notes()), [a.row for a in made.students_to_add()],
                [c.row for c in made.students_to_change()], report)

    whole = outcome()
    counts, errors, notes, adds, changes, _ = whole
    assert (counts.to_add, counts.to_change, counts.unchanged, counts.rejected, counts.errors) == (14, 8, 1, 7, 8)
    assert [(e.index, e.field) for e in errors] == [
        (8, "身份证件号"), (16, "身份证件号"), (19, "年级"), (20, "身份证件号"), (24, "全国学籍号"), (24, "全国学籍号"),
        (25, "全国学籍号"), (33, "身份证件号")]
    assert (errors[0].zh, errors[3].zh) == ("与第 20 行是同一名学生，请合并为一行",
                                            "与第 8 行是同一名学生，请合并为一行")
    assert "身份证号" in errors[1].zh and "另见第 33 行" in errors[1].zh and "学籍号" in errors[6].zh
    assert [n.index for n in notes] == [7] and len(adds) == 14 and len(changes) == 8
    monkeypatch.setattr(importing_rows, "FRAME", 3)
    monkeypatch.setattr(importing, "KEPT_ROWS", 2)
    assert outcome() == whole
    tiny = plan(database, path)
    assert len(tiny.rejected) == len(tiny.to_add) == len(tiny.to_change) == 2


def test_spill_is_encrypted_and_checked(tmp_path: Path) -> None:
    spill: importing_rows.Spill[str] = importing_rows.Spill(frame=2)
    names = [f"韦小明{i}" for i in range(5)]
    for name in names:
        spill.append(name)
    assert list(spill) == names and list(spill) == names and len(spill) == 5
    disk = spill._file
    assert disk is not None
    disk.seek(0)
    raw = disk.read()
    assert raw and "韦小明".encode() not in raw and "韦小明".encode("utf-16-le") not in raw
    disk.seek(20)
    flipped = disk.read(1)[0] ^ 1
    disk.seek(20)
    disk.write(bytes([flipped]))
    with pytest.raises(InvalidTag):
        list(spill)
    spill.close()
    assert disk.closed
    with pytest.raises(ValueError, match="closed"):
        list(spill)  # not an empty list, which an import would take for "nothing to write"


def test_full_temporary_disk_is_a_clear_refusal(database: Database, schools: dict[str, str], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(importing_rows.tempfile, "TemporaryFile", full)
    monkeypatch.setattr(importing_rows, "FRAME", 10)
    path = write_csv(tmp_path / "名单.csv", [pupil(i) for i in range(1, 30)], encoding="utf-8")
    with pytest.raises(importing_rows.SpillFailed, match="临时文件"):
        plan(database, path)


def test_key_index_finds_exact_repeats() -> None:
    ids = [id_for(i) for i in range(1, 6)]
    for text in [*ids, "G" + ids[0], "J" + ids[1], "L450107201403050012", "45010720140305001X"]:
        assert importing_rows.key_text(importing_rows.key_code(text) or -1) == text
    assert importing_rows.key_code("E1234567") is None and importing_rows.key_code("G45010720140305001x") is None
    index = importing_rows.KeyIndex()
    for row, text in enumerate([*ids, ids[2], "E1234567", "e1234567", "E1234567", "G" + ids[0]], start=2):
        index.add(text, importing_rows.key_code(text), row)
    found = {(importing_rows.key_text(code) if code is not None else text): rows
             for code, text, rows in index.repeated()}
    assert found == {ids[2]: [4, 7], "E1234567": [8, 10]}
    wide = importing_rows.KeyIndex(wide=True)
    for row, code in enumerate([1 << 64 | 5, 2 << 64 | 5, 1 << 64 | 5, 7], start=1):  # equal low 64 bits
        wide.add(str(code), code, row)
    assert [(code, rows) for code, _, rows in wide.repeated()] == [(1 << 64 | 5, [1, 3])]
    student = uuid7()
    assert importing_rows.uuid_code(student) is not None and importing_rows.uuid_code(student.upper()) is None


def test_file_changed_after_the_check_is_refused(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "名单.csv", [pupil(1), pupil(2)], encoding="utf-8")
    checked = plan(database, path)
    before = dump(database)
    write_csv(path, [pupil(1), pupil(3), pupil(4)], encoding="utf-8")  # edited after the check
    with pytest.raises(importing.RosterFileChanged, match="在检查之后被修改过") as raised, database.write() as session:
        apply_import(session, checked, skip_invalid=False)
    assert "\n" not in str(raised.value) and dump(database) == before
    # The same size and modification time, another class: the content's digest tells.
    write_csv(path, [pupil(1), pupil(2)], encoding="utf-8")
    checked = plan(database, path)
    stat = path.stat()
    path.write_bytes(path.read_bytes().replace("2班".encode(), "3班".encode(), 1))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    with pytest.raises(importing.RosterFileChanged), database.write() as session:
        apply_import(session, checked, skip_invalid=False)
    assert dump(database) == before
    assert run(database, path).added == 2  # checked again, it imports


def test_file_changed_while_read_is_refused(database: Database, schools: dict[str, str], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "名单.csv", [pupil(i) for i in range(1, 601)], encoding="utf-8")

    def touch(rows: int) -> None:
        if rows == 500:  # half way through, the file is saved again
            os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))

    with pytest.raises(importing.RosterFileChanged, match="读取过程中"):
        plan(database, path, progress=touch)


def test_spilled_rows_come_back_equal() -> None:
    """The plan's records are pickled by their constructor arguments (pickle_compactly): every field, nested
    records and defaults included, comes back from an encrypted frame as it went in."""
    guardian = importing.Guardian("韦大山", "父亲", "13800000000")
    stored = {"name": "韦小山", "sex": "1", "birth_date": "2016-03-01", "school_id": "s1", "grade": 4,
              "class_name": "2班"}
    adds = [importing.StudentToAdd(row, dict(stored, name=f"韦小山{row}"),
                                   roster.HouseholdInput(scope="s1", head_name="韦大山", hardship=["registered_poor"]),
                                   guardian if row % 2 else None) for row in range(3, 8)]
    change = importing.StudentToChange(9, "st1", "黄一", {"grade": 5},
                                       (importing.FieldChange("grade", "年级", 4, 5),),
                                       importing.HouseholdChange("h1", fields={"phone": "13900000000"},
                                                                 new_guardian=guardian, no_longer_guardian=("m1",)))
    note = importing.RowNote(9, "学校", "学校不同", "The school differs")
    spill: importing_rows.Spill[object] = importing_rows.Spill(frame=2)
    for record in [*adds, change, note]:
        spill.append(record)
    assert list(spill) == [*adds, change, note]
    assert list(spill) == [*adds, change, note]  # a spill is read as often as needed
