"""A loopback imitation of Twilio's 2010-04-01 Messages API (reference/twilio-sms.md).

- HTTP Basic: the Account SID + auth token, or an API key SID + secret. Anything else gets
  401 with Twilio's error body (code 20003). An Account SID in the path other than ours: 404/20404.
- ``POST /2010-04-01/Accounts/{sid}/Messages.json`` validates ``To`` (missing 21604, not E.164
  21211), the sender (``From`` we own or ``MessagingServiceSid`` we know; not owned 21606),
  ``Body`` (missing 21602 / 21619 with a service, over 1,600 characters 21617), applies
  Twilio's magic test numbers, and answers 201 with a Message resource (sid ``SM…``).
- ``GET /2010-04-01/Accounts/{sid}.json`` (FetchAccount; Standard API keys are refused),
  ``GET .../Messages.json?PageSize=1`` and ``GET .../Messages/{sid}.json``.
- Delivery reports later (``reports.set(phone, "delivered" | "undelivered" | "never", after,
  code)``): a fetched message is ``sent`` until then, then ``delivered`` or ``undelivered``
  with the 30xxx ``error_code``; numbers without a script keep their first status.
- Scripted failures for the next requests: an HTTP status with Twilio's JSON body (429/20429
  with ``Retry-After``, 500 …), a raw body, or "hang": accept and never answer until stop().
"""
from __future__ import annotations

import base64
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.servers.http_base import LoopbackServer, basic_credentials
from tests.servers.receipts import Reports

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "tw-auth-token-5f1c0ffee0ddba11"
FROM = "+15017122661"
SERVICE_SID = "MG" + "fedcba9876543210" * 2
API_KEY_SID = "SK" + "00112233445566778899aabbccddeeff"
API_KEY_SECRET = "tw-api-key-secret-9d2e77"

E164 = re.compile(r"^\+[1-9]\d{1,14}$")

# Twilio's magic test numbers (reference "Test credentials and magic numbers").
MAGIC_FROM = {"+15005550001": 21212, "+15005550007": 21606, "+15005550008": 21611}
MAGIC_FROM_OK = "+15005550006"
MAGIC_TO = {"+15005550001": 21211, "+15005550002": 21612, "+15005550003": 21408,
            "+15005550004": 21610, "+15005550009": 21614}

MESSAGES = {
    20003: "Authenticate",
    20404: "The requested resource was not found",
    20429: "Too Many Requests",
    21211: "The 'To' number {to} is not a valid phone number.",
    21212: "The 'From' number {from_} is not a valid phone number, shortcode, or alphanumeric sender ID.",
    21408: "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: {to}.",
    21602: "Message body is required.",
    21603: "A 'From' phone number is required.",
    21604: "A 'To' phone number is required.",
    21606: "The From phone number {from_} is not a valid, SMS-capable inbound phone number or short code for your account.",
    21608: "The number {to} is unverified. Trial accounts cannot send messages to unverified numbers.",
    21610: "Attempt to send to unsubscribed recipient",
    21611: "This 'From' number has exceeded the maximum number of queued messages",
    21612: "The 'To' phone number: {to}, is not currently reachable using the 'From' phone number: {from_} via SMS.",
    21614: "'To' number is not a valid mobile number",
    21617: "The concatenated message body exceeds the 1600 character limit.",
    21619: "A text message body or media urls must be specified.",
}


def error_body(code: int, status: int, **fmt: str) -> dict[str, Any]:
    message = MESSAGES.get(code, "Error").format(to=fmt.get("to", ""), from_=fmt.get("from_", ""))
    return {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}


@dataclass
class Failure:
    """One scripted answer. ``raw`` may use {user}, {password}, {authorization} (echo tests)."""

    status: int = 500
    code: int | None = None
    message: str = ""
    retry_after: str | None = None
    raw: str | None = None
    hang: bool = False


@dataclass
class Received:
    method: str
    path: str
    auth_user: str | None
    form: dict[str, str]
    query: dict[str, str]
    content_type: str


