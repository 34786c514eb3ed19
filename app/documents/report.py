"""Weekly and monthly reports (控辍保学周报、月报) as landscape A4 PDFs.

A report is handed over as plain data: a title, lines under it, and sections of paragraphs and tables whose
cells are already formatted text. :mod:`app.services.reports` decides what the figures are and how they read;
this module only lays them out with the shared page engine (text in any script, tables whose header repeats
on every page, page x of y and who printed it in the footer).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.documents.data import Printing, RenderedDocument
from app.documents.fonts import FontSet
from app.documents.layout import BODY, LANDSCAPE, MM, SMALL, Column, Painter, Sheet, SheetHeader
from app.documents.render import render

__all__ = ["Column", "ReportDocument", "ReportSection", "ReportTable", "draw_report", "render_report"]


@dataclass(frozen=True)
class ReportTable:
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str = ""  # a line above the table
    empty: str = ""  # printed instead of an empty table ("本期无" ...)


@dataclass(frozen=True)
class ReportSection:
    heading: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[ReportTable, ...] = ()
    notes: tuple[str, ...] = ()  # small grey lines after the tables (definitions, why a rate is missing)


@dataclass(frozen=True)
class ReportDocument:
    record_id: str
    sheet_no: str
    printing: Printing
    title: str  # 西乡塘区控辍保学周报
    subtitle: str  # 统计周期 2026-11-23 至 2026-11-29（截至 2026-11-29）
    sections: tuple[ReportSection, ...]
    signature: str = ""  # "填报人：＿＿ 审核人：＿＿ 填报日期：…"


def draw_report(painter: Painter, data: ReportDocument) -> int:
    """Draw one report; returns its page count."""
    sheet = Sheet(painter, SheetHeader(title=data.title, subject=data.subtitle, sheet_no=data.sheet_no,
                                       printed=data.printing.line),
                  pagesize=LANDSCAPE, margins=(12 * MM, 14 * MM, 16 * MM, 14 * MM))
    p = sheet.p
    middle = (sheet.left + sheet.right) / 2
    p.text(middle, sheet.top - 8 * MM, data.title, 16, bold=True, align="center")
    p.text(middle, sheet.top - 14 * MM, data.subtitle, SMALL, align="center")
    sheet.y = sheet.top - 18 * MM
    for section in data.sections:
        sheet.gap(2 * MM)
        sheet.heading(section.heading, size=BODY)
        sheet.gap(1.5 * MM)
        for paragraph in section.paragraphs:
            sheet.paragraph(paragraph)
        for table in section.tables:
            if table.title:
                sheet.gap(1 * MM)
                sheet.paragraph(table.title, size=SMALL)
            if table.rows:
                sheet.table(table.columns, table.rows)
            elif table.empty:
                sheet.paragraph(table.empty, size=SMALL, gray=0.35)
            sheet.gap(1.5 * MM)
        for note in section.notes:
            sheet.paragraph(note, size=SMALL - 1, gray=0.35)
    if data.signature:
        sheet.ensure(14 * MM)
        sheet.gap(6 * MM)
        sheet.paragraph(data.signature, size=SMALL + 0.5)
    return sheet.finish()


def render_report(data: ReportDocument, *, fonts: FontSet | None = None) -> RenderedDocument:
    return render([data], draw_report, title=data.title, pagesize=LANDSCAPE, fonts=fonts)
