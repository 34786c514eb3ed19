"""Issue 3's import figures: importing an N-row registry .xlsx (default 100,000) against openpyxl's read-only parse
of the same file plus a raw ``executemany`` of its rows into one plain SQLite table, measured in the same run; and
the import's peak memory, which must stay flat: the peak RSS of importing N rows against importing N/5 rows
(20,000 for 100,000), and against calamine's bare parse of the N-row file in the same setting.

Issue 17's, since the reader is calamine (python-calamine-plus's row stream): the import's read phase
(``spreadsheets.open_table`` and every row it hands over: format detection, header, merged cells, empty cells)
against calamine's bare parse of the same file (open, stream the sheet's rows), each in a fresh process (bound
2x); and the whole import against calamine's parse plus the design's floor (:mod:`bench.floor`: the very rows and
op-log rows the import stored, raw executemany into a copy of the same encrypted folder after the same
validation), bound 2x. The import against calamine's parse plus a raw executemany into one plain table is kept
for comparison.

    python -m bench.import_roster [N] [--small M] [--no-memory] [--reimport]

``--reimport`` also measures, in one fresh process, a newer export of the same N students imported over the
first (every 10th guardian's phone new, every 50th family moved: issue 14's re-import, which compares each
known student's household and guardian too) against the first import of the file in that same process.

Each import, and the bare parse, runs in a fresh process of its own (spawned, so nothing of this process's file
writing or baseline is in it) that creates the data folder and the schools first; its peak is VmHWM from
/proc/self/status (ru_maxrss elsewhere). SQLite's page cache is part of every figure: a transaction that writes
many rows widens it to ``oplog.WIDE_CACHE_KIB`` (64 MiB), and a small import fills less of it than a large one.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.floor import floor_seconds, written_since

TODAY = date(2026, 11, 29)
SCHOOLS = (("西乡塘区石埠小学", "2145070001"), ("西乡塘区坛洛镇中心小学", "2145070002"))
HEADER = ["序号", "学校名称", "学校标识码", "年级", "班级", "姓名", "性别", "出生日期", "民族", "身份证件类型",
          "身份证件号", "全国学籍号", "监护人", "监护人关系", "联系电话", "家庭住址", "户口所在地", "是否建档立卡",
          "是否留守儿童", "是否随迁子女", "就读方式"]
SURNAMES = "韦李黄陆莫蒙覃梁农罗刘陈张周"
GIVEN = "小明丽华强芳军秀英海燕志宏桂兰春梅建国玉凤𰻝"
CN_GRADES = "一二三四五六七八九"
TIME_BOUND = 3.0
READ_BOUND = 2.0  # the import's read phase over calamine's bare parse
FLOOR_BOUND = 2.0  # the whole import over calamine's parse plus the design's floor (issue 17)
PEAK_BOUND = 1.3  # the N-row import's peak over the N/5-row import's


def write_roster(path: Path, count: int, *, newer: bool = False) -> None:
    """A registry-style export with a title row, written streaming (openpyxl write-only). ``newer``: the same
    students a term later, every 10th with a new phone and every 50th at a new address."""
    import openpyxl

    from app.domain.identity import make_id_number

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("学生名单")
    sheet.append(["西乡塘区学生名单（基准测试，合成数据）"])
    sheet.append(HEADER)
    for index in range(count):
        grade = 1 + index % 9
        # Unique ID numbers: (grade, day of the birth year) repeats every 3,285 rows; the sequence moves on then.
        birth = date(2020 - grade, 9, 1) + timedelta(days=(index // 9) % 365)
        male = index % 2 == 0
        sequence = ((index // 3285) % 500) * 2 + (1 if male else 0)
        id_number = make_id_number("450107", birth, sequence)
        school, code = SCHOOLS[index % 2]
        surname = SURNAMES[index % len(SURNAMES)]
        sheet.append([
            index + 1, school, code, f"{CN_GRADES[grade - 1]}年级", f"{1 + index % 6}班",
            surname + GIVEN[(index * 7) % len(GIVEN)] + GIVEN[(index * 11) % len(GIVEN)], "男" if male else "女",
            birth.isoformat(), "壮族" if index % 3 else "汉族", "居民身份证", id_number, "G" + id_number,
            surname + GIVEN[(index * 13) % len(GIVEN)], "父亲",
            f"139{index:08d}" if newer and index % 10 == 0 else f"138{index:08d}",
            f"西乡塘区坛洛镇{index % 89}号" if newer and index % 50 == 0 else f"西乡塘区石埠街道{index % 97}号",
            "广西南宁市西乡塘区", "是" if index % 12 == 0 else "否", "否", "否", "走读"])
    workbook.save(path)


def baseline(path: Path, plain: Path) -> float:
    """(a): openpyxl read-only parse of the file, streamed into a raw executemany of its rows."""
    import openpyxl

    started = time.perf_counter()
    workbook = openpyxl.load_workbook(path, read_only=True)
    sheet = workbook.worksheets[0]
    connection = sqlite3.connect(plain)
    connection.execute(f"CREATE TABLE roster ({', '.join(f'c{i}' for i in range(len(HEADER)))})")
    connection.executemany(f"INSERT INTO roster VALUES ({', '.join('?' for _ in HEADER)})",
                           sheet.iter_rows(min_row=3, values_only=True))
    connection.commit()
    connection.close()
    workbook.close()
    return time.perf_counter() - started


def baseline_calamine(path: Path, plain: Path) -> float:
    """(a'): calamine's parse of the file, streamed into the same raw executemany."""
    import python_calamine_plus

    started = time.perf_counter()
    workbook = python_calamine_plus.CalamineWorkbook.from_path(path)
    rows = iter(workbook.stream_sheet_by_index(0))
    next(rows), next(rows)  # the title and the header
    connection = sqlite3.connect(plain)
    connection.execute(f"CREATE TABLE roster ({', '.join(f'c{i}' for i in range(len(HEADER)))})")
    connection.executemany(f"INSERT INTO roster VALUES ({', '.join('?' for _ in HEADER)})", rows)
    connection.commit()
    connection.close()
    workbook.close()
    return time.perf_counter() - started


def peak_mb() -> float:
    """This process's peak RSS in MB: VmHWM on Linux, whose ru_maxrss would carry the spawning parent's."""
    status = Path("/proc/self/status")
    if status.exists():
        return int(status.read_text().split("VmHWM:")[1].split()[0]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def child(mode: str, path: str, data_dir: str, results: Any, newer: str | None = None) -> None:
    """In a fresh process: a data folder with the schools, then (b) plan_import + apply_import of the file in one
    write transaction (``mode`` "import"), only calamine's bare parse of it (``mode`` "parse"), or only the
    import's read phase, the rows as open_table hands them over (``mode`` "read")."""
    from app.services import places
    from app.services.importing import apply_import, plan_import
    from app.services.spreadsheets import open_table
    from app.store import keys
    from app.store.db import create_folder
    from bench.floor import snapshot

    keys.DEFAULT_KDF = keys.KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
    database = create_folder(Path(data_dir), username="admin", password="bench-password")
    with database.write() as session:
        for name, code in SCHOOLS:
            places.add_school(session, name=name, school_type="primary", code=code)
    rss_before = peak_mb()
    figures: dict[str, float] = {}
    before = None
    started = time.perf_counter()
    if mode == "parse":
        import python_calamine_plus

        workbook = python_calamine_plus.CalamineWorkbook.from_path(path)
        figures["rows"] = sum(1 for _ in workbook.stream_sheet_by_index(0))
        workbook.close()
    elif mode == "read":
        with open_table(Path(path)) as table:
            figures["rows"] = sum(1 for _ in table.rows)
    else:
        before = snapshot(database, Path(f"{data_dir}-floor")) if mode == "import" else None
        started = time.perf_counter()
        with database.write() as session:
            plan = plan_import(session, Path(path), today=TODAY)
            planned = time.perf_counter()
            result = apply_import(session, plan, skip_invalid=False)
            applied = time.perf_counter()
        figures.update(added=result.added, rejected=plan.counts.rejected, plan_s=planned - started,
                       apply_s=applied - planned, commit_s=time.perf_counter() - applied)
    figures["seconds"] = time.perf_counter() - started
    import_peak = peak_mb()  # before the floor, which holds every written row in memory
    if before is not None:
        figures["floor_s"] = _floor(database, before)
    if mode == "reimport" and newer is not None:
        again = time.perf_counter()
        with database.write() as session:
            plan = plan_import(session, Path(newer), today=TODAY)
            result = apply_import(session, plan, skip_invalid=False)
        figures.update(reimport_s=time.perf_counter() - again, changed=result.changed,
                       unchanged=result.unchanged)
    database.close()
    figures.update(rss_before_mb=rss_before, peak_rss_mb=import_peak if mode == "import" else peak_mb())
    results.put(figures)


def _floor(database: Any, before: Any) -> float:
    """The design's floor for what the import wrote: its rows, validated again by the same functions (read back
    as the inputs they were made from), stored into the snapshot by raw executemany."""
    from dataclasses import fields

    from sqlalchemy import select

    from app.services import roster
    from app.store.models import Household, HouseholdMember, Student

    written = written_since(database, before)
    with database.read() as session:
        households = [roster.HouseholdInput(**{f.name: getattr(h, f.name) for f in fields(roster.HouseholdInput)})
                      for h in session.scalars(select(Household))]
        members = [(roster.MemberInput(**{f.name: getattr(m, f.name) for f in fields(roster.MemberInput)}), m.scope)
                   for m in session.scalars(select(HouseholdMember))]
        students = [roster.student_input(s) for s in session.scalars(select(Student))]

    def validate() -> None:
        for household in households:
            roster.validate_household(household)
        for member, scope in members:
            roster.validate_member(member, scope)
        for student in students:
            roster.validate_student(student, today=TODAY)

    seconds = floor_seconds(before, written, validate)
    before.close()
    return seconds


def in_child(mode: str, path: Path, data_dir: Path, newer: Path | None = None) -> dict[str, float]:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=child, args=(mode, str(path), str(data_dir), results,
                                                  None if newer is None else str(newer)))
    process.start()
    figures: dict[str, float] = results.get()
    process.join()
    return figures


