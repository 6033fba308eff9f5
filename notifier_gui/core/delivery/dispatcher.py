"""Claims due notifications and runs their chains on a small pool of worker threads.

Threads, not asyncio: smtplib and requests block, and a handful of threads is all a desk
needs. Each worker thread owns its own channel objects (so an SMTP connection or an HTTP
session is reused across that thread's messages). The claiming loop runs in the thread
that calls :meth:`Dispatcher.run`.

The dispatcher performs the I/O (claims, channel calls, commits); what follows each outcome
is decided by :mod:`.states`, the delivery state machine, never here.

Events (:mod:`.events`: :class:`AttemptStarted`, :class:`AttemptFinished`,
:class:`NotificationUpdated`) go to ``on_event`` from worker threads, always *after* the
matching commit; :class:`WorkerStatus` says when the worker pauses because the database
cannot be written (a full disk, :mod:`.durable`) and when it goes on.

Leases: the claiming thread claims for the process (owner ``<instance>/q``); the worker
slot that takes a notification becomes its owner (``<instance>/<slot>``) with its first
write. The claiming thread's heartbeat renews every lease the process holds every few
seconds, so a call slower than the lease never lets anyone take the work; expired leases
are taken over only from owners known to be dead (see :mod:`.identity`).
"""
from __future__ import annotations

import logging
import queue
import random
import threading
import time
from dataclasses import replace
from pathlib import Path

from ..messages import Template
from ..records import LeaseLost, Work
from ..secrets import CredentialStore, SecretStoreError
from ..storage.repository import Store
from .channels import ChannelFactory
from .channels.base import Channel, Message
from .durable import FullDiskPause, storage_full
from .errors import CredentialsRejected, DeliveryError, Held, Throttled
from .events import (
    AttemptFinished,
    AttemptStarted,
    ChannelHeld,
    Event,
    EventSink,
    NotificationUpdated,
    WorkerStatus,
)
from .identity import machine_id, parse_owner, process_alive, process_instance
from .policy import Policy, delivered_how, longest_wait
from .receipts import ReceiptPoller, final_report
from .smtp_guard import HOLD_RECHECK
from .states import (
    FINISHED,
    INTERRUPTED,
    Awaiting,
    Continue,
    Delivered,
    Failed,
    SendOutcome,
    Step,
    after_receipt,
    after_send,
    failure,
    hold,
    state_after,
)

__all__ = ["AttemptFinished", "AttemptStarted", "ChannelHeld", "Dispatcher", "Event", "EventSink",
           "NotificationUpdated", "WorkerStatus", "storage_full"]

log = logging.getLogger("notifier.dispatcher")

# -- messages: the dispatcher's own attempt details (core/messages.py)
UNKNOWN_CHANNEL = Template("dispatcher.unknown_channel", "unknown channel {channel}")
CHANNEL_CRASHED = Template("dispatcher.channel_crashed", "internal error in the {channel} channel ({error}); see the log")


