"""A loopback imitation of the Telegram Bot API, following reference/telegram-bot-api.md.

Runs a stdlib ``ThreadingHTTPServer`` on 127.0.0.1 (port 0) in a daemon thread. The real
client code talks to it unchanged; only ``TELEGRAM_API_BASE`` differs. What it imitates:

* routes ``/bot<token>/<method>`` (also ``/bot<token>/test/<method>``), method names
  case-insensitive, GET or POST, parameters from the query string, form bodies and JSON
  bodies (``link_preview_options`` as a JSON string in forms, an object in JSON);
* the JSON envelope with HTTP status = ``error_code``, ``Retry-After`` on 429;
* 404 ``Not Found`` for anything not under ``/bot``, an empty token, a doubled ``bot``
  prefix or an unknown method; 401 for a wrong token;
* ``sendMessage`` checks: chat id, empty text, HTML parsing (supported tags only,
  balanced, the four named entities), the 4096 limit counted after parsing in UTF-16
  units, blocked chats, people who never pressed Start, unknown chats, migrated groups;
* an optional overall rate limit and a scripted failure queue;
* ``getMe``, ``getChat``, ``getUpdates`` (offset confirmation, negative offsets, limit,
  long polling that wakes on a queued update through a Condition, 409 when a webhook is
  set, 409 for the older of two competing pollers), ``setWebhook``, ``deleteWebhook``,
  ``getWebhookInfo``.

Everything received is recorded (``calls``, ``messages``) for assertions.
"""
from __future__ import annotations

import json
import math
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.servers.http_base import QuietHTTPServer

DEFAULT_TOKEN = "123456789:AAEtest_Token-abcdefghijklmnopqrstu"
TEXT_LIMIT = 4096
LONG_POLL_CAP = 50

_PATH = re.compile(r"/bot([^/]*)/(?:test/)?([^/]+)")
_TOKEN_SHAPE = re.compile(r"(\d+):[A-Za-z0-9_-]+")
_SUPPORTED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "a", "tg-emoji", "tg-time", "code", "pre", "blockquote",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class HtmlParseError(ValueError):
    """Text of a 400 ``can't parse entities`` answer."""


def parse_html(text: str) -> str:
    """The visible text of an HTML-mode message, or HtmlParseError like Telegram's.

    Strict on purpose: an unescaped ``<``, ``>`` or ``&`` from operator text fails here,
    which is what makes escaping bugs visible in tests.
    """
    out: list[str] = []
    stack: list[tuple[str, int]] = []
    i = 0

    def offset(pos: int) -> int:
        return len(text[:pos].encode("utf-8", "surrogatepass"))

    while i < len(text):
        ch = text[i]
        if ch == "<":
            end = text.find(">", i)
            if end < 0:
                raise HtmlParseError(f"Can't find end of the tag starting at byte offset {offset(i)}")
            inner = text[i + 1:end]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack:
                    raise HtmlParseError(f'Unexpected end tag at byte offset {offset(i)}')
                open_name, _ = stack.pop()
                if name and name != open_name:
                    raise HtmlParseError(
                        f'Unmatched end tag at byte offset {offset(i)}, expected "</{open_name}>", found "</{name}>"')
            else:
                m = re.match(r"([A-Za-z][A-Za-z0-9-]*)", inner)
                if not m:
                    raise HtmlParseError(f"Unsupported start tag \"{inner[:10]}\" at byte offset {offset(i)}")
                name = m.group(1).lower()
                if name not in _SUPPORTED_TAGS:
                    raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {offset(i)}')
                stack.append((name, i))
            i = end + 1
        elif ch == "&":
            m = re.match(r"&(?:([a-z]+)|#(\d+)|#x([0-9a-fA-F]+));", text[i:])
            if not m or (m.group(1) and m.group(1) not in _NAMED_ENTITIES):
                raise HtmlParseError(f"Unsupported HTML entity or lone '&' at byte offset {offset(i)}")
            if m.group(1):
                out.append(_NAMED_ENTITIES[m.group(1)])
            else:
                out.append(chr(int(m.group(2)) if m.group(2) else int(m.group(3), 16)))
            i += m.end()
        elif ch == ">":
            raise HtmlParseError(f"Unexpected '>' at byte offset {offset(i)}")
        else:
            out.append(ch)
            i += 1
    if stack:
        name, pos = stack[-1]
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{name}" at byte offset {offset(pos)}')
    return "".join(out)


@dataclass
class Chat:
    id: int
    first_name: str = "Ivan"
    started: bool = True  # the person pressed Start
    blocked: bool = False  # the person blocked the bot
    migrated_to: int | None = None  # group turned into this supergroup


