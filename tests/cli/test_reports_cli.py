"""The command line of issue 8: warnings, reports, ledgers and reconciliation on the fixed district."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from app.cli import main
from app.store.db import Database
from tests.conftest import PASSWORD
from tests.services.report_district import District, build_district


@pytest.fixture
def district(database: Database, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> District:
    built = build_district(database, data_dir)
    monkeypatch.setenv("JIAFANG_PASSWORD", PASSWORD)
    monkeypatch.setenv("JIAFANG_DATA_DIR", str(data_dir))
    return built


def test_warnings_json_is_one_list_of_the_documented_shape(district: District,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["warnings", "--json", "--date", "2026-11-29"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert isinstance(found, list) and len(found) == 8
    assert [w["rule"] for w in found][:2] == ["not_returned", "absent"]
    assert set(found[0]) == {"rule", "rule_label", "severity", "since", "detail", "student", "record", "coverage"}
    assert set(found[0]["student"]) == {"id", "name", "school_id", "school", "grade", "class"}
    assert main(["--lang", "en", "warnings", "--school", district.schools["A"], "--date", "2026-11-29"]) == 0
    out = capsys.readouterr().out
    assert "Absent several days in a row" in out and out.strip().endswith("2 warning(s).")


def test_report_and_ledger_commands(district: District, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf, xlsx = tmp_path / "周报.pdf", tmp_path / "月报.xlsx"
    assert main(["report", "weekly", "--date", "2026-11-29", "--out", str(pdf)]) == 0
    out = capsys.readouterr()
    assert pdf.read_bytes().startswith(b"%PDF") and "29.41%" in out.out and "记录从" in out.err
    assert main(["report", "monthly", "--date", "2026-11-29", "--township", district.townships["坛洛"],
                 "--out", str(xlsx)]) == 0
    assert openpyxl.load_workbook(xlsx)["主要指标"]["A4"].value == "坛洛小学"
    capsys.readouterr()
    assert main(["report", "weekly", "--out", str(tmp_path / "r.docx")]) == 1
    assert capsys.readouterr().err.count("\n") == 1
    ledger = tmp_path / "台账.xlsx"
    assert main(["export", "ledger", "not-returned", "--date", "2026-11-29", "--out", str(ledger),
                 "--checker", "覃主任", "--preparer", "黄老师"]) == 0
    assert "2 行" in capsys.readouterr().out
    sheet = openpyxl.load_workbook(ledger).active
    assert sheet["D4"].value == "陆春梅" and "核查人：覃主任" in sheet.oddFooter.left.text
    with pytest.raises(SystemExit) as usage:
        main(["export", "ledger", "nonsense", "--out", str(ledger)])
    assert usage.value.code == 2


def test_reconcile_command_accepts_and_dismisses(district: District, tmp_path: Path, database: Database,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from app.store.models import Student

    with database.read() as session:
        ids = {k: session.get(Student, v).id_number for k, v in district.students.items()}  # type: ignore[union-attr]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号", "户主姓名", "与户主关系"])
    sheet.append(["梁文杰", ids["b_9kt"], "梁大海", "之子"])
    sheet.append(["周芳", ids["c_1kt"], "周大林", "之女"])
    path = tmp_path / "建档立卡.xlsx"
    book.save(path)
    assert main(["reconcile", str(path), "--json", "--date", "2026-11-29"]) == 0
    lines = json.loads(capsys.readouterr().out)
    assert [(x["issue"], x["name"]) for x in lines] == [("poor_differs", "梁文杰"), ("poor_differs", "周芳")]
    assert main(["reconcile", str(path), "--date", "2026-11-29", "--accept", lines[0]["key"],
                 "--dismiss", lines[1]["key"], "--reason", "已核实：2025年已脱贫"]) == 0
    out = capsys.readouterr().out
    assert "梁文杰：已更新学生标记。" in out and "周芳：已忽略。" in out
    assert main(["reconcile", str(path), "--date", "2026-11-29", "--all"]) == 0
    assert "已忽略：已核实" in capsys.readouterr().out
    assert main(["reconcile", str(path), "--kind", "disability"]) == 1
    assert "不是残联残疾人名单" in capsys.readouterr().err
    assert main(["reconcile", str(path), "--dismiss", "abc"]) == 1


def test_absence_command_feeds_the_warnings(district: District, capsys: pytest.CaptureFixture[str]) -> None:
    student = district.students["b_7"]
    assert main(["absence", student, "--since", "2026-11-16", "--reason", "未请假"]) == 0
    assert "仍在缺勤" in capsys.readouterr().out
    assert main(["warnings", "--json", "--school", district.schools["B"], "--date", "2026-11-29"]) == 0
    rules = {(w["rule"], w["student"]["name"]) for w in json.loads(capsys.readouterr().out)}
    assert ("absent", "张宏") in rules
    assert main(["absence", student, "--until", "2026-11-27"]) == 0
    assert main(["absence", student, "--until", "2026-11-27"]) == 1  # nothing going on any more
    assert main(["absence", student]) == 1
