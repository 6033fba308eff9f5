"""Retention: archive, then remove, finished history older than a cut.

:func:`prune` works in three steps, each in short transactions so that workers keep
claiming and finishing while it runs:

1. *archive* (optional): every finished notification older than the cut, with its
   attempts, one JSON object per line in a gzip file, streamed in keyset batches;
2. *verify*: the archive is read back and must hold exactly the ids that were written
   (nothing is deleted otherwise);
3. *remove*: in batches of ``batch`` notifications, each batch one transaction that
   deletes the attempts, then the notifications — re-checking that each is still finished
   and older than the cut, so a notification retried meanwhile is kept. Queued and sending
   notifications are never touched. After each batch the pruner rests as long as the batch
   held the write lock: on SQLite a worker waiting for the lock otherwise lost the race to
   the next batch nearly every time (at 1,000,000 notifications its rate fell from ~105 to
   ~1 delivery a second while the batches ran; docs/PERFORMANCE.md).

Then the space goes back to the file system: on SQLite an incremental vacuum (the database
is switched to ``auto_vacuum=INCREMENTAL`` the first time, which needs one full VACUUM).
"""
from __future__ import annotations

import gzip
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select

from .storage.repository import Store
from .storage.schema import ATTEMPTS, FINISHED_STATES, NOTIFICATIONS

log = logging.getLogger("notifier.retention")

Progress = Callable[[str, int, int], None]  # (step, done, total); step: archive, verify, remove, vacuum


class PruneCancelled(Exception):
    """The operator stopped a prune; what was removed so far stays removed (and archived)."""


class ArchiveMismatch(Exception):
    """The archive read back does not hold what was written: nothing was deleted."""


