"""What every channel implements, and the message a channel is given."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from ...messages import Template
from ...records import RecipientData

# -- messages: why a recipient cannot be reached on a channel (core/messages.py)
NO_EMAIL = Template("recipient.no_email", "the recipient has no email address")
NO_PHONE = Template("recipient.no_phone", "the recipient has no phone number")
NO_CHAT = Template("recipient.no_chat", "the recipient has no linked Telegram chat (they must press Start in the bot "
                                       "first)")


@dataclass(frozen=True)
class Message:
    notification_id: int
    recipient: RecipientData
    subject: str
    body: str
    html_body: str | None = None
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Sent:
    provider_message_id: str | None = None
    detail: str = ""


ReceiptState = Literal["pending", "confirmed", "undelivered"]
FailureClass = Literal["transient", "permanent", "unavailable"]


@dataclass(frozen=True)
class Receipt:
    """What a provider says now about a message it accepted earlier.

    ``undelivered`` carries the provider's reason (``detail``) and its class, as the
    provider's reference table says (``failure``)."""

    state: ReceiptState
    detail: str = ""
    failure: FailureClass | None = None


@dataclass(frozen=True)
class MailReport:
    """A report read from a mailbox (an email bounce): which messages it is about (``keys``,
    see :meth:`Channel.report_key`), what it says, and the mailbox's handle to mark it read."""

    token: str
    keys: frozenset[str]
    receipt: Receipt


class Channel(ABC):
    """One delivery channel, owned by one worker thread (so it may keep a connection).

    ``send`` either returns :class:`Sent` or raises a :class:`DeliveryError` subclass;
    nothing else escapes. ``unavailable_reason`` answers without touching the network.
    """

    name: ClassVar[str]

    def unavailable_reason(self, msg: Message) -> str | None:
        return None

    def held_reason(self, msg: Message) -> str | None:
        """Why this message's channel is held (its credentials were rejected), or None.

        A held message waits in the queue without an attempt or a try; no network call.
        """
        return None

    @abstractmethod
    def send(self, msg: Message) -> Sent: ...

    def close(self) -> None:  # noqa: B027  (an optional hook: doing nothing is its default)
        """Release connections; the channel may be used again afterwards."""

    # Delivery reports, polled (delivery.receipts). A channel that gives none keeps these.
    receipt_batch: int = 0  # message ids per status request; 0: no delivery reports
    receipt_rate: float = 1.0  # status requests per second at most
    receipt_title: str = ""  # who accepted it, for "accepted by …" / "confirmed by …"
    # No report at all through the window means delivered (email: a bounce is the only report
    # a mail server sends back; there is no positive one).
    silence_confirms: bool = False

    def fetch_receipts(self, ids: Sequence[str]) -> dict[str, Receipt]:
        """Reports for up to ``receipt_batch`` provider message ids; ids without news may be
        missing. Raises DeliveryError when the provider cannot be asked now."""
        return {}

    # A channel whose reports come to a mailbox (email bounces) is not asked per message:
    # the poller reads what arrived (paced by ``receipt_rate``) and matches it by key.
    receipt_mailbox: bool = False

    def read_reports(self) -> list[MailReport]:
        """The reports in the mailbox not marked yet. Raises DeliveryError."""
        return []

    def mark_reports(self, tokens: Sequence[str]) -> None:  # noqa: B027  (an optional hook: doing nothing is its default)
        """Mark reports as processed (never deleted). Raises DeliveryError."""

    def report_key(self, provider_message_id: str) -> str:
        """The key a report names the message by."""
        return provider_message_id

    def reports_problem(self) -> str | None:
        """Why the reports could not be read the last time they were looked for, or None."""
        return None


def address_reason(channel: str, msg: Message) -> str | None:
    """The recipient has no address for ``channel``: that makes the channel unavailable."""
    r = msg.recipient
    if channel == "email" and not r.email:
        return NO_EMAIL()
    if channel == "sms" and not r.phone:
        return NO_PHONE()
    if channel == "telegram" and not r.telegram_chat_id:
        return NO_CHAT()
    return None


class NotConfigured(Channel):
    """Stands in for a channel whose settings are missing: always unavailable."""

    def __init__(self, name: str, why: str) -> None:
        self.name = name  # type: ignore[misc]
        self.why = why

    def unavailable_reason(self, msg: Message) -> str | None:
        return self.why

    def send(self, msg: Message) -> Sent:  # pragma: no cover - never called when unavailable
        from ..errors import Unavailable

        raise Unavailable(self.why)
