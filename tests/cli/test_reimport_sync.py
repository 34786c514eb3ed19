"""The same registry export, edited differently, re-imported on two laptops (issue #14): each laptop's import
updates the households, and sync brings the laptops to the same records with the disagreement kept as a conflict,
never one laptop's value silently dropped. Driven through the command line, one data folder and one machine id per
laptop."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from app.services import places, roster
from app.store import oplog
from app.store.db import open_folder
from app.store.models import Household, HouseholdMember, Student
from tests.conftest import PASSWORD
from tests.services.test_importing import SHIBU, id_for, pupil, write_xlsx

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("JIAFANG_PASSWORD", PASSWORD)
    monkeypatch.setenv("JIAFANG_SYNC_PASSPHRASE", "shibu-share-2026")

    def run(folder: Path, *args: str) -> tuple[int, str, str]:
        monkeypatch.setenv("JIAFANG_MACHINE_ID", f"laptop-{folder.name}")  # two laptops, not one
        capsys.readouterr()
        code = main(["--data-dir", str(folder), *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_a_reimport_on_two_laptops_converges_with_the_conflict_kept(tmp_path: Path, cli: Cli) -> None:
    share, a, b = tmp_path / "share", tmp_path / "a", tmp_path / "b"
    share.mkdir()
    assert cli(a, "init")[0] == 0
    database = open_folder(a, None, PASSWORD)
    try:
        with database.write() as session:
            places.add_school(session, name=SHIBU, school_type="primary", code="2145070001")
    finally:
        database.close()
    rows = [pupil(i) for i in range(1, 4)]
    assert cli(a, "import", "roster", str(write_xlsx(tmp_path / "秋季.xlsx", rows)))[0] == 0
    assert cli(a, "sync", "folder", str(share), "--quiet")[0] == 0
    assert cli(b, "init")[0] == 0
    assert cli(b, "sync", "folder", str(share), "--quiet")[0] == 0

    # Laptop A's export has one new phone for the first family; laptop B's another. Both name the same new
    # guardian for the second family (the grandmother), each with the phone its file has.
    mine = [pupil(1, 联系电话="13977110001"), pupil(2, 监护人="韦小红", 联系电话="13977110002"), pupil(3)]
    theirs = [pupil(1, 联系电话="13677110001"), pupil(2, 监护人="韦小红", 联系电话="13977110002"), pupil(3)]
    for folder, file_rows in ((a, mine), (b, theirs)):
        path = write_xlsx(tmp_path / f"春季-{folder.name}.xlsx", file_rows)
        code, out, err = cli(folder, "import", "roster", str(path), "--dry-run")
        assert code == 0 and "更新 2 人，未变 1 人" in out, out + err
        assert "韦华：联系电话 13877110000 → 1" in out and "韦强：监护人 韦大山 → 韦小红" in out
        code, out, err = cli(folder, "import", "roster", str(path))
        assert code == 0 and "更新 2 人，未变 1 人" in out, out + err
    for folder in (a, b, a):
        code, out, err = cli(folder, "sync", "folder", str(share))
        assert code == 0 and "搁置" not in out + err, out + err

    for folder in (a, b):
        assert cli(folder, "check")[0] == 0
        code, out, _ = cli(folder, "conflicts", "--json")
        conflicts = {(c["table"], c["field"]): {v["value"] for v in c["candidates"]} for c in json.loads(out)}
        # Both phones of the first family are kept: the household's and its guardian's.
        assert conflicts == {("household", "phone"): {"13977110001", "13677110001"},
                             ("household_member", "phone"): {"13977110001", "13677110001"}}
        database = open_folder(folder, None, PASSWORD)
        try:
            with database.read() as session:
                second = session.scalars(select(Student).where(Student.id_number == id_for(2))).one()
                members = sorted(roster.members_of(session, str(second.household_id)), key=lambda m: m.name)
                # One grandmother, though both laptops added her; the guardian before is kept.
                assert [(m.name, m.is_guardian) for m in members] == [("韦大山", False), ("韦小红", True)]
                first = session.scalars(select(Student).where(Student.id_number == id_for(1))).one()
                phones = {op.value_of("phone") for op in oplog.field_history(
                    session, "household", str(first.household_id), "phone")}
                assert phones == {"13877110000", "13977110001", "13677110001"}  # every value retrievable
                assert session.scalar(select(Household.id).where(Household.id == first.household_id))
                assert len(list(session.scalars(select(HouseholdMember.id)))) == 4
        finally:
            database.close()
    exports = [cli(folder, "export", "json", "-")[1] for folder in (a, b)]
    assert exports[0] == exports[1]
