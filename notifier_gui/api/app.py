"""The HTTP face of the core: the original service's REST API (DRF conventions).

Most endpoints are plain ``def`` functions: FastAPI runs them on its thread pool, so the
blocking store calls never hold the event loop. ``POST /api/notifications/``, the hot
path, checks its body on the event loop and awaits :class:`.batcher.Batcher`, whose one
writer thread commits the sends that waited meanwhile in one transaction (each 201 is
sent only once its own rows are committed).
Every send goes through :mod:`core.sending`, like the window's and the CLI's.
(Just over 450 lines: one endpoint after another, each short; the contract reads as one file.)
"""
# No "from __future__ import annotations": FastAPI reads the endpoints' annotations at run
# time, and those name local objects (the auth header dependency).
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import APIKeyHeader
from pydantic import ValidationError as PydanticValidationError
from starlette.concurrency import run_in_threadpool

from .. import __version__
from ..core import validation as v
from ..core.config import CHANNEL_NAMES
from ..core.recipients import clean_recipient
from ..core.records import RecipientData
from ..core.runtime import Runtime
from ..core.sending import enqueue_send, plan_send
from ..core.storage import listing
from ..core.storage.history import History
from ..core.storage.schema import STATES
from . import docs
from .batcher import Batcher, Missing, QueuedSend, Send
from .models import NotificationIn, UserIn
from .security import Gate, RateLimiter, TokenSource, allowed_hosts, parse_authorization, replaying

log = logging.getLogger("notifier.api")

MAX_PAGE_SIZE = 1000


