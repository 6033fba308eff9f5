"""One writer thread for the API's enqueues: requests await, the writer commits them in batches.

A request validates its body on the event loop, then hands the send to :class:`Batcher`
and awaits it. The writer thread takes everything that waited meanwhile, reads the
batch's recipients with one query, plans each send, and queues them all with
``Store.enqueue_batch``: one transaction, one commit (one fsync) for the batch, each send
under its own savepoint so a failing one fails alone. Only after that commit are the
requests' futures resolved, so each 201 still follows its own row's durable commit.

Compared with one thread-pool thread per request (each taking the store's locks), the
event loop does no thread hop per request beyond waking one thread, and the busy writer
never waits for requests to be scheduled: the more requests wait, the larger its batch.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ..core.records import EnqueueRequest
from ..core.runtime import Runtime
from ..core.sending import SendPlan, enqueue_args, plan_among
from ..core.storage.repository import UnknownRecipients
from ..core.templates import has_placeholders

log = logging.getLogger("notifier.api")

MAX_BATCH = 512  # sends per transaction; a larger backlog is taken in several commits


@dataclass
class Send:
    """One request's send (already validated): what ``enqueue_send`` gets, without a password."""

    ids: list[int]
    subject: str
    message: str
    channels: list[str] | None
    source: str


class QueuedSend(NamedTuple):
    """What one request queued, as the host's ``on_queued`` gets it."""

    ids: list[int]  # the notifications, one per recipient
    recipient_ids: list[int]
    source: str  # e.g. "API 127.0.0.1"


class Missing(Exception):
    """The send names recipients that do not exist; nothing of it was written."""

    def __init__(self, ids: Sequence[int]) -> None:
        super().__init__(ids)
        self.ids = list(ids)


@dataclass
class _Item:
    send: Send
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[list[int]]


def _settle(done: list[tuple[_Item, list[int] | BaseException]]) -> None:
    """On the event loop: answer each waiting request (unless it was cancelled meanwhile)."""
    for item, result in done:
        if item.future.done():
            continue
        if isinstance(result, BaseException):
            item.future.set_exception(result)
        else:
            item.future.set_result(result)


class Batcher:
    """The writer thread; started on the first send, stopped by :meth:`close`."""

    def __init__(self, runtime: Runtime,
                 on_queued: Callable[[list[QueuedSend]], None] | None = None) -> None:
        self.runtime = runtime
        self.on_queued = on_queued
        self._cond = threading.Condition()
        self._items: list[_Item] = []
        self._thread: threading.Thread | None = None
        self._closed = False
        self.commits = 0  # batches written (tests and the bench read it)

    async def enqueue(self, send: Send) -> list[int]:
        """Queue ``send``; returns its notification ids once they are committed.
        Raises :class:`Missing`, ``ValidationError`` (e.g. a duplicate key), or the
        transaction's error."""
        loop = asyncio.get_running_loop()
        item = _Item(send, loop, loop.create_future())
        with self._cond:
            if self._closed:
                raise RuntimeError("the API is stopping")
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="notifier-api-writer", daemon=True)
                self._thread.start()
            self._items.append(item)
            self._cond.notify()
        # A client that disconnects cancels this await (the future): the send stays queued
        # and is written all the same; _settle skips the cancelled future.
        return await item.future

    def close(self, timeout: float = 10.0) -> None:
        """Write what is still waiting, then stop the thread."""
        with self._cond:
            self._closed = True
            self._cond.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._items and not self._closed:
                    self._cond.wait()
                if not self._items:
                    return
                batch, self._items = self._items[:MAX_BATCH], self._items[MAX_BATCH:]
            try:
                results = self._write(batch)
            except BaseException as exc:  # the whole transaction failed: every send in it did
                log.error("the API could not queue %d notification(s): %s", len(batch),
                          self.runtime.secrets.redactor(f"{type(exc).__name__}: {exc}"))
                results = [exc] * len(batch)
            self._report(batch, results)  # before the answers, as the thread-pool path does
            by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Item, list[int] | BaseException]]] = {}
            for item, result in zip(batch, results):
                by_loop.setdefault(item.loop, []).append((item, result))
            for loop, done in by_loop.items():  # one wake-up per loop per batch
                try:
                    loop.call_soon_threadsafe(_settle, done)
                except RuntimeError:  # that loop is closed: nobody waits any more
                    pass

    def _write(self, batch: list[_Item]) -> list[list[int] | BaseException]:
        rt = self.runtime
        # Placeholders ({name}) need the people read first; plain texts do not (the store
        # checks in its transaction that the recipients exist).
        templated = [has_placeholders(item.send.subject) or has_placeholders(item.send.message) for item in batch]
        people = rt.store.recipients_by_id(
            i for item, t in zip(batch, templated) if t for i in item.send.ids) if any(templated) else {}
        results: list[list[int] | BaseException | None] = []
        sends: list[EnqueueRequest] = []
        for item, t in zip(batch, templated):
            s = item.send
            if t:
                plan = plan_among(people, s.ids, s.subject, s.message)
            else:
                plan = SendPlan(s.ids, None, None, [], [])
            if plan.missing:
                results.append(Missing(plan.missing))
            else:
                results.append(None)  # its outcome comes from the batch's transaction
                sends.append(enqueue_args(rt, plan, s.subject, s.message, s.channels, None, None,
                                          queued_by=s.source))
        outcomes = iter(rt.store.enqueue_batch(sends) if sends else [])
        if sends:
            self.commits += 1
        done: list[list[int] | BaseException] = []
        for r in results:
            outcome = next(outcomes) if r is None else r
            done.append(Missing(outcome.ids) if isinstance(outcome, UnknownRecipients) else outcome)
        return done

    def _report(self, batch: list[_Item], results: list[list[int] | BaseException]) -> None:
        """After the commit and before the answers: log what was queued (one line per source
        per batch) and tell the host once per batch, one ``QueuedSend`` per request (the
        window's delivery log shows one row per request, with its source; what the host
        does per call, such as reading names, it does once per batch)."""
        grouped: dict[str, list[int]] = {}
        sends: list[QueuedSend] = []
        for item, result in zip(batch, results):
            if isinstance(result, list):
                grouped.setdefault(item.send.source, []).extend(result)
                sends.append(QueuedSend(result, item.send.ids, item.send.source))
        if sends and self.on_queued is not None:
            try:
                self.on_queued(sends)
            except Exception:  # a courtesy to the host: the rows are committed anyway
                log.warning("the API's on_queued callback failed", exc_info=True)
        for source, nids in grouped.items():
            log.info("%s queued %s", source, ", ".join(f"#{n}" for n in nids))
