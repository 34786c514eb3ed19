"""Every text of the visits, cases and return-check pages has its Chinese in the part-B translation file."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from tests.ui.record_pages_support import ROOT, TS_FILE

SOURCES = ["app/ui/pages/visits.py", "app/ui/pages/cases.py", "app/ui/pages/return_check.py",
           "app/ui/widgets/fields.py", "app/ui/widgets/dialogs.py", "app/ui/widgets/photos.py",
           "app/ui/widgets/signature.py", "app/ui/models/record_lists.py"]


def messages(ts: Path) -> dict[tuple[str, str], str | None]:
    found: dict[tuple[str, str], str | None] = {}
    for context in ElementTree.parse(ts).getroot().iter("context"):
        for message in context.iter("message"):
            translation = message.find("translation")
            finished = translation is not None and translation.get("type") is None and translation.text
            found[(context.findtext("name") or "", message.findtext("source") or "")] = \
                translation.text if finished and translation is not None else None
    return found


def test_every_source_text_has_a_chinese_translation(tmp_path: Path) -> None:
    extracted = tmp_path / "extracted.ts"
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    subprocess.run([str(lupdate), *SOURCES, "-ts", str(extracted)], cwd=ROOT, check=True, capture_output=True)
    wanted = set(messages(extracted))
    have = messages(TS_FILE)
    assert len(wanted) > 150
    untranslated = sorted(key for key in wanted if not have.get(key))
    assert not untranslated, f"add these to {TS_FILE.name}: {untranslated}"
    # Placeholders survive translation, or .format() would fail or drop a value on the Chinese screen.
    for (_context, source), text in have.items():
        for name in ("{count}", "{time}", "{name}", "{when}", "{age}", "{number}", "{status}"):
            assert (name in source) == (name in (text or "")), (source, text)
