"""Issue 8's figure: the weekly report of a 100,000-student district, against the raw SQL aggregate queries that
produce its figures, in the same run (bound: 3x).

    python -m bench.reports [--repeat N]

- app: :func:`app.services.reports.build_report` for the district (townships as rows, this week and the previous
  one, dropout rate, and, with the records declared complete, the retention rates and their cohort queries);
- raw: on its own SQLCipher connection to the same file, one ``GROUP BY school`` query per figure and period (cases
  found, outcomes, still out, registered poor, this year's dropouts, visits done, follow-ups planned and done, key
  targets planned and done, key targets, the roll, the enrolment of 1 September, the cohorts), summed per township in
  Python, and checked to equal the app's district totals (so both sides compute the same figures).

Two weeks: one of the spring return drive (many cases and visits in the period) and the current week (the
retention rates computed, so their cohort queries run too). Medians of ``--repeat`` runs, app and raw alternating.
The district is the cached one of ``bench/ui_start.py`` (built once with ``generate_demo``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from datetime import date, timedelta
from typing import Any

BOUND = 3.0
RECORDS_SINCE = date(2000, 1, 1)  # the records declared complete, so every rate (and its queries) is computed
ON_ROLL = "('in_school', 'home_teaching', 'suspended', 'dropped_out')"
ENROLLED = "('in_school', 'home_teaching', 'suspended')"
RETURNS = "('returned', 'mainstream', 'special_school', 'home_teaching', 'deferred', 'vocational')"


def _raw_period(conn: Any, start: date, end: date) -> dict[str, Counter[str]]:
    """The flow and stock figures of one period, per school, by plain aggregate queries."""
    s, e = start.isoformat(), end.isoformat()
    year_start = date(end.year if end.month >= 9 else end.year - 1, 9, 1).isoformat()
    figures: dict[str, Counter[str]] = {}

    def add(name: str, rows: Any) -> None:
        counter: Counter[str] = Counter()
        for school, value in rows:
            counter[school] += value or 0
        figures[name] = counter

    add("found", conn.execute("SELECT school_id, count(*) FROM dropout_case WHERE deleted = 0 AND detected_on "
                              "BETWEEN ? AND ? GROUP BY school_id", (s, e)))
    add("poor_found", conn.execute(
        "SELECT c.school_id, sum(st.registered_poor) FROM dropout_case c JOIN student st ON st.id = c.student_id "
        "WHERE c.deleted = 0 AND c.detected_on BETWEEN ? AND ? GROUP BY c.school_id", (s, e)))
    add("back", conn.execute(f"SELECT school_id, count(*) FROM dropout_case WHERE deleted = 0 AND outcome_on "
                             f"BETWEEN ? AND ? AND outcome IN {RETURNS} GROUP BY school_id", (s, e)))
    add("outcomes", conn.execute("SELECT school_id, count(*) FROM dropout_case WHERE deleted = 0 AND outcome IS NOT "
                                 "NULL AND outcome_on BETWEEN ? AND ? GROUP BY school_id", (s, e)))
    out = ("c.deleted = 0 AND c.detected_on <= :e AND NOT (c.outcome IS NOT NULL AND c.outcome_on <= :e) "
           "AND NOT (c.closed_on IS NOT NULL AND c.closed_on <= :e)")
    add("still_out", conn.execute(f"SELECT c.school_id, count(*) FROM dropout_case c WHERE {out} GROUP BY c.school_id",
                                  {"e": e}))
    add("poor_still_out", conn.execute(
        f"SELECT c.school_id, sum(st.registered_poor) FROM dropout_case c JOIN student st ON st.id = c.student_id "
        f"WHERE {out} GROUP BY c.school_id", {"e": e}))
    add("dropouts_year", conn.execute(
        "SELECT school_id, count(DISTINCT student_id) FROM dropout_case WHERE deleted = 0 AND detected_on BETWEEN ? "
        "AND ? AND coalesce(outcome, '') != 'data_error' GROUP BY school_id", (year_start, e)))
    add("visits_done", conn.execute(
        "SELECT school_id, count(*) FROM visit WHERE deleted = 0 AND status = 'finalized' AND amends_visit_id IS "
        "NULL AND visited_on BETWEEN ? AND ? GROUP BY school_id", (s, e)))
    follow = ("FROM visit v WHERE v.deleted = 0 AND v.status = 'finalized' AND v.amends_visit_id IS NULL AND "
              "v.follow_up_on BETWEEN :s AND :e")
    later = ("EXISTS (SELECT 1 FROM visit w WHERE w.student_id = v.student_id AND w.deleted = 0 AND w.status = "
             "'finalized' AND w.id != v.id AND w.visited_on > v.visited_on AND w.visited_on <= :e)")
    add("planned_follow", conn.execute(f"SELECT v.school_id, count(*) {follow} GROUP BY v.school_id",
                                       {"s": s, "e": e}))
    add("done_follow", conn.execute(f"SELECT v.school_id, sum({later}) {follow} GROUP BY v.school_id",
                                    {"s": s, "e": e}))
    # key_target first (CROSS JOIN fixes the order): a few thousand flags, each looked up in the student table.
    live = ("k.deleted = 0 AND k.active = 1 AND st.deleted = 0 AND st.status NOT IN ('graduated', "
            "'transferred_out', 'deceased')")
    key_targets: Counter[str] = Counter()
    key_targets_new: Counter[str] = Counter()
    for school, count, new in conn.execute(
            f"SELECT st.school_id, sum(k.flagged_on <= :e), sum(k.flagged_on BETWEEN :s AND :e) FROM key_target k "
            f"CROSS JOIN student st ON st.id = k.student_id WHERE {live} GROUP BY st.school_id", {"s": s, "e": e}):
        key_targets[school] += count or 0
        key_targets_new[school] += new or 0
    figures["key_targets"], figures["key_targets_new"] = key_targets, key_targets_new
    planned: Counter[str] = Counter()
    done: Counter[str] = Counter()
    for _, c_start, c_end in conn.execute("SELECT id, starts_on, ends_on FROM campaign WHERE deleted = 0 AND "
                                          "starts_on <= ? AND ends_on >= ?", (e, s)).fetchall():
        w_start, w_end = max(c_start, s), min(c_end, e)
        visit = ("EXISTS (SELECT 1 FROM visit v WHERE v.student_id = k.student_id AND v.deleted = 0 AND "
                 "v.status = 'finalized' AND v.visited_on {})")
        in_window = visit.format("BETWEEN :ws AND :we")
        before_window = visit.format(">= :cs AND v.visited_on < :ws")
        for school, count, visited_count in conn.execute(
                f"SELECT st.school_id, count(*), sum({in_window}) FROM key_target k "
                f"CROSS JOIN student st ON st.id = k.student_id WHERE {live} AND k.flagged_on <= :we AND NOT "
                f"{before_window} GROUP BY st.school_id", {"ws": w_start, "we": w_end, "cs": c_start}):
            planned[school] += count
            done[school] += visited_count or 0
    figures["visits_planned"] = figures["planned_follow"] + planned
    figures["planned_done"] = figures["done_follow"] + done
    return figures


def _raw_cohorts(conn: Any, as_of: date) -> dict[str, Counter[str]]:
    year_start = as_of.year if as_of.month >= 9 else as_of.year - 1
    figures: dict[str, Counter[str]] = {}

    def add(name: str, rows: Any) -> None:
        counter: Counter[str] = Counter()
        for school, value in rows:
            counter[school] += value or 0
        figures[name] = counter

    add("members", conn.execute(f"SELECT school_id || ':' || grade, count(*) FROM student WHERE deleted = 0 AND "
                                f"grade IN (6, 9) AND status IN {ON_ROLL} GROUP BY school_id, grade"))
    add("graduates", conn.execute(
        "SELECT from_school_id || ':' || from_grade, count(DISTINCT student_id) FROM registry_change WHERE deleted = 0 "
        "AND effective_on BETWEEN ? AND ? AND ((change_type = 'graduation' AND from_grade IN (6, 9)) OR "
        "(change_type = 'promotion' AND from_grade = 6)) GROUP BY from_school_id, from_grade",
        (f"{year_start}-09-01", as_of.isoformat())))
    # The cohort's grade in the school year of a change: final grade − (this year − that year).
    years_before = (f"({year_start} - (CAST(strftime('%Y', effective_on) AS INTEGER) - "
                    f"(CAST(strftime('%m', effective_on) AS INTEGER) < 9)))")
    for name, change, school in (("in", "transfer_in", "to_school_id"), ("out", "transfer_out", "from_school_id"),
                                 ("deaths", "death", "from_school_id")):
        add(name, conn.execute(
            f"SELECT {school} || ':' || CASE WHEN from_grade = 6 - {years_before} AND {years_before} < 6 THEN 6 "
            f"WHEN from_grade = 9 - {years_before} AND {years_before} < 3 THEN 9 END, count(*) FROM registry_change "
            f"WHERE deleted = 0 AND change_type = ? AND effective_on BETWEEN ? AND ? AND from_grade IS NOT NULL "
            f"GROUP BY 1", (change, f"{year_start - 5}-09-01", as_of.isoformat())))
    return figures


def _raw_roll(conn: Any, year_starts: set[str]) -> dict[str, Counter[str]]:
    """The roll now, and the enrolment on each 1 September: today's, corrected for the students changed since."""
    figures: dict[str, Counter[str]] = {"students": Counter()}
    enrolled_now: Counter[str] = Counter()
    for school, status, count in conn.execute("SELECT school_id, status, count(*) FROM student WHERE deleted = 0 "
                                              "GROUP BY school_id, status"):
        if status in ON_ROLL:
            figures["students"][school] += count
        if status in ENROLLED:
            enrolled_now[school] += count
    for start in year_starts:
        enrolment = Counter(enrolled_now)
        for school, correction in conn.execute(
                f"WITH firsts AS (SELECT student_id, from_school_id, from_status, row_number() OVER (PARTITION BY "
                f"student_id ORDER BY effective_on, id) AS n FROM registry_change WHERE deleted = 0 AND effective_on "
                f">= :day) SELECT school, sum(delta) FROM ("
                f"SELECT st.school_id AS school, -1 AS delta FROM firsts f JOIN student st ON st.id = f.student_id "
                f"WHERE f.n = 1 AND st.deleted = 0 AND st.status IN {ENROLLED} UNION ALL "
                f"SELECT f.from_school_id, 1 FROM firsts f JOIN student st ON st.id = f.student_id "
                f"WHERE f.n = 1 AND st.deleted = 0 AND f.from_status IN {ENROLLED}) GROUP BY school", {"day": start}):
            enrolment[school] += correction or 0
        figures[f"enrolment {start}"] = enrolment
    return figures


