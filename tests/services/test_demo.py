"""The demo district: shaped like Xixiangtang, valid, deterministic, and written through the services."""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.identity import is_valid_id_number
from app.services.demo import DemoSummary, generate_demo
from app.services.exchange import export_json
from app.services.integrity import check_store
from app.store import keys
from app.store.db import Database, create_folder
from app.store.models import DropoutCase, Household, School, Student, Township, Village, Visit
from tests.conftest import FAST_KDF, PASSWORD, TODAY

STUDENTS = 1500


def _make(path: Path, seed: int) -> tuple[Database, DemoSummary]:
    database = create_folder(path, username="admin", password=PASSWORD)
    stages: list[str] = []
    summary = generate_demo(database, students=STUDENTS, seed=seed, today=TODAY,
                            progress=lambda stage, fraction: stages.append(stage))
    assert {"places", "schools", "students", "cases"} <= set(stages)
    return database, summary


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, DemoSummary]]:
    saved = keys.DEFAULT_KDF
    keys.DEFAULT_KDF = FAST_KDF
    database, summary = _make(tmp_path_factory.mktemp("demo") / "data", seed=7)
    yield database, summary
    database.close()
    keys.DEFAULT_KDF = saved


def _records(database: Database) -> list[dict[str, object]]:
    out = io.StringIO()
    with database.read() as session:
        export_json(session, out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_district_shape(demo: tuple[Database, DemoSummary]) -> None:
    database, summary = demo
    with database.read() as session:
        def count(model: type) -> int:
            return session.scalar(select(func.count()).select_from(model)) or 0

        assert count(Township) == 13
        assert 130 <= count(Village) <= 175
        assert 140 <= count(School) <= 160
        assert count(Student) == STUDENTS == summary.students
        assert STUDENTS / 2 < count(Household) < STUDENTS
        towns = {t.name for t in session.scalars(select(Township))}
        assert {"衡阳街道", "石埠街道", "金陵镇", "双定镇", "坛洛镇"} <= towns
        kinds = Counter(s.school_type for s in session.scalars(select(School)))
        assert set(kinds) == {"teaching_point", "primary", "junior", "nine_year", "special"}


def test_students_are_valid_and_plausible(demo: tuple[Database, DemoSummary]) -> None:
    database, _ = demo
    with database.read() as session:
        students = list(session.scalars(select(Student)))
    assert all(s.id_number and is_valid_id_number(s.id_number) for s in students)
    assert all(s.student_number == "G" + (s.id_number or "") for s in students)
    assert len({s.id_number for s in students}) == len(students)
    share = Counter()
    for s in students:
        share["poor"] += s.registered_poor
        share["left"] += s.left_behind != "0"
        share["disabled"] += s.disability_type is not None
        share["migrant"] += s.migrant
        share["zhuang"] += s.ethnicity == "08"
        share["rare"] += any(ord(ch) > 0xFFFF for ch in s.name)
    n = len(students)
    assert 0.02 < share["poor"] / n < 0.15
    assert 0.05 < share["left"] / n < 0.35
    assert 0 < share["disabled"] / n < 0.05
    assert 0 < share["migrant"] / n < 0.2
    assert 0.35 < share["zhuang"] / n < 0.6
    assert share["rare"] >= 1  # names outside the BMP are in the demo, as in real Zhuang villages


def test_campaign_year_history(demo: tuple[Database, DemoSummary]) -> None:
    database, summary = demo
    with database.read() as session:
        stages = Counter(session.scalars(select(DropoutCase.status)))
        visit_states = Counter(session.scalars(select(Visit.status)))
    assert set(stages) == {"open", "persuading", "resolved", "closed"}
    assert sum(stages.values()) == summary.cases >= 10
    assert visit_states["finalized"] > 0 and summary.key_targets > 0
    with database.read() as session:
        report = check_store(session)
    assert report.ok, [f.en for f in report.findings][:5]
    assert report.ops >= report.records


def test_same_seed_same_district(demo: tuple[Database, DemoSummary], tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Row keys are UUIDs born on the device (they must differ between devices); everything else repeats."""
    monkeypatch.setattr(keys, "DEFAULT_KDF", FAST_KDF)
    first, _ = demo
    second, _ = _make(tmp_path / "again", seed=7)

    def content(database: Database) -> list[tuple[object, ...]]:
        return sorted((r["name"], r["id_number"], r["grade"], r["class_name"], r["registered_poor"])
                      for r in _records(database) if r["_table"] == "student")

    try:
        assert content(first) == content(second)
    finally:
        second.close()
    third, _ = _make(tmp_path / "other-seed", seed=8)
    try:
        assert content(third) != content(first)
    finally:
        third.close()
