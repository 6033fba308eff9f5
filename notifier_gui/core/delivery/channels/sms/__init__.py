"""SMS: one channel in front of interchangeable providers (DESIGN.md "Channels").

- :class:`SmsProvider` is what a provider module implements: send one text to one E.164
  number, classify the provider's answers into Unavailable / Transient / Permanent, run a
  "Test connection" check, and state its length limits.
- :class:`SmsChannel` (channel name ``"sms"``) is the same for every provider: it decides
  availability without the network, builds the text, enforces the provider's limit before
  spending money, takes a slot from the process-wide SMS rate limiter, and makes sure that
  nothing but a redacted :class:`DeliveryError` leaves ``send``.
- :data:`PROVIDERS` maps ``SMS_PROVIDER`` values to builders. Adding a provider is one
  module that defines a provider class and registers a builder with :func:`register`, plus
  its import at the bottom of this file.

Secrets (auth tokens, api_id) reach providers only as constructor arguments; every text a
provider produces goes through the :class:`~notifier_gui.core.secrets.Redactor`.
"""
from __future__ import annotations

import base64
import email.utils
import errno
import logging
import socket
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

import requests

from ....config import Settings
from ....secrets import CredentialStore, SecretStoreError
from ...checks_base import CheckResult
from ...errors import DeliveryError, Permanent, Throttled, Transient, Unavailable
from ...pacing import Pacers, RateLimiter, Saturated
from ..base import Channel, Message, NotConfigured, Receipt, Sent, address_reason
from . import segments as seg

log = logging.getLogger("notifier.sms")

Redact = Callable[[str], str]

__all__ = [
    "PROVIDERS",
    "ProviderBuilder",
    "ProviderConfigError",
    "SmsChannel",
    "SmsLimits",
    "SmsProvider",
    "Throttled",
    "build_sms",
    "check_sms",
    "compose_text",
    "provider_limits",
    "register",
]


class ProviderConfigError(Exception):
    """Settings or credentials for the chosen provider are missing; the text says which."""


@dataclass(frozen=True)
class SmsLimits:
    """What a provider accepts in one message. ``None`` means no documented limit."""

    max_chars: int | None = None  # e.g. Twilio's 1,600 characters
    max_segments: int | None = None  # e.g. SMS.ru's 8 SMS


def compose_text(subject: str, body: str) -> str:
    """The SMS text: the subject on its own line above the body (either may be empty)."""
    return "\n".join(part for part in (subject.strip(), body) if part)


def length_problem(text: str, limits: SmsLimits, title: str) -> str | None:
    """Why ``text`` is too long for a provider with ``limits``, or None if it fits."""
    info = seg.count(text)
    if limits.max_segments is not None and info.segments > limits.max_segments:
        most = seg.max_units(info.encoding, limits.max_segments)
        return (f"the text needs {info.segments} SMS segments ({info.units} {info.encoding} units); "
                f"{title} accepts at most {limits.max_segments} segments (about {most} {info.encoding} units) "
                "— shorten the message")
    if limits.max_chars is not None and len(text) > limits.max_chars:
        return (f"the text is {len(text):,} characters ({info.segments} SMS segments, {info.encoding}); "
                f"{title} accepts at most {limits.max_chars:,} characters — shorten the message")
    return None


class SmsProvider(ABC):
    """One SMS provider account. Owned by one worker thread, like the channel around it.

    ``send`` returns :class:`Sent` or raises a :class:`DeliveryError` whose detail is
    already redacted; ``check`` never raises.
    """

    name: ClassVar[str]  # the SMS_PROVIDER value
    title: ClassVar[str]  # how operators know it, used in messages
    limits: ClassVar[SmsLimits] = SmsLimits()

    def max_length(self, encoding: seg.Encoding) -> int | None:
        """Most units of ``encoding`` one message may have (preview hint); None = unlimited."""
        caps: list[int] = []
        if self.limits.max_segments is not None:
            caps.append(seg.max_units(encoding, self.limits.max_segments))
        if self.limits.max_chars is not None:
            caps.append(self.limits.max_chars)
        return min(caps) if caps else None

    def length_problem(self, text: str) -> str | None:
        return length_problem(text, self.limits, self.title)

    def unavailable_reason(self) -> str | None:
        """A configuration problem found without the network, or None."""
        return None

    @abstractmethod
    def send(self, phone_e164: str, text: str, ref: str | None = None) -> Sent:
        """Submit one SMS. ``ref`` is a stable id of this notification (idempotency, where supported)."""

    @abstractmethod
    def check(self) -> CheckResult:
        """Test the credentials without sending anything; phrased for the operator."""

    # Delivery reports (polled by delivery.receipts); 0 ids per request: the provider gives none.
    receipt_batch: ClassVar[int] = 0
    receipt_rate: ClassVar[float] = 1.0  # status requests per second, inside the provider's limits

    def fetch_receipts(self, ids: Sequence[str]) -> dict[str, Receipt]:
        """The current state of up to ``receipt_batch`` messages this provider accepted."""
        return {}

    def close(self) -> None:
        """Release connections; the provider may be used again afterwards."""


