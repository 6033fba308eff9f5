"""Plumbing the HTTP providers share: one ``requests.Session``, timeouts, transport failures
worded for the operator, ``Retry-After``, answer excerpts, and redaction of their own secrets."""
from __future__ import annotations

import base64
import email.utils
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests

from ....messages import Msg, Template
from ...checks_base import CheckResult
from ...errors import DeliveryError, Transient, Unavailable
from ..transport import FaultKind, transport_fault
from .provider import Redact, SmsProvider

log = logging.getLogger("notifier.sms")


def where(url: str) -> str:
    """``host:port`` of a URL, never its user info, path or query (which may hold secrets)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
        return f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        return "?"


# -- messages: what the operator reads for each kind of transport failure (see channels/transport.py)
_NO_ANSWER = Template("sms.no_answer", "{title} ({at}) did not answer within {timeout} s.{maybe}")
_WORDS: dict[FaultKind, tuple[type[DeliveryError], Template]] = {
    "invalid_url": (Unavailable, Template("sms.invalid_url", "the {title} address is not a valid http(s) URL; check "
                                                             "the API base setting")),
    "connect_timeout": (Transient, Template("sms.connect_timeout", "{title} ({at}) did not accept a connection within "
                                                                   "{timeout} s")),
    "read_timeout": (Transient, _NO_ANSWER),
    "timeout": (Transient, _NO_ANSWER),
    "tls_untrusted": (Unavailable, Template("sms.untrusted", "the TLS certificate of {at} is not trusted; nothing was "
                                                             "sent (a proxy intercepting HTTPS, or a wrong API base "
                                                             "URL)")),
    "tls": (Transient, Template("sms.tls", "the TLS connection to {title} ({at}) failed")),
    "dns": (Transient, Template("sms.no_dns", "the host name of {title} ({at}) cannot be resolved; check the network "
                                              "or the API base setting")),
    "refused": (Transient, Template("sms.refused", "{title} ({at}) refused the connection (wrong address or port, or "
                                                   "the service is not running)")),
}
NETWORK = Template("sms.network", "network error talking to {title} ({at}): {reason}.{maybe}")
DROPPED = Template("sms.dropped", "the connection to {title} ({at}) failed or was dropped.{maybe}")
CANNOT_BUILD = Template("sms.cannot_build", "the {title} request cannot be built: {error}")
# The sentence added where a lost answer leaves it open whether the provider took the message.
MAYBE_ACCEPTED = Template("sms.maybe_accepted", " The message may have been accepted anyway; a retry can deliver it "
                                                "twice.")
NOTHING = Template("sms.nothing", "")


def maybe_accepted(ambiguous: bool) -> Msg:
    return MAYBE_ACCEPTED() if ambiguous else NOTHING()


def transport_error(exc: requests.RequestException, title: str, url: str, timeout: float,
                    ambiguous: bool) -> DeliveryError:
    """Map a requests failure to a class with a message an operator can act on.

    ``ambiguous``: the request may have reached the provider (a send whose answer was lost).
    """
    at = where(url)
    maybe = maybe_accepted(ambiguous)
    fault = transport_fault(exc)
    if fault.kind in _WORDS:
        cls, words = _WORDS[fault.kind]
        params = {"title": title, "at": at, "timeout": f"{timeout:g}", "maybe": maybe}
        return cls(words(**{k: v for k, v in params.items() if k in words.fields}))
    if fault.kind in ("reset", "dropped", "connection"):
        if fault.root is not None and fault.root.strerror:
            return Transient(NETWORK(title=title, at=at, reason=fault.root.strerror, maybe=maybe))
        return Transient(DROPPED(title=title, at=at, maybe=maybe))
    return Transient(NETWORK(title=title, at=at, reason=type(exc).__name__, maybe=maybe))


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Parse an HTTP ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def snippet(text: str, redact: Callable[[str], str], limit: int = 200) -> str:
    """A one-line excerpt of an unexpected answer body for the attempt detail.

    Redacted *before* it is cut: a secret cut in half no longer matches the redactor.
    """
    flat = redact(" ".join(text.split()))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def json_body(resp: requests.Response) -> Mapping[str, Any] | None:
    """The answer as a JSON object, or None when it is not one."""
    try:
        data = resp.json()
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def check_failure(err: DeliveryError) -> CheckResult:
    """A check that ended in a DeliveryError (already redacted), as an operator message."""
    return CheckResult(False, err.detail)


class HttpProvider(SmsProvider):
    """Shared plumbing for HTTP providers: one ``requests.Session``, timeouts, redaction."""

    def __init__(self, base_url: str, timeout: float, redactor: Redact,
                 auth: tuple[str, str] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._redactor = redactor
        self._auth = auth
        self._session: requests.Session | None = None
        self._own_secrets: list[str] = []
        if auth is not None:
            user, password = auth
            self.add_secret(password)
            # the Authorization header value, should a proxy or server echo it back
            self.add_secret(base64.b64encode(f"{user}:{password}".encode()).decode())

    def add_secret(self, value: str) -> None:
        """A value this provider must never show, whatever the shared redactor knows."""
        if value and len(value) >= 4:
            self._own_secrets.append(value)
            self._own_secrets.sort(key=len, reverse=True)

    def redact(self, text: str) -> str:
        for value in self._own_secrets:
            text = text.replace(value, "***")
        return self._redactor(text)

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            s = requests.Session()
            s.trust_env = True  # operators behind a proxy set HTTPS_PROXY
            if self._auth is not None:
                s.auth = self._auth
            s.headers["User-Agent"] = "notifier-gui"
            self._session = s
        return self._session

    def clean(self, err: DeliveryError) -> DeliveryError:
        """Redact an error's detail (and its args, which ``str(exc)`` shows)."""
        return err.redacted(self.redact)

    def request(self, method: str, path: str, *, ambiguous: bool = False, **kwargs: Any) -> requests.Response:
        """Make one call; transport failures become redacted DeliveryErrors."""
        url = f"{self.base_url}{path}"
        try:
            return self.session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            err = transport_error(exc, self.title, url, self.timeout, ambiguous)
            log.info("%s transport failure: %s", self.name, self.redact(f"{type(exc).__name__}: {exc}"))
            raise self.clean(err) from None
        except (ValueError, UnicodeError) as exc:  # e.g. a header value requests cannot encode
            raise self.clean(Unavailable(CANNOT_BUILD(title=self.title, error=type(exc).__name__))) from None

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
        self._session = None
