"""Telegram Bot API channel, classified as in ../shared/reference/telegram-bot-api.md.

Why it looks the way it does:

* One :class:`requests.Session` per channel instance (one instance per worker thread), so
  consecutive messages reuse a keep-alive connection instead of a TLS handshake each time.
* The bot token is part of every URL (``/bot<token>/<method>``) and ``requests`` copies the
  URL into its exception messages. So no ``requests`` exception text is ever shown: every
  failure is rewritten into a human sentence, passed through the :class:`Redactor`, and
  raised ``from None`` so the original exception is not chained into crash reports.
* The operator's text is plain text. In HTML mode it is escaped with
  ``html.escape(text, quote=False)`` (the only three characters Telegram requires), so a
  ``<b>`` typed by the operator arrives as ``&lt;b&gt;`` instead of breaking the request.
* Texts over 4096 characters are split on the *plain* text (paragraph, then line, then
  word boundaries), counting UTF-16 code units (safe under either reading of "character"),
  and each chunk is escaped afterwards, so no tag or ``&...;`` entity is ever cut in half.
  Each chunk is paced per chat like a message of its own.
* A 429 pauses the shared :class:`RateLimiter` for ``retry_after`` seconds, which slows
  every worker thread, and the notification waits exactly that long in the queue.
"""
from __future__ import annotations

import hashlib
import html
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from ...config import Settings
from ...secrets import CredentialStore, Redactor
from ..checks_base import CheckResult
from ..errors import DeliveryError, Permanent, Throttled, Transient, Unavailable
from ..pacing import Pacers, RateLimiter, Saturated
from .base import Channel, Message, Sent, address_reason

log = logging.getLogger("notifier.telegram")

TEXT_LIMIT = 4096
"""Longest text Telegram accepts in one message, after entity parsing."""

STYLED_MODES = ("HTML", "MarkdownV2", "Markdown")

_MDV2_SPECIAL = re.compile(r"([_*\[\]()~`>#+\-=|{}.!\\])")
_MD_SPECIAL = re.compile(r"([_*`\[])")
_TOKEN_IN_URL = re.compile(r"/bot(\d+:[A-Za-z0-9_-]+)")
_TOKEN_BAD_CHARS = re.compile(r"[\s/?#%]")


