"""Which channels can reach a person: an address for the channel, and the channel set up.

The recipients table ("Reachable via") and Compose ("N recipients cannot be reached")
answer from here, with the configured channels the main window reads off the GUI thread
(``None`` = sandbox mode: every channel writes to the outbox, so an address is enough).
"""
from __future__ import annotations

from collections.abc import Collection, Iterable

from ..core.records import RecipientData

CHANNELS = ("email", "sms", "telegram")


def addressed(r: RecipientData) -> list[str]:
    """Channels that have an address for ``r`` (the dispatcher's "unavailable" rule)."""
    have = {"email": bool(r.email), "sms": bool(r.phone), "telegram": bool(r.telegram_chat_id)}
    return [c for c in CHANNELS if have[c]]


def reachable(r: RecipientData, configured: Collection[str] | None, order: Iterable[str] = CHANNELS) -> list[str]:
    """Channels of ``order`` that have an address for ``r`` and are set up."""
    have = addressed(r)
    return [c for c in order if c in have and (configured is None or c in configured)]
