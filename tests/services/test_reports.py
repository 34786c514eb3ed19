"""周报、月报 on the small fixed district: every figure against the hand count in report_district.py."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from app.domain.errors import NotFoundError, ValidationError
from app.domain.rates import Stage
from app.services import registry
from app.services.reports import (
    Level,
    ReportKind,
    build_report,
    period_of,
    records_begin,
    school_lines,
    write_report,
)
from app.store.db import Database
from tests.conftest import TODAY
from tests.services.report_district import RECORDS_SINCE, District, build_district


@pytest.fixture
def district(database: Database, data_dir: Path) -> District:
    return build_district(database, data_dir)


def layout_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True, encoding="utf-8").stdout


def _counts(figures: object) -> tuple[int, ...]:
    f = figures
    return (f.students, f.found, f.back, f.still_out, f.poor_found, f.poor_back, f.poor_still_out,  # type: ignore[attr-defined]
            f.visits_done, f.visits_planned, f.planned_done, f.key_targets, f.key_targets_new,  # type: ignore[attr-defined]
            f.enrolment, f.dropouts_year)  # type: ignore[attr-defined]


def test_periods() -> None:
    week = period_of(ReportKind.WEEKLY, TODAY)
    assert (week.start, week.end, week.as_of) == (date(2026, 11, 23), date(2026, 11, 29), TODAY)
    assert (week.previous().start, week.previous().end) == (date(2026, 11, 16), date(2026, 11, 22))
    month = period_of("monthly", date(2026, 11, 10), today=date(2026, 11, 10))
    assert (month.start, month.end, month.as_of) == (date(2026, 11, 1), date(2026, 11, 30), date(2026, 11, 10))
    assert (month.previous().start, month.previous().end) == (date(2026, 10, 1), date(2026, 10, 31))
    assert period_of("monthly", date(2026, 3, 2)).previous().start == date(2026, 2, 1)
    assert "第48周" in week.label("zh") and month.label("zh") == "2026年11月"


def test_weekly_district_figures(database: Database, district: District) -> None:
    with database.read() as session:
        report = build_report(session, "weekly", TODAY, today=TODAY)
    assert report.level is Level.DISTRICT and [r.name for r in report.rows] == ["石埠街道", "坛洛镇"]
    shibu, tanluo = report.rows
    #            roll found back out poor(f,b,o) visits planned done kt new enrol dropouts
    assert _counts(shibu.figures) == (9, 1, 2, 1, 1, 0, 1, 2, 2, 2, 2, 0, 12, 3)
    assert _counts(tanluo.figures) == (7, 0, 0, 1, 0, 0, 0, 0, 2, 0, 1, 1, 5, 2)
    assert _counts(report.total.figures) == (16, 1, 2, 2, 1, 0, 1, 2, 4, 2, 3, 1, 17, 5)
    total = report.total.figures
    assert dict(total.found_by_reason) == {"work": 1}
    assert dict(total.outcomes) == {"returned": 1, "vocational": 1}
    assert dict(total.still_out_by_reason) == {"work": 1, "hardship": 1}
    assert (shibu.dropout_rate.value, tanluo.dropout_rate.value, report.total.dropout_rate.value) == (25.0, 40.0,
                                                                                                    29.41)
    # The previous week: case4 found; case2, case3, case4 out; two visits; two planned (a_kt done), two targets.
    prev = report.total.previous
    assert (prev.found, prev.back, prev.still_out, prev.visits_done, prev.visits_planned, prev.planned_done,
            prev.key_targets, prev.dropouts_year) == (1, 0, 3, 2, 2, 1, 2, 4)
    assert report.total.previous_dropout_rate.value == 23.53


def test_township_report_has_its_schools_including_one_without_students(database: Database,
                                                                        district: District) -> None:
    with database.read() as session:
        report = build_report(session, "weekly", TODAY, level="township", unit_id=district.townships["坛洛"],
                              today=TODAY)
    assert [r.name for r in report.rows] == ["坛洛小学", "坛洛教学点"]
    c, d = report.rows
    assert _counts(c.figures) == (7, 0, 0, 1, 0, 0, 0, 0, 2, 0, 1, 1, 5, 2)
    assert _counts(d.figures) == (0,) * 14
    assert d.dropout_rate.value is None and "0" in d.dropout_rate.note("zh")
    assert set(d.retention) == {Stage.PRIMARY}  # a teaching point has no junior stage
    with database.read() as session:
        school_b = build_report(session, "weekly", TODAY, level=Level.SCHOOL, unit_id=district.schools["B"],
                                today=TODAY)
    assert set(school_b.total.retention) == {Stage.JUNIOR}
    assert _counts(school_b.total.figures) == (4, 0, 2, 0, 0, 0, 0, 1, 1, 1, 1, 0, 5, 2)


def test_a_school_without_students_is_an_honest_empty_report(database: Database, district: District,
                                                              tmp_path: Path) -> None:
    with database.read() as session:
        report = build_report(session, "weekly", TODAY, level="school", unit_id=district.schools["D"], today=TODAY)
    assert report.empty
    assert any("没有在册学生" in line for line in report.note_lines("zh"))
    pdf = write_report(report, tmp_path / "d.pdf")
    text = layout_text(pdf)
    assert "坛洛教学点" in text and "没有在册学生" in text
    assert not re.search(r"\d+\.\d\d%", text)  # no rate printed for nobody


def test_monthly_figures(database: Database, district: District) -> None:
    with database.read() as session:
        report = build_report(session, "monthly", TODAY, today=TODAY)
    now, before = report.total.figures, report.total.previous
    assert (report.period.start, report.period.as_of) == (date(2026, 11, 1), TODAY)
    assert (now.found, now.back, now.still_out, now.visits_done, now.visits_planned, now.planned_done) == (
        2, 2, 2, 4, 5, 3)
    # October: case2 and case6 found, case6 closed as a data error (an outcome, not a return); case2, case3 out.
    assert (before.found, before.back, before.still_out, before.visits_done, before.visits_planned) == (2, 0, 2, 0, 0)
    assert dict(before.outcomes) == {"data_error": 1}
    assert not report.june_summary and report.typical == ()


def test_retention_needs_records_back_to_the_intake(database: Database, district: District) -> None:
    with database.read() as session:
        report = build_report(session, "weekly", TODAY, today=TODAY)
        first_record = records_begin(session)
    assert first_record is not None and first_record > date(2026, 1, 1)
    for stage in (Stage.PRIMARY, Stage.JUNIOR, Stage.NINE_YEAR):
        rate = report.total.retention[stage]
        assert rate.value is None and str(first_record) in rate.note("zh")


def test_retention_rates_at_the_end_of_the_school_year(database: Database, district: District) -> None:
    july = date(2027, 7, 10)
    with database.write() as session:
        for key in ("a_6grad", "c_6err", "a_6move", "b_9kt"):
            registry.record_change(session, district.students[key], "graduation", "2027-07-01")
    with database.read() as session:
        report = build_report(session, "monthly", july, today=july, records_since=RECORDS_SINCE)
        school_c = build_report(session, "monthly", july, level="school", unit_id=district.schools["C"], today=july,
                                records_since=RECORDS_SINCE)
        school_a = build_report(session, "monthly", july, level="school", unit_id=district.schools["A"], today=july,
                                records_since=RECORDS_SINCE)
    total = report.total
    # A: a_6grad graduated, a_6drop a dropout, a_6move left for C: 1 ÷ (3 + 0 − 1).
    assert school_a.total.retention[Stage.PRIMARY].value == 50.0
    cohort_a = school_a.total.figures.cohorts[Stage.PRIMARY]
    assert (cohort_a.graduates, cohort_a.intake, cohort_a.transfers_in, cohort_a.transfers_out) == (1, 3, 0, 1)
    # C: c_6err and a_6move graduated, c_6drop a dropout, a_6move came in: 2 ÷ (2 + 1 − 0).
    assert school_c.total.retention[Stage.PRIMARY].value == 66.67
    # District primary: 3 ÷ (5 + 1 − 1); junior: b_9kt graduated, b_9ret still in grade 9, b_9out left: 1 ÷ 2.
    assert total.retention[Stage.PRIMARY].value == 60.0
    assert total.retention[Stage.JUNIOR].value == 50.0
    assert total.retention[Stage.NINE_YEAR].value == 50.0
    assert [r.retention[Stage.JUNIOR].value for r in report.rows] == [50.0, None]  # 坛洛 has no junior cohort
    assert total.dropout_rate.value == 29.41  # the same school year, 5 of 17


def test_a_period_with_no_data_says_so(database: Database, district: District, tmp_path: Path) -> None:
    with database.read() as session:
        report = build_report(session, "weekly", date(2025, 3, 5), today=TODAY)
    assert _counts(report.total.figures)[1:12] == (0,) * 11
    assert any("没有辍学个案和家访记录" in line for line in report.note_lines("zh"))
    xlsx = write_report(report, tmp_path / "empty.xlsx")
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames[0] == "主要指标"
    with database.read() as session, pytest.raises(ValidationError):
        build_report(session, "weekly", date(2026, 12, 25), today=TODAY)
    with database.read() as session, pytest.raises(NotFoundError):
        build_report(session, "weekly", TODAY, level="school", unit_id="nope", today=TODAY)
    with database.read() as session, pytest.raises(ValidationError):
        build_report(session, "weekly", TODAY, level="township", today=TODAY)


def test_weekly_pdf_and_xlsx(database: Database, district: District, tmp_path: Path) -> None:
    with database.read() as session:
        report = build_report(session, "weekly", TODAY, today=TODAY)
    pdf = write_report(report, tmp_path / "weekly.pdf")
    text = layout_text(pdf)
    assert "全区控辍保学周报" in text and "2026-11-23" in text
    line = next(row for row in text.splitlines() if row.strip().startswith("全区") and "%" in row)
    assert re.sub(r"\s+", " ", line).split()[:9] == ["全区", "16", "1", "2", "2", "1/0/1", "2/4", "2", "3（1）"]
    assert "29.41%" in line and "无法计算" in line
    assert "23.53%" in text and "+5.88" in text  # the previous week's rate and the change
    assert "外出务工" in text and "中职安置" in text
    xlsx = write_report(report, tmp_path / "weekly.xlsx")
    book = openpyxl.load_workbook(xlsx)
    sheet = book["主要指标"]
    assert sheet.freeze_panes == "A4" and sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0][:3] == ["单位", "在册学生", "本期新发现辍学"]
    assert rows[3][:5] == ["全区", "16", "1", "2", "2"] and rows[3][9] == "29.41%"
    assert book.sheetnames == ["主要指标", "与上期比较", "辍学原因", "处置结果", "辍学率与巩固率"]
    with pytest.raises(ValidationError):
        write_report(report, tmp_path / "weekly.docx")


def test_the_june_summary_adds_the_typical_cases(database: Database, district: District, tmp_path: Path) -> None:
    with database.read() as session:
        june = build_report(session, "monthly", date(2026, 6, 15), today=TODAY)
        may = build_report(session, "monthly", date(2026, 5, 15), today=TODAY)
    assert june.june_summary and [c.student_name for c in june.typical] == ["覃志强"]
    assert may.typical == ()
    text = layout_text(write_report(june, tmp_path / "june.pdf"))
    assert "6月总结" in text and "典型案例" in text and "覃同学被误报辍学" in text
    book = openpyxl.load_workbook(write_report(june, tmp_path / "june.xlsx"))
    assert book["典型案例"]["A4"].value == "覃志强"
    english = layout_text(write_report(june, tmp_path / "june-en.pdf", lang="en"))
    assert "June summary" in english and "Typical cases" in english


def test_school_drill_down_lines(database: Database, district: District) -> None:
    with database.read() as session:
        lines = school_lines(session, district.schools["C"], "weekly", TODAY, today=TODAY)
        b_lines = school_lines(session, district.schools["B"], "weekly", TODAY, today=TODAY)
    assert [(line.name, line.counted_as) for line in lines] == [("何𰻝宁", "still_out"), ("周芳", "key_target_planned")]
    assert {(line.name, line.counted_as) for line in b_lines} == {("李桂兰", "back"), ("陈秀英", "back")}
