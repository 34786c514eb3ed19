"""`jiafang pdf ...`: exit codes, one-line errors, files written."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from app.documents import fonts
from app.domain.codes import UserRole
from app.services import users
from app.store.db import Database
from tests.conftest import PASSWORD
from tests.documents.conftest import Family
from tests.documents.pdfcheck import page_count, pdftotext, squeezed
from tests.documents.test_other_documents import give_disability


@pytest.fixture
def cli_env(database: Database, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JIAFANG_PASSWORD", PASSWORD)
    monkeypatch.setenv("JIAFANG_DATA_DIR", str(database.data_dir))
    return database.data_dir


def test_pdf_commands_write_files(cli_env: Path, family: Family, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert main(["pdf", "visit", family.visit_id, "--out", str(out / "visit.pdf")]) == 0
    assert main(["pdf", "visit", family.visit_id, "--out", str(out / "visit-full.pdf"), "--reveal"]) == 0
    assert main(["pdf", "blank", "--out", str(out / "blank.pdf"), "--student", family.student_id]) == 0
    assert main(["pdf", "blank", "--out", str(out / "blank-empty.pdf")]) == 0
    assert main(["pdf", "case", family.case_id, "--out", str(out / "case.pdf")]) == 0
    assert main(["pdf", "exemption", family.case_id, "--out", str(out / "exemption.pdf"), "--kind", "休学"]) == 0
    assert main(["pdf", "village", family.village_id, "--out", str(out / "village.pdf"), "--checker", "黄"]) == 0
    assert main(["pdf", "campaign", family.campaign_code, "--out", str(out / "batch"), "--quiet"]) == 0
    assert main(["pdf", "campaign", family.campaign_code, "--out", str(out / "one"), "--one-file", "--quiet"]) == 0
    for name in ("visit", "visit-full", "blank", "blank-empty", "case", "exemption", "village"):
        assert page_count(out / f"{name}.pdf") >= 1, name
    assert len(list((out / "batch").glob("*.pdf"))) == 1
    assert (out / "one" / f"{family.campaign_code}.pdf").exists()
    assert "含个人信息" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [
    ["pdf", "visit", "no-such-visit", "--out", "{out}/x.pdf"],
    ["pdf", "case", "no-such-case", "--out", "{out}/x.pdf"],
    ["pdf", "blank", "--student", "no-such-student", "--out", "{out}/x.pdf"],
    ["pdf", "campaign", "1999-winter_visits", "--out", "{out}/dir"],
    ["pdf", "visit", "{visit}", "--out", "{out}/missing-folder/x.pdf"],
])
def test_user_errors_are_one_line(cli_env: Path, family: Family, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  argv: list[str]) -> None:
    capsys.readouterr()
    args = [a.format(out=tmp_path, visit=family.visit_id) for a in argv]
    assert main(args) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("jiafang: ") and "\n" not in err and "Traceback" not in err


def test_reveal_shows_disability_details_like_id_numbers(cli_env: Path, database: Database, family: Family,
                                                        tmp_path: Path) -> None:
    give_disability(database, family)
    masked, full = tmp_path / "masked.pdf", tmp_path / "full.pdf"
    assert main(["pdf", "exemption", family.case_id, "--out", str(masked)]) == 0
    assert main(["pdf", "exemption", family.case_id, "--out", str(full), "--reveal"]) == 0
    masked_text, full_text = squeezed(pdftotext(masked)), squeezed(pdftotext(full))
    assert "肢体" not in masked_text and "（已隐藏）" in masked_text and family.id_number not in masked_text
    assert "肢体二级" in full_text and family.id_number in full_text


def test_a_teacher_may_not_reveal(cli_env: Path, database: Database, family: Family, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    users.add_user(database, username="teacher", password=PASSWORD + "-t", role=UserRole.TEACHER)
    monkeypatch.setenv("JIAFANG_PASSWORD", PASSWORD + "-t")
    assert main(["pdf", "visit", family.visit_id, "--out", str(tmp_path / "v.pdf"), "--reveal"]) == 1
    assert "--reveal" in capsys.readouterr().err
    assert main(["pdf", "visit", family.visit_id, "--out", str(tmp_path / "v.pdf")]) == 0


def test_no_font_is_one_line_naming_the_package(cli_env: Path, family: Family, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    monkeypatch.setattr(fonts, "search_paths", lambda: [empty])
    fonts.reset_font_cache()
    capsys.readouterr()
    assert main(["pdf", "visit", family.visit_id, "--out", str(tmp_path / "v.pdf")]) == 1
    err = capsys.readouterr().err.strip()
    assert "fonts-wqy-microhei" in err and "\n" not in err
    assert not (tmp_path / "v.pdf").exists()
