"""The queue's writes: enqueue (one send, or many sends in one commit), claim, leases and the
heartbeat, and the operator's cancel and retry. An attempt's own writes are in :mod:`.attempts`.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import islice
from typing import Any

from sqlalchemy import Connection, insert, select, union_all, update
from sqlalchemy.exc import IntegrityError

from ..delivery.states import CANCELLABLE, RETRYABLE, Cursor, cursor_of, cursor_values
from ..records import Beat, EnqueueRequest, RecipientData, Work
from ..validation import ValidationError
from .base import StoreBase
from .reads import _RECIPIENT_COLUMNS, recipient_from_row, split_names
from .schema import ATTEMPTS, NOTIFICATIONS, QUEUE_CLOCK, RECIPIENTS

log = logging.getLogger("notifier.storage")

_ENQUEUE_SLICE = 5000  # rows per INSERT of one enqueue (all slices share one transaction)
CLOCK_STEP_TOLERANCE = 2.0  # seconds the queue clock may seem to go back before it counts as a step


_SQLITE_VARIABLES = 32766  # SQLite's bound-parameter limit since 3.32 (999 before: see engine.py)
_DEFAULTED = frozenset(c.name for c in NOTIFICATIONS.c if c.default is not None)


def _insert_sqlite(conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert notification rows on SQLite; their ids in the rows' order.

    One ``executemany`` of a plain ``INSERT`` with each column's bind processing applied once
    per distinct value (a send's rows share their timestamps and most texts): SQLAlchemy's
    own insert processed every parameter of every row and built multi-row ``VALUES … RETURNING``
    statements, 0.19 s of the 0.49 s that queuing one text to 5,000 people took on the bench's
    1,000,000-notification database. Under BEGIN IMMEDIATE nobody else inserts, and SQLite
    gives each new row max(rowid)+1, so the ids are the ``len(rows)`` below the new maximum,
    in parameter order. Rows that leave out a column with a default take SQLAlchemy's insert
    (a plain ``INSERT`` would store NULL there)."""
    N = NOTIFICATIONS
    names = list(rows[0])
    if not _DEFAULTED <= set(names):
        return sorted(r[0] for r in conn.execute(insert(N).returning(N.c.id), rows))
    processors = [N.c[name].type.bind_processor(conn.dialect) for name in names]
    done: list[dict[Any, Any]] = [{} for _ in names]

    def processed(i: int, value: Any) -> Any:
        seen = done[i]
        if value not in seen:
            process = processors[i]
            seen[value] = process(value) if process is not None and value is not None else value
        return seen[value]

    constant = [all(r[name] is rows[0][name] for r in rows) for name in names]
    first = [processed(i, rows[0][name]) for i, name in enumerate(names)]
    varying = [(i, name, processors[i]) for i, name in enumerate(names) if not constant[i]]
    params = []
    for r in rows:
        values = list(first)
        for i, name, process in varying:
            v = r[name]
            values[i] = v if process is None or v is None else processed(i, v)
        params.append(tuple(values))
    quote = conn.dialect.identifier_preparer.quote
    head = f"INSERT INTO {quote(N.name)} ({', '.join(quote(n) for n in names)}) VALUES "
    one = f"({', '.join('?' * len(names))})"
    per = max(1, _SQLITE_VARIABLES // len(names))  # rows per statement: multi-row VALUES
    for start in range(0, len(params), per):
        chunk = params[start:start + per]
        conn.exec_driver_sql(head + ", ".join([one] * len(chunk)), tuple(v for row in chunk for v in row))
    last = int(conn.exec_driver_sql(f"SELECT max(id) FROM {quote(N.name)}").scalar_one())
    return list(range(last - len(rows) + 1, last + 1))


class UnknownRecipients(ValidationError):
    """An enqueue named recipients that do not exist (any more); nothing of it was written."""

    def __init__(self, ids: Sequence[int]) -> None:
        super().__init__("user", f"no recipient with id {', '.join(map(str, ids))}")
        self.ids = list(ids)


class _EnqueueOp:
    """One :meth:`Store.enqueue` waiting for its transaction: ``op(conn)`` runs it alone;
    :meth:`Store.enqueue_batch` builds many sends' rows (:attr:`row`) into one insert."""

    __slots__ = ("store", "recipient_ids", "row")

    def __init__(self, store: Queue, recipient_ids: Sequence[int],
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


class Queue(StoreBase):
    """Enqueue, claim, leases, cancel and retry (a part of :class:`~.repository.Store`)."""

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
        """One notification per recipient, all in one transaction (bulk insert): the fields of
        :class:`~..records.EnqueueRequest` (see :meth:`enqueue_request`)."""
        return self.enqueue_request(EnqueueRequest(
            recipient_ids, body, subject, html_body, channels, default_channels, smtp_user, smtp_secret_refs,
            queued_by, dedupe_keys, subjects, bodies), shared_commit=shared_commit)

    def enqueue_request(self, request: EnqueueRequest, shared_commit: bool = False) -> list[int]:
        """Queue ``request`` in one transaction; the new notifications' ids, in recipient order.

        Raises ValidationError (nothing written) for an unknown recipient.
        ``shared_commit``: many small enqueues from concurrent callers (the HTTP API) share
        one group commit (:meth:`_grouped`); each still returns only once its rows are
        committed, and a failing one is rolled back alone (a savepoint), not its group.
        """
        op = self._enqueue_op(request)
        if not shared_commit:
            with self._tx() as conn:
                return op(conn)
        outcome = self._grouped(lambda conn: self._isolated(conn, op))
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def enqueue_batch(self, sends: Sequence[EnqueueRequest | Mapping[str, Any]]) -> list[list[int] | Exception]:
        """Many independent enqueues (each a request or the keyword arguments of :meth:`enqueue`) in one
        transaction and one commit, for a single writer that serves many callers (the HTTP
        API's batcher). Returns only after the commit, so every returned id is durable.

        First all sends together: one recipient read, one multi-row insert. If any send
        fails (an unknown recipient, a duplicate ``dedupe_keys`` entry), that attempt is
        rolled back and each send runs under its own savepoint instead: a failing one is
        returned as its exception and rolled back alone; the others commit.
        """
        ops = [self._enqueue_op(s if isinstance(s, EnqueueRequest) else EnqueueRequest(**s)) for s in sends]
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
                ids.extend(_insert_sqlite(conn, part))
        return ids

    def _enqueue_op(self, r: EnqueueRequest) -> _EnqueueOp:
        """The work of one enqueue, to run inside a write transaction."""
        now = self.clock()
        explicit = ",".join(r.channels) if r.channels else None
        default = ",".join(r.default_channels)
        subject, body, subjects, bodies, html_body = r.subject, r.body, r.subjects, r.bodies, r.html_body
        queued_by, smtp_user, smtp_secret_refs, dedupe_keys = r.queued_by, r.smtp_user, r.smtp_secret_refs, r.dedupe_keys
        start = cursor_values(Cursor())  # the first channel's first try

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
                **start,
            }

        return _EnqueueOp(self, r.recipient_ids, row)

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
                channels=split_names(n.channels),
                cursor=cursor_of(n.cursor_channel, n.cursor_tries, n.round_no, n.round_transient, n.dead_channels),
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

    # -- operator actions -------------------------------------------------------------
    def cancel(self, notification_id: int) -> bool:
        now = self.clock()
        with self._tx() as s:
            res = s.execute(update(NOTIFICATIONS)
                            .where(NOTIFICATIONS.c.id == notification_id, NOTIFICATIONS.c.state.in_(CANCELLABLE))
                            .values(state="cancelled", finished_at=now, next_attempt_at=None))
            return bool(res.rowcount)

    def retry(self, notification_id: int) -> bool:
        """A failed (or cancelled) notification starts again from its first channel."""
        now = self.clock()
        with self._tx() as s:
            res = s.execute(update(NOTIFICATIONS)
                            .where(NOTIFICATIONS.c.id == notification_id, NOTIFICATIONS.c.state.in_(RETRYABLE))
                            .values(state="queued", finished_at=None, next_attempt_at=now, queued_at=now,
                                    last_error=None, awaiting_attempt_id=None, **cursor_values(Cursor())))
            return bool(res.rowcount)

