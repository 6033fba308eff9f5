"""The SQLite write-ahead log copied into the database file on a thread of its own.

By default SQLite checkpoints inside the commit that takes the WAL past 1,000 pages: that
commit copies every page the WAL holds into the database file and syncs it before it
returns. Queuing one text to 5,000 people writes ~5,800 pages (each recipient's name and id
index entries sit on pages of their own in a year-old history), so its commit did a full
checkpoint too: ~60 ms of the 0.35–0.45 s the operator waits (bench/history.py ``queue``),
and in the API a request whose batch crossed the line waited for it.

So the program's connections checkpoint only as a backstop (:data:`BACKSTOP_PAGES`, the WAL
never grows past ~40 MB even with nothing else running), and a :class:`WalCheckpointer`
started by the runtime runs ``PRAGMA wal_checkpoint(PASSIVE)`` once a second: it copies
what no reader still needs and waits for no reader or writer; with nothing new in the WAL
it costs one lock. Durability does not change: a transaction is durable when its commit
has synced the WAL (``synchronous = FULL``), before and after this.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

log = logging.getLogger("notifier.storage")

BACKSTOP_PAGES = 10_000  # PRAGMA wal_autocheckpoint of every connection (4 KiB pages: ~40 MB)
INTERVAL_S = 1.0


class WalCheckpointer:
    """Runs a passive checkpoint every ``interval`` seconds until :meth:`stop`; nothing on
    other databases than SQLite."""

    def __init__(self, engine: Engine, interval: float = INTERVAL_S) -> None:
        self.engine, self.interval = engine, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs = 0  # checkpoints run (tests wait on it)

    def start(self) -> WalCheckpointer:
        if self.engine.dialect.name == "sqlite" and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="notifier-wal-checkpoint", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.checkpoint()

    def checkpoint(self) -> tuple[int, int, int] | None:
        """One passive checkpoint: (busy, frames in the WAL, frames copied), or None when the
        database could not be reached (said in the log at debug level; the next one tries again)."""
        try:
            with self.engine.connect() as conn:
                raw: Any = conn.connection.dbapi_connection
                busy, frames, copied = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except (DBAPIError, OSError) as exc:
            log.debug("WAL checkpoint skipped: %s", type(exc).__name__)
            return None
        self.runs += 1
        return int(busy), int(frames), int(copied)
