"""The 家访记录表 read back with poppler: names, fonts, masking, long text, pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.documents import write_pdf
from app.domain.codes import UserRole
from app.domain.errors import NotFoundError, PermissionDenied
from app.domain.masking import mask_id_number
from app.services import access, documents, users, visits
from app.store import oplog
from app.store.db import Database, open_folder
from tests.conftest import PASSWORD, TODAY
from tests.documents.conftest import HEAD_NAME, STUDENT_NAME, Family, visit_fields
from tests.documents.pdfcheck import body_text, fonts, page_count, pdftotext, rasterize, squeezed


def _visit_pdf(database: Database, visit_id: str, path: Path, *, reveal: bool = False) -> Path:
    with database.write() as session:
        document = documents.visit_pdf(session, visit_id, reveal=reveal)
    assert document.missing_chars == ()
    return write_pdf(document, path)


def test_names_outside_the_basic_block_are_printed_and_extractable(database: Database, family: Family,
                                                                    tmp_path: Path) -> None:
    path = _visit_pdf(database, family.visit_id, tmp_path / "visit.pdf")
    text = pdftotext(path)
    assert STUDENT_NAME in text and HEAD_NAME in text  # 𰻝 (Ext G) and 𠮷 (Ext B), not a lookalike
    for label in ("家访记录表", "走访人员", "家庭情况", "包班教师", "李老师", "宣讲政策", "第1页", "共1页"):
        assert label in squeezed(text), label
    assert documents.sheet_number("V", family.visit_id) in text
    rows = fonts(path)
    assert rows and all(r["emb"] == "yes" and r["sub"] == "yes" and r["uni"] == "yes" for r in rows), rows
    assert page_count(path) == 1
    assert rasterize(path, tmp_path / "png")


def test_ids_and_phones_are_masked_unless_revealed(database: Database, family: Family, tmp_path: Path) -> None:
    masked = squeezed(pdftotext(_visit_pdf(database, family.visit_id, tmp_path / "masked.pdf")))
    assert mask_id_number(family.id_number) in masked and family.id_number not in masked
    assert "138****0000" in masked and "13877110000" not in masked
    shown = squeezed(pdftotext(_visit_pdf(database, family.visit_id, tmp_path / "full.pdf", reveal=True)))
    assert family.id_number in shown and "13877110000" in shown


def test_a_teacher_cannot_reveal(database: Database, family: Family) -> None:
    users.add_user(database, username="teacher", password=PASSWORD + "-t", role=UserRole.TEACHER)
    teacher = open_folder(database.data_dir, "teacher", PASSWORD + "-t")
    try:
        with teacher.write() as session, pytest.raises(PermissionDenied):
            documents.visit_pdf(session, family.visit_id, reveal=True)
        with teacher.write() as session:
            assert documents.visit_pdf(session, family.visit_id).pages == 1
    finally:
        teacher.close()
    assert access.reveal_allowed("school_admin") and not access.reveal_allowed("teacher")


def test_long_text_continues_on_the_next_page_and_nothing_is_cut(database: Database, family: Family,
                                                                   tmp_path: Path) -> None:
    sentence = "父母常年在广东东莞务工，孩子由祖母照看，家里种甘蔗，收入不稳定。"
    long_text = "".join(f"第{n}句：{sentence}" for n in range(1, 108))
    assert len(long_text) <= 4000
    with database.write() as session:
        visit = visits.start_visit(session, family.student_id, visited_on=date(2026, 11, 21), today=TODAY,
                                   **visit_fields(family_situation=long_text, measures=long_text[:1500]))
        visits.finalize_visit(session, visit.id)
        visit_id = visit.id
    path = _visit_pdf(database, visit_id, tmp_path / "long.pdf")
    pages = page_count(path)
    assert pages >= 3
    text = pdftotext(path)
    assert f"共{pages}页" in squeezed(text) and "家访记录表（续）" in text and "家庭情况（续）" in squeezed(text)
    # The boxes' text column, page after page, holds every sentence in order: nothing cut, nothing lost.
    body = squeezed(body_text(path, left=(16 + 24) * 72 / 25.4, top=22 * 72 / 25.4, bottom=16 * 72 / 25.4))
    assert squeezed(long_text) in body
    assert squeezed(long_text[:1500]) in body
    assert rasterize(path, tmp_path / "png")


def test_photos_and_signatures_are_printed(database: Database, family: Family, tmp_path: Path) -> None:
    from io import BytesIO

    from PIL import Image

    def png(color: str, size: tuple[int, int]) -> bytes:
        out = BytesIO()
        Image.new("RGB", size, color).save(out, "PNG")
        return out.getvalue()

    with database.write() as session:
        visit = visits.start_visit(session, family.student_id, visited_on=date(2026, 11, 22), today=TODAY,
                                   **visit_fields())
        visits.add_attachment(session, visit.id, "photo", png("green", (1600, 1200)), "image/png",
                              caption="家访现场，与祖母交谈")
        visits.add_attachment(session, visit.id, "photo", b"broken bytes", "image/jpeg", caption="坏照片")
        visits.add_attachment(session, visit.id, "guardian_signature", png("white", (400, 120)), "image/png")
        visit_id = visit.id
    with database.write() as session:
        document = documents.visit_pdf(session, visit_id)
    path = write_pdf(document, tmp_path / "photos.pdf")
    text = pdftotext(path)
    assert "家访现场" in text and "图片无法读取" in text
    assert "草稿" in text  # a draft says so on every page
    assert document.problems == ("图片无法读取",)
    assert len(path.read_bytes()) < 400_000  # photos are reduced to print size


def test_unknown_visit_is_a_clear_error(database: Database, family: Family) -> None:
    with database.write() as session, pytest.raises(NotFoundError):
        documents.visit_pdf(session, "no-such-visit")


def test_printed_by_names_the_signed_in_user(database: Database, family: Family) -> None:
    with database.write() as session:
        data = documents.visit_sheet_data(session, family.visit_id)
        assert session.info[oplog.USER_KEY]
    assert data.printing.printed_by == "管理员"
