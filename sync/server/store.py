"""The server's storage: one SQLAlchemy engine over PostgreSQL or SQLite, and every operation the HTTP layer
offers as a plain method (so the CLI, the tests and the app call the same code).

The server holds the deployment's content key (the district runs it): it verifies and opens every bundle,
checks each op against the scope rules, and serves ops to devices as JSON over HTTPS with their token.

Durability and order: a push is one transaction, committed before the answer. On PostgreSQL pushes take a
transaction-scoped advisory lock before they insert, so cursors are handed out and committed in the same
order: a device that has pulled up to cursor C can never later find a smaller cursor committed (which
would be skipped forever). On SQLite, ``BEGIN IMMEDIATE`` gives the same guarantee.

On PostgreSQL the push also writes the materialised records it changes (:mod:`sync.server.records`) in the
same transaction, so every server process over the database reads the same records and none keeps state.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, and_, create_engine, event, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from app.store.ids import uuid7
from app.store.migrations import SCHEMA_VERSION
from app.store.models import DISTRICT_SCOPE
from app.store.oplog import OpRecord
from sync import bundle as bundles
from sync import crypto
from sync.errors import BundleError, SyncError
from sync.server import records, schema
from sync.server.migrations import migrate
from sync.server.scope import (
    EVERYONE,
    PARENT_FIELDS,
    Malformed,
    PushPlan,
    Refused,
    RowInfo,
    is_reference,
    plan_push,
    read_scope,
)

SERVER_DB_FILE = "jiafang-server.db"
log = logging.getLogger("jiafang.server")
#: Clients older than this schema are refused (their synced tables differ); raise it when a migration
#: changes a synced table. Clients newer than the server are refused too (the server could not read them).
MIN_CLIENT_SCHEMA = 3
_PUSH_LOCK = 4_214_202
_CHUNK = 500
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
TOKEN_BYTES = 32
SESSION_HOURS = 8


class ServerError(SyncError):
    """A request the server refuses, with the HTTP status that says why."""

    def __init__(self, status: int, code: str, zh: str, en: str) -> None:
        super().__init__(zh, en)
        self.status = status
        self.code = code


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


@dataclass(frozen=True)
class Device:
    id: str
    name: str | None
    scope: str
    public_key: bytes
    revoked: bool

    @property
    def district(self) -> bool:
        return self.scope == DISTRICT_SCOPE


@dataclass(frozen=True)
class User:
    id: str
    username: str
    display_name: str
    role: str
    school_id: str | None


@dataclass(frozen=True)
class Enrolled:
    device_id: str
    token: str
    scope: str
    deployment_id: str
    content_key: bytes


@dataclass(frozen=True)
class PushOutcome:
    stored: int
    duplicates: int
    cursor: int


@dataclass(frozen=True)
class PullPage:
    body: bytes  # the JSON answer, assembled from the stored JSON without re-encoding every op
    count: int
    next: int
    more: bool


def make_engine(url: str) -> Engine:
    """An engine for the server database: PostgreSQL (``postgresql+psycopg://``) or a SQLite file."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # transactions are begun below, the way we need them
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")  # durable before the answer
            cur.execute("PRAGMA busy_timeout = 30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            # Writers take the write lock up front (no deadlock between two upgrading readers); readers get
            # a snapshot that stays the same for the whole request.
            write = conn.get_execution_options().get("jiafang_write")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    if url.startswith("postgresql"):
        # pre_ping: after a PostgreSQL restart (or pg_terminate_backend) the pool's dead connections are
        # replaced instead of failing the next request.
        return create_engine(url, pool_pre_ping=True, pool_size=8, max_overflow=8, pool_recycle=3600)
    raise SyncError(f"不支持的数据库地址：{url.split(':', 1)[0]}（请用 postgresql+psycopg://… 或 sqlite:///…）。",
                    f"Unsupported database URL {url.split(':', 1)[0]} (use postgresql+psycopg://… or sqlite:///…).")


def default_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / SERVER_DB_FILE}"


_OPS_COLUMNS = (("device_id", "text"), ("seq", "bigint"), ("hlc", "bigint"), ("tbl", "text"), ("row_id", "text"),
                ("scope", "text"), ("user_id", "text"), ("data", "text"), ("prev", "text"))
_ROWS_COLUMNS = (("row_id", "text"), ("tbl", "text"), ("scope", "text"), ("scope_hlc", "bigint"),
                 ("scope_device", "text"))
_GRANTS_COLUMNS = (("row_id", "text"), ("scope", "text"), ("entered", "bigint"), ("direct", "boolean"))


class ServerStore:
    """The server database; thread-safe (each call takes its own connection from the pool)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.postgres = self.engine.dialect.name == "postgresql"
        #: The one choice by backend of where the materialised records live: on PostgreSQL in the database,
        #: written by every push (:mod:`sync.server.records`), so server processes share them and hold no
        #: state; on SQLite in each process's own cache of the ops (:mod:`sync.server.materialised`).
        self.records_in_database = self.postgres
        self._deployment: tuple[str, bytes] | None = None

    # ------------------------------------------------------------------ setup
    def setup(self, *, deployment: tuple[str, bytes] | None = None) -> None:
        """Migrate, and create the deployment (or adopt ``deployment``: id and content key) if there is none; on
        PostgreSQL, create the records schema and build in it what the ops hold and the records do not yet."""
        migrate(self.engine)
        with self.write() as conn:
            held = self._read_deployment(conn)
            if held is not None:
                if deployment is not None and deployment[0] != held[0]:
                    raise SyncError("服务器已经属于另一个部署，不能再加入这个同步文件夹。",
                                    "The server already belongs to another deployment; it cannot adopt this share.")
            else:
                deployment_id, key = deployment or (uuid7(), crypto.new_key())
                conn.execute(schema.meta.insert(), [{"key": "deployment_id", "value": deployment_id},
                                                    {"key": "content_key", "value": crypto.b64(key)},
                                                    {"key": "created_at", "value": now_text()}])
        if self.records_in_database:
            with self.write() as conn:
                self._lock_pushes(conn)
                records.prepare(conn)
            self.build_records()

    def build_records(self) -> int:
        """Materialise in PostgreSQL the ops no push has (an existing deployment's history, or ops stored by
        an older server process): in batches, each its own transaction under the push lock, keyed by the
        stored cursor, so the work resumes after a kill and two processes starting at once share it. Returns
        the ops covered; costs one read when the records are complete."""
        done = 0
        while True:
            with self.read() as conn:
                if records.built_cursor(conn) >= self._cursor(conn):
                    return done
            with self.write() as conn:
                self._lock_pushes(conn)
                batch = records.build_batch(conn)
            if not batch:
                return done
            done += batch
            log.info("records in PostgreSQL: %d ops materialised", done)
            _fault("records-batch")

    def _lock_pushes(self, conn: Connection) -> None:
        if self.postgres:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PUSH_LOCK})

    def _read_deployment(self, conn: Connection) -> tuple[str, bytes] | None:
        found = dict(conn.execute(select(schema.meta.c.key, schema.meta.c.value).where(
            schema.meta.c.key.in_(["deployment_id", "content_key"]))).all())
        if "deployment_id" not in found:
            return None
        return found["deployment_id"], crypto.unb64(found["content_key"])

    @property
    def deployment(self) -> tuple[str, bytes]:
        if self._deployment is None:
            with self.read() as conn:
                held = self._read_deployment(conn)
            if held is None:
                raise SyncError("服务器数据库尚未初始化。", "The server database is not set up.")
            self._deployment = held
        return self._deployment

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            if self.postgres:
                # One snapshot for the whole request: a page and its "next" cursor agree.
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self.engine.connect().execution_options(jiafang_write=True) as conn, conn.begin():
            yield conn

    def _insert(self, conn: Connection, table: Any) -> Any:
        return (postgresql.insert if self.postgres else sqlite.insert)(table)

    # ------------------------------------------------------------------ users and web sessions
    def add_user(self, username: str, password: str, *, role: str, school_id: str | None = None,
                 display_name: str | None = None) -> User:
        from argon2 import PasswordHasher

        from app.domain.passwords import check_password

        if role not in ("district", "school_admin", "teacher"):
            raise SyncError(f"角色 {role} 不对：应为 district、school_admin 或 teacher。",
                            f"Unknown role {role}: use district, school_admin or teacher.")
        if role != "district" and not school_id:
            raise SyncError("学校管理员和教师账号需要指定学校（--school）。",
                            "School administrators and teachers need a school (--school).")
        check_password(password)
        name = username.strip()
        user = User(uuid7(), name, display_name or name, role, None if role == "district" else school_id)
        try:
            with self.write() as conn:
                conn.execute(schema.users.insert().values(
                    id=user.id, username=name, display_name=user.display_name,
                    password_hash=PasswordHasher().hash(password), role=role, school_id=user.school_id,
                    active=True, created_at=now_text()))
        except IntegrityError:
            raise SyncError(f"用户名 {name} 已存在。", f"The user name {name} is taken.") from None
        return user

    def login(self, username: str, password: str) -> str | None:
        """A new web session token, or None when the name or password is wrong."""
        from argon2 import PasswordHasher
        from argon2.exceptions import InvalidHashError, VerificationError

        with self.read() as conn:
            row = conn.execute(select(schema.users).where(
                func.lower(schema.users.c.username) == username.strip().lower(),
                schema.users.c.active.is_(True))).first()
        hasher = PasswordHasher()
        if row is None:
            # Same work as a real check, so a wrong name is not told apart from a wrong password by timing.
            hasher.hash(password)
            return None
        try:
            hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        token = secrets.token_urlsafe(TOKEN_BYTES)
        expires = (datetime.now(UTC) + timedelta(hours=SESSION_HOURS)).isoformat(timespec="seconds")
        with self.write() as conn:
            conn.execute(schema.web_sessions.delete().where(schema.web_sessions.c.expires_at < now_text()))
            conn.execute(schema.web_sessions.insert().values(token_hash=_hash(token), user_id=row.id,
                                                             expires_at=expires))
        return token

    def session_user(self, token: str | None) -> User | None:
        if not token:
            return None
        with self.read() as conn:
            row = conn.execute(select(schema.users).join(
                schema.web_sessions, schema.web_sessions.c.user_id == schema.users.c.id).where(
                schema.web_sessions.c.token_hash == _hash(token), schema.web_sessions.c.expires_at > now_text(),
                schema.users.c.active.is_(True))).first()
        return None if row is None else User(row.id, row.username, row.display_name, row.role, row.school_id)

    def logout(self, token: str) -> None:
        with self.write() as conn:
            conn.execute(schema.web_sessions.delete().where(schema.web_sessions.c.token_hash == _hash(token)))

    # ------------------------------------------------------------------ enrollment and devices
    def new_enrollment_code(self, scope: str, *, hours: float = 72, label: str | None = None) -> str:
        """A one-time code for enrolling one laptop into ``scope`` (a school id or "district")."""
        if not scope:
            raise SyncError("登记码需要指定学校或学区。", "An enrollment code needs a school or the district.")
        if hours <= 0 or hours > 24 * 30:
            raise SyncError("有效期应在 0 到 720 小时之间。", "The validity must be between 0 and 720 hours.")
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
        expires = (datetime.now(UTC) + timedelta(hours=hours)).isoformat(timespec="seconds")
        with self.write() as conn:
            conn.execute(schema.enrollment_codes.insert().values(
                code_hash=_hash(code), scope=scope, label=label, created_at=now_text(), expires_at=expires))
        return f"{code[:4]}-{code[4:8]}-{code[8:]}"

    def enroll(self, code: str, *, device_id: str, public_key: bytes, name: str | None) -> Enrolled:
        """Spend an enrollment code: register the device and its public key, return its token and the keys."""
        if len(public_key) != 32:
            raise ServerError(400, "bad_key", "设备公钥格式不对。", "The device's public key is malformed.")
        token = secrets.token_urlsafe(TOKEN_BYTES)
        deployment_id, content_key = self.deployment
        codes = schema.enrollment_codes
        with self.write() as conn:
            # Spent in one statement: of simultaneous enrolls with one code, exactly one finds it unused (on
            # PostgreSQL the others wait for the row and then see it used; on SQLite the write lock orders them).
            now = now_text()
            row = conn.execute(codes.update().where(
                codes.c.code_hash == _hash(normalise_code(code)), codes.c.used_at.is_(None), codes.c.expires_at >= now)
                .values(used_at=now, device_id=device_id).returning(codes.c.scope)).first()
            if row is None:
                raise ServerError(403, "bad_code", "登记码无效、已用过或已过期。请向区教育局索取新的登记码。",
                                  "The enrollment code is wrong, used or expired; ask the district for a new one.")
            held = conn.execute(select(schema.devices).where(schema.devices.c.id == device_id)).first()
            if held is not None and not held.revoked and held.public_key != public_key:
                raise ServerError(409, "device_taken", "这个设备编号已在服务器登记过（另一台电脑？）。",
                                  "This device id is already enrolled (by another laptop?).")
            values = {"name": name, "scope": row.scope, "public_key": public_key, "token_hash": _hash(token),
                      "revoked": False}
            if held is None:
                conn.execute(schema.devices.insert().values(id=device_id, created_at=now_text(), **values))
            else:  # a revoked laptop enrolled again with a new code from the district
                conn.execute(schema.devices.update().where(schema.devices.c.id == device_id).values(**values))
        return Enrolled(device_id, token, row.scope, deployment_id, content_key)

    def device_for_token(self, token: str | None) -> Device:
        if not token:
            raise ServerError(401, "no_token", "缺少设备令牌：请先用登记码登记这台电脑。",
                              "No device token: enroll this laptop with an enrollment code first.")
        with self.read() as conn:
            row = conn.execute(select(schema.devices).where(schema.devices.c.token_hash == _hash(token))).first()
            handed_on = row is None and conn.execute(select(schema.devices.c.id).where(
                schema.devices.c.token_hash == _handed_on(_hash(token)))).first() is not None
        if handed_on:
            raise _handed_on_error()
        if row is None:
            raise ServerError(401, "bad_token", "设备令牌不对。请用新的登记码重新登记。",
                              "The device token is not valid; enroll again with a new code.")
        if row.revoked:
            raise _revoked()
        return Device(row.id, row.name, row.scope, bytes(row.public_key), bool(row.revoked))

    def rekey(self, device: Device, *, new_device_id: str, public_key: bytes, name: str | None) -> Enrolled:
        """A copied or restored database took a new device id: register it under the same scope with a new token,
        which replaces the one asking. The old token stops working in the same transaction, so a token can hand
        its access on once, never multiply it (and revoking any id of the line ends the live token)."""
        if len(public_key) != 32:
            raise ServerError(400, "bad_key", "设备公钥格式不对。", "The device's public key is malformed.")
        token = secrets.token_urlsafe(TOKEN_BYTES)
        try:
            with self.write() as conn:
                # The old token's hash gives way to a mark no token hashes to, by which the old token is later
                # told apart from a wrong one. Conditional on the hash read, so of two rekeys at once one wins.
                held = conn.execute(select(schema.devices.c.token_hash).where(
                    schema.devices.c.id == device.id, schema.devices.c.revoked.is_(False))).scalar()
                spent = 0 if held is None else conn.execute(schema.devices.update().where(
                    schema.devices.c.id == device.id, schema.devices.c.token_hash == held,
                    schema.devices.c.revoked.is_(False)).values(token_hash=_handed_on(held))).rowcount
                if spent != 1:
                    raise _revoked() if held is None else _handed_on_error()
                conn.execute(schema.devices.insert().values(
                    id=new_device_id, name=name, scope=device.scope, public_key=public_key,
                    token_hash=_hash(token), revoked=False, created_at=now_text(), replaces=device.id))
        except IntegrityError:
            raise ServerError(409, "device_taken", "这个设备编号已在服务器登记过。",
                              "This device id is already enrolled.") from None
        deployment_id, content_key = self.deployment
        return Enrolled(new_device_id, token, device.scope, deployment_id, content_key)

    def revoke(self, device_id: str) -> str:
        """Revoke a device (a unique prefix of its id will do) and every id it was re-keyed from or to (the same
        laptop's database under another id after a copy or restore): no token of it works any more. Returns the
        full id."""
        devices = schema.devices
        with self.write() as conn:
            found = list(conn.scalars(select(devices.c.id).where(
                devices.c.id.startswith(device_id.strip(), autoescape=True))))
            if len(found) != 1 or not device_id.strip():
                raise SyncError(f"找不到唯一的设备 {device_id}。", f"No single device matches {device_id}.")
            links = conn.execute(select(devices.c.id, devices.c.replaces).where(devices.c.replaces.is_not(None))).all()
            line, grown = {found[0]}, True
            while grown:
                before = len(line)
                line |= {new for new, old in links if old in line} | {old for new, old in links if new in line}
                grown = len(line) > before
            for chunk in _chunks(sorted(line)):
                conn.execute(devices.update().where(devices.c.id.in_(chunk)).values(revoked=True))
        return found[0]

    def devices(self) -> list[dict[str, Any]]:
        with self.read() as conn:
            seqs = dict(conn.execute(select(schema.ops.c.device_id, func.max(schema.ops.c.seq))
                                     .group_by(schema.ops.c.device_id)).all())
            return [{"id": r.id, "name": r.name, "scope": r.scope, "revoked": bool(r.revoked),
                     "created_at": r.created_at, "last_seen_at": r.last_seen_at, "ops": seqs.get(r.id, 0)}
                    for r in conn.execute(select(schema.devices).order_by(schema.devices.c.created_at))]

    def touch(self, device: Device) -> None:
        with self.write() as conn:
            conn.execute(schema.devices.update().where(schema.devices.c.id == device.id)
                         .values(last_seen_at=now_text()))

    def max_seq(self, device_id: str) -> int:
        with self.read() as conn:
            return int(conn.scalar(select(func.max(schema.ops.c.seq)).where(schema.ops.c.device_id == device_id))
                       or 0)

    def last_cursor(self) -> int:
        with self.read() as conn:
            return int(conn.scalar(select(func.max(schema.ops.c.cursor))) or 0)

    # ------------------------------------------------------------------ push
    def push(self, device: Device, data: bytes) -> PushOutcome:
        """Verify, open, check and store one bundle of the device's own ops, all or nothing."""
        deployment_id, content_key = self.deployment
        header = bundles.read_header(data)
        if str(header["origin"]) != device.id:
            raise ServerError(403, "not_own", "设备只能上传自己的修改（同步包来自另一台设备）。",
                              "A device pushes only its own changes (this bundle comes from another device).")
        opened = bundles.unpack(data, deployment=deployment_id, content_key=content_key,
                                public_key_for=lambda origin: device.public_key if origin == device.id else None,
                                max_schema=SCHEMA_VERSION)
        ops = opened.ops
        with self.write() as conn:
            self._lock_pushes(conn)
            held = {r.seq: r for r in conn.execute(select(schema.ops).where(
                schema.ops.c.device_id == device.id, schema.ops.c.seq.between(opened.seq_from, opened.seq_to)))}
            new_ops: list[OpRecord] = []
            for op in ops:
                found = held.get(op.seq)
                if found is None:
                    new_ops.append(op)
                elif not _same(found, op):
                    raise ServerError(409, "forged",
                                      "同步包与服务器已有的修改不一致（可能被伪造），已拒绝，未保存任何内容。",
                                      "The bundle contradicts changes the server already holds (forged?); "
                                      "refused, nothing stored.")
            if not new_ops:
                return PushOutcome(0, len(ops), self._cursor(conn))
            plan = self._plan(conn, device, new_ops)
            before = self._cursor(conn)
            self._bulk(conn, "ops", _OPS_COLUMNS, [
                (op.device_id, op.seq, op.hlc, op.tbl, op.row_id, op.scope, op.user_id, _dumps(op.data),
                 None if op.prev is None else _dumps(op.prev)) for op in new_ops])
            first: dict[str, int] = {}
            last = 0
            for row_id, cursor in conn.execute(
                    select(schema.ops.c.row_id, schema.ops.c.cursor).where(
                        schema.ops.c.device_id == device.id,
                        schema.ops.c.seq.between(new_ops[0].seq, new_ops[-1].seq))):
                first[row_id] = min(cursor, first.get(row_id, cursor))
                last = max(last, cursor)
            self._apply_plan(conn, plan, first, last)
            if self.records_in_database:
                # The records change in the same transaction as the ops: a push is all there, or not at all.
                records.materialise_push(conn, new_ops, plan.new_rows)
                records.set_cursor(conn, last, when_at=before)
            _fault("push-before-commit")
        return PushOutcome(len(new_ops), len(ops) - len(new_ops), last)

    def _cursor(self, conn: Connection) -> int:
        return int(conn.scalar(select(func.max(schema.ops.c.cursor))) or 0)

    # Set-based helpers for the push: one statement per table and batch. On PostgreSQL the rows travel as one
    # JSON document expanded by json_to_recordset: one round trip however many rows, and parsed in C on both
    # sides (psycopg's text arrays escape each value in Python, ten times slower). SQLite is in-process, so a
    # plain executemany is as fast.
    def _bulk(self, conn: Connection, table: str, columns: Sequence[tuple[str, str]], rows: Sequence[tuple[Any, ...]],
              suffix: str = "") -> None:
        if not rows:
            return
        names = [name for name, _ in columns]
        if self.postgres:
            shape = ", ".join(f"{name} {kind}" for name, kind in columns)
            sql = text(f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(names)} "
                       f"FROM json_to_recordset(CAST(:rows AS json)) AS x({shape}) {suffix}")
            for chunk in _chunks(rows, 50_000):
                conn.execute(sql, {"rows": json.dumps([dict(zip(names, row, strict=True)) for row in chunk],
                                                      ensure_ascii=False, separators=(",", ":"))})
            return
        raw = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        raw.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in columns)}) "
                        f"{suffix}", rows)

    def _select_ids(self, conn: Connection, sql: str, ids: Sequence[str], **params: Any) -> list[Any]:
        """Run ``sql`` whose ``{ids}`` stands for "the row id is one of these" over many ids."""
        found: list[Any] = []
        if self.postgres:
            for chunk in _chunks(ids, 50_000):
                found.extend(conn.execute(text(sql.format(ids="= ANY(CAST(:ids AS text[]))")),
                                          {"ids": list(chunk), **params}).all())
            return found
        for chunk in _chunks(ids, _CHUNK):
            marks = ", ".join(f":i{n}" for n in range(len(chunk)))
            found.extend(conn.execute(text(sql.format(ids=f"IN ({marks})")),
                                      {**{f"i{n}": v for n, v in enumerate(chunk)}, **params}).all())
        return found

    def _plan(self, conn: Connection, device: Device, ops: Sequence[OpRecord]) -> PushPlan:
        wanted = {op.row_id for op in ops}
        for op in ops:
            wanted.update(str(op.data[f]) for f in PARENT_FIELDS.get(op.tbl, ()) if op.data.get(f))
        ids = sorted(wanted)
        known = {r.row_id: RowInfo(r.tbl, r.scope, int(r.scope_hlc), r.scope_device) for r in self._select_ids(
            conn, "SELECT row_id, tbl, scope, scope_hlc, scope_device FROM rows WHERE row_id {ids}", ids)}
        direct: set[str] = set()
        visible: set[str] = set()
        if not device.district and known:
            for row_id, is_direct in self._select_ids(
                    conn, "SELECT row_id, direct FROM grants WHERE scope IN (:own, :everyone) AND row_id {ids}",
                    sorted(known), own=device.scope, everyone=EVERYONE):
                visible.add(row_id)
                if is_direct:
                    direct.add(row_id)
        try:
            return plan_push(ops, device.scope, known, direct, visible)
        except Malformed as bad:
            raise ServerError(422, "malformed_op",
                              f"同步包里有格式不对的修改（{bad.op.tbl}），已拒绝，未保存任何内容。",
                              f"The bundle holds a malformed change ({bad.reason}); refused, nothing stored.") from None
        except Refused as refused:
            zh, en = refused.describe()
            error = ServerError(403, "out_of_scope", zh, en)
            error.refused = [op.seq for op in refused.ops]  # type: ignore[attr-defined]
            raise error from None

    def _apply_plan(self, conn: Connection, plan: PushPlan, first: dict[str, int], last: int) -> None:
        self._bulk(conn, "rows", _ROWS_COLUMNS, [(r, i.tbl, i.scope, i.hlc, i.device) for r, i in plan.rows.items()],
                   "ON CONFLICT (row_id) DO UPDATE SET tbl = excluded.tbl, scope = excluded.scope, "
                   "scope_hlc = excluded.scope_hlc, scope_device = excluded.scope_device")
        self._bulk(conn, "row_refs", (("row_id", "text"), ("parent_id", "text")), sorted(plan.refs),
                   "ON CONFLICT DO NOTHING")
        self._bulk(conn, "blob_refs", (("sha256", "text"), ("row_id", "text")), sorted(plan.blob_refs),
                   "ON CONFLICT DO NOTHING")
        # Grants: each moved row to its (new) scope; a new row from its first op, so its ops are served as
        # they are; a row that moves from this push's end, so the receiving school gets its history then.
        wanted: dict[tuple[str, str], tuple[int, bool]] = {}
        for row_id in plan.moved:
            info = plan.rows[row_id]
            entered = first[row_id] if row_id in plan.new_rows else last
            wanted[(row_id, read_scope(info.tbl, info.scope))] = (entered, True)
        self._grant(conn, wanted, plan, last)

    def _grant(self, conn: Connection, wanted: dict[tuple[str, str], tuple[int, bool]], plan: PushPlan,
               last: int) -> None:
        """Insert grants and close them over parents: a school that sees a row sees the rows it refers to."""
        new_parents: dict[str, set[str]] = defaultdict(set)
        for row_id, parent in plan.refs:
            new_parents[row_id].add(parent)
        # New references of rows that some school already sees: the parent becomes visible to it too.
        ref_rows = sorted(new_parents.keys() - plan.new_rows)
        for row_id, scope_ in self._select_ids(
                conn, "SELECT row_id, scope FROM grants WHERE scope <> :everyone AND row_id {ids}", ref_rows,
                everyone=EVERYONE):
            for parent in new_parents[row_id]:
                wanted.setdefault((parent, scope_), (last, False))
        pending = dict(wanted)
        done: set[tuple[str, str]] = set()
        while pending:
            # Rows new here may hold grants too: a reference can name a row before the row's ops arrive.
            ask = sorted({row_id for row_id, _ in pending})
            existing = {(r.row_id, r.scope): bool(r.direct) for r in self._select_ids(
                conn, "SELECT row_id, scope, direct FROM grants WHERE row_id {ids}", ask)}
            inserts = [(k[0], k[1], v[0], v[1]) for k, v in pending.items() if k not in existing]
            self._bulk(conn, "grants", _GRANTS_COLUMNS, inserts)
            for row_id, scope_ in [k for k, v in pending.items() if v[1] and existing.get(k) is False]:
                conn.execute(schema.grants.update().where(grants_c.row_id == row_id, grants_c.scope == scope_)
                             .values(direct=True))
            done.update(pending)
            fresh = [k for k in pending if k not in existing and k[1] != EVERYONE]
            pending = {}
            if not fresh:
                break
            # Parents of newly granted rows: from this push and, for rows known before, from the database.
            parents: dict[str, set[str]] = defaultdict(set)
            for row_id, _ in fresh:
                parents[row_id].update(new_parents.get(row_id, ()))
            old = sorted({row_id for row_id, _ in fresh if row_id not in plan.new_rows})
            for child, parent_id in self._select_ids(
                    conn, "SELECT row_id, parent_id FROM row_refs WHERE row_id {ids}", old):
                parents[child].add(parent_id)
            for row_id, scope_ in fresh:
                for parent in parents[row_id]:
                    key = (parent, scope_)
                    if key not in done and key not in pending:
                        pending[key] = (last, False)

    # ------------------------------------------------------------------ pull
    def pull(self, device: Device, since: int, limit: int) -> PullPage:
        """Ops after cursor ``since`` that the device may see (not its own), at most about ``limit``."""
        ops_t = schema.ops
        columns = [ops_t.c.cursor, ops_t.c.device_id, ops_t.c.seq, ops_t.c.hlc, ops_t.c.tbl, ops_t.c.row_id,
                   ops_t.c.scope, ops_t.c.user_id, ops_t.c.data, ops_t.c.prev]
        history: Sequence[Any] = []
        with self.read() as conn:
            top = self._cursor(conn)
            if device.district:
                live = conn.execute(select(*columns).where(ops_t.c.cursor > since, ops_t.c.device_id != device.id)
                                    .order_by(ops_t.c.cursor).limit(limit)).all()
            else:
                scopes = [device.scope, EVERYONE]
                visible = select(grants_c.row_id).where(grants_c.row_id == ops_t.c.row_id,
                                                        grants_c.scope.in_(scopes),
                                                        grants_c.entered <= ops_t.c.cursor).exists()
                live = conn.execute(select(*columns).where(ops_t.c.cursor > since, ops_t.c.device_id != device.id,
                                                           visible).order_by(ops_t.c.cursor).limit(limit)).all()
            end = live[-1].cursor if len(live) >= limit else top
            if not device.district:
                # Rows that became visible within (since, end]: their history from before they arrived.
                history = conn.execute(select(*columns).select_from(schema.grants.join(
                    ops_t, and_(ops_t.c.row_id == grants_c.row_id, ops_t.c.cursor < grants_c.entered))).where(
                    grants_c.scope.in_([device.scope, EVERYONE]), grants_c.entered > since, grants_c.entered <= end,
                    ops_t.c.device_id != device.id).order_by(ops_t.c.cursor)).all()
        seen: set[int] = set()
        parts: list[str] = []
        for r in [*history, *live]:
            if r.cursor in seen:
                continue
            seen.add(r.cursor)
            parts.append(f"[{_dumps(r.device_id)},{r.seq},{r.hlc},{_dumps(r.tbl)},{_dumps(r.row_id)},"
                         f"{_dumps(r.scope)},{_dumps(r.user_id)},{r.data},{r.prev or 'null'}]")
        more = len(live) >= limit
        body = f'{{"next":{end},"last":{top},"more":{"true" if more else "false"},"ops":[{",".join(parts)}]}}'
        return PullPage(body.encode("utf-8"), len(parts), end, more)

    def own_ops(self, device: Device, after: int, limit: int) -> PullPage:
        """The device's own ops after seq ``after``, in seq order (as pull pages them): what a laptop compares
        with its log to find that its database is an older copy put back (sync/fork.py)."""
        ops_t = schema.ops
        with self.read() as conn:
            rows = conn.execute(select(ops_t.c.device_id, ops_t.c.seq, ops_t.c.hlc, ops_t.c.tbl, ops_t.c.row_id,
                                       ops_t.c.scope, ops_t.c.user_id, ops_t.c.data, ops_t.c.prev)
                                .where(ops_t.c.device_id == device.id, ops_t.c.seq > after)
                                .order_by(ops_t.c.seq).limit(limit + 1)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        parts = [f"[{_dumps(r.device_id)},{r.seq},{r.hlc},{_dumps(r.tbl)},{_dumps(r.row_id)},{_dumps(r.scope)},"
                 f"{_dumps(r.user_id)},{r.data},{r.prev or 'null'}]" for r in rows]
        end = int(rows[-1].seq) if rows else after
        body = f'{{"next":{end},"more":{"true" if more else "false"},"ops":[{",".join(parts)}]}}'
        return PullPage(body.encode("utf-8"), len(parts), end, more)

    def visible_rows(self, device: Device, row_ids: Iterable[str]) -> set[str]:
        """Which of these rows the device may read."""
        ids = sorted(set(row_ids))
        if device.district:
            return set(ids)
        found: set[str] = set()
        with self.read() as conn:
            for chunk in _chunks(ids):
                found.update(conn.scalars(select(grants_c.row_id).where(
                    grants_c.row_id.in_(chunk), grants_c.scope.in_([device.scope, EVERYONE]))))
        return found

    # ------------------------------------------------------------------ blobs
    def _blob_referenced(self, conn: Connection, device: Device, sha: str) -> bool:
        """A record the device can see refers to the blob: it may upload the bytes."""
        refs = schema.blob_refs
        if device.district:
            return bool(conn.scalar(select(func.count()).select_from(refs).where(refs.c.sha256 == sha)))
        return bool(conn.scalar(select(func.count()).select_from(refs.join(
            schema.grants, grants_c.row_id == refs.c.row_id)).where(
            refs.c.sha256 == sha, grants_c.scope.in_([device.scope, EVERYONE]))))

    def _blob_readable(self, conn: Connection, device: Device, sha: str) -> bool:
        """The device may read the blob: its scope uploaded it, or a record it can see refers to it and that
        record's scope holds it. A record of one's own naming another school's photo opens nothing."""
        if device.district:
            return True
        holders = schema.blob_holders
        held = select(holders.c.scope).where(holders.c.sha256 == sha)
        if conn.scalar(select(func.count()).select_from(holders).where(
                holders.c.sha256 == sha, holders.c.scope == device.scope)):
            return True
        refs = schema.blob_refs
        return bool(conn.scalar(select(func.count()).select_from(refs.join(
            schema.grants, grants_c.row_id == refs.c.row_id).join(
            schema.rows, schema.rows.c.row_id == refs.c.row_id)).where(
            refs.c.sha256 == sha, grants_c.scope.in_([device.scope, EVERYONE]),
            schema.rows.c.scope.in_(held))))

    def missing_blobs(self, device: Device, shas: Sequence[str]) -> list[str]:
        """Of these photos and signatures (which the device holds), the ones the server lacks from the device's
        scope: the answer says nothing of other schools' photos."""
        wanted = sorted({s for s in shas if _is_sha(s)})
        held: set[str] = set()
        with self.read() as conn:
            for chunk in _chunks(wanted):
                if device.district:
                    held.update(conn.scalars(select(schema.blobs.c.sha256).where(schema.blobs.c.sha256.in_(chunk))))
                else:
                    held.update(conn.scalars(select(schema.blob_holders.c.sha256).where(
                        schema.blob_holders.c.sha256.in_(chunk), schema.blob_holders.c.scope == device.scope)))
        return [s for s in wanted if s not in held]

    def put_blob(self, device: Device, sha: str, data: bytes) -> bool:
        """Store a sealed blob after checking it opens and matches its hash, and record that the device's scope
        holds it; False when the bytes were already held."""
        _, content_key = self.deployment
        if not _is_sha(sha):
            raise ServerError(400, "bad_sha", "照片编号格式不对。", "Malformed photo id.")
        opened = crypto.unseal(content_key, data[:12], data[12:], sha.encode("ascii"))
        if opened is None or b"\n" not in opened or hashlib.sha256(opened.split(b"\n", 1)[1]).hexdigest() != sha:
            raise ServerError(422, "bad_blob", "照片文件已损坏、被改动或与编号不符，未保存。",
                              "The photo is damaged, altered or does not match its id; not stored.")
        with self.write() as conn:
            if not self._blob_referenced(conn, device, sha):
                raise ServerError(403, "blob_scope", "这张照片不属于本校的记录（请先同步记录）。",
                                  "This photo belongs to no record of this school (sync the records first).")
            done = conn.execute(self._insert(conn, schema.blobs).on_conflict_do_nothing(),
                                {"sha256": sha, "data": data, "created_at": now_text()})
            scopes = {device.scope}
            if device.district:  # the district uploads for the schools whose records name the photo
                scopes.update(conn.scalars(select(schema.rows.c.scope).select_from(schema.blob_refs.join(
                    schema.rows, schema.rows.c.row_id == schema.blob_refs.c.row_id)).where(
                    schema.blob_refs.c.sha256 == sha)))
            conn.execute(self._insert(conn, schema.blob_holders).on_conflict_do_nothing(),
                         [{"sha256": sha, "scope": scope} for scope in sorted(scopes)])
        return bool(done.rowcount)

    def get_blob(self, device: Device, sha: str) -> bytes:
        with self.read() as conn:
            data = conn.scalar(select(schema.blobs.c.data).where(schema.blobs.c.sha256 == sha))
            if data is None or not self._blob_readable(conn, device, sha):
                raise ServerError(404, "no_blob", "服务器上没有这张照片（或不属于本校）。",
                                  "The server has no such photo (or it is not this school's).")
        return bytes(data)

    # ------------------------------------------------------------------ reading ops (the dashboard's cache)
    def ops_after(self, cursor: int, limit: int) -> list[tuple[int, OpRecord]]:
        ops_t = schema.ops
        with self.read() as conn:
            found = conn.execute(select(ops_t).where(ops_t.c.cursor > cursor).order_by(ops_t.c.cursor)
                                 .limit(limit)).all()
        return [(r.cursor, _record(r)) for r in found]

    def schools_of_user(self, user: User) -> str | None:
        """The scope a dashboard user sees: None for the district (everything), else the school."""
        return None if user.role == "district" else user.school_id


grants_c = schema.grants.c
refs_c = schema.row_refs.c


def _handed_on(token_hash: str) -> str:
    """What a re-keyed device's token hash becomes: the hash of a string no token is (tokens are base64url)."""
    return _hash(f"handed-on:{token_hash}")


def _handed_on_error() -> ServerError:
    return ServerError(401, "replaced",
                       "这台电脑的设备令牌已交给它的数据副本（复制或恢复的数据文件夹），不能再用。本机的修改都还在："
                       "请向区教育局索取新的登记码重新登记后再同步。",
                       "This laptop's device token was handed on to a copy of its data folder and no longer works. "
                       "Nothing on this laptop is lost: enroll again with a new code, then sync.")


def _revoked() -> ServerError:
    return ServerError(401, "revoked", "这台电脑的同步权限已被区教育局撤销。如需恢复，请索取新的登记码。",
                       "This laptop's access was revoked by the district; ask for a new enrollment code.")


def _is_sha(value: str) -> bool:
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)


_record = records.op_from_row


def _same(row: Any, op: OpRecord) -> bool:
    return (int(row.hlc), row.tbl, row.row_id, row.scope, row.user_id, json.loads(row.data),
            None if row.prev is None else json.loads(row.prev)) == (
        op.hlc, op.tbl, op.row_id, op.scope, op.user_id, op.data, op.prev)


def _fault(point: str) -> None:
    """Fault injection for the kill tests: JIAFANG_SERVER_FAULT=<point> ends the process right there, as a
    power cut would (nothing after this point runs, the transaction is not committed); <point>:hold stops
    there instead, holding its transaction and locks, and creates the file JIAFANG_SERVER_FAULT_MARK names,
    so that a test can kill -9 the process from outside at that very point."""
    import os
    import time

    fault = os.environ.get("JIAFANG_SERVER_FAULT")
    if fault == point:
        os._exit(86)
    if fault == f"{point}:hold":
        Path(os.environ["JIAFANG_SERVER_FAULT_MARK"]).touch()
        time.sleep(3600)


__all__ = ["ServerStore", "ServerError", "Device", "User", "Enrolled", "PushOutcome", "PullPage", "BundleError",
           "default_url", "normalise_code", "is_reference"]
