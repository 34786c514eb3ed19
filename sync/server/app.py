"""The HTTP face of the server: the ``/v1`` sync API (OpenAPI at ``/openapi.json``) and the dashboard at ``/``.

Every error is JSON ``{"error": {"code", "zh", "en"}}`` with a status that says whose fault it is: 400
malformed request, 401 no or bad or revoked token, 403 outside the device's scope, 409 a forged op id or a
client newer than the server, 413 a body over the limit, 422 a bundle or photo that fails its checks,
426 a client too old, 503 the database is unavailable (retry). Nothing is stored unless the answer is 200.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import __version__
from app.domain.errors import DomainError
from app.store.migrations import SCHEMA_VERSION
from app.store.models import Conflict, School
from sync import crypto
from sync.errors import BundleError
from sync.server.dashboard import PART_NAMES, Figures, compute, dashboard_page, login_page
from sync.server.materialised import Materialised
from sync.server.records import PgRecords, open_records
from sync.server.store import MIN_CLIENT_SCHEMA, Device, ServerError, ServerStore, default_url

log = logging.getLogger("jiafang.server")
MAX_BODY = 32 * 1024 * 1024  # a bundle of 5,000 ops is about 1 MB; photos are resized on the laptop
MAX_PAGE = 20_000
SESSION_COOKIE = "jiafang_session"
SCHEMA_HEADER = "X-Jiafang-Schema"


def _error(status: int, code: str, zh: str, en: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "zh": zh, "en": en}}, status_code=status, headers=headers or None)


class _BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuses a body over the limit with 413 before reading it (Content-Length), or as soon as a streamed
    body passes it, so a huge upload costs neither memory nor disk."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._too_large(scope, receive, send)
            return
        seen = 0
        started = False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited, tracking_send)
        except _BodyTooLarge:
            if not started:
                await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        mib = self.limit // (1024 * 1024)
        response = _error(413, "too_large", f"请求过大（上限 {mib} MB），未保存。",
                          f"The request is too large (limit {mib} MB); nothing was stored.", Connection="close")
        await response(scope, receive, send)


class EnrollRequest(BaseModel):
    code: str = Field(min_length=4, max_length=40)
    device_id: str = Field(min_length=8, max_length=36)
    public_key: str = Field(description="the device's Ed25519 public key, base64", max_length=100)
    name: str | None = Field(default=None, max_length=80)


class RekeyRequest(BaseModel):
    device_id: str = Field(min_length=8, max_length=36)
    public_key: str = Field(max_length=100)
    name: str | None = Field(default=None, max_length=80)


class Keys(BaseModel):
    device_id: str
    token: str
    scope: str
    deployment_id: str
    content_key: str


class DeviceInfo(BaseModel):
    device_id: str
    scope: str
    max_seq: int
    deployment_id: str
    content_key: str


class Meta(BaseModel):
    server_time: str
    server_time_ms: int
    schema_version: int = Field(description="the newest client schema the server accepts")
    min_client_schema: int
    deployment_id: str
    version: str


class PushResult(BaseModel):
    stored: int
    duplicates: int
    cursor: int


class BlobList(BaseModel):
    sha256: list[str] = Field(max_length=100_000)


class ConflictItem(BaseModel):
    tbl: str
    row_id: str
    field: str
    heads: list[str]


def check_client(x_jiafang_schema: Annotated[int | None, Header(description="the client's schema version")] = None
                 ) -> None:
    """Refuse a client whose synced tables differ from the server's (older than the minimum, or newer)."""
    if x_jiafang_schema is None:
        return
    if x_jiafang_schema < MIN_CLIENT_SCHEMA:
        raise ServerError(426, "client_too_old",
                          f"本机的家访通太旧（数据版本 {x_jiafang_schema}），服务器需要 "
                          f"{MIN_CLIENT_SCHEMA} 或更新。请先升级家访通。",
                          f"This laptop's Jiafang is too old (data version {x_jiafang_schema}; the server needs "
                          f"{MIN_CLIENT_SCHEMA} or newer). Upgrade Jiafang first.")
    if x_jiafang_schema > SCHEMA_VERSION:
        raise ServerError(409, "server_too_old",
                          f"本机的家访通比服务器新（数据版本 {x_jiafang_schema}，服务器支持到 {SCHEMA_VERSION}）。"
                          "请区教育局先升级服务器。",
                          f"This laptop's Jiafang is newer than the server (data version {x_jiafang_schema}; "
                          f"the server knows up to {SCHEMA_VERSION}). Ask the district to upgrade the server.")


