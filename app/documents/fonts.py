"""Finding fonts for Chinese PDFs, and choosing a font for every character drawn.

A printed sheet must show every character of a name, including the rare ones outside the Basic Multilingual
Plane that Zhuang names use (𰻝 U+30EDD, 𠮷 U+20BB7). No single font a school laptop has covers them all, so a
:class:`FontSet` holds one primary CJK font and, behind it, fallback fonts (extension-block fonts first) that are
opened only when a character needs them. A character that no font has is drawn as a visible placeholder (□)
and reported, never dropped.

reportlab embeds TrueType outlines only (``glyf``), so OpenType/CFF fonts such as Noto Sans CJK are tried and
skipped with a logged reason. Fonts are always embedded and subset (reportlab's TrueType support does both).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from app.domain.errors import DomainError
from app.resources import resource_path

log = logging.getLogger("jiafang.documents")

#: What a character no font has is drawn as (and reported).
PLACEHOLDER = "\u25a1"  # □
FONT_SUFFIXES = (".ttf", ".ttc", ".otf", ".otc")

# A primary font must draw ordinary form text; these are characters every CJK font has.
_PRIMARY_SAMPLE = "家访记录表学生姓名劝返"

# Preferred file names (lower case), best first, with the collection index to use. Windows names come first
# because most school laptops run Windows; on Linux the first that exists wins.
PRIMARY_FONT_FILES: tuple[tuple[str, int], ...] = (
    ("simhei.ttf", 0),  # Windows SimHei 黑体
    ("msyh.ttc", 0),  # Windows Microsoft YaHei 微软雅黑
    ("msyh.ttf", 0),
    ("simsun.ttc", 0),  # Windows SimSun 宋体
    ("simkai.ttf", 0),
    ("deng.ttf", 0),
    ("wqy-microhei.ttc", 0),  # Linux WenQuanYi Micro Hei 文泉驿微米黑
    ("wqy-zenhei.ttc", 0),
    ("notosanssc-regular.ttf", 0),  # Noto Sans SC as TrueType (the .ttc/.otf CJK builds are CFF: unusable)
    ("notoserifsc-regular.ttf", 0),
    ("uming.ttc", 0),  # AR PL UMing
    ("ukai.ttc", 0),
    ("droidsansfallbackfull.ttf", 0),
    ("droidsansfallback.ttf", 0),
    ("stheiti light.ttc", 0),  # macOS
    ("arial unicode.ttf", 0),
    ("hanamina.ttf", 0),  # Hanazono (BMP part)
    ("babelstonehan.ttf", 0),
)

# Fonts for what the primary lacks: the CJK extension blocks outside the BMP first.
EXTENSION_FONT_FILES: tuple[tuple[str, int], ...] = (
    ("babelstonehan.ttf", 0),  # Debian fonts-babelstone-han: Ext A–G
    ("simsunb.ttf", 0),  # Windows SimSun-ExtB
    ("simsunextg.ttf", 0),  # Windows 11 SimSun-ExtG
    ("simsun-extg.ttf", 0),
    ("mingliub.ttc", 0),  # Windows MingLiU-ExtB
    ("hanaminb.ttf", 0),  # Hanazono Ext B–F
    ("jigmo.ttf", 0),
    ("jigmo2.ttf", 0),
    ("jigmo3.ttf", 0),
    ("ipamjm.ttf", 0),
)

INSTALL_HINT_DEBIAN = "fonts-wqy-microhei"


class NoFontError(DomainError):
    """No usable CJK TrueType font: nothing Chinese can be printed."""


def resources_font_dir() -> Path:
    """``resources/fonts`` (see :mod:`app.resources`: the checkout, or the frozen app)."""
    return resource_path("fonts")


def system_font_dirs() -> list[Path]:
    """Where operating systems keep fonts, for this platform."""
    home = Path.home()
    if sys.platform.startswith("win"):
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        dirs = [windir / "Fonts"]
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
        return dirs
    if sys.platform == "darwin":
        return [Path("/System/Library/Fonts"), Path("/System/Library/Fonts/Supplemental"), Path("/Library/Fonts"),
                home / "Library" / "Fonts"]
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".local" / "share" / "fonts",
            home / ".fonts"]


def search_paths() -> list[Path]:
    """Every folder searched for fonts, in order: the app's own ``resources/fonts``, then the system's."""
    return [resources_font_dir(), *system_font_dirs()]


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int = 0

    @property
    def reportlab_name(self) -> str:
        # Unique per file and collection index: pdfmetrics' registry is process-wide.
        return f"JF-{self.path.stem}-{self.index}-{zlib.crc32(str(self.path).encode()):08x}"


def _index_folders(folders: Iterable[Path]) -> tuple[list[Path], dict[str, Path]]:
    """(font files of the first folder, the app's own, in name order; lower-case file name -> first path)."""
    own: list[Path] = []
    by_name: dict[str, Path] = {}
    for number, folder in enumerate(folders):
        if not folder.is_dir():
            continue
        for root, _dirs, files in os.walk(folder):
            for name in sorted(files):
                if not name.lower().endswith(FONT_SUFFIXES):
                    continue
                path = Path(root) / name
                if number == 0:
                    own.append(path)
                by_name.setdefault(name.lower(), path)
    return sorted(own), by_name


def _load(font: FontFile) -> TTFont | None:
    """The font registered with reportlab, or None (with the reason logged) when reportlab cannot use it."""
    name = font.reportlab_name
    try:
        return pdfmetrics.getFont(name)
    except KeyError:
        pass
    try:
        # validate=0: checksums of a 50 MB font cost time and a bad checksum does not stop the glyphs working.
        loaded = TTFont(name, str(font.path), subfontIndex=font.index, validate=0)
    except Exception as exc:  # noqa: BLE001 - TTFError, struct errors, OSError: any of them means "not usable"
        log.info("font %s (index %d) not usable for PDFs: %s", font.path, font.index, exc)
        return None
    pdfmetrics.registerFont(loaded)
    return loaded


@dataclass
class FontSet:
    """A primary font and lazily opened fallbacks; answers which font draws a character."""

    primary: FontFile
    fallbacks: Sequence[FontFile] = ()
    _primary_font: TTFont | None = field(default=None, repr=False)
    _opened: dict[FontFile, TTFont | None] = field(default_factory=dict, repr=False)
    _choice: dict[str, str | None] = field(default_factory=dict, repr=False)
    _widths: dict[tuple[str, str], float] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self._primary_font is None:
            self._primary_font = _load(self.primary)
        if self._primary_font is None:
            raise no_font_error()
        self._primary_cmap = self._primary_font.face.charToGlyph

    @property
    def primary_name(self) -> str:
        return self.primary.reportlab_name

    def font_for(self, ch: str) -> str | None:
        """The registered font name that draws ``ch``, or None when no font here has it."""
        try:
            return self._choice[ch]
        except KeyError:
            pass
        with self._lock:
            chosen = self._choose(ch)
            self._choice[ch] = chosen
        return chosen

    def _choose(self, ch: str) -> str | None:
        code = ord(ch)
        if code in self._primary_cmap or code < 0x20:
            return self.primary_name
        for candidate in self.fallbacks:
            if candidate not in self._opened:
                self._opened[candidate] = _load(candidate)
            font = self._opened[candidate]
            if font is not None and code in font.face.charToGlyph:
                return candidate.reportlab_name
        return None

    def placeholder_font(self) -> str | None:
        """The font that draws the placeholder □, or None (then it is drawn as a vector box)."""
        return self.font_for(PLACEHOLDER)

    def char_width(self, ch: str, font: str) -> float:
        """Advance width of ``ch`` in ``font`` at 1 pt."""
        key = (font, ch)
        try:
            return self._widths[key]
        except KeyError:
            width = pdfmetrics.stringWidth(ch, font, 1.0)
            self._widths[key] = width
            return width

    def describe(self) -> str:
        names = [str(self.primary.path)] + [str(f.path) for f, opened in self._opened.items() if opened]
        return ", ".join(names)


def no_font_error() -> NoFontError:
    where = resources_font_dir()
    return NoFontError(
        "找不到可用于 PDF 的中文字体（需要 TrueType 字体 .ttf/.ttc）。请安装一种："
        "Windows 请确认 C:\\Windows\\Fonts 里有黑体 simhei.ttf、宋体 simsun.ttc 或微软雅黑 msyh.ttc；"
        f"Debian/Ubuntu 请运行 sudo apt install {INSTALL_HINT_DEBIAN}；或把字体文件放进 {where}。",
        "No Chinese font usable for PDFs was found (a TrueType .ttf/.ttc font is needed). Install one: on Windows "
        "check that C:\\Windows\\Fonts has SimHei simhei.ttf, SimSun simsun.ttc or Microsoft YaHei msyh.ttc; on "
        f"Debian/Ubuntu run `sudo apt install {INSTALL_HINT_DEBIAN}`; or put a font file into {where}.",
    )


def discover_fonts(paths: Sequence[Path] | None = None) -> FontSet:
    """Search ``paths`` (default :func:`search_paths`) and build the font set; NoFontError if nothing fits.

    Any font file in the first folder (the app's ``resources/fonts``) is preferred to system fonts, so a
    deployment can pin the document font by shipping one there.
    """
    folders = list(search_paths() if paths is None else paths)
    own, by_name = _index_folders(folders)
    primaries = [FontFile(p) for p in own]
    primaries += [FontFile(by_name[n], i) for n, i in PRIMARY_FONT_FILES if n in by_name]
    primary: FontFile | None = None
    primary_font: TTFont | None = None
    for candidate in primaries:
        font = _load(candidate)
        if font is not None and all(ord(ch) in font.face.charToGlyph for ch in _PRIMARY_SAMPLE):
            primary, primary_font = candidate, font
            break
    if primary is None:
        raise no_font_error()
    extensions = [FontFile(by_name[n], i) for n, i in EXTENSION_FONT_FILES if n in by_name]
    # After the extension fonts, every other candidate: a BMP character the primary lacks may be in another.
    fallbacks: list[FontFile] = []
    for candidate in [*extensions, *primaries]:
        if candidate != primary and candidate not in fallbacks:
            fallbacks.append(candidate)
    log.info("PDF fonts: primary %s; %d fallback(s)", primary.path, len(fallbacks))
    return FontSet(primary, fallbacks, _primary_font=primary_font)


_cached: FontSet | None = None
_cache_lock = threading.Lock()


def default_fonts() -> FontSet:
    """The process-wide font set, discovered on first use."""
    global _cached
    with _cache_lock:
        if _cached is None:
            _cached = discover_fonts()
        return _cached


def reset_font_cache() -> None:
    """Forget the discovered fonts (after installing one, or in tests)."""
    global _cached
    with _cache_lock:
        _cached = None


# ----------------------------------------------------------------------------- reportlab's ToUnicode map
def _utf16_hex(code: int) -> str:
    return code.to_bytes(4, "big").hex().upper()[4:] if code <= 0xFFFF else chr(code).encode("utf-16-be").hex().upper()


def _to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """reportlab's ToUnicode CMap, with characters outside the BMP written as UTF-16 surrogate pairs.

    reportlab writes every code as four hex digits, so U+20BB7 came out as U+20BB: the glyph was right but
    text extraction, search and copy gave the wrong character (and pdftotext could not find the name).
    """
    return "\n".join([
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{_utf16_hex(v)}>" for i, v in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ])


ttfonts.makeToUnicodeCMap = _to_unicode_cmap
