"""The records the program passes between its layers: plain frozen dataclasses, no I/O.

Storage builds them from rows, the dispatcher and the channels work on them, the window and
the CLI show them. Nothing here imports SQLAlchemy, Qt or a channel.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .delivery.states import Cursor, Outcome


@dataclass(frozen=True)
class RecipientData:
    id: int
    name: str
    email: str | None = None
    phone: str | None = None
    telegram_chat_id: int | None = None
    channels: tuple[str, ...] = ()
    notes: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "telegram_chat_id": self.telegram_chat_id,
            "channels": list(self.channels),
            "notes": self.notes,
        }


@dataclass(frozen=True)
class EnqueueRequest:
    """One send to queue: a notification per recipient (see ``Store.enqueue``, whose
    keyword arguments these are).

    ``channels``: this send's own order; otherwise each recipient's, else ``default_channels``.
    ``subjects``/``bodies``/``smtp_secret_refs``/``dedupe_keys``: one per recipient, in order.
    """

    recipient_ids: Sequence[int]
    body: str
    subject: str = ""
    html_body: str | None = None
    channels: Sequence[str] | None = None
    default_channels: Sequence[str] = ("email", "sms", "telegram")
    smtp_user: str | None = None
    smtp_secret_refs: Sequence[str] | None = None
    queued_by: str = ""
    dedupe_keys: Sequence[str | None] | None = None
    subjects: Sequence[str] | None = None
    bodies: Sequence[str] | None = None


@dataclass(frozen=True)
class Work:
    """A claimed notification: everything a worker needs, detached from any session."""

    id: int
    recipient: RecipientData
    subject: str
    body: str
    html_body: str | None
    channels: tuple[str, ...]
    cursor: Cursor
    queued_at: datetime
    smtp_user: str | None
    smtp_secret_ref: str | None
    owner: str  # the worker slot working on it (the claimer until a slot takes it)
    open_attempts: tuple[tuple[int, str], ...] = field(default=())  # (attempt id, channel) left by a dead worker
    held_as: str = ""  # the owner that claimed it; the slot that takes it over becomes ``owner``
    awaiting_attempt_id: int | None = None  # its accepted attempt's delivery report is due (see delivery.receipts)


@dataclass(frozen=True)
class Beat:
    """What one heartbeat found (see :meth:`Store.heartbeat`)."""

    renewed: int  # leases renewed
    clock_step: float  # seconds the clock was found set back (0: none)
    capped: int  # waits cut to the longest the policy can ask for
    expired_owners: tuple[str, ...]  # owners of expired leases, to check before reclaiming


@dataclass(frozen=True)
class AttemptRow:
    id: int
    notification_id: int
    channel: str
    outcome: Outcome | None  # None: the call is still in flight
    detail: str
    started_at: datetime
    finished_at: datetime | None
    provider_message_id: str | None
    recipient_name: str = ""
    receipt_at: datetime | None = None
    receipt_detail: str | None = None
    # What ``detail`` / ``receipt_detail`` were made from (core/messages.py): a template's code
    # and its parameters as JSON text; None for plain text and rows older than the codes.
    detail_code: str | None = None
    detail_params: str | None = None
    receipt_code: str | None = None
    receipt_params: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "channel": self.channel,
            "outcome": self.outcome,
            "detail": self.detail,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "provider_message_id": self.provider_message_id,
            "receipt_at": self.receipt_at.isoformat() if self.receipt_at else None,
            "receipt_detail": self.receipt_detail,
            **coded(self),
        }


def coded(row: Any) -> dict[str, Any]:
    """An attempt's ``detail_code``/``detail_params`` and ``receipt_code``/``receipt_params``
    (parameters as an object) for JSON: what ``notifier show --json`` adds to the English."""
    def params(text: str | None) -> Any:
        try:
            return json.loads(text) if text else None
        except ValueError:
            return None
    return {"detail_code": row.detail_code, "detail_params": params(row.detail_params),
            "receipt_code": row.receipt_code, "receipt_params": params(row.receipt_params)}


@dataclass(frozen=True)
class Outstanding:
    """An accepted attempt whose delivery report is still awaited (see delivery.receipts)."""

    attempt_id: int
    notification_id: int
    channel: str
    provider_message_id: str
    accepted_at: datetime


class LeaseLost(RuntimeError):
    """Our claim on a notification expired and someone else may own it now."""
