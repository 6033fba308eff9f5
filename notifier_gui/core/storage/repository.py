"""The only code that reads and writes the tables. Every public method is one transaction.

Writers run on an engine whose transactions start with ``BEGIN IMMEDIATE`` on SQLite, so a
claim (subselect + update in one ``UPDATE … RETURNING``) is atomic across processes.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    Float,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    select,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from ..delivery.policy import Awaiting, Cursor, Delivered, Failed, Retry, Step, delivered_how
from ..records import AttemptRow, Beat, LeaseLost, Outstanding, RecipientData, Work
from ..validation import ValidationError
from .engine import writer
from .sortkey import name_sort_key
from .schema import ATTEMPTS, FINISHED_STATES, NOTIFICATIONS, QUEUE_CLOCK, RECIPIENTS, UTCDateTime, utcnow

log = logging.getLogger("notifier.storage")

_ENQUEUE_SLICE = 5000  # rows per INSERT of one enqueue (all slices share one transaction)
CLOCK_STEP_TOLERANCE = 2.0  # seconds the queue clock may seem to go back before it counts as a step


T = TypeVar("T")


class _Pending:
    """One operation waiting for a group commit."""

    __slots__ = ("op", "result", "error", "done")

    def __init__(self, op: Callable[[Connection], Any]) -> None:
        self.op = op
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = False


class UnknownRecipients(ValidationError):
    """An enqueue named recipients that do not exist (any more); nothing of it was written."""

    def __init__(self, ids: Sequence[int]) -> None:
        super().__init__("user", f"no recipient with id {', '.join(map(str, ids))}")
        self.ids = list(ids)


class _EnqueueOp:
    """One :meth:`Store.enqueue` waiting for its transaction: ``op(conn)`` runs it alone;
    :meth:`Store.enqueue_batch` builds many sends' rows (:attr:`row`) into one insert."""

    __slots__ = ("store", "recipient_ids", "row")

    def __init__(self, store: Store, recipient_ids: Sequence[int],
                 row: Callable[[dict[int, tuple[str, str | None]], int, int], dict[str, Any]]) -> None:
        self.store, self.recipient_ids, self.row = store, recipient_ids, row

    def __call__(self, conn: Connection) -> list[int]:
        found = self.store._enqueue_recipients(conn, self.recipient_ids)
        missing = [i for i in dict.fromkeys(self.recipient_ids) if i not in found]
        if missing:
            raise UnknownRecipients(missing)
        try:
            return self.store._insert_notifications(
                conn, (self.row(found, n, rid) for n, rid in enumerate(self.recipient_ids)))
        except IntegrityError:
            raise ValidationError("message", "the same message to the same person was queued moments ago") from None


def email_key(address: str) -> str:
    """What makes two email addresses the same recipient: equal ignoring case."""
    return address.casefold()


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(p for p in (text or "").split(",") if p)


_RECIPIENT_COLUMNS = (RECIPIENTS.c.id, RECIPIENTS.c.name, RECIPIENTS.c.email, RECIPIENTS.c.phone,
                      RECIPIENTS.c.telegram_chat_id, RECIPIENTS.c.channels, RECIPIENTS.c.notes)


def recipient_from_row(row: Any) -> RecipientData:
    """A row of :data:`_RECIPIENT_COLUMNS` as the program passes recipients around."""
    i, name, email, phone, chat, channels, notes = row
    return RecipientData(i, name, email, phone, chat, _split(channels), notes or "")



