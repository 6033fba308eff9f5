"""The three ways a channel can fail (DESIGN.md "Error classes").

A channel raises one of these; nothing else may escape a channel's ``send``. ``detail`` is
shown to operators and stored, so it must already be redacted and human: a
:class:`~notifier_gui.core.messages.Msg` made from one of the channel's templates (its code
and parameters are stored beside the English, and the window renders it by code).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Self

from ..messages import Msg


class DeliveryError(Exception):
    outcome = "transient"

    def __init__(self, detail: str, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after

    def redacted(self, redact: Callable[[str], str]) -> Self:
        """This error with ``redact`` applied to its detail (a message: its parameters too) *and*
        its args (which ``str()`` shows)."""
        self.detail = self.detail.redacted(redact) if isinstance(self.detail, Msg) else redact(self.detail)
        self.args = (self.detail,)
        return self


class Unavailable(DeliveryError):
    """Channel not configured, or the recipient has no address for it: skip, no retry."""

    outcome = "unavailable"


class Transient(DeliveryError):
    """Timeouts, refused connections, 4xx SMTP, 5xx HTTP, 429: retry the same channel later."""

    outcome = "transient"


class Throttled(Transient):
    """The channel as a whole must slow down (HTTP 429, our own pacing is full).

    Retried after ``retry_after`` without using up one of the message's tries: the message
    itself did nothing wrong, and a busy channel must not push it on to the next one.
    """


class Held(Throttled):
    """The server rejected the channel's credentials: hold the work until they change.

    Like a throttle, the wait costs the message none of its tries; unlike one, it lasts
    until the operator fixes the credentials or retries (``retry_after`` is only how
    often the worker looks again, without logging in). ``first`` is true for the send
    that tripped the hold, so the operator is told once.
    """

    def __init__(self, detail: str, retry_after: float | None = None, first: bool = False) -> None:
        super().__init__(detail, retry_after)
        self.first = first


class CredentialsRejected(Unavailable):
    """As :class:`Held`, when the operator chose SMTP_AUTH_FAILURE=next: move on now."""

    def __init__(self, detail: str, first: bool = False) -> None:
        super().__init__(detail)
        self.first = first


class Permanent(DeliveryError):
    """This message cannot go through this channel: move on at once."""

    outcome = "permanent"
