"""The Telegram Bot API client, shared by the channel and the chat linker (``core/telegram_link.py``).

* The bot token is part of every URL (``/bot<token>/<method>``) and ``requests`` copies the
  URL into its exception messages. So no ``requests`` exception text is ever shown: every
  failure is rewritten into a human sentence (what happened is read by
  :func:`~.transport.transport_fault`), passed through the :class:`Redactor`, and raised
  ``from None`` so the original exception is not chained into crash reports.
* The token is read, normalised and taught to the redactor in one place
  (:func:`usable_token`), whoever calls the API.
* :func:`classify` maps a failed call to the delivery error classes of
  ../shared/reference/telegram-bot-api.md.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests

from ...config import Settings
from ...messages import Template
from ...secrets import Redactor
from ..errors import DeliveryError, Permanent, Throttled, Transient, Unavailable
from .transport import connection_fault, transport_fault

_TOKEN_IN_URL = re.compile(r"/bot(\d+:[A-Za-z0-9_-]+)")
_TOKEN_BAD_CHARS = re.compile(r"[\s/?#%]")

# -- messages: what a failed Bot API call says (core/messages.py); {said} is Telegram's own description
BAD_URL = Template("telegram.bad_url", "the Bot API URL is invalid: check TELEGRAM_API_BASE (e.g. "
                                       "https://api.telegram.org) and the bot token")
NO_TOKEN = Template("telegram.no_token", "Telegram is not configured: there is no bot token (create a bot with "
                                         "@BotFather and save its token)")
TOKEN_CHARS = Template("telegram.token_chars", "the Telegram bot token contains spaces or URL characters; paste it "
                                               "again from @BotFather")
TOKEN_UNREADABLE = Template("telegram.token_unreadable", "the Telegram bot token cannot be read: {reason}")
UNTRUSTED = Template("telegram.untrusted", "the TLS certificate of {host} is not trusted (check TELEGRAM_API_BASE or "
                                           "a proxy intercepting HTTPS)")
CONNECT_TIMEOUT = Template("telegram.connect_timeout", "could not connect to {host} within {seconds} s")
READ_TIMEOUT = Template("telegram.read_timeout", "{host} did not answer {method} within {seconds} s")
CANNOT_CONNECT = Template("telegram.cannot_connect", "cannot connect to {host}: {reason}")
REQUEST_FAILED = Template("telegram.request_failed", "the request to {host} failed ({error})")
REFUSED = Template("telegram.refused", "connection refused (is the server running, is TELEGRAM_API_BASE right?)")
NO_DNS = Template("telegram.no_dns", "the host name cannot be resolved (no network, or a typo in TELEGRAM_API_BASE)")
RESET = Template("telegram.reset", "the connection was reset")
DROPPED = Template("telegram.dropped", "the server closed the connection without answering")
NETWORK = Template("telegram.network", "network error ({error})")
NOT_BOT_API = Template("telegram.not_bot_api", "{host} answered {method} with HTTP {status} and a body that is not "
                                               "Bot API JSON (a proxy or the wrong TELEGRAM_API_BASE?)")
ANSWERED = Template("telegram.answered", "Telegram answered {method} with {code}: {said}")
MAY_BE_DELIVERED = Template("telegram.may_be_delivered", "{message}; Telegram may already have delivered it, so a "
                                                         "retry can send it twice")
TOKEN_REJECTED = Template("telegram.token_rejected", "the bot token was rejected by Telegram (401 Unauthorized): it "
                                                     "is wrong or was revoked; copy it again from @BotFather")
NOT_FOUND = Template("telegram.not_found", "the Bot API answered 404 Not Found: the bot token is malformed or "
                                           "TELEGRAM_API_BASE is wrong{where}")
LOCAL_SERVER = Template("telegram.local_server", "the local Bot API server is not set up for this bot: {said}")
RATE_LIMIT = Template("telegram.rate_limit", "Telegram rate limit (429 Too Many Requests): {when}")
RETRY_AFTER = Template("telegram.retry_after", "retry after {seconds} s")
RETRY_LATER = Template("telegram.retry_later", "retry later")
BLOCKED = Template("telegram.blocked", "the person blocked the bot (403); they must unblock it and press Start in "
                                       "the bot before Telegram messages can reach them")
NOT_STARTED = Template("telegram.not_started", "the person has not started a chat with the bot (403); they must open "
                                               "the bot in Telegram and press Start (send them the link from the "
                                               "recipient dialog)")
DEACTIVATED = Template("telegram.deactivated", "the person's Telegram account was deleted (403 user is deactivated)")
KICKED = Template("telegram.kicked", "the bot is not allowed in that chat any more ({said}); add it back or link "
                                     "another chat")
FORBIDDEN = Template("telegram.forbidden", "Telegram refused to deliver ({said}); the person may need to press "
                                           "Start in the bot")
CHAT_NOT_FOUND = Template("telegram.chat_not_found", "Telegram does not know this chat (400 chat not found): the chat "
                                                     "id is wrong or the person never pressed Start in this bot; link "
                                                     "them again")
TOO_LONG = Template("telegram.too_long", "Telegram says the message is too long (400); it should have been split "
                                         "(a bug)")
CANNOT_PARSE = Template("telegram.cannot_parse", "Telegram could not parse the message formatting: {said}")
EMPTY = Template("telegram.empty", "the message is empty; Telegram cannot deliver an empty text")
BAD_REQUEST = Template("telegram.bad_request", "Telegram rejected the request: {said}")
CONFLICT = Template("telegram.conflict", "Telegram reported a conflict: {said}")
SERVER_ERROR = Template("telegram.server_error", "Telegram server error {code}: {said}")
REJECTED = Template("telegram.rejected", "Telegram rejected the request ({code}): {said}")

TokenSource = Callable[[], "str | None"]


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
        return NO_TOKEN()
    if _TOKEN_BAD_CHARS.search(token):
        return TOKEN_CHARS()
    return None


class TokenError(Exception):
    """No usable token; ``message`` (redacted, and never the token) says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def usable_token(source: TokenSource | str | None, redactor: Redactor) -> str:
    """The token from ``source`` (a value, or a function reading the keyring), normalised and
    taught to ``redactor``; :class:`TokenError` saying why there is none usable."""
    try:
        raw = source() if callable(source) else source
    except Exception as exc:  # keyring trouble: the message never contains the value
        raise TokenError(redactor(TOKEN_UNREADABLE(reason=str(exc)))) from None
    token = normalize_token(raw)
    remember_token(redactor, token)
    problem = token_problem(token)
    if problem:
        raise TokenError(problem)
    return token


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
            failure = self._fail("config", BAD_URL())
        else:
            return self._result(resp, method)
        # Raised outside the except block on purpose: the requests exception, whose text
        # holds the URL with the token, must not even be reachable as __context__.
        raise failure

    def _network_failure(self, exc: requests.exceptions.RequestException, method: str,
                         connect_timeout: float, read: float) -> ApiFailure:
        kind = transport_fault(exc).kind
        if kind in ("tls", "tls_untrusted"):
            return self._fail("tls", UNTRUSTED(host=self.host))
        if kind == "connect_timeout":
            return self._fail("connect", CONNECT_TIMEOUT(host=self.host, seconds=f"{connect_timeout:g}"))
        if kind == "read_timeout":
            return self._fail("timeout", READ_TIMEOUT(host=self.host, method=method, seconds=f"{read:g}"))
        if isinstance(exc, requests.exceptions.ConnectionError):
            return self._fail("connect", CANNOT_CONNECT(host=self.host, reason=self._why(exc)))
        if kind in ("invalid_url", "invalid_header"):
            return self._fail("config", BAD_URL())
        return self._fail("connect", REQUEST_FAILED(host=self.host, error=type(exc).__name__))

    def _why(self, exc: BaseException) -> str:
        fault = connection_fault(exc)
        said = {"refused": REFUSED, "dns": NO_DNS, "reset": RESET, "dropped": DROPPED}.get(fault.kind)
        return said() if said is not None else NETWORK(error=type(fault.root or exc).__name__)

    def _result(self, resp: requests.Response, method: str) -> Any:
        status = resp.status_code
        try:
            body = resp.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("ok"), bool):
            raise self._fail(
                "bad_response",
                NOT_BOT_API(host=self.host, method=method, status=status),
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
            ANSWERED(method=method, code=code, said=description),
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
        return Transient(MAY_BE_DELIVERED(message=failure.detail))
    if code == 401:
        return Unavailable(TOKEN_REJECTED())
    if code == 404:
        return Unavailable(NOT_FOUND(where=where))
    if code == 421:
        return Unavailable(LOCAL_SERVER(said=d or "Misdirected Request"))
    if code == 429:
        wait = failure.retry_after
        when = RETRY_AFTER(seconds=f"{wait:g}") if wait is not None else RETRY_LATER()
        return Throttled(RATE_LIMIT(when=when), retry_after=wait)
    if kind == "bad_response":
        return Transient(failure.detail, retry_after=failure.retry_after)
    if code == 403:
        if "blocked by the user" in low:
            return Permanent(BLOCKED())
        if "can't initiate conversation" in low or "cant initiate conversation" in low:
            return Permanent(NOT_STARTED())
        if "deactivated" in low:
            return Permanent(DEACTIVATED())
        if "kicked" in low or "not a member" in low:
            return Permanent(KICKED(said=d))
        return Permanent(FORBIDDEN(said=d))
    if code == 400:
        if "chat not found" in low:
            return Permanent(CHAT_NOT_FOUND())
        if "message is too long" in low:
            return Permanent(TOO_LONG())
        if "can't parse entities" in low:
            return Permanent(CANNOT_PARSE(said=d))
        if "text is empty" in low:
            return Permanent(EMPTY())
        return Permanent(BAD_REQUEST(said=d))
    if code == 409:
        return Unavailable(CONFLICT(said=d))
    if code is not None and code >= 500:
        return Transient(SERVER_ERROR(code=code, said=d))
    if code is not None and 400 <= code < 500:
        return Permanent(REJECTED(code=code, said=d))
    return Transient(failure.detail)
