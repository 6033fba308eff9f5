"""A loopback imitation of SMS Gateway for Android's local server (reference/sms-gateway-android.md).

- ``GET /health`` without authentication (200 ``pass``, or 500 ``fail`` when ``healthy`` is False).
- Everything else needs HTTP Basic (username/password from the "app"); wrong → 401.
- ``GET /`` → ``{"status":"ok","model":...}``; ``GET /device`` → the device list.
- ``POST /message`` (and the ``/messages`` alias): exactly one of ``textMessage`` /
  ``dataMessage`` / ``message``; empty text, empty ``phoneNumbers``, ``simNumber`` < 1,
  ``ttl`` with ``validUntil``, or a number that is not E.164 (unless
  ``?skipPhoneValidation=true``) → 400 ``{"message": ...}``; a known ``id`` → 409;
  otherwise 202 with the queued message (state ``Pending``). ``GET /message/{id}``: ``Sent``;
  with a delivery report scripted for the number (``reports.set(phone, fate, after)``)
  ``Delivered`` or ``Failed`` (with an error text) once its delay passed.
- Scripted failures for the next requests (500, 503, ...) with ``{"message": ...}``, a raw
  body (``{password}`` is replaced by the password received), or "hang".
"""
from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.servers.http_base import LoopbackServer, basic_credentials
from tests.servers.receipts import Reports

USER = "sms"
PASSWORD = "gw-Pa55word-q8Zt3"
MODEL = "Pixel 7"
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass
class Failure:
    status: int = 500
    message: str = "Internal server error"
    raw: str | None = None
    hang: bool = False


class AndroidGatewayServer(LoopbackServer):
    thread_name = "android-gateway"

    def __init__(self, user: str = USER, password: str = PASSWORD, healthy: bool = True) -> None:
        self.user = user
        self.password = password
        self.healthy = healthy
        self.messages: dict[str, dict[str, Any]] = {}  # id -> stored message (in arrival order)
        self.requests: list[tuple[str, str, str | None]] = []  # method, path, authenticated user
        self._script: list[Failure] = []
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self.reports = Reports()

    def fail_next(self, n: int = 1, status: int = 500, message: str = "Internal server error",
                  raw: str | None = None) -> None:
        with self._lock:
            self._script.extend(Failure(status, message, raw) for _ in range(n))

    def hang_next(self, n: int = 1) -> None:
        with self._lock:
            self._script.extend(Failure(hang=True) for _ in range(n))

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        return _Handler

    def authenticate(self, header: str | None) -> str | None:
        creds = basic_credentials(header)
        if creds is None:
            return None
        user, password = creds
        return user if (user, password) == (self.user, self.password) else None

    def post_message(self, req: Any, skip_validation: bool) -> tuple[int, dict[str, Any]]:
        if not isinstance(req, dict):
            return 400, {"message": "Invalid request"}
        kinds = [k for k in ("textMessage", "dataMessage", "message") if req.get(k) is not None]
        if not kinds:
            return 400, {"message": "Must specify exactly one of: textMessage, dataMessage, or message"}
        if len(kinds) > 1:
            return 400, {"message": "Cannot specify multiple message types simultaneously"}
        text = req["textMessage"].get("text", "") if kinds == ["textMessage"] else req.get("message")
        if kinds != ["dataMessage"] and not text:
            return 400, {"message": "Text message is empty"}
        phones = req.get("phoneNumbers") or []
        if not phones:
            return 400, {"message": "Empty phone numbers list"}
        sim = req.get("simNumber")
        if sim is not None and sim < 1:
            return 400, {"message": "SIM number cannot be less than 1"}
        if req.get("ttl") is not None and req.get("validUntil") is not None:
            return 400, {"message": "fields conflict: ttl and validUntil"}
        if not skip_validation:
            for p in phones:
                if not E164.match(str(p)):
                    return 400, {"message": f"Invalid phone number: {p}"}
        mid = req.get("id") or uuid.uuid4().hex[:21]
        now = datetime.now(timezone.utc).isoformat()
        with self._lock:
            if mid in self.messages:
                return 409, {"message": "Message with such ID already exists"}
            self.messages[mid] = {"id": mid, "text": text, "phoneNumbers": list(phones), "simNumber": sim,
                                  "created": time.monotonic()}
        return 202, {"id": mid, "deviceId": "dev-0001", "state": "Pending", "isHashed": False, "isEncrypted": False,
                     "recipients": [{"phoneNumber": p, "state": "Pending", "error": None} for p in phones],
                     "states": {"Pending": now}}


class _Handler(BaseHTTPRequestHandler):
    app: AndroidGatewayServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, payload: Any = None, raw: str | None = None,
              headers: dict[str, str] | None = None) -> None:
        data = (raw if raw is not None else ("" if payload is None else json.dumps(payload))).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain" if raw is not None else "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _handle(self, method: str) -> None:
        app = self.app
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        user = app.authenticate(self.headers.get("Authorization"))
        with app._lock:
            app.requests.append((method, parts.path, user))
            failure = app._script.pop(0) if app._script else None
        if failure is not None:
            if failure.hang:
                app._release.wait()
                return
            if failure.raw is not None:
                self._send(failure.status, raw=failure.raw.replace("{password}", app.password))
            else:
                self._send(failure.status, {"message": failure.message})
            return
        path = parts.path.rstrip("/") or "/"
        if path == "/health" and method == "GET":
            status = "pass" if app.healthy else "fail"
            self._send(200 if app.healthy else 500,
                       {"status": status, "version": "1.66.1", "releaseId": 6601, "checks": {}})
            return
        if user is None:
            self._send(401, None, headers={"WWW-Authenticate": 'Basic realm="Access to SMS Gateway"'})
            return
        if path == "/" and method == "GET":
            self._send(200, {"status": "ok", "model": MODEL})
        elif path == "/device" and method == "GET":
            self._send(200, [{"id": "dev-0001", "name": f"Google/{MODEL}"}])
        elif path in ("/message", "/messages") and method == "POST":
            try:
                req = json.loads(body)
            except ValueError:
                self._send(400, {"message": "Invalid JSON"})
                return
            status, payload = app.post_message(req, query.get("skipPhoneValidation") == "true")
            self._send(status, payload)
        elif (m := re.fullmatch(r"/messages?/([^/]+)", path)) and method == "GET":
            with app._lock:
                stored = app.messages.get(m.group(1))
            if stored is None:
                self._send(404, {"message": "Message not found"})
            else:
                recipients = []
                for p in stored["phoneNumbers"]:
                    script = app.reports.now(p, stored["created"])
                    state = ("Sent" if script is None or script.fate == "never"
                             else "Delivered" if script.fate == "delivered" else "Failed")
                    recipients.append({"phoneNumber": p, "state": state,
                                       "error": "RESULT_ERROR_NO_SERVICE" if state == "Failed" else None})
                self._send(200, {"id": stored["id"], "state": recipients[0]["state"] if recipients else "Sent",
                                 "recipients": recipients})
        else:
            self._send(404, {"message": "Not found"})

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")
