"""The Reports and Reconciliation pages on the fixed district: figures, drill-down to a student, warnings, exports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.store.db import Database
from app.store.models import Student
from app.ui.pages.reconciliation import ReconciliationPage
from app.ui.pages.reports import ReportsPage
from tests.conftest import TODAY
from tests.services.report_district import District, build_district


class Navigator:
    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []

    def navigate(self, kind: str, record_id: str) -> None:
        self.shown.append((kind, record_id))

    def refresh_status(self) -> None:
        pass


@pytest.fixture
def district(database: Database, data_dir: Path) -> District:
    return build_district(database, data_dir)


def _cells(model: Any, column: int = 0) -> list[str]:
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def _wait(qtbot: QtBot, page: Any) -> None:
    qtbot.waitUntil(lambda: not page.loading, timeout=60_000)


def test_reports_page_drills_from_district_to_a_student(qtbot: QtBot, database: Database, district: District,
                                                        qtmodeltester: Any) -> None:
    navigator = Navigator()
    page = ReportsPage(database, navigator, today=TODAY)
    qtbot.addWidget(page)
    page.show()
    _wait(qtbot, page)
    assert page.error.text() == ""
    assert _cells(page.units) == ["石埠街道", "坛洛镇", "District"]
    assert page.units.data(page.units.index(2, 8)) == "29.41%"
    assert page.units.data(page.units.index(2, 2)) == "1" and page.units.data(page.units.index(2, 11)) == "0 / +2 / -1"
    assert page.chart.categories == ["石埠街道", "坛洛镇"]
    assert _cells(page.warnings, 3)[:2] == ["周芳", "杨金凤"] and "8" in page.warning_count.text()
    qtmodeltester.check(page.units)
    qtmodeltester.check(page.warnings)
    page.grab()  # the chart paints
    # Click the second bar group: 坛洛镇, then double-click its first school.
    chart = page.chart
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton,
                     pos=QPoint(int(chart._groups[1].center().x()), int(chart._groups[1].center().y())))
    _wait(qtbot, page)
    assert _cells(page.units) == ["坛洛小学", "坛洛教学点", "坛洛镇"] and "坛洛镇" in page.where.text()
    assert page.units.data(page.units.index(1, 8)) == "无法计算"  # a school without students has no rate
    page.unit_view.doubleClicked.emit(page.units.index(0, 0))
    _wait(qtbot, page)
    assert page.student_view.isVisible()
    assert _cells(page.students) == ["何𰻝宁", "周芳"]
    assert _cells(page.students, 2) == ["Still out", "Key target to visit"]
    qtmodeltester.check(page.students)
    assert len(_cells(page.warnings)) == 5  # 周芳, 杨金凤 twice, 何𰻝宁, 廖勇
    page.student_view.doubleClicked.emit(page.students.index(0, 0))
    assert navigator.shown == [("student", district.students["c_6drop"])]
    page.up()
    _wait(qtbot, page)
    assert not page.student_view.isVisible() and _cells(page.units)[0] == "坛洛小学"


def test_reports_page_exports_and_bad_input(qtbot: QtBot, database: Database, district: District, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    page = ReportsPage(database, today=TODAY)
    qtbot.addWidget(page)
    _wait(qtbot, page)
    target = {"path": str(tmp_path / "周报")}
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (target["path"], ""))
    page.export_report(".pdf")
    _wait(qtbot, page)
    assert (tmp_path / "周报.pdf").read_bytes().startswith(b"%PDF") and "周报.pdf" in page.status.text()
    target["path"] = str(tmp_path / "周报.xlsx")
    page.export_report(".xlsx")
    _wait(qtbot, page)
    assert openpyxl.load_workbook(tmp_path / "周报.xlsx")["主要指标"]["A6"].value == "全区"
    target["path"] = str(tmp_path / "台账.xlsx")
    page.ledger_kind.setCurrentIndex(page.ledger_kind.findData("not-returned"))
    page.checker.setText("覃主任")
    page.export_ledger()
    _wait(qtbot, page)
    sheet = openpyxl.load_workbook(tmp_path / "台账.xlsx").active
    assert sheet["D4"].value == "陆春梅" and "覃主任" in sheet.oddFooter.left.text
    page.kind.setCurrentIndex(1)
    page.day.setText("2025-03-05")
    page.refresh()
    _wait(qtbot, page)
    assert "没有辍学个案" in page.notes.text()  # domain texts follow the domain language (zh in tests)
    page.day.setText("not a date")
    page.refresh()
    assert page.error.text() and not page.loading


def _poverty_list(database: Database, district: District, folder: Path) -> Path:
    with database.read() as session:
        ids = {k: session.get(Student, v).id_number for k, v in district.students.items()}  # type: ignore[union-attr]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号", "户主姓名", "与户主关系"])
    sheet.append(["梁文杰", ids["b_9kt"], "梁大海", "之子"])
    sheet.append(["周芳", ids["c_1kt"], "周大林", "之女"])
    path = folder / "建档立卡.xlsx"
    book.save(path)
    return path


def test_reconciliation_page_accepts_and_dismisses(qtbot: QtBot, database: Database, district: District,
                                                   tmp_path: Path, qtmodeltester: Any) -> None:
    page = ReconciliationPage(database, today=TODAY)
    qtbot.addWidget(page)
    page.file.setText(str(_poverty_list(database, district, tmp_path)))
    page.check()
    qtbot.waitUntil(lambda: not page.loading, timeout=60_000)
    assert page.error.text() == ""
    assert _cells(page.model, 3) == ["梁文杰", "周芳"] and "2" in page.summary.text()
    qtmodeltester.check(page.model)
    page.view.selectRow(0)
    page.accept_selected()
    qtbot.waitUntil(lambda: not page.loading, timeout=60_000)
    assert page.error.text() == "" and page.model.rowCount() == 1
    page.view.selectRow(0)
    page.dismiss_selected()
    assert page.error.text()  # a dismissal needs its reason
    page.reason.setText("已核实：2025年已脱贫")
    page.dismiss_selected()
    qtbot.waitUntil(lambda: not page.loading, timeout=60_000)
    assert page.model.rowCount() == 0
    page.show_settled.setChecked(True)
    assert page.model.rowCount() == 2
    with database.read() as session:
        assert session.get(Student, district.students["b_9kt"]).registered_poor  # type: ignore[union-attr]


def test_reconciliation_page_refuses_a_wrong_file(qtbot: QtBot, database: Database, tmp_path: Path) -> None:
    page = ReconciliationPage(database, today=TODAY)
    qtbot.addWidget(page)
    fake = tmp_path / "名单.xlsx"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    page.file.setText(str(fake))
    page.check()
    qtbot.waitUntil(lambda: not page.loading, timeout=60_000)
    assert "不是电子表格" in page.error.text() and page.model.rowCount() == 0
    page.file.setText("")
    page.check()
    assert page.error.text()


def test_every_text_of_the_two_pages_has_its_chinese(tmp_path: Path) -> None:
    import subprocess
    import sys

    from app.ui.i18n import read_ts, translations, ts_file

    root = Path(__file__).resolve().parents[2]
    extracted = tmp_path / "extracted.ts"
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    subprocess.run([str(lupdate), "-silent", "app/ui/pages/reports.py", "app/ui/pages/reconciliation.py", "-ts",
                    str(extracted)], cwd=root, check=True, capture_output=True)

    wanted = {(m.context, m.source) for m in read_ts(extracted)}
    have = translations(ts_file("zh"))
    assert len(wanted) > 60
    assert not [key for key in wanted if key not in have]
    for key in wanted:
        assert ("%1" in key[1]) == ("%1" in have[key]), key
