"""The page engine every document shares: text in any script, boxes that split across pages, fixed grids.

reportlab's platypus cannot split one table cell over two pages, and a visit's family situation can be longer
than a page; so documents are laid out here directly on the canvas, top to bottom:

- :class:`Painter` draws text run by run in the font that has each character (see :mod:`.fonts`), wraps it
  by width (CJK breaks anywhere, Latin words stay whole, closing punctuation never starts a line), and records
  every character drawn as a placeholder.
- :class:`Sheet` is one document (one visit, one case) on the canvas: it owns the y cursor, starts
  continuation pages with a header that names the sheet, and writes each page's footer (sheet number, page x
  of y, who printed it and when). "y" is known only when the sheet ends, so the footer names a small form
  XObject that the sheet defines once it knows its page count (PDF allows a form to be defined after use).
- :class:`Grid` is a fixed block of label and value cells. Its lines and labels are drawn once per PDF as a
  form XObject and reused by every sheet of a batch; only the values are drawn per sheet. A value too long
  for its cell at the smallest readable size is not cut: the cell says so and the whole text is printed
  in a box at the end of the sheet.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from app.documents.fonts import PLACEHOLDER, FontSet

MM = 72 / 25.4
PORTRAIT = A4
LANDSCAPE = landscape(A4)

BODY = 10.0  # pt, text in boxes
SMALL = 9.0  # labels, tables
TINY = 7.5  # footers, captions
MIN_FIT = 6.5  # the smallest size a value is shrunk to before it moves to the overflow box
LEADING = 1.3
PAD = 1.3 * MM  # inside a box
LABEL_W = 24 * MM
LABEL_SHADE = 0.93
RULE_GRAY = 0.8
PLACEHOLDER_RGB = (0.78, 0.0, 0.0)

# Line-breaking rules for Chinese text (禁则): these never start a line ...
_NO_START = frozenset("，。、；：？！）》」』】〕〉”’…—%‰·,.;:?!)]}")
# ... and these never end one.
_NO_END = frozenset("（《「『【〔〈“‘([{")
# Latin words, numbers, phone numbers and IDs stay whole; everything else may break after any character.
_TOKEN = re.compile(r"[A-Za-z0-9@#&_\-.,/:+%*'()]+|[ \t]+|.", re.S)

@dataclass
class Column:
    label: str
    width: float  # mm; the last column takes what is left
    align: str = "left"


# ----------------------------------------------------------------------------- the painter
class Painter:
    """Draws on a reportlab canvas with a :class:`FontSet`; collects the characters no font has."""

    def __init__(self, canvas: Canvas, fonts: FontSet, *, record: list[tuple[Any, ...]] | None = None) -> None:
        self.c = canvas
        self.fonts = fonts
        self.missing: set[str] = set()
        self.problems: list[str] = []
        self.pages = 0
        self._forms: set[str] = set()
        self._runs: dict[str, list[tuple[str | None, str]]] = {}
        self._token_widths: dict[str, float] = {}
        self._placeholder_font = fonts.placeholder_font()
        self._placeholder_w = (fonts.char_width(PLACEHOLDER, self._placeholder_font)
                               if self._placeholder_font else 1.0)
        #: For the benchmark: every run drawn, as (page, font, size, x, y, text); see :meth:`expand_record`.
        self.record = record
        self._defining: str | None = None
        self._form_runs: dict[str, list[tuple[Any, ...]]] = {}

    # ------------------------------------------------------------------ text
    def runs(self, text: str) -> list[tuple[str | None, str]]:
        """``text`` cut into runs of one font each; a None font marks characters no font has."""
        cached = self._runs.get(text)
        if cached is None:
            cached = []
            font_for = self.fonts.font_for
            current: str | None = ""
            start = 0
            for index, ch in enumerate(text):
                font = font_for(ch)
                if font != current:
                    if index > start:
                        cached.append((current, text[start:index]))
                    current, start = font, index
            if len(text) > start:
                cached.append((current, text[start:]))
            if len(self._runs) < 50_000:
                self._runs[text] = cached
        return cached

    def width(self, text: str, size: float) -> float:
        return self._width1(text) * size

    def _width1(self, text: str) -> float:
        cached = self._token_widths.get(text)
        if cached is not None:
            return cached
        total = 0.0
        char_width = self.fonts.char_width
        for font, chunk in self.runs(text):
            if font is None:
                total += self._placeholder_w * len(chunk)
            else:
                total += sum(char_width(ch, font) for ch in chunk)
        if len(self._token_widths) < 200_000:
            self._token_widths[text] = total
        return total

    def text(self, x: float, y: float, text: str, size: float = BODY, *, bold: bool = False,
             align: str = "left", gray: float | None = None) -> float:
        """Draw one line of text with its baseline at ``y``; returns its width."""
        if not text:
            return 0.0
        width = self.width(text, size)
        if align == "right":
            x -= width
        elif align == "center":
            x -= width / 2
        c = self.c
        if gray is not None:
            c.setFillGray(gray)
        if bold:
            # CJK fonts rarely have a bold face: fill and stroke the outline instead (text render mode 2).
            c.setLineWidth(size * 0.035)
            c.setStrokeGray(gray or 0)
        t = c.beginText(x, y)
        if bold:
            t.setTextRenderMode(2)
        for font, chunk in self.runs(text):
            if font is None:
                t = self._placeholders(t, chunk, size)
                continue
            t.setFont(font, size)
            if self.record is not None:
                if self._defining is not None:
                    self._form_runs.setdefault(self._defining, []).append((font, size, t._x, y, chunk))
                else:
                    self.record.append((self.pages, font, size, t._x, y, chunk))
            t.textOut(chunk)
        if bold:
            t.setTextRenderMode(0)  # the render mode is graphics state: it would outlive this text object
        c.drawText(t)
        if gray is not None:
            c.setFillGray(0)
        if bold:
            c.setStrokeGray(0)
        return width

    def _placeholders(self, t: Any, chunk: str, size: float) -> Any:
        """Draw a visible □ (in red) for each character no font has, and remember the characters."""
        self.missing.update(chunk)
        if self._placeholder_font is not None:
            t.setFillColorRGB(*PLACEHOLDER_RGB)
            t.setFont(self._placeholder_font, size)
            t.textOut(PLACEHOLDER * len(chunk))
            t.setFillGray(0)
            return t
        # No font has even □: draw boxes as paths, then carry on after them.
        x, y = t._x, t._y
        self.c.drawText(t)
        self.c.setStrokeColorRGB(*PLACEHOLDER_RGB)
        for number in range(len(chunk)):
            self.c.rect(x + number * size + size * 0.1, y - size * 0.1, size * 0.8, size * 0.8)
        self.c.setStrokeGray(0)
        return self.c.beginText(x + len(chunk) * size, y)

    def wrap(self, text: str, width: float, size: float) -> list[str]:
        """``text`` broken into lines no wider than ``width`` at ``size``; explicit line breaks kept."""
        limit = width / size
        lines: list[str] = []
        for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            lines.extend(self._wrap_paragraph(paragraph, limit))
        return lines

    def _wrap_paragraph(self, paragraph: str, limit: float) -> list[str]:
        if self._width1(paragraph) <= limit:
            return [paragraph.rstrip()]
        measure = self._width1
        lines: list[str] = []
        line: list[str] = []
        used = 0.0
        tokens: list[str] = _TOKEN.findall(paragraph)
        position = 0
        full = False  # a space did not fit: the next word starts a new line (through the punctuation rules)
        while position < len(tokens):
            token = tokens[position]
            width = measure(token)
            if used + width <= limit and not full:
                if line or not token.isspace():
                    line.append(token)
                    used += width
                position += 1
                continue
            if token.isspace():
                full = bool(line)
                position += 1
                continue
            full = False
            if width > limit and len(token) > 1:
                # Longer than a whole line (a long number or word): break it by character.
                tokens[position:position + 1] = list(token)
                continue
            carried = _carry(line, token, measure, limit)
            if not line:  # a single character wider than the line: it goes on a line of its own
                lines.append(token)
                position += 1
                continue
            lines.append("".join(line).rstrip())
            line = carried
            used = sum(measure(t) for t in line)
            position += 1
        if line:
            lines.append("".join(line).rstrip())
        return lines or [""]

    def fit(self, text: str, width: float, height: float, size: float, *,
            min_size: float = MIN_FIT) -> tuple[float, list[str]] | None:
        """The largest size (down to ``min_size``) at which ``text`` fits the box, and its lines; None if none."""
        current = size
        while current >= min_size - 1e-6:
            lines = self.wrap(text, width, current)
            if len(lines) * current * LEADING <= height + 0.5:
                return current, lines
            current -= 0.5
        return None

    def lines(self, x: float, top: float, lines: Sequence[str], size: float, *, align: str = "left",
              width: float = 0.0) -> None:
        """Draw lines downwards from ``top`` (the top of the first line's box)."""
        lead = size * LEADING
        y = top - size * 1.02
        if align == "center":
            x += width / 2
        elif align == "right":
            x += width
        for line in lines:
            self.text(x, y, line, size, align=align)
            y -= lead

    # ------------------------------------------------------------------ shapes and pictures
    def box(self, x: float, y: float, w: float, h: float, *, shade: float | None = None, width: float = 0.6) -> None:
        c = self.c
        c.setLineWidth(width)
        if shade is not None:
            c.setFillGray(shade)
            c.rect(x, y, w, h, stroke=1, fill=1)
            c.setFillGray(0)
        else:
            c.rect(x, y, w, h, stroke=1, fill=0)

    def rule(self, x1: float, y1: float, x2: float, y2: float, *, width: float = 0.6, gray: float = 0) -> None:
        c = self.c
        c.setLineWidth(width)
        c.setStrokeGray(gray)
        c.line(x1, y1, x2, y2)
        c.setStrokeGray(0)

    def checkbox(self, x: float, y: float, size: float, ticked: bool) -> None:
        """A tick box with its bottom-left at (x, y); ticks are paths, so no font needs ☑."""
        c = self.c
        c.setLineWidth(0.6)
        c.rect(x, y, size, size, stroke=1, fill=0)
        if ticked:
            self.tick(x, y, size)

    def tick(self, x: float, y: float, size: float) -> None:
        c = self.c
        c.setLineWidth(size * 0.14)
        path = c.beginPath()
        path.moveTo(x + size * 0.18, y + size * 0.52)
        path.lineTo(x + size * 0.42, y + size * 0.2)
        path.lineTo(x + size * 0.88, y + size * 0.9)
        c.drawPath(path, stroke=1, fill=0)
        c.setLineWidth(0.6)

    def image(self, data: bytes, x: float, y: float, w: float, h: float) -> tuple[float, float] | None:
        """Draw a picture scaled into the box (kept in proportion, centred); its drawn size, or None if unreadable."""
        try:
            reader = _thumbnail(data)
            iw, ih = reader.getSize()
        except Exception:  # noqa: BLE001 - a broken photo must not stop the sheet: Pillow raises many kinds
            return None
        scale = min(w / iw, h / ih)
        dw, dh = iw * scale, ih * scale
        self.c.drawImage(reader, x + (w - dw) / 2, y + (h - dh) / 2, dw, dh, mask="auto")
        return dw, dh

    def qr(self, payload: str, x: float, y: float, size: float, *, quiet: int = 4) -> None:
        """A QR code (level M) as filled rectangles, its bottom-left at (x, y).

        Drawn from the encoder's module matrix rather than through reportlab's graphics renderer, which sets
        Helvetica as it starts and so would put an unembedded base-14 font into the PDF.
        """
        code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        code.addData(payload)
        code.make()
        count = code.getModuleCount()
        module = size / (count + 2 * quiet)
        c = self.c
        c.setFillGray(0)
        for row, cells in enumerate(code.modules):
            column = 0
            for dark, run in itertools.groupby(bool(cell) for cell in cells):
                length = len(list(run))
                if dark:
                    c.rect(x + (column + quiet) * module, y + size - (row + quiet + 1) * module, length * module,
                           module * 1.02, stroke=0, fill=1)
                column += length

    def form(self, name: str, draw: Callable[[], object], *, dx: float = 0.0, dy: float = 0.0) -> None:
        """Place the form XObject ``name`` (shifted by the caller's translation dx, dy), defining it with
        ``draw`` the first time this PDF uses it."""
        if name not in self._forms:
            self.define_form(name, draw)
        self.place_form(name, dx=dx, dy=dy)

    def place_form(self, name: str, *, dx: float = 0.0, dy: float = 0.0) -> None:
        self.c.doForm(name)
        if self.record is not None:
            self.record.append(("form", self.pages, name, dx, dy))

    def define_form(self, name: str, draw: Callable[[], object]) -> None:
        self.c.beginForm(name)
        self._defining = name
        try:
            draw()
        finally:
            self._defining = None
        self.c.endForm()
        self._forms.add(name)

    def expand_record(self) -> None:
        """Replace each recorded form placement by the runs the form draws, where it drew them on that page."""
        if self.record is None:
            return
        expanded: list[tuple[Any, ...]] = []
        for entry in self.record:
            if entry[0] == "form":
                _, page, name, dx, dy = entry
                expanded.extend((page, font, size, x + dx, y + dy, text)
                                for font, size, x, y, text in self._form_runs.get(name, ()))
            else:
                expanded.append(entry)
        self.record[:] = expanded


def _carry(line: list[str], token: str, measure: Callable[[str], float], limit: float) -> list[str]:
    """What moves to the next line with ``token`` so no line starts with closing punctuation or ends with
    opening punctuation; pops those tokens off ``line``. Gives up (carries only the token) if it cannot."""
    carried = [token]
    taken: list[str] = []
    head = token
    while head[:1] in _NO_START and line and len(taken) < 4:
        head = line.pop()
        taken.insert(0, head)
    while line and line[-1][-1:] in _NO_END and len(taken) < 6:
        taken.insert(0, line.pop())
    if taken and line and sum(measure(t) for t in taken + carried) <= limit:
        return taken + carried
    line.extend(taken)  # nothing sensible to carry: keep the line as it was
    return carried


_THUMBS: dict[int, ImageReader] = {}


def _thumbnail(data: bytes) -> ImageReader:
    """A photo reduced to print size: a phone photo is several MB, and a batch would embed each one whole."""
    key = hash(data)
    cached = _THUMBS.get(key)
    if cached is not None:
        return cached
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.load()
        picture = image.copy()
    picture.thumbnail((900, 900))
    buffer = io.BytesIO()
    if picture.mode in ("RGBA", "LA", "P"):  # signatures: keep transparency
        picture.save(buffer, "PNG", optimize=False)
    else:
        picture.convert("RGB").save(buffer, "JPEG", quality=82)
    buffer.seek(0)
    reader = ImageReader(buffer)
    if len(_THUMBS) > 200:
        _THUMBS.clear()
    _THUMBS[key] = reader
    return reader


# ----------------------------------------------------------------------------- grids
@dataclass(frozen=True)
class Cell:
    """A grid cell: a label (static), a value (``key`` into the sheet's values) or tick boxes (``options``)."""

    width: float  # mm; 0 means the rest of the row
    label: str | None = None
    key: str | None = None
    options: tuple[str, ...] = ()
    align: str = "left"
    shade: bool = True


@dataclass(frozen=True)
class GridRow:
    height: float  # mm
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Grid:
    name: str  # the form XObject's name: one definition per PDF
    rows: tuple[GridRow, ...]

    @property
    def height(self) -> float:
        return sum(r.height for r in self.rows) * MM

    def cells(self, x: float, top: float, width: float) -> Iterable[tuple[Cell, float, float, float, float]]:
        """(cell, x, y, w, h) in points for every cell, the grid's top-left at (x, top)."""
        y = top
        for row in self.rows:
            h = row.height * MM
            y -= h
            cx = x
            fixed = sum(c.width for c in row.cells) * MM
            for cell in row.cells:
                w = cell.width * MM if cell.width else max(0.0, width - fixed)
                yield cell, cx, y, w, h
                cx += w


def _option_positions(painter: Painter, options: Sequence[str], x: float, y: float, w: float, h: float,
                      size: float) -> list[tuple[float, float, str]]:
    """Where each tick box of a cell goes: (box x, box y, label), flowing onto a second line if needed."""
    box = size * 0.9
    gap = size * 1.2
    rows: list[list[tuple[float, str]]] = [[]]
    cx = x + PAD
    for option in options:
        need = box + size * 0.3 + painter.width(option, size)
        if rows[-1] and cx + need > x + w - PAD:
            rows.append([])
            cx = x + PAD
        rows[-1].append((cx, option))
        cx += need + gap
    lead = size * LEADING
    first = y + h / 2 + (len(rows) - 1) * lead / 2 - box / 2
    return [(px, first - n * lead, option) for n, row in enumerate(rows) for px, option in row]


def draw_grid_static(painter: Painter, grid: Grid, x: float, top: float, width: float) -> None:
    """The grid's lines, shaded labels and tick-box captions: the part every sheet shares."""
    for cell, cx, cy, cw, ch in grid.cells(x, top, width):
        is_label = cell.label is not None
        painter.box(cx, cy, cw, ch, shade=LABEL_SHADE if is_label and cell.shade else None)
        if is_label:
            assert cell.label is not None
            fitted = painter.fit(cell.label, cw - 2 * PAD, ch - 2, SMALL, min_size=6)
            if fitted:
                size, lines = fitted
                top_y = cy + ch / 2 + len(lines) * size * LEADING / 2
                painter.lines(cx + PAD, top_y, lines, size, align=cell.align, width=cw - 2 * PAD)
        if cell.options:
            for bx, by, option in _option_positions(painter, cell.options, cx, cy, cw, ch, SMALL):
                painter.checkbox(bx, by, SMALL * 0.9, False)
                painter.text(bx + SMALL * 1.2, by + SMALL * 0.05, option, SMALL)


def fill_grid(painter: Painter, grid: Grid, values: Mapping[str, Any], x: float, top: float, width: float,
              overflow: list[tuple[str, str]]) -> None:
    """Draw the values into a grid drawn by :func:`draw_grid_static`; texts too long go to ``overflow``."""
    last_label = ""
    for cell, cx, cy, cw, ch in grid.cells(x, top, width):
        if cell.label is not None:
            last_label = cell.label
            continue
        if cell.key is None:
            continue
        value = values.get(cell.key)
        if cell.options:
            ticked = set(value or ())
            for bx, by, option in _option_positions(painter, cell.options, cx, cy, cw, ch, SMALL):
                if option in ticked:
                    painter.tick(bx, by, SMALL * 0.9)
            continue
        text = str(value or "")
        if not text:
            continue
        fitted = painter.fit(text, cw - 2 * PAD, ch - 2, BODY)
        if fitted is None:
            note = "（内容较长，见“补充信息”）"
            painter.text(cx + PAD, cy + ch / 2 - TINY / 3, note, TINY, gray=0.3)
            overflow.append((last_label, text))
            continue
        size, lines = fitted
        top_y = cy + ch / 2 + len(lines) * size * LEADING / 2
        painter.lines(cx + PAD, top_y, lines, size, align=cell.align, width=cw - 2 * PAD)


# ----------------------------------------------------------------------------- sheets
@dataclass(frozen=True)
class SheetHeader:
    """What every page of a sheet says about it."""

    title: str  # 家访记录表
    subject: str  # the student's name, on continuation pages
    sheet_no: str
    printed: str  # "打印：王老师 2026-11-29 14:30"
    watermark: str | None = None  # 草稿 for drafts


class Sheet:
    """One document on the canvas: pages, the y cursor, continuation headers and footers."""

    def __init__(self, painter: Painter, header: SheetHeader, *, pagesize: tuple[float, float] = PORTRAIT,
                 margins: tuple[float, float, float, float] = (12 * MM, 16 * MM, 16 * MM, 16 * MM)) -> None:
        self.p = painter
        self.header = header
        self.pagesize = pagesize
        top, right, bottom, left = margins
        self.left = left
        self.right = pagesize[0] - right
        self.width = self.right - self.left
        self.top = pagesize[1] - top
        self.bottom = bottom
        self.page = 0
        self.y = self.top
        self.overflow: list[tuple[str, str]] = []
        painter.c.setPageSize(pagesize)
        self._total_form = f"jf-pages-{id(self)}-{painter.pages}"
        self._start_page()

    # ------------------------------------------------------------------ pages
    def _start_page(self) -> None:
        self.page += 1
        self.p.pages += 1
        if self.header.watermark:
            self._watermark(self.header.watermark)
        self.y = self.top
        if self.page > 1:
            h = self.header
            self.p.text(self.left, self.y - SMALL, f"{h.title}（续）", SMALL, bold=True)
            self.p.text(self.right, self.y - SMALL, f"{h.subject}　编号 {h.sheet_no}", SMALL, align="right")
            self.p.rule(self.left, self.y - SMALL - 2.2 * MM, self.right, self.y - SMALL - 2.2 * MM, width=0.4)
            self.y -= SMALL + 5 * MM

    def _watermark(self, text: str) -> None:
        c = self.p.c
        c.saveState()
        c.translate(self.pagesize[0] / 2, self.pagesize[1] / 2)
        c.rotate(35)
        self.p.text(0, 0, text, 90, align="center", gray=0.88)
        c.restoreState()

    def _end_page(self) -> None:
        p, h = self.p, self.header
        y = self.bottom - 8 * MM
        p.rule(self.left, self.bottom - 3 * MM, self.right, self.bottom - 3 * MM, width=0.4, gray=0.5)
        p.text(self.left, y, f"编号：{h.sheet_no}", TINY)
        middle = (self.left + self.right) / 2
        p.text(middle - 0.8 * MM, y, f"第 {self.page} 页", TINY, align="right")
        p.c.saveState()
        p.c.translate(middle + 0.8 * MM, y)
        p.place_form(self._total_form, dx=middle + 0.8 * MM, dy=y)
        p.c.restoreState()
        p.text(self.right, y, h.printed, TINY, align="right")
        p.c.showPage()

    def next_page(self) -> None:
        self._end_page()
        self._start_page()

    def finish(self) -> int:
        """End the sheet: print what did not fit the grids, close the last page, define "of y"; returns y."""
        if self.overflow:
            self.gap(2 * MM)
            for label, text in self.overflow:
                self.field(f"补充信息：{label}", text)
        self._end_page()
        total = self.page
        self.p.define_form(self._total_form, lambda: self.p.text(0, 0, f"／ 共 {total} 页", TINY))
        return total

    # ------------------------------------------------------------------ flow
    def room(self) -> float:
        return self.y - self.bottom

    def ensure(self, height: float) -> None:
        if self.room() < height:
            self.next_page()

    def gap(self, height: float) -> None:
        self.y -= height

    def grid(self, grid: Grid, values: Mapping[str, Any]) -> None:
        """A fixed grid at the cursor (its static part shared through a form XObject)."""
        self.ensure(grid.height)
        top, left, width = self.y, self.left, self.width
        # The form is drawn in page coordinates; a grid used at another height is shifted with the CTM.
        self.p.c.saveState()
        self.p.c.translate(0, top - self.top)
        self.p.form(f"{grid.name}-{int(width)}", lambda: draw_grid_static(self.p, grid, left, self.top, width),
                    dy=top - self.top)
        self.p.c.restoreState()
        fill_grid(self.p, grid, values, left, top, width, self.overflow)
        self.y -= grid.height

    def heading(self, text: str, *, size: float = SMALL) -> None:
        """A shaded band naming the next block; kept with at least 2 lines of what follows."""
        h = size * LEADING + 2 * PAD
        self.ensure(h + 2 * (BODY * LEADING + 2 * PAD))
        self.p.box(self.left, self.y - h, self.width, h, shade=LABEL_SHADE)
        self.p.text(self.left + PAD, self.y - h / 2 - size * 0.35, text, size, bold=True)
        self.y -= h

    def field(self, label: str, text: str | None, *, min_lines: int = 1, ruled: bool = False,
              size: float = BODY, label_width: float = LABEL_W, tail: str | None = None) -> None:
        """A label box and a text box beside it. The text wraps; a box that does not fit on the page is
        split, and the rest continues on the next page under the label marked （续）. ``tail`` is a last
        line set right (e.g. a follow-up date)."""
        p = self.p
        body_w = self.width - label_width - 2 * PAD
        lines = p.wrap(text, body_w, size) if text else []
        if tail:
            lines.append("\x00" + tail)
        total = max(len(lines), min_lines)
        lead = size * LEADING
        done = 0
        first = True
        while True:
            shown = label if first else f"{label}（续）"
            label_lines = p.wrap(shown, label_width - 2 * PAD, SMALL)
            label_h = len(label_lines) * SMALL * LEADING + 2 * PAD
            fits = int((self.room() - 2 * PAD) // lead)
            left = total - done
            if fits < min(left, 2) or self.room() < label_h:
                if self.y < self.top - 1:  # never loop on an empty page
                    self.next_page()
                    continue
                fits = max(fits, 1)
            take = min(left, fits)
            h = max(take * lead + 2 * PAD, label_h)
            x, y = self.left, self.y - h
            p.box(x, y, label_width, h, shade=LABEL_SHADE)
            p.box(x + label_width, y, self.width - label_width, h)
            p.lines(x + PAD, self.y - PAD, label_lines, SMALL)
            if ruled:
                for n in range(1, take + 1):
                    line_y = self.y - PAD - n * lead + size * 0.05
                    if line_y > y + PAD / 2:
                        p.rule(x + label_width + PAD, line_y, self.right - PAD, line_y, width=0.3, gray=RULE_GRAY)
            chunk = lines[done:done + take]
            ty = self.y - PAD - size * 1.02
            for line in chunk:
                if line.startswith("\x00"):
                    p.text(self.right - PAD, ty, line[1:], size, align="right")
                else:
                    p.text(x + label_width + PAD, ty, line, size)
                ty -= lead
            self.y = y
            done += take
            if done >= total:
                return
            self.next_page()
            first = False

    def choices(self, label: str, options: Sequence[str], ticked: Iterable[str], *, size: float = BODY) -> None:
        """A label and a row of tick boxes (wrapping onto more lines when needed)."""
        p = self.p
        body_w = self.width - LABEL_W
        ticked_set = set(ticked)
        # Lay the options out first to know the height.
        box = size * 0.9
        positions: list[list[tuple[float, str]]] = [[]]
        cx = 0.0
        for option in options:
            need = box + size * 0.4 + p.width(option, size) + size * 1.6
            if positions[-1] and cx + need > body_w - 2 * PAD:
                positions.append([])
                cx = 0.0
            positions[-1].append((cx, option))
            cx += need
        lead = size * LEADING * 1.15
        h = max(len(positions) * lead + 2 * PAD, SMALL * LEADING + 2 * PAD)
        self.ensure(h)
        x, y = self.left, self.y - h
        p.box(x, y, LABEL_W, h, shade=LABEL_SHADE)
        p.box(x + LABEL_W, y, body_w, h)
        p.lines(x + PAD, self.y - PAD, p.wrap(label, LABEL_W - 2 * PAD, SMALL), SMALL)
        line_y = self.y - PAD - size * 1.02
        for row in positions:
            for ox, option in row:
                bx = x + LABEL_W + PAD + ox
                p.checkbox(bx, line_y - size * 0.05, box, option in ticked_set)
                p.text(bx + box + size * 0.4, line_y, option, size)
            line_y -= lead
        self.y = y

    def table(self, columns: Sequence[Column], rows: Sequence[Sequence[str]], *, title: str | None = None,
              min_rows: int = 0, size: float = SMALL, blank_height: float = 0.0) -> None:
        """A table, its ``title`` in a label column on the left (as the text boxes have), its header row repeated
        on every page; cells wrap; a row taller than the page splits between pages."""
        p = self.p
        label_w = LABEL_W if title else 0.0
        left = self.left + label_w
        widths = [c.width * MM for c in columns]
        widths[-1] = self.width - label_w - sum(widths[:-1])
        lead = size * LEADING
        head_lines = [p.wrap(c.label, w - 2 * PAD, size) for c, w in zip(columns, widths, strict=True)]
        head_h = max(len(x) for x in head_lines) * lead + 2 * PAD
        all_rows = [list(r) for r in rows] + [[""] * len(columns)] * max(0, min_rows - len(rows))
        wrapped = [[p.wrap(cell, w - 2 * PAD, size) if cell else [] for cell, w in zip(r, widths, strict=True)]
                   for r in all_rows]
        empty_h = max(lead + 2 * PAD, blank_height)
        segment_top = self.y
        continued = False

        def header() -> None:
            nonlocal segment_top
            segment_top = self.y
            x = left
            for lines, w in zip(head_lines, widths, strict=True):
                p.box(x, self.y - head_h, w, head_h, shade=LABEL_SHADE)
                p.lines(x + PAD, self.y - PAD, lines, size, align="center", width=w - 2 * PAD)
                x += w
            self.y -= head_h

        def close_segment() -> None:
            """The title cell beside this page's part of the table."""
            if not title:
                return
            p.box(self.left, self.y, label_w, segment_top - self.y, shade=LABEL_SHADE)
            shown = f"{title}（续）" if continued else title
            p.lines(self.left + PAD, segment_top - PAD, p.wrap(shown, label_w - 2 * PAD, SMALL), SMALL)

        def break_page() -> None:
            nonlocal continued
            close_segment()
            self.next_page()
            continued = True
            header()

        title_h = len(p.wrap(title, label_w - 2 * PAD, SMALL)) * SMALL * LEADING + 2 * PAD if title else 0.0
        first_h = (max(max((len(c) for c in wrapped[0]), default=0) * lead + 2 * PAD, empty_h)
                   if wrapped else 0.0)
        self.ensure(max(head_h + min(first_h, 3 * lead + 2 * PAD), title_h))
        header()
        for cells in wrapped:
            height_lines = max((len(c) for c in cells), default=0)
            done = 0
            while True:
                fits = int((self.room() - 2 * PAD) // lead)
                remaining = height_lines - done
                need_h = max(remaining * lead + 2 * PAD, empty_h)
                if need_h > self.room() and (fits < min(remaining, 2) or remaining == 0):
                    break_page()
                    continue
                take = min(remaining, max(fits, 1))
                h = max(take * lead + 2 * PAD, empty_h if done == 0 else 0.0)
                x = left
                for lines, w, column in zip(cells, widths, columns, strict=True):
                    p.box(x, self.y - h, w, h)
                    p.lines(x + PAD, self.y - PAD, lines[done:done + take], size, align=column.align,
                            width=w - 2 * PAD)
                    x += w
                self.y -= h
                done += take
                if done >= height_lines:
                    break
                break_page()
        if title and segment_top - self.y < title_h:
            self.y = segment_top - title_h  # a tall title: the last row grows to hold it
        close_segment()

    def pictures(self, label: str, pictures: Sequence[tuple[bytes, str]], *, thumb_w: float = 52 * MM,
                 thumb_h: float = 39 * MM) -> None:
        """Photos as thumbnails with captions, as many per row as fit; rows continue on the next page."""
        p = self.p
        body_w = self.width - LABEL_W
        per_row = max(1, int((body_w - PAD) // (thumb_w + PAD)))
        rows = [pictures[i:i + per_row] for i in range(0, len(pictures), per_row)]
        first = True
        for row in rows:
            captions = [p.wrap(caption, thumb_w, TINY)[:3] if caption else [] for _, caption in row]
            cap_h = max((len(c) for c in captions), default=0) * TINY * LEADING
            h = thumb_h + cap_h + 3 * PAD
            self.ensure(h)
            x, y = self.left, self.y - h
            p.box(x, y, LABEL_W, h, shade=LABEL_SHADE)
            p.box(x + LABEL_W, y, body_w, h)
            p.lines(x + PAD, self.y - PAD, p.wrap(label if first else f"{label}（续）", LABEL_W - 2 * PAD, SMALL),
                    SMALL)
            px = x + LABEL_W + PAD
            for (data, _caption), lines in zip(row, captions, strict=True):
                top = self.y - PAD
                drawn = p.image(data, px, top - thumb_h, thumb_w, thumb_h)
                if drawn is None:
                    p.box(px, top - thumb_h, thumb_w, thumb_h)
                    p.text(px + thumb_w / 2, top - thumb_h / 2, "（图片无法读取）", SMALL, align="center")
                    p.problems.append("图片无法读取")
                p.lines(px, top - thumb_h - PAD, lines, TINY, align="center", width=thumb_w)
                px += thumb_w + PAD
            self.y = y
            first = False

    def signatures(self, parts: Sequence[tuple[str, Sequence[bytes]]], *, height: float = 26 * MM,
                   dated: bool = True) -> None:
        """Side-by-side signature boxes: each a caption, the signatures as captured (or room to sign), a date.

        Boxes shrink to what is left of the page (down to 18 mm, enough to sign) rather than start a page alone.
        """
        p = self.p
        if self.room() < height and self.room() >= 18 * MM:
            height = self.room()
        self.ensure(height)
        w = self.width / len(parts)
        for index, (caption, images) in enumerate(parts):
            x = self.left + index * w
            y = self.y - height
            p.box(x, y, w, height)
            p.text(x + PAD, self.y - PAD - SMALL, caption, SMALL, bold=True)
            if images:
                slot = (w - 2 * PAD) / len(images)
                for n, data in enumerate(images):
                    if p.image(data, x + PAD + n * slot, y + 6 * MM, slot - PAD, height - 12 * MM) is None:
                        p.problems.append("签名图片无法读取")
            if dated:
                p.text(x + w - PAD, y + 2 * MM, "日期：　　　年　　月　　日", SMALL, align="right")
        self.y -= height

    def paragraph(self, text: str, *, size: float = BODY, align: str = "left", gray: float | None = None) -> None:
        """Plain wrapped text without a box."""
        lead = size * LEADING
        for line in self.p.wrap(text, self.width, size):
            self.ensure(lead)
            x = {"left": self.left, "center": (self.left + self.right) / 2, "right": self.right}[align]
            self.p.text(x, self.y - size, line, size, align=align, gray=gray)
            self.y -= lead


def new_canvas(target: Any, fonts: FontSet, *, title: str, pagesize: tuple[float, float] = PORTRAIT) -> Canvas:
    """A canvas whose initial font is the CJK font, so no base-14 font (unembedded) lands in the PDF."""
    canvas = Canvas(target, pagesize=pagesize, pageCompression=1, initialFontName=fonts.primary_name,
                    initialFontSize=BODY, lang="zh-CN")
    canvas.setTitle(title)
    canvas.setCreator("家访通 Jiafang")
    canvas.setAuthor("家访通 Jiafang")
    return canvas
