"""2: indexes for the roster and household lists and their search-as-you-type.

Plain B-tree indexes answered with range scans (``col >= 'wx' AND col < 'wy'``), so nothing in the op-log
write path has to maintain them (an FTS table would). ``deleted`` leads or follows so that the live-row test
is answered from the index as well, and the roster's default order (school, grade, class, name) needs no sort.
"""

from __future__ import annotations

from typing import Any

DDL = """
CREATE INDEX ix_student_roster ON student (deleted, school_id, grade, class_name, name);
CREATE INDEX ix_student_name ON student (name, deleted);
CREATE INDEX ix_student_initials ON student (name_initials, deleted);
CREATE INDEX ix_household_list ON household (deleted, address);
CREATE INDEX ix_household_head_name ON household (head_name, deleted);
CREATE INDEX ix_visit_follow_up ON visit (follow_up_on);
CREATE INDEX ix_visit_status ON visit (status);
CREATE INDEX ix_dropout_case_status ON dropout_case (status);
"""


def upgrade(cur: Any) -> None:
    for statement in DDL.split(";"):
        if statement.strip():
            cur.execute(statement)
