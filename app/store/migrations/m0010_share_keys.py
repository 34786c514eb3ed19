"""10: generations of the folder shares' content key and the devices an administrator revoked (a lost
laptop's; see sync/keyring.py). Local tables, never synced."""

from __future__ import annotations

from typing import Any

DDL = """
CREATE TABLE sync_share_key (
	generation INTEGER NOT NULL,
	key BLOB NOT NULL,
	record TEXT,
	PRIMARY KEY (generation)
);

CREATE TABLE sync_revoked_device (
	device_id VARCHAR(36) NOT NULL,
	upto INTEGER NOT NULL,
	generation INTEGER NOT NULL,
	PRIMARY KEY (device_id)
);
"""


def upgrade(cur: Any) -> None:
    for statement in DDL.split(";"):
        if statement.strip():
            cur.execute(statement)
