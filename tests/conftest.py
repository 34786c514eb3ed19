"""Shared fixtures: every test gets a fresh, real, encrypted data folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No per-example deadline: on a shared 2-core CI machine a first call (pypinyin loading its dictionaries)
# can take longer than Hypothesis' 200 ms, and a test must not fail on timing.
settings.register_profile("jiafang", deadline=None)
settings.load_profile("jiafang")

from app.domain.codes import SchoolType, Sex  # noqa: E402
from app.domain.i18n import set_language  # noqa: E402
from app.domain.identity import make_id_number  # noqa: E402
from app.store import keys  # noqa: E402
from app.store.db import Database, create_folder  # noqa: E402
from app.store.models import School, Student  # noqa: E402

PASSWORD = "correct-horse-42"
TODAY = date(2026, 11, 29)
# Cheap Argon2 for tests: every test makes its own key slots. Real slots keep the cost they were made with.
FAST_KDF = keys.KdfParams(time_cost=1, memory_kib=1024, parallelism=1)


@pytest.fixture(autouse=True)
def _fast_kdf_and_language(monkeypatch: pytest.MonkeyPatch,
                           tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    monkeypatch.setattr(keys, "DEFAULT_KDF", FAST_KDF)
    import sync.crypto

    monkeypatch.setattr(sync.crypto, "SHARE_KDF", FAST_KDF)
    # One machine id for the whole test run, never the real one in the home folder.
    monkeypatch.setenv("JIAFANG_MACHINE_ID", "test-machine")
    # And the machine's own records (how far it published each device) in a folder of the test's own.
    monkeypatch.setenv("JIAFANG_MACHINE_DIR", str(tmp_path_factory.mktemp("machine")))
    for name in ("JIAFANG_PASSWORD", "JIAFANG_USER", "JIAFANG_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    set_language("zh")
    yield
    set_language("zh")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def database(data_dir: Path) -> Iterator[Database]:
    db = create_folder(data_dir, username="admin", password=PASSWORD, display_name="管理员")
    yield db
    db.close()


@pytest.fixture
def school(database: Database) -> School:
    from app.services.places import add_school

    with database.write() as session:
        return add_school(session, name="西乡塘区石埠小学", school_type=SchoolType.PRIMARY, code="2145000001")


def birth_for_grade(grade: int, *, month: int = 3, day: int = 5) -> date:
    """A birth date that puts a child in ``grade`` in the 2026–27 school year."""
    # Grade 1 in 2026–27 is the child who turned 6 between 1 Sep 2019 and 31 Aug 2020.
    return date(2021 - grade, month, day) if month <= 8 else date(2020 - grade, month, day)


def make_student_input(school_id: str, *, name: str = "韦小明", grade: int = 4, sequence: int = 11,
                       sex: Sex = Sex.MALE, **extra: object) -> object:
    from app.services.roster import StudentInput

    birth = birth_for_grade(grade)
    seq = sequence if (sequence % 2 == 1) == (sex is Sex.MALE) else sequence + 1
    id_number = make_id_number("450107", birth, seq)
    values: dict[str, object] = {"name": name, "sex": sex, "birth_date": birth, "school_id": school_id,
                                 "grade": grade, "class_name": "2班", "id_number": id_number}
    values.update(extra)
    return StudentInput(**values)  # type: ignore[arg-type]


@pytest.fixture
def student(database: Database, school: School) -> Student:
    from app.services.roster import add_student

    with database.write() as session:
        return add_student(session, make_student_input(school.id), today=TODAY)  # type: ignore[arg-type]


CopyBack = Callable[[Path, Path], Callable[[], None]]  # (data folder, where to keep the copy) -> put it back


@pytest.fixture(params=["folder copied", "disk image restored"])
def copy_back(request: pytest.FixtureRequest, tmp_path: Path) -> CopyBack:
    """How the old copy comes back: the data folder alone (the machine still knows how far it published, and
    the open itself sees the copy is older), or a whole disk image (the machine's own records go back in time
    too, and the sync finds the fork on the share or server)."""
    machine = Path(os.environ["JIAFANG_MACHINE_DIR"])

    def take(folder: Path, saved: Path) -> Callable[[], None]:
        shutil.copytree(folder, saved)
        if request.param == "disk image restored":
            shutil.copytree(machine, tmp_path / "saved-machine")

        def put_back() -> None:
            shutil.rmtree(folder)
            shutil.copytree(saved, folder)
            if request.param == "disk image restored":
                shutil.rmtree(machine)
                shutil.copytree(tmp_path / "saved-machine", machine)
        return put_back

    return take
