"""账实相符: registry, poverty and disability lists against the fixed district; accept through the services or
dismiss with a reason that the next run remembers."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from app.domain.errors import LifecycleError, ValidationError
from app.domain.identity import make_id_number
from app.services.importing import RosterFileError
from app.services.integrity import check_store
from app.services.reconciliation import Issue, ListKind, accept_line, dismiss_line, reconcile
from app.store.db import Database
from app.store.models import DropoutCase, Op, ReconciliationDismissal, Student
from tests.conftest import TODAY, birth_for_grade
from tests.services.report_district import District, build_district


@pytest.fixture
def district(database: Database, data_dir: Path) -> District:
    return build_district(database, data_dir)


def _ids(database: Database, district: District) -> dict[str, str]:
    with database.read() as session:
        return {key: session.get(Student, sid).id_number for key, sid in district.students.items()}  # type: ignore[union-attr]


def _xlsx(path: Path, title: str, header: list[str], rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


NEW_ID = make_id_number("450107", birth_for_grade(3), 91)
CHILD_ID = make_id_number("450107", birth_for_grade(3, month=6), 93)


def _registry_list(tmp_path: Path, ids: dict[str, str]) -> Path:
    broken = ids["b_7"][:-1] + ("0" if ids["b_7"][-1] != "0" else "1")
    return _xlsx(tmp_path / "学籍名单.xlsx", "西乡塘区学籍名单", [
        "学校名称", "学校标识码", "年级", "班级", "姓名", "性别", "身份证件号", "全国学籍号", "学籍状态"], [
        ["石埠小学", "214509900", "四年级", "2班", "韦小明", "男", ids["a_kt"], "G" + ids["a_kt"], "在校"],
        ["石埠小学", "214509900", "六年级", "2班", "陆春梅", "女", ids["a_6drop"], "G" + ids["a_6drop"], "在校"],
        ["石埠中学", "214509901", "初一", "2班", "张宏", "男", ids["b_7"], "G" + ids["b_7"], "辍学"],
        ["坛洛小学", "214509902", "二年级", "2班", "杨金凤", "女", ids["c_2abs"], "G" + ids["c_2abs"], "转出"],
        ["石埠小学", "214509900", "三年级", "1班", "新同学", "男", NEW_ID, "G" + NEW_ID, "在校"],
        ["石埠中学", "214509901", "初一", "1班", "错号码", "男", broken, None, "在校"],
        ["石埠中学", "214509901", "初一", "1班", "无证件", "男", None, None, "在校"],
    ])


def test_registry_list_mismatches(database: Database, district: District, tmp_path: Path) -> None:
    path = _registry_list(tmp_path, _ids(database, district))
    with database.read() as session:
        result = reconcile(session, path, "registry", today=TODAY)
    assert result.kind is ListKind.REGISTRY and not result.guessed and result.header_row == 2
    assert (result.rows_read, result.matched, result.without_id) == (7, 4, 1)
    assert [(line.row, line.issue, line.name, line.ours, line.theirs) for line in result.lines] == [
        (4, Issue.STATUS_DIFFERS, "陆春梅", "辍学", "在校"),
        (5, Issue.STATUS_DIFFERS, "张宏", "在校", "辍学"),
        (6, Issue.STATUS_DIFFERS, "杨金凤", "在校", "转出"),
        (7, Issue.NOT_IN_RECORDS, "新同学", "", "在校"),
        (8, Issue.ID_INVALID, "错号码", "", result.lines[4].theirs),
    ]
    assert not result.lines[4].acceptable and "校验位" in result.lines[4].detail("zh")
    assert "********" in result.lines[0].id_shown
    assert "状态不一致 3" in result.summary("zh").replace("学籍状态不一致", "状态不一致")
    with database.read() as session:
        guessed = reconcile(session, path, today=TODAY)
    assert guessed.kind is ListKind.REGISTRY and guessed.guessed


def test_accepting_registry_lines_goes_through_the_services(database: Database, district: District,
                                                             tmp_path: Path) -> None:
    path = _registry_list(tmp_path, _ids(database, district))
    with database.read() as session:
        result = reconcile(session, path, "registry", today=TODAY)
        ops_before = session.scalar(select(func.count()).select_from(Op))
    keys = {line.name: line.key for line in result.lines}
    with database.write() as session:
        assert "返校复学" in accept_line(session, result, keys["陆春梅"], today=TODAY)
        assert "个案" in accept_line(session, result, keys["张宏"], today=TODAY)
        assert "登记" in accept_line(session, result, keys["新同学"], today=TODAY)
        with pytest.raises(LifecycleError):
            accept_line(session, result, keys["错号码"], today=TODAY)
        with pytest.raises(LifecycleError):
            accept_line(session, result, keys["张宏"], today=TODAY)  # once only
    with database.read() as session:
        assert session.get(Student, district.students["a_6drop"]).status == "in_school"  # type: ignore[union-attr]
        assert session.get(Student, district.students["b_7"]).status == "dropped_out"  # type: ignore[union-attr]
        case = session.scalars(select(DropoutCase).where(DropoutCase.student_id == district.students["b_7"])).one()
        assert case.status == "open" and case.reason == "other"
        added = session.scalars(select(Student).where(Student.id_number == NEW_ID)).one()
        assert (added.name, added.grade, added.class_name, added.school_id) == ("新同学", 3, "1班",
                                                                               district.schools["A"])
        assert session.scalar(select(func.count()).select_from(Op)) > ops_before  # type: ignore[operator]
        # Only the district's deliberate mismatch (a_mis) is inconsistent; nothing accepted broke a record.
        assert all("2016-04-05" in finding.en for finding in check_store(session).findings)
    with database.read() as session:
        again = reconcile(session, path, "registry", today=TODAY)
    assert [line.name for line in again.open_lines] == ["杨金凤", "错号码"]


def test_dismissals_are_kept_and_a_new_value_raises_a_new_line(database: Database, district: District,
                                                               tmp_path: Path) -> None:
    ids = _ids(database, district)
    path = _registry_list(tmp_path, ids)
    with database.read() as session:
        result = reconcile(session, path, "registry", today=TODAY)
    line = next(x for x in result.lines if x.name == "杨金凤")
    with database.write() as session:
        with pytest.raises(ValidationError):
            dismiss_line(session, result, line.key, "  ", today=TODAY)
        record = dismiss_line(session, result, line.key[:8], "已核实：学生仍在本校就读，学籍系统误报转出", today=TODAY)
        assert record.by_name == "管理员" and record.scope == district.schools["C"]
    with database.read() as session:
        again = reconcile(session, path, today=TODAY)
        assert session.scalar(select(func.count()).select_from(ReconciliationDismissal)) == 1
        # The dismissal is a synced record: the op log rebuilds it like any other.
        assert all("2016-04-05" in finding.en for finding in check_store(session).findings)
    dismissed = next(x for x in again.lines if x.name == "杨金凤")
    assert dismissed.dismissed is not None and dismissed.dismissed.reason.startswith("已核实")
    assert "杨金凤" not in [x.name for x in again.open_lines] and "已忽略 1 条" in again.summary("zh")
    with database.write() as session, pytest.raises(LifecycleError):
        accept_line(session, again, dismissed.key, today=TODAY)
    # The registry now says 休学 for her: that is a new line, not the dismissed one.
    later = _xlsx(tmp_path / "later.xlsx", "学籍名单", ["学校名称", "姓名", "身份证件号", "年级", "学籍状态"],
                  [["坛洛小学", "杨金凤", ids["c_2abs"], 2, "休学"]])
    with database.read() as session:
        newer = reconcile(session, later, today=TODAY)
    assert [(x.issue, x.theirs, x.dismissed) for x in newer.lines] == [(Issue.STATUS_DIFFERS, "休学", None)]


def test_poverty_list_flags_and_suspected_dropouts(database: Database, district: District, tmp_path: Path) -> None:
    ids = _ids(database, district)
    adult = make_id_number("450107", date(1985, 6, 1), 31)
    toddler = make_id_number("450107", date(2023, 6, 1), 33)
    path = tmp_path / "建档立卡名单.csv"
    with open(path, "w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["户主姓名", "与户主关系", "姓名", "身份证号", "所在村"])
        writer.writerow(["陆大山", "户主", "陆大山", adult, "忠良村"])
        writer.writerow(["陆大山", "之女", "陆春梅", ids["a_6drop"], "忠良村"])
        writer.writerow(["梁大海", "之子", "梁文杰", ids["b_9kt"], "坛洛村"])
        writer.writerow(["韦大成", "之女", "韦小妹", CHILD_ID, "坛洛村"])
        writer.writerow(["韦大成", "之子", "韦小弟", toddler, "坛洛村"])
    with database.read() as session:
        result = reconcile(session, path, today=TODAY)
    assert result.kind is ListKind.POVERTY and result.guessed
    assert (result.rows_read, result.matched, result.not_compulsory) == (5, 2, 2)
    assert [(x.issue, x.name, x.ours, x.theirs) for x in result.lines] == [
        (Issue.POOR_DIFFERS, "梁文杰", "否", "是"),
        (Issue.SUSPECTED_DROPOUT, "韦小妹", "", str(birth_for_grade(3, month=6)))]
    suspected = result.lines[1]
    assert suspected.needs_school and "义务教育年龄" in suspected.detail("zh")
    with database.write() as session:
        accept_line(session, result, result.lines[0].key, today=TODAY)
        with pytest.raises(ValidationError):
            accept_line(session, result, suspected.key, today=TODAY)
    with database.write() as session:
        accept_line(session, result, suspected.key, school_id=district.schools["C"], today=TODAY)
    with database.read() as session:
        assert session.get(Student, district.students["b_9kt"]).registered_poor  # type: ignore[union-attr]
        child = session.scalars(select(Student).where(Student.id_number == CHILD_ID)).one()
        assert (child.status, child.grade, child.school_id, child.sex) == ("dropped_out", 3, district.schools["C"], "1")
        assert child.registered_poor  # on the poverty list
        assert session.scalars(select(DropoutCase).where(DropoutCase.student_id == child.id)).one().status == "open"


def test_disability_list(database: Database, district: District, tmp_path: Path) -> None:
    ids = _ids(database, district)
    path = _xlsx(tmp_path / "残联名单.xlsx", "残疾人名单", ["姓名", "身份证号", "残疾类别", "残疾等级", "残疾证号"], [
        ["廖勇", ids["c_4ret"], "肢体", "二级", ids["c_4ret"] + "42"],
        ["周芳", ids["c_1kt"], None, None, ids["c_1kt"] + "13"],
    ])
    with database.read() as session:
        result = reconcile(session, path, "disability", today=TODAY)
    assert [(x.name, x.ours, x.theirs) for x in result.lines] == [("廖勇", "无", "肢体 二级"),
                                                                  ("周芳", "无", "视力 三级")]
    with database.write() as session:
        for line in result.lines:
            accept_line(session, result, line.key, today=TODAY)
    with database.read() as session:
        student = session.get(Student, district.students["c_1kt"])
        assert student is not None and (student.disability_type, student.disability_grade) == ("1", "3")


def test_a_list_from_the_wrong_system_or_not_a_list(database: Database, district: District, tmp_path: Path) -> None:
    registry_export = _registry_list(tmp_path, _ids(database, district))
    with database.read() as session:
        with pytest.raises(RosterFileError) as caught:
            reconcile(session, registry_export, "poverty", today=TODAY)
        assert "学籍系统名单" in caught.value.zh and "不是建档立卡" in caught.value.zh
        no_ids = _xlsx(tmp_path / "no_ids.xlsx", "名单", ["学校名称", "姓名", "性别", "年级", "班级"],
                       [["石埠小学", "韦小明", "男", 4, "2班"]])
        with pytest.raises(RosterFileError) as caught:
            reconcile(session, no_ids, "registry", today=TODAY)
        assert "身份证件号或全国学籍号" in caught.value.zh
        phone_list = _xlsx(tmp_path / "电话.xlsx", "通讯录", ["姓名", "身份证号", "联系电话"],
                           [["韦老师", None, "13877110001"]])
        with pytest.raises(RosterFileError) as caught:
            reconcile(session, phone_list, today=TODAY)
        assert "看不出" in caught.value.zh
        picture = tmp_path / "名单.xlsx"
        picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
        with pytest.raises(RosterFileError) as caught:
            reconcile(session, picture, "registry", today=TODAY)
        assert "不是电子表格" in caught.value.zh
        with pytest.raises(ValidationError):
            reconcile(session, registry_export, "nonsense", today=TODAY)


def test_the_sample_poverty_list_is_recognised(database: Database, district: District) -> None:
    sample = Path(__file__).resolve().parents[2] / "resources" / "sample" / "建档立卡名单示例.xls"
    with database.read() as session:
        result = reconcile(session, sample, today=TODAY)
    # A list of registered-poor students with their schools: the poverty system's, not the registry's.
    assert result.kind is ListKind.POVERTY and result.guessed and result.rows_read == 7
    assert {line.issue for line in result.lines} == {Issue.SUSPECTED_DROPOUT}  # none of them is on our roll
    with database.read() as session, pytest.raises(RosterFileError):
        reconcile(session, sample, "registry", today=TODAY)
