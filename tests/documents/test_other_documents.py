"""The blank sheet, the persuasion record, the exemption record and the village list, read back with poppler."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.documents import write_pdf
from app.domain.codes import DisabilityGrade, DisabilityType
from app.domain.errors import ValidationError
from app.services import documents, roster
from app.store.db import Database
from tests.documents.conftest import HEAD_NAME, STUDENT_NAME, Family
from tests.documents.pdfcheck import fonts, page_count, pdftotext, rasterize, squeezed


def _all_embedded(path: Path) -> bool:
    return all(r["emb"] == "yes" and r["sub"] == "yes" for r in fonts(path))


def test_blank_sheet_is_prefilled_and_carries_its_record_id(database: Database, family: Family,
                                                             tmp_path: Path) -> None:
    with database.write() as session:
        data = documents.blank_sheet_data(session, family.student_id)
        document = documents.render_visit_sheets([data])
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", data.record_id)
    assert data.qr_payload == f"jiafang://visit/{data.record_id}?student={family.student_id}"
    path = write_pdf(document, tmp_path / "blank.pdf")
    text = squeezed(pdftotext(path))
    assert STUDENT_NAME in text and HEAD_NAME in text and "纸质备用" in text
    assert documents.sheet_number("V", data.record_id) in text
    assert _all_embedded(path) and page_count(path) == 2
    assert rasterize(path, tmp_path / "png")
    with database.write() as session:
        empty = documents.blank_pdf(session)
    assert empty.pages == 2 and empty.missing_chars == ()


def test_persuasion_record_lists_the_attempts(database: Database, family: Family, tmp_path: Path) -> None:
    with database.write() as session:
        document = documents.case_pdf(session, family.case_id)
    path = write_pdf(document, tmp_path / "case.pdf")
    text = squeezed(pdftotext(path))
    for expected in ("辍学学生劝返记录", STUDENT_NAME, "劝返情况", "2026-11-05", "上门劝返", "家长同意先治疗",
                     "139****0000", "因病", "延缓入学/休学", "2026-10", "长期患病"):
        assert expected in text, expected
    assert "13977120000" not in text
    assert _all_embedded(path)
    assert rasterize(path, tmp_path / "png")


def test_exemption_record_from_a_deferred_case(database: Database, family: Family, tmp_path: Path) -> None:
    with database.write() as session:
        document = documents.exemption_pdf(session, case_id=family.case_id, kind="缓学",
                                           finding="经县残疾人教育专家委员会评估，同意缓学一年。")
        data = documents.exemption_data(session, case_id=family.case_id)
    assert data.causes == frozenset({"严重疾病"})  # from the case's reason (因病)
    assert data.head_teacher is not None and data.head_teacher.name == "李老师"
    path = write_pdf(document, tmp_path / "exemption.pdf")
    text = squeezed(pdftotext(path))
    for expected in ("因失能免学、缓学、休学记录", STUDENT_NAME, "专家委员会意见", "同意缓学一年", "长期患病"):
        assert expected in text, expected
    assert rasterize(path, tmp_path / "png")
    with database.write() as session, pytest.raises(ValidationError):
        documents.exemption_data(session, case_id=family.case_id, kind="退学")


def give_disability(database: Database, family: Family) -> None:
    with database.write() as session:
        roster.edit_student(session, family.student_id, disability_type=DisabilityType.PHYSICAL,
                            disability_grade=DisabilityGrade.GRADE_2)


def test_disability_details_are_masked_unless_revealed(database: Database, family: Family, tmp_path: Path) -> None:
    give_disability(database, family)
    texts = {}
    for reveal in (False, True):
        with database.write() as session:
            document = documents.exemption_pdf(session, case_id=family.case_id, kind="缓学", reveal=reveal)
            sheet = documents.visit_sheet_data(session, family.visit_id, reveal=reveal)
            case = documents.case_file_data(session, family.case_id, reveal=reveal)
        texts[reveal] = squeezed(pdftotext(write_pdf(document, tmp_path / f"exemption-{reveal}.pdf")))
        # Every document is handed the same masked (or clear) text, whether or not its form prints it.
        assert sheet.student.disability == case.student.disability == ("肢体 二级" if reveal else "（已隐藏）")
    assert "肢体" not in texts[False] and "二级" not in texts[False] and "（已隐藏）" in texts[False]
    assert "肢体二级" in texts[True] and "已隐藏" not in texts[True]


def test_no_disability_prints_an_empty_box(database: Database, family: Family) -> None:
    with database.write() as session:
        assert documents.exemption_data(session, case_id=family.case_id).student.disability == ""


def test_village_list_names_the_children_not_in_school(database: Database, family: Family,
                                                         tmp_path: Path) -> None:
    with database.write() as session:
        document = documents.village_pdf(session, family.village_id, checker="黄核查", preparer="李填表",
                                         phone="0771-1234567")
    path = write_pdf(document, tmp_path / "village.pdf")
    text = squeezed(pdftotext(path))
    for expected in ("那龙村适龄儿童少年未在校名单", "那良屯", STUDENT_NAME, HEAD_NAME, "因病", "核查人：黄核查",
                     "填表人：李填表", "联系电话：0771-1234567", "（盖章）", "共1人"):
        assert expected in text, expected
    assert page_count(path) == 1 and _all_embedded(path)
    assert rasterize(path, tmp_path / "png")
