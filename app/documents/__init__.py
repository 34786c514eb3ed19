"""PDF documents in the formats schools file: visit sheets, blank sheets, case files, village lists.

Renderers take plain data (:mod:`app.documents.data`) and never touch the database; the services in
:mod:`app.services.documents` gather that data (and decide what is masked). No Qt here.

Every render returns a :class:`RenderedDocument` whose ``missing_chars`` lists the characters no installed
font has (printed as a red □): callers must show that to the user.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from app.documents.case_file import draw_case_file, draw_exemption
from app.documents.data import (
    CaseFileData,
    ExemptionData,
    RenderedDocument,
    VillageListData,
    VisitSheetData,
)
from app.documents.fonts import FontSet, NoFontError, default_fonts, discover_fonts, reset_font_cache
from app.documents.layout import LANDSCAPE
from app.documents.render import BatchResult, NothingToPrint, render, render_visit_batch, write_pdf
from app.documents.village_list import draw_village_list
from app.documents.visit_sheet import draw_visit_sheet
from app.domain.progress import IsCancelled, Progress


def render_visit_sheets(sheets: Iterable[VisitSheetData], *, fonts: FontSet | None = None,
                        progress: Progress | None = None, cancelled: IsCancelled | None = None,
                        total: int | None = None) -> RenderedDocument:
    """One PDF holding each visit sheet (blank sheets included); page x of y counts within each sheet."""
    return render(sheets, draw_visit_sheet, title="家访记录表", fonts=fonts, progress=progress, cancelled=cancelled,
                  total=total)


def render_case_file(data: CaseFileData, *, fonts: FontSet | None = None) -> RenderedDocument:
    return render([data], draw_case_file, title="辍学学生劝返记录", fonts=fonts)


def render_exemption(data: ExemptionData, *, fonts: FontSet | None = None) -> RenderedDocument:
    return render([data], draw_exemption, title="因失能免学、缓学、休学记录", fonts=fonts)


def render_village_list(data: VillageListData, *, fonts: FontSet | None = None) -> RenderedDocument:
    return render([data], draw_village_list, title="适龄儿童少年未在校名单", pagesize=LANDSCAPE, fonts=fonts)


def write_visit_batch(sheets: Iterable[VisitSheetData], *, total: int, out_dir: Path, one_file: bool,
                      file_stem: str, fonts: FontSet | None = None, progress: Progress | None = None,
                      cancelled: IsCancelled | None = None) -> BatchResult:
    """Visit sheets into ``out_dir`` as one PDF or one PDF per household (sheets grouped by household)."""

    def household_name(first: VisitSheetData) -> str:
        head = first.household.head_name or first.student.name or "家庭"
        return f"{head}户-{first.student.name}" if first.student.name and first.student.name != head else f"{head}户"

    return render_visit_batch(sheets, total=total, out_dir=out_dir, one_file=one_file, file_stem=file_stem,
                              draw=draw_visit_sheet, household_name=household_name, fonts=fonts,
                              progress=progress, cancelled=cancelled)


__all__ = [
    "BatchResult",
    "CaseFileData",
    "ExemptionData",
    "FontSet",
    "NoFontError",
    "NothingToPrint",
    "RenderedDocument",
    "VillageListData",
    "VisitSheetData",
    "default_fonts",
    "discover_fonts",
    "render_case_file",
    "render_exemption",
    "render_village_list",
    "render_visit_sheets",
    "reset_font_cache",
    "write_pdf",
    "write_visit_batch",
]