class Store:
    """The queue and the recipients over one engine.

    Time: every lease and due comparison is made *in the statement*, against the database's
    clock on PostgreSQL (``now()``), so desks whose clocks disagree cannot take each other's
    work or run each other's schedule early. SQLite lives on one machine: there the
    statement's "now" is this process's ``clock`` (bound as a parameter), protected against
    steps by :meth:`heartbeat`. :meth:`clock` gives Python code (the retry policy, events)
    the same time: on PostgreSQL the local clock corrected by the offset measured against
    the database (:meth:`sync_clock`, at start and at every heartbeat).
    """

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self._writer = writer(engine)
        self._local_clock = clock
        self._offset = timedelta(0)
        self._pg = engine.dialect.name == "postgresql"
        if self._pg:
            self._now: ColumnElement[Any] = func.timezone("UTC", func.now())
            self.sync_clock()
        else:
            self._now = bindparam("t_now", type_=UTCDateTime())
        self._write_lock = threading.Lock()
        self._queue_lock = threading.Lock()
        self._queue: list[_Pending] = []
        self._stmts: dict[tuple[str, ...], Any] = {}
        A = ATTEMPTS
        self._insert_attempt = insert(A)
        self._insert_attempt_returning = insert(A).returning(A.c.id)
        self._finish_attempt_stmt = update(A).where(A.c.id == bindparam("a_id")).values(
            {k: bindparam(f"v_{k}") for k in ("finished_at", "outcome", "detail", "provider_message_id")})

    # -- time -------------------------------------------------------------------------
    def clock(self) -> datetime:
        """Now, on the clock the queue runs by (see the class docstring)."""
        return self._local_clock() + self._offset

    def sync_clock(self) -> timedelta:
        """PostgreSQL: measure how far this desk's clock is from the database's."""
        if not self._pg:
            return self._offset
        with self._read() as conn:
            before = self._local_clock()
            db_now = conn.execute(select(func.timezone("UTC", func.clock_timestamp()))).scalar_one()
            after = self._local_clock()
        self._offset = db_now.replace(tzinfo=before.tzinfo) - (before + (after - before) / 2)
        return self._offset

    def _later(self, key: str) -> ColumnElement[Any]:
        """``now + <seconds>`` in a statement; its seconds come from :meth:`_times` (``key``)."""
        if self._pg:
            return self._now + literal_column("interval '1 second'") * bindparam(f"s_{key}", type_=Float())
        return bindparam(f"t_{key}", type_=UTCDateTime())

    def _times(self, now: datetime, **seconds: float) -> dict[str, Any]:
        """Parameters for :attr:`_now` and :meth:`_later` in one statement."""
        if self._pg:
            return {f"s_{k}": float(v) for k, v in seconds.items()}
        return {"t_now": now, **{f"t_{k}": now + timedelta(seconds=v) for k, v in seconds.items()}}

    def _shifted(self, column: Any, seconds: int) -> ColumnElement[Any]:
        """``column - seconds`` in SQL (SQLite keeps datetimes as text: keep its format)."""
        if self._pg:
            return column - literal_column(f"interval '{int(seconds)} seconds'")  # type: ignore[no-any-return]
        whole = func.strftime("%Y-%m-%d %H:%M:%S", column, f"-{int(seconds)} seconds")
        return whole.op("||")(func.substr(column, 20))

    # -- sessions ---------------------------------------------------------------------
    def _read(self) -> Connection:
        return self.engine.connect()

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        """A write transaction. Writers of this process queue on a Python lock, not on
        SQLite's busy handler, which sleeps 1, 2, 5, 10… ms between retries: with several
        worker threads that sleeping, not the disk, was the limit."""
        with self._write_lock, self._writer.begin() as conn:
            yield conn

    def _grouped(self, op: Callable[[Connection], T]) -> T:
        """Run ``op`` in a write transaction shared with whatever other threads queued meanwhile.

        Group commit: the thread that gets the write lock runs every queued operation in one
        transaction and one fsync, then wakes their callers. Each caller still returns only
        after its own work is committed, so "committed before the network call" holds; the
        workers just share the commit. ``op`` must not raise for expected outcomes (a lost
        lease is returned, not raised), or it would fail the whole group.
        """
        item = _Pending(op)
        with self._queue_lock:
            self._queue.append(item)
        with self._write_lock:
            if not item.done:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                try:
                    with self._writer.begin() as conn:
                        for it in batch:
                            it.result = it.op(conn)
                except BaseException as exc:
                    for it in batch:
                        it.error = exc
                for it in batch:
                    it.done = True
        if item.error is not None:
            raise item.error
        return item.result  # type: ignore[no-any-return]

    @staticmethod
    def _isolated(conn: Connection, op: Callable[[Connection], T]) -> T | Exception:
        """Run ``op`` under a savepoint inside a group: its failure is returned, not raised,
        so the rest of the group still commits."""
        try:
            with conn.begin_nested():
                return op(conn)
        except Exception as exc:
            return exc

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
                NOTIFICATIONS.c.recipient_id == recipient_id, NOTIFICATIONS.c.state.in_(("queued", "sending"))))
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

    def existing_contacts(self) -> tuple[set[str], set[str]]:
        """Every stored email (as :func:`email_key`) and phone, for duplicate checks."""
        with self._read() as s:
            rows = s.execute(select(RECIPIENTS.c.email, RECIPIENTS.c.phone)).all()
        return {email_key(e) for e, _ in rows if e}, {p for _, p in rows if p}

    # -- enqueue ----------------------------------------------------------------------
    def enqueue(
        self,
        recipient_ids: Sequence[int],
        body: str,
        subject: str = "",
        html_body: str | None = None,
        channels: Sequence[str] | None = None,
        default_channels: Sequence[str] = ("email", "sms", "telegram"),
        smtp_user: str | None = None,
        smtp_secret_refs: Sequence[str] | None = None,
        queued_by: str = "",
        dedupe_keys: Sequence[str | None] | None = None,
        subjects: Sequence[str] | None = None,
        bodies: Sequence[str] | None = None,
        shared_commit: bool = False,
    ) -> list[int]:
        """One notification per recipient, all in one transaction (bulk insert).

        ``subjects``/``bodies`` give per-recipient texts (placeholders already filled).
        Raises ValidationError (nothing written) for an unknown recipient.
        ``shared_commit``: many small enqueues from concurrent callers (the HTTP API) share
        one group commit (:meth:`_grouped`); each still returns only once its rows are
        committed, and a failing one is rolled back alone (a savepoint), not its group.
        """
        op = self._enqueue_op(recipient_ids, body, subject, html_body, channels, default_channels, smtp_user,
                              smtp_secret_refs, queued_by, dedupe_keys, subjects, bodies)
        if not shared_commit:
            with self._tx() as conn:
                return op(conn)
        outcome = self._grouped(lambda conn: self._isolated(conn, op))
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def enqueue_batch(self, sends: Sequence[dict[str, Any]]) -> list[list[int] | Exception]:
        """Many independent enqueues (each the keyword arguments of :meth:`enqueue`) in one
        transaction and one commit, for a single writer that serves many callers (the HTTP
        API's batcher). Returns only after the commit, so every returned id is durable.

        First all sends together: one recipient read, one multi-row insert. If any send
        fails (an unknown recipient, a duplicate ``dedupe_keys`` entry), that attempt is
        rolled back and each send runs under its own savepoint instead: a failing one is
        returned as its exception and rolled back alone; the others commit.
        """
        ops = [self._enqueue_op(**send) for send in sends]
        with self._tx() as conn:
            try:
                with conn.begin_nested():
                    found = self._enqueue_recipients(conn, [i for op in ops for i in op.recipient_ids])
                    if all(i in found for op in ops for i in op.recipient_ids):
                        rows = ((op, n, rid) for op in ops for n, rid in enumerate(op.recipient_ids))
                        ids = self._insert_notifications(conn, (op.row(found, n, rid) for op, n, rid in rows))
                        out: list[list[int] | Exception] = []
                        for op in ops:
                            out.append(ids[:len(op.recipient_ids)])
                            del ids[:len(op.recipient_ids)]
                        return out
            except IntegrityError:
                pass  # a duplicate among them: find it below, one savepoint per send
            return [self._isolated(conn, op) for op in ops]

    def _enqueue_recipients(self, conn: Connection, ids: Iterable[int]) -> dict[int, tuple[str, str | None]]:
        """id → (name, own channels) of these recipients, for new notification rows."""
        R = RECIPIENTS
        wanted = list(dict.fromkeys(ids))
        found: dict[int, tuple[str, str | None]] = {}
        for chunk in range(0, len(wanted), 900):  # under SQLite's bound-parameter limit
            part = wanted[chunk:chunk + 900]
            found.update({rid: (name, chans) for rid, name, chans in
                          conn.execute(select(R.c.id, R.c.name, R.c.channels).where(R.c.id.in_(part)))})
        return found

    def _insert_notifications(self, conn: Connection, rows: Iterable[dict[str, Any]]) -> list[int]:
        """Insert notification rows; their ids in the rows' order. A duplicate ``dedupe_key``
        raises IntegrityError (the caller rolls back)."""
        N = NOTIFICATIONS
        # Still one transaction, but the row dicts are built and sent a slice at a time:
        # 100,000 of them at once held ~50 MB that the process kept afterwards.
        ids: list[int] = []
        it = iter(rows)
        while part := list(islice(it, _ENQUEUE_SLICE)):
            if self._pg:
                result = conn.execute(insert(N).returning(N.c.id, sort_by_parameter_order=True), part)
                ids.extend(r[0] for r in result)
            else:
                # Without a sentinel column SQLAlchemy would insert row by row to keep
                # RETURNING in parameter order. Under BEGIN IMMEDIATE nobody else
                # inserts, and SQLite gives each new row max(rowid)+1, so ascending
                # ids are parameter order.
                ids.extend(sorted(r[0] for r in conn.execute(insert(N).returning(N.c.id), part)))
        return ids

    def _enqueue_op(
        self,
        recipient_ids: Sequence[int],
        body: str,
        subject: str = "",
        html_body: str | None = None,
        channels: Sequence[str] | None = None,
        default_channels: Sequence[str] = ("email", "sms", "telegram"),
        smtp_user: str | None = None,
        smtp_secret_refs: Sequence[str] | None = None,
        queued_by: str = "",
        dedupe_keys: Sequence[str | None] | None = None,
        subjects: Sequence[str] | None = None,
        bodies: Sequence[str] | None = None,
    ) -> _EnqueueOp:
        """The work of one :meth:`enqueue`, to run inside a write transaction."""
        now = self.clock()
        explicit = ",".join(channels) if channels else None
        default = ",".join(default_channels)

        def row(found: dict[int, tuple[str, str | None]], n: int, rid: int) -> dict[str, Any]:
            name, own = found[rid]
            return {
                "recipient_id": rid,
                "recipient_name": name,
                "subject": subjects[n] if subjects else subject,
                "body": bodies[n] if bodies else body,
                "html_body": html_body,
                "channels": explicit or own or default,
                "state": "queued",
                "next_attempt_at": now,
                "created_at": now,
                "queued_at": now,
                "queued_by": queued_by,
                "smtp_user": smtp_user,
                "smtp_secret_ref": smtp_secret_refs[n] if smtp_secret_refs else None,
                "dedupe_key": dedupe_keys[n] if dedupe_keys else None,
                "cursor_channel": 0,
                "cursor_tries": 0,
                "round_no": 0,
                "round_transient": False,
                "dead_channels": "",
            }

        return _EnqueueOp(self, recipient_ids, row)

    def recent_same(self, recipient_ids: Sequence[int], subject: str, body: str, within_seconds: float = 300) -> list[int]:
        """Recipients who were sent this exact subject and text in the last ``within_seconds``
        (the double-click guard of the compose view)."""
        return sorted(self.recent_repeats([(r, subject, body) for r in recipient_ids], within_seconds))

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

    # -- claiming ---------------------------------------------------------------------
    def claim(self, owner: str, limit: int, lease_seconds: float,
              reclaim: Sequence[str] | None = None) -> list[Work]:
        """Atomically take up to ``limit`` due notifications (and expired leases).

        One ``UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING …`` under BEGIN IMMEDIATE
        (FOR UPDATE SKIP LOCKED on PostgreSQL): two claimers can never get the same row.
        Core statements, not ORM objects: this is the hot path of every delivery.

        ``reclaim``: the owners whose expired leases may be taken (the dispatcher checks
        each is dead first; see :mod:`..delivery.identity`); None takes any expired lease.
        Reclaimed work comes first: it was due before anything queued after it, and it must
        not wait behind the whole backlog.
        """
        now = self.clock()
        N, R, A = NOTIFICATIONS, RECIPIENTS, ATTEMPTS
        # Two index range scans, each already in index order, instead of one OR: SQLite
        # answers an OR with both indexes and then sorts every due row (a temp B-tree per
        # claim), which made claiming slower the longer the queue.
        due = (select(N.c.id).where(N.c.state == "queued", N.c.next_attempt_at <= self._now)
               .order_by(N.c.next_attempt_at, N.c.id).limit(limit))
        if self._pg:
            due = due.with_for_update(skip_locked=True)
        parts = [select(due.subquery().c.id)]
        if reclaim is None or reclaim:
            expired = (select(N.c.id).where(N.c.state == "sending", N.c.lease_expires_at < self._now)
                       .order_by(N.c.lease_expires_at, N.c.id).limit(limit))
            if reclaim is not None:
                expired = expired.where(N.c.lease_owner.in_(list(reclaim)))
            if self._pg:
                expired = expired.with_for_update(skip_locked=True)
            parts.insert(0, select(expired.subquery().c.id))
        both = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
        sub = select(both.c.id).limit(limit)
        cols = (N.c.id, N.c.recipient_id, N.c.recipient_name, N.c.subject, N.c.body, N.c.html_body, N.c.channels,
                N.c.cursor_channel, N.c.cursor_tries, N.c.round_no, N.c.round_transient, N.c.dead_channels,
                N.c.queued_at, N.c.smtp_user, N.c.smtp_secret_ref, N.c.next_attempt_at, N.c.awaiting_attempt_id)
        with self._tx() as conn:
            rows = conn.execute(
                update(N).where(N.c.id.in_(sub.scalar_subquery()))
                .values(state="sending", lease_owner=owner, lease_expires_at=self._later("lease"))
                .returning(*cols), self._times(now, lease=lease_seconds)
            ).all()
            if not rows:
                return []
            ids = [r.id for r in rows]
            rids = {r.recipient_id for r in rows if r.recipient_id is not None}
            recips = {r.id: r for r in map(recipient_from_row, conn.execute(
                select(*_RECIPIENT_COLUMNS).where(R.c.id.in_(rids))))} if rids else {}
            opened: dict[int, list[tuple[int, str]]] = {}
            for aid, nid, ch in conn.execute(select(A.c.id, A.c.notification_id, A.c.channel)
                                             .where(A.c.notification_id.in_(ids), A.c.outcome.is_(None))):
                opened.setdefault(nid, []).append((aid, ch))
        out = []
        # Reclaimed work first (it holds an attempt of a dead worker), then by due time.
        for n in sorted(rows, key=lambda r: (r.id not in opened, r.next_attempt_at or now, r.id)):
            out.append(Work(
                id=n.id,
                recipient=recips.get(n.recipient_id) or RecipientData(0, n.recipient_name),
                subject=n.subject,
                body=n.body,
                html_body=n.html_body,
                channels=_split(n.channels),
                cursor=Cursor(n.cursor_channel, n.cursor_tries, n.round_no, bool(n.round_transient),
                              frozenset(_split(n.dead_channels))),
                queued_at=n.queued_at,
                smtp_user=n.smtp_user,
                smtp_secret_ref=n.smtp_secret_ref,
                owner=owner,
                open_attempts=tuple(opened.get(n.id, ())),
                held_as=owner,
                awaiting_attempt_id=n.awaiting_attempt_id,
            ))
        return out

    def expire_leases_of(self, owners: Iterable[str]) -> int:
        """Make leases of dead processes claimable now (called at start)."""
        owners = list(owners)
        if not owners:
            return 0
        now = self.clock()
        with self._tx() as s:
            res = s.execute(update(NOTIFICATIONS)
                            .where(NOTIFICATIONS.c.state == "sending", NOTIFICATIONS.c.lease_owner.in_(owners))
                            .values(lease_expires_at=self._later("gone")), self._times(now, gone=-1))
            return int(res.rowcount or 0)

    def lease_owners(self) -> list[str]:
        with self._read() as s:
            return [o for o in s.scalars(select(NOTIFICATIONS.c.lease_owner).where(
                NOTIFICATIONS.c.state == "sending").distinct()) if o]

    def release(self, work: Work, delay: float | None = None) -> None:
        """Give a claimed notification back (worker paused or stopping: untouched; after an
        internal error: due again in ``delay`` seconds, so it cannot spin)."""
        values: dict[str, Any] = {"state": "queued", "lease_owner": None, "lease_expires_at": None}
        if delay is not None:
            values["next_attempt_at"] = self._later("delay")
        with self._tx() as s:
            s.execute(update(NOTIFICATIONS).where(self._owned(work)).values(values),
                      self._times(self.clock(), delay=delay or 0))

    def heartbeat(self, owners: Sequence[str], lease_seconds: float, longest_wait: float) -> Beat:
        """One transaction every few seconds per dispatcher (not per message):

        - renews every lease ``owners`` hold, so a call slower than the lease (or a clock
          step forward) never lets another worker take live work;
        - keeps the queue clock's high-water mark; a clock found behind it by more than
          :data:`CLOCK_STEP_TOLERANCE` was set back, and every wait and lease still ahead
          is moved back by the step (once: the mark moves with it), so nothing queued
          freezes for the size of the jump;
        - cuts any wait longer than ``longest_wait`` (no policy asks for more: such a time
          was written by a clock that was ahead) to ``longest_wait``;
        - lists the owners of expired leases, for the caller to check before reclaiming.
        """
        N, C = NOTIFICATIONS, QUEUE_CLOCK
        now = self.clock()
        times = self._times(now, lease=lease_seconds, cap=longest_wait)
        with self._tx() as conn:
            renewed = 0
            if owners:
                renewed = conn.execute(update(N).where(N.c.state == "sending", N.c.lease_owner.in_(list(owners)))
                                       .values(lease_expires_at=self._later("lease")), times).rowcount or 0
            stamp = now
            if self._pg:  # this transaction's time on the database's clock
                stamp = conn.execute(select(self._now)).scalar_one().replace(tzinfo=now.tzinfo)
            mark = conn.execute(select(C.c.high_water).where(C.c.id == 1)).scalar()
            step = 0.0
            if mark is None:
                conn.execute(insert(C).values(id=1, high_water=stamp))
            elif (mark - stamp).total_seconds() > CLOCK_STEP_TOLERANCE:
                step = (mark - stamp).total_seconds()
                whole = int(step)
                conn.execute(update(N).where(N.c.state == "queued", N.c.next_attempt_at > self._now)
                             .values(next_attempt_at=self._shifted(N.c.next_attempt_at, whole)), times)
                conn.execute(update(N).where(N.c.state == "sending", N.c.lease_expires_at > self._later("lease"))
                             .values(lease_expires_at=self._shifted(N.c.lease_expires_at, whole)), times)
                conn.execute(update(C).where(C.c.id == 1).values(high_water=stamp))
            elif stamp > mark:
                conn.execute(update(C).where(C.c.id == 1).values(high_water=stamp))
            capped = conn.execute(update(N).where(N.c.state == "queued", N.c.next_attempt_at > self._later("cap"))
                                  .values(next_attempt_at=self._later("cap")), times).rowcount or 0
            expired = tuple(o for o in conn.execute(
                select(N.c.lease_owner).where(N.c.state == "sending", N.c.lease_expires_at < self._now).distinct(),
                times).scalars() if o)
        if step:
            log.warning("the clock was set back by %.0f s; waits and leases moved back to match", step)
        if capped:
            log.warning("%d wait(s) were longer than any the policy asks for (a clock that was ahead); cut to %.0f s",
                        capped, longest_wait)
        if self._pg:
            self.sync_clock()
        return Beat(int(renewed), step, int(capped), expired)

    # -- attempts ---------------------------------------------------------------------
    # Statements of the hot path, built once: constructing a statement and its cache key on
    # every call was half of the Python time a delivery cost.
    def _owned_update(self, keys: tuple[str, ...]) -> Any:
        """UPDATE notifications SET <keys> WHERE it is still ours; params w_id, w_owner, w_held,
        v_<key>, and :meth:`_times` with ``lease`` for lease_expires_at."""
        stmt = self._stmts.get(keys)
        if stmt is None:
            N = NOTIFICATIONS
            stmt = (update(N)
                    .where(N.c.id == bindparam("w_id"), N.c.state == "sending",
                           N.c.lease_owner.in_([bindparam("w_owner"), bindparam("w_held")]))
                    .values({k: self._later("lease") if k == "lease_expires_at" else bindparam(f"v_{k}")
                             for k in keys}))
            self._stmts[keys] = stmt
        return stmt

    @staticmethod
    def _owned(work: Work) -> Any:
        """Still ours: held by the worker slot working on it, or by whoever claimed it for it."""
        N = NOTIFICATIONS
        return and_(N.c.id == work.id, N.c.lease_owner.in_(list(dict.fromkeys((work.owner, work.held_as or work.owner)))),
                    N.c.state == "sending")

    @staticmethod
    def _who(work: Work) -> dict[str, Any]:
        return {"w_id": work.id, "w_owner": work.owner, "w_held": work.held_as or work.owner}

    def _renew(self, s: Connection, work: Work, now: datetime, lease_seconds: float) -> None:
        res = s.execute(update(NOTIFICATIONS).where(self._owned(work))
                        .values(lease_expires_at=self._later("lease"), lease_owner=work.owner),
                        self._times(now, lease=lease_seconds))
        if not res.rowcount:
            raise LeaseLost(f"notification {work.id} is no longer ours")

    def start_attempt(self, work: Work, channel: str, lease_seconds: float, worker: str) -> tuple[int, datetime]:
        """Commit an in-flight attempt row *before* the network call (and renew the lease)."""
        now = self.clock()
        A = ATTEMPTS

        def op(conn: Connection) -> int | None:
            res = conn.execute(self._owned_update(("lease_expires_at", "lease_owner")),
                               {**self._who(work), "v_lease_owner": work.owner,
                                **self._times(now, lease=lease_seconds)})
            if not res.rowcount:
                return None
            return int(conn.execute(self._insert_attempt_returning, {
                "notification_id": work.id, "channel": channel, "started_at": now, "outcome": None,
                "detail": "", "round_no": work.cursor.round_no, "try_no": work.cursor.tries + 1, "worker": worker,
            }).scalar_one())

        aid = self._grouped(op)
        if aid is None:
            raise LeaseLost(f"notification {work.id} is no longer ours")
        return aid, now

    def finish_attempt(
        self,
        work: Work,
        attempt_id: int | None,
        channel: str,
        outcome: str,
        detail: str,
        step: Step,
        provider_message_id: str | None = None,
        lease_seconds: float = 120.0,
        keep: bool = False,
    ) -> datetime:
        """Record an attempt's end and the notification's next state in one commit.

        ``attempt_id`` None records a whole attempt at once (unavailable: no network call).
        ``keep``: the worker goes on with this notification now, so the lease stays (renewed).
        """
        now = self.clock()
        A = ATTEMPTS
        values = self._step_values(step, now, keep)
        if isinstance(step, Awaiting):
            values["awaiting_attempt_id"] = attempt_id
        if keep:
            values["lease_expires_at"] = None  # now + lease, on the statement's clock
            values["lease_owner"] = work.owner
        params = {**self._who(work), **self._times(now, lease=lease_seconds),
                  **{f"v_{k}": v for k, v in values.items()}}

        def op(conn: Connection) -> bool:
            res = conn.execute(self._owned_update(tuple(values)), params)
            if not res.rowcount:
                return False
            if attempt_id is None:
                conn.execute(self._insert_attempt, {
                    "notification_id": work.id, "channel": channel, "started_at": now, "finished_at": now,
                    "outcome": outcome, "detail": detail, "provider_message_id": None,
                    "round_no": work.cursor.round_no, "try_no": work.cursor.tries + 1, "worker": work.owner,
                })
            else:
                conn.execute(self._finish_attempt_stmt, {"a_id": attempt_id, "v_finished_at": now, "v_outcome": outcome,
                                                         "v_detail": detail, "v_provider_message_id": provider_message_id})
            return True

        if not self._grouped(op):
            raise LeaseLost(f"notification {work.id} is no longer ours")
        return now

    def interrupt_open_attempts(self, work: Work) -> None:
        now = self.clock()
        with self._tx() as s:
            self._renew(s, work, now, 60)
            s.execute(update(ATTEMPTS)
                      .where(ATTEMPTS.c.notification_id == work.id, ATTEMPTS.c.outcome.is_(None))
                      .values(outcome="interrupted", finished_at=now,
                              detail="the worker stopped during this attempt; the message may or may not have gone out"))

    def save_step(self, work: Work, step: Step, keep: bool = False) -> None:
        now = self.clock()
        with self._tx() as s:
            self._renew(s, work, now, 60)
            s.execute(update(NOTIFICATIONS).where(NOTIFICATIONS.c.id == work.id).values(**self._step_values(step, now, keep)))

    @staticmethod
    def _step_values(step: Step, now: datetime, keep: bool) -> dict[str, Any]:
        if isinstance(step, Delivered):
            return {"state": "delivered", "delivered_via": step.channel, "finished_at": now,
                    "next_attempt_at": None, "lease_owner": None, "lease_expires_at": None, "last_error": None,
                    "awaiting_attempt_id": None}
        if isinstance(step, Failed):
            return {"state": "failed", "finished_at": now, "next_attempt_at": None,
                    "lease_owner": None, "lease_expires_at": None, "last_error": step.reason,
                    "awaiting_attempt_id": None}
        assert isinstance(step, (Retry, Awaiting))
        c = step.cursor
        values: dict[str, Any] = {
            "cursor_channel": c.channel_index, "cursor_tries": c.tries, "round_no": c.round_no,
            "round_transient": c.round_transient, "dead_channels": ",".join(sorted(c.dead)),
            "next_attempt_at": step.at, "awaiting_attempt_id": None,  # finish_attempt names it for Awaiting
        }
        if not keep:
            values.update(state="queued", lease_owner=None, lease_expires_at=None)
        return values

    # -- delivery receipts (the second stage; transitions in delivery.receipts) ----------
    def outstanding_receipts(self, started_since: datetime | None = None, limit: int = 100_000) -> list[Outstanding]:
        """Accepted attempts (started at or after ``started_since``, if given) whose queued
        notification still waits for their report."""
        N, A = NOTIFICATIONS, ATTEMPTS
        q = (select(A.c.id, A.c.notification_id, A.c.channel, A.c.provider_message_id, A.c.finished_at)
             .join(A, A.c.id == N.c.awaiting_attempt_id)
             .where(N.c.state == "queued", N.c.awaiting_attempt_id.is_not(None), A.c.outcome == "accepted",
                    A.c.provider_message_id.is_not(None))
             .order_by(A.c.id).limit(limit))
        if started_since is not None:
            q = q.where(A.c.started_at >= started_since)
        with self._read() as s:
            return [Outstanding(aid, nid, ch, pid, at) for aid, nid, ch, pid, at in s.execute(q)]

    def record_receipts(self, reports: Sequence[tuple[int, str, str | None, str]]) -> list[int]:
        """Store delivery reports ``(attempt id, "confirmed"|"undelivered", class, detail)``
        found by polling, in one transaction. Only attempts still "accepted" change (a late
        report after the window closed is ignored); their waiting notifications become due
        now, so a worker applies the step. Returns the notification ids made due."""
        if not reports:
            return []
        now = self.clock()
        N, A = NOTIFICATIONS, ATTEMPTS
        due: list[int] = []
        with self._tx() as conn:
            for aid, outcome, cls, detail in reports:
                res = conn.execute(update(A).where(A.c.id == aid, A.c.outcome == "accepted").values(
                    outcome=outcome, receipt_class=cls, receipt_detail=detail, receipt_at=now))
                if not res.rowcount:
                    continue
                ids = conn.execute(update(N).where(N.c.awaiting_attempt_id == aid, N.c.state == "queued")
                                   .values(next_attempt_at=self._now).returning(N.c.id), self._times(now)).scalars().all()
                due.extend(int(i) for i in ids)
        return due

    def receipt_of(self, attempt_id: int) -> tuple[str | None, str | None, str | None, str | None, datetime | None]:
        """(outcome, receipt class, receipt detail, provider message id, accepted at) of an attempt."""
        A = ATTEMPTS
        with self._read() as s:
            row = s.execute(select(A.c.outcome, A.c.receipt_class, A.c.receipt_detail, A.c.provider_message_id,
                                   A.c.finished_at).where(A.c.id == attempt_id)).first()
        return (row[0], row[1], row[2], row[3], row[4]) if row else (None, None, None, None, None)

    def settle_receipt(self, work: Work, outcome: str, cls: str | None, detail: str, step: Step,
                       lease_seconds: float = 120.0, keep: bool = False) -> datetime | None:
        """Apply the second stage of ``work``'s awaited attempt and the notification's next
        step in one commit. If the attempt is still "accepted", it becomes ``outcome``; if a
        poller recorded a report meanwhile, nothing is written and None is returned (the
        caller reads the report and decides again)."""
        assert work.awaiting_attempt_id is not None
        now = self.clock()
        N, A = NOTIFICATIONS, ATTEMPTS
        values = self._step_values(step, now, keep)
        if keep:
            values["lease_expires_at"] = self._later("lease")
            values["lease_owner"] = work.owner
        with self._tx() as conn:
            if outcome in ("confirmed", "undelivered"):  # the window ended: record it (if nobody did)
                current = conn.execute(select(A.c.outcome).where(A.c.id == work.awaiting_attempt_id)).scalar()
                if current == "accepted":
                    conn.execute(update(A).where(A.c.id == work.awaiting_attempt_id).values(
                        outcome=outcome, receipt_class=cls, receipt_detail=detail, receipt_at=now))
                elif current != outcome:
                    return None
            res = conn.execute(update(N).where(self._owned(work)).values(values), self._times(now, lease=lease_seconds))
            if not res.rowcount:
                raise LeaseLost(f"notification {work.id} is no longer ours")
        return now

    def confirmation_rates(self, since: datetime) -> dict[str, tuple[int, int]]:
        """Per channel since ``since``: (confirmed, settled) attempts — settled meaning
        confirmed or undelivered (reports and windows that ended)."""
        A = ATTEMPTS
        q = (select(A.c.channel, A.c.outcome, func.count()).where(
            A.c.receipt_at >= since, A.c.outcome.in_(("confirmed", "undelivered"))).group_by(A.c.channel, A.c.outcome))
        out: dict[str, tuple[int, int]] = {}
        with self._read() as s:
            for ch, outcome, n in s.execute(q):
                ok, total = out.get(ch, (0, 0))
                out[ch] = (ok + (int(n) if outcome == "confirmed" else 0), total + int(n))
        return out

    # -- operator actions -------------------------------------------------------------
    def cancel(self, notification_id: int) -> bool:
        now = self.clock()
        with self._tx() as s:
            res = s.execute(update(NOTIFICATIONS)
                            .where(NOTIFICATIONS.c.id == notification_id, NOTIFICATIONS.c.state == "queued")
                            .values(state="cancelled", finished_at=now, next_attempt_at=None))
            return bool(res.rowcount)

    def retry(self, notification_id: int) -> bool:
        """A failed (or cancelled) notification starts again from its first channel."""
        now = self.clock()
        with self._tx() as s:
            res = s.execute(update(NOTIFICATIONS)
                            .where(NOTIFICATIONS.c.id == notification_id, NOTIFICATIONS.c.state.in_(("failed", "cancelled")))
                            .values(state="queued", finished_at=None, next_attempt_at=now, queued_at=now,
                                    cursor_channel=0, cursor_tries=0, round_no=0, round_transient=False,
                                    dead_channels="", last_error=None, awaiting_attempt_id=None))
            return bool(res.rowcount)

    def finished_secret_refs(self) -> list[tuple[int, str]]:
        """Per-send secret references of finished notifications (swept at every start).

        Read through the partial index of rows that hold a reference (few: unfinished ones and
        any not swept yet) and filtered by state here: asking SQL for the state as well makes
        SQLite walk the finished-state index, i.e. the whole history."""
        N = NOTIFICATIONS
        with self._read() as s:
            return [(i, r) for i, r, state in s.execute(select(N.c.id, N.c.smtp_secret_ref, N.c.state).where(
                N.c.smtp_secret_ref.is_not(None))) if r and state in FINISHED_STATES]

    def secret_refs_in_use(self) -> set[str]:
        """Per-send secret references of notifications that are not finished."""
        N = NOTIFICATIONS
        with self._read() as s:
            return {r for (r,) in s.execute(select(N.c.smtp_secret_ref).distinct().where(
                N.c.state.not_in(FINISHED_STATES), N.c.smtp_secret_ref.is_not(None))) if r}

    def secret_ref_in_use(self, ref: str) -> bool:
        N = NOTIFICATIONS
        with self._read() as s:
            return s.execute(select(N.c.id).where(N.c.smtp_secret_ref == ref,
                                                  N.c.state.not_in(FINISHED_STATES)).limit(1)).first() is not None

    def clear_secret_ref(self, notification_id: int) -> None:
        with self._tx() as s:
            s.execute(update(NOTIFICATIONS).where(NOTIFICATIONS.c.id == notification_id).values(smtp_secret_ref=None))

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
                "channels": list(_split(n.channels)),
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
                     "receipt_detail": a.receipt_detail}
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
        out = {state: 0 for state in ("queued", "sending", "delivered", "failed", "cancelled")}
        out.update({state: int(n) for state, n in rows})
        return out

    def failed_since(self, since: datetime) -> int:
        with self._read() as s:
            return int(s.scalar(select(func.count()).select_from(NOTIFICATIONS).where(
                NOTIFICATIONS.c.state == "failed", NOTIFICATIONS.c.finished_at >= since)) or 0)

    def pending(self) -> int:
        """Notifications not finished yet (queued, waiting or sending)."""
        with self._read() as s:
            return int(s.scalar(select(func.count()).select_from(NOTIFICATIONS).where(
                NOTIFICATIONS.c.state.in_(("queued", "sending")))) or 0)

    def next_due(self) -> datetime | None:
        with self._read() as s:
            due: datetime | None = s.scalar(select(func.min(NOTIFICATIONS.c.next_attempt_at))
                                            .where(NOTIFICATIONS.c.state == "queued"))
            return due

    def max_attempt_id(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.max(ATTEMPTS.c.id))).scalar() or 0)

    def attempts_page(self, after_id: int = 0, limit: int = 1000, until_id: int | None = None) -> list[AttemptRow]:
        N, A = NOTIFICATIONS, ATTEMPTS
        q = (select(A.c.id, A.c.notification_id, A.c.channel, A.c.outcome, A.c.detail, A.c.started_at,
                    A.c.finished_at, A.c.provider_message_id, N.c.recipient_name, A.c.receipt_at, A.c.receipt_detail)
             .join(N, N.c.id == A.c.notification_id)
             .where(A.c.id > after_id).order_by(A.c.id).limit(limit))
        if until_id is not None:
            q = q.where(A.c.id <= until_id)
        with self._read() as s:
            return [AttemptRow(*row) for row in s.execute(q)]
