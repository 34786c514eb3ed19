"""5: local state of sync with the district server: its address, this laptop's device token, how far this
laptop has pulled (the server's cursor) and pushed, ops it refused, and pulled ops that wait for records
which have not arrived yet (see sync/http_client.py)."""

from __future__ import annotations

from typing import Any

DDL = """
CREATE TABLE sync_server (
	id INTEGER NOT NULL CHECK (id = 1),
	url VARCHAR(400) NOT NULL,
	device_id VARCHAR(36),
	device_token VARCHAR(100),
	scope VARCHAR(36),
	pull_cursor INTEGER NOT NULL DEFAULT 0,
	pushed_seq INTEGER NOT NULL DEFAULT 0,
	refused TEXT NOT NULL DEFAULT '[]',
	PRIMARY KEY (id)
);

CREATE TABLE sync_server_pending (
	origin VARCHAR(36) NOT NULL,
	seq INTEGER NOT NULL,
	op TEXT NOT NULL,
	PRIMARY KEY (origin, seq)
);
"""


def upgrade(cur: Any) -> None:
    for statement in DDL.split(";"):
        if statement.strip():
            cur.execute(statement)
