"""A loopback imitation of the SMS.ru HTTP API (reference/smsru.md, "Imitation checklist").

- Routes ``/sms/send``, ``/sms/status``, ``/sms/cost``, ``/my/balance``, ``/my/limit``,
  ``/auth/check``; GET and POST; parameters from the query string and a form body alike.
- ``json=1`` → HTTP 200 ``application/json; charset=utf-8`` for successes, per-number errors
  and request-level errors; without it the old line-based text answer.
- Unknown ``api_id`` → ``{"status":"ERROR","status_code":200,...}`` on every method.
- Top-level checks on send: text (203), sender approved (204), balance (201). Per number:
  malformed (202), scripted codes by number (e.g. 207, 230), more than 8 segments (205),
  no alphabetic sender when one is required (221, with an sms_id, as recorded live).
- ``test=1`` → the normal success shape with a fake id and no balance change.
- ``/sms/status`` takes many comma-separated ``sms_id``; delivery reports later per number
  (``reports.set("+7…", fate, after, code)``): 102 (in transit) until then, then 103 or the
  scripted failure code (default 104); numbers without a script are delivered (103) at once.
- Scripted failures for the next requests: a top-level error code, an HTTP status with a
  raw body (``{api_id}`` is replaced by the received key, to test echo leaks), a non-JSON
  200, a JSON body without ``status``, or "hang" (accept, never answer until stop()).
"""
from __future__ import annotations

import itertools
import json
import math
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.servers.http_base import LoopbackServer
from tests.servers.receipts import Reports

API_ID = "0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9"
SENDER = "Notifier"

STATUS_TEXT = {
    200: "Неправильный api_id",
    201: "Не хватает средств на лицевом счету",
    202: "Неправильно указан номер телефона получателя, либо на него нет маршрута",
    203: "Нет текста сообщения",
    204: "Имя отправителя не согласовано с администрацией",
    205: "Сообщение слишком длинное (превышает 8 СМС)",
    206: "Будет превышен или уже превышен дневной лимит на отправку сообщений",
    207: "На этот номер нет маршрута для доставки сообщений",
    209: "Вы добавили этот номер (или один из номеров) в стоп-лист",
    220: "Сервис временно недоступен, попробуйте чуть позже",
    221: "Для работы с нашим сервисом, необходимо создать буквенного отправителя",
    230: "Превышен общий лимит количества сообщений на этот номер в день",
    231: "Превышен лимит одинаковых сообщений на этот номер в минуту",
    232: "Превышен лимит одинаковых сообщений на этот номер в день",
    500: "Ошибка на сервере. Повторите запрос.",
}
GSM_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
                "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€")


def rough_segments(text: str) -> int:
    """The server's own (deliberately simple) count: GSM-7 160/153, else 70/67 per character."""
    single, part = (160, 153) if all(c in GSM_BASIC for c in text) else (70, 67)
    return 1 if len(text) <= single else math.ceil(len(text) / part)


def error(code: int) -> dict[str, Any]:
    return {"status": "ERROR", "status_code": code, "status_text": STATUS_TEXT.get(code, "Ошибка")}


@dataclass
class Failure:
    code: int | None = None  # top-level JSON error
    http_status: int = 200
    raw: str | None = None  # raw body; "{api_id}" is replaced by the key received
    hang: bool = False


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]

    @property
    def params(self) -> dict[str, str]:
        return {**self.query, **self.form}


