"""Delivery receipts: the second stage of an accepted attempt (DESIGN.md "Delivery semantics").

A provider that accepts a message (Twilio 201 ``queued``, SMS.ru 100, the Android gateway's
202) has not delivered it yet. On a channel that gives delivery reports and has a
confirmation window (``SMS_CONFIRM_TIMEOUT``), the attempt becomes ``accepted`` and the
notification waits, queued and due at the end of the window (:class:`~.states.Awaiting`):
no worker is held, and a restart or a SIGKILL loses nothing.

- :class:`ReceiptPoller` (one thread per dispatcher) asks the providers about outstanding
  messages, in batches (SMS.ru: 100 ids per request) and paced (each channel's
  ``receipt_rate``; each message is asked again after a growing gap). A final report
  (``confirmed`` / ``undelivered`` with the provider's reason and class) is stored and makes
  the notification due at once.
- One process polls at a time, however many workers share the database: the poller holds
  a lease (``poller_leases``, renewed while it runs, given back when it stops). A process
  whose poller does not hold it leaves the polling alone; when the holder is killed, its
  lease runs out and another process's poller takes over (with a full read of what waits).
- A report that comes after the chain decided (a bounce after the window) changes no
  outcome; it is added to the attempt's receipt detail ("reported after the chain moved on").
- A worker that claims a waiting notification calls :func:`final_report` (the stored
  report; if none, one last question to the provider, then "no report within the window")
  and :func:`~.states.after_receipt` decides: delivered, or on to the next channel. These
  are the only places the second stage is decided.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..messages import Template
from ..records import Outstanding, Work
from ..storage.repository import Store
from .bounces import notification_of
from .channels.base import Channel, MailReport
from .errors import DeliveryError
from .states import ReceiptClass, Settled, receipt_failure

log = logging.getLogger("notifier.receipts")

POLLING = "receipts"  # the name of the polling lease
IDLE_LOOK = 300.0  # seconds between looks into a bounce mailbox while no email waits
RECENT = 60.0  # seconds: an attempt started this long before a read and accepted after it is still found
# (a send ends within its timeout, SMS_TIMEOUT 15 s; one that takes longer is found by the next full read)


# -- messages: a report nobody sent (the window ended; core/messages.py)
NO_BOUNCE_READ = Template("receipt.no_bounce_read", "no bounce read within {seconds} s: {reason}")
NO_BOUNCE = Template("receipt.no_bounce", "no bounce within {seconds} s")
NO_REPORT = Template("receipt.no_report", "no delivery report within {seconds} s of acceptance")


@dataclass(frozen=True)
class Report:
    """The second stage of an awaited attempt, as the worker applies it."""

    outcome: Settled
    cls: ReceiptClass  # "confirmed", or why it was not: transient, permanent, unavailable, timeout
    detail: str
    accepted_at: datetime | None = None


def final_report(store: Store, work: Work, channel: Channel | None, window: float) -> Report:
    """What became of ``work``'s awaited attempt. A report the poller stored wins; if there is
    none, the channel is asked once more (the window is over); then "no report in time"."""
    assert work.awaiting_attempt_id is not None
    outcome, cls, detail, pid, accepted_at = store.receipt_of(work.awaiting_attempt_id)
    if outcome == "confirmed":
        return Report("confirmed", "confirmed", detail or "", accepted_at)
    if outcome == "undelivered":
        return Report("undelivered", receipt_failure(cls), detail or "", accepted_at)
    if channel is not None and channel.receipt_batch and pid:
        try:
            got = channel.fetch_receipts([pid]).get(pid)
        except DeliveryError as exc:
            log.info("notification %d: the last look at its delivery report failed: %s", work.id, exc.detail)
            got = None
        if got is not None and got.state == "confirmed":
            return Report("confirmed", "confirmed", got.detail, accepted_at)
        if got is not None and got.state == "undelivered":
            return Report("undelivered", got.failure or "transient", got.detail, accepted_at)
    if channel is not None and channel.silence_confirms:
        problem = channel.reports_problem()
        if problem:  # accepted counts as delivered, as without receipts; but say nobody looked
            return Report("confirmed", "confirmed", NO_BOUNCE_READ(seconds=f"{window:g}", reason=problem), accepted_at)
        return Report("confirmed", "confirmed", NO_BOUNCE(seconds=f"{window:g}"), accepted_at)
    return Report("undelivered", "timeout", NO_REPORT(seconds=f"{window:g}"), accepted_at)


class ReceiptPoller:
    """Polls the providers for reports on outstanding accepted messages (one thread).

    ``channel_factory`` gives this thread its own channel objects. ``on_due`` is told the
    notifications a stored report made due (the dispatcher wakes its claiming loop).
    ``sweep``: seconds between looks at the outstanding list. A message is asked first
    ``first_gap`` after it was accepted, then after gaps doubling up to ``max_gap``.
    """

    def __init__(
        self,
        store: Store,
        channel_factory: Callable[[], dict[str, Channel]],
        on_due: Callable[[list[int]], None] = lambda ids: None,
        sweep: float = 15.0,
        first_gap: float = 10.0,
        max_gap: float = 120.0,
        clock: Callable[[], float] = time.monotonic,
        owner: str | None = None,
        lease: float | None = None,
    ) -> None:
        self.store = store
        self.channel_factory = channel_factory
        self.on_due = on_due
        self.sweep = sweep
        self.first_gap = first_gap
        self.max_gap = max_gap
        self.clock = clock
        self._plan: dict[int, tuple[float, float]] = {}  # attempt id -> (next ask, current gap)
        # What is outstanding, kept between sweeps: each sweep reads only attempts started in
        # the ``RECENT`` seconds before the previous read (reading 10,000 rows every sweep
        # was most of the polling's CPU; a send lasts far less than that); a full read every
        # ``refresh`` seconds drops what was settled or cancelled meanwhile (asking about one
        # of those again is harmless: a report for a settled attempt is ignored).
        self.refresh = max(60.0, 4 * sweep)
        self._known: dict[int, Outstanding] = {}
        self._read_at: datetime | None = None
        self._full_at = float("-inf")
        self._slot: dict[str, float] = {}  # channel -> earliest time of its next status request
        # channel -> mailbox reports read but not marked yet: token -> (report, when first read)
        self._mail_pending: dict[str, dict[str, tuple[MailReport, float]]] = {}
        self._channels: dict[str, Channel] | None = None
        self.requests = 0  # status requests made (for tests and the bench)
        # The polling lease (None: poll without one, as a lone poller in a test or the bench).
        self.owner = owner
        self.lease = lease if lease is not None else max(4 * sweep, 2.0)
        self._renew_at = float("-inf")  # when the lease we hold is to be renewed
        # While no email waits, the bounce mailbox is still read every ``idle_look`` seconds:
        # a bounce that comes after its window is filed on its attempt (see record_receipts).
        self.idle_look = IDLE_LOOK
        self._idle_until = float("-inf")

    def run(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    self.poll_once(stop)
                except Exception:  # a bug here must not end the polling for good
                    log.exception("polling delivery reports failed; trying again later")
                stop.wait(self.sweep)
        finally:
            self.release()
            for ch in (self._channels or {}).values():
                try:
                    ch.close()
                except Exception:
                    log.debug("closing channel %s", ch.name, exc_info=True)

    def holds(self) -> bool:
        """Whether this poller is the one that polls now: takes or renews the lease (renewed
        after a third of it, so a sweep never outlasts it). On taking it over, the next sweep
        reads everything outstanding afresh."""
        if self.owner is None:
            return True
        now = self.clock()
        if now < self._renew_at:
            return True
        held = self._renew_at > float("-inf")
        holder = self.store.hold_poller(POLLING, self.owner, self.lease)
        if holder is None:
            if not held:
                log.info("this process polls the delivery reports now")
                self._read_at = None
            self._renew_at = now + self.lease / 3
            return True
        if held:
            log.info("delivery reports are polled by %s now", holder)
        self._renew_at = float("-inf")
        return False

    def release(self) -> None:
        """Give the lease back (a clean stop): another process takes the polling over at once."""
        if self.owner is not None and self._renew_at > float("-inf"):
            self._renew_at = float("-inf")
            try:
                self.store.release_poller(POLLING, self.owner)
            except Exception:  # it runs out by itself
                log.debug("giving the polling lease back failed", exc_info=True)

    def poll_once(self, stop: threading.Event | None = None) -> int:
        """One sweep: ask about every outstanding message whose turn it is, at most as many as
        each channel's rate allows in one sweep. Returns how many reports were final. A
        poller that does not hold the polling lease asks nobody."""
        stop = stop or threading.Event()
        if not self.holds():
            return 0
        now = self.clock()
        read_at = self.store.clock()
        if now - self._full_at >= self.refresh or self._read_at is None:
            self._known = {o.attempt_id: o for o in self.store.outstanding_receipts()}
            self._plan = {a: p for a, p in self._plan.items() if a in self._known}
            self._full_at = now
        else:
            since = self._read_at - timedelta(seconds=RECENT)
            self._known.update((o.attempt_id, o) for o in self.store.outstanding_receipts(started_since=since))
        self._read_at = read_at
        outstanding = list(self._known.values())
        if self._channels is None:
            if not outstanding and now < self._idle_until:
                return 0
            self._channels = self.channel_factory()
        final = 0
        mailbox = {name for name, ch in self._channels.items() if ch.receipt_mailbox}
        for name in sorted(mailbox):
            final += self._poll_mailbox(self._channels[name], [o for o in outstanding if o.channel == name])
        by_channel: dict[str, list[Outstanding]] = {}
        for o in outstanding:
            if o.channel in mailbox:
                continue
            if o.attempt_id not in self._plan:
                age = max((self.store.clock() - o.accepted_at).total_seconds(), 0.0)
                self._plan[o.attempt_id] = (now + max(self.first_gap - age, 0.0), self.first_gap)
            if self._plan[o.attempt_id][0] <= now:
                by_channel.setdefault(o.channel, []).append(o)
        for name, items in by_channel.items():
            channel = self._channels.get(name)
            if channel is None or not channel.receipt_batch:
                continue
            items.sort(key=lambda o: self._plan[o.attempt_id][0])
            # Whatever does not fit into this sweep at the channel's rate waits for the next.
            most = max(1, int(channel.receipt_rate * self.sweep)) * channel.receipt_batch
            final += self._poll_channel(channel, items[:most], stop)
            if stop.is_set():
                break
        return final

    def _poll_mailbox(self, channel: Channel, items: Sequence[Outstanding]) -> int:
        """Read the reports that came to ``channel``'s mailbox (email bounces), at most once per
        1/``receipt_rate`` seconds while something of it waits (else every ``idle_look``), and
        record those that match a waiting message. A report is marked processed once it is
        recorded, or once it has matched nothing across a full read of what waits (a late
        bounce: the chain already decided; it is filed on its attempt's receipt detail); mail
        that is no report of ours is never marked."""
        now = self.clock()
        pending = self._mail_pending.setdefault(channel.name, {})
        if self._slot.get(channel.name, 0.0) > now:
            return 0
        if not items and not pending:  # nothing waits: looked at seldom, for bounces that come late
            if now < self._idle_until:
                return 0
            self._idle_until = now + self.idle_look
        interval = 1.0 / channel.receipt_rate if channel.receipt_rate > 0 else 0.0
        self._slot[channel.name] = now + interval
        self.requests += 1
        try:
            for r in channel.read_reports():
                pending.setdefault(r.token, (r, now))
        except DeliveryError as exc:
            log.warning("reports from the %s mailbox cannot be read now: %s", channel.name, exc.detail)
            self._slot[channel.name] = now + max(interval, exc.retry_after or 0.0, 60.0)
            return 0
        waiting = {channel.report_key(o.provider_message_id): o for o in items}
        reports: list[tuple[int, Settled, ReceiptClass | None, str]] = []
        done: list[str] = []
        for token, (r, seen) in list(pending.items()):
            o = next((waiting[k] for k in sorted(r.keys) if k in waiting), None)
            if o is not None and o.attempt_id not in {a for a, *_ in reports}:
                # a bounce is always "undelivered" (bounces.py); a mailbox never says "pending"
                settled: Settled = "confirmed" if r.receipt.state == "confirmed" else "undelivered"
                reports.append((o.attempt_id, settled, r.receipt.failure or "transient", r.receipt.detail))
                self._known.pop(o.attempt_id, None)
                self._plan.pop(o.attempt_id, None)
            elif o is None and self._full_at > seen:
                pass  # still unmatched after a later full read: nothing waits for it
            elif o is None:
                continue  # maybe a message accepted a moment ago: look again after the next full read
            else:
                log.info("a second report for attempt %d (%s) is marked as read", o.attempt_id, r.receipt.detail)
            done.append(token)
            if o is None:
                late = self._late(channel, r)
                log.info("a report in the %s mailbox matches nothing that waits (it came after the chain "
                         "decided%s): %s", channel.name, f"; attempt {late[0]}" if late else "", r.receipt.detail)
                if late:
                    reports.append(late)
        final = 0
        if reports:
            due = self.store.record_receipts(reports)
            final = len(reports)
            for aid, outcome, cls, detail in reports:
                log.info("attempt %d: %s, %s (%s)", aid, outcome, cls, detail)
            if due:
                self.on_due(due)
        if done:
            try:
                channel.mark_reports(done)
            except DeliveryError as exc:  # marked the next time: a recorded report is not recorded twice
                log.warning("reports in the %s mailbox could not be marked as read: %s", channel.name, exc.detail)
                return final
            for token in done:
                pending.pop(token, None)
        return final

    def _late(self, channel: Channel, r: MailReport) -> tuple[int, Settled, ReceiptClass | None, str] | None:
        """The attempt a report that came after the chain decided is about, as a report to
        file (the store adds it to the attempt's receipt detail, changing no outcome)."""
        for nid in sorted({n for k in r.keys if (n := notification_of(k)) is not None}):
            for aid, pid in self.store.sent_attempts(nid, channel.name):
                if channel.report_key(pid) in r.keys:
                    settled: Settled = "confirmed" if r.receipt.state == "confirmed" else "undelivered"
                    return aid, settled, r.receipt.failure or "transient", r.receipt.detail
        return None

    def _poll_channel(self, channel: Channel, items: Sequence[Outstanding], stop: threading.Event) -> int:
        interval = 1.0 / channel.receipt_rate if channel.receipt_rate > 0 else 0.0
        final = 0
        for start in range(0, len(items), channel.receipt_batch):
            batch = items[start:start + channel.receipt_batch]
            wait = self._slot.get(channel.name, 0.0) - self.clock()
            if wait > 0 and stop.wait(wait):
                return final
            if not self.holds():
                return final
            self._slot[channel.name] = max(self.clock(), self._slot.get(channel.name, 0.0)) + interval
            self.requests += 1
            try:
                got = channel.fetch_receipts([o.provider_message_id for o in batch])
            except DeliveryError as exc:
                log.warning("delivery reports from %s cannot be read now: %s", channel.name, exc.detail)
                if exc.retry_after:
                    self._slot[channel.name] = self.clock() + exc.retry_after
                return final
            reports: list[tuple[int, Settled, ReceiptClass | None, str]] = []
            now = self.clock()
            for o in batch:
                r = got.get(o.provider_message_id)
                if r is not None and r.state == "confirmed":
                    reports.append((o.attempt_id, "confirmed", None, r.detail))
                elif r is not None and r.state == "undelivered":
                    reports.append((o.attempt_id, "undelivered", r.failure or "transient", r.detail))
                else:
                    _, gap = self._plan.get(o.attempt_id, (now, self.first_gap))
                    gap = min(gap * 2, self.max_gap)
                    self._plan[o.attempt_id] = (now + gap, gap)
            if reports:
                for aid, *_ in reports:
                    self._known.pop(aid, None)
                    self._plan.pop(aid, None)
                due = self.store.record_receipts(reports)
                final += len(reports)
                for aid, outcome, _, detail in reports:
                    log.info("attempt %d: %s (%s)", aid, outcome, detail)
                if due:
                    self.on_due(due)
        return final
