"""A data folder copied back over the live one (a teacher's manual copy, a restored disk image) on the same
laptop: the work synced before the copy-back comes back, the work done in the copy leaves, and every laptop
ends with the same records (issue #14). Driven through the command line, as a teacher's laptop runs it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from app.services.roster import edit_household, edit_student
from app.store import oplog
from app.store.db import open_folder
from app.store.models import Absence, Household, Student
from tests.conftest import PASSWORD, TODAY, CopyBack

SHARE_PASSPHRASE = "shibu-share-2026"

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("JIAFANG_PASSWORD", PASSWORD)
    monkeypatch.setenv("JIAFANG_SYNC_PASSPHRASE", SHARE_PASSPHRASE)

    def run(folder: Path, *args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["--data-dir", str(folder), *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def _students(folder: Path, count: int) -> list[str]:
    database = open_folder(folder, None, PASSWORD)
    try:
        with database.read() as session:
            return list(session.scalars(select(Student.id).where(Student.household_id.is_not(None))
                                        .order_by(Student.id).limit(count)))
    finally:
        database.close()


def _write(folder: Path, work: Callable[..., object]) -> None:
    database = open_folder(folder, None, PASSWORD)
    try:
        with database.write() as session:
            work(session)
    finally:
        database.close()


def _household_of(session: object, student_id: str) -> str:
    student = session.get(Student, student_id)  # type: ignore[attr-defined]
    assert student is not None and student.household_id is not None
    return str(student.household_id)


def test_a_folder_copied_back_keeps_both_sides_work(tmp_path: Path, cli: Cli, copy_back: CopyBack) -> None:
    share, a, b, saved = tmp_path / "share", tmp_path / "a", tmp_path / "b", tmp_path / "saved-copy"
    share.mkdir()
    assert cli(a, "demo", "--students", "40", "--quiet")[0] == 0
    assert cli(b, "init")[0] == 0
    assert cli(a, "sync", "folder", str(share), "--quiet")[0] == 0
    assert cli(b, "sync", "folder", str(share), "--quiet")[0] == 0
    s1, s2, s3 = _students(a, 3)
    put_back = copy_back(a, saved)  # the teacher's copy of the data folder

    # Work on the live folder, synced: it reaches the share and laptop B.
    _write(a, lambda session: (edit_student(session, s1, class_name="甲班", today=TODAY),
                               edit_household(session, _household_of(session, s2), phone="13900000001")))
    assert cli(a, "absence", s3, "--since", "2026-11-23")[0] == 0
    assert cli(a, "sync", "folder", str(share), "--quiet")[0] == 0
    assert cli(b, "sync", "folder", str(share), "--quiet")[0] == 0

    # The old copy is put back over the live folder on the same laptop (same machine id), and used.
    put_back()
    _write(a, lambda session: (edit_student(session, s1, class_name="乙班", today=TODAY),
                               edit_household(session, _household_of(session, s3), address="石埠村新址 8 号")))
    code, out, err = cli(a, "sync", "folder", str(share))
    assert code == 0, out + err
    told = [line for line in out.splitlines() if "复制回来的旧副本" in line]
    assert len(told) == 1 and "两边的工作都保留" in told[0]
    assert "搁置" not in out + err
    for folder in (b, a, b):
        code, out, err = cli(folder, "sync", "folder", str(share))
        assert code == 0 and "搁置" not in out + err, out + err

    for folder in (a, b):
        assert cli(folder, "check")[0] == 0
        database = open_folder(folder, None, PASSWORD)
        try:
            with database.read() as session:
                # The copy's work and the work synced before the copy-back are both here.
                assert session.get(Household, _household_of(session, s2)).phone == "13900000001"  # type: ignore[union-attr]
                assert session.get(Household, _household_of(session, s3)).address == "石埠村新址 8 号"  # type: ignore[union-attr]
                assert session.scalars(select(Absence).where(Absence.student_id == s3)).one() is not None
                classes = {op.data["class_name"] for op in oplog.field_history(session, "student", s1, "class_name")
                           if "class_name" in op.data}
                assert {"甲班", "乙班"} <= classes
        finally:
            database.close()
        code, out, _ = cli(folder, "conflicts", "--json")
        conflicts = json.loads(out)
        assert [(c["table"], c["row_id"], c["field"]) for c in conflicts] == [("student", s1, "class_name")]
        assert {c["value"] for c in conflicts[0]["candidates"]} == {"甲班", "乙班"}
    exports = [cli(folder, "export", "json", "-")[1] for folder in (a, b)]
    assert exports[0] == exports[1]


def test_a_folder_copied_back_and_synced_at_once_gets_its_history_back(tmp_path: Path, cli: Cli) -> None:
    """No new work in the copy: the sync takes the device's later history back and sends nothing twice."""
    share, a, saved = tmp_path / "share", tmp_path / "a", tmp_path / "saved"
    share.mkdir()
    assert cli(a, "demo", "--students", "20", "--quiet")[0] == 0
    assert cli(a, "sync", "folder", str(share), "--quiet")[0] == 0
    (s1,) = _students(a, 1)
    shutil.copytree(a, saved)
    _write(a, lambda session: edit_student(session, s1, class_name="丙班", today=TODAY))
    assert cli(a, "sync", "folder", str(share), "--quiet")[0] == 0
    before = cli(a, "export", "json", "-")[1]
    shutil.rmtree(a)
    shutil.copytree(saved, a)
    code, out, err = cli(a, "sync", "folder", str(share))
    assert code == 0 and "搁置" not in out + err, out + err
    assert cli(a, "check")[0] == 0
    database = open_folder(a, None, PASSWORD)
    try:
        with database.read() as session:
            assert session.get(Student, s1).class_name == "丙班"  # type: ignore[union-attr]
    finally:
        database.close()
    # Every record as it was before the copy-back (the audit log has the later sign-ins on top).
    records = [line for line in before.splitlines() if '"audit_event"' not in line]
    after = cli(a, "export", "json", "-")[1].splitlines()
    assert records == [line for line in after if '"audit_event"' not in line]


