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
from ...secrets import Redactor
from ..errors import DeliveryError, Permanent, Throttled, Transient, Unavailable
from .transport import connection_fault, transport_fault

_TOKEN_IN_URL = re.compile(r"/bot(\d+:[A-Za-z0-9_-]+)")
_TOKEN_BAD_CHARS = re.compile(r"[\s/?#%]")
_BAD_URL = "the Bot API URL is invalid: check TELEGRAM_API_BASE (e.g. https://api.telegram.org) and the bot token"

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
        return "Telegram is not configured: there is no bot token (create a bot with @BotFather and save its token)"
    if _TOKEN_BAD_CHARS.search(token):
        return "the Telegram bot token contains spaces or URL characters; paste it again from @BotFather"
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
        raise TokenError(redactor(f"the Telegram bot token cannot be read: {exc}")) from None
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
            failure = self._fail("config", _BAD_URL)
        else:
            return self._result(resp, method)
        # Raised outside the except block on purpose: the requests exception, whose text
        # holds the URL with the token, must not even be reachable as __context__.
        raise failure

    def _network_failure(self, exc: requests.exceptions.RequestException, method: str,
                         connect_timeout: float, read: float) -> ApiFailure:
        kind = transport_fault(exc).kind
        if kind in ("tls", "tls_untrusted"):
            return self._fail("tls", f"the TLS certificate of {self.host} is not trusted "
                                     "(check TELEGRAM_API_BASE or a proxy intercepting HTTPS)")
        if kind == "connect_timeout":
            return self._fail("connect", f"could not connect to {self.host} within {connect_timeout:g} s")
        if kind == "read_timeout":
            return self._fail("timeout", f"{self.host} did not answer {method} within {read:g} s")
        if isinstance(exc, requests.exceptions.ConnectionError):
            return self._fail("connect", f"cannot connect to {self.host}: {self._why(exc)}")
        if kind in ("invalid_url", "invalid_header"):
            return self._fail("config", _BAD_URL)
        return self._fail("connect", f"the request to {self.host} failed ({type(exc).__name__})")

    def _why(self, exc: BaseException) -> str:
        fault = connection_fault(exc)
        if fault.kind == "refused":
            return "connection refused (is the server running, is TELEGRAM_API_BASE right?)"
        if fault.kind == "dns":
            return "the host name cannot be resolved (no network, or a typo in TELEGRAM_API_BASE)"
        if fault.kind == "reset":
            return "the connection was reset"
        if fault.kind == "dropped":
            return "the server closed the connection without answering"
        return f"network error ({type(fault.root or exc).__name__})"

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
