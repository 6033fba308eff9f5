"""The only code that reads and writes the tables: :class:`Store`, composed of its parts.

- :mod:`.base` — the engine, the queue's clock, write transactions, the group commit;
- :mod:`.queue` — enqueue, claim, leases and the heartbeat, cancel and retry;
- :mod:`.attempts` — an attempt's writes, the notification's next step, delivery receipts;
- :mod:`.reads` — recipients, one notification, counts.

Every public method is one transaction. Callers import :class:`Store` from here.
"""
from __future__ import annotations

from ..records import AttemptRow, Beat, LeaseLost, Outstanding, RecipientData, Work
from .attempts import Attempts
from .queue import CLOCK_STEP_TOLERANCE, Queue, UnknownRecipients
from .reads import Reads, email_key, recipient_from_row

__all__ = [
    "CLOCK_STEP_TOLERANCE", "AttemptRow", "Beat", "LeaseLost", "Outstanding", "RecipientData", "Store",
    "UnknownRecipients", "Work", "email_key", "recipient_from_row",
]


class Store(Queue, Attempts, Reads):
    """The queue and the recipients over one engine (see :class:`~.base.StoreBase` on time)."""
