"""One sync with the district server (``jiafang sync server URL``): enroll once with a code, then send this
laptop's own ops as signed bundles, take in the ops of the records this laptop may see, exchange photos and
signatures, and record what happened, as :func:`sync.engine.sync_folder` does for a shared folder.

Safety first, as with the folder:
- a push is one bundle per request; the server stores it all or nothing and answers only once it is
  durable, so a dropped connection or a killed server is simply retried (the server drops what it holds);
- each pulled page is applied in one transaction together with the new pull cursor, so a crash between
  pages leaves nothing half-applied and the next sync starts where this one stopped;
- ops are applied by op id (:func:`app.store.oplog.apply_remote`), so a record that arrives both from the
  server and from a folder share arrives once;
- a pulled op whose parent record has not arrived yet (made on a laptop that only uses a folder share)
  waits in ``sync_server_pending`` and is applied at a later sync, never dropped;
- ops the server refuses as outside this laptop's school (403) stay on the laptop and are reported; the
  rest go on, so one refused change never blocks the others.

The device token and the server cursor live in the encrypted database (migration 5), never in a file.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import __version__
from app.domain.progress import IsCancelled, Progress, raise_if_cancelled
from app.store import clock, oplog
from app.store.db import Database
from app.store.errors import StoreError
from app.store.guard import raw_cursor
from app.store.machine import mark_published
from app.store.migrations import SCHEMA_VERSION
from app.store.models import DISTRICT_SCOPE, Blob, Conflict, DeviceState, SyncIdentity, SyncRun, VisitAttachment
from sync import bundle as bundles
from sync import crypto, fork
from sync.engine import OPS_PER_BUNDLE, SyncResult
from sync.errors import SyncError

TOKEN_ENV = "JIAFANG_SYNC_TOKEN"
CA_ENV = "JIAFANG_SYNC_CA"
PAGE = 5000
#: Pauses between attempts when the server or its database is briefly away (a restart, a failover).
RETRY_DELAYS: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0, 3.0, 5.0)

# The local state tables of migration 5 (plain Core tables: local, never synced).
_local = MetaData()
server_state = Table(
    "sync_server", _local,
    Column("id", Integer, primary_key=True),
    Column("url", String(400), nullable=False),
    Column("device_id", String(36)),
    Column("device_token", String(100)),
    Column("scope", String(36)),
    Column("pull_cursor", Integer, nullable=False),
    Column("pushed_seq", Integer, nullable=False),
    Column("refused", Text, nullable=False),
)
pending_ops = Table(
    "sync_server_pending", _local,
    Column("origin", String(36), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("op", Text, nullable=False),
)


@dataclass(frozen=True)
class ServerSettings:
    url: str
    enrolled: bool
    scope: str | None
    pull_cursor: int


class ServerRefused(SyncError):
    """The server answered with an error (its message, in both languages)."""

    def __init__(self, status: int, code: str, zh: str, en: str, payload: dict[str, Any] | None = None) -> None:
        super().__init__(zh, en)
        self.status = status
        self.code = code
        self.payload = payload or {}


def normalise_url(url: str) -> str:
    url = url.strip().rstrip("/")
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SyncError(f"服务器地址不对：{url}（应为 https://服务器:端口）。",
                        f"Not a server address: {url} (expected https://server:port).")
    return url


class Transport:
    """HTTP to the server with the standard library (nothing extra in the desktop build), retrying what
    can be retried: connection failures and 502/503/504. Every request is idempotent on the server."""

    def __init__(self, base_url: str, *, token: str | None = None, ca_file: str | None = None,
                 timeout: float = 120.0) -> None:
        self.base = normalise_url(base_url)
        self.token = token
        self.timeout = timeout
        self.context: ssl.SSLContext | None = None
        if self.base.startswith("https://"):
            self.context = ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()

    def request(self, method: str, path: str, *, body: bytes | None = None, json_body: Any = None,
                query: dict[str, Any] | None = None, content_type: str = "application/octet-stream") -> bytes:
        url = self.base + path + (f"?{urllib.parse.urlencode(query)}" if query else "")
        headers = {"X-Jiafang-Schema": str(SCHEMA_VERSION), "User-Agent": f"jiafang/{__version__}",
                   "Accept-Encoding": "gzip"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if json_body is not None:
            body = json.dumps(json_body).encode("utf-8")
            content_type = "application/json"
        if body is not None:
            headers["Content-Type"] = content_type
        last_problem: BaseException | None = None
        for delay in (*RETRY_DELAYS, None):
            request = urllib.request.Request(url, data=body, method=method, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout, context=self.context) as response:
                    return _decoded(response.headers, response.read())
            except urllib.error.HTTPError as exc:
                raw = _decoded(exc.headers, exc.read())
                if exc.code in (502, 503, 504) and delay is not None:
                    last_problem = exc
                    time.sleep(delay)
                    continue
                raise _refusal(exc.code, raw) from None
            except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError) as exc:
                reason = getattr(exc, "reason", exc)
                if isinstance(reason, ssl.SSLError):
                    raise SyncError(f"与服务器的加密连接失败（证书不受信任？）：{reason}",
                                    f"The secure connection to the server failed (untrusted certificate?): "
                                    f"{reason}") from None
                last_problem = exc
                if delay is None:
                    break
                time.sleep(delay)
        raise SyncError(f"无法连接服务器 {self.base}（{_describe(last_problem)}）。"
                        "已完成的部分保持有效，稍后再同步即可。",
                        f"Cannot reach the server {self.base} ({_describe(last_problem)}). What was done stays "
                        "done; sync again later.")

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        raw = self.request(method, path, **kwargs)
        try:
            return json.loads(raw)
        except ValueError:
            raise SyncError("服务器的回答无法读取（地址是否指向家访通服务器？）。",
                            "The server's answer is unreadable (is this a Jiafang server?).") from None


def _decoded(headers: Any, raw: bytes) -> bytes:
    if headers is not None and (headers.get("Content-Encoding") or "").lower() == "gzip":
        return gzip.decompress(raw)
    return raw


def _describe(exc: BaseException | None) -> str:
    reason = getattr(exc, "reason", exc)
    return str(reason) if reason is not None else "?"


def _refusal(status: int, raw: bytes) -> ServerRefused:
    try:
        error = json.loads(raw)["error"]
        return ServerRefused(status, str(error["code"]), str(error["zh"]), str(error["en"]), error)
    except (ValueError, KeyError, TypeError):
        if status == 404:
            return ServerRefused(status, "not_found", "服务器上没有这个接口（地址是否指向家访通服务器？）。",
                                 "The server has no such endpoint (is this a Jiafang server?).")
        return ServerRefused(status, "http", f"服务器返回错误 {status}。", f"The server answered with error {status}.")


# ----------------------------------------------------------------------------- local state
def _state_row(session: Session) -> Any:
    return session.execute(select(server_state).where(server_state.c.id == 1)).first()


def server_settings(database: Database) -> ServerSettings | None:
    """The server this laptop syncs with, if any (for the Sync page)."""
    with database.read() as session:
        row = _state_row(session)
    if row is None:
        return None
    return ServerSettings(row.url, bool(row.device_token), row.scope, int(row.pull_cursor))


def _save_state(session: Session, **values: Any) -> None:
    if _state_row(session) is None:
        session.execute(server_state.insert().values(id=1, url=values.pop("url"), pull_cursor=0, pushed_seq=0,
                                                     refused="[]", **values))
    elif values:
        session.execute(server_state.update().where(server_state.c.id == 1).values(**values))
    scope = values.get("scope")
    if scope and scope != DISTRICT_SCOPE:
        # A laptop enrolled for a school writes for that school: its audit events (sign-ins, the automatic
        # backups) take the school's scope (app.services.audit) rather than the district's, which the server
        # refuses from a school device.
        state = _device_state(session)
        if state.school_id is None:
            state.school_id = scope


def _device_state(session: Session) -> DeviceState:
    state = session.get(DeviceState, 1)
    assert state is not None
    return state


# ----------------------------------------------------------------------------- the steps
def _check_meta(meta: dict[str, Any], result: SyncResult) -> None:
    try:
        newest, oldest = int(meta["schema_version"]), int(meta["min_client_schema"])
        server_ms = int(meta["server_time_ms"])
    except (KeyError, TypeError, ValueError):
        raise SyncError("这不是家访通服务器（/v1/meta 的回答不对）。",
                        "This is not a Jiafang server (/v1/meta answered wrongly).") from None
    if oldest > SCHEMA_VERSION:
        raise SyncError(f"本机的家访通太旧（数据版本 {SCHEMA_VERSION}），服务器需要 {oldest} 或更新。请先升级家访通。",
                        f"This laptop's Jiafang is too old (data version {SCHEMA_VERSION}; the server needs {oldest} "
                        "or newer). Upgrade Jiafang first.")
    if newest < SCHEMA_VERSION:
        raise SyncError(f"本机的家访通比服务器新（数据版本 {SCHEMA_VERSION}，服务器支持到 {newest}）。"
                        "请区教育局先升级服务器。",
                        f"This laptop's Jiafang is newer than the server (data version {SCHEMA_VERSION}; the server "
                        f"knows up to {newest}). Ask the district to upgrade the server.")
    behind = server_ms - clock.wall_ms()
    if behind > result.clock_behind_ms:
        result.clock_behind_ms = behind


def _enroll(database: Database, transport: Transport, url: str, code: str, meta: dict[str, Any]) -> None:
    with database.read() as session:
        identity = session.get(SyncIdentity, 1)
        state = _device_state(session)
        device_id, name = state.device_id, state.device_name
        if identity is not None and identity.deployment_id != meta.get("deployment_id"):
            raise SyncError("这台电脑已属于另一个部署（别的学区或测试环境），不能在这个服务器登记。",
                            "This laptop belongs to another deployment; it cannot enroll with this server.")
        # A new device id (copied database) gets a new signing key: keys belong to device ids.
        signing = identity.signing_key if identity is not None and identity.key_device == device_id else \
            crypto.new_signing_key()
    keys = transport.json("POST", "/v1/enroll", json_body={
        "code": code, "device_id": device_id, "public_key": crypto.b64(crypto.public_key(signing)), "name": name})
    with database.write() as session:
        identity = session.get(SyncIdentity, 1)
        if identity is None:
            session.add(SyncIdentity(id=1, deployment_id=keys["deployment_id"],
                                     content_key=crypto.unb64(keys["content_key"]), signing_key=signing,
                                     key_device=device_id))
        else:
            identity.signing_key, identity.key_device = signing, device_id
        _save_state(session, url=url, device_id=keys["device_id"], device_token=keys["token"], scope=keys["scope"])


def _published_own_ops(transport: Transport, after: int) -> list[oplog.OpRecord] | None:
    """This device's ops the server holds after seq ``after`` (None from a server too old to tell)."""
    found: list[oplog.OpRecord] = []
    while True:
        try:
            page = transport.json("GET", "/v1/device/ops", query={"after": after, "limit": PAGE})
        except ServerRefused as exc:
            if exc.status == 404:
                return None
            raise
        found.extend(_ops_of(page))
        if not page.get("more"):
            return found
        after = int(page["next"])


