"""The Import page: check the registry export, then import it; a bad file leaves nothing imported."""

from __future__ import annotations

import shutil
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.services.places import add_school
from app.store.db import Database
from app.ui.pages.import_page import SHOWN_ROWS, ImportPage
from tests.services.support import dump
from tests.ui.shell_support import shot

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "sample"




def _schools(database: Database) -> None:
    with database.write() as session:
        add_school(session, name="西乡塘区石埠小学", school_type="primary")
        add_school(session, name="西乡塘区坛洛镇中心小学", school_type="primary")


def test_check_then_import_the_sample_export(qtbot: QtBot, database: Database, tmp_path: Path) -> None:
    _schools(database)
    sample = tmp_path / "学籍导出示例.xlsx"
    shutil.copy(SAMPLES / sample.name, sample)
    page = ImportPage(database)
    qtbot.addWidget(page)
    page.file.setText(str(sample))
    before = dump(database)
    page.check_button.click()
    qtbot.waitUntil(lambda: page.check_button.isEnabled(), timeout=60_000)
    assert page.error.text() == "", page.error.text()
    assert page.rows.count() > 0 and dump(database) == before  # checking writes nothing
    shot(page, "import_checked")  # the rows it would add, by name
    page.import_button.click()
    qtbot.waitUntil(lambda: page.import_button.isEnabled(), timeout=60_000)
    assert page.error.text() == "", page.error.text()
    assert dump(database) != before
    assert (tmp_path / "学籍导出示例.导入报告.csv").exists()


def test_not_a_spreadsheet_is_refused_in_place(qtbot: QtBot, database: Database, tmp_path: Path) -> None:
    fake = tmp_path / "名单.xlsx"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    page = ImportPage(database)
    qtbot.addWidget(page)
    before = dump(database)
    page.file.setText(str(fake))
    page.import_button.click()
    qtbot.waitUntil(lambda: page.import_button.isEnabled(), timeout=60_000)
    assert "不是电子表格" in page.error.text()
    assert dump(database) == before


def test_a_long_file_shows_its_first_rows_and_counts_the_rest(qtbot: QtBot, database: Database,
                                                             tmp_path: Path) -> None:
    """A plan keeps only the first rows of each kind; the page still says how many more the report lists."""
    from tests.services.test_importing import pupil, write_csv

    _schools(database)
    path = write_csv(tmp_path / "名单.csv", [pupil(i) for i in range(1, 531)] + [pupil(531, 年级="十年级")],
                     encoding="utf-8")
    page = ImportPage(database)
    qtbot.addWidget(page)
    page.file.setText(str(path))
    page.check_button.click()
    qtbot.waitUntil(lambda: page.check_button.isEnabled(), timeout=60_000)
    assert "新增 530 人" in page.summary.text() and "有误 1 行" in page.summary.text()
    assert page.rows.count() == SHOWN_ROWS + 1
    assert page.rows.item(SHOWN_ROWS).text() == "… and 31 more: see the report file"


def test_a_reimport_shows_what_it_changes_in_the_household(qtbot: QtBot, database: Database, tmp_path: Path) -> None:
    from app.services.importing import apply_import, plan_import
    from tests.conftest import TODAY
    from tests.services.test_importing import pupil, write_xlsx

    _schools(database)
    first = write_xlsx(tmp_path / "秋季.xlsx", [pupil(1), pupil(2)])
    with database.write() as session:
        apply_import(session, plan_import(session, first, today=TODAY), skip_invalid=False)
    later = write_xlsx(tmp_path / "春季.xlsx", [pupil(1, 联系电话="13977110001"), pupil(2, 监护人="韦小红")])
    page = ImportPage(database)
    qtbot.addWidget(page)
    page.file.setText(str(later))
    page.check_button.click()
    qtbot.waitUntil(lambda: page.check_button.isEnabled(), timeout=60_000)
    lines = [page.rows.item(i).text() for i in range(page.rows.count())]
    assert "~ 韦华: 联系电话 13877110000 → 13977110001" in lines
    assert "~ 韦强: 监护人 韦大山 → 韦小红；户主 韦大山 → 韦小红" in lines
    assert "更新 2 人" in page.summary.text()
    page.resize(900, 600)
    page.grab().save(str(tmp_path / "import-reimport.png"))
