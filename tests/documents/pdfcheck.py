"""Reading PDFs back with poppler, as an inspector's viewer would."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True, encoding="utf-8").stdout


def body_text(path: Path, *, left: float, top: float, bottom: float) -> str:
    """The text inside a crop of every page (points from the left, top and bottom edges), page after page:
    what a box holds without the page headers, footers and label column in between."""
    parts = []
    for page in range(1, page_count(path) + 1):
        parts.append(subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), "-x", str(int(left)), "-y",
             str(int(top)), "-W", str(int(595 - left - 40)), "-H", str(int(842 - top - bottom)), str(path), "-"],
            check=True, capture_output=True, text=True, encoding="utf-8").stdout)
    return "".join(parts)


def squeezed(text: str) -> str:
    """Text without whitespace: wrapped lines and table cells put line breaks anywhere."""
    return re.sub(r"\s+", "", text)


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]


def fonts(path: Path) -> list[dict[str, str]]:
    """pdffonts rows: name, type, emb, sub, uni."""
    lines = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout.splitlines()
    rows = []
    for line in lines[2:]:
        parts = line.split()
        # name type [type...] encoding emb sub uni object gen
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def rasterize(path: Path, folder: Path) -> list[Path]:
    """Every page as a 60 dpi PNG (what the developer looked at; here it proves poppler can draw them)."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(folder / path.stem)], check=True)
    return sorted(folder.glob(f"{path.stem}*.png"))
