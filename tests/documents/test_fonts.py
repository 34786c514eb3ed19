"""Font discovery: a CJK primary, extension-block fallbacks, a clear error when there is nothing."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from app.documents import fonts
from app.documents.fonts import PLACEHOLDER, FontSet, NoFontError, discover_fonts
from app.documents.layout import MM, Painter


def test_the_system_has_a_primary_cjk_font_and_an_extension_fallback() -> None:
    found = discover_fonts()
    assert found.font_for("家") == found.primary_name
    # CI installs fonts-babelstone-han (.ci/run): it has Ext B (𠮷) and Ext G (𰻝).
    for rare in ("𠮷", "𰻝"):
        chosen = found.font_for(rare)
        assert chosen is not None and chosen != found.primary_name, rare


def test_no_font_at_all_is_a_clear_error_naming_what_to_install(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    monkeypatch.setattr(fonts, "search_paths", lambda: [empty])
    with pytest.raises(NoFontError) as caught:
        fonts.default_fonts()
    assert "fonts-wqy-microhei" in caught.value.zh and "simhei.ttf" in caught.value.zh
    assert "fonts-wqy-microhei" in caught.value.en and "\n" not in caught.value.en


def test_a_font_reportlab_cannot_use_is_skipped(tmp_path: Path) -> None:
    broken = tmp_path / "fonts"
    broken.mkdir()
    (broken / "broken.ttf").write_bytes(b"not a font at all")
    with pytest.raises(NoFontError):
        discover_fonts([broken])


def test_the_apps_own_font_folder_comes_first(tmp_path: Path) -> None:
    system = discover_fonts()
    own = tmp_path / "resources-fonts"
    own.mkdir()
    (own / "school.ttc").write_bytes(system.primary.path.read_bytes())
    found = discover_fonts([own, Path("/usr/share/fonts")])
    assert found.primary.path == own / "school.ttc"


def test_a_character_no_font_has_is_a_reported_placeholder(caplog: pytest.LogCaptureFixture) -> None:
    full = discover_fonts()
    only_primary = FontSet(full.primary, ())
    painter = Painter(Canvas(io.BytesIO()), only_primary)
    width = painter.text(10, 10, "韦𰻝明", 10)
    assert painter.missing == {"𰻝"}
    assert width == pytest.approx(painter.width("韦□明", 10))
    assert only_primary.font_for(PLACEHOLDER) == only_primary.primary_name


def test_wrapping_keeps_every_character_and_never_starts_a_line_with_closing_punctuation() -> None:
    painter = Painter(Canvas(io.BytesIO()), discover_fonts())
    text = "父母在广东务工，孩子由祖母照看。家庭收入（主要）靠务工；电话13877110000，身份证450107201503051234。" * 9
    for width in (30, 55, 80, 120, 160):
        lines = painter.wrap(text, width * MM, 10)
        assert "".join(lines) == text
        assert all(painter.width(line, 10) <= width * MM + 0.01 for line in lines)
        assert not any(line[:1] in "，。；）" for line in lines[1:])
        # Numbers stay whole when they fit on a line.
        assert any("13877110000" in line for line in lines)


def test_missing_characters_are_logged_by_code_point_only(caplog: pytest.LogCaptureFixture) -> None:
    from app.documents import render_visit_sheets
    from app.documents.data import Printing, StudentInfo, VisitSheetData

    full = discover_fonts()
    data = VisitSheetData(record_id="r", sheet_no="V-0000-0001", printing=Printing("测试", "2026-11-29 10:00"),
                          student=StudentInfo(name="韦𰻝明"))
    with caplog.at_level(logging.WARNING, logger="jiafang.documents"):
        document = render_visit_sheets([data], fonts=FontSet(full.primary, ()))
    assert document.missing_chars == ("𰻝",)
    assert "U+30EDD" in caplog.text and "韦" not in caplog.text
    assert "𰻝" in document.missing_message("zh") and "U+30EDD" in document.missing_message("en")