def _check_device(database: Database, transport: Transport, result: SyncResult) -> None:
    """The token's device must be this database's device. A copy opened on another machine took a new device
    id when it was opened; a copy put back on the same machine is caught here: the server holds ops of this
    device that this database did not push. When they part from the local log, the ops written since the copy
    are re-issued under a new device id (sync/fork.py), registered with the old token, and the device's
    published ops then arrive by the pull as another device's."""
    info = transport.json("GET", "/v1/device")
    with database.read() as session:
        state = _device_state(session)
        row = _state_row(session)
        pushed = int(row.pushed_seq)
        same_device = state.device_id == info["device_id"]
    published = _published_own_ops(transport, pushed) if same_device and int(info["max_seq"]) > pushed else []
    with database.write() as session:
        identity = session.get(SyncIdentity, 1)
        if identity is None:
            raise SyncError("本机还没有同步密钥：请用登记码登记（--enroll）。",
                            "This laptop has no sync keys yet: enroll with an enrollment code (--enroll).")
        if identity.deployment_id != info["deployment_id"]:
            raise SyncError("这台电脑属于另一个部署，不能与这个服务器同步。",
                            "This laptop belongs to another deployment; it cannot sync with this server.")
        state = _device_state(session)
        if published is None:
            # A server without /v1/device/ops: the old rule (a restored database behind the server).
            if same_device and state.last_seq < int(info["max_seq"]):
                oplog.new_device_id(session)
                session.expire(state)
        elif published:
            copy_back = fork.reconcile(session, published)
            if copy_back is None:
                # Pushed by this database before it lost its record of the push: the server has them.
                _save_state(session, pushed_seq=max(pushed, published[-1].seq))
            else:
                result.copy_back = copy_back
            session.expire(state)
        if identity.key_device != state.device_id:
            if result.copy_back is None:
                result.copy_back = fork.opened_as_older_copy(session, identity)
            identity.key_device = state.device_id
            identity.signing_key = crypto.new_signing_key()
        if state.device_id == info["device_id"]:
            _save_state(session, scope=info["scope"])
            return
        device_id, name = state.device_id, state.device_name
        public = crypto.public_key(identity.signing_key)
    result.new_device_id = True
    keys = transport.json("POST", "/v1/rekey", json_body={"device_id": device_id, "public_key": crypto.b64(public),
                                                          "name": name})
    with database.write() as session:
        _save_state(session, device_id=keys["device_id"], device_token=keys["token"], scope=keys["scope"],
                    pushed_seq=0, refused="[]")
    transport.token = keys["token"]