class Dispatcher:
    def __init__(
        self,
        store: Store,
        channel_factory: ChannelFactory,
        secrets: CredentialStore,
        policy: Policy,
        concurrency: int = 4,
        lease_seconds: float = 120.0,
        on_event: EventSink | None = None,
        rng: random.Random | None = None,
        owner: str | None = None,
        poll_interval: float = 0.5,
        data_dir: Path | None = None,
        receipt_sweep: float = 15.0,
        receipt_first_gap: float = 10.0,
    ) -> None:
        self.store = store
        self.channel_factory = channel_factory
        self.secrets = secrets
        self.policy = policy
        self.concurrency = concurrency
        self.lease_seconds = lease_seconds
        self.on_event = on_event or (lambda e: None)
        self.rng = rng or random.Random()
        self._rng_lock = threading.Lock()
        # ``owner``: this process's instance id (tests give two dispatchers in one process
        # different ones, e.g. "other-machine/1/1"); leases are held by "<owner>/<slot>".
        self.owner = owner or process_instance(data_dir)
        parsed = parse_owner(f"{self.owner}/q")
        self.machine = parsed.machine if parsed else machine_id(data_dir)
        self.claim_owner = f"{self.owner}/q"
        self.slot_owners = [f"{self.owner}/{i}" for i in range(concurrency)]
        self.poll_interval = poll_interval
        # Renew leases well before they run out: a quarter of the lease, at most 10 s.
        self.heartbeat_seconds = min(max(lease_seconds / 4, 0.05), 10.0)
        self._next_beat = 0.0
        self._reclaim: list[str] = []
        self._wake = threading.Event()
        self._paused = threading.Event()
        self._idle = threading.Condition()
        self._busy = 0
        self._local: queue.Queue[Work | None] = queue.Queue()
        self.backlog = 3  # claimed per worker at most (in hand + waiting in the local queue)
        self.hold_recheck = HOLD_RECHECK  # how often a held notification is looked at again
        # Database writes that wait out a full disk (it stops waiting for run()'s ``stop``).
        self._durably = FullDiskPause(lambda e: self.on_event(e), log)
        # Delivery reports are polled by a thread of their own (only if a channel waits for them).
        self.receipts = ReceiptPoller(store, channel_factory, lambda ids: self.wake(),
                                      sweep=receipt_sweep, first_gap=receipt_first_gap, owner=f"{self.owner}/r")

    # -- control (any thread) ---------------------------------------------------------
    def wake(self) -> None:
        """New work was queued in this process: claim now instead of at the next poll."""
        self._wake.set()

    def pause(self) -> None:
        self._paused.set()

    def resume(self) -> None:
        self._paused.clear()
        self._wake.set()

    @property
    def paused(self) -> bool:
        return self._paused.is_set()

    # -- leases -----------------------------------------------------------------------
    def _dead(self, owner: str) -> bool:
        """Whether the owner of an *expired* lease may be taken over.

        Never this process (its slots are alive by definition). An owner on this machine:
        only if its process is gone, whatever the clocks say (a clock step forward makes
        every lease look expired). An owner on another machine: its lease expired on the
        database's clock, so its heartbeat stopped; no local pid lookup is made for it.
        """
        if owner.startswith(self.owner + "/"):
            return False
        parsed = parse_owner(owner)
        if parsed is not None and parsed.machine == self.machine:
            return not process_alive(parsed.pid, parsed.created)
        return True

    def _beat(self) -> None:
        """Renew this process's leases; learn which expired ones may be reclaimed."""
        beat = self._durably(lambda: self.store.heartbeat(
            [self.claim_owner, *self.slot_owners], self.lease_seconds, longest_wait(self.policy)), lambda: None)
        if beat is not None:
            self._reclaim = [o for o in beat.expired_owners if self._dead(o)]
        self._next_beat = time.monotonic() + self.heartbeat_seconds

    # -- start-up recovery ------------------------------------------------------------
    def recover(self) -> int:
        """Release leases of dead processes on this machine; drop per-send secrets of finished work."""
        dead = [o for o in self.store.lease_owners()
                if (p := parse_owner(o)) is not None and p.machine == self.machine and self._dead(o)]
        n = self.store.expire_leases_of(dead)
        if n:
            log.warning("reclaiming %d notification(s) from %d stopped worker(s)", n, len(dead))
        for nid, ref in self.store.finished_secret_refs():
            self._drop_secret(nid, ref)
        try:
            self.secrets.sweep_per_send(self.store.secret_refs_in_use())
        except OSError as exc:
            log.error("per-send SMTP passwords were not checked: %s", exc)
        return n

    # -- main loop --------------------------------------------------------------------
    def run(self, stop: threading.Event, until_done: bool = False, max_seconds: float | None = None) -> None:
        self._durably.stop = stop
        self._durably(self.recover, lambda: 0)
        deadline = time.monotonic() + max_seconds if max_seconds else None
        threads = [threading.Thread(target=self._worker, args=(slot,), name=f"notifier-worker-{i}", daemon=True)
                   for i, slot in enumerate(self.slot_owners)]
        receipts_stop = threading.Event()
        if self.policy.confirm:
            threads.append(threading.Thread(target=self.receipts.run, args=(receipts_stop,),
                                            name="notifier-receipts", daemon=True))
        for t in threads:
            t.start()
        log.info("dispatcher %s started with %d worker(s)", self.owner, self.concurrency)
        try:
            while not stop.is_set():
                if deadline is not None and time.monotonic() >= deadline:
                    break
                if time.monotonic() >= self._next_beat:
                    self._beat()
                claimed = 0
                if not self._paused.is_set():
                    # Claim in batches and keep a small backlog per worker: one claim
                    # transaction per few notifications instead of one per notification.
                    with self._idle:
                        busy = self._busy
                    free = self.backlog * self.concurrency - busy if busy <= self.concurrency else 0
                    if free > 0:
                        nothing: list[Work] = []
                        for work in self._durably(lambda: self.store.claim(
                                self.claim_owner, free, self.lease_seconds, self._reclaim), lambda: nothing):
                            with self._idle:
                                self._busy += 1
                            self._local.put(work)
                            claimed += 1
                if claimed:
                    continue
                if until_done and not self._paused.is_set():
                    with self._idle:
                        busy = self._busy
                    if busy == 0 and self.store.pending() == 0:
                        break
                self._sleep(stop)
        finally:
            receipts_stop.set()
            for _ in range(self.concurrency):
                self._local.put(None)
            for t in threads:
                t.join()
            log.info("dispatcher %s stopped", self.owner)

    def _sleep(self, stop: threading.Event) -> None:
        wait = min(self.poll_interval, max(self._next_beat - time.monotonic(), 0.0))
        with self._idle:
            full = self._busy >= self.concurrency
        if not full:
            nxt = self.store.next_due()
            if nxt is not None:
                wait = min(wait, max((nxt - self.store.clock()).total_seconds(), 0.0))
        self._wake.wait(max(wait, 0.005))
        self._wake.clear()

    # -- workers ----------------------------------------------------------------------
    def _worker(self, slot: str) -> None:
        channels: dict[str, Channel] | None = None
        try:
            while True:
                work = self._local.get()
                if work is None:
                    return
                work = replace(work, owner=slot)  # this slot takes it over with its first write
                try:
                    if channels is None:
                        channels = self.channel_factory()
                    if self._paused.is_set():
                        self._durably(lambda: self.store.release(work))
                    else:
                        self._process(work, channels)
                except LeaseLost as exc:
                    log.warning("%s", exc)
                except Exception:
                    log.exception("notification %d: internal error; it will be tried again in a minute", work.id)
                    self._give_back(work)
                finally:
                    with self._idle:
                        self._busy -= 1
                    self._wake.set()
        finally:
            for ch in (channels or {}).values():
                try:
                    ch.close()
                except Exception:  # closing must never kill the worker thread's exit
                    log.exception("closing channel %s", ch.name)

    def _give_back(self, work: Work) -> None:
        """After an internal error: the heartbeat would keep renewing the lease of work no
        slot is working on, so hand it back to the queue, due again in a minute."""
        try:
            self._durably(lambda: self.store.release(work, delay=60.0))
        except Exception:
            log.exception("notification %d: could not be given back; its lease ends when this process does", work.id)

    def _message(self, work: Work) -> Message:
        password = None
        if work.smtp_secret_ref:
            try:
                password = self.secrets.get(work.smtp_secret_ref)
            except SecretStoreError as exc:
                log.error("notification %d: %s", work.id, exc)
        return Message(work.id, work.recipient, work.subject, work.body, work.html_body,
                       work.smtp_user, password)

    def _process(self, work: Work, channels: dict[str, Channel]) -> None:
        """Run ``work``'s chain from its cursor: the I/O and the commits; :mod:`.states` says
        what each outcome leads to."""
        if work.open_attempts:  # a previous worker died mid-call
            resumed = self._resume(work)
            if resumed is None:
                return
            work = resumed
        if work.awaiting_attempt_id is not None:  # its delivery report came in, or the window is over
            settled = self._settle(work, channels)
            if settled is None:
                return
            work = settled
        msg = self._message(work)
        while True:
            channel_name = work.channels[work.cursor.channel_index]
            channel = channels.get(channel_name)
            reason = channel.unavailable_reason(msg) if channel else UNKNOWN_CHANNEL(channel=channel_name)
            if channel is not None and not reason and self._held(work, channel, msg):
                return
            attempt_id: int | None = None
            retry_after: float | None = None
            throttled = False
            held: ChannelHeld | None = None
            provider_id: str | None = None
            outcome: SendOutcome
            if reason:
                outcome, detail = "unavailable", reason
                started = self.store.clock()
            else:
                assert channel is not None
                attempt_id, started = self._durably(
                    lambda: self.store.start_attempt(work, channel_name, self.lease_seconds, work.owner))
                self.on_event(AttemptStarted(attempt_id, work.id, work.recipient.name, channel_name, started))
                try:
                    sent = channel.send(msg)
                    outcome, detail, provider_id = "delivered", sent.detail, sent.provider_message_id
                except DeliveryError as exc:
                    outcome, detail, retry_after = failure(exc.outcome), exc.detail, exc.retry_after
                    throttled = isinstance(exc, Throttled)
                    if isinstance(exc, (Held, CredentialsRejected)) and exc.first:  # told after the commit below
                        held = ChannelHeld(channel_name, self.secrets.redactor(exc.detail), isinstance(exc, Held))
                except Exception as exc:  # a bug in a channel must not lose the notification
                    log.exception("channel %s crashed on notification %d", channel_name, work.id)
                    outcome, detail = "transient", CHANNEL_CRASHED(channel=channel_name, error=type(exc).__name__)
            detail = self.secrets.redactor(detail)
            with self._rng_lock:
                step, recorded = after_send(
                    self.policy, work.channels, work.cursor, outcome, self.store.clock(), work.queued_at, self.rng,
                    retry_after=retry_after, throttled=throttled,
                    receipts=bool(channel is not None and channel.receipt_batch and provider_id))
            finished = self._durably(lambda: self.store.finish_attempt(
                work, attempt_id, channel_name, recorded, detail, step, provider_id, self.lease_seconds))
            self.on_event(AttemptFinished(attempt_id, work.id, work.recipient.name, channel_name, recorded, detail,
                                          started, finished))
            if held is not None:
                self.on_event(held)
            how = None
            if isinstance(step, Delivered):
                how = delivered_how(channel_name, recorded, getattr(channel, "receipt_title", "") if channel_name == "sms" else "")
                log.info("notification %d delivered via %s: %s", work.id, channel_name, how)
            going_on = self._go_on(work, step, how)
            if going_on is None:
                return
            work = going_on

    def _resume(self, work: Work) -> Work | None:
        """Close the attempts a dead worker left open; their channel is tried again (the
        work with its next cursor if this worker goes on with it now, else None)."""
        self._durably(lambda: self.store.interrupt_open_attempts(work))
        now = self.store.clock()
        for aid, ch in work.open_attempts:
            self.on_event(AttemptFinished(aid, work.id, work.recipient.name, ch, "interrupted",
                                          INTERRUPTED(), now, now))
        with self._rng_lock:
            step, _ = after_send(self.policy, work.channels, work.cursor, "interrupted", self.store.clock(),
                                 work.queued_at, self.rng)
        self._durably(lambda: self.store.save_step(work, step))
        return self._go_on(work, step)

    def _settle(self, work: Work, channels: dict[str, Channel]) -> Work | None:
        """Apply the second stage of ``work``'s accepted attempt (see :mod:`.receipts`): the
        work with the chain's next cursor if this worker goes on with it now, else None."""
        assert work.awaiting_attempt_id is not None
        channel_name = work.channels[work.cursor.channel_index]
        window = self.policy.confirm_window(channel_name)
        for _ in range(3):  # a report stored by the poller meanwhile: read again and decide again
            report = final_report(self.store, work, channels.get(channel_name), window)
            with self._rng_lock:
                step = after_receipt(self.policy, work.channels, work.cursor, report.cls, self.store.clock(),
                                     work.queued_at, self.rng)
            detail = self.secrets.redactor(report.detail)
            done = self._durably(lambda: self.store.settle_receipt(
                work, report.outcome, None if report.cls == "confirmed" else report.cls, detail, step,
                self.lease_seconds))
            if done is not None:
                break
        else:
            raise RuntimeError(f"notification {work.id}: its delivery report kept changing")
        self.on_event(AttemptFinished(work.awaiting_attempt_id, work.id, work.recipient.name, channel_name,
                                      report.outcome, detail, report.accepted_at or done, done))
        how = None
        if report.outcome == "confirmed":
            how = delivered_how(channel_name, "confirmed", getattr(channels.get(channel_name), "receipt_title", ""))
            log.info("notification %d delivered via %s: %s", work.id, channel_name, how)
        else:
            log.warning("notification %d: %s not delivered (%s: %s); the chain goes on",
                        work.id, channel_name, report.cls, detail)
        return self._go_on(work, step, how)

    def _held(self, work: Work, channel: Channel, msg: Message) -> bool:
        """The channel holds this message's credentials: wait without an attempt or a try."""
        reason = channel.held_reason(msg)
        if reason is None:
            return False
        step = hold(self.policy, work.cursor, self.store.clock(), work.queued_at, self.hold_recheck, reason)
        self.store.save_step(work, step)
        if isinstance(step, Failed):  # its lifetime ended while held: say so
            self._go_on(work, step)
        return True

    def _go_on(self, work: Work, step: Step, how: str | None = None) -> Work | None:
        """After ``step`` was saved: a :class:`~.states.Continue` gives the work at its next
        cursor, for this worker to go on with now; any other step is reported, and None."""
        if isinstance(step, Continue):
            return replace(work, cursor=step.cursor, open_attempts=(), awaiting_attempt_id=None)
        name, state = work.recipient.name, state_after(step)
        if isinstance(step, Awaiting):
            self.on_event(NotificationUpdated(work.id, name, state, next_attempt_at=step.at, awaiting_receipt=True))
        elif isinstance(step, Delivered):
            self.on_event(NotificationUpdated(work.id, name, state, delivered_via=step.channel, how=how))
        elif isinstance(step, Failed):
            log.warning("notification %d failed: %s", work.id, step.reason)
            self.on_event(NotificationUpdated(work.id, name, state, reason=step.reason))
        else:
            self.on_event(NotificationUpdated(work.id, name, state, next_attempt_at=step.at))
        if state in FINISHED and work.smtp_secret_ref:
            self._drop_secret(work.id, work.smtp_secret_ref)
        return None

    def _drop_secret(self, notification_id: int, ref: str) -> None:
        # One entry serves a whole send: it goes when its last unfinished notification does
        # (a failed delete leaves the intent, and the next start's sweep tries again).
        try:
            self._durably(lambda: self.store.clear_secret_ref(notification_id))
            if not self.store.secret_ref_in_use(ref):
                self.secrets.drop_per_send(ref)
        except SecretStoreError as exc:
            log.error("notification %d: per-send password not removed: %s", notification_id, exc)
