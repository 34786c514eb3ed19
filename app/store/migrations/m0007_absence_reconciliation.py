"""7: absences (spells of a student's absence, for the early warnings) and reconciliation dismissals.

Both are synced tables (see models.Absence and models.ReconciliationDismissal); columns in model order,
because create ops are stored positionally in that order.
"""

from __future__ import annotations

from typing import Any

DDL = """
CREATE TABLE absence (
	student_id VARCHAR(36) NOT NULL,
	school_id VARCHAR(36) NOT NULL,
	started_on DATE NOT NULL,
	ended_on DATE,
	excused BOOLEAN NOT NULL,
	reason TEXT,
	id VARCHAR(36) NOT NULL,
	scope VARCHAR(36) NOT NULL,
	deleted BOOLEAN NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(student_id) REFERENCES student (id)
);

CREATE INDEX ix_absence_student_id ON absence (student_id);

CREATE TABLE reconciliation_dismissal (
	line_key VARCHAR(40) NOT NULL,
	list_kind VARCHAR(12) NOT NULL,
	issue VARCHAR(24) NOT NULL,
	subject VARCHAR(80) NOT NULL,
	reason TEXT NOT NULL,
	dismissed_on DATE NOT NULL,
	by_name VARCHAR(40),
	id VARCHAR(36) NOT NULL,
	scope VARCHAR(36) NOT NULL,
	deleted BOOLEAN NOT NULL,
	PRIMARY KEY (id)
);

CREATE INDEX ix_reconciliation_dismissal_line_key ON reconciliation_dismissal (line_key);
"""


def upgrade(cur: Any) -> None:
    for statement in DDL.split(";"):
        if statement.strip():
            cur.execute(statement)
