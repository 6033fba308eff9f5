"""The store's reads and the recipients: recipients (add, change, delete, look up), one
notification with its attempts, the counts the status bar and the CLI show, and the
double-send guard's look back. Paged and filtered history reads are in :mod:`.history`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from ..delivery.policy import delivered_how
from ..delivery.states import STATES, UNFINISHED
from ..records import RecipientData, coded
from ..validation import ValidationError
from .base import StoreBase
from .schema import ATTEMPTS, NOTIFICATIONS, RECIPIENTS
from .sortkey import name_sort_key


def email_key(address: str) -> str:
    """What makes two email addresses the same recipient: equal ignoring case."""
    return address.casefold()


def split_names(text: str | None) -> tuple[str, ...]:
    return tuple(p for p in (text or "").split(",") if p)


_RECIPIENT_COLUMNS = (RECIPIENTS.c.id, RECIPIENTS.c.name, RECIPIENTS.c.email, RECIPIENTS.c.phone,
                      RECIPIENTS.c.telegram_chat_id, RECIPIENTS.c.channels, RECIPIENTS.c.notes)


def recipient_from_row(row: Any) -> RecipientData:
    """A row of :data:`_RECIPIENT_COLUMNS` as the program passes recipients around."""
    i, name, email, phone, chat, channels, notes = row
    return RecipientData(i, name, email, phone, chat, split_names(channels), notes or "")



class Reads(StoreBase):
    """Recipients and the reads of notifications and attempts (a part of :class:`~.repository.Store`)."""

    # -- recipients -------------------------------------------------------------------
    def add_recipient(
        self,
        name: str,
        email: str | None = None,
        phone: str | None = None,
        telegram_chat_id: int | None = None,
        channels: Sequence[str] = (),
        notes: str = "",
    ) -> int:
        with self._tx() as s:
            self._check_unique(s, email, phone, None)
            return int(s.execute(insert(RECIPIENTS).values(
                name=name, sort_name=name_sort_key(name), email=email, phone=phone,
                telegram_chat_id=telegram_chat_id, channels=",".join(channels) or None, notes=notes).returning(RECIPIENTS.c.id)).scalar_one())

    def add_recipients(self, rows: Iterable[dict[str, Any]]) -> list[int]:
        """Insert many validated recipients in one transaction (CSV import)."""
        with self._tx() as s:
            ids = []
            for row in rows:
                row = dict(row)
                row["channels"] = ",".join(row.get("channels") or ()) or None
                row["sort_name"] = name_sort_key(row["name"])
                ids.append(int(s.execute(insert(RECIPIENTS).values(**row).returning(RECIPIENTS.c.id)).scalar_one()))
            return ids

    def add_recipient_batches(self, batches: Iterable[list[dict[str, Any]]],
                              progress: Callable[[str, int], None] | None = None) -> list[int]:
        """Insert validated recipients batch by batch, all in one transaction (a large CSV import)."""
        ids: list[int] = []
        with self._tx() as s:
            for batch in batches:
                for row in batch:
                    row["channels"] = ",".join(row.get("channels") or ()) or None
                    row["sort_name"] = name_sort_key(row["name"])
                # one multi-row INSERT … RETURNING per slice (SQLAlchemy's insertmanyvalues)
                stmt = insert(RECIPIENTS).returning(RECIPIENTS.c.id, sort_by_parameter_order=True)
                ids.extend(int(i) for i in s.execute(stmt, batch).scalars())
                if progress:
                    progress("importing", len(ids))
        return ids

    def contact_keys(self) -> Iterator[str]:
        """Every stored email (``e:`` + :func:`email_key`) and phone (``p:``), streamed."""
        with self._read() as s:
            result = s.execute(select(RECIPIENTS.c.email, RECIPIENTS.c.phone)
                               .execution_options(yield_per=5000))
            for email, phone in result:
                if email:
                    yield "e:" + email_key(email)
                if phone:
                    yield "p:" + phone

    def update_recipient(self, recipient_id: int, **values: Any) -> None:
        if "channels" in values:
            values["channels"] = ",".join(values["channels"]) or None
        if "name" in values:
            values["sort_name"] = name_sort_key(values["name"])
        R = RECIPIENTS
        with self._tx() as s:
            if s.scalar(select(R.c.id).where(R.c.id == recipient_id)) is None:
                raise ValidationError("recipient", f"no recipient with id {recipient_id}")
            self._check_unique(s, values.get("email"), values.get("phone"), recipient_id)
            if values:
                s.execute(update(R).where(R.c.id == recipient_id).values(**values))

    def migrate_telegram_chat(self, recipient_id: int, old_chat_id: int, new_chat_id: int) -> bool:
        """A group became a supergroup (Telegram's ``migrate_to_chat_id``): store the new chat
        id, so later sends go there directly. Only while the recipient still has the old id:
        an operator's change meanwhile wins. True if stored."""
        R = RECIPIENTS
        with self._tx() as s:
            done = s.execute(update(R).where(R.c.id == recipient_id, R.c.telegram_chat_id == old_chat_id)
                             .values(telegram_chat_id=new_chat_id))
            return bool(done.rowcount)

    def delete_recipient(self, recipient_id: int) -> None:
        with self._tx() as s:
            pending = s.scalar(select(func.count()).select_from(NOTIFICATIONS).where(
                NOTIFICATIONS.c.recipient_id == recipient_id, NOTIFICATIONS.c.state.in_(UNFINISHED)))
            if pending:
                raise ValidationError("recipient", f"has {pending} notification(s) still queued; cancel them first")
            s.execute(delete(RECIPIENTS).where(RECIPIENTS.c.id == recipient_id))

    def _check_unique(self, s: Connection, email: str | None, phone: str | None, own_id: int | None) -> None:
        R = RECIPIENTS
        if email is not None:
            # Case-blind: Anna@example.org and anna@example.org reach the same mailbox at
            # every provider in practice. Compared in Python: SQLite's lower() folds ASCII only.
            key = email_key(email)
            for other, stored in s.execute(select(R.c.id, R.c.email).where(R.c.email.is_not(None))):
                if other != own_id and email_key(stored) == key:
                    shown = email if stored == email else f"{email} (stored as {stored})"
                    raise ValidationError("email", f"{shown} already belongs to recipient {other}")
        if phone is not None:
            other = s.scalar(select(R.c.id).where(R.c.phone == phone))
            if other is not None and other != own_id:
                raise ValidationError("phone", f"{phone} already belongs to recipient {other}")

    def get_recipient(self, recipient_id: int) -> RecipientData | None:
        with self._read() as s:
            row = s.execute(select(*_RECIPIENT_COLUMNS).where(RECIPIENTS.c.id == recipient_id)).first()
            return recipient_from_row(row) if row else None

    def list_recipients(self) -> list[RecipientData]:
        with self._read() as s:
            return [recipient_from_row(row) for row in s.execute(select(*_RECIPIENT_COLUMNS).order_by(RECIPIENTS.c.id))]

    def recent_repeats(self, sends: Sequence[tuple[int, str, str]], within_seconds: float = 300) -> set[int]:
        """Of these (recipient, subject, text) sends, the recipients already sent exactly that
        within the last ``within_seconds``: one query for any number of recipients and texts.

        It reads the notifications created in the window (an index range on created_at: the
        recent work, never the history) and compares in Python.
        """
        wanted = set(sends)
        if not wanted:
            return set()
        since = self.clock() - timedelta(seconds=within_seconds)
        N = NOTIFICATIONS
        with self._read() as s:
            rows = s.execute(select(N.c.recipient_id, N.c.subject, N.c.body).where(
                N.c.created_at >= since, N.c.state != "cancelled", N.c.recipient_id.is_not(None)))
            return {rid for rid, subject, body in rows if (rid, subject, body) in wanted}

    def recipients_by_id(self, ids: Iterable[int]) -> dict[int, RecipientData]:
        """These recipients (the ones that exist), by id, in slices under the parameter limit."""
        wanted = list(dict.fromkeys(ids))
        out: dict[int, RecipientData] = {}
        with self._read() as s:
            for start in range(0, len(wanted), 900):
                for row in s.execute(select(*_RECIPIENT_COLUMNS).where(RECIPIENTS.c.id.in_(wanted[start:start + 900]))):
                    r = recipient_from_row(row)
                    out[r.id] = r
        return out

    # -- queries ----------------------------------------------------------------------
    def notification(self, notification_id: int) -> dict[str, Any] | None:
        N, A = NOTIFICATIONS, ATTEMPTS
        with self._read() as s:
            n = s.execute(select(N).where(N.c.id == notification_id)).first()
            if n is None:
                return None
            attempts = s.execute(select(A).where(A.c.notification_id == n.id).order_by(A.c.id)).all()
            return {
                "id": n.id,
                "recipient_id": n.recipient_id,
                "recipient_name": n.recipient_name,
                "subject": n.subject,
                "state": n.state,
                "delivered_via": n.delivered_via,
                "channels": list(split_names(n.channels)),
                "next_attempt_at": n.next_attempt_at.isoformat() if n.next_attempt_at and n.state == "queued" else None,
                "created_at": n.created_at.isoformat(),
                "finished_at": n.finished_at.isoformat() if n.finished_at else None,
                "last_error": n.last_error,
                "attempts": [
                    {"channel": a.channel, "outcome": a.outcome, "detail": a.detail,
                     "provider_message_id": a.provider_message_id,
                     "started_at": a.started_at.isoformat(),
                     "finished_at": a.finished_at.isoformat() if a.finished_at else None,
                     "receipt_at": a.receipt_at.isoformat() if a.receipt_at else None,
                     "receipt_detail": a.receipt_detail, **coded(a)}
                    for a in attempts
                ],
                "awaiting_receipt": bool(n.awaiting_attempt_id) and n.state == "queued",
                "delivered_how": next((delivered_how(a.channel, a.outcome) for a in reversed(attempts)
                                       if n.state == "delivered" and a.channel == n.delivered_via
                                       and a.outcome in ("confirmed", "delivered")), None),
            }

    def counts(self) -> dict[str, int]:
        with self._read() as s:
            rows = s.execute(select(NOTIFICATIONS.c.state, func.count()).group_by(NOTIFICATIONS.c.state)).all()
        out: dict[str, int] = {state: 0 for state in STATES}
        out.update({state: int(n) for state, n in rows})
        return out

    def pending(self) -> int:
        """Notifications not finished yet (queued, waiting or sending)."""
        with self._read() as s:
            return int(s.scalar(select(func.count()).select_from(NOTIFICATIONS).where(
                NOTIFICATIONS.c.state.in_(UNFINISHED))) or 0)

    def next_due(self) -> datetime | None:
        with self._read() as s:
            due: datetime | None = s.scalar(select(func.min(NOTIFICATIONS.c.next_attempt_at))
                                            .where(NOTIFICATIONS.c.state == "queued"))
            return due
