"""What the worker threads of one process share about the SMTP server.

:class:`CredentialBreaker` remembers credentials the server rejected (535), so that one
wrong password costs one failed login, not one per queued notification: providers and
fail2ban lock an account after a handful. It opens per credential (server, login and a
hash of the password: a changed password is a different key, so fixing it in Settings
releases the work at once) and closes when the operator retries (:meth:`reset`).

:class:`ConnectionGate` bounds the number of simultaneous SMTP connections, adaptively:
unbounded until the server says "too many connections" (421 at connect, or a refused or
reset connection while sibling connections are up), then at most the number that were
open, growing back by one per ``recover_after`` seconds without another refusal. A
refusal is a throttle of the channel, not a failed try (DESIGN.md "Error classes").
"""
from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from typing import Any

# An idle pooled connection: (the connection, how to close it, when it was last used).
Idle = tuple[Any, Callable[[Any], None], float]

HOLD_RECHECK = 60.0  # seconds between looks at a held notification (no login, no attempt row)


def credential_key(host: str, port: int, user: str | None, password: str | None) -> str:
    """A key for one set of credentials; the password only as a salted digest, in memory."""
    raw = "\0".join((host.lower(), str(port), user or "", password or ""))
    return hashlib.sha256(b"notifier-breaker\0" + raw.encode("utf-8", "surrogatepass")).hexdigest()


class CredentialBreaker:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[str, str] = {}
        self._good: set[str] = set()
        self._first: dict[str, threading.Lock] = {}

    def first_login(self, key: str) -> threading.Lock | None:
        """Credentials not yet accepted log in one worker at a time: with four workers
        starting together, a wrong password must still cost one failed login, not four.
        None once the server has accepted them (workers then log in side by side)."""
        if key in self._good:
            return None
        with self._lock:
            return self._first.setdefault(key, threading.Lock())

    def accepted(self, key: str) -> None:
        with self._lock:
            self._good.add(key)
            self._first.pop(key, None)

    def reason(self, key: str) -> str | None:
        if not self._open:  # the common case, without the lock
            return None
        with self._lock:
            return self._open.get(key)

    def any_open(self) -> bool:
        return bool(self._open)

    def trip(self, key: str, reason: str) -> bool:
        """Hold ``key``; True if it was not held before (tell the operator then, once)."""
        with self._lock:
            new = key not in self._open
            self._open[key] = reason
            self._good.discard(key)
            return new

    def reset(self) -> int:
        """The operator retries: every held credential may log in once more."""
        with self._lock:
            n = len(self._open)
            self._open.clear()
            return n


class ConnectionGate:
    """A pool of SMTP connections shared by the worker threads, with an adaptive limit.

    A worker checks a connection out for one message and back in after it, so an idle
    worker never sits on a slot another one needs, and a limit below the number of workers
    costs no reconnects. ``open`` counts connections checked out, being opened, and idle.
    """

    def __init__(self, recover_after: float = 30.0, clock: Callable[[], float] = time.monotonic,
                 ceiling: int = 64) -> None:
        self.recover_after = recover_after
        self._clock = clock
        self._ceiling = ceiling
        self._cond = threading.Condition()
        self.open = 0
        self.limit: int | None = None  # None: the server has not limited us
        self.waiting = 0
        self.refusals = 0
        self._since = 0.0
        self._idle: dict[str, list[Idle]] = {}

    def _grow(self) -> None:
        if self.limit is not None and self._clock() - self._since >= self.recover_after:
            self.limit = min(self.limit + 1, self._ceiling)
            self._since = self._clock()

    def _room(self) -> bool:
        return self.limit is None or self.open < self.limit

    def checkout(self, key: str, timeout: float) -> tuple[Idle | None, bool]:
        """(an idle connection for ``key``, True), or (None, True) with a slot reserved for a
        new one, or (None, False) if none freed within ``timeout`` seconds. An idle
        connection of other credentials is closed to make room when the pool is full."""
        victims: list[Idle] = []
        try:
            with self._cond:
                deadline = self._clock() + timeout
                while True:
                    self._grow()
                    mine = self._idle.get(key)
                    if mine:
                        return mine.pop(), True
                    if self._room():
                        self.open += 1
                        return None, True
                    other = next((k for k, v in self._idle.items() if v), None)
                    if other is not None:
                        victims.append(self._idle[other].pop())
                        self.open -= 1
                        continue
                    left = deadline - self._clock()
                    if left <= 0:
                        return None, False
                    self.waiting += 1
                    try:
                        self._cond.wait(left)
                    finally:
                        self.waiting -= 1
        finally:
            for conn, closer, _ in victims:
                closer(conn)

    def checkin(self, key: str, item: Idle) -> None:
        with self._cond:
            self._idle.setdefault(key, []).append(item)
            self._cond.notify()

    def discard(self) -> None:
        """A checked-out (or reserved) connection is gone."""
        with self._cond:
            self.open = max(self.open - 1, 0)
            self._cond.notify()

    def drain(self) -> None:
        """Close every idle connection (a worker stops)."""
        with self._cond:
            items = [i for v in self._idle.values() for i in v]
            self._idle.clear()
            self.open = max(self.open - len(items), 0)
            self._cond.notify_all()
        for conn, closer, _ in items:
            closer(conn)

    def siblings(self) -> int:
        """Connections open besides the caller's own slot."""
        with self._cond:
            return max(self.open - 1, 0)

    def throttle(self) -> int:
        """The server refused a connection: allow only the others that are up. Returns the limit."""
        with self._cond:
            self.refusals += 1
            self.limit = max(1, min(self.limit or self._ceiling, self.open - 1))
            self._since = self._clock()
            return self.limit


class EmailGuard:
    """The breaker and the gate of one process (held by :class:`~..pacing.Pacers`)."""

    def __init__(self, hold_recheck: float = HOLD_RECHECK, recover_after: float = 30.0) -> None:
        self.breaker = CredentialBreaker()
        self.gate = ConnectionGate(recover_after)
        self.hold_recheck = hold_recheck
        # Why the bounce mailbox could not be read the last time it was tried (None: it was
        # read): the receipts thread sets it, a worker ending an email's window reads it. A
        # plain attribute: one reference, replaced whole.
        self.mailbox_problem: str | None = None
