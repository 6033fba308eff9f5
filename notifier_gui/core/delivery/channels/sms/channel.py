"""The ``sms`` channel: the same for every provider (DESIGN.md "Channels").

It decides availability without the network, builds the text, enforces the provider's limit
before spending money, takes a slot from the process-wide SMS rate limiter, and makes sure
that nothing but a redacted :class:`DeliveryError` leaves ``send``. The provider is chosen by
``SMS_PROVIDER`` from :mod:`~notifier_gui.core.sms_providers`, whose module is imported only here, when a channel
or a check is built.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import cast

from .... import sms_providers as registry
from ....config import Settings
from ....messages import Template
from ....secrets import CredentialStore
from ...checks_base import CheckResult
from ...errors import DeliveryError, Permanent, Throttled, Transient, Unavailable
from ...pacing import Pacers, RateLimiter, Saturated
from ..base import Channel, Message, NotConfigured, Receipt, Sent, address_reason
from . import segments as seg
from .provider import ProviderBuilder, ProviderConfigError, Redact, SmsProvider, compose_text

log = logging.getLogger("notifier.sms")


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
            raise exc.redacted(self.redact) from None
        except Exception as exc:  # a provider bug must not stop the polling
            log.exception("unexpected error reading %s delivery reports", self.provider.name)
            raise Transient(REPORTS_CRASHED(title=self.provider.title, error=type(exc).__name__)) from None

    def unavailable_reason(self, msg: Message) -> str | None:
        return address_reason("sms", msg) or self.provider.unavailable_reason()

    def send(self, msg: Message) -> Sent:
        reason = self.unavailable_reason(msg)
        if reason:
            raise Unavailable(reason)
        phone = msg.recipient.phone or ""
        text = compose_text(msg.subject, msg.body)
        if not text.strip():
            raise Permanent(EMPTY())
        problem = self.provider.length_problem(text)
        if problem:
            raise Permanent(problem)
        try:
            self.limiter.acquire(max_wait=self.max_wait)
        except Saturated as exc:
            raise Throttled(RATE_LIMIT(seconds=f"{exc.wait:.0f}"), retry_after=exc.wait) from None
        try:
            sent = self.provider.send(phone, text, ref=str(msg.notification_id))
        except Throttled as exc:
            if exc.retry_after:
                self.limiter.pause(exc.retry_after)
            raise exc.redacted(self.redact) from None
        except DeliveryError as exc:
            raise exc.redacted(self.redact) from None
        except Exception as exc:  # a provider bug must not escape as anything but a DeliveryError
            log.exception("unexpected error in SMS provider %s", self.provider.name)
            raise Transient(PROVIDER_CRASHED(title=self.provider.title, error=type(exc).__name__)) from None
        info = seg.count(text)
        detail = (SENT(message=sent.detail, segments=info.segments, encoding=info.encoding) if sent.detail
                  else SENT_BARE(segments=info.segments, encoding=info.encoding))
        return Sent(sent.provider_message_id, self.redact(detail))

    def close(self) -> None:
        try:
            self.provider.close()
        except Exception:  # closing must never fail a worker
            log.debug("closing the SMS provider failed", exc_info=True)


# -- messages: the SMS channel's own attempt details (core/messages.py; the providers have theirs)
REPORTS_CRASHED = Template("sms.reports_crashed", "internal error reading {title} delivery reports ({error}); see the "
                                                  "log")
EMPTY = Template("sms.empty", "the message has neither subject nor text; an empty SMS is not sent")
RATE_LIMIT = Template("sms.rate_limit", "SMS rate limit: the next free slot is in {seconds} s; the message waits in "
                                        "the queue")
PROVIDER_CRASHED = Template("sms.provider_crashed", "internal error in the {title} SMS provider ({error}); see the log")
SENT = Template("sms.sent", "{message} [{segments} SMS, {encoding}]")
SENT_BARE = Template("sms.sent_bare", "[{segments} SMS, {encoding}]")
NOT_CONFIGURED = Template("sms.not_configured", "SMS is not configured (SMS_PROVIDER is empty; choose {providers})")


class _Builders(Mapping[str, ProviderBuilder]):
    """SMS_PROVIDER value -> its module's ``build``, read from the registry (modules load on use)."""

    def __getitem__(self, name: str) -> ProviderBuilder:
        if name not in registry.names():
            raise KeyError(name)
        return cast(ProviderBuilder, registry.load_builder(name))

    def __iter__(self) -> Iterator[str]:
        return iter(registry.names())

    def __len__(self) -> int:
        return len(registry.names())


PROVIDERS: Mapping[str, ProviderBuilder] = _Builders()


def _off_reason(settings: Settings) -> str | None:
    if not settings.sms_provider:
        return NOT_CONFIGURED(providers=", ".join(sorted(registry.names())))
    return registry.unknown(settings.sms_provider)


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
        return NotConfigured("sms", secrets.redactor(exc.message))
    return SmsChannel(provider, pacers.sms, secrets.redactor)


def check_sms(settings: Settings, secrets: CredentialStore) -> CheckResult:
    """"Test connection" for the configured provider. Never raises; never sends an SMS."""
    try:
        provider = build_provider(settings, secrets)
    except ProviderConfigError as exc:
        return CheckResult(False, secrets.redactor(exc.message))
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
