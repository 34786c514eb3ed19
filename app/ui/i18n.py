"""The interface language: Qt Linguist translations over English source strings.

Source strings are English, in the code (``self.tr(...)``, ``QCoreApplication.translate(context, ...)``);
Chinese, the default, lives in one file, ``resources/translations/jiafang_zh_CN.ts``: one .ts per language, so
no file overrides another and what the file says is what the app shows (:func:`translations`). The compiled
``.qm`` is never kept in git: ``scripts/update_translations.py`` builds it, and so does
:func:`compiled_translation` at start-up when it is missing or older than its ``.ts`` (into a cache folder when
the resources folder is read-only). Where no ``lrelease`` can be found, the ``.ts`` itself is read
(:class:`TsTranslator`), so Chinese never silently turns into English.

Domain messages and code labels carry both languages themselves; :func:`install_language` switches them
together with Qt's translators.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# xml, subprocess, hashlib, tempfile and shutil are imported where they are used: a start-up with a compiled .qm,
# the usual one, needs none of them, and importing them was 9 ms of the time to the first window.
from typing import NamedTuple

from app.domain.i18n import current_language, set_language
from app.resources import resource_path
from app.ui.qt import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QTranslator,
)

LOCALES = {"zh": "zh_CN", "en": "en_US"}
TS_PREFIX = "jiafang_"
_installed: list[QTranslator] = []
_cache: dict[str, list[QTranslator]] = {}


def translations_dir() -> Path:
    return resource_path("translations")


def ts_file(lang: str) -> Path:
    """The one .ts of a language: every translated string of ``app/ui``."""
    return translations_dir() / f"{TS_PREFIX}{LOCALES[lang]}.ts"


def qm_file(lang: str) -> Path:
    """The .qm beside the .ts (frozen builds ship only this)."""
    return ts_file(lang).with_suffix(".qm")


class TsMessage(NamedTuple):
    context: str
    source: str
    translation: str | None  # None: unfinished, obsolete, vanished or empty


def read_ts(ts: Path) -> list[TsMessage]:
    """Every message of a .ts file, in the file's order (a repeated context+source is listed twice)."""
    import xml.etree.ElementTree as ElementTree

    found: list[TsMessage] = []
    for context in ElementTree.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            finished = translation is not None and translation.get("type") not in ("unfinished", "obsolete",
                                                                                    "vanished")
            text = translation.text if finished and translation is not None else None
            found.append(TsMessage(name, message.findtext("source") or "", text if text and text.strip() else None))
    return found


def translations(ts: Path) -> dict[tuple[str, str], str]:
    """(context, source) -> the finished translation of a .ts: what the app shows for that string."""
    return {(m.context, m.source): m.translation for m in read_ts(ts) if m.translation is not None}


def find_lrelease() -> Path | None:
    """Qt's ``lrelease``: the venv's ``pyside6-lrelease`` wrapper, or the binary inside the PySide6 package."""
    import shutil

    import PySide6

    here = Path(sys.executable).parent
    package = Path(PySide6.__file__).parent
    candidates = [here / "pyside6-lrelease", here / "pyside6-lrelease.exe", package / "lrelease",
                  package / "lrelease.exe", package / "Qt" / "libexec" / "lrelease"]
    found = shutil.which("pyside6-lrelease")
    if found:
        candidates.insert(0, Path(found))
    return next((path for path in candidates if path.is_file() and os.access(path, os.X_OK)), None)


def compile_ts(ts: Path, qm: Path) -> None:
    """Run lrelease on one .ts; raises OSError (no lrelease, unwritable target) or CalledProcessError."""
    import subprocess

    tool = find_lrelease()
    if tool is None:
        raise FileNotFoundError("lrelease not found (install PySide6's tools: pip install PySide6-Essentials)")
    qm.parent.mkdir(parents=True, exist_ok=True)
    tmp = qm.with_name(qm.name + f".{os.getpid()}.tmp")
    try:
        subprocess.run([str(tool), "-silent", str(ts), "-qm", str(tmp)], check=True, capture_output=True,
                       timeout=120)
        os.replace(tmp, qm)
    finally:
        tmp.unlink(missing_ok=True)


def _fresh(qm: Path, ts: Path) -> bool:
    return qm.is_file() and (not ts.is_file() or qm.stat().st_mtime >= ts.stat().st_mtime)


def _cache_dir(ts: Path) -> Path:
    # Keyed by the .ts's content: two checkouts never share a stale file. Holds no personal data.
    import hashlib
    import tempfile

    digest = hashlib.sha256(ts.read_bytes()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"jiafang-qm-{digest}"


def compiled_translation(ts: Path) -> Path | None:
    """The .qm of a .ts, compiled now if it is missing or older than the .ts; None if it cannot be."""
    qm = ts.with_suffix(".qm")
    if _fresh(qm, ts):
        return qm
    if not ts.is_file():
        return None
    import subprocess

    cached = _cache_dir(ts) / qm.name
    if cached.is_file():
        return cached
    for target in (qm, cached):
        try:
            compile_ts(ts, target)
            return target
        except (OSError, subprocess.SubprocessError):
            continue
    return None


class TsTranslator(QTranslator):
    """Translations read straight from a .ts file, for when no lrelease is at hand."""

    def __init__(self, ts: Path, parent: QCoreApplication | None = None) -> None:
        super().__init__(parent)
        self.messages = translations(ts)

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        return self.messages.get((context, source), "")

    def isEmpty(self) -> bool:  # noqa: N802 (Qt's name)
        return not self.messages


def _translators(lang: str) -> list[QTranslator]:
    if lang in _cache:
        return _cache[lang]
    app = QCoreApplication.instance()
    found: list[QTranslator] = []
    if lang != "en":
        qt_base = QTranslator(app)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt_base.load(f"qtbase_{LOCALES[lang]}", qt_dir):
            found.append(qt_base)
        ts = ts_file(lang)
        # A frozen build carries only the compiled file.
        qm: Path | None = compiled_translation(ts) if ts.is_file() else qm_file(lang)
        ours = QTranslator(app)
        if qm is not None and ours.load(str(qm)):
            found.append(ours)
        elif ts.is_file():
            found.append(TsTranslator(ts, app))
    _cache[lang] = found
    return found


def install_language(lang: str) -> None:
    """Switch the whole interface to ``lang`` ('zh' or 'en'): Qt's strings, ours, and the domain's.

    Widgets that are already shown get a LanguageChange event and retranslate themselves.
    """
    set_language(lang)
    app = QCoreApplication.instance()
    if app is None:
        return
    wanted = _translators(lang)
    if wanted == _installed:
        return
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    for translator in wanted:
        app.installTranslator(translator)
        _installed.append(translator)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if lang == "zh"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


def language() -> str:
    return current_language()


def translate(context: str, text: str) -> str:
    """``text`` in the interface language (``context`` as lupdate recorded it)."""
    return QCoreApplication.translate(context, text)


def uninstall_translations() -> None:
    """Remove every translator this module installed and go back to the default language (tests)."""
    app = QCoreApplication.instance()
    if app is not None:
        for translator in _installed:
            app.removeTranslator(translator)
    _installed.clear()
    set_language("zh")


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 (the name lupdate looks for)
    """Marks ``text`` for lupdate (in ``context``) where it is defined; translate it where it is shown.

    PySide6's own QT_TRANSLATE_NOOP is typed as returning ``object``; this one keeps the ``str``.
    """
    return text
