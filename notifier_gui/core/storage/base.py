"""The shared ground of :class:`~.repository.Store`: the engine, the queue's clock, write
transactions and the group commit, and "this notification is still ours" (the lease check).

The store's parts (:mod:`.queue`, :mod:`.attempts`, :mod:`.reads`) each extend this class;
:mod:`.repository` composes them. Writers run on an engine whose transactions start with
``BEGIN IMMEDIATE`` on SQLite, so a claim (subselect + update in one ``UPDATE … RETURNING``)
is atomic across processes. Every public method is one transaction.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Float, and_, bindparam, func, literal_column, select, update
from sqlalchemy.sql.elements import ColumnElement

from ..records import LeaseLost, Work
from .engine import writer
from .schema import NOTIFICATIONS, UTCDateTime, utcnow

T = TypeVar("T")


class _Pending:
    """One operation waiting for a group commit."""

    __slots__ = ("op", "result", "error", "done")

    def __init__(self, op: Callable[[Connection], Any]) -> None:
        self.op = op
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = False


class StoreBase:
    """What every part of the store shares: one engine, its clock, its write transactions.

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

    # -- our own notifications --------------------------------------------------------
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

