"""`jiafang sync folder` and `jiafang conflicts` as a district technician's script uses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.services.roster import edit_student
from app.store.db import open_folder
from tests.conftest import PASSWORD, TODAY


def test_sync_and_conflicts_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    share = tmp_path / "share"
    share.mkdir()
    monkeypatch.setenv("JIAFANG_PASSWORD", PASSWORD)
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["--data-dir", str(a), "demo", "--students", "60", "--quiet"]) == 0
    assert main(["--data-dir", str(b), "init"]) == 0
    assert main(["--data-dir", str(a), "sync", "folder", str(share), "--quiet"]) == 1  # no passphrase yet
    assert "JIAFANG_SYNC_PASSPHRASE" in capsys.readouterr().err
    monkeypatch.setenv("JIAFANG_SYNC_PASSPHRASE", "shibu-share-2026")
    assert main(["--data-dir", str(a), "sync", "folder", str(share), "--quiet"]) == 0
    assert main(["--data-dir", str(b), "sync", "folder", str(share), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "收到" in out
    # Both edit one student's class offline, then sync: one conflict, the same on both.
    for folder, class_name in ((a, "甲班"), (b, "乙班")):
        database = open_folder(folder, None, PASSWORD)
        with database.write() as session:
            from sqlalchemy import select

            from app.store.models import Student

            student_id = session.scalars(select(Student.id).order_by(Student.id)).first()
            assert student_id is not None
            edit_student(session, student_id, class_name=class_name, today=TODAY)
        database.close()
    for folder in (a, b, a):
        assert main(["--data-dir", str(folder), "sync", "folder", str(share), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(a), "conflicts", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert isinstance(listed, list) and len(listed) == 1
    conflict = listed[0]
    assert conflict["table"] == "student" and conflict["field"] == "class_name"
    assert {c["value"] for c in conflict["candidates"]} == {"甲班", "乙班"}
    loser = next(c for c in conflict["candidates"] if not c["winner"])
    assert main(["--data-dir", str(b), "conflicts", "--json"]) == 0

    def derived(views: list[dict[str, object]]) -> list[object]:
        # What the log decides is the same everywhere; user names are each laptop's own knowledge.
        return [(v["table"], v["row_id"], v["field"],
                 [(c["op"], c["value"], c["winner"], c["at"]) for c in v["candidates"]])  # type: ignore[attr-defined]
                for v in views]

    assert derived(json.loads(capsys.readouterr().out)) == derived(listed)
    assert main(["--data-dir", str(a), "conflicts", "--keep", "student", conflict["row_id"], "class_name",
                 loser["op"]]) == 0
    for folder in (a, b):
        assert main(["--data-dir", str(folder), "sync", "folder", str(share), "--quiet"]) == 0
    capsys.readouterr()
    for folder in (a, b):
        assert main(["--data-dir", str(folder), "conflicts", "--json"]) == 0
        assert json.loads(capsys.readouterr().out) == []
    dumps = []
    for folder in (a, b):
        assert main(["--data-dir", str(folder), "export", "json", "-"]) == 0
        dumps.append(capsys.readouterr().out)
    assert dumps[0] == dumps[1] and loser["value"] in dumps[0]


def test_a_wrong_passphrase_for_a_joined_laptop_is_said_not_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    share, a = tmp_path / "share", tmp_path / "a"
    share.mkdir()
    monkeypatch.setenv("JIAFANG_PASSWORD", PASSWORD)
    assert main(["--data-dir", str(a), "demo", "--students", "10", "--quiet"]) == 0
    monkeypatch.setenv("JIAFANG_SYNC_PASSPHRASE", "shibu-share-2026")
    assert main(["--data-dir", str(a), "sync", "folder", str(share), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(a), "sync", "folder", str(share), "--quiet"]) == 0  # the right one: nothing said
    assert "没有使用" not in capsys.readouterr().out
    monkeypatch.setenv("JIAFANG_SYNC_PASSPHRASE", "a-mistyped-one")
    assert main(["--data-dir", str(a), "sync", "folder", str(share), "--quiet"]) == 0  # the sync itself needs none
    assert "给出的同步口令不是这个同步文件夹现在的口令，没有使用" in capsys.readouterr().out
    assert main(["--data-dir", str(a), "--lang", "en", "sync", "folder", str(share), "--quiet"]) == 0
    assert "is not this share's passphrase and was not used" in capsys.readouterr().out