async def current_device(request: Request, _client: Annotated[None, Depends(check_client)],
                         authorization: Annotated[str | None, Header(description="Bearer <device token>")] = None
                         ) -> Device:
    """The device whose token the request carries (401 without one, or with a wrong or revoked one)."""
    token = None
    if authorization and authorization.lower().startswith("bearer "):
        token = authorization[7:].strip()
    store: ServerStore = request.app.state.store
    return await run_in_threadpool(store.device_for_token, token)


DeviceDep = Annotated[Device, Depends(current_device)]


def create_app(store: ServerStore, *, cache_dir: Path, max_body: int = MAX_BODY,
               secure_cookies: bool = False, dashboard_db: str | None = None) -> FastAPI:
    """The server application over a set-up store; the dashboard reads ``dashboard_db`` (a read replica of
    the store's PostgreSQL) when given."""
    api = FastAPI(title="Jiafang sync server", version=__version__,
                  description="Sync API of 家访通 Jiafang: enrollment, push and pull of signed, encrypted change "
                              "bundles scoped per school, photos, conflicts; and the bureau's dashboard at /.")
    materialised: dict[str, PgRecords | Materialised] = {}
    opening = threading.Lock()
    # The replica is opened at start: a wrong address or a SQLite store is said before the first page.
    replica = open_records(store, cache_dir, replica_url=dashboard_db) if dashboard_db else None

    def records() -> PgRecords | Materialised:
        # Opened on first use: a server on SQLite that never shows the dashboard never builds its copy.
        with opening:
            if "m" not in materialised:
                materialised["m"] = open_records(store, cache_dir)
        found = materialised["m"]
        found.refresh()
        return found

    api.state.store = store
    api.state.records = records

    @api.exception_handler(ServerError)
    async def _server_error(request: Request, exc: ServerError) -> JSONResponse:
        response = _error(exc.status, exc.code, exc.zh, exc.en)
        refused = getattr(exc, "refused", None)
        if refused is not None:
            response = JSONResponse({"error": {"code": exc.code, "zh": exc.zh, "en": exc.en, "refused": refused}},
                                    status_code=exc.status)
        return response

    @api.exception_handler(BundleError)
    async def _bundle_error(request: Request, exc: BundleError) -> JSONResponse:
        return _error(422, "bad_bundle", exc.zh, exc.en)

    @api.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
        return _error(400, "refused", exc.zh, exc.en)

    @api.exception_handler(RequestValidationError)
    async def _malformed(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(400, "malformed", "请求格式不对（JSON 无法解析或缺少字段）。",
                      "Malformed request (JSON unreadable or fields missing).")

    @api.exception_handler(OperationalError)
    @api.exception_handler(DBAPIError)
    async def _database_down(request: Request, exc: Exception) -> JSONResponse:
        log.warning("database unavailable: %s", exc)
        return _error(503, "database_unavailable", "服务器数据库暂时不可用，请稍后重试（未保存任何内容）。",
                      "The server database is unavailable for a moment; retry (nothing was stored).",
                      **{"Retry-After": "1"})

    @api.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return _error(500, "internal", "服务器内部错误，已记录。请稍后重试或联系区教育局。",
                      "Internal server error (logged); retry later or contact the district.")


    # ------------------------------------------------------------------ sync API
    @api.get("/v1/meta", response_model=Meta, tags=["sync"])
    def meta() -> Meta:
        """Server time (for the laptops' clock check), the schema versions it accepts, the deployment."""
        now = datetime.now(UTC)
        return Meta(server_time=now.isoformat(timespec="milliseconds"), server_time_ms=int(now.timestamp() * 1000),
                    schema_version=SCHEMA_VERSION, min_client_schema=MIN_CLIENT_SCHEMA,
                    deployment_id=store.deployment[0], version=__version__)

    @api.post("/v1/enroll", response_model=Keys, tags=["sync"], dependencies=[Depends(check_client)])
    def enroll(body: EnrollRequest) -> Keys:
        """Spend a one-time enrollment code: the device gets its token, the deployment and its content key."""
        done = store.enroll(body.code, device_id=body.device_id, public_key=_key(body.public_key), name=body.name)
        return Keys(device_id=done.device_id, token=done.token, scope=done.scope, deployment_id=done.deployment_id,
                    content_key=crypto.b64(done.content_key))

    @api.get("/v1/device", response_model=DeviceInfo, tags=["sync"])
    def device_info(dev: DeviceDep) -> DeviceInfo:
        """This device as the server knows it: its scope and the highest op seq held from it."""
        store.touch(dev)
        deployment_id, content_key = store.deployment
        return DeviceInfo(device_id=dev.id, scope=dev.scope, max_seq=store.max_seq(dev.id),
                          deployment_id=deployment_id, content_key=crypto.b64(content_key))

    @api.post("/v1/rekey", response_model=Keys, tags=["sync"])
    def rekey(body: RekeyRequest, dev: DeviceDep) -> Keys:
        """A copied or restored database took a new device id: enroll it with the old token's scope."""
        done = store.rekey(dev, new_device_id=body.device_id, public_key=_key(body.public_key), name=body.name)
        return Keys(device_id=done.device_id, token=done.token, scope=done.scope, deployment_id=done.deployment_id,
                    content_key=crypto.b64(done.content_key))

    @api.post("/v1/push", response_model=PushResult, tags=["sync"], openapi_extra={"requestBody": {
        "required": True, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        "description": "one bundle (sync.bundle format) of this device's own consecutive ops"}})
    async def push(request: Request, dev: DeviceDep) -> PushResult:
        """Store one bundle of the device's own ops: verified, decrypted, scope-checked, idempotent, durable
        before the answer. A replay answers 200 with nothing stored."""
        data = await request.body()
        if not data:
            raise ServerError(400, "empty", "请求里没有同步包。", "The request holds no bundle.")
        done = await run_in_threadpool(store.push, dev, data)
        return PushResult(stored=done.stored, duplicates=done.duplicates, cursor=done.cursor)

    @api.get("/v1/pull", tags=["sync"], responses={200: {"description": (
        '{"next": cursor, "last": newest cursor, "more": bool, "ops": [[device, seq, hlc, table, row, scope, user, '
        "data, prev], ...]}")}})
    def pull(dev: DeviceDep, since: int = Query(0, ge=0), limit: int = Query(5000, ge=1, le=MAX_PAGE)
             ) -> Response:
        """Ops after ``since`` that this device may see (its school's records, the records they refer to,
        reference data; everything for the district), paged; carry on from ``next`` while ``more``."""
        page = store.pull(dev, since, limit)
        return Response(page.body, media_type="application/json")

    @api.get("/v1/device/ops", tags=["sync"], responses={200: {"description": (
        '{"next": seq, "more": bool, "ops": [[device, seq, hlc, table, row, scope, user, data, prev], ...]}')}})
    def own_ops(dev: DeviceDep, after: int = Query(0, ge=0), limit: int = Query(5000, ge=1, le=MAX_PAGE)
                ) -> Response:
        """This device's own ops after seq ``after``, in seq order, paged: a laptop whose database was put back
        from an older copy finds here what the device published since (carry on from ``next`` while ``more``)."""
        page = store.own_ops(dev, after, limit)
        return Response(page.body, media_type="application/json")

    @api.post("/v1/blobs/missing", response_model=BlobList, tags=["blobs"])
    def blobs_missing(body: BlobList, dev: DeviceDep) -> BlobList:
        """Of the photos and signatures the device holds, the ones the server lacks (to upload)."""
        return BlobList(sha256=store.missing_blobs(dev, body.sha256))

    @api.put("/v1/blobs/{sha256}", tags=["blobs"], openapi_extra={"requestBody": {
        "required": True, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        "description": "nonce + AES-256-GCM(content key; JSON header, newline, bytes), associated data the sha256"}})
    async def blob_put(sha256: str, request: Request, dev: DeviceDep) -> dict[str, bool]:
        data = await request.body()
        return {"stored": await run_in_threadpool(store.put_blob, dev, sha256, data)}

    @api.get("/v1/blobs/{sha256}", tags=["blobs"], response_class=Response)
    def blob_get(sha256: str, dev: DeviceDep) -> Response:
        return Response(store.get_blob(dev, sha256), media_type="application/octet-stream")

    @api.get("/v1/conflicts", response_model=list[ConflictItem], tags=["sync"])
    def conflicts(dev: DeviceDep) -> list[ConflictItem]:
        """Conflicts as the server derives them from every op it holds (the same merge as the laptops),
        limited to the records this device may see. A laptop's own list can differ while it has not synced
        everything; resolving is done on a laptop, as an op that syncs."""
        found = records()
        with found.session() as session:
            items = list(session.scalars(select(Conflict)))
        visible = store.visible_rows(dev, [c.row_id for c in items])
        return [ConflictItem(tbl=c.tbl, row_id=c.row_id, field=c.field, heads=list(c.heads))
                for c in items if c.row_id in visible]

    # ------------------------------------------------------------------ dashboard
    @api.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(next: str = "/") -> HTMLResponse:  # noqa: A002 - the form field's name
        return HTMLResponse(login_page(next_url=_local(next)))

    @api.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await request.form()
        username, password = str(form.get("username") or ""), str(form.get("password") or "")
        token = await run_in_threadpool(store.login, username, password) if username and password else None
        if token is None:
            return HTMLResponse(login_page("用户名或密码不正确。Wrong user name or password.",
                                           next_url=_local(str(form.get("next") or "/"))), status_code=401)
        response = RedirectResponse(_local(str(form.get("next") or "/")), status_code=303)
        response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", secure=secure_cookies,
                            max_age=8 * 3600)
        return response

    @api.post("/logout", include_in_schema=False)
    def logout(request: Request) -> Response:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            store.logout(token)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @api.get("/", response_class=HTMLResponse, include_in_schema=False)
    def dashboard(request: Request, campaign: str | None = None) -> Response:
        user = store.session_user(request.cookies.get(SESSION_COOKIE))
        if user is None:
            return RedirectResponse("/login", status_code=303)
        # A replica is not refreshed: it replays the primary, where the pushes build the records.
        found = replica or records()
        school_id = store.schools_of_user(user)
        if user.role != "district" and not school_id:
            return HTMLResponse(login_page("这个账号没有指定学校。This account has no school."), status_code=403)
        with found.session() as session:
            try:
                figures = compute(session, campaign_code=campaign, school_id=school_id, today=date.today())
            except Exception:  # noqa: BLE001 - the page still answers, says what is missing; the log says why
                log.exception("the dashboard could not compute its figures")
                session.rollback()
                figures = Figures([], None, unavailable=list(PART_NAMES))
            label = "全区 whole district" if school_id is None else (
                session.scalar(select(School.name).where(School.id == school_id)) or school_id)
        figures.as_of_cursor = found.cursor
        return HTMLResponse(dashboard_page(figures, user_name=user.display_name, scope_label=label))

    api.add_middleware(GZipMiddleware, minimum_size=4096, compresslevel=1)
    api.add_middleware(BodyLimit, limit=max_body)
    return api