@dataclass
class TwilioServer(LoopbackServer):
    thread_name = "twilio-server"

    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    numbers: set[str] = field(default_factory=lambda: {FROM, MAGIC_FROM_OK})
    services: set[str] = field(default_factory=lambda: {SERVICE_SID})
    api_keys: dict[str, str] = field(default_factory=lambda: {API_KEY_SID: API_KEY_SECRET})
    to_errors: dict[str, int] = field(default_factory=dict)  # per-recipient scripted codes (e.g. 21608)
    friendly_name: str = "Notifier test account"
    account_status: str = "active"

    def __post_init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.requests: list[Received] = []
        self._script: list[Failure] = []
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self.reports = Reports()
        self._created: dict[str, float] = {}

    # -- control

    def fail_next(self, n: int = 1, status: int = 500, code: int | None = None, message: str = "",
                  retry_after: str | None = None, raw: str | None = None) -> None:
        with self._lock:
            self._script.extend(Failure(status, code, message, retry_after, raw) for _ in range(n))

    def hang_next(self, n: int = 1) -> None:
        """Accept the next ``n`` requests and never answer them (until stop())."""
        with self._lock:
            self._script.extend(Failure(hang=True) for _ in range(n))

    def _next_failure(self) -> Failure | None:
        with self._lock:
            return self._script.pop(0) if self._script else None

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        return _Handler

    # -- behaviour

    def authenticate(self, header: str | None) -> str | None:
        """The authenticated user name (Account SID or API key SID), or None."""
        creds = basic_credentials(header)
        if creds is None:
            return None
        user, password = creds
        if user == self.account_sid and password == self.auth_token:
            return user
        if user in self.api_keys and password == self.api_keys[user]:
            return user
        return None

    def create_message(self, form: dict[str, str], user: str) -> tuple[int, dict[str, Any]]:
        to = form.get("To", "")
        from_ = form.get("From", "")
        service = form.get("MessagingServiceSid", "")
        body = form.get("Body")
        fmt = {"to": to, "from_": from_}
        if not to:
            return 400, error_body(21604, 400)
        if not E164.match(to):
            return 400, error_body(21211, 400, **fmt)
        if not from_ and not service:
            return 400, error_body(21603, 400)  # Twilio's "From is required" (not in our reference)
        if service and service not in self.services:
            return 404, error_body(20404, 404)
        if from_ in MAGIC_FROM:
            code = MAGIC_FROM[from_]
            return 400, error_body(code, 400, **fmt)
        if from_ and from_ not in self.numbers:
            return 400, error_body(21606, 400, **fmt)
        if not body:
            code = 21619 if service else 21602
            return 400, error_body(code, 400)
        if len(body) > 1600:
            return 400, error_body(21617, 400)
        code = MAGIC_TO.get(to) or self.to_errors.get(to)
        if code:
            return 400, error_body(code, 400, **fmt)
        sid = "SM" + uuid.uuid4().hex
        now = formatdate(usegmt=True)
        resource = {
            "account_sid": self.account_sid, "api_version": "2010-04-01", "body": body,
            "date_created": now, "date_sent": None, "date_updated": now, "direction": "outbound-api",
            "error_code": None, "error_message": None, "from": from_ or None,
            "messaging_service_sid": service or None, "num_media": "0", "num_segments": "1",
            "price": None, "price_unit": None, "sid": sid, "status": "accepted" if service else "queued",
            "subresource_uris": {"media": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}/Media.json"},
            "to": to, "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }
        with self._lock:
            self.messages.append({**resource, "auth_user": user})
            self._created[sid] = time.monotonic()
        return 201, resource

    def account(self, user: str) -> tuple[int, dict[str, Any]]:
        if user.startswith("SK"):  # Standard API keys cannot reach /Accounts itself
            return 401, error_body(20003, 401)
        return 200, {"sid": self.account_sid, "friendly_name": self.friendly_name, "status": self.account_status,
                     "type": "Full", "date_created": formatdate(usegmt=True)}

    def list_messages(self, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        size = int(query.get("PageSize", "50"))
        with self._lock:
            items = [{k: v for k, v in m.items() if k != "auth_user"} for m in self.messages[-size:]]
        return 200, {"messages": items, "page": 0, "page_size": size}

    def fetch_message(self, sid: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            for m in self.messages:
                if m["sid"] == sid:
                    out = {k: v for k, v in m.items() if k != "auth_user"}
                    script = self.reports.now(m["to"], self._created.get(sid, 0.0))
                    if script is not None and script.fate == "never":
                        out["status"] = "sent"
                    elif script is not None and script.fate == "delivered":
                        out["status"] = "delivered"
                    elif script is not None:
                        out.update(status="undelivered", error_code=script.code or 30003)
                    return 200, out
        return 404, error_body(20404, 404)


class _Handler(BaseHTTPRequestHandler):
    app: TwilioServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, payload: Any = None, raw: str | None = None,
              headers: dict[str, str] | None = None) -> None:
        data = (raw if raw is not None else json.dumps(payload)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain" if raw is not None else "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _handle(self, method: str) -> None:
        app = self.app
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length).decode() if length else ""
        ctype = self.headers.get("Content-Type", "")
        form = {k: v[-1] for k, v in parse_qs(raw_body, keep_blank_values=True).items()} \
            if ctype.startswith("application/x-www-form-urlencoded") else {}
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        user = app.authenticate(self.headers.get("Authorization"))
        with app._lock:
            app.requests.append(Received(method, parts.path, user, form, query, ctype))

        failure = app._next_failure()
        if failure is not None:
            if failure.hang:
                app._release.wait()
                return
            if failure.raw is not None:
                auth = self.headers.get("Authorization", "")
                try:
                    u, _, p = base64.b64decode(auth[6:]).decode().partition(":")
                except (ValueError, UnicodeDecodeError):
                    u = p = ""
                self._send(failure.status, raw=failure.raw.format(user=u, password=p, authorization=auth))
                return
            body = error_body(failure.code, failure.status) if failure.code else {"status": failure.status, "message": failure.message or "error"}
            if failure.message:
                body["message"] = failure.message
            headers = {"Retry-After": failure.retry_after} if failure.retry_after else None
            self._send(failure.status, body, headers=headers)
            return

        if user is None:
            self._send(401, error_body(20003, 401), headers={"WWW-Authenticate": 'Basic realm="Twilio API"'})
            return
        m = re.fullmatch(r"/2010-04-01/Accounts/([^/]+?)(\.json|/Messages\.json|/Messages/(SM\w+)\.json)", parts.path)
        if not m or m.group(1) != app.account_sid:
            self._send(404, error_body(20404, 404))
            return
        tail = m.group(2)
        if tail == "/Messages.json" and method == "POST":
            status, payload = app.create_message(form, user)
        elif tail == "/Messages.json" and method == "GET":
            status, payload = app.list_messages(query)
        elif tail == ".json" and method == "GET":
            status, payload = app.account(user)
        elif m.group(3) and method == "GET":
            status, payload = app.fetch_message(m.group(3))
        else:
            status, payload = 405, {"code": 20004, "message": "Method not allowed", "status": 405}
        self._send(status, payload)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")
