"""After a full working session, no file the app keeps (data folder, share, temp folder, logs) shows a child's
name or ID number in clear. Files the user deliberately exports to a place they chose are theirs (the CLI warns)."""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path

import pytest

from app.cli import main
from tests.conftest import PASSWORD


def _encodings(text: str) -> list[bytes]:
    found = [text.encode("utf-8"), text.encode("utf-16-le")]
    with contextlib.suppress(UnicodeEncodeError):
        found.append(text.encode("gbk"))
    # Encrypted files look random: a 4-byte pattern turns up by chance in megabytes of them, a 6-byte one
    # does not (2^-48 per position), so only patterns of at least 6 bytes are looked for.
    return [encoded for encoded in found if len(encoded) >= 6]


def test_a_working_session_leaves_nothing_readable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    data, share, temp, exports = tmp_path / "data", tmp_path / "share", tmp_path / "tmp", tmp_path / "exports"
    for folder in (share, temp, exports):
        folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("JIAFANG_PASSWORD", PASSWORD)
    monkeypatch.setenv("JIAFANG_SYNC_PASSPHRASE", "share-passphrase-1")
    monkeypatch.setenv("JIAFANG_DATA_DIR", str(data))
    assert main(["demo", "--students", "300", "--seed", "9", "--quiet"]) == 0
    assert main(["export", "json", str(exports / "all.jsonl")]) == 0
    records = [json.loads(line) for line in (exports / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    students = [r for r in records if r["_table"] == "student"]
    visit = next(r for r in records if r["_table"] == "visit")
    assert main(["pdf", "visit", str(visit["id"]), "--out", str(exports / "visit.pdf")]) == 0
    assert main(["sync", "folder", str(share), "--quiet"]) == 0
    # A re-import of part of the roster from the registry's export (its check spills rows to a temp file).
    schools = {r["id"]: r["name"] for r in records if r["_table"] == "school"}
    roster_file = exports / "学籍导出.csv"
    lines = ["姓名,身份证号,学校名称,年级,班级,性别"]
    sexes = {"1": "男", "2": "女"}
    lines += [f"{s['name']},{s['id_number']},{schools[s['school_id']]},{s['grade']},9班,{sexes[s['sex']]}"
              for s in students[:60] if s["id_number"]]
    roster_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["import", "roster", str(roster_file), "--skip-invalid"]) == 0
    assert main(["export", "json", str(exports / "after.jsonl")]) == 0
    after = [json.loads(line) for line in (exports / "after.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sum(r["_table"] == "student" and r["class_name"] == "9班" for r in after) >= 30  # the import wrote
    # A teacher's account, then the lost-laptop re-key of the share.
    monkeypatch.setenv("JIAFANG_NEW_PASSWORD", "teacher-pass-9")
    assert main(["user", "add", "liteacher", "--role", "teacher", "--display-name", "李芳"]) == 0
    monkeypatch.setenv("JIAFANG_SYNC_PASSPHRASE", "share-passphrase-2")
    assert main(["sync", "folder", str(share), "--rekey", "--quiet"]) == 0
    assert main(["backup"]) == 0
    assert main(["check"]) == 0
    assert main(["warnings", "--json"]) == 0
    capsys.readouterr()
    secrets = sorted({s["name"] for s in students} | {s["id_number"] for s in students if s["id_number"]}
                     | {r["head_name"] for r in records if r["_table"] == "household" and r["head_name"]})
    assert len(secrets) > 300
    kept = [p for folder in (data, share, temp) for p in folder.rglob("*") if p.is_file()]
    assert any(p.suffix == ".jfb" for p in kept) and any(p.suffix == ".jfbak" for p in kept)
    for path in kept:
        content = path.read_bytes()
        for secret in secrets:
            if len(secret) < 2:
                continue
            for encoded in _encodings(secret):
                assert encoded not in content, f"{secret!r} readable in {path.relative_to(tmp_path)}"
