"""What the dispatcher reports, always *after* the matching commit (see :mod:`.dispatcher`).

The window turns these into Qt signals (``ui/worker.py``), the CLI prints them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from .states import Outcome, State


@dataclass(frozen=True)
class AttemptStarted:
    attempt_id: int
    notification_id: int
    recipient: str
    channel: str
    started_at: datetime


@dataclass(frozen=True)
class AttemptFinished:
    attempt_id: int | None
    notification_id: int
    recipient: str
    channel: str
    outcome: Outcome
    detail: str  # a Msg (core/messages.py): the English, with the code and parameters the window renders
    started_at: datetime
    finished_at: datetime


@dataclass(frozen=True)
class NotificationUpdated:
    notification_id: int
    recipient: str
    state: State
    delivered_via: str | None = None
    next_attempt_at: datetime | None = None
    reason: str | None = None
    awaiting_receipt: bool = False  # queued: accepted, waiting for the delivery report until next_attempt_at
    how: str | None = None  # delivered: "confirmed by the handset", "accepted by Telegram", …


@dataclass(frozen=True)
class ChannelHeld:
    """A channel's credentials were rejected: its work waits (or moves on) until they change
    or the operator retries. Sent once per hold, not per notification."""

    channel: str
    reason: str
    waits: bool  # True: its work waits in the queue; False: it moves on to the next channel


@dataclass(frozen=True)
class WorkerStatus:
    """The worker paused (``storage_full``: the database cannot be written, e.g. a full
    disk; it retries by itself and loses nothing) or goes on again (``running``)."""

    state: Literal["storage_full", "running"]
    detail: str = ""


Event = AttemptStarted | AttemptFinished | NotificationUpdated | ChannelHeld | WorkerStatus
EventSink = Callable[[Event], None]
