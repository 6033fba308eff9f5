"""The three ways a channel can fail (DESIGN.md "Error classes").

A channel raises one of these; nothing else may escape a channel's ``send``. ``detail`` is
shown to operators and stored, so it must already be redacted and human.
"""
from __future__ import annotations


class DeliveryError(Exception):
    outcome = "transient"

    def __init__(self, detail: str, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after


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


class Permanent(DeliveryError):
    """This message cannot go through this channel: move on at once."""

    outcome = "permanent"
