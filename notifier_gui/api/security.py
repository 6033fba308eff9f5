"""The API's gate: Host header check, body size limit, per-client rate limit, token auth.

:class:`Gate` is plain ASGI middleware that runs before any routing, so a request that
fails one of its checks costs no JSON parsing and reaches no endpoint. The token check is
a FastAPI dependency (:func:`token_checker`) so that OpenAPI documents it.
"""
from __future__ import annotations

import hmac
import ipaddress
import json
import math
import secrets as pysecrets
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from ..core.secrets import CredentialStore, SecretStoreError

MAX_BODY = 1024 * 1024  # 1 MB: a message is at most 100,000 characters
TOKEN_SECRET = "api_token"

Scope = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``; anything else reaches other computers."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def allowed_hosts(bound: str) -> frozenset[str]:
    """Host header names a browser may use for this server (DNS rebinding defence).

    A page on evil.example that re-points its name at 127.0.0.1 still sends
    ``Host: evil.example``; only the names below reach the endpoints.
    """
    names = {"localhost", "127.0.0.1", "::1", bound.strip("[]").lower()}
    if not is_loopback(bound):
        # Other computers reach us by this machine's name or one of its addresses.
        import psutil

        for n in (socket.gethostname(), socket.getfqdn()):
            if n:
                names.add(n.lower())
        for addrs in psutil.net_if_addrs().values():
            for a in addrs:
                if a.family in (socket.AF_INET, socket.AF_INET6):
                    names.add(a.address.split("%", 1)[0].lower())
    return frozenset(names)


def _host_name(header: str) -> str:
    header = header.strip().lower()
    if header.startswith("["):  # [::1]:8000
        return header[1:header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class RateLimiter:
    """A token bucket per client address: ``rate`` requests a second, bursts of ``rate``."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = max(1.0, rate)
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, at)

    def take(self, client: str) -> float:
        """0 if the request may go ahead, else the seconds until it may."""
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                if len(self._buckets) > 10_000:  # forget clients whose bucket is full again
                    self._buckets = {c: b for c, b in self._buckets.items()
                                     if b[0] + (now - b[1]) * self.rate < self.burst}
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / self.rate


async def _reply(send: Send, status: int, body: dict[str, Any], headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": data})


class Gate:
    """ASGI middleware: Host header, rate limit, body limit (in that order)."""

    def __init__(self, app: Any, hosts: frozenset[str], limiter: RateLimiter | None, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.hosts = hosts
        self.limiter = limiter
        self.max_body = max_body
        self.batcher: Any = None  # the create batcher (api/app.py): the server closes it when it stops

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self._gate(scope, receive, send)
        except Exception:
            # Starlette re-raises after its 500 handler answered (and logged, redacted);
            # stop it here so no traceback reaches the console.
            pass

    async def _gate(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        if _host_name(headers.get(b"host", b"").decode("latin-1")) not in self.hosts:
            await _reply(send, 400, {"detail": "Invalid Host header."})
            return
        if self.limiter is not None:
            client = (scope.get("client") or ("?", 0))[0]
            wait = self.limiter.take(client)
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                await _reply(send, 429, {"detail": f"Request was throttled. Expected available in {seconds} seconds."},
                             [(b"retry-after", str(seconds).encode())])
                return
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body
            except ValueError:
                await _reply(send, 400, {"detail": "Invalid Content-Length."})
                return
            if too_big:
                await _reply(send, 413, {"detail": f"Request body is larger than {self.max_body // 1024} KB."})
                return
        if scope.get("method") in ("POST", "PUT", "PATCH") and length is None:
            # A chunked body: read it here, at most max_body bytes, then hand it on whole.
            chunks: list[bytes] = []
            size = 0
            more = True
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    return  # the client went away
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.max_body:
                    await _reply(send, 413, {"detail": f"Request body is larger than {self.max_body // 1024} KB."})
                    return
                chunks.append(chunk)
                more = message.get("more_body", False)
            await self.app(scope, replaying(b"".join(chunks), receive), send)
            return
        await self.app(scope, receive, send)


def replaying(body: bytes, receive: Receive) -> Receive:
    """An ASGI ``receive`` that gives the already-read ``body`` whole, then defers to ``receive``."""
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        message: dict[str, Any] = await receive()
        return message

    return replay


class TokenSource:
    """The API token: read from the credential store, generated and stored on first use.

    Re-read at most every ``refresh`` seconds, so ``notifier secrets set api_token`` from
    another process takes effect on a running server without a keyring read per request.
    """

    def __init__(self, store: CredentialStore, refresh: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._token: str | None = None
        self._read_at = 0.0
        self._refresh = refresh
        self._clock = clock

    def get(self) -> str:
        with self._lock:
            now = self._clock()
            if self._token is not None and now - self._read_at < self._refresh:
                return self._token
            try:
                token = self._store.get(TOKEN_SECRET)
            except SecretStoreError:
                if self._token is None:
                    raise
                token = self._token  # the store is briefly unreadable: keep the known token
            if not token:
                token = pysecrets.token_urlsafe(32)
                self._store.set(TOKEN_SECRET, token)
            self._store.redactor.add(token)
            self._token, self._read_at = token, now
            return token

    def peek(self) -> str | None:
        """The stored token, or None if there is none yet (never creates one)."""
        token = self._store.get(TOKEN_SECRET)
        if token:
            self._store.redactor.add(token)
        return token or None

    def regenerate(self) -> str:
        token = pysecrets.token_urlsafe(32)
        self._store.set(TOKEN_SECRET, token)
        with self._lock:
            self._token, self._read_at = token, self._clock()
        return token

    def matches(self, offered: str) -> bool:
        return hmac.compare_digest(offered.encode("utf-8"), self.get().encode("utf-8"))


def parse_authorization(header: str | None) -> str | None:
    """The token of ``Token <t>`` (DRF's form) or ``Bearer <t>``; None if absent or another scheme."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() not in ("token", "bearer") or not value.strip() or " " in value.strip():
        return None
    return value.strip()
