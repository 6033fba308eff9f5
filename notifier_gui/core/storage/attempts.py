"""An attempt's writes and what follows from them: the attempt row committed before the
network call and finished after it with the notification's next step in the same commit,
the second stage of an accepted attempt (delivery receipts), and the per-send secrets'
references that finished work leaves behind.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..delivery.states import (
    AND_THEN,
    FINISHED,
    INTERRUPTED_UNKNOWN,
    LATE,
    LATE_REPORT,
    LATE_REPORT_BARE,
    SETTLED_WORDS,
    Continue,
    Outcome,
    ReceiptClass,
    Settled,
    Step,
    row_values,
)
from ..messages import from_stored, stored
from ..records import LeaseLost, Outstanding, Work
from .base import StoreBase
from .schema import ATTEMPTS, NOTIFICATIONS, POLLER_LEASES

# Statements of the hot path, built once (see StoreBase._owned_update).
_INSERT_ATTEMPT = insert(ATTEMPTS)
_INSERT_ATTEMPT_RETURNING = insert(ATTEMPTS).returning(ATTEMPTS.c.id)
_FINISH_ATTEMPT = update(ATTEMPTS).where(ATTEMPTS.c.id == bindparam("a_id")).values(
    {k: bindparam(f"v_{k}") for k in ("finished_at", "outcome", "detail", "detail_code", "detail_params",
                                       "provider_message_id")})


def _detail(text: str) -> dict[str, str | None]:
    """An attempt's detail: its English and, if it is a message of the core, its code and parameters."""
    code, params = stored(text)
    return {"detail": text, "detail_code": code, "detail_params": params}


def _receipt(text: str) -> dict[str, str | None]:
    """A receipt detail likewise (see :func:`_detail`)."""
    code, params = stored(text)
    return {"receipt_detail": text, "receipt_code": code, "receipt_params": params}