def _key(text: str) -> bytes:
    try:
        return crypto.unb64(text)
    except ValueError:
        raise ServerError(400, "bad_key", "设备公钥格式不对。", "The device's public key is malformed.") from None


def _local(url: str) -> str:
    """Only redirect within this site (an open redirect would help phishing)."""
    return url if url.startswith("/") and not url.startswith("//") else "/"


def app_from_env() -> FastAPI:
    """The app for ``uvicorn --factory`` with several worker processes (settings from the environment)."""
    data_dir = Path(os.environ.get("JIAFANG_SERVER_DATA", "."))
    store = ServerStore(os.environ.get("JIAFANG_SERVER_DB") or default_url(data_dir))
    store.setup()
    return create_app(store, cache_dir=data_dir / "server-cache",
                      secure_cookies=os.environ.get("JIAFANG_SERVER_TLS") == "1",
                      dashboard_db=os.environ.get("JIAFANG_SERVER_DASHBOARD_DB") or None)


def serve(store: ServerStore, *, data_dir: Path, host: str, port: int, cert: str | None = None,
          key: str | None = None, workers: int = 1, log_level: str = "warning",
          dashboard_db: str | None = None) -> None:
    """Run the server until interrupted (``jiafang serve``)."""
    import uvicorn

    ssl: dict[str, Any] = {"ssl_certfile": cert, "ssl_keyfile": key} if cert else {}
    if workers > 1:
        os.environ["JIAFANG_SERVER_DATA"] = str(data_dir)
        os.environ["JIAFANG_SERVER_DB"] = store.url
        os.environ["JIAFANG_SERVER_TLS"] = "1" if cert else "0"
        os.environ["JIAFANG_SERVER_DASHBOARD_DB"] = dashboard_db or ""
        uvicorn.run("sync.server.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                    log_level=log_level, **ssl)
        return
    app = create_app(store, cache_dir=data_dir / "server-cache", secure_cookies=bool(cert),
                     dashboard_db=dashboard_db)
    uvicorn.run(app, host=host, port=port, log_level=log_level, **ssl)