# --------------------------------------------------------------------------- HTTP plumbing


def _root_os_error(exc: BaseException) -> OSError | None:
    """The socket-level error buried in a requests/urllib3 exception chain, if any."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        e = todo.pop(0)
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, OSError) and not isinstance(e, requests.RequestException) and (
            e.errno is not None or isinstance(e, (socket.gaierror, TimeoutError))
        ):
            return e
        for nxt in (getattr(e, "reason", None), e.__cause__, e.__context__, *e.args):
            if isinstance(nxt, BaseException):
                todo.append(nxt)
    return None


def where(url: str) -> str:
    """``host:port`` of a URL, never its user info, path or query (which may hold secrets)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
        return f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        return "?"


def transport_error(exc: requests.RequestException, title: str, url: str, timeout: float,
                    ambiguous: bool) -> DeliveryError:
    """Map a requests failure to a class with a message an operator can act on.

    ``ambiguous``: the request may have reached the provider (a send whose answer was lost).
    """
    at = where(url)
    maybe = (" The message may have been accepted anyway; a retry can deliver it twice."
             if ambiguous else "")
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema)):
        return Unavailable(f"the {title} address is not a valid http(s) URL; check the API base setting")
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return Transient(f"{title} ({at}) did not accept a connection within {timeout:g} s")
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return Transient(f"{title} ({at}) did not answer within {timeout:g} s.{maybe}")
    if isinstance(exc, requests.exceptions.SSLError):
        if "CERTIFICATE_VERIFY_FAILED" in str(exc):
            return Unavailable(f"the TLS certificate of {at} is not trusted; nothing was sent "
                               "(a proxy intercepting HTTPS, or a wrong API base URL)")
        return Transient(f"the TLS connection to {title} ({at}) failed")
    if isinstance(exc, requests.exceptions.ConnectionError):
        root = _root_os_error(exc)
        if isinstance(root, socket.gaierror):
            return Transient(f"the host name of {title} ({at}) cannot be resolved; check the network or the API base setting")
        if isinstance(root, ConnectionRefusedError) or (root is not None and root.errno == errno.ECONNREFUSED):
            return Transient(f"{title} ({at}) refused the connection (wrong address or port, or the service is not running)")
        if isinstance(root, TimeoutError):
            return Transient(f"{title} ({at}) did not answer within {timeout:g} s.{maybe}")
        if root is not None and root.strerror:
            return Transient(f"network error talking to {title} ({at}): {root.strerror}.{maybe}")
        return Transient(f"the connection to {title} ({at}) failed or was dropped.{maybe}")
    return Transient(f"network error talking to {title} ({at}): {type(exc).__name__}.{maybe}")


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
        err.detail = self.redact(err.detail)
        err.args = (err.detail,)
        return err

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
            raise self.clean(Unavailable(f"the {self.title} request cannot be built: {type(exc).__name__}")) from None

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
        self._session = None


def check_failure(err: DeliveryError) -> CheckResult:
    """A check that ended in a DeliveryError (already redacted), as an operator message."""
    return CheckResult(False, err.detail)


# --------------------------------------------------------------------------- the channel


class SmsChannel(Channel):
    """The ``sms`` channel: a provider plus the rate limiter shared by all worker threads."""

    name = "sms"

    def __init__(self, provider: SmsProvider, limiter: RateLimiter, redactor: Redact,
                 max_wait: float = 5.0) -> None:
        self.provider = provider
        self.limiter = limiter
        self.redact = redactor
        self.max_wait = max_wait
        self.receipt_batch = provider.receipt_batch
        self.receipt_rate = provider.receipt_rate
        self.receipt_title = provider.title

    def fetch_receipts(self, ids: Sequence[str]) -> dict[str, Receipt]:
        try:
            return self.provider.fetch_receipts(ids)
        except DeliveryError as exc:
            raise self._clean(exc) from None
        except Exception as exc:  # a provider bug must not stop the polling
            log.exception("unexpected error reading %s delivery reports", self.provider.name)
            raise Transient(f"internal error reading {self.provider.title} delivery reports "
                            f"({type(exc).__name__}); see the log") from None

    def unavailable_reason(self, msg: Message) -> str | None:
        return address_reason("sms", msg) or self.provider.unavailable_reason()

    def _clean(self, err: DeliveryError) -> DeliveryError:
        err.detail = self.redact(err.detail)
        err.args = (err.detail,)
        return err

    def send(self, msg: Message) -> Sent:
        reason = self.unavailable_reason(msg)
        if reason:
            raise Unavailable(reason)
        phone = msg.recipient.phone or ""
        text = compose_text(msg.subject, msg.body)
        if not text.strip():
            raise Permanent("the message has neither subject nor text; an empty SMS is not sent")
        problem = self.provider.length_problem(text)
        if problem:
            raise Permanent(problem)
        try:
            self.limiter.acquire(max_wait=self.max_wait)
        except Saturated as exc:
            raise Throttled(f"SMS rate limit: the next free slot is in {exc.wait:.0f} s; "
                            "the message waits in the queue", retry_after=exc.wait) from None
        try:
            sent = self.provider.send(phone, text, ref=str(msg.notification_id))
        except Throttled as exc:
            if exc.retry_after:
                self.limiter.pause(exc.retry_after)
            raise self._clean(exc) from None
        except DeliveryError as exc:
            raise self._clean(exc) from None
        except Exception as exc:  # a provider bug must not escape as anything but a DeliveryError
            log.exception("unexpected error in SMS provider %s", self.provider.name)
            raise Transient(f"internal error in the {self.provider.title} SMS provider "
                            f"({type(exc).__name__}); see the log") from None
        info = seg.count(text)
        detail = f"{sent.detail} [{info.segments} SMS, {info.encoding}]" if sent.detail else f"[{info.segments} SMS, {info.encoding}]"
        return Sent(sent.provider_message_id, self.redact(detail))

    def close(self) -> None:
        try:
            self.provider.close()
        except Exception:  # closing must never fail a worker
            log.debug("closing the SMS provider failed", exc_info=True)


