"""3: local sync state: deployment membership and keys, known devices, bundles kept for relaying, runs;
and the machine a device id belongs to."""

from __future__ import annotations

from typing import Any

DDL = """
ALTER TABLE device_state ADD COLUMN machine VARCHAR(64);

CREATE TABLE sync_bundle (
	origin VARCHAR(36) NOT NULL,
	seq_from INTEGER NOT NULL,
	seq_to INTEGER NOT NULL,
	sha256 VARCHAR(64) NOT NULL,
	data BLOB NOT NULL,
	PRIMARY KEY (origin, seq_from)
);

CREATE TABLE sync_device (
	device_id VARCHAR(36) NOT NULL,
	name VARCHAR(80),
	school_id VARCHAR(36),
	public_key BLOB NOT NULL,
	PRIMARY KEY (device_id)
);

CREATE TABLE sync_identity (
	id INTEGER NOT NULL,
	deployment_id VARCHAR(36) NOT NULL,
	content_key BLOB NOT NULL,
	signing_key BLOB NOT NULL,
	key_device VARCHAR(36) NOT NULL,
	PRIMARY KEY (id)
);

CREATE TABLE sync_peer (
	origin VARCHAR(36) NOT NULL,
	applied_seq INTEGER NOT NULL,
	last_hash VARCHAR(64),
	PRIMARY KEY (origin)
);

CREATE TABLE sync_run (
	id INTEGER NOT NULL,
	transport VARCHAR(12) NOT NULL,
	target VARCHAR(400) NOT NULL,
	started_at VARCHAR(32) NOT NULL,
	finished_at VARCHAR(32),
	sent_ops INTEGER NOT NULL,
	received_ops INTEGER NOT NULL,
	exported_seq INTEGER NOT NULL,
	ok BOOLEAN NOT NULL,
	summary TEXT,
	PRIMARY KEY (id)
);
"""


def upgrade(cur: Any) -> None:
    for statement in DDL.split(";"):
        if statement.strip():
            cur.execute(statement)
