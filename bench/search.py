"""Issue 4's search figure: each keystroke in the roster's search box on 100,000 students, against a raw
indexed SQLite lookup of the same term.

    python -m bench.search [--repeat N]

For every keystroke of a few typed searches (a name through the input method, pinyin initials, an ID number
and a student number typed digit by digit, then clearing the box):

- app: ``search.setText(prefix)`` until the roster model has its answer (the count and the first page of rows
  the table shows: what the search path computes), and separately until the table is repainted;
- raw: on its own SQLCipher connection to the same file, ``count(*)`` and the first 100 rows of the same
  indexed range (``col >= ? AND col < ?``), the least a search screen needs.

Medians of ``--repeat`` runs per keystroke; the district is the cached one of ``bench/ui_start.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

BOUND = 3.0


def _raw_connection(data: Path, key: bytes) -> Any:
    import sqlcipher3

    conn = sqlcipher3.connect(str(data / "jiafang.db"), isolation_level=None)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


RAW_COLUMNS = "id, name, sex, birth_date, school_id, grade, class_name, status, id_number, student_number"


def raw_lookup(conn: Any, typed: str) -> tuple[int, list[Any]]:
    """The plain indexed lookup of a typed term: its count and first 100 rows."""
    from app.services.search import TermKind, parse_term, prefix_bounds

    term = parse_term(typed)
    if term.kind is TermKind.EMPTY:
        count = conn.execute("SELECT count(*) FROM student WHERE deleted = 0").fetchone()[0]
        rows = conn.execute(f"SELECT {RAW_COLUMNS} FROM student WHERE deleted = 0 "
                            "ORDER BY school_id, grade, class_name, name LIMIT 100").fetchall()
        return count, rows
    column = {TermKind.ID_NUMBER: "id_number", TermKind.STUDENT_NUMBER: "student_number",
              TermKind.INITIALS: "name_initials", TermKind.NAME: "name"}[term.kind]
    low, high = prefix_bounds(term.text)
    where = f"{column} >= ? AND {column} < ? AND deleted = 0"
    count = conn.execute(f"SELECT count(*) FROM student WHERE {where}", (low, high)).fetchone()[0]
    rows = conn.execute(f"SELECT {RAW_COLUMNS} FROM student WHERE {where} ORDER BY {column} LIMIT 100",
                        (low, high)).fetchall()
    return count, rows


def keystrokes(sample: dict[str, str]) -> list[tuple[str, str]]:
    """(label, text in the box after the keystroke) for the searches a teacher types."""
    name, initials, id_number, student_number = (sample["name"], sample["initials"], sample["id_number"],
                                                 sample["student_number"])
    strokes = [("name (IME)", name[:i]) for i in range(1, len(name) + 1)]
    strokes += [("clear", "")]
    strokes += [("initials", initials[:i]) for i in range(1, len(initials) + 1)]
    strokes += [("clear", "")]
    strokes += [("id number", id_number[:i]) for i in range(1, len(id_number) + 1)]
    strokes += [("clear", "")]
    strokes += [("student number", student_number[:i]) for i in range(1, len(student_number) + 1)]
    strokes += [("clear", "")]
    return strokes


def run(repeat: int = 5) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.store.db import open_folder
    from app.ui.i18n import install_language
    from app.ui.pages import PageContext
    from app.ui.pages.roster import RosterPage
    from bench.ui_start import PASSWORD, cached_district

    data = cached_district()
    app = QApplication.instance() or QApplication(sys.argv)
    install_language("zh")
    database = open_folder(data, "admin", PASSWORD)
    conn = _raw_connection(data, database.data_key)

    class Navigator:
        def navigate(self, kind: str, record_id: str) -> None:
            pass

        def refresh_status(self) -> None:
            pass

    page = RosterPage(PageContext(database=database, navigator=Navigator()))
    page.resize(1200, 760)
    page.show()
    app.processEvents()
    sample_row = page.model.row(page.model.total // 2)  # the middle of the roll, whatever the district size
    assert sample_row is not None and sample_row.id_number and sample_row.student_number
    from app.domain.names import pinyin_initials

    sample = {"name": sample_row.name, "initials": pinyin_initials(sample_row.name),
              "id_number": sample_row.id_number, "student_number": sample_row.student_number}
    strokes = keystrokes(sample)
    answers: list[list[float]] = [[] for _ in strokes]
    painted: list[list[float]] = [[] for _ in strokes]
    raws: list[list[float]] = [[] for _ in strokes]
    counts: list[int] = [0] * len(strokes)
    for _ in range(repeat):
        for index, (_label, text) in enumerate(strokes):
            started = time.perf_counter()
            page.search.setText(text)
            answered = time.perf_counter()
            app.processEvents()
            shown = time.perf_counter()
            answers[index].append((answered - started) * 1000)
            painted[index].append((shown - started) * 1000)
            counts[index] = page.model.total
            started = time.perf_counter()
            raw_count, _rows = raw_lookup(conn, text)
            raws[index].append((time.perf_counter() - started) * 1000)
            assert raw_count == page.model.total, (text, raw_count, page.model.total)
    lines: list[dict[str, Any]] = []
    for index, (label, text) in enumerate(strokes):
        answer, paint, raw = (statistics.median(answers[index]), statistics.median(painted[index]),
                              statistics.median(raws[index]))
        lines.append({"search": label, "typed": text, "matches": counts[index], "app_answer_ms": round(answer, 2),
                      "app_painted_ms": round(paint, 2), "raw_ms": round(raw, 3),
                      "ratio": round(answer / raw, 1) if raw else None})
    total_app = sum(line["app_answer_ms"] for line in lines)
    total_raw = sum(line["raw_ms"] for line in lines)
    heavy = [line for line in lines if line["raw_ms"] >= 1.0]
    result = {
        "students": page.model.total if not page.search.text() else None,
        "keystrokes": len(lines),
        "sum_app_answer_ms": round(total_app, 1),
        "sum_raw_ms": round(total_raw, 1),
        "ratio_of_sums": round(total_app / total_raw, 2),
        "median_ratio": statistics.median(line["ratio"] for line in lines),
        "max_ratio_where_raw_at_least_1ms": max((line["ratio"] for line in heavy), default=None),
        "max_ratio": max(line["ratio"] for line in lines),
        "worst_app_answer_ms": max(line["app_answer_ms"] for line in lines),
        "worst_app_painted_ms": max(line["app_painted_ms"] for line in lines),
        "lines": lines,
    }
    page.close()
    conn.close()
    database.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--summary", action="store_true", help="leave out the per-keystroke lines")
    args = parser.parse_args()
    result = run(args.repeat)
    if args.summary:
        result.pop("lines")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