# --------------------------------------------------------------------------- registry

ProviderBuilder = Callable[[Settings, CredentialStore], SmsProvider]
"""Builds a provider from settings and secrets; raises ProviderConfigError when incomplete."""

PROVIDERS: dict[str, ProviderBuilder] = {}
PROVIDER_CLASSES: dict[str, type[SmsProvider]] = {}


def register(cls: type[SmsProvider]) -> Callable[[ProviderBuilder], ProviderBuilder]:
    """Decorator for a provider module's builder: ``@register(TwilioProvider)``."""

    def deco(builder: ProviderBuilder) -> ProviderBuilder:
        PROVIDERS[cls.name] = builder
        PROVIDER_CLASSES[cls.name] = cls
        return builder

    return deco


def secret(secrets: CredentialStore, name: str, env_name: str, what: str) -> str:
    """Read a required secret; missing or unreadable becomes a ProviderConfigError."""
    try:
        value = secrets.get(name)
    except SecretStoreError as exc:
        raise ProviderConfigError(f"{what} cannot be read: {exc}") from None
    if not value:
        raise ProviderConfigError(f"{what} is missing: store the secret {name} in the settings "
                                  f"(or set {env_name} for a headless run)")
    return value


def setting(settings: Settings, name: str, default: Any = "") -> Any:
    """A setting that may not exist in this version of :class:`Settings` yet."""
    return getattr(settings, name, default)


def provider_limits(settings: Settings) -> SmsLimits | None:
    """The chosen provider's length limits, for the compose preview (no network, no secrets)."""
    cls = PROVIDER_CLASSES.get(settings.sms_provider)
    return cls.limits if cls else None


def _off_reason(settings: Settings) -> str | None:
    if not settings.sms_provider:
        return f"SMS is not configured (SMS_PROVIDER is empty; choose {', '.join(sorted(PROVIDERS))})"
    if settings.sms_provider not in PROVIDERS:
        return f"SMS_PROVIDER={settings.sms_provider!r} is not a known provider ({', '.join(sorted(PROVIDERS))})"
    return None


def build_provider(settings: Settings, secrets: CredentialStore) -> SmsProvider:
    """The configured provider; ProviderConfigError says what is missing."""
    reason = _off_reason(settings)
    if reason:
        raise ProviderConfigError(reason)
    return PROVIDERS[settings.sms_provider](settings, secrets)


def build_sms(settings: Settings, secrets: CredentialStore, pacers: Pacers) -> Channel:
    """The ``sms`` channel for one worker thread; an always-unavailable one when not configured."""
    try:
        provider = build_provider(settings, secrets)
    except ProviderConfigError as exc:
        return NotConfigured("sms", secrets.redactor(str(exc)))
    return SmsChannel(provider, pacers.sms, secrets.redactor)


def check_sms(settings: Settings, secrets: CredentialStore) -> CheckResult:
    """"Test connection" for the configured provider. Never raises; never sends an SMS."""
    try:
        provider = build_provider(settings, secrets)
    except ProviderConfigError as exc:
        return CheckResult(False, secrets.redactor(str(exc)))
    except Exception as exc:
        log.exception("building the SMS provider failed")
        return CheckResult(False, secrets.redactor(f"the SMS provider cannot be set up: {type(exc).__name__}"))
    try:
        result = provider.check()
        return CheckResult(result.ok, secrets.redactor(result.message))
    except DeliveryError as exc:
        return CheckResult(False, secrets.redactor(exc.detail))
    except Exception as exc:
        log.exception("SMS connection check failed unexpectedly")
        return CheckResult(False, secrets.redactor(f"the {provider.title} check failed unexpectedly "
                                                   f"({type(exc).__name__}); see the log"))
    finally:
        try:
            provider.close()
        except Exception:
            pass


def json_body(resp: requests.Response) -> Mapping[str, Any] | None:
    """The answer as a JSON object, or None when it is not one."""
    try:
        data = resp.json()
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


# Provider modules register themselves on import (they need the names defined above).
from . import android, smsru, twilio  # noqa: E402,F401  (registration side effect)