@dataclass
class SmsRuServer(LoopbackServer):
    thread_name = "smsru-server"

    api_id: str = API_ID
    senders: set[str] = field(default_factory=lambda: {SENDER})
    balance: float = 100.0
    price: float = 3.5
    number_errors: dict[str, int] = field(default_factory=dict)  # digits -> per-number status_code
    require_sender: bool = False  # new accounts: 221 until an alphabetic sender exists

    def __post_init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.requests: list[Received] = []
        self._ids = itertools.count(10000001)
        self._script: list[Failure] = []
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self.reports = Reports()
        self._created: dict[str, float] = {}
        self.status_requests: list[list[str]] = []  # the ids of each sms/status call

    # -- control

    def fail_next(self, n: int = 1, code: int | None = None, http_status: int = 200, raw: str | None = None) -> None:
        with self._lock:
            self._script.extend(Failure(code, http_status, raw) for _ in range(n))

    def hang_next(self, n: int = 1) -> None:
        with self._lock:
            self._script.extend(Failure(hang=True) for _ in range(n))

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        return _Handler

    # -- methods

    def send(self, p: dict[str, str]) -> dict[str, Any]:
        text = p.get("msg", "")
        sender = p.get("from", "")
        test = p.get("test") == "1"
        numbers = [n.strip() for n in p.get("to", "").split(",") if n.strip()]
        if not text:
            return error(203)
        if not numbers:
            return error(202)
        if len(numbers) > 100:
            return error(213)
        if sender and sender not in self.senders:
            return error(204)
        if not test and self.balance < self.price * len(numbers):
            return error(201)
        result: dict[str, Any] = {}
        for number in numbers:
            if not re.fullmatch(r"[1-9]\d{9,14}", number):
                result[number] = error(202)
            elif number in self.number_errors:
                result[number] = error(self.number_errors[number])
            elif rough_segments(text) > 8:
                result[number] = error(205)
            elif self.require_sender and not sender:
                result[number] = {**error(221), "sms_id": f"202626-{next(self._ids)}"}
            else:
                sms_id = f"000000-{next(self._ids)}"
                result[number] = {"status": "OK", "status_code": 100, "sms_id": sms_id}
                with self._lock:
                    if not test:
                        self.balance = round(self.balance - self.price, 2)
                    self.messages.append({"to": number, "msg": text, "from": sender, "test": test, "sms_id": sms_id})
                    self._created[sms_id] = time.monotonic()
        return {"status": "OK", "status_code": 100, "sms": result, "balance": self.balance}

    def status_of(self, m: dict[str, Any] | None) -> dict[str, Any]:
        if m is None:
            return {"status": "ERROR", "status_code": -1, "status_text": "Сообщение не найдено"}
        script = self.reports.now("+" + m["to"], self._created.get(m["sms_id"], 0.0))
        code = 103 if script is None or script.fate == "delivered" else 102 if script.fate == "never" else script.code or 104
        entry: dict[str, Any] = {"status": "OK", "status_code": code, "cost": self.price}
        if code == 103:
            entry["status_text"] = "Сообщение доставлено"
        return entry

    def answer(self, path: str, p: dict[str, str]) -> dict[str, Any]:
        if p.get("api_id") != self.api_id:
            return error(200)
        if path == "/sms/send":
            return self.send(p)
        if path == "/auth/check":
            return {"status": "OK", "status_code": 100}
        if path == "/my/balance":
            return {"status": "OK", "status_code": 100, "balance": self.balance}
        if path == "/my/limit":
            return {"status": "OK", "status_code": 100, "total_limit": "10", "used_today": len(self.messages)}
        if path == "/sms/cost":
            numbers = [n for n in p.get("to", "").split(",") if n]
            parts = rough_segments(p.get("msg", ""))
            return {"status": "OK", "status_code": 100,
                    "sms": {n: {"status": "OK", "status_code": 100, "cost": self.price * parts, "sms": parts} for n in numbers},
                    "total_cost": self.price * parts * len(numbers), "total_sms": parts * len(numbers)}
        if path == "/sms/status":
            known = {m["sms_id"]: m for m in self.messages}
            ids = [i for i in p.get("sms_id", "").split(",") if i]
            with self._lock:
                self.status_requests.append(ids)
            return {"status": "OK", "status_code": 100, "sms": {i: self.status_of(known.get(i)) for i in ids}}
        return {"status": "ERROR", "status_code": 211, "status_text": "Метод не найден"}


def as_text(answer: dict[str, Any]) -> str:
    """The line-based answer SMS.ru gives without json=1."""
    lines = [str(answer.get("status_code"))]
    for entry in (answer.get("sms") or {}).values():
        lines.append(str(entry.get("sms_id") or entry.get("status_code")))
    if "balance" in answer:
        lines.append(f"balance={answer['balance']}")
    return "\n".join(lines)


class _Handler(BaseHTTPRequestHandler):
    app: SmsRuServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: str, ctype: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self, method: str) -> None:
        app = self.app
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        form = {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}
        params = {**query, **form}
        with app._lock:
            app.requests.append(Received(method, parts.path, query, form))
            failure = app._script.pop(0) if app._script else None
        if failure is not None:
            if failure.hang:
                app._release.wait()
                return
            if failure.raw is not None:
                self._send(failure.http_status, failure.raw.replace("{api_id}", params.get("api_id", "")), "text/html")
                return
            if failure.code is not None:
                self._send(failure.http_status, json.dumps(error(failure.code), ensure_ascii=False),
                           "application/json; charset=utf-8")
                return
        answer = app.answer(parts.path, params)
        if params.get("json") == "1":
            self._send(200, json.dumps(answer, ensure_ascii=False), "application/json; charset=utf-8")
        else:
            self._send(200, as_text(answer), "text/plain; charset=utf-8")

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")
