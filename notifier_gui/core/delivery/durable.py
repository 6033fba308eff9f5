"""A full disk: database writes that pause and try again until the database takes them.

The dispatcher runs every write through :class:`FullDiskPause`; the window and the CLI are
told once when the worker pauses and once when it goes on (:class:`~.events.WorkerStatus`).
"""
from __future__ import annotations

import errno
import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from .events import EventSink, WorkerStatus

T = TypeVar("T")
STORAGE_FULL_RETRY = (1.0, 2.0, 5.0, 10.0, 30.0)  # seconds between tries while the disk is full


def storage_full(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) says the database's disk is full."""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if getattr(e, "sqlite_errorcode", None) == 13:  # SQLITE_FULL
            return True
        if getattr(e, "sqlstate", None) == "53100":  # PostgreSQL disk_full
            return True
        if isinstance(e, OSError) and e.errno == errno.ENOSPC:
            return True
        if "database or disk is full" in str(e):
            return True
        e = getattr(e, "orig", None) or e.__cause__ or e.__context__
    return False


class FullDiskPause:
    """Runs database writes; while the disk is full, pauses and tries again."""

    def __init__(self, on_event: EventSink, log: logging.Logger) -> None:
        self.on_event = on_event
        self.log = log
        self.stop = threading.Event()  # the claiming thread's writes give up once it is set
        self._lock = threading.Lock()
        self._full = 0  # callers currently waiting for the database to take writes again

    def __call__(self, write: Callable[[], T], on_stop: Callable[[], T] | None = None) -> T:
        """Run a database write; while the disk is full, pause and try again.

        A worker's write holds an outcome (an attempt that happened): it is tried until it
        is recorded, even when a stop is requested, so nothing is lost; if the operator
        kills the process meanwhile, the attempt is "interrupted" and retried. The claiming
        thread's writes hold nothing: with ``on_stop`` they give up when a stop is requested.
        """
        waits = iter(STORAGE_FULL_RETRY)
        wait = 0.0
        waiting = False
        try:
            while True:
                try:
                    return write()
                except Exception as exc:
                    if not storage_full(exc):
                        raise
                    if not waiting:
                        waiting = True
                        self._state(+1, exc)
                    wait = next(waits, wait)
                    if on_stop is not None:
                        if self.stop.wait(wait):
                            return on_stop()
                    else:
                        time.sleep(wait)
        finally:
            if waiting:
                self._state(-1, None)

    def _state(self, change: int, exc: BaseException | None) -> None:
        with self._lock:
            before = self._full
            self._full += change
            after = self._full
        if before == 0 and after > 0:
            self.log.error("the database cannot be written (disk full?); the worker pauses and retries: %s",
                      str(exc).splitlines()[0] if exc else "")
            self.on_event(WorkerStatus("storage_full", "the disk holding the database is full"))
        elif before > 0 and after == 0:
            self.log.warning("the database takes writes again; the worker goes on")
            self.on_event(WorkerStatus("running"))
