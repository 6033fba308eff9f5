"""Tables: recipients, notifications, attempts (see DESIGN.md "Data").

Kept dialect-neutral (SQLite now, PostgreSQL later): no SQLite-only types, timestamps are
UTC and always timezone-aware in Python.

SQLAlchemy Core tables, no ORM: every query in the program is a Core statement, and not
importing ``sqlalchemy.orm`` saves ~50 ms of the window's start-up. A test checks these
tables against what the migrations create; the search objects (SQLite FTS5 tables and
their triggers, PostgreSQL trigram indexes) exist in the migrations only, named in
:data:`SEARCH_OBJECTS` so the comparison can leave exactly them out.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.engine import Dialect

from ..delivery import states as _states

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# A notification's states and an attempt's outcomes: the delivery state machine's
# (delivery.states), stored as these strings.
STATES = _states.STATES
OUTCOMES = _states.OUTCOMES
FINISHED_STATES = _states.FINISHED


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


METADATA = MetaData(naming_convention=NAMING)


def _col(name: str, type_: Any, *args: Any, null: bool = False, **kw: Any) -> Column[Any]:
    """A column that is NOT NULL unless ``null=True`` (the ORM's rule for non-Optional types)."""
    return Column(name, type_, *args, nullable=null, **kw)


RECIPIENTS = Table(
    "recipients", METADATA,
    _col("id", Integer, primary_key=True),
    _col("name", String(200)),
    # name_sort_key(name) (core/storage/sortkey.py), kept by the store: the table's name order
    # as a code-point string ("C" collation on PostgreSQL), indexed with the id (migration 0005)
    _col("sort_name", Text().with_variant(Text(collation="C"), "postgresql"), server_default=""),
    _col("email", String(320), unique=True, null=True),
    _col("phone", String(32), unique=True, null=True),
    _col("telegram_chat_id", BigInteger, null=True),
    _col("channels", String(64), null=True),  # preferred order, "sms,email"
    _col("notes", Text, default=""),
    _col("created_at", UTCDateTime, default=utcnow),
    _col("updated_at", UTCDateTime, default=utcnow, onupdate=utcnow),
    Index("ix_recipients_sort_name", "sort_name", "id"),
)

NOTIFICATIONS = Table(
    "notifications", METADATA,
    _col("id", Integer, primary_key=True),
    # History outlives a deleted recipient: the id goes NULL, the name snapshot stays.
    _col("recipient_id", Integer, ForeignKey("recipients.id", ondelete="SET NULL"), index=True, null=True),
    _col("recipient_name", String(200), default=""),
    _col("subject", String(1000), default=""),
    _col("body", Text),
    _col("html_body", Text, null=True),
    _col("channels", String(64), null=True),  # this send's order, if given
    _col("state", String(16), default="queued"),
    _col("delivered_via", String(16), null=True),
    _col("next_attempt_at", UTCDateTime, null=True),
    _col("lease_owner", String(128), null=True),
    _col("lease_expires_at", UTCDateTime, null=True),
    _col("dedupe_key", String(128), unique=True, null=True),
    _col("created_at", UTCDateTime, default=utcnow),
    # Start of the lifetime: set when queued and again when an operator retries.
    _col("queued_at", UTCDateTime, default=utcnow),
    _col("finished_at", UTCDateTime, null=True),
    _col("queued_by", String(128), default=""),
    # Per-send SMTP login: the password is a keyring entry, referenced here, never stored.
    _col("smtp_user", String(320), null=True),
    _col("smtp_secret_ref", String(64), null=True),
    # Position in the fallback chain (see delivery.policy.Cursor).
    _col("cursor_channel", Integer, default=0),
    _col("cursor_tries", Integer, default=0),
    _col("round_no", Integer, default=0),
    _col("round_transient", Boolean, default=False),
    _col("dead_channels", String(64), default=""),
    _col("last_error", Text, null=True),
    # The accepted attempt whose delivery report this (queued) notification waits for;
    # next_attempt_at is then the end of the confirmation window.
    _col("awaiting_attempt_id", Integer, null=True),
    Index("ix_notifications_due", "state", "next_attempt_at"),
    Index("ix_notifications_lease", "state", "lease_expires_at"),
    # "Failed today" and the prune's cut read only the rows of one state in a time range.
    Index("ix_notifications_finished", "state", "finished_at"),
    # The double-send guard reads the last minutes only.
    Index("ix_notifications_created_at", "created_at"),
    # The worker's start-up sweep of per-send SMTP secrets reads only rows that hold one.
    # Partial on both dialects (migration 0003 makes it so on PostgreSQL too); only the SQLite
    # keyword is repeated here: a ``postgresql_*`` keyword makes SQLAlchemy import its whole
    # PostgreSQL dialect (~50-90 ms) in every process, also in a CLI that only lists users.
    Index("ix_notifications_secret_ref", "smtp_secret_ref", sqlite_where=text("smtp_secret_ref IS NOT NULL")),
    # The log's name-first search: from the names holding the words to their notifications (0007).
    Index("ix_notifications_recipient_name", "recipient_name"),
)

ATTEMPTS = Table(
    "attempts", METADATA,
    _col("id", Integer, primary_key=True),
    _col("notification_id", Integer, ForeignKey("notifications.id", ondelete="CASCADE"), index=True),
    _col("channel", String(16)),
    _col("started_at", UTCDateTime, default=utcnow, index=True),
    _col("finished_at", UTCDateTime, null=True),
    _col("outcome", String(16), null=True),  # NULL while the call is in flight
    _col("detail", Text, default=""),
    _col("provider_message_id", String(200), null=True),
    _col("round_no", Integer, default=0),
    _col("try_no", Integer, default=1),
    _col("worker", String(128), null=True),
    # The second stage of an accepted attempt: when the delivery report came (or the window
    # ended) and what it said (the provider's reason, classified).
    _col("receipt_at", UTCDateTime, null=True),
    _col("receipt_detail", Text, null=True),
    _col("receipt_class", String(16), null=True),  # undelivered: transient, permanent, unavailable or timeout
    # What ``detail`` / ``receipt_detail`` were made from (core/messages.py): a template's code
    # and its parameters as JSON text, for the window to render by code; NULL: plain text.
    _col("detail_code", String(64), null=True),
    _col("detail_params", Text, null=True),
    _col("receipt_code", String(64), null=True),
    _col("receipt_params", Text, null=True),
    # The status bar's confirmation rates read today's reports only, through this.
    # (Partial on PostgreSQL too, in the migration: naming postgresql_where here would import
    # SQLAlchemy's PostgreSQL dialect in every process, CLI start-up included.)
    Index("ix_attempts_receipt_at", "receipt_at", sqlite_where=text("receipt_at IS NOT NULL")),
)

# One row (id 1): the latest time any worker's heartbeat saw, on the clock the queue is
# scheduled by (the database's on PostgreSQL, the machine's on SQLite). A heartbeat that
# finds the clock behind it knows the clock was set back, and by how much (see
# Store.heartbeat); a table, not a process variable, so a jump made while no worker ran
# is found too, and only one worker shifts the schedule.
QUEUE_CLOCK = Table(
    "queue_clock", METADATA,
    _col("id", Integer, primary_key=True),
    _col("high_water", UTCDateTime),
)
# Who polls the providers for delivery reports (one row per kind of polling, "receipts"):
# one process at a time, however many workers share the database; the lease runs out when
# its holder stops renewing it (killed), and another process takes over (delivery.receipts).
POLLER_LEASES = Table(
    "poller_leases", METADATA,
    _col("name", String(32), primary_key=True),
    _col("owner", String(200)),
    _col("expires_at", UTCDateTime),
)
# Every distinct notifications.recipient_name, added by triggers when a notification is written
# or renamed (migration 0007): the log's search finds the names holding its words here. A name
# whose notifications were pruned stays (it matches no rows).
HISTORY_NAMES = Table(
    "history_names", METADATA,
    _col("name", String(200), primary_key=True),
)
# Migration 0003's (and 0007's detail index) search objects, per dialect. They are not tables the program writes through
# (triggers keep them in step), so the schema-vs-migrations comparison leaves them out.
SQLITE_FTS_TABLES = ("attempts_fts", "recipients_fts", "attempt_details_fts")
PG_TRGM_INDEXES = ("ix_attempts_detail_trgm", "ix_notifications_recipient_name_trgm",
                   "ix_recipients_name_trgm", "ix_recipients_email_trgm", "ix_recipients_phone_trgm")
SEARCH_OBJECTS = frozenset(SQLITE_FTS_TABLES + PG_TRGM_INDEXES)


def compared(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic ``include_name`` hook: everything but the search objects (and FTS5's shadow
    tables, ``<name>_data``, ``_idx``, ``_docsize``, ``_config``, ``_content``)."""
    if name is None:
        return True
    return not any(name == s or name.startswith(s + "_") for s in SEARCH_OBJECTS)