def imported(path: Path, data_dir: Path, count: int) -> dict[str, float]:
    figures = in_child("import", path, data_dir)
    if figures["added"] != count or figures["rejected"]:
        raise SystemExit(f"the import did not take every row: {figures}")
    return figures


def run(count: int = 100_000, *, small: int | None = None, memory: bool = True,
        reimport: bool = False) -> dict[str, float]:
    small = small or max(count // 5, 1)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        path = base / "学籍导出.xlsx"
        started = time.perf_counter()
        write_roster(path, count)
        written = time.perf_counter() - started
        raw_seconds = baseline(path, base / "plain.db")
        calamine_seconds = baseline_calamine(path, base / "plain_calamine.db")
        big = imported(path, base / "data", count)
        parse = in_child("parse", path, base / "data_parse")
        read = in_child("read", path, base / "data_read")
        if read["rows"] != count:
            raise SystemExit(f"the reader did not hand over every row: {read}")
        figures = {
            "rows": count, "file_mb": path.stat().st_size / 1e6, "write_file_s": written,
            "a_parse_executemany_s": raw_seconds, "b_import_s": big["seconds"], "b_plan_s": big["plan_s"],
            "b_apply_s": big["apply_s"], "b_commit_s": big["commit_s"], "ratio_b_over_a": big["seconds"] / raw_seconds,
            "b_rss_before_import_mb": big["rss_before_mb"], "b_peak_rss_mb": big["peak_rss_mb"],
            "c_calamine_parse_s": parse["seconds"], "c_read_phase_s": read["seconds"],
            "ratio_read_over_parse": read["seconds"] / parse["seconds"],
            "a2_calamine_executemany_s": calamine_seconds,
            "ratio_b_over_a2": big["seconds"] / calamine_seconds,
            "floor_s": big["floor_s"],
            "ratio_b_over_parse_floor": big["seconds"] / (parse["seconds"] + big["floor_s"]),
            "parse_peak_rss_mb": parse["peak_rss_mb"], "read_peak_rss_mb": read["peak_rss_mb"],
        }
        if memory:
            small_path = base / "学籍导出_小.xlsx"
            write_roster(small_path, small)
            little = imported(small_path, base / "data_small", small)
            figures.update({
                "small_rows": small, "small_peak_rss_mb": little["peak_rss_mb"],
                "peak_ratio_big_over_small": big["peak_rss_mb"] / little["peak_rss_mb"],
                "big_over_parse_mb": big["peak_rss_mb"] - parse["peak_rss_mb"],
                "small_over_parse_mb": little["peak_rss_mb"] - parse["peak_rss_mb"],
            })
        if reimport:
            newer = base / "学籍导出_下学期.xlsx"
            write_roster(newer, count, newer=True)
            both = in_child("reimport", path, base / "data_reimport", newer)
            expected = len(range(0, count, 10))  # every 50th is among them (its phone and its address)
            if both["changed"] != expected:
                raise SystemExit(f"the re-import did not change every changed family: {both}")
            figures.update({"reimport_first_s": both["seconds"], "reimport_s": both["reimport_s"],
                            "reimport_changed": both["changed"],
                            "ratio_reimport_over_import": both["reimport_s"] / both["seconds"]})
        return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_roster", description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", nargs="?", type=int, default=100_000, help="rows of the file (default 100,000)")
    parser.add_argument("--small", type=int, default=None,
                        help="rows of the small import the peak memory is compared with (default rows / 5)")
    parser.add_argument("--no-memory", action="store_true", help="measure the time only")
    parser.add_argument("--reimport", action="store_true", help="also measure a newer export imported over it")
    args = parser.parse_args(argv)
    figures = run(args.rows, small=args.small, memory=not args.no_memory, reimport=args.reimport)
    for name, value in figures.items():
        print(f"{name:26} {value:10.3f}")
    print(f"time: {figures['ratio_b_over_a']:.2f}x (bound {TIME_BOUND:g}x)", file=sys.stderr)
    f = figures
    print(f"read phase {f['c_read_phase_s']:.2f} s over calamine's bare parse {f['c_calamine_parse_s']:.2f} s: "
          f"{f['ratio_read_over_parse']:.2f}x (bound {READ_BOUND:g}x)", file=sys.stderr)
    print(f"import {f['b_import_s']:.1f} s over calamine's parse {f['c_calamine_parse_s']:.2f} s + the floor "
          f"{f['floor_s']:.2f} s: {f['ratio_b_over_parse_floor']:.2f}x (bound {FLOOR_BOUND:g}x)", file=sys.stderr)
    if "peak_ratio_big_over_small" in figures:
        print(f"peak RSS: {figures['b_peak_rss_mb']:.0f} MB at {args.rows:,} rows, "
              f"{figures['small_peak_rss_mb']:.0f} MB at {figures['small_rows']:,.0f}, "
              f"{figures['parse_peak_rss_mb']:.0f} MB for the bare parse: "
              f"{figures['peak_ratio_big_over_small']:.2f}x (bound {PEAK_BOUND:g}x)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