# ----------------------------------------------------------------------------------------
# Text: length, splitting, escaping
# ----------------------------------------------------------------------------------------
def telegram_length(text: str) -> int:
    """Length as Telegram may count it: UTF-16 code units (an emoji outside the BMP is 2).

    Never smaller than the code-point count, so a text that fits by this measure fits
    whichever unit Telegram really uses.
    """
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _fit(text: str, limit: int) -> int:
    """The largest ``n`` such that ``text[:n]`` is at most ``limit`` UTF-16 units."""
    if len(text) * 2 <= limit:
        return len(text)
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return i
    return len(text)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split plain ``text`` into chunks of at most ``limit`` UTF-16 units, in order.

    A cut goes at the last paragraph break (blank line) in the second half of the window,
    else the last line break there, else the last whitespace anywhere in the window, and
    only when a single "word" is longer than the limit, in the middle of it. Whitespace at
    a cut is dropped; everything else is kept, so joining the chunks loses no visible text.
    Whitespace-only chunks are never produced (Telegram rejects empty texts); an empty or
    blank ``text`` gives ``[]``.
    """
    if limit < 2:
        raise ValueError("limit must be at least 2 (one character outside the BMP takes 2 units)")
    chunks: list[str] = []
    rest = text
    while rest.strip():
        n = _fit(rest, limit)
        if n >= len(rest):
            chunks.append(rest.rstrip())
            break
        cut: tuple[int, int] | None = None
        for sep in ("\n\n", "\n"):
            # start <= n, so rest[:start] fits; prefer cuts that use at least half the window
            i = rest.rfind(sep, 0, n + len(sep))
            if i >= max(1, n // 2):
                cut = (i, i + len(sep))
                break
        if cut is None:
            for i in range(n, 0, -1):
                if rest[i].isspace():
                    cut = (i, i + 1)
                    break
        if cut is None:
            cut = (n, n)  # one unbroken run longer than the limit: cut it hard
        head = rest[: cut[0]].rstrip()
        if head.strip():
            chunks.append(head)
        rest = rest[cut[1]:].lstrip()
    return chunks


def escape(text: str, parse_mode: str) -> str:
    """Make operator text literal under ``parse_mode`` (no formatting can sneak in)."""
    if parse_mode == "HTML":
        return html.escape(text, quote=False)
    if parse_mode == "MarkdownV2":
        return _MDV2_SPECIAL.sub(r"\\\1", text)
    if parse_mode == "Markdown":
        return _MD_SPECIAL.sub(r"\\\1", text)
    return text


def _bold(text: str, parse_mode: str) -> str | None:
    if parse_mode == "HTML":
        return f"<b>{html.escape(text, quote=False)}</b>"
    if parse_mode == "MarkdownV2":
        return f"*{escape(text, parse_mode)}*"
    if parse_mode == "Markdown" and not _MD_SPECIAL.search(text):
        return f"*{text}*"  # legacy Markdown cannot escape inside an entity
    return None


@dataclass(frozen=True)
class Part:
    """One message to send: ``text`` as formatted for Telegram, ``plain`` as the operator wrote it."""

    text: str
    plain: str


def format_parts(subject: str, body: str, parse_mode: str, limit: int = TEXT_LIMIT) -> list[Part]:
    """The messages for one notification: subject as a bold first line, body escaped, split.

    Splitting happens on the plain text, before escaping and before the bold tags are
    added, so each part stays within ``limit`` visible characters and no markup is cut.
    """
    subject = subject.strip()
    styled = parse_mode in STYLED_MODES
    sep = "\n" if styled else "\n\n"
    if subject and body.strip():
        plain = f"{subject}{sep}{body}"
    else:
        plain = subject or body
    parts: list[Part] = []
    for i, chunk in enumerate(split_text(plain, limit)):
        text: str | None = None
        if i == 0 and subject and styled and chunk.startswith(subject):
            bold = _bold(subject, parse_mode)
            if bold is not None:
                text = bold + escape(chunk[len(subject):], parse_mode)
        parts.append(Part(text if text is not None else escape(chunk, parse_mode), chunk))
    return parts


# ----------------------------------------------------------------------------------------
# Token
# ----------------------------------------------------------------------------------------
def normalize_token(raw: str | None) -> str:
    """The token as it goes into ``/bot<token>/``: trimmed, without a pasted ``bot`` prefix.

    Operators paste ``123:ABC``, ``bot123:ABC`` or even a whole ``https://…/bot123:ABC/getMe``
    URL; all three mean the same token.
    """
    t = (raw or "").strip()
    if "://" in t:
        m = _TOKEN_IN_URL.search(t)
        if m:
            return m.group(1)
    if t[:3].lower() == "bot" and t[3:4].isdigit():
        return t[3:]
    return t


def remember_token(redactor: Redactor, token: str) -> None:
    """Teach ``redactor`` the token *and* its secret half (after the colon).

    The part before the colon is the bot's public user id; the part after it is what
    must never be shown, even where it appears without the id (a proxy's error page).
    """
    redactor.add(token)
    secret = token.split(":", 1)[1] if ":" in token else ""
    if len(secret) >= 8:
        redactor.add(secret)


def token_problem(token: str) -> str | None:
    """Why ``token`` cannot be used in a URL at all (without saying what it is), or None."""
    if not token:
        return "Telegram is not configured: there is no bot token (create a bot with @BotFather and save its token)"
    if _TOKEN_BAD_CHARS.search(token):
        return "the Telegram bot token contains spaces or URL characters; paste it again from @BotFather"
    return None


# ----------------------------------------------------------------------------------------
# Bot API client
# ----------------------------------------------------------------------------------------
class ApiFailure(Exception):
    """A Bot API call did not succeed. ``detail`` is human and already redacted.

    ``kind``: ``api`` (the server answered ``ok:false``), ``bad_response`` (not Bot API
    JSON), ``timeout`` (no answer in time: the request may have been processed),
    ``connect`` (never reached the server), ``tls`` (certificate not trusted), ``config``
    (the URL cannot even be built).
    """

    def __init__(
        self,
        kind: str,
        detail: str,
        *,
        error_code: int | None = None,
        description: str = "",
        retry_after: float | None = None,
        parameters: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after
        self.parameters: dict[str, Any] = dict(parameters or {})


def _retry_after(parameters: Mapping[str, Any], headers: Mapping[str, str]) -> float | None:
    value: Any = parameters.get("retry_after")
    if value is None:
        value = headers.get("Retry-After")
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if seconds >= 0 else None


def _root_cause(exc: BaseException) -> BaseException:
    seen = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        nxt = exc.__cause__ or exc.__context__
        if nxt is None and exc.args and isinstance(exc.args[0], BaseException):
            nxt = exc.args[0]
        if nxt is None:
            break
        reason = getattr(nxt, "reason", None)
        exc = reason if isinstance(reason, BaseException) else nxt
    return exc


class BotApi:
    """Bot API calls over one keep-alive session, turning every failure into :class:`ApiFailure`.

    Not thread-safe (a ``requests.Session`` is not): one instance per thread.
    """

    def __init__(self, settings: Settings, redactor: Redactor, session: requests.Session | None = None) -> None:
        self.settings = settings
        self._redact = redactor
        self._session = session
        base = settings.telegram_api_base.strip().rstrip("/")
        self.base = base
        parts = urlsplit(base)
        # Host for messages; never the whole URL (the token joins it later, and userinfo might be secret).
        self.host = parts.hostname or base or "(empty TELEGRAM_API_BASE)"
        if parts.port:
            self.host = f"{self.host}:{parts.port}"

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            self._session = requests.Session()
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def _fail(self, kind: str, detail: str, **kw: Any) -> ApiFailure:
        return ApiFailure(kind, self._redact(detail), **kw)

    def call(
        self,
        token: str,
        method: str,
        params: Mapping[str, Any] | None = None,
        read_timeout: float | None = None,
    ) -> Any:
        """POST ``params`` as JSON to ``method``; return ``result`` or raise :class:`ApiFailure`."""
        connect_timeout = self.settings.telegram_timeout
        read = self.settings.telegram_timeout if read_timeout is None else read_timeout
        url = f"{self.base}/bot{token}/{method}"
        try:
            resp = self.session.post(url, json=dict(params or {}), timeout=(connect_timeout, read))
        except requests.exceptions.RequestException as exc:
            failure = self._network_failure(exc, method, connect_timeout, read)
        except ValueError:  # e.g. a URL requests cannot even parse
            failure = self._fail("config", "the Bot API URL is invalid: check TELEGRAM_API_BASE "
                                           "(e.g. https://api.telegram.org) and the bot token")
        else:
            return self._result(resp, method)
        # Raised outside the except block on purpose: the requests exception, whose text
        # holds the URL with the token, must not even be reachable as __context__.
        raise failure

    def _network_failure(self, exc: requests.exceptions.RequestException, method: str,
                         connect_timeout: float, read: float) -> ApiFailure:
        if isinstance(exc, requests.exceptions.SSLError):
            return self._fail("tls", f"the TLS certificate of {self.host} is not trusted "
                                     "(check TELEGRAM_API_BASE or a proxy intercepting HTTPS)")
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return self._fail("connect", f"could not connect to {self.host} within {connect_timeout:g} s")
        if isinstance(exc, requests.exceptions.ReadTimeout):
            return self._fail("timeout", f"{self.host} did not answer {method} within {read:g} s")
        if isinstance(exc, requests.exceptions.ConnectionError):
            return self._fail("connect", f"cannot connect to {self.host}: {self._why(exc)}")
        if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                            requests.exceptions.InvalidSchema, requests.exceptions.InvalidHeader)):
            return self._fail("config", "the Bot API URL is invalid: check TELEGRAM_API_BASE "
                                        "(e.g. https://api.telegram.org) and the bot token")
        return self._fail("connect", f"the request to {self.host} failed ({type(exc).__name__})")

    def _why(self, exc: BaseException) -> str:
        root = _root_cause(exc)
        text = str(root).lower()
        if isinstance(root, ConnectionRefusedError) or "refused" in text:
            return "connection refused (is the server running, is TELEGRAM_API_BASE right?)"
        if "name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text \
                or "name resolution" in text or "resolve" in text:
            return "the host name cannot be resolved (no network, or a typo in TELEGRAM_API_BASE)"
        if isinstance(root, ConnectionResetError) or "reset" in text:
            return "the connection was reset"
        if "remotedisconnected" in text or "closed connection" in text or "aborted" in text:
            return "the server closed the connection without answering"
        return f"network error ({type(root).__name__})"

    def _result(self, resp: requests.Response, method: str) -> Any:
        status = resp.status_code
        try:
            body = resp.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("ok"), bool):
            raise self._fail(
                "bad_response",
                f"{self.host} answered {method} with HTTP {status} and a body that is not Bot API JSON "
                "(a proxy or the wrong TELEGRAM_API_BASE?)",
                error_code=status,
                retry_after=_retry_after({}, resp.headers),
            )
        if body["ok"]:
            return body.get("result")
        code = body.get("error_code")
        if not isinstance(code, int):
            code = status
        description = self._redact(str(body.get("description") or f"HTTP {status}"))
        raw_parameters = body.get("parameters")
        parameters: dict[str, Any] = raw_parameters if isinstance(raw_parameters, dict) else {}
        raise self._fail(
            "api",
            f"Telegram answered {method} with {code}: {description}",
            error_code=code,
            description=description,
            retry_after=_retry_after(parameters, resp.headers),
            parameters=parameters,
        )


def classify(failure: ApiFailure, api_base: str = "") -> DeliveryError:
    """Map a failed call to the delivery error class of the reference table."""
    kind, code, d = failure.kind, failure.error_code, failure.description
    low = d.lower()
    where = f" ({api_base})" if api_base else ""
    if kind in ("tls", "config"):
        return Unavailable(failure.detail)
    if kind == "connect":
        return Transient(failure.detail)
    if kind == "timeout":
        return Transient(f"{failure.detail}; Telegram may already have delivered it, so a retry can send it twice")
    if code == 401:
        return Unavailable("the bot token was rejected by Telegram (401 Unauthorized): it is wrong or was revoked; "
                           "copy it again from @BotFather")
    if code == 404:
        return Unavailable(f"the Bot API answered 404 Not Found: the bot token is malformed or TELEGRAM_API_BASE is wrong{where}")
    if code == 421:
        return Unavailable(f"the local Bot API server is not set up for this bot: {d or 'Misdirected Request'}")
    if code == 429:
        wait = failure.retry_after
        when = f"retry after {wait:g} s" if wait is not None else "retry later"
        return Throttled(f"Telegram rate limit (429 Too Many Requests): {when}", retry_after=wait)
    if kind == "bad_response":
        return Transient(failure.detail, retry_after=failure.retry_after)
    if code == 403:
        if "blocked by the user" in low:
            return Permanent("the person blocked the bot (403); they must unblock it and press Start in the bot "
                             "before Telegram messages can reach them")
        if "can't initiate conversation" in low or "cant initiate conversation" in low:
            return Permanent("the person has not started a chat with the bot (403); they must open the bot in "
                             "Telegram and press Start (send them the link from the recipient dialog)")
        if "deactivated" in low:
            return Permanent("the person's Telegram account was deleted (403 user is deactivated)")
        if "kicked" in low or "not a member" in low:
            return Permanent(f"the bot is not allowed in that chat any more ({d}); add it back or link another chat")
        return Permanent(f"Telegram refused to deliver ({d}); the person may need to press Start in the bot")
    if code == 400:
        if "chat not found" in low:
            return Permanent("Telegram does not know this chat (400 chat not found): the chat id is wrong or the "
                             "person never pressed Start in this bot; link them again")
        if "message is too long" in low:
            return Permanent("Telegram says the message is too long (400); it should have been split (a bug)")
        if "can't parse entities" in low:
            return Permanent(f"Telegram could not parse the message formatting: {d}")
        if "text is empty" in low:
            return Permanent("the message is empty; Telegram cannot deliver an empty text")
        return Permanent(f"Telegram rejected the request: {d}")
    if code == 409:
        return Unavailable(f"Telegram reported a conflict: {d}")
    if code is not None and code >= 500:
        return Transient(f"Telegram server error {code}: {d}")
    if code is not None and 400 <= code < 500:
        return Permanent(f"Telegram rejected the request ({code}): {d}")
    return Transient(failure.detail)


# ----------------------------------------------------------------------------------------
# Parts already delivered (so a retry of a split message does not repeat them)
# ----------------------------------------------------------------------------------------
class _PartProgress:
    """Message ids of the parts of a split notification that already went out.

    Shared by every channel instance of the process: the retry after a 429 in the middle
    of a long message may run on another worker thread. Kept in memory only; after a
    restart the whole message is sent again (at-least-once).
    """

    def __init__(self, capacity: int = 1024) -> None:
        self._lock = threading.Lock()
        self._done: OrderedDict[tuple[int, int, str], list[int | None]] = OrderedDict()
        self._capacity = capacity

    def get(self, key: tuple[int, int, str]) -> list[int | None]:
        with self._lock:
            return list(self._done.get(key, ()))

    def record(self, key: tuple[int, int, str], ids: list[int | None]) -> None:
        with self._lock:
            self._done[key] = list(ids)
            self._done.move_to_end(key)
            while len(self._done) > self._capacity:
                self._done.popitem(last=False)

    def forget(self, key: tuple[int, int, str]) -> None:
        with self._lock:
            self._done.pop(key, None)


_PROGRESS = _PartProgress()


# ----------------------------------------------------------------------------------------
# The channel
# ----------------------------------------------------------------------------------------
@dataclass
class _SendState:
    chat_id: int
    notes: list[str] = field(default_factory=list)


class TelegramChannel(Channel):
    """Sends a notification with ``sendMessage``; one instance per worker thread."""

    name = "telegram"

    def __init__(
        self,
        settings: Settings,
        token: Callable[[], str | None],
        redactor: Redactor,
        limiter: RateLimiter,
        *,
        max_wait: float = 5.0,
        on_chat_migrated: Callable[[int, int, int], None] | None = None,
        session: requests.Session | None = None,
    ) -> None:
        """``max_wait``: longest a worker blocks for a pacing slot before the notification
        goes back to the queue. ``on_chat_migrated(recipient_id, old_chat_id, new_chat_id)``
        is called when a group turned into a supergroup, so the caller can store the new id.
        """
        self.settings = settings
        self._token_source = token
        self._redact = redactor
        self._limiter = limiter
        self.max_wait = max_wait
        self._on_chat_migrated = on_chat_migrated
        self._api = BotApi(settings, redactor, session)

    # -- token / availability -------------------------------------------------------
    def _token(self) -> str:
        """The normalised token, or Unavailable saying why there is none usable."""
        try:
            raw = self._token_source()
        except Exception as exc:  # keyring trouble: the message never contains the value
            raise Unavailable(self._redact(f"the Telegram bot token cannot be read: {exc}")) from None
        token = normalize_token(raw)
        remember_token(self._redact, token)
        problem = token_problem(token)
        if problem:
            raise Unavailable(problem)
        return token

    def unavailable_reason(self, msg: Message) -> str | None:
        try:
            self._token()
        except Unavailable as exc:
            return exc.detail
        return address_reason("telegram", msg)

    # -- sending --------------------------------------------------------------------
    def _pace(self, chat_id: int, follow_up: bool) -> None:
        # Parts after the first always wait for their per-chat slot: handing a half-sent
        # message back to the queue for a one-second wait would waste a retry each time.
        max_wait = self.max_wait
        if follow_up:
            max_wait = max(max_wait, 2 * self._limiter.key_interval + 1.0)
        try:
            self._limiter.acquire(chat_id, max_wait=max_wait)
        except Saturated as exc:
            raise Throttled(
                f"Telegram pacing: the next free slot for this chat is in {exc.wait:.1f} s; "
                "the message waits in the queue meanwhile",
                retry_after=exc.wait,
            ) from None

    def _payload(self, chat_id: int, text: str, parse_mode: str) -> dict[str, Any]:
        payload: dict[str, Any] = {"chat_id": chat_id, "text": text}
        if parse_mode:
            payload["parse_mode"] = parse_mode
        if self.settings.telegram_disable_wpp:
            payload["link_preview_options"] = {"is_disabled": True}
        return payload

    def _post(self, token: str, payload: Mapping[str, Any]) -> Any:
        try:
            return self._api.call(token, "sendMessage", payload)
        except ApiFailure as failure:
            if failure.error_code == 429 and failure.retry_after:
                # The server slows the whole bot down: every worker waits, not just this one.
                self._limiter.pause(failure.retry_after)
            raise

    def _error(self, failure: ApiFailure) -> DeliveryError:
        err = classify(failure, self._api.base)
        err.detail = self._redact(err.detail)
        err.args = (err.detail,)
        return err

    def _send_part(self, token: str, part: Part, state: _SendState, msg: Message) -> Any:
        parse_mode = self.settings.telegram_parse_mode
        try:
            return self._post(token, self._payload(state.chat_id, part.text, parse_mode))
        except ApiFailure as failure:
            first = failure
        low = first.description.lower()
        new_chat = first.parameters.get("migrate_to_chat_id")
        if first.error_code == 400 and isinstance(new_chat, int) and new_chat != state.chat_id:
            old = state.chat_id
            state.chat_id = new_chat
            state.notes.append(f"the group became a supergroup: chat id {old} is now {new_chat}; "
                               "update the recipient's Telegram chat id")
            if self._on_chat_migrated is not None:
                try:
                    self._on_chat_migrated(msg.recipient.id, old, new_chat)
                except Exception:
                    log.exception("storing the migrated Telegram chat id failed")
            self._pace(new_chat, follow_up=True)
            try:
                return self._post(token, self._payload(new_chat, part.text, parse_mode))
            except ApiFailure as failure:
                raise self._error(failure) from None
        if first.error_code == 400 and "can't parse entities" in low and parse_mode:
            # Our escaping should make this impossible; if it happens anyway, the person
            # still gets the words (the fallback the reference suggests), without markup.
            state.notes.append(f"sent as plain text because Telegram could not parse the formatting ({first.description})")
            self._pace(state.chat_id, follow_up=True)
            try:
                return self._post(token, self._payload(state.chat_id, part.plain, ""))
            except ApiFailure as failure:
                raise self._error(failure) from None
        raise self._error(first) from None

    def send(self, msg: Message) -> Sent:
        token = self._token()
        chat_id = msg.recipient.telegram_chat_id
        if not chat_id:
            raise Unavailable(address_reason("telegram", msg) or "the recipient has no linked Telegram chat")
        parts = format_parts(msg.subject, msg.body, self.settings.telegram_parse_mode)
        if not parts:
            raise Permanent("the message is empty; Telegram cannot deliver an empty text")
        digest = hashlib.sha256("\x00".join(p.text for p in parts).encode("utf-8", "surrogatepass")).hexdigest()
        key = (msg.notification_id, chat_id, digest)
        ids = _PROGRESS.get(key) if len(parts) > 1 else []
        resumed = len(ids)
        state = _SendState(chat_id)
        for index in range(resumed, len(parts)):
            self._pace(state.chat_id, follow_up=index > resumed)
            result = self._send_part(token, parts[index], state, msg)
            mid = result.get("message_id") if isinstance(result, dict) else None
            ids.append(mid if isinstance(mid, int) else None)
            if len(parts) > 1:
                _PROGRESS.record(key, ids)
        _PROGRESS.forget(key)
        known = [str(i) for i in ids if i is not None]
        provider_id = ",".join(known) if known else None
        if provider_id and len(provider_id) > 200:
            provider_id = f"{known[0]}..{known[-1]}"
        detail = f"delivered to Telegram chat {state.chat_id}"
        if len(parts) > 1:
            detail += f" in {len(parts)} parts"
            if resumed:
                detail += f" ({resumed} already sent by an earlier try)"
        if state.notes:
            detail += "; " + "; ".join(state.notes)
        return Sent(provider_message_id=provider_id, detail=self._redact(detail))

    def close(self) -> None:
        self._api.close()


# ----------------------------------------------------------------------------------------
# Connection test and construction
# ----------------------------------------------------------------------------------------
def check_telegram(settings: Settings, token: str | None, redactor: Redactor) -> CheckResult:
    """"Test connection": ``getMe`` with ``token``. Never raises; the message is for the operator."""
    try:
        tok = normalize_token(token)
        remember_token(redactor, tok)
        problem = token_problem(tok)
        if problem:
            return CheckResult(False, problem)
        api = BotApi(settings, redactor)
        try:
            me = api.call(tok, "getMe")
        except ApiFailure as failure:
            return CheckResult(False, redactor(classify(failure, api.base).detail))
        finally:
            api.close()
        if not isinstance(me, dict) or not me.get("username"):
            return CheckResult(False, f"{api.host} answered getMe without a bot user name; is TELEGRAM_API_BASE a Bot API server?")
        if me.get("is_bot") is False:
            return CheckResult(False, "this token belongs to a user account, not a bot")
        return CheckResult(True, redactor(f"connected as @{me['username']}"))
    except Exception as exc:  # a check must never take the settings dialog down
        return CheckResult(False, redactor(f"the check failed unexpectedly ({type(exc).__name__})"))


def build_telegram(settings: Settings, secrets: CredentialStore, pacers: Pacers,
                   on_chat_migrated: Callable[[int, int, int], None] | None = None) -> Channel:
    """A Telegram channel for one worker thread; the token is read from the store at send time.
    ``on_chat_migrated`` stores a group's new chat id (Store.migrate_telegram_chat)."""
    return TelegramChannel(settings, lambda: secrets.get("telegram_bot_token"), secrets.redactor, pacers.telegram,
                           on_chat_migrated=on_chat_migrated)
