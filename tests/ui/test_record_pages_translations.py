"""Every text of the visits, cases and return-check pages has its Chinese in the app's translation file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app.ui.i18n import read_ts, translations, ts_file
from tests.ui.record_pages_support import ROOT

SOURCES = ["app/ui/pages/visits.py", "app/ui/pages/cases.py", "app/ui/pages/return_check.py",
           "app/ui/widgets/fields.py", "app/ui/widgets/dialogs.py", "app/ui/widgets/photos.py",
           "app/ui/widgets/signature.py", "app/ui/models/record_lists.py"]


def test_every_source_text_has_a_chinese_translation(tmp_path: Path) -> None:
    extracted = tmp_path / "extracted.ts"
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    subprocess.run([str(lupdate), *SOURCES, "-ts", str(extracted)], cwd=ROOT, check=True, capture_output=True)
    wanted = {(m.context, m.source) for m in read_ts(extracted)}
    have = translations(ts_file("zh"))
    assert len(wanted) > 150
    untranslated = sorted(key for key in wanted if key not in have)
    assert not untranslated, f"add these to {ts_file('zh').name}: {untranslated}"
    # Placeholders survive translation, or .format() would fail or drop a value on the Chinese screen.
    for key in wanted:
        source, text = key[1], have[key]
        for name in ("{count}", "{time}", "{name}", "{when}", "{age}", "{number}", "{status}"):
            assert (name in source) == (name in text), (source, text)
