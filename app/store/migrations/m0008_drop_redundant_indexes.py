"""8: drop the first schema's student indexes that migration 6's wider ones made redundant.

``(school_id, grade, class_name)`` is the prefix of the roster index, and the ID-number and student-number
indexes have ``*_live`` twins carrying ``deleted``. Each index is one more B-tree to write for every student
and part of the data folder's size (issue 2's bound), so none is kept twice.
"""

from __future__ import annotations

from typing import Any

REDUNDANT = ("ix_student_school_grade", "ix_student_id_number", "ix_student_student_number")


def upgrade(cur: Any) -> None:
    for name in REDUNDANT:
        cur.execute(f"DROP INDEX IF EXISTS {name}")