class ApiError(Exception):
    """An answer other than 2xx: ``body`` is DRF-shaped ({"field": [..]} or {"detail": ..})."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


def not_found() -> ApiError:
    return ApiError(404, {"detail": "Not found."})


def field_error(name: str, message: str) -> ApiError:
    return ApiError(400, {name: [message]})


@dataclass
class ApiContext:
    """What the API needs from its host (the window or ``notifier serve``)."""

    runtime: Runtime
    tokens: TokenSource
    worker_running: Callable[[], bool] = lambda: False
    # Called after something was queued, once per committed batch of requests (the writer
    # thread's batch; a single request on the slower paths), on that thread: one
    # ``QueuedSend`` (notification ids, their recipient ids, source such as "API
    # 127.0.0.1") per request, in commit order. Once per batch, so that a host doing
    # work per call (the window reads the recipients' names) does it once per batch.
    on_queued: Callable[[list[QueuedSend]], None] | None = None
    bound_host: str = "127.0.0.1"
    rate: float = 100.0
    extra: dict[str, Any] = field(default_factory=dict)


# -- shapes ------------------------------------------------------------------------------

def user_json(r: RecipientData) -> dict[str, Any]:
    return r.as_dict()


def notification_json(n: dict[str, Any]) -> dict[str, Any]:
    out = dict(n)
    out["user_id"] = n["recipient_id"]
    return out


def _validation_response(exc: RequestValidationError) -> JSONResponse:
    """pydantic's errors in DRF's shape. Never echoes the input (it may hold a password)."""
    fields: dict[str, list[str]] = {}
    for err in exc.errors():
        loc = [p for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        kind = err.get("type", "")
        if kind == "json_invalid":
            return JSONResponse({"detail": f"JSON parse error - {err.get('ctx', {}).get('error', 'invalid JSON')}"},
                                status_code=400)
        if not loc or isinstance(loc[0], int):
            name = "non_field_errors"
            msg = "Invalid data. Expected a JSON object." if kind in ("model_attributes_type", "dict_type") else err["msg"]
            if kind == "missing":
                msg = "No data provided."
        else:
            name = str(loc[0])
            msg = "This field is required." if kind == "missing" else (
                "Unknown field." if kind == "extra_forbidden" else err["msg"])
        fields.setdefault(name, []).append(msg)
    return JSONResponse(fields, status_code=400)


def _created(n: dict[str, Any]) -> dict[str, Any]:
    """The answer to a create (and to its replay, with the state as it is now)."""
    return {"id": n["id"], "user_id": n["recipient_id"], "state": n["state"], "subject": n["subject"],
            "delivered_via": n["delivered_via"]}


def _idempotency_keys(key: str, count: int) -> list[str]:
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:48]
    return [f"api:{digest}:{n}" for n in range(count)]


def _page_links(request: Request, page: int, size: int, count: int) -> tuple[str | None, str | None]:
    def link(p: int) -> str:
        return str(request.url.include_query_params(page=p, page_size=size))
    nxt = link(page + 1) if page * size < count else None
    prev = link(page - 1) if page > 1 else None
    return nxt, prev


# -- the application ---------------------------------------------------------------------

def build_app(ctx: ApiContext) -> Any:
    """The ASGI application: FastAPI behind the :class:`Gate` middleware."""
    rt = ctx.runtime
    batcher = Batcher(rt, ctx.on_queued)
    app = FastAPI(title="Notifier API", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/schema/",
                  description="The original notification service's REST API, served by Notifier. "
                              "Send `Authorization: Token <token>` (or `Bearer <token>`) with every request "
                              "but /api/health/.")
    auth_header = APIKeyHeader(name="Authorization", auto_error=False,
                               description="`Token <token>`; the token is shown in Settings → API")

    # async: run on the event loop, not as one more hop through the thread pool per request
    # (the token is cached; the credential store is re-read at most every few seconds).
    async def require_token(authorization: Annotated[str | None, Depends(auth_header)]) -> None:
        offered = parse_authorization(authorization)
        if offered is None:
            raise ApiError(401, {"detail": "Authentication credentials were not provided."},
                           {"WWW-Authenticate": "Token"})
        if not ctx.tokens.matches(offered):
            raise ApiError(401, {"detail": "Invalid token."}, {"WWW-Authenticate": "Token"})

    authed = [Depends(require_token)]

    def error_response(exc: Exception, method: str, path: str) -> JSONResponse:
        """The answer to an error raised by an endpoint (also for the fast path's)."""
        if isinstance(exc, ApiError):
            return JSONResponse(exc.body, status_code=exc.status, headers=exc.headers)
        if isinstance(exc, v.ValidationError):
            return JSONResponse({exc.field: [rt.secrets.redactor(exc.message)]}, status_code=400)
        log.error("API %s %s failed: %s", method, path, rt.secrets.redactor(f"{type(exc).__name__}: {exc}"))
        return JSONResponse({"detail": "Internal error; details are in the program's log."}, status_code=500)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc, request.method, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation_response(exc)

    @app.exception_handler(v.ValidationError)
    async def _invalid_value(request: Request, exc: v.ValidationError) -> JSONResponse:
        return error_response(exc, request.method, request.url.path)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        return error_response(exc, request.method, request.url.path)

    # -- health -------------------------------------------------------------------------
    @app.get("/api/health/", tags=["health"], summary="Version, worker state and queue depth (no token)")
    def health() -> dict[str, Any]:
        return {"status": "ok", "version": __version__, "worker_running": ctx.worker_running(),
                "queue_depth": rt.store.pending()}

    # -- users ----------------------------------------------------------------------------
    def _clean_user(body: UserIn, name_default: str | None) -> dict[str, Any]:
        if not (body.email or body.phone or body.telegram_chat_id not in (None, "")):
            raise field_error("non_field_errors", "Give at least one of email, phone, telegram_chat_id.")
        name = body.name if body.name is not None else name_default
        if name is None:  # the original service needed no name: derive one from the address
            if body.email:
                name = v.email(body.email).split("@", 1)[0]
            elif body.phone:
                name = v.phone(body.phone, rt.settings.phone_region)
            else:
                name = f"Telegram {body.telegram_chat_id}"
        return clean_recipient(name, body.email, body.phone, body.telegram_chat_id,
                               body.channels or (), notes=body.notes or "", region=rt.settings.phone_region)

    @app.post("/api/users/", status_code=201, tags=["users"], dependencies=authed, summary="Create a person")
    def create_user(body: UserIn) -> dict[str, Any]:
        row = _clean_user(body, None)
        rid = rt.store.add_recipient(**row)
        person = rt.store.get_recipient(rid)
        assert person is not None
        return user_json(person)

    @app.get("/api/users/", tags=["users"], dependencies=authed, summary="People (search, pages)")
    def list_users(request: Request, search: str = "", page: Annotated[int, Query(ge=1)] = 1,
                   page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50) -> dict[str, Any]:
        # Every word of the search, ignoring case, in the name, email or phone: the window's
        # search (History), as DRF's SearchFilter matched every term.
        history = History(rt.store.engine)
        count = history.recipients_count(search)
        people = history.recipients_page(search, "id", False, (page - 1) * page_size, page_size)
        nxt, prev = _page_links(request, page, page_size, count)
        return {"count": count, "next": nxt, "previous": prev, "results": [user_json(p) for p in people]}

    def _person(user_id: int) -> RecipientData:
        person = rt.store.get_recipient(user_id)
        if person is None:
            raise not_found()
        return person

    @app.get("/api/users/{user_id}/", tags=["users"], dependencies=authed, summary="One person")
    def get_user(user_id: int) -> dict[str, Any]:
        return user_json(_person(user_id))

    @app.patch("/api/users/{user_id}/", tags=["users"], dependencies=authed, summary="Change some fields")
    def patch_user(user_id: int, body: UserIn) -> dict[str, Any]:
        person = _person(user_id)
        given = body.model_fields_set
        if "name" in given and body.name is None:
            raise field_error("name", "This field may not be null.")
        merged = UserIn.model_validate({
            "name": body.name if "name" in given else person.name,
            "email": body.email if "email" in given else person.email,
            "phone": body.phone if "phone" in given else person.phone,
            "telegram_chat_id": body.telegram_chat_id if "telegram_chat_id" in given else person.telegram_chat_id,
            "channels": body.channels if "channels" in given else list(person.channels),
            "notes": body.notes if "notes" in given else person.notes,
        })
        row = _clean_user(merged, person.name)
        rt.store.update_recipient(user_id, **row)
        return user_json(_person(user_id))

    @app.delete("/api/users/{user_id}/", status_code=204, tags=["users"], dependencies=authed,
                summary="Remove a person (their history stays)")
    def delete_user(user_id: int) -> Response:
        _person(user_id)
        try:
            rt.store.delete_recipient(user_id)
        except v.ValidationError as exc:
            raise ApiError(409, {"detail": exc.message}) from None
        return Response(status_code=204)

    # -- notifications ---------------------------------------------------------------------
    def _check_channels(channels: list[str] | None) -> list[str] | None:
        if channels is None:
            return None
        bad = [c for c in channels if c not in CHANNEL_NAMES]
        if not channels or bad or len(set(channels)) != len(channels):
            raise field_error("channels", f"Must list distinct channels from {', '.join(CHANNEL_NAMES)}.")
        return channels

    @app.post("/api/notifications/", status_code=201, tags=["notifications"], dependencies=authed,
              summary="Queue a message for one person (user_id) or several (user_ids)")
    async def create_notification(
        request: Request, body: NotificationIn,
        idempotency_key: Annotated[str | None, Header(max_length=255,
                                                      description="Retrying with the same key returns the first result")] = None,
    ) -> Any:
        return await create(body, idempotency_key, request.client.host if request.client else "?")

    async def create(body: NotificationIn, idempotency_key: str | None, client: str) -> Response:
        """POST /api/notifications/ once the body is parsed and the token checked.
        The checks are pure and quick: on the event loop. The writing goes to the
        batcher's writer thread (one commit per batch); a send with an Idempotency-Key
        or a per-send password (keyring calls, replay reads) takes the thread pool."""
        password = body.smtp_password.get_secret_value() if body.smtp_password is not None else None
        if password:
            rt.secrets.redactor.add(password)
        if (body.user_id is None) == (body.user_ids is None):
            raise field_error("user_id", "Give either user_id or user_ids.")
        ids = [body.user_id] if body.user_id is not None else list(body.user_ids or [])
        if not ids:
            raise field_error("user_ids", "This list may not be empty.")
        message = v.message(body.message)
        subject = v.subject(body.subject)
        channels = _check_channels(body.channels)
        smtp_user = v.header_value(body.smtp_user, "smtp_user") if body.smtp_user else None
        if bool(smtp_user) != bool(password):
            raise field_error("smtp_password" if smtp_user else "smtp_user",
                              "smtp_user and smtp_password go together.")
        source = f"API {client}"
        if idempotency_key or password:
            return await run_in_threadpool(_create_slowly, body, ids, message, subject, channels, smtp_user,
                                           password, idempotency_key, source)
        try:
            nids = await batcher.enqueue(Send(ids, subject, message, channels, source))
        except Missing as exc:
            raise field_error("user_id" if body.user_id is not None else "user_ids",
                              f"No user with id {', '.join(map(str, exc.ids))}.") from None
        return _created_response(body, nids, ids, subject)

    def _created_response(body: NotificationIn, nids: list[int], ids: list[int], subject: str) -> Response:
        made = [{"id": nid, "user_id": rid, "state": "queued", "subject": subject, "delivered_via": None}
                for nid, rid in zip(nids, ids)]
        out = made[0] if body.user_id is not None else {"count": len(made), "results": made}
        return JSONResponse(out, status_code=201)

    def _create_slowly(body: NotificationIn, ids: list[int], message: str, subject: str, channels: list[str] | None,
                       smtp_user: str | None, password: str | None, idempotency_key: str | None,
                       source: str) -> Any:
        """A send with an Idempotency-Key or a per-send password, on a pool thread."""
        keys = _idempotency_keys(idempotency_key, len(ids)) if idempotency_key else None
        if keys:
            replay = _replay(keys, ids)
            if replay is not None:
                return replay
        plan = plan_send(rt.store, ids, subject, message, repeat_window=None)
        if plan.missing:
            field = "user_id" if body.user_id is not None else "user_ids"
            raise field_error(field, f"No user with id {', '.join(map(str, plan.missing))}.")
        try:
            nids = enqueue_send(rt, plan, subject, message, channels, smtp_user, password,
                                queued_by=source, dedupe_keys=keys, shared_commit=True)
        except v.ValidationError:
            if keys:  # the same key raced us and won: answer what it queued
                replay = _replay(keys, ids)
                if replay is not None:
                    return replay
            raise
        log.info("%s queued %s", source, ", ".join(f"#{n}" for n in nids))
        if ctx.on_queued is not None:
            ctx.on_queued([QueuedSend(nids, list(plan.ids), source)])
        return _created_response(body, nids, ids, subject)

    def _replay(keys: list[str], ids: list[int]) -> Any:
        found = listing.ids_by_dedupe_keys(rt.store, keys)
        if not found:
            return None
        if len(found) != len(keys) or [found[k][1] for k in keys] != ids:
            raise ApiError(409, {"detail": "This Idempotency-Key was used for a different request."})
        made = [_created(n) for n in (rt.store.notification(found[k][0]) for k in keys) if n]
        headers = {"Idempotent-Replayed": "true"}
        body: Any = made[0] if len(keys) == 1 else {"count": len(made), "results": made}
        return JSONResponse(body, status_code=201, headers=headers)

    @app.get("/api/notifications/", tags=["notifications"], dependencies=authed, summary="Notifications, newest first")
    def list_notifications(request: Request, state: str | None = None, user_id: int | None = None,
                           page: Annotated[int, Query(ge=1)] = 1,
                           page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50) -> dict[str, Any]:
        if state is not None and state not in STATES:
            raise field_error("state", f"Must be one of {', '.join(STATES)}.")
        count, nids = listing.notifications_page(rt.store, state, user_id, page_size, (page - 1) * page_size)
        nxt, prev = _page_links(request, page, page_size, count)
        rows = [notification_json(n) for n in (rt.store.notification(i) for i in nids) if n]
        return {"count": count, "next": nxt, "previous": prev, "results": rows}

    def _notification(nid: int) -> dict[str, Any]:
        n = rt.store.notification(nid)
        if n is None:
            raise not_found()
        return notification_json(n)

    @app.get("/api/notifications/{notification_id}/", tags=["notifications"], dependencies=authed,
             summary="State, delivered_via and attempts")
    def get_notification(notification_id: int) -> dict[str, Any]:
        return _notification(notification_id)

    @app.post("/api/notifications/{notification_id}/retry/", tags=["notifications"], dependencies=authed,
              summary="Start a failed or cancelled notification again")
    def retry(notification_id: int) -> dict[str, Any]:
        state = _notification(notification_id)["state"]
        if not rt.store.retry(notification_id):
            raise ApiError(409, {"detail": f"Only a failed or cancelled notification can be retried; this one is {state}."})
        return _notification(notification_id)

    @app.post("/api/notifications/{notification_id}/cancel/", tags=["notifications"], dependencies=authed,
              summary="Cancel a queued notification")
    def cancel(notification_id: int) -> dict[str, Any]:
        state = _notification(notification_id)["state"]
        if not rt.store.cancel(notification_id):
            raise ApiError(409, {"detail": f"Only a queued notification can be cancelled; this one is {state}."})
        return _notification(notification_id)

    docs.add_docs(app)
    limiter = RateLimiter(ctx.rate) if ctx.rate > 0 else None
    fast = FastCreate(app, ctx.tokens, create, error_response)
    gate = Gate(fast, allowed_hosts(ctx.bound_host), limiter)
    gate.batcher = batcher  # the server closes it when it stops
    return gate


class FastCreate:
    """ASGI: ``POST /api/notifications/`` that is well-formed and authorised, without
    FastAPI's per-request machinery (dependency solving, two JSON passes, five middlewares):
    the path that takes thousands of requests a second.

    It checks the same things with the same code (the token, :class:`NotificationIn` from
    the raw JSON, then the endpoint's own ``create``). Any request it would not answer
    with the endpoint's result (no or wrong token, a body the model rejects, another
    content type, an Idempotency-Key header to validate) goes on to FastAPI unchanged,
    so every error keeps the shape and status the endpoint gives it.
    """

    PATH = "/api/notifications/"

    def __init__(self, app: Any, tokens: TokenSource,
                 create: Callable[[NotificationIn, str | None, str], Awaitable[Response]],
                 error_response: Callable[[Exception, str, str], Response]) -> None:
        self.app, self.tokens, self.create, self.error_response = app, tokens, create, error_response

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self.PATH:
            await self.app(scope, receive, send)
            return
        auth = kind = None
        keyed = False
        for name, value in scope["headers"]:
            if name == b"authorization":
                auth = value
            elif name == b"content-type":
                kind = value
            elif name == b"idempotency-key":
                keyed = True
        chunks: list[bytes] = []
        more = True
        while more:  # the Gate has limited the size already
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        raw = b"".join(chunks)
        body = self._parsed(raw, auth, kind) if not keyed else None
        if body is None:
            await self.app(scope, replaying(raw, receive), send)
            return
        client = scope["client"][0] if scope.get("client") else "?"
        try:
            response = await self.create(body, None, client)
        except Exception as exc:
            response = self.error_response(exc, "POST", self.PATH)
        await response(scope, receive, send)

    def _parsed(self, raw: bytes, auth: bytes | None, kind: bytes | None) -> NotificationIn | None:
        """The body, if the request is authorised JSON the model accepts; else None."""
        if kind is None or kind.split(b";", 1)[0].strip().lower() != b"application/json":
            return None
        offered = parse_authorization(auth.decode("latin-1")) if auth is not None else None
        if offered is None or not self.tokens.matches(offered):
            return None
        try:
            return NotificationIn.model_validate_json(raw)
        except PydanticValidationError:
            return None