@dataclass(frozen=True)
class ReceivedMessage:
    message_id: int
    chat_id: int
    text: str  # as received (markup included)
    visible_text: str  # after parsing
    parse_mode: str | None
    link_preview_options: Any
    disable_web_page_preview: Any
    time: float


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    status: int
    time: float


@dataclass
class ScriptedFailure:
    method: str
    status: int
    description: str
    retry_after: int | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    raw_body: bytes | None = None
    after: int = 0  # let this many matching calls through first


Reply = tuple[int, Any, dict[str, str]]


class FakeTelegram:
    """The imitation server. Use as a context manager, or ``start()`` / ``stop()``."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "notifier_test_bot",
        rate_limit: float | None = None,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.rate_limit = rate_limit
        self.webhook_url = ""
        self.allowed_updates: list[str] | None = None
        self.connections = 0
        self._cond = threading.Condition()
        self._chats: dict[int, Chat] = {}
        self._messages: list[ReceivedMessage] = []
        self._calls: list[Call] = []
        self._failures: list[ScriptedFailure] = []
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 10000
        self._next_message_id = 1
        self._sent_times: deque[float] = deque()
        self._poll_generation = 0
        self._pollers = 0
        self._stopping = False
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------
    def start(self) -> FakeTelegram:
        api = self

        class Handler(_Handler):
            fake = api

        self._httpd = QuietHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-telegram", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- scenario set-up --------------------------------------------------------------
    def add_chat(self, chat_id: int, first_name: str = "Ivan", started: bool = True, blocked: bool = False,
                 migrated_to: int | None = None) -> Chat:
        chat = Chat(chat_id, first_name, started, blocked, migrated_to)
        with self._cond:
            self._chats[chat_id] = chat
        return chat

    def fail_next(
        self,
        status: int,
        count: int = 1,
        description: str | None = None,
        retry_after: int | None = None,
        method: str = "sendMessage",
        raw_body: bytes | None = None,
        parameters: dict[str, Any] | None = None,
        after: int = 0,
    ) -> None:
        """The next ``count`` calls of ``method`` (after ``after`` successful ones) fail so."""
        if description is None:
            description = {
                429: f"Too Many Requests: retry after {retry_after}",
                500: "Internal Server Error: restart",
                502: "Bad Gateway",
            }.get(status, f"Error {status}")
        with self._cond:
            for n in range(count):
                self._failures.append(ScriptedFailure(method.lower(), status, description, retry_after,
                                                      dict(parameters or {}), raw_body, after if n == 0 else 0))

    def set_webhook(self, url: str) -> None:
        with self._cond:
            self.webhook_url = url

    def push_update(self, message: dict[str, Any]) -> int:
        """Queue a ``message`` update; wakes waiting long polls. Returns its update_id."""
        with self._cond:
            update_id = self._next_update_id
            self._next_update_id += 1
            self._updates.append({"update_id": update_id, "message": message})
            self._cond.notify_all()
            return update_id

    def send_text(self, chat_id: int, text: str, first_name: str = "Ivan") -> int:
        """A person writes ``text`` to the bot (e.g. ``/start <payload>`` from a deep link)."""
        with self._cond:
            chat = self._chats.get(chat_id)
            if chat is None:
                chat = self._chats[chat_id] = Chat(chat_id, first_name)
            chat.started = True
            mid = self._next_message_id
            self._next_message_id += 1
        message: dict[str, Any] = {
            "message_id": mid,
            "date": int(time.time()),
            "text": text,
            "from": {"id": chat_id, "is_bot": False, "first_name": first_name},
            "chat": {"id": chat_id, "type": "private", "first_name": first_name},
        }
        if text.startswith("/"):
            message["entities"] = [{"offset": 0, "length": len(text.split(" ", 1)[0]), "type": "bot_command"}]
        return self.push_update(message)

    def send_start(self, chat_id: int, payload: str, first_name: str = "Ivan") -> int:
        return self.send_text(chat_id, f"/start {payload}", first_name)

    def wait_for_pollers(self, n: int = 1, timeout: float = 5.0) -> bool:
        """Block until ``n`` getUpdates calls are waiting (long poll in progress)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._pollers >= n, timeout)

    # -- observations -----------------------------------------------------------------
    @property
    def messages(self) -> list[ReceivedMessage]:
        with self._cond:
            return list(self._messages)

    @property
    def calls(self) -> list[Call]:
        with self._cond:
            return list(self._calls)

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def pending_updates(self) -> list[int]:
        with self._cond:
            return [u["update_id"] for u in self._updates]

    # -- request handling -------------------------------------------------------------
    @staticmethod
    def error(code: int, description: str, retry_after: int | None = None,
              parameters: dict[str, Any] | None = None) -> Reply:
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        params = dict(parameters or {})
        headers: dict[str, str] = {}
        if retry_after is not None:
            params["retry_after"] = retry_after
            headers["Retry-After"] = str(retry_after)
        if params:
            body["parameters"] = params
        return code, body, headers

    @staticmethod
    def ok(result: Any) -> Reply:
        return 200, {"ok": True, "result": result}, {}

    def dispatch(self, raw_path: str, content_type: str, body: bytes) -> tuple[str, dict[str, Any], Reply]:
        parts = urlsplit(raw_path)
        params: dict[str, Any] = dict(parse_qsl(parts.query, keep_blank_values=True))
        m = _PATH.fullmatch(parts.path)
        if not m:
            return "", params, self.error(404, "Not Found")
        token, method = m.groups()
        if not token:
            return method, params, self.error(404, "Not Found")
        shape = _TOKEN_SHAPE.fullmatch(token)
        if shape is None:
            if ":" in token and not token.split(":", 1)[0].isdigit():
                return method, params, self.error(404, "Not Found")  # e.g. a doubled "bot" prefix
            return method, params, self.error(401, "Unauthorized: invalid token specified")
        if token != self.token:
            return method, params, self.error(401, "Unauthorized")
        ctype = content_type.split(";", 1)[0].strip().lower()
        try:
            if body and ctype == "application/json":
                data = json.loads(body.decode("utf-8"))
                if not isinstance(data, dict):
                    return method, params, self.error(400, "Bad Request: parameters must be a JSON object")
                params.update(data)
            elif body and ctype == "application/x-www-form-urlencoded":
                params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except (UnicodeDecodeError, ValueError):
            return method, params, self.error(400, "Bad Request: can't parse request body")
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return method, params, self.error(404, "Not Found")
        scripted = self._take_failure(method.lower())
        if scripted is not None:
            if scripted.raw_body is not None:
                return method, params, (scripted.status, scripted.raw_body, {})
            return method, params, self.error(scripted.status, scripted.description, scripted.retry_after,
                                              scripted.parameters)
        return method, params, handler(params)

    def _take_failure(self, method: str) -> ScriptedFailure | None:
        with self._cond:
            for n, f in enumerate(self._failures):
                if f.method == method:
                    if f.after > 0:
                        f.after -= 1
                        return None
                    return self._failures.pop(n)
        return None

    def record(self, method: str, params: dict[str, Any], status: int) -> None:
        with self._cond:
            self._calls.append(Call(method, params, status, time.monotonic()))

    @staticmethod
    def _json_param(value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    # -- methods ----------------------------------------------------------------------
    def _m_getme(self, params: dict[str, Any]) -> Reply:
        return self.ok({"id": self.bot_id, "is_bot": True, "first_name": "Notifier", "username": self.bot_username,
                        "can_join_groups": True, "can_read_all_group_messages": False,
                        "supports_inline_queries": False})

    def _find_chat(self, raw: Any) -> Chat | None:
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            return None
        return self._chats.get(chat_id)

    def _m_getchat(self, params: dict[str, Any]) -> Reply:
        with self._cond:
            chat = self._find_chat(params.get("chat_id"))
        if chat is None:
            return self.error(400, "Bad Request: chat not found")
        return self.ok({"id": chat.id, "type": "private", "first_name": chat.first_name})

    def _m_sendmessage(self, params: dict[str, Any]) -> Reply:
        raw_chat = params.get("chat_id")
        if raw_chat in (None, ""):
            return self.error(400, "Bad Request: chat_id is empty")
        text = params.get("text")
        if text is None or text == "":
            return self.error(400, "Bad Request: message text is empty")
        text = str(text)
        parse_mode = params.get("parse_mode") or None
        if parse_mode == "HTML":
            try:
                visible = parse_html(text)
            except HtmlParseError as exc:
                return self.error(400, f"Bad Request: can't parse entities: {exc}")
        elif parse_mode == "MarkdownV2":
            visible = re.sub(r"\\(.)", r"\1", text)  # not validated further
        elif parse_mode in (None, "Markdown"):
            visible = text
        else:
            return self.error(400, "Bad Request: unsupported parse_mode")
        if not visible.strip():
            return self.error(400, "Bad Request: message text is empty")
        if utf16_len(visible) > TEXT_LIMIT:
            return self.error(400, "Bad Request: message is too long")
        with self._cond:
            chat = self._find_chat(raw_chat)
            if chat is None:
                return self.error(400, "Bad Request: chat not found")
            if chat.migrated_to is not None:
                return self.error(400, "Bad Request: group chat was migrated to a supergroup chat",
                                  parameters={"migrate_to_chat_id": chat.migrated_to})
            if chat.blocked:
                return self.error(403, "Forbidden: bot was blocked by the user")
            if not chat.started:
                return self.error(403, "Forbidden: bot can't initiate conversation with a user")
            now = time.monotonic()
            if self.rate_limit:
                while self._sent_times and self._sent_times[0] <= now - 1.0:
                    self._sent_times.popleft()
                if len(self._sent_times) >= self.rate_limit:
                    wait = max(1, math.ceil(self._sent_times[0] + 1.0 - now))
                    return self.error(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
                self._sent_times.append(now)
            mid = self._next_message_id
            self._next_message_id += 1
            self._messages.append(ReceivedMessage(
                message_id=mid, chat_id=chat.id, text=text, visible_text=visible, parse_mode=parse_mode,
                link_preview_options=self._json_param(params.get("link_preview_options")),
                disable_web_page_preview=params.get("disable_web_page_preview"), time=now,
            ))
        return self.ok({
            "message_id": mid, "date": int(time.time()),
            "chat": {"id": chat.id, "type": "private", "first_name": chat.first_name},
            "from": {"id": self.bot_id, "is_bot": True, "first_name": "Notifier", "username": self.bot_username},
            "text": visible,
        })

    def _m_getupdates(self, params: dict[str, Any]) -> Reply:
        try:
            offset = int(params.get("offset") or 0)
            limit = min(100, max(1, int(params.get("limit") or 100)))
            timeout = min(LONG_POLL_CAP, max(0, int(float(params.get("timeout") or 0))))
        except (TypeError, ValueError):
            return self.error(400, "Bad Request: wrong parameter value")
        allowed = self._json_param(params.get("allowed_updates"))
        with self._cond:
            if self.webhook_url:
                return self.error(409, "Conflict: can't use getUpdates method while webhook is active; "
                                       "use deleteWebhook to delete the webhook first")
            if isinstance(allowed, list):
                self.allowed_updates = [str(a) for a in allowed]
            self._poll_generation += 1
            generation = self._poll_generation
            self._cond.notify_all()  # an older poller learns it was superseded
            if offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            elif offset < 0:
                self._updates = self._updates[offset:]
            deadline = time.monotonic() + timeout
            self._pollers += 1
            self._cond.notify_all()
            try:
                while True:
                    if generation != self._poll_generation:
                        return self.error(409, "Conflict: terminated by other getUpdates request; "
                                               "make sure that only one bot instance is running")
                    types = self.allowed_updates or None
                    ready = [u for u in self._updates
                             if types is None or any(t in u for t in types)][:limit]
                    if ready or self._stopping:
                        return self.ok(ready)
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return self.ok([])
                    self._cond.wait(remaining)
            finally:
                self._pollers -= 1

    def _m_setwebhook(self, params: dict[str, Any]) -> Reply:
        self.set_webhook(str(params.get("url") or ""))
        return self.ok(True)

    def _m_deletewebhook(self, params: dict[str, Any]) -> Reply:
        with self._cond:
            self.webhook_url = ""
            if str(params.get("drop_pending_updates")).lower() in ("true", "1"):
                self._updates.clear()
        return self.ok(True)

    def _m_getwebhookinfo(self, params: dict[str, Any]) -> Reply:
        with self._cond:
            return self.ok({"url": self.webhook_url, "has_custom_certificate": False,
                            "pending_update_count": len(self._updates)})


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so a client's session reuse is observable
    timeout = 30
    fake: FakeTelegram

    def setup(self) -> None:
        super().setup()
        with self.fake._cond:
            self.fake.connections += 1

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass

    def do_GET(self) -> None:
        self._handle(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._handle(self.rfile.read(length) if length else b"")

    def _handle(self, body: bytes) -> None:
        method, params, (status, payload, headers) = self.fake.dispatch(
            self.path, self.headers.get("Content-Type", ""), body)
        self.fake.record(method, params, status)
        if isinstance(payload, bytes):
            data, ctype = payload, "text/html; charset=utf-8"
        else:
            data, ctype = json.dumps(payload).encode("utf-8"), "application/json"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)


# -- network failure helpers --------------------------------------------------------------
def refused_base_url() -> str:
    """A base URL nothing listens on (a port just released): connections are refused."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"


@contextmanager
def silent_server() -> Iterator[str]:
    """A base URL whose server accepts TCP connections (kernel backlog) but never answers."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    try:
        yield f"http://127.0.0.1:{s.getsockname()[1]}"
    finally:
        s.close()
