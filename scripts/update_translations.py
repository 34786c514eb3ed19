"""Refresh the Qt Linguist translations: lupdate (sources -> .ts), then lrelease (.ts -> .qm).

One .ts per language (``jiafang_zh_CN.ts``) holds every string of ``app/ui``; the app loads that file and no
other (``app.ui.i18n.ts_file``). A .qm left without its .ts (an old build product) is removed.

    python scripts/update_translations.py            # update the .ts from app/ui, then build the .qm
    python scripts/update_translations.py --release  # only build the .qm (CI, packaging)
    python scripts/update_translations.py --check    # also fail when a string has no finished translation

The .qm files are build products (not in git); the app also builds a missing or stale one at start-up.
Uses the venv's ``pyside6-lupdate``/``pyside6-lrelease`` (PySide6-Essentials ships both).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "app" / "ui"
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ("zh_CN",)


def tool(name: str) -> str:
    """A PySide6 tool next to this Python (the venv), else on PATH."""
    here = Path(sys.executable).parent
    for candidate in (here / f"pyside6-{name}", here / f"pyside6-{name}.exe"):
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(f"pyside6-{name}")
    if found is None:
        raise SystemExit(f"pyside6-{name} not found: pip install PySide6-Essentials")
    return found


def main_ts(lang: str) -> Path:
    return TRANSLATIONS / f"jiafang_{lang}.ts"


def ts_files() -> list[Path]:
    """The .ts of every language, one each."""
    return [main_ts(lang) for lang in LANGUAGES]


def messages(ts: Path) -> dict[tuple[str, str], str | None]:
    """(context, source) -> the finished translation, or None when unfinished; vanished ones left out."""
    found: dict[tuple[str, str], str | None] = {}
    for context in ElementTree.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            kind = translation.get("type") if translation is not None else "unfinished"
            if kind in ("vanished", "obsolete"):
                continue
            text = (translation.text or "").strip() if translation is not None else ""
            found[(name, message.findtext("source") or "")] = text if kind != "unfinished" and text else None
    return found


def lupdate() -> None:
    sources = sorted(str(p.relative_to(ROOT)) for p in SOURCES.rglob("*.py"))
    for lang in LANGUAGES:
        ts = main_ts(lang)
        ts.parent.mkdir(parents=True, exist_ok=True)
        # No source locations: line numbers in the .ts would change with every edit of the code.
        subprocess.run([tool("lupdate"), "-silent", "-no-obsolete", "-locations", "none", "-extensions", "py",
                        *sources, "-ts", str(ts.relative_to(ROOT))], check=True, cwd=ROOT)


def lrelease() -> list[Path]:
    for orphan in sorted(TRANSLATIONS.glob("*.qm")):
        if not orphan.with_suffix(".ts").is_file():
            orphan.unlink()
            print(f"removed {orphan.relative_to(ROOT)} (no .ts)")
    built = []
    for ts in ts_files():
        qm = ts.with_suffix(".qm")
        subprocess.run([tool("lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
        built.append(qm)
    return built


def unfinished(ts: Path) -> list[tuple[str, str]]:
    """(context, source) of every current message without a finished translation."""
    return [key for key, text in messages(ts).items() if not text]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--release", action="store_true", help="only build the .qm files")
    parser.add_argument("--check", action="store_true", help="fail when any string is untranslated")
    args = parser.parse_args(argv)
    if not args.release:
        lupdate()
    for qm in lrelease():
        print(f"built {qm.relative_to(ROOT)}")
    if args.check:
        problems = [(ts, item) for ts in ts_files() for item in unfinished(ts)]
        for ts, (context, source) in problems:
            print(f"{ts.name}: untranslated [{context}] {source!r}", file=sys.stderr)
        if problems:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