@dataclass(frozen=True)
class PruneResult:
    notifications: int
    attempts: int
    archive: Path | None
    cut: datetime


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class Pruner:
    """Finished history older than ``cut`` (aware UTC) in ``store``'s database."""

    def __init__(self, store: Store, cut: datetime, batch: int = 500,
                 rest: Callable[[float], None] = time.sleep) -> None:
        self.store = store
        self.cut = cut
        self.batch = batch
        self.rest = rest  # called with the seconds to leave the write lock to others

    @classmethod
    def older_than(cls, store: Store, days: float, batch: int = 500,
                   rest: Callable[[float], None] = time.sleep) -> Pruner:
        return cls(store, store.clock() - timedelta(days=days), batch, rest)

    def _old(self) -> Any:
        N = NOTIFICATIONS
        return N.c.state.in_(FINISHED_STATES) & (N.c.finished_at < self.cut)

    def count(self) -> int:
        with self.store.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(NOTIFICATIONS).where(self._old())).scalar() or 0)

    def _ids(self) -> Iterator[list[int]]:
        """Ids of old finished notifications, in ascending batches (each batch its own read)."""
        N = NOTIFICATIONS
        after = 0
        while True:
            with self.store.engine.connect() as conn:
                ids = [int(i) for i in conn.execute(select(N.c.id).where(self._old(), N.c.id > after)
                                                    .order_by(N.c.id).limit(self.batch)).scalars()]
            if not ids:
                return
            yield ids
            after = ids[-1]

    def _records(self, ids: list[int]) -> list[dict[str, Any]]:
        N, A = NOTIFICATIONS, ATTEMPTS
        with self.store.engine.connect() as conn:
            notes = conn.execute(select(N).where(N.c.id.in_(ids)).order_by(N.c.id)).mappings().all()
            attempts: dict[int, list[dict[str, Any]]] = {}
            for a in conn.execute(select(A).where(A.c.notification_id.in_(ids)).order_by(A.c.id)).mappings():
                attempts.setdefault(a["notification_id"], []).append(
                    {k: (_iso(v) if isinstance(v, datetime) else v) for k, v in a.items()})
        out = []
        for n in notes:
            rec = {k: (_iso(v) if isinstance(v, datetime) else v) for k, v in n.items()}
            rec.pop("smtp_secret_ref", None)  # a keyring reference, meaningless outside this desk
            rec["attempts"] = attempts.get(n["id"], [])
            out.append(rec)
        return out

    def archive(self, path: Path, progress: Progress, cancelled: Callable[[], bool], total: int) -> list[int]:
        """Write the archive; returns the ids written (in order)."""
        written: list[int] = []
        tmp = path.with_name(path.name + ".part")
        with gzip.open(tmp, "wt", encoding="utf-8") as fh:
            for ids in self._ids():
                if cancelled():
                    raise PruneCancelled
                for rec in self._records(ids):
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                    written.append(rec["id"])
                progress("archive", len(written), total)
        tmp.replace(path)
        return written

    @staticmethod
    def verify(path: Path, ids: list[int], progress: Progress) -> None:
        """Read the whole archive back: every line parses and the ids are exactly ``ids``."""
        seen: list[int] = []
        try:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                for line in fh:
                    seen.append(int(json.loads(line)["id"]))
                    if len(seen) % 10_000 == 0:
                        progress("verify", len(seen), len(ids))
        except (OSError, EOFError, ValueError, KeyError) as exc:
            raise ArchiveMismatch(f"the archive {path} cannot be read back: {exc}") from None
        if seen != ids:
            raise ArchiveMismatch(f"the archive {path} holds {len(seen)} notifications, {len(ids)} were written")
        progress("verify", len(seen), len(ids))

    def remove(self, ids: list[int] | None, progress: Progress, cancelled: Callable[[], bool],
               total: int) -> tuple[int, int]:
        """Delete in batches (``ids``: only these, as archived; None: every old one)."""
        N, A = NOTIFICATIONS, ATTEMPTS
        batches: Iterator[list[int]] = (
            (ids[i:i + self.batch] for i in range(0, len(ids), self.batch)) if ids is not None else self._ids())
        notes = attempts = 0
        for part in batches:
            if cancelled():
                raise PruneCancelled
            held = time.monotonic()
            with self.store._tx() as conn:  # one short write transaction per batch
                still = [int(i) for i in conn.execute(select(N.c.id).where(N.c.id.in_(part), self._old())).scalars()]
                if still:
                    attempts += int(conn.execute(delete(A).where(A.c.notification_id.in_(still))).rowcount or 0)
                    notes += int(conn.execute(delete(N).where(N.c.id.in_(still), self._old())).rowcount or 0)
            progress("remove", notes, total)
            self.rest(time.monotonic() - held)  # as long again for the workers' transactions
        return notes, attempts

    def give_space_back(self, progress: Progress) -> None:
        engine = self.store.engine
        if engine.dialect.name != "sqlite":
            return  # PostgreSQL's autovacuum makes the space reusable
        progress("vacuum", 0, 1)
        with engine.connect() as conn:
            raw: Any = conn.connection.dbapi_connection
            mode = raw.execute("PRAGMA auto_vacuum").fetchone()[0]
            if mode != 2:  # not INCREMENTAL yet: switching needs one full VACUUM
                raw.execute("PRAGMA auto_vacuum = INCREMENTAL")
                raw.execute("VACUUM")
            else:
                # executescript steps the statement to the end; execute() would free one page.
                raw.executescript("PRAGMA incremental_vacuum;")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()  # the file shrinks at a checkpoint
        progress("vacuum", 1, 1)


def prune(store: Store, older_than_days: float, archive: Path | None = None,
          progress: Progress | None = None, cancelled: Callable[[], bool] | None = None,
          batch: int = 500, rest: Callable[[float], None] = time.sleep) -> PruneResult:
    """Archive (if asked), verify, then remove finished history older than the cut
    (``rest``: how the removal pauses between batches; tests record it)."""
    report: Progress = progress or (lambda step, done, total: None)
    stop: Callable[[], bool] = cancelled or (lambda: False)
    p = Pruner.older_than(store, older_than_days, batch, rest)
    total = p.count()
    ids: list[int] | None = None
    if archive is not None:
        ids = p.archive(archive, report, stop, total)
        Pruner.verify(archive, ids, report)
        total = len(ids)
    notes, attempts = p.remove(ids, report, stop, total)
    if notes:
        p.give_space_back(report)
    log.info("pruned %d notifications and %d attempts finished before %s", notes, attempts, p.cut.isoformat())
    return PruneResult(notes, attempts, archive, p.cut)
