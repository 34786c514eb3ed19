"""A data folder copied back over the live one on the same laptop, syncing with the district server (issue #14,
the server path): both sides' work survives, on SQLite and on PostgreSQL. Driven through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.services.roster import edit_household, edit_student
from app.store.db import open_folder
from app.store.models import DISTRICT_SCOPE, Household, Student
from tests.conftest import PASSWORD, TODAY, CopyBack
from tests.server.conftest import Live, seed_district


def _run(capsys: pytest.CaptureFixture[str], folder: Path, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["--data-dir", str(folder), *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_a_folder_copied_back_keeps_both_sides_work_through_the_server(
        live: Live, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        copy_back: CopyBack) -> None:
    monkeypatch.setenv("JIAFANG_PASSWORD", PASSWORD)
    a, b, saved = tmp_path / "a", tmp_path / "b", tmp_path / "saved"
    for folder in (a, b):
        assert _run(capsys, folder, "init")[0] == 0
    laptop = open_folder(a, None, PASSWORD)
    district = seed_district(laptop)
    laptop.close()
    s1, s2, s3 = district.students_a
    for folder in (a, b):
        code, out = _run(capsys, folder, "sync", "server", live.url, "--enroll",
                         live.store.new_enrollment_code(DISTRICT_SCOPE), "--quiet")
        assert code == 0, out
    put_back = copy_back(a, saved)

    def work(folder: Path, class_name: str, household_of: str, **household: str) -> None:
        database = open_folder(folder, None, PASSWORD)
        try:
            with database.write() as session:
                edit_student(session, s1, class_name=class_name, today=TODAY)
                student = session.get(Student, household_of)
                assert student is not None and student.household_id is not None
                edit_household(session, student.household_id, **household)
        finally:
            database.close()

    work(a, "甲班", s2, phone="13900000001")
    assert _run(capsys, a, "sync", "server", live.url, "--quiet")[0] == 0
    assert _run(capsys, b, "sync", "server", live.url, "--quiet")[0] == 0
    put_back()  # the old copy back on the same laptop (same machine id)
    work(a, "乙班", s3, address="石埠村新址 8 号")
    code, out = _run(capsys, a, "sync", "server", live.url)
    assert code == 0, out
    assert len([line for line in out.splitlines() if "复制回来的旧副本" in line]) == 1
    for folder in (b, a, b):
        code, out = _run(capsys, folder, "sync", "server", live.url)
        assert code == 0, out
    for folder in (a, b):
        assert _run(capsys, folder, "check")[0] == 0
        database = open_folder(folder, None, PASSWORD)
        try:
            with database.read() as session:
                homes = {s: session.get(Student, s).household_id for s in (s2, s3)}  # type: ignore[union-attr]
                assert session.get(Household, homes[s2]).phone == "13900000001"  # type: ignore[union-attr]
                assert session.get(Household, homes[s3]).address == "石埠村新址 8 号"  # type: ignore[union-attr]
        finally:
            database.close()
        code, out = _run(capsys, folder, "conflicts", "--json")
        conflicts = json.loads(out)
        assert [(c["table"], c["row_id"], c["field"]) for c in conflicts] == [("student", s1, "class_name")]
        assert {c["value"] for c in conflicts[0]["candidates"]} == {"甲班", "乙班"}
    exports = [_run(capsys, folder, "export", "json", "-")[1] for folder in (a, b)]
    assert exports[0] == exports[1]