def _runs(ops: Sequence[oplog.OpRecord]) -> list[list[oplog.OpRecord]]:
    """Consecutive runs of at most OPS_PER_BUNDLE ops (a bundle holds consecutive seqs)."""
    out: list[list[oplog.OpRecord]] = []
    for op in ops:
        if out and op.seq == out[-1][-1].seq + 1 and len(out[-1]) < OPS_PER_BUNDLE:
            out[-1].append(op)
        else:
            out.append([op])
    return out


def _push(database: Database, transport: Transport, result: SyncResult, progress: Progress,
          cancelled: IsCancelled) -> int:
    with database.read() as session:
        identity = session.get(SyncIdentity, 1)
        assert identity is not None
        me = _device_state(session).device_id
        row = _state_row(session)
        pushed, refused = int(row.pushed_seq), set(json.loads(row.refused))
        store = oplog.log_store(session)
        store.cur.execute(f"SELECT {oplog.OP_COLUMNS} FROM op_log WHERE device = ? AND seq > ? ORDER BY seq",
                          (store.atom(me), pushed))
        ops = [store.decode(r) for r in store.cur.fetchall()]
    total = max(1, len(ops))
    pending = [op for op in ops if op.seq not in refused]
    refused_now: set[int] = set()
    while pending:
        chunk = _runs(pending)[0]
        raise_if_cancelled(cancelled, "同步已取消；已上传的修改保持有效。",
                           "Sync cancelled; changes already sent stay sent.")
        data = bundles.pack(chunk, deployment=identity.deployment_id, prev_hash=None, schema=SCHEMA_VERSION,
                            content_key=identity.content_key, signing_key=identity.signing_key)
        try:
            answer = transport.json("POST", "/v1/push", body=data)
        except ServerRefused as exc:
            if exc.code == "forged":
                raise SyncError(
                    "服务器上已有本机编号下的不同修改：这个数据库是复制来的，并且在第一次同步前已经改过。"
                    "请用“恢复备份”（jiafang restore）取得新的设备编号，或联系区教育局。",
                    "The server holds different changes under this laptop's ids: this database is a copy that "
                    "was changed before it first synced. Restore it with `jiafang restore` (which gives a new "
                    "device id), or contact the district.") from None
            if exc.code != "out_of_scope" or not exc.payload.get("refused"):
                raise
            # Nothing of this bundle was stored: the refused ops stay here (remembered, so they are not
            # offered again), the rest are sent again without them.
            out = {int(s) for s in exc.payload["refused"]}
            refused |= out
            refused_now |= out
            pending = [op for op in pending if op.seq not in out]
            with database.write() as session:
                _save_state(session, refused=json.dumps(sorted(refused)))
            continue
        pending = pending[len(chunk):]
        # Every own op up to just before the next one to send is now on the server or refused by it.
        pushed = pending[0].seq - 1 if pending else ops[-1].seq
        with database.write() as session:
            _save_state(session, pushed_seq=pushed)
        result.sent_ops += int(answer.get("stored", 0))
        result.sent_bundles += 1
        progress("send", 1.0 - len(pending) / total)
    if ops and pushed < ops[-1].seq:  # only refused ops were left
        pushed = ops[-1].seq
        with database.write() as session:
            _save_state(session, pushed_seq=pushed)
    result.refused_kept = len(refused - refused_now)
    if refused_now:
        tables = sorted({op.tbl for op in ops if op.seq in refused_now})
        result.rejected.append((
            "server", f"{len(refused_now)} 条修改涉及其他学校或学区的记录（{', '.join(tables)}），服务器不接受，"
                      "这些修改留在本机（如需上报请联系区教育局）。",
            f"{len(refused_now)} changes touch records of another school or of the district ({', '.join(tables)}); "
            "the server does not accept them and they stay on this laptop (contact the district if they matter)."))
    mark_published(me, pushed)
    return pushed


