"""Refresh the Qt Linguist translations: lupdate (sources -> .ts), then lrelease (.ts -> .qm).

``jiafang_zh_CN.ts`` collects every string of ``app/ui`` that no other ``jiafang_zh_CN_*.ts`` (a team's own
file, e.g. ``jiafang_zh_CN_part_b.ts``) already translates; the app loads all of them. Only the main file is
rewritten here; the others are compiled as they are.

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
    """Every .ts of every language: the main file first, then the teams' own files."""
    found = []
    for lang in LANGUAGES:
        found.append(main_ts(lang))
        found.extend(sorted(TRANSLATIONS.glob(f"jiafang_{lang}_*.ts")))
    return found


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


def prune(ts: Path, elsewhere: set[tuple[str, str]]) -> int:
    """Drop from ``ts`` the untranslated messages another file translates; returns how many."""
    tree = ElementTree.parse(ts)
    dropped = 0
    for context in tree.getroot().findall("context"):
        name = context.findtext("name") or ""
        for message in context.findall("message"):
            translation = message.find("translation")
            unfinished = translation is None or translation.get("type") in ("unfinished", "vanished", "obsolete")
            if unfinished and (name, message.findtext("source") or "") in elsewhere:
                context.remove(message)
                dropped += 1
        if not context.findall("message"):
            tree.getroot().remove(context)
    if dropped:
        ElementTree.indent(tree, space="    ")
        body = ElementTree.tostring(tree.getroot(), encoding="unicode")
        ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")
    return dropped


def lupdate() -> None:
    sources = sorted(str(p.relative_to(ROOT)) for p in SOURCES.rglob("*.py"))
    for lang in LANGUAGES:
        ts = main_ts(lang)
        ts.parent.mkdir(parents=True, exist_ok=True)
        # No source locations: line numbers in the .ts would change with every edit of the code.
        subprocess.run([tool("lupdate"), "-silent", "-no-obsolete", "-locations", "none", "-extensions", "py",
                        *sources, "-ts", str(ts.relative_to(ROOT))], check=True, cwd=ROOT)
        elsewhere = {key for other in TRANSLATIONS.glob(f"jiafang_{lang}_*.ts")
                     for key, text in messages(other).items() if text}
        prune(ts, elsewhere)


def lrelease() -> list[Path]:
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
