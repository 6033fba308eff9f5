"""What an SMS provider implements, and the text rules every provider shares (no network here).

:class:`SmsProvider` sends one text to one E.164 number, classifies the provider's answers
into Unavailable / Transient / Permanent, runs a "Test connection" check, and states its
length limits (declared in :mod:`~notifier_gui.core.sms_providers`). The compose preview uses :func:`compose_text`,
:func:`length_problem` and :func:`provider_limits` from here without loading a provider.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import ClassVar

from .... import sms_providers as registry
from ....config import Settings
from ....messages import Template
from ....secrets import CredentialStore, SecretStoreError
from ....sms_providers import SmsLimits
from ...checks_base import CheckResult
from ..base import Receipt, Sent
from . import segments as seg

Redact = Callable[[str], str]


class ProviderConfigError(Exception):
    """Settings or credentials for the chosen provider are missing; ``message`` (a core
    message) says which."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# -- messages: what the SMS channel says about the text and a provider's secrets (core/messages.py)
TOO_MANY_SEGMENTS = Template("sms.too_many_segments", "the text needs {segments} SMS segments ({units} {encoding} "
                                                      "units); {title} accepts at most {most} segments (about "
                                                      "{most_units} {encoding} units) — shorten the message")
TOO_MANY_CHARS = Template("sms.too_many_chars", "the text is {chars} characters ({segments} SMS segments, "
                                                "{encoding}); {title} accepts at most {most} characters — shorten "
                                                "the message")
SECRET_UNREADABLE = Template("sms.secret_unreadable", "{what} cannot be read: {reason}")
SECRET_MISSING = Template("sms.secret_missing", "{what} is missing: store the secret {secret} in the settings (or "
                                                "set {env_name} for a headless run)")


def compose_text(subject: str, body: str) -> str:
    """The SMS text: the subject on its own line above the body (either may be empty)."""
    return "\n".join(part for part in (subject.strip(), body) if part)


def length_problem(text: str, limits: SmsLimits, title: str) -> str | None:
    """Why ``text`` is too long for a provider with ``limits``, or None if it fits."""
    info = seg.count(text)
    if limits.max_segments is not None and info.segments > limits.max_segments:
        most = seg.max_units(info.encoding, limits.max_segments)
        return TOO_MANY_SEGMENTS(segments=info.segments, units=info.units, encoding=info.encoding, title=title,
                                 most=limits.max_segments, most_units=most)
    if limits.max_chars is not None and len(text) > limits.max_chars:
        return TOO_MANY_CHARS(chars=f"{len(text):,}", segments=info.segments, encoding=info.encoding, title=title,
                              most=f"{limits.max_chars:,}")
    return None


def provider_limits(settings: Settings) -> SmsLimits | None:
    """The chosen provider's length limits, for the compose preview (no network, no secrets)."""
    try:
        return registry.spec(settings.sms_provider).limits
    except KeyError:
        return None


def secret(secrets: CredentialStore, name: str, env_name: str, what: str) -> str:
    """Read a required secret; missing or unreadable becomes a ProviderConfigError."""
    try:
        value = secrets.get(name)
    except SecretStoreError as exc:
        raise ProviderConfigError(SECRET_UNREADABLE(what=what, reason=str(exc))) from None
    if not value:
        raise ProviderConfigError(SECRET_MISSING(what=what, secret=name, env_name=env_name))
    return value


class SmsProvider(ABC):
    """One SMS provider account. Owned by one worker thread, like the channel around it.

    ``send`` returns :class:`Sent` or raises a :class:`DeliveryError` whose detail is
    already redacted; ``check`` never raises. ``name``, ``title`` and ``limits`` come from
    the provider's :class:`~notifier_gui.core.sms_providers.ProviderSpec`.
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

    def close(self) -> None:  # noqa: B027  (an optional hook: doing nothing is its default)
        """Release connections; the provider may be used again afterwards."""


ProviderBuilder = Callable[[Settings, CredentialStore], SmsProvider]
"""A provider module's ``build``: a provider from settings and secrets; raises ProviderConfigError
when they are incomplete."""
