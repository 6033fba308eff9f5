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

HOLD_RECHECK = 60.0  # seconds between looks at a held notification (no login, no attempt row)


def credential_key(host: str, port: int, user: str | None, password: str | None) -> str:
    """A key for one set of credentials; the password only as a salted digest, in memory."""
    raw = "\0".join((host.lower(), str(port), user or "", password or ""))
    return hashlib.sha256(b"notifier-breaker\0" + raw.encode("utf-8", "surrogatepass")).hexdigest()


class CredentialBreaker:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[str, str] = {}

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
            return new

    def reset(self) -> int:
        """The operator retries: every held credential may log in once more."""
        with self._lock:
            n = len(self._open)
            self._open.clear()
            return n


class ConnectionGate:
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

    def _grow(self) -> None:
        if self.limit is not None and self._clock() - self._since >= self.recover_after:
            self.limit = min(self.limit + 1, self._ceiling)
            self._since = self._clock()

    def acquire(self, timeout: float) -> bool:
        """A slot for one connection, waiting up to ``timeout`` seconds for one to free."""
        with self._cond:
            self._grow()
            if self.limit is not None and self.open >= self.limit:
                self.waiting += 1
                try:
                    ok = self._cond.wait_for(lambda: self.limit is None or self.open < self.limit, timeout)
                finally:
                    self.waiting -= 1
                if not ok:
                    return False
            self.open += 1
            return True

    def release(self) -> None:
        with self._cond:
            self.open = max(self.open - 1, 0)
            self._cond.notify()

    def siblings(self) -> int:
        """Connections open besides the caller's own slot."""
        with self._cond:
            return max(self.open - 1, 0)

    def throttle(self) -> int:
        """The server refused a connection: allow only the others that are up. Returns the limit."""
        with self._cond:
            self.refusals += 1
            self.limit = max(1, self.open - 1)
            self._since = self._clock()
            return self.limit

    @property
    def contended(self) -> bool:
        return self.waiting > 0


class EmailGuard:
    """The breaker and the gate of one process (held by :class:`~..pacing.Pacers`)."""

    def __init__(self, hold_recheck: float = HOLD_RECHECK, recover_after: float = 30.0) -> None:
        self.breaker = CredentialBreaker()
        self.gate = ConnectionGate(recover_after)
        self.hold_recheck = hold_recheck
