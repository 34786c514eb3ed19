"""Numbered migrations of the server's database, recorded in ``server_meta``; the pending ones run in one
transaction (all or none).

Several server processes may start at once against one PostgreSQL: migrating takes an advisory lock, so one
migrates and the others find the work done. A database newer than this program is refused.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine, inspect, select, text

from sync.errors import SyncError
from sync.server import schema

Migration = Callable[[Connection], None]
_LOCK_KEY = 4_214_201  # any constant: the advisory lock that serialises migrations on PostgreSQL


def _m1_initial(conn: Connection) -> None:
    # Version 1 is the schema module as first released. A later change to a table is a new migration here,
    # and this one then keeps a frozen copy of the table it replaces.
    schema.metadata.create_all(conn)


def _m2_blob_holders(conn: Connection) -> None:
    # Who uploaded a blob was not recorded before: the scopes of the rows that refer to it stand in (the
    # rule before this version), so no school loses a photo it could read.
    schema.blob_holders.create(conn, checkfirst=True)
    conn.execute(text(
        "INSERT INTO blob_holders (sha256, scope) SELECT DISTINCT b.sha256, r.scope FROM blobs b "
        "JOIN blob_refs f ON f.sha256 = b.sha256 JOIN rows r ON r.row_id = f.row_id "
        "WHERE NOT EXISTS (SELECT 1 FROM blob_holders h WHERE h.sha256 = b.sha256 AND h.scope = r.scope)"))


MIGRATIONS: tuple[tuple[int, str, Migration], ...] = (
    (1, "initial server schema", _m1_initial),
    (2, "who holds each photo", _m2_blob_holders),
)
SERVER_DB_VERSION = MIGRATIONS[-1][0]


def _version(conn: Connection) -> int:
    if not inspect(conn).has_table("server_meta"):
        return 0
    value = conn.scalar(select(schema.meta.c.value).where(schema.meta.c.key == "db_version"))
    return int(value or 0)


def migrate(engine: Engine) -> list[int]:
    """Bring the server database to SERVER_DB_VERSION; returns the migrations run."""
    done: list[int] = []
    with engine.connect().execution_options(jiafang_write=True) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
        version = _version(conn)
        if version > SERVER_DB_VERSION:
            raise SyncError(
                f"服务器数据库来自更新版本的家访通（版本 {version}，本程序支持到 {SERVER_DB_VERSION}），"
                "未打开。请升级服务器程序。",
                f"The server database comes from a newer Jiafang (version {version}; this program knows up "
                f"to {SERVER_DB_VERSION}). It was not opened; upgrade the server program.")
        for number, _title, upgrade in MIGRATIONS:
            if number <= version:
                continue
            with conn.begin_nested():
                upgrade(conn)
                if number == 1:
                    conn.execute(schema.meta.insert().values(key="db_version", value="1"))
                else:
                    conn.execute(schema.meta.update().where(schema.meta.c.key == "db_version")
                                 .values(value=str(number)))
            done.append(number)
    return done
