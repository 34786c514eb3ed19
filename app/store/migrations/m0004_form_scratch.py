"""4: the local form scratch: raw input that failed validation, kept across a crash (see models.FormScratch)."""

from __future__ import annotations

from typing import Any

DDL = """
CREATE TABLE form_scratch (
	record_kind VARCHAR(20) NOT NULL,
	record_id VARCHAR(36) NOT NULL,
	raw JSON NOT NULL,
	user_id VARCHAR(36),
	updated_at VARCHAR(32) NOT NULL,
	PRIMARY KEY (record_kind, record_id)
);
"""


def upgrade(cur: Any) -> None:
    for statement in DDL.split(";"):
        if statement.strip():
            cur.execute(statement)
