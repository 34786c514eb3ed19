"""9: the audit log (审计日志), a synced, append-only table (see models.AuditEvent).

Columns in model order, because create ops are stored positionally in that order.
"""

from __future__ import annotations

from typing import Any

DDL = """
CREATE TABLE audit_event (
	device_id VARCHAR(36) NOT NULL,
	chain_seq INTEGER NOT NULL,
	at VARCHAR(32) NOT NULL,
	user_id VARCHAR(36),
	action VARCHAR(24) NOT NULL,
	target VARCHAR(64),
	detail VARCHAR(120),
	prev_hash VARCHAR(64),
	hash VARCHAR(64) NOT NULL,
	id VARCHAR(36) NOT NULL,
	scope VARCHAR(36) NOT NULL,
	deleted BOOLEAN NOT NULL,
	PRIMARY KEY (id)
);

CREATE INDEX ix_audit_event_device_seq ON audit_event (device_id, chain_seq);
"""


def upgrade(cur: Any) -> None:
    for statement in DDL.split(";"):
        if statement.strip():
            cur.execute(statement)
