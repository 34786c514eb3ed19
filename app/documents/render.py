"""Turning document data into PDF bytes or files: one document, many in one PDF, or a batch of files.

Batches report progress and stop as :mod:`app.domain.progress` says: :class:`Cancelled` when ``cancelled()``
turns true, or whatever ``progress`` raises (the worker's cancel does that); a stopped batch removes every file
it wrote, so a folder never holds half a batch.
"""

from __future__ import annotations

import io
import logging
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from app.documents.data import RenderedDocument, VisitSheetData
from app.documents.fonts import FontSet, default_fonts
from app.documents.layout import PORTRAIT, Painter, new_canvas
from app.domain.errors import DomainError
from app.domain.progress import IsCancelled, Progress, raise_if_cancelled

log = logging.getLogger("jiafang.documents")

T = TypeVar("T")
#: The cancel's message: a stopped batch keeps nothing of itself.
CANCELLED = ("已取消打印，没有留下不完整的文件。", "Printing was cancelled; no partial files were kept.")


class NothingToPrint(DomainError):
    """A batch or document with no records in it."""


def render(items: Iterable[T], draw: Callable[[Painter, T], int], *, title: str,
           pagesize: tuple[float, float] = PORTRAIT, fonts: FontSet | None = None,
           progress: Progress | None = None, cancelled: IsCancelled | None = None, total: int | None = None,
           target: Any = None, record: list[tuple[Any, ...]] | None = None) -> RenderedDocument:
    """Draw every item into one PDF (``target``: a path or file object; default in memory, returned as bytes)."""
    fonts = fonts or default_fonts()
    buffer = io.BytesIO() if target is None else target
    canvas = new_canvas(buffer, fonts, title=title, pagesize=pagesize)
    painter = Painter(canvas, fonts, record=record)
    count = 0
    for item in items:
        raise_if_cancelled(cancelled, *CANCELLED)
        draw(painter, item)
        count += 1
        if progress is not None and total:
            progress(title, min(1.0, count / total))
    if count == 0:
        raise NothingToPrint("没有可打印的记录。", "There is nothing to print.")
    canvas.save()
    painter.expand_record()
    missing = tuple(sorted(painter.missing))
    if missing:
        # Code points only: the log must not carry names.
        log.warning("%s: %d character(s) without a font printed as a placeholder: %s", title, len(missing),
                    " ".join(f"U+{ord(ch):04X}" for ch in missing))
    pdf = buffer.getvalue() if isinstance(buffer, io.BytesIO) else b""
    return RenderedDocument(pdf=pdf, pages=painter.pages, sheets=count, missing_chars=missing,
                            problems=tuple(dict.fromkeys(painter.problems)))


def write_pdf(document: RenderedDocument, path: Path) -> Path:
    """Write a rendered PDF atomically (temporary name in the same folder, fsync, rename)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    try:
        with open(tmp, "wb") as handle:
            handle.write(document.pdf)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


@dataclass
class BatchResult:
    files: list[Path] = field(default_factory=list)
    sheets: int = 0
    pages: int = 0
    missing_chars: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_file_name(text: str, *, limit: int = 60) -> str:
    """``text`` usable as a file name on Windows and Linux (Chinese kept; separators and reserved marks not)."""
    cleaned = _UNSAFE.sub("_", text).strip(" .")
    return cleaned[:limit] or "_"


def render_visit_batch(sheets: Iterable[VisitSheetData], *, total: int, out_dir: Path, one_file: bool,
                       file_stem: str, draw: Callable[[Painter, VisitSheetData], int],
                       household_name: Callable[[VisitSheetData], str], fonts: FontSet | None = None,
                       progress: Progress | None = None, cancelled: IsCancelled | None = None) -> BatchResult:
    """Every sheet into ``out_dir``: one PDF (``file_stem``.pdf), or one PDF per household.

    Sheets of one household must come one after another (the caller orders them so): each run of the same
    household becomes one file. On cancel or error every file this call wrote is removed.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = BatchResult()
    written: list[Path] = []
    missing: set[str] = set()
    problems: list[str] = []
    done = 0

    def step(_stage: str, _fraction: float) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress("pdf", min(1.0, done / max(1, total)))

    try:
        if one_file:
            target = out_dir / f"{safe_file_name(file_stem)}.pdf"
            tmp = target.with_name(target.name + ".part")
            written.append(tmp)
            with open(tmp, "wb") as handle:
                rendered = render(sheets, draw, title="家访记录表", fonts=fonts, progress=step, cancelled=cancelled,
                                  total=total, target=handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
            written[-1] = target
            result.sheets, result.pages = rendered.sheets, rendered.pages
            missing.update(rendered.missing_chars)
            problems.extend(rendered.problems)
        else:
            used: set[str] = set()
            for number, group in enumerate(_households(sheets), start=1):
                raise_if_cancelled(cancelled, *CANCELLED)
                rendered = render(group, draw, title="家访记录表", fonts=fonts, progress=step, cancelled=cancelled,
                                  total=total)
                name = f"{number:04d}-{safe_file_name(household_name(group[0]))}"
                while name in used:
                    name += "_"
                used.add(name)
                path = out_dir / f"{name}.pdf"
                written.append(path)
                write_pdf(rendered, path)
                result.sheets += rendered.sheets
                result.pages += rendered.pages
                missing.update(rendered.missing_chars)
                problems.extend(rendered.problems)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    if result.sheets == 0:
        raise NothingToPrint("没有可打印的家访记录。", "There are no visit records to print.")
    result.files = written
    result.missing_chars = tuple(sorted(missing))
    result.problems = tuple(dict.fromkeys(problems))
    return result


def _households(sheets: Iterable[VisitSheetData]) -> Iterable[Sequence[VisitSheetData]]:
    group: list[VisitSheetData] = []
    for sheet in sheets:
        if group and sheet.household_key != group[0].household_key:
            yield group
            group = []
        group.append(sheet)
    if group:
        yield group