def _ops_of(page: dict[str, Any]) -> list[oplog.OpRecord]:
    try:
        return [oplog.OpRecord(str(r[0]), int(r[1]), int(r[2]), str(r[3]), str(r[4]), str(r[5]), dict(r[7]),
                               None if r[8] is None else {k: list(v) for k, v in r[8].items()},
                               None if r[6] is None else str(r[6]))
                for r in page["ops"]]
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        raise SyncError("服务器发来的变更格式不对。", "The server sent changes in a wrong format.") from None


def _is_missing_parent(exc: BaseException) -> bool:
    cause = exc.__cause__ if isinstance(exc, StoreError) and exc.__cause__ is not None else exc
    return "foreign key" in str(cause).lower()


def _apply_page(database: Database, ops: list[oplog.OpRecord], cursor: int, result: SyncResult) -> None:
    """Apply one page and move the cursor, in one transaction; ops whose parents are missing wait."""
    try:
        with database.write() as session:
            session.connection().exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            applied = oplog.apply_remote(session, ops)
            _save_state(session, pull_cursor=cursor)
    except (StoreError, IntegrityError) as exc:
        if not _is_missing_parent(exc):
            raise
        applied = _apply_carefully(database, ops, cursor=cursor)
    except oplog.OpMismatch:
        raise SyncError("服务器发来的变更与本机已有的不一致（本机数据库是否被复制过？），已停止导入。",
                        "The server sent changes that contradict this laptop's (was this database copied?); "
                        "receiving stopped.") from None
    result.received_ops += applied.applied
    result.future_ops += applied.future_ops
    result.note_set_aside(applied.set_aside)