def raw_report(conn: Any, day: date, *, today: date, with_cohorts: bool) -> dict[str, Any]:
    start = day - timedelta(days=day.weekday())
    end = min(start + timedelta(days=6), today)
    towns = dict(conn.execute("SELECT id, township_id FROM school WHERE deleted = 0").fetchall())
    now = _raw_period(conn, start, end)
    before = _raw_period(conn, start - timedelta(days=7), start - timedelta(days=1))
    year_of = {p_end: date(p_end.year if p_end.month >= 9 else p_end.year - 1, 9, 1).isoformat()
               for p_end in (end, start - timedelta(days=1))}
    roll = _raw_roll(conn, set(year_of.values()))
    now["students"] = roll["students"]
    now["enrolment"] = roll[f"enrolment {year_of[end]}"]
    by_town: dict[str, Counter[str]] = {}
    for name, counter in now.items():
        summed: Counter[str] = Counter()
        for school, value in counter.items():
            summed[towns.get(school) or "-"] += value
        by_town[name] = summed
    totals = {name: sum(counter.values()) for name, counter in now.items()}
    totals_before = {name: sum(counter.values()) for name, counter in before.items()}
    cohorts = _raw_cohorts(conn, end) if with_cohorts else {}
    return {"totals": totals, "previous": totals_before, "townships": by_town,
            "cohorts": {name: sum(c.values()) for name, c in cohorts.items()}}