class Attempts(StoreBase):
    """Attempts, steps and receipts of claimed work (a part of :class:`~.repository.Store`)."""

    def start_attempt(self, work: Work, channel: str, lease_seconds: float, worker: str) -> tuple[int, datetime]:
        """Commit an in-flight attempt row *before* the network call (and renew the lease)."""
        now = self.clock()

        def op(conn: Connection) -> int | None:
            res = conn.execute(self._owned_update(("lease_expires_at", "lease_owner")),
                               {**self._who(work), "v_lease_owner": work.owner,
                                **self._times(now, lease=lease_seconds)})
            if not res.rowcount:
                return None
            return int(conn.execute(_INSERT_ATTEMPT_RETURNING, {
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
        outcome: Outcome,
        detail: str,
        step: Step,
        provider_message_id: str | None = None,
        lease_seconds: float = 120.0,
    ) -> datetime:
        """Record an attempt's end and the notification's next step in one commit.

        ``attempt_id`` None records a whole attempt at once (unavailable: no network call).
        A :class:`~..delivery.states.Continue`: the worker goes on with this notification
        now, so the lease stays (renewed).
        """
        now = self.clock()
        values = row_values(step, now, attempt_id)
        if isinstance(step, Continue):
            values["lease_expires_at"] = None  # now + lease, on the statement's clock
            values["lease_owner"] = work.owner
        params = {**self._who(work), **self._times(now, lease=lease_seconds),
                  **{f"v_{k}": v for k, v in values.items()}}

        def op(conn: Connection) -> bool:
            res = conn.execute(self._owned_update(tuple(values)), params)
            if not res.rowcount:
                return False
            if attempt_id is None:
                conn.execute(_INSERT_ATTEMPT, {
                    "notification_id": work.id, "channel": channel, "started_at": now, "finished_at": now,
                    "outcome": outcome, **_detail(detail), "provider_message_id": None,
                    "round_no": work.cursor.round_no, "try_no": work.cursor.tries + 1, "worker": work.owner,
                })
            else:
                conn.execute(_FINISH_ATTEMPT, {"a_id": attempt_id, "v_finished_at": now, "v_outcome": outcome,
                                               **{f"v_{k}": v for k, v in _detail(detail).items()},
                                               "v_provider_message_id": provider_message_id})
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
                      .values(outcome="interrupted", finished_at=now, **_detail(INTERRUPTED_UNKNOWN())))

    def save_step(self, work: Work, step: Step) -> None:
        """Save the notification's next step (no attempt: an interrupted one was closed, or
        the channel is held); a :class:`~..delivery.states.Continue` keeps the renewed lease."""
        now = self.clock()
        with self._tx() as s:
            self._renew(s, work, now, 60)
            s.execute(update(NOTIFICATIONS).where(NOTIFICATIONS.c.id == work.id).values(**row_values(step, now)))

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

    def record_receipts(self, reports: Sequence[tuple[int, Settled, ReceiptClass | None, str]]) -> list[int]:
        """Store delivery reports ``(attempt id, "confirmed"|"undelivered", class, detail)``
        found by polling, in one transaction. An attempt still "accepted" takes the report,
        and its waiting notification becomes due now, so a worker applies the step. Returns
        the notification ids made due.

        A late report (the window ended and the chain decided) changes no outcome: it is
        added to the attempt's receipt detail, once, as "<outcome> (reported after the chain
        moved on): <detail>", so the log and ``notifier show`` tell the operator."""
        if not reports:
            return []
        now = self.clock()
        N, A = NOTIFICATIONS, ATTEMPTS
        due: list[int] = []
        with self._tx() as conn:
            for aid, outcome, cls, detail in reports:
                res = conn.execute(update(A).where(A.c.id == aid, A.c.outcome == "accepted").values(
                    outcome=outcome, receipt_class=cls, **_receipt(detail), receipt_at=now))
                if not res.rowcount:
                    self._late_report(conn, aid, outcome, detail)
                    continue
                ids = conn.execute(update(N).where(N.c.awaiting_attempt_id == aid, N.c.state == "queued")
                                   .values(next_attempt_at=self._now).returning(N.c.id), self._times(now)).scalars().all()
                due.extend(int(i) for i in ids)
        return due

    @staticmethod
    def _late_report(conn: Connection, attempt_id: int, outcome: Settled, detail: str) -> None:
        A = ATTEMPTS
        row = conn.execute(select(A.c.outcome, A.c.receipt_detail, A.c.receipt_code, A.c.receipt_params)
                           .where(A.c.id == attempt_id)).first()
        if row is None or row[0] not in ("confirmed", "undelivered") or LATE in (row[1] or ""):
            return  # still in flight, never accepted, or already told
        word = SETTLED_WORDS[outcome]()
        note = LATE_REPORT(outcome=word, detail=detail) if detail else LATE_REPORT_BARE(outcome=word)
        conn.execute(update(A).where(A.c.id == attempt_id).values(
            **_receipt(AND_THEN(before=from_stored(row[1], row[2], row[3]), after=note) if row[1] else note)))

    def sent_attempts(self, notification_id: int, channel: str) -> list[tuple[int, str]]:
        """(attempt id, provider message id) of ``notification_id``'s attempts on ``channel``
        that a provider took (to file a report that came after the chain moved on)."""
        A = ATTEMPTS
        with self._read() as s:
            return [(int(i), str(p)) for i, p in s.execute(select(A.c.id, A.c.provider_message_id).where(
                A.c.notification_id == notification_id, A.c.channel == channel,
                A.c.provider_message_id.is_not(None)).order_by(A.c.id))]

    def receipt_of(self, attempt_id: int) -> tuple[Outcome | None, str | None, str | None, str | None, datetime | None]:
        """(outcome, receipt class, receipt detail, provider message id, accepted at) of an attempt;
        the receipt detail as the message it was made from, where its code was stored."""
        A = ATTEMPTS
        with self._read() as s:
            row = s.execute(select(A.c.outcome, A.c.receipt_class, A.c.receipt_detail, A.c.provider_message_id,
                                   A.c.finished_at, A.c.receipt_code, A.c.receipt_params)
                            .where(A.c.id == attempt_id)).first()
        if row is None:
            return None, None, None, None, None
        detail = from_stored(row[2], row[5], row[6]) if row[2] and row[5] else row[2]
        return row[0], row[1], detail, row[3], row[4]

    def settle_receipt(self, work: Work, outcome: Settled, cls: ReceiptClass | None, detail: str, step: Step,
                       lease_seconds: float = 120.0) -> datetime | None:
        """Apply the second stage of ``work``'s awaited attempt and the notification's next
        step in one commit. If the attempt is still "accepted", it becomes ``outcome``; if a
        poller recorded a report meanwhile, nothing is written and None is returned (the
        caller reads the report and decides again)."""
        assert work.awaiting_attempt_id is not None
        now = self.clock()
        N, A = NOTIFICATIONS, ATTEMPTS
        values = row_values(step, now)
        if isinstance(step, Continue):
            values["lease_expires_at"] = self._later("lease")
            values["lease_owner"] = work.owner
        with self._tx() as conn:
            # the window ended: record it (if nobody did)
            current = conn.execute(select(A.c.outcome).where(A.c.id == work.awaiting_attempt_id)).scalar()
            if current == "accepted":
                conn.execute(update(A).where(A.c.id == work.awaiting_attempt_id).values(
                    outcome=outcome, receipt_class=cls, **_receipt(detail), receipt_at=now))
            elif current != outcome:
                return None
            res = conn.execute(update(N).where(self._owned(work)).values(values), self._times(now, lease=lease_seconds))
            if not res.rowcount:
                raise LeaseLost(f"notification {work.id} is no longer ours")
        return now

    def hold_poller(self, name: str, owner: str, seconds: float) -> str | None:
        """Take or renew ``owner``'s lease on the polling called ``name`` for ``seconds`` (on the
        queue's clock). Returns None when ``owner`` holds it now, else who does. It is taken
        when nobody holds it, or its holder's lease ran out (killed) or was given back."""
        now = self.clock()
        L = POLLER_LEASES
        params = self._times(now, lease=seconds)
        try:
            with self._tx() as conn:
                res = conn.execute(update(L).where(L.c.name == name, or_(L.c.owner == owner, L.c.expires_at < self._now))
                                   .values(owner=owner, expires_at=self._later("lease")), params)
                if res.rowcount:
                    return None
                holder = conn.execute(select(L.c.owner).where(L.c.name == name)).scalar()
                if holder is not None:
                    return str(holder)
                conn.execute(insert(L).values(name=name, owner=owner, expires_at=self._later("lease")), params)
                return None
        except IntegrityError:  # another process made the row at the same moment: it holds it
            with self._read() as s:
                return str(s.execute(select(L.c.owner).where(L.c.name == name)).scalar() or "another process")

    def release_poller(self, name: str, owner: str) -> None:
        """Give ``owner``'s lease on ``name`` back (a clean stop): another process takes over at once."""
        L = POLLER_LEASES
        now = self.clock()
        with self._tx() as conn:
            conn.execute(update(L).where(L.c.name == name, L.c.owner == owner)
                         .values(expires_at=self._later("back")), self._times(now, back=-1.0))

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

    # -- per-send secrets ---------------------------------------------------------------
    def finished_secret_refs(self) -> list[tuple[int, str]]:
        """Per-send secret references of finished notifications (swept at every start).

        Read through the partial index of rows that hold a reference (few: unfinished ones and
        any not swept yet) and filtered by state here: asking SQL for the state as well makes
        SQLite walk the finished-state index, i.e. the whole history."""
        N = NOTIFICATIONS
        with self._read() as s:
            return [(i, r) for i, r, state in s.execute(select(N.c.id, N.c.smtp_secret_ref, N.c.state).where(
                N.c.smtp_secret_ref.is_not(None))) if r and state in FINISHED]

    def secret_refs_in_use(self) -> set[str]:
        """Per-send secret references of notifications that are not finished."""
        N = NOTIFICATIONS
        with self._read() as s:
            return {r for (r,) in s.execute(select(N.c.smtp_secret_ref).distinct().where(
                N.c.state.not_in(FINISHED), N.c.smtp_secret_ref.is_not(None))) if r}

    def secret_ref_in_use(self, ref: str) -> bool:
        N = NOTIFICATIONS
        with self._read() as s:
            return s.execute(select(N.c.id).where(N.c.smtp_secret_ref == ref,
                                                  N.c.state.not_in(FINISHED)).limit(1)).first() is not None

    def clear_secret_ref(self, notification_id: int) -> None:
        with self._tx() as s:
            s.execute(update(NOTIFICATIONS).where(NOTIFICATIONS.c.id == notification_id).values(smtp_secret_ref=None))