def _apply_carefully(database: Database, ops: list[oplog.OpRecord], *, cursor: int | None) -> oplog.ApplyResult:
    """Apply row by row, parents first, each in a savepoint; rows whose parent record has not arrived yet
    are kept in sync_server_pending for a later sync. Moves the cursor (when given) in the same transaction."""
    total = oplog.ApplyResult()
    groups: dict[tuple[str, str], list[oplog.OpRecord]] = defaultdict(list)
    for op in ops:
        groups[(op.tbl, op.row_id)].append(op)
    order = sorted(groups, key=lambda key: (oplog.APPLY_ORDER[key[0]], key[1]))
    with database.write() as session:
        raw = raw_cursor(session)
        waiting: list[oplog.OpRecord] = []
        for key in order:
            raw.execute("SAVEPOINT row_apply")
            try:
                done = oplog.apply_remote(session, groups[key])
            except Exception as exc:  # noqa: BLE001 - sorted below: a missing parent waits, anything else fails
                raw.execute("ROLLBACK TO row_apply")
                raw.execute("RELEASE row_apply")
                oplog.forget_writer(session)
                if not _is_missing_parent(exc):
                    raise
                waiting.extend(groups[key])
                continue
            raw.execute("RELEASE row_apply")
            total.applied += done.applied
            total.future_ops += done.future_ops
            total.set_aside.extend(done.set_aside)
        if session.scalar(select(func.count()).select_from(pending_ops)):
            session.execute(pending_ops.delete().where(pending_ops.c.origin == bindparam("o"),
                                                       pending_ops.c.seq == bindparam("s")),
                            [{"o": op.device_id, "s": op.seq} for op in ops])
        if waiting:
            session.execute(pending_ops.insert().prefix_with("OR REPLACE"), [
                {"origin": op.device_id, "seq": op.seq, "op": json.dumps(
                    [op.hlc, op.tbl, op.row_id, op.scope, op.user_id, op.data, op.prev], ensure_ascii=False)}
                for op in waiting])
        if cursor is not None:
            _save_state(session, pull_cursor=cursor)
    return total


