"""Rate limits shared by all worker threads of one channel.

A limiter hands out send slots on a schedule: at most ``rate`` per second overall and
``per_key_rate`` per second for one key (a Telegram chat), and nothing at all until a
server-imposed pause (429 ``retry_after``) is over. A caller that would have to wait longer
than ``max_wait`` gets :class:`Saturated` instead of blocking its worker, and turns it into a
transient failure with ``retry_after`` so the notification waits in the queue, not in a thread.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable

from .smtp_guard import EmailGuard


class Saturated(Exception):
    def __init__(self, wait: float) -> None:
        super().__init__(f"rate limit: next slot in {wait:.2f} s")
        self.wait = wait


class RateLimiter:
    def __init__(
        self,
        rate: float,
        per_key_rate: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.key_interval = 1.0 / per_key_rate if per_key_rate else 0.0
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = 0.0
        self._paused_until = 0.0
        self._key_next: dict[Hashable, float] = {}

    def acquire(self, key: Hashable | None = None, max_wait: float = 5.0) -> float:
        """Take the next slot, sleeping until it comes; return the seconds waited."""
        with self._lock:
            now = self._clock()
            at = max(now, self._next, self._paused_until)
            if key is not None and self.key_interval:
                at = max(at, self._key_next.get(key, 0.0))
            wait = at - now
            if wait > max_wait:
                raise Saturated(wait)
            self._next = at + self.interval
            if key is not None and self.key_interval:
                self._key_next[key] = at + self.key_interval
                if len(self._key_next) > 10_000:
                    self._key_next = {k: t for k, t in self._key_next.items() if t > now}
        if wait > 0:
            self._sleep(wait)
        return wait

    def pause(self, seconds: float) -> None:
        """The server asked everyone to wait (429 retry_after): no slot before then."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    def paused_for(self) -> float:
        with self._lock:
            return max(0.0, self._paused_until - self._clock())


class Pacers:
    """One limiter per channel, shared by the worker threads of a process."""

    def __init__(self, telegram_rate: float = 25.0, telegram_chat_rate: float = 1.0, sms_rate: float = 1.0) -> None:
        self.telegram = RateLimiter(telegram_rate, telegram_chat_rate)
        self.sms = RateLimiter(sms_rate)
        self.email = EmailGuard()
