"""Batches: a campaign's visits into one PDF or one per household, with progress and cancel."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.domain.progress import Cancelled
from app.services import documents, visits
from app.services.common import get
from app.services.demo import generate_demo
from app.store.db import Database
from app.store.models import Visit
from tests.conftest import TODAY
from tests.documents.conftest import Family, visit_fields
from tests.documents.pdfcheck import page_count, pdftotext


def test_one_file_per_household_and_one_file_for_all(database: Database, family: Family, tmp_path: Path) -> None:
    with database.write() as session:
        campaign_id = visits.visits_of(session, family.student_id)[0].campaign_id
        visits.start_visit(session, family.student_id, visited_on=date(2026, 11, 25), today=TODAY,
                           campaign_id=campaign_id, **visit_fields())
    seen: list[float] = []
    with database.write() as session:
        each = documents.campaign_pdfs(session, family.campaign_code, tmp_path / "each",
                                       progress=lambda stage, fraction: seen.append(fraction))
        together = documents.campaign_pdfs(session, family.campaign_code, tmp_path / "all", one_file=True)
    assert seen == [0.5, 1.0]
    assert len(each.files) == 1 and each.sheets == 2  # both visits are the same household's
    assert each.files[0].name.startswith("0001-") and each.files[0].suffix == ".pdf"
    assert together.files == [tmp_path / "all" / f"{family.campaign_code}.pdf"]
    assert page_count(together.files[0]) == together.pages == 2
    assert "草稿" in pdftotext(together.files[0])  # the second visit is still a draft


def test_a_demo_campaign_by_school(database: Database, tmp_path: Path) -> None:
    generate_demo(database, students=300, seed=7, today=TODAY)
    with database.write() as session:
        ids = documents.campaign_visit_ids(session, f"{TODAY.year}-winter_visits")
        school_id = get(session, Visit, ids[0]).school_id
        result = documents.campaign_pdfs(session, f"{TODAY.year}-winter_visits", tmp_path / "school",
                                         school_id=school_id)
    assert result.files and result.sheets <= len(ids)
    assert all(path.stat().st_size > 0 for path in result.files)
    assert not list((tmp_path / "school").glob("*.part"))


@pytest.mark.parametrize("by_progress", [False, True])
@pytest.mark.parametrize("one_file", [False, True])
def test_cancel_keeps_nothing(database: Database, family: Family, tmp_path: Path, one_file: bool,
                              by_progress: bool) -> None:
    """Both ways a batch is stopped: ``cancelled()`` turning true, or ``progress`` raising (the worker's)."""
    with database.write() as session:
        campaign_id = visits.visits_of(session, family.student_id)[0].campaign_id
        other = visits.start_visit(session, family.student_id, visited_on=date(2026, 11, 25), today=TODAY,
                                   campaign_id=campaign_id, **visit_fields())
        assert other.id
    calls = 0

    def cancelled() -> bool:
        nonlocal calls
        calls += 1
        return calls > 1

    def progress(_stage: str, _fraction: float) -> None:
        if cancelled():
            raise Cancelled()

    out = tmp_path / "cancelled"
    message = "已取消。" if by_progress else "已取消打印，没有留下不完整的文件。"
    with database.write() as session, pytest.raises(Cancelled, match=message):
        documents.campaign_pdfs(session, family.campaign_code, out, one_file=one_file,
                                progress=progress if by_progress else None,
                                cancelled=None if by_progress else cancelled)
    assert list(out.iterdir()) == []
