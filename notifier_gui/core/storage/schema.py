"""Tables: recipients, notifications, attempts (see DESIGN.md "Data").

Kept dialect-neutral (SQLite now, PostgreSQL later): no SQLite-only types, timestamps are
UTC and always timezone-aware in Python.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

STATES = ("queued", "sending", "delivered", "failed", "cancelled")
OUTCOMES = ("delivered", "transient", "permanent", "unavailable", "interrupted")
FINISHED_STATES = ("delivered", "failed", "cancelled")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: same ordering on every dialect."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Recipient(Base):
    __tablename__ = "recipients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    phone: Mapped[str | None] = mapped_column(String(32), unique=True)
    telegram_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    channels: Mapped[str | None] = mapped_column(String(64))  # preferred order, "sms,email"
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Notification(Base):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # History outlives a deleted recipient: the id goes NULL, the name snapshot stays.
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("recipients.id", ondelete="SET NULL"), index=True)
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(1000), default="")
    body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    channels: Mapped[str | None] = mapped_column(String(64))  # this send's order, if given
    state: Mapped[str] = mapped_column(String(16), default="queued")
    delivered_via: Mapped[str | None] = mapped_column(String(16))
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Start of the lifetime: set when queued and again when an operator retries.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    queued_by: Mapped[str] = mapped_column(String(128), default="")
    # Per-send SMTP login: the password is a keyring entry, referenced here, never stored.
    smtp_user: Mapped[str | None] = mapped_column(String(320))
    smtp_secret_ref: Mapped[str | None] = mapped_column(String(64))
    # Position in the fallback chain (see delivery.policy.Cursor).
    cursor_channel: Mapped[int] = mapped_column(Integer, default=0)
    cursor_tries: Mapped[int] = mapped_column(Integer, default=0)
    round_no: Mapped[int] = mapped_column(Integer, default=0)
    round_transient: Mapped[bool] = mapped_column(Boolean, default=False)
    dead_channels: Mapped[str] = mapped_column(String(64), default="")
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_notifications_due", "state", "next_attempt_at"),
        Index("ix_notifications_lease", "state", "lease_expires_at"),
    )


class Attempt(Base):
    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(16))  # NULL while the call is in flight
    detail: Mapped[str] = mapped_column(Text, default="")
    provider_message_id: Mapped[str | None] = mapped_column(String(200))
    round_no: Mapped[int] = mapped_column(Integer, default=0)
    try_no: Mapped[int] = mapped_column(Integer, default=1)
    worker: Mapped[str | None] = mapped_column(String(128))


# The tables themselves, typed as Tables, for Core statements on the hot paths.
RECIPIENTS = cast(Table, Recipient.__table__)
NOTIFICATIONS = cast(Table, Notification.__table__)
ATTEMPTS = cast(Table, Attempt.__table__)