def test_a_copy_back_synced_first_with_a_stick_that_never_saw_the_later_work(tmp_path: Path, cli: Cli) -> None:
    """The old copy's first sync is with a USB stick that holds none of the device's later bundles, so nothing
    there tells the sync that the copy is older; the laptop itself knows it had published more. Nothing the
    copy sends may reuse the device's seqs: a third laptop that meets both the stick and the school share
    takes in everything and sets nothing aside."""
    share, stick, a, b, c, saved = (tmp_path / name for name in ("share", "stick", "a", "b", "c", "saved"))
    share.mkdir()
    stick.mkdir()
    assert cli(a, "demo", "--students", "30", "--quiet")[0] == 0
    for folder in (b, c):
        assert cli(folder, "init")[0] == 0
    for folder, place in ((a, share), (b, share), (c, share), (a, stick)):
        code, out, err = cli(folder, "sync", "folder", str(place), "--quiet")
        assert code == 0, out + err
    s1, s2, s3 = _students(a, 3)
    shutil.copytree(a, saved)

    _write(a, lambda session: edit_student(session, s1, class_name="甲班", today=TODAY))
    assert cli(a, "sync", "folder", str(share), "--quiet")[0] == 0  # the later work reaches the school share only
    shutil.rmtree(a)
    shutil.copytree(saved, a)
    _write(a, lambda session: (edit_student(session, s1, class_name="乙班", today=TODAY),
                               edit_household(session, _household_of(session, s3), address="那告屯新址 2 号")))
    code, out, err = cli(a, "sync", "folder", str(stick))
    assert code == 0, out + err
    assert len([line for line in out.splitlines() if "复制回来的旧副本" in line]) == 1, out

    # Laptop C meets the stick first, then the school share; then everyone syncs until all agree.
    for folder, place in ((c, stick), (c, share), (a, share), (b, share), (c, share), (a, share), (a, stick),
                          (c, stick)):
        code, out, err = cli(folder, "sync", "folder", str(place))
        assert code == 0 and "搁置" not in out + err, (folder.name, place.name, out + err)
    for folder in (a, b, c):
        assert cli(folder, "check")[0] == 0
        conflicts = json.loads(cli(folder, "conflicts", "--json")[1])
        assert [(c["row_id"], c["field"]) for c in conflicts] == [(s1, "class_name")]
        assert {v["value"] for v in conflicts[0]["candidates"]} == {"甲班", "乙班"}
        database = open_folder(folder, None, PASSWORD)
        try:
            with database.read() as session:
                assert session.get(Household, _household_of(session, s3)).address == "那告屯新址 2 号"  # type: ignore[union-attr]
        finally:
            database.close()
    exports = [cli(folder, "export", "json", "-")[1] for folder in (a, b, c)]
    assert exports[0] == exports[1] == exports[2]
