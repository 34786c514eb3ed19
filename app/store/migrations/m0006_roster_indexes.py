"""6: the roster and household indexes again, shaped by measuring on 100,000 students (replaces most of 2).

Migration 2's indexes led with ``deleted``; without ANALYZE statistics SQLite takes an equality on a leading
column for a very selective one, so it picked those indexes over the search's own and a keystroke scanned the
whole roster (200 ms instead of 1). These indexes never start with a low-cardinality column:

- each search index carries ``deleted`` after its key, so the live-row test needs no table lookup;
- the roster index is in display order (school, grade, class, name) and carries every filter column, so any
  filter on the whole roster is one scan of that index, with no sort and no table lookups; the name and
  initials indexes carry the filter columns too, so typing a name with filters set stays in the index.
  (Table lookups are what costs: every page of an SQLCipher table is decrypted on the way in.)
- the key-target filter finds its students by id, so an id index carries the display-order columns;
- ``visit.amends_visit_id`` is indexed for the Today page's "already corrected" test (without it the
  follow-up query is quadratic in the number of visits); the status indexes of 2 are dropped: visits and
  cases are few enough to scan, and an equality on status lured the planner away from better indexes.

All are plain B-tree indexes answered with range scans (``col >= 'wx' AND col < 'wy'``), so nothing in the
op-log write path has to maintain them (an FTS table would).
"""

from __future__ import annotations

from typing import Any

# Migration 2's indexes, and (for databases made from development copies of this migration) this one's.
DROP = ("ix_student_roster", "ix_student_name", "ix_student_initials", "ix_household_list",
        "ix_household_head_name", "ix_visit_status", "ix_dropout_case_status", "ix_student_id_roster",
        "ix_student_id_number_live", "ix_student_number_live", "ix_visit_amends")

DDL = """
CREATE INDEX ix_student_roster ON student (school_id, grade, class_name, name, deleted, status, registered_poor,
                                           left_behind, disability_type);
CREATE INDEX ix_student_name ON student (name, deleted, school_id, grade, class_name, status, registered_poor,
                                         left_behind, disability_type);
CREATE INDEX ix_student_initials ON student (name_initials, name, deleted, school_id, grade, class_name, status,
                                             registered_poor, left_behind, disability_type);
CREATE INDEX ix_student_id_roster ON student (id, deleted, school_id, grade, class_name, name);
CREATE INDEX ix_student_id_number_live ON student (id_number, deleted);
CREATE INDEX ix_student_number_live ON student (student_number, deleted);
CREATE INDEX ix_household_list ON household (address, deleted);
CREATE INDEX ix_household_head_name ON household (head_name, deleted, address);
CREATE INDEX ix_visit_amends ON visit (amends_visit_id);
"""


def upgrade(cur: Any) -> None:
    for name in DROP:
        cur.execute(f"DROP INDEX IF EXISTS {name}")
    for statement in DDL.split(";"):
        if statement.strip():
            cur.execute(statement)