def _retry_pending(database: Database, result: SyncResult) -> None:
    with database.read() as session:
        rows = session.execute(select(pending_ops)).all()
    if not rows:
        return
    ops = []
    for row in rows:
        hlc, tbl, row_id, scope, user, data, prev = json.loads(row.op)
        ops.append(oplog.OpRecord(row.origin, int(row.seq), int(hlc), tbl, row_id, scope, data, prev, user))
    done = _apply_carefully(database, ops, cursor=None)
    result.received_ops += done.applied
    result.note_set_aside(done.set_aside)
    with database.read() as session:
        left = session.scalar(select(func.count()).select_from(pending_ops)) or 0
    if left:
        result.waiting.append(f"服务器上的 {left} 条变更 / {left} changes from the server")


def _pull(database: Database, transport: Transport, result: SyncResult, progress: Progress,
          cancelled: IsCancelled) -> None:
    with database.read() as session:
        cursor = int(_state_row(session).pull_cursor)
    while True:
        raise_if_cancelled(cancelled, "同步已取消；已导入的变更保持有效。",
                           "Sync cancelled; changes already received stay.")
        page = transport.json("GET", "/v1/pull", query={"since": cursor, "limit": PAGE})
        ops = _ops_of(page)
        next_cursor = int(page["next"])
        if ops or next_cursor != cursor:
            _apply_page(database, ops, next_cursor, result)
            if ops:
                result.applied_bundles += 1
        cursor = next_cursor
        progress("receive", min(1.0, cursor / max(1, int(page.get("last") or cursor))))
        if not page.get("more"):
            break
    _retry_pending(database, result)


