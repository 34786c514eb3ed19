"""Writing 100,000 students (with households) through the services.

Issue 17's figure: against the design's own floor (:mod:`bench.floor`: the same rows and op-log rows into a
copy of the same encrypted folder by raw ``executemany``, after the same validation), bound 2x. Issue 2's
figures, kept for comparison: against a raw ``executemany`` of the same rows into one plain SQLite table, and
the data folder's size against that table.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
from datetime import date
from pathlib import Path

from app.domain.codes import SchoolType
from app.domain.identity import make_id_number
from app.services import places, roster
from app.store import keys
from app.store.db import create_folder
from bench.floor import floor_seconds, snapshot, written_since

SURNAMES = "韦李黄陆莫蒙覃梁农罗刘陈张周"
GIVEN = "小明丽华强芳军秀英海燕志宏桂兰春梅建国玉凤𰻝"
TODAY = date(2026, 11, 29)


def synthetic_rows(count: int, seed: int = 7) -> list[tuple[roster.HouseholdInput, roster.StudentInput]]:
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        grade = rng.randint(1, 9)
        birth = date(TODAY.year - 6 - grade + (1 if TODAY.month < 9 else 0), rng.randint(1, 8), rng.randint(1, 28))
        id_number = make_id_number("450107", birth, index % 1000)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        household = roster.HouseholdInput(
            scope="", head_name=rng.choice(SURNAMES) + rng.choice(GIVEN), address=f"西乡塘区石埠街道{index % 97}号",
            phone=f"138{rng.randint(0, 99999999):08d}", household_type="1",
            hardship=["registered_poor"] if rng.random() < 0.08 else [])
        student = roster.StudentInput(
            name=name, sex="1" if int(id_number[16]) % 2 else "2", birth_date=birth, school_id="",
            grade=grade, class_name=f"{rng.randint(1, 6)}班", id_number=id_number, student_number="G" + id_number,
            ethnicity=rng.choice(["01", "08"]), registered_poor=rng.random() < 0.08,
            left_behind=rng.choice("0012"))
        rows.append((household, student))
    # ID numbers must be unique: the sequence repeats every 1000, so give every row its own birth day+seq.
    seen: set[str] = set()
    unique = []
    for household, student in rows:
        if student.id_number not in seen:
            seen.add(student.id_number)  # type: ignore[arg-type]
            unique.append((household, student))
    return unique


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and "backups" not in p.parts)


def run(count: int = 100_000) -> dict[str, float]:
    keys.DEFAULT_KDF = keys.KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
    rows = synthetic_rows(count)
    count = len(rows)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        database = create_folder(base / "data", username="admin", password="bench-password")
        with database.write() as session:
            school = places.add_school(session, name="西乡塘区第一小学", school_type=SchoolType.PRIMARY)
        for household, student in rows:
            household.scope = school.id
            student.school_id = school.id
        before = snapshot(database, base / "floor")
        started = time.perf_counter()
        with database.write() as session:
            household_ids = roster.add_households(session, [h for h, _ in rows])
            for (_, student), household_id in zip(rows, household_ids, strict=True):
                student.household_id = household_id
            roster.add_students(session, [s for _, s in rows], today=TODAY)
        service_seconds = time.perf_counter() - started
        written = written_since(database, before)

        def validate() -> None:
            for household, student in rows:
                roster.validate_household(household)
                roster.validate_student(student, today=TODAY)

        floor = floor_seconds(before, written, validate)
        before.close()
        # The baseline's rows are the very rows the services stored: each student with its household's
        # columns, flattened, keys included.
        with database.read() as session:
            flat = [tuple(row) for row in session.connection().exec_driver_sql(
                "SELECT s.*, h.* FROM student s JOIN household h ON h.id = s.household_id")]
        database.close()
        data_size = folder_size(base / "data")
        plain = sqlite3.connect(base / "plain.db")
        plain.execute(f"CREATE TABLE student ({', '.join(f'c{i}' for i in range(len(flat[0])))})")
        started = time.perf_counter()
        plain.executemany(f"INSERT INTO student VALUES ({', '.join('?' for _ in flat[0])})", flat)
        plain.commit()
        raw_seconds = time.perf_counter() - started
        plain.close()
        plain_size = (base / "plain.db").stat().st_size
    return {
        "students": count,
        "raw_executemany_s": raw_seconds,
        "services_s": service_seconds,
        "floor_s": floor,
        "floor_ratio": service_seconds / floor,
        "write_ratio": service_seconds / raw_seconds,
        "plain_table_mb": plain_size / 1e6,
        "data_folder_mb": data_size / 1e6,
        "size_ratio": data_size / plain_size,
    }


if __name__ == "__main__":
    import sys

    for name, value in run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000).items():
        print(f"{name:20} {value:10.3f}")