def run(repeat: int = 5) -> dict[str, Any]:
    from app.services.reports import build_report
    from app.store.db import open_folder
    from bench.search import _raw_connection
    from bench.ui_start import PASSWORD, TODAY, cached_district

    data = cached_district()
    database = open_folder(data, "admin", PASSWORD)
    conn = _raw_connection(data, database.data_key)
    weeks = (("spring return drive week", date(2026, 3, 16)), ("current week, retention computed", TODAY))
    result: dict[str, Any] = {"students": conn.execute("SELECT count(*) FROM student WHERE deleted = 0").fetchone()[0],
                              "bound": BOUND, "weeks": []}
    for label, day in weeks:
        with_cohorts = day == TODAY
        app_ms, raw_ms = [], []
        report = raw = None
        for _ in range(repeat):
            started = time.perf_counter()
            with database.read() as session:
                report = build_report(session, "weekly", day, today=TODAY, records_since=RECORDS_SINCE)
            app_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            raw = raw_report(conn, day, today=TODAY, with_cohorts=with_cohorts)
            raw_ms.append((time.perf_counter() - started) * 1000)
        assert report is not None and raw is not None
        f, p = report.total.figures, report.total.previous
        for name in ("students", "found", "back", "still_out", "poor_found", "poor_still_out", "dropouts_year",
                     "visits_done", "visits_planned", "planned_done", "key_targets", "key_targets_new", "enrolment"):
            assert getattr(f, name) == raw["totals"][name], (label, name, getattr(f, name), raw["totals"][name])
        for name in ("found", "back", "still_out", "visits_done", "visits_planned", "key_targets"):
            assert getattr(p, name) == raw["previous"][name], (label, "previous", name)
        if with_cohorts:
            cohorts = report.total.figures.cohorts
            members = sum(c.members for c in cohorts.values())
            assert members == raw["cohorts"]["members"] + raw["cohorts"]["graduates"], (members, raw["cohorts"])
        app, raw_median = statistics.median(app_ms), statistics.median(raw_ms)
        result["weeks"].append({
            "week": label, "day": day.isoformat(), "found": f.found, "back": f.back, "still_out": f.still_out,
            "visits_done": f.visits_done, "visits_planned": f.visits_planned, "key_targets": f.key_targets,
            "dropout_rate": report.total.dropout_rate.shown("en"),
            "retention": {stage.value: rate.shown("en") for stage, rate in report.total.retention.items()},
            "app_ms": round(app, 1), "raw_ms": round(raw_median, 1), "ratio": round(app / raw_median, 2),
            "within_bound": app <= BOUND * raw_median})
    conn.close()
    database.close()
    result["worst_ratio"] = max(week["ratio"] for week in result["weeks"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(run(args.repeat), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
