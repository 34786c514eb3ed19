"""The server's tables (SQLAlchemy Core, the same on PostgreSQL and SQLite).

The op log is the truth: ``ops`` holds every op a device pushed, once (``unique(device_id, seq)``), numbered
by the server's own cursor in commit order. ``rows``, ``row_refs`` and ``grants`` are derived from it at
push time and decide who may read and write which record (see :mod:`sync.server.scope`).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# SQLite only makes INTEGER PRIMARY KEY an alias of its rowid (autoincrementing); PostgreSQL gets BIGINT.
CURSOR_TYPE = BigInteger().with_variant(Integer, "sqlite")

metadata = MetaData()

meta = Table(
    "server_meta", metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

devices = Table(
    "devices", metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(80)),
    Column("scope", String(36), nullable=False),  # a school id, or "district"
    Column("public_key", LargeBinary, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("created_at", String(32), nullable=False),
    Column("last_seen_at", String(32)),
    Column("replaces", String(36)),  # the device id this one was re-keyed from (a copied or restored database)
)

users = Table(
    "users", metadata,
    Column("id", String(36), primary_key=True),
    Column("username", String(40), nullable=False, unique=True),
    Column("display_name", String(40), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(16), nullable=False),  # district / school_admin / teacher
    Column("school_id", String(36)),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", String(32), nullable=False),
)

enrollment_codes = Table(
    "enrollment_codes", metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("scope", String(36), nullable=False),
    Column("label", String(80)),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
    Column("used_at", String(32)),
    Column("device_id", String(36)),
)

web_sessions = Table(
    "web_sessions", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", String(36), nullable=False),
    Column("expires_at", String(32), nullable=False),
)

ops = Table(
    "ops", metadata,
    Column("cursor", CURSOR_TYPE, primary_key=True, autoincrement=True),
    Column("device_id", String(36), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("hlc", BigInteger, nullable=False),
    Column("tbl", String(32), nullable=False),
    Column("row_id", String(36), nullable=False),
    Column("scope", String(36), nullable=False),
    Column("user_id", String(36)),
    Column("data", Text, nullable=False),  # JSON object of the fields set
    Column("prev", Text),  # JSON, NULL for a create op
    UniqueConstraint("device_id", "seq", name="uq_ops_device_seq"),
    Index("ix_ops_row_id", "row_id"),
)

rows = Table(
    "rows", metadata,
    Column("row_id", String(36), primary_key=True),
    Column("tbl", String(32), nullable=False),
    Column("scope", String(36), nullable=False),
    # The op that decided the scope: the largest (hlc, device) among ops that set it, which is the merge
    # winner (a superseding op always has a larger HLC). -1 while only edits were seen (scope guessed).
    Column("scope_hlc", BigInteger, nullable=False),
    Column("scope_device", String(36), nullable=False),
)

row_refs = Table(
    "row_refs", metadata,
    Column("row_id", String(36), primary_key=True),
    Column("parent_id", String(36), primary_key=True),
    Index("ix_row_refs_parent", "parent_id"),
)

grants = Table(
    "grants", metadata,
    Column("row_id", String(36), primary_key=True),
    Column("scope", String(36), primary_key=True),  # a school id, or "*" for reference data
    Column("entered", BigInteger, nullable=False),  # the cursor from which the scope sees this row
    Column("direct", Boolean, nullable=False),  # the row itself was in this scope (not only referred to)
    Index("ix_grants_scope_entered", "scope", "entered"),
)

blob_refs = Table(
    "blob_refs", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("row_id", String(36), primary_key=True),
)

blob_holders = Table(
    # The scopes that proved they hold a blob's bytes by uploading them (a district upload also vouches for
    # the scopes of the rows that referred to the blob then): a photo is served only through their records.
    "blob_holders", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("scope", String(36), primary_key=True),
)

blobs = Table(
    "blobs", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("data", LargeBinary, nullable=False),  # sealed as on the folder share: nonce + AES-GCM(header \n bytes)
    Column("created_at", String(32), nullable=False),
)
