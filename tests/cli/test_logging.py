"""The log: a rotating file in the data folder, personal-data shapes masked, and one line for a crash."""

from __future__ import annotations

import argparse
import logging
import logging.handlers
from collections.abc import Iterator
from pathlib import Path

import pytest

import app.cli
from app.cli import main
from app.logs import LOG_DIR, LOG_FILE, close_logging, mask_personal, setup_logging

ID_NUMBER = "45010720100101123X"
PHONE = "13812345678"


@pytest.fixture(autouse=True)
def _closed_log() -> Iterator[None]:
    yield
    close_logging()


def test_masks_id_numbers_and_phones_but_keeps_ids_and_codes() -> None:
    text = f"student 0192f1d2-7a3b-7c00-8000-0123456789ab id {ID_NUMBER} tel {PHONE} code 450107"
    masked = mask_personal(text)
    assert ID_NUMBER not in masked and PHONE not in masked
    assert "450107********123X" in masked
    assert "138****5678" in masked
    assert "0192f1d2-7a3b-7c00-8000-0123456789ab" in masked and "code 450107" in masked
    assert mask_personal("seq 20240101000000000001 count 12345678901234") == \
        "seq 20240101000000000001 count 12345678901234"


def test_sql_parameters_never_reach_the_log() -> None:
    text = "IntegrityError\n[SQL: INSERT INTO student ...]\n[parameters: ('韦𰻝明', '450107201001011234')]"
    assert mask_personal(text) == "IntegrityError\n[SQL: INSERT INTO student ...]\n[parameters: hidden]"


def test_a_record_with_an_id_number_is_written_masked(tmp_path: Path) -> None:
    path = setup_logging(tmp_path / "data")
    assert not path.exists()  # nothing logged yet: no folder made
    logging.getLogger("jiafang.test").warning("matched %s (phone %s)", ID_NUMBER, PHONE)
    try:
        raise ValueError(f"bad number {ID_NUMBER}")
    except ValueError:
        logging.getLogger("jiafang.test").exception("while importing row 12")
    close_logging()
    written = path.read_text(encoding="utf-8")
    assert path == tmp_path / "data" / LOG_DIR / LOG_FILE
    assert ID_NUMBER not in written and PHONE not in written
    assert written.count("450107********123X") == 2 and "138****5678" in written
    assert "Traceback" in written and "ValueError: bad number" in written


def test_the_log_rotates_at_one_megabyte_keeping_five(tmp_path: Path) -> None:
    setup_logging(tmp_path)
    handler = next(h for h in logging.getLogger("jiafang").handlers
                   if isinstance(h, logging.handlers.RotatingFileHandler))
    assert (handler.maxBytes, handler.backupCount) == (1_000_000, 5)


def test_an_unexpected_error_is_one_line_for_the_user_and_a_traceback_in_the_log(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(args: argparse.Namespace) -> int:
        secret_local = f"韦𰻝明 {ID_NUMBER}"  # noqa: F841 (a local the log must not show)
        raise RuntimeError(f"bug near {PHONE}")

    monkeypatch.setattr(app.cli, "cmd_check", broken)
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "--lang", "zh", "check"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("jiafang: 内部错误，已记录到日志") and "Traceback" not in err
    close_logging()
    written = (data / LOG_DIR / LOG_FILE).read_text(encoding="utf-8")
    assert "unexpected error in command check" in written
    assert "Traceback" in written and "RuntimeError: bug near 138****5678" in written
    assert PHONE not in written and ID_NUMBER not in written and "韦𰻝明" not in written


def test_a_user_error_leaves_no_log_behind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "nothing-here"
    assert main(["--data-dir", str(data), "--lang", "en", "check"]) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert not (data / LOG_DIR).exists()