def _blobs(database: Database, transport: Transport, result: SyncResult) -> None:
    with database.read() as session:
        identity = session.get(SyncIdentity, 1)
        assert identity is not None
        wanted = set(session.scalars(select(VisitAttachment.blob_sha256)))
        held = sorted(session.scalars(select(Blob.sha256)))
    missing = transport.json("POST", "/v1/blobs/missing", json_body={"sha256": held})["sha256"] if held else []
    for sha in missing:
        with database.read() as session:
            blob = session.get(Blob, sha)
            if blob is None:
                continue
            plain = json.dumps({"media_type": blob.media_type}).encode() + b"\n" + blob.data
        nonce, sealed = crypto.seal(identity.content_key, plain, sha.encode("ascii"))
        try:
            transport.request("PUT", f"/v1/blobs/{sha}", body=nonce + sealed)
        except ServerRefused as exc:
            if exc.status != 403:
                raise
            result.photos_kept += 1  # the photo's record was refused by the server (outside this school)
            continue
        result.blobs_sent += 1
    for sha in sorted(wanted - set(held)):
        try:
            raw = transport.request("GET", f"/v1/blobs/{sha}")
        except ServerRefused as exc:
            if exc.status == 404:
                result.photos_awaited += 1  # not there yet: the laptop that took the photo has not synced it
                continue
            raise
        opened = crypto.unseal(identity.content_key, raw[:12], raw[12:], sha.encode("ascii"))
        if opened is None or b"\n" not in opened:
            result.rejected.append((sha[:12], "照片文件已损坏或被改动。", "the photo file is damaged or altered."))
            continue
        header, data = opened.split(b"\n", 1)
        if hashlib.sha256(data).hexdigest() != sha:
            result.rejected.append((sha[:12], "照片内容与编号不符。", "the photo does not match its id."))
            continue
        with database.write() as session:
            if session.get(Blob, sha) is None:
                session.add(Blob(sha256=sha, media_type=str(json.loads(header).get("media_type", "")), data=data))
        result.blobs_received += 1


def sync_server(database: Database, url: str, *, token: str | None = None, enroll_code: str | None = None,
                ca_file: str | None = None, progress: Progress | None = None,
                cancelled: IsCancelled | None = None) -> SyncResult:
    """Sync this data folder with the district server; see the module docstring.

    ``enroll_code`` enrolls this laptop first (once); ``token`` overrides the stored device token.
    """
    report = progress or (lambda stage, fraction: None)
    stop = cancelled or (lambda: False)
    url = normalise_url(url)
    result = SyncResult()
    started = datetime.now(UTC)
    transport = Transport(url, ca_file=ca_file)
    report("connect", 0.0)
    meta = transport.json("GET", "/v1/meta")
    _check_meta(meta, result)
    if enroll_code:
        _enroll(database, transport, url, enroll_code, meta)
    with database.write() as session:
        row = _state_row(session)
        if row is None and token is None:
            raise SyncError("这台电脑还没有在服务器登记：请用区教育局给的登记码登记（--enroll 登记码）。",
                            "This laptop is not enrolled with the server: enroll with the district's code "
                            "(--enroll CODE).")
        _save_state(session, url=url)
        stored = None if row is None else row.device_token
    transport.token = token or stored
    if not transport.token:
        raise SyncError("没有设备令牌：请用登记码登记（--enroll）或设置 JIAFANG_SYNC_TOKEN。",
                        "No device token: enroll with a code (--enroll) or set JIAFANG_SYNC_TOKEN.")
    if token:
        with database.write() as session:
            _save_state(session, device_token=token)
    _check_device(database, transport, result)
    report("send", 0.0)
    exported = _push(database, transport, result, report, stop)
    report("receive", 0.0)
    _pull(database, transport, result, report, stop)
    _blobs(database, transport, result)
    with database.write() as session:
        result.conflicts = session.scalar(select(func.count()).select_from(Conflict)) or 0
        result.clock_behind_ms = max(result.clock_behind_ms, oplog.writer(session).clock.local_clock_behind_ms())
        session.add(SyncRun(transport="server", target=url, started_at=started, finished_at=datetime.now(UTC),
                            sent_ops=result.sent_ops, received_ops=result.received_ops, exported_seq=exported,
                            ok=result.ok, summary="\n".join(result.lines("zh"))))
    report("done", 1.0)
    return result


__all__ = ["sync_server", "server_settings", "ServerSettings", "ServerRefused", "TOKEN_ENV", "CA_ENV"]
