"""Issue 3's import figure: importing an N-row registry .xlsx (default 100,000) against openpyxl's read-only parse of
the same file plus a raw ``executemany`` of its rows into one plain SQLite table, measured in the same run; and the
import's peak memory (it streams the file, so memory grows with the rows kept for writing, not with the file).

    python -m bench.import_roster [N]

(b) runs in a fresh process so that its peak RSS is its own, not the file writer's or the baseline's.
"""

from __future__ import annotations

import multiprocessing
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

TODAY = date(2026, 11, 29)
SCHOOLS = (("西乡塘区石埠小学", "2145070001"), ("西乡塘区坛洛镇中心小学", "2145070002"))
HEADER = ["序号", "学校名称", "学校标识码", "年级", "班级", "姓名", "性别", "出生日期", "民族", "身份证件类型",
          "身份证件号", "全国学籍号", "监护人", "监护人关系", "联系电话", "家庭住址", "户口所在地", "是否建档立卡",
          "是否留守儿童", "是否随迁子女", "就读方式"]
SURNAMES = "韦李黄陆莫蒙覃梁农罗刘陈张周"
GIVEN = "小明丽华强芳军秀英海燕志宏桂兰春梅建国玉凤𰻝"
CN_GRADES = "一二三四五六七八九"


def write_roster(path: Path, count: int) -> None:
    """A registry-style export with a title row, written streaming (openpyxl write-only)."""
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
            surname + GIVEN[(index * 13) % len(GIVEN)], "父亲", f"138{index:08d}", f"西乡塘区石埠街道{index % 97}号",
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


def jiafang_import(path: str, data_dir: str, results: multiprocessing.Queue) -> None:
    """(b): plan_import + apply_import into a fresh data folder, in one write transaction."""
    from app.services import places
    from app.services.importing import apply_import, plan_import
    from app.store import keys
    from app.store.db import create_folder

    keys.DEFAULT_KDF = keys.KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
    database = create_folder(Path(data_dir), username="admin", password="bench-password")
    with database.write() as session:
        for name, code in SCHOOLS:
            places.add_school(session, name=name, school_type="primary", code=code)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with database.write() as session:
        plan = plan_import(session, Path(path), today=TODAY)
        planned = time.perf_counter()
        result = apply_import(session, plan, skip_invalid=False)
        applied = time.perf_counter()
    finished = time.perf_counter()
    database.close()
    results.put({
        "added": len(result.added), "rejected": len(plan.rejected), "plan_s": planned - started,
        "apply_s": applied - planned, "commit_s": finished - applied, "import_s": finished - started,
        "rss_before_mb": rss_before / 1024, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    })


def run(count: int = 100_000) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        path = base / "学籍导出.xlsx"
        started = time.perf_counter()
        write_roster(path, count)
        written = time.perf_counter() - started
        raw_seconds = baseline(path, base / "plain.db")
        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        child = context.Process(target=jiafang_import, args=(str(path), str(base / "data"), results))
        child.start()
        figures = results.get()
        child.join()
        if figures["added"] != count or figures["rejected"]:
            raise SystemExit(f"the import did not take every row: {figures}")
        return {
            "rows": count, "file_mb": path.stat().st_size / 1e6, "write_file_s": written,
            "a_parse_executemany_s": raw_seconds, "b_import_s": figures["import_s"], "b_plan_s": figures["plan_s"],
            "b_apply_s": figures["apply_s"], "b_commit_s": figures["commit_s"],
            "ratio_b_over_a": figures["import_s"] / raw_seconds,
            "b_rss_before_import_mb": figures["rss_before_mb"], "b_peak_rss_mb": figures["peak_rss_mb"],
        }


if __name__ == "__main__":
    for name, value in run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000).items():
        print(f"{name:24} {value:10.3f}")
