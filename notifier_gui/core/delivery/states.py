"""The delivery state machine (DESIGN.md "Delivery semantics"): every state a notification
can be in, every outcome an attempt can end with, and every transition between them.

A notification::

    enqueue -> queued --claim--> sending --(a step, below)--> queued | sending | delivered | failed
               queued --cancel--> cancelled          failed | cancelled --retry--> queued

Its position in its chain is a :class:`Cursor` (five columns of the row). After every
attempt the machine decides the next :class:`Step`, and the step alone says what the row
becomes (:data:`STATE_AFTER`, :func:`row_values`)::

    Delivered  -> delivered   the channel delivered (or its report confirmed it)
    Failed     -> failed      nothing is left to try, or the lifetime ended
    Retry      -> queued      try again at ``at`` (same channel, next channel or a new round)
    Awaiting   -> queued      accepted: wait until ``at`` for the delivery report
    Continue   -> sending     due at once: the same worker goes on with it, keeping its lease

Which step follows which outcome: :func:`advance` (a send's outcome), :func:`accepted` (a
provider took the message), :func:`after_receipt` (the report on an accepted message),
:func:`hold` (the channel's credentials were rejected). Waiting is a time, never a sleep.
How long each wait is comes from :mod:`.policy`. The dispatcher only performs the I/O
and saves what these functions return; storage only writes :func:`row_values`.

Rounds: a round walks the channel list once. A channel that failed *permanently* is not
tried again in later rounds (repeating will not help); unavailable channels are looked at
again, because an operator may have configured them meanwhile (it costs nothing).
A new round starts only if the round ended with at least one transient failure, the
delay doubles per round (capped) and nothing is scheduled past the lifetime.

The values are the strings stored in the database (``notifications.state``,
``attempts.outcome``, ``attempts.receipt_class``); here they are typed as ``Literal``\\ s.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from ..messages import Template
from .policy import FREE_THROTTLE_WAIT, Policy, backoff_wait, longest_wait, round_wait

# -- messages: what the machine says about a notification or an attempt (core/messages.py)
ALL_FAILED_OR_UNAVAILABLE = Template("chain.all_failed_or_unavailable", "every channel failed or is unavailable")
ALL_FAILED = Template("chain.all_failed", "every channel failed")
GAVE_UP = Template("chain.gave_up", "gave up after {rounds} rounds: lifetime of {seconds} s reached")
HELD_TO_THE_END = Template("chain.held_to_the_end", "{message}; held until its lifetime of {seconds} s ended")
INTERRUPTED = Template("attempt.interrupted", "the worker stopped during this attempt")
INTERRUPTED_UNKNOWN = Template("attempt.interrupted_unknown", "the worker stopped during this attempt; the message "
                                                              "may or may not have gone out")
# A delivery report that came after the chain moved on, added to the attempt's receipt detail.
LATE = "reported after the chain moved on"
LATE_REPORT = Template("receipt.late", "{outcome} (reported after the chain moved on): {detail}")
LATE_REPORT_BARE = Template("receipt.late_bare", "{outcome} (reported after the chain moved on)")
AND_THEN = Template("receipt.and_then", "{before}; {after}")
SETTLED_WORDS = {"confirmed": Template("receipt.outcome.confirmed", "confirmed"),
                 "undelivered": Template("receipt.outcome.undelivered", "undelivered")}

State = Literal["queued", "sending", "delivered", "failed", "cancelled"]
STATES: tuple[State, ...] = ("queued", "sending", "delivered", "failed", "cancelled")
FINISHED: tuple[State, ...] = ("delivered", "failed", "cancelled")
UNFINISHED: tuple[State, ...] = ("queued", "sending")
CANCELLABLE: tuple[State, ...] = ("queued",)  # the operator's cancel: not while a worker holds it
RETRYABLE: tuple[State, ...] = ("failed", "cancelled")  # the operator's retry starts it again

# How a send ended (what :func:`advance` takes).
SendOutcome = Literal["delivered", "transient", "permanent", "unavailable", "interrupted"]
Failure = Literal["transient", "permanent", "unavailable"]  # a channel's error class
# The second stage of an accepted attempt, as stored.
Settled = Literal["confirmed", "undelivered"]
# Every ``attempts.outcome`` (NULL while the call is in flight). "delivered": accepted by a
# channel that gives no delivery reports (Telegram; receipts off). "accepted": the provider
# took it, its delivery report is awaited; then "confirmed" or "undelivered" (see receipts).
Outcome = Literal["delivered", "transient", "permanent", "unavailable", "interrupted", "accepted",
                  "confirmed", "undelivered"]
OUTCOMES: tuple[Outcome, ...] = ("delivered", "transient", "permanent", "unavailable", "interrupted",
                                 "accepted", "confirmed", "undelivered")
# What became of an accepted message (see :func:`after_receipt`): the provider confirmed
# delivery, reported a failure (classified like a send failure), or nothing came in time.
ReceiptClass = Literal["confirmed", "transient", "permanent", "unavailable", "timeout"]

_FAILURES: dict[str, Failure] = {"transient": "transient", "permanent": "permanent", "unavailable": "unavailable"}
_RECEIPT_FAILURES: dict[str, ReceiptClass] = {**_FAILURES, "timeout": "timeout"}


def failure(name: str | None) -> Failure:
    """A channel error's class as the machine knows it (an unknown one counts as transient)."""
    return _FAILURES.get(name or "", "transient")


def receipt_failure(name: str | None) -> ReceiptClass:
    """A stored receipt class of an undelivered message (an unknown one counts as transient)."""
    return _RECEIPT_FAILURES.get(name or "", "transient")


@dataclass(frozen=True)
class Cursor:
    channel_index: int = 0
    tries: int = 0  # tries already made on that channel in this round
    round_no: int = 0
    round_transient: bool = False
    dead: frozenset[str] = field(default_factory=frozenset)  # permanent failures, never again


def cursor_values(c: Cursor) -> dict[str, Any]:
    """The notification row's columns that hold its cursor."""
    return {"cursor_channel": c.channel_index, "cursor_tries": c.tries, "round_no": c.round_no,
            "round_transient": c.round_transient, "dead_channels": ",".join(sorted(c.dead))}


def cursor_of(channel: int, tries: int, round_no: int, round_transient: Any, dead: str | None) -> Cursor:
    """The cursor stored in those columns."""
    return Cursor(channel, tries, round_no, bool(round_transient), frozenset(p for p in (dead or "").split(",") if p))


@dataclass(frozen=True)
class Delivered:
    channel: str


@dataclass(frozen=True)
class Failed:
    reason: str


@dataclass(frozen=True)
class Retry:
    """Try ``channels[cursor.channel_index]`` at ``at``; no worker waits for it."""

    cursor: Cursor
    at: datetime


@dataclass(frozen=True)
class Continue(Retry):
    """A retry due at once (``at`` is the decision's "now"): the worker goes on with it."""


@dataclass(frozen=True)
class Awaiting:
    """The provider accepted the message; wait until ``at`` for its delivery report.

    Stored like a retry (queued, due at ``at``, the same cursor), so the wait holds no
    worker and survives a restart; the report or the deadline decides (:func:`after_receipt`)."""

    cursor: Cursor
    at: datetime


Step = Delivered | Retry | Continue | Failed | Awaiting

# The table: the state a notification is in once a step is saved.
STATE_AFTER: dict[type[Delivered | Retry | Failed | Awaiting], State] = {
    Delivered: "delivered", Failed: "failed", Retry: "queued", Awaiting: "queued", Continue: "sending"}


def state_after(step: Step) -> State:
    return STATE_AFTER[type(step)]


def row_values(step: Step, now: datetime, attempt_id: int | None = None) -> dict[str, Any]:
    """The notification row's columns once ``step`` is saved at ``now``. A :class:`Continue`
    keeps the lease (the caller renews it); every other step gives the notification back.
    ``attempt_id``: the accepted attempt whose report an :class:`Awaiting` waits for."""
    values: dict[str, Any] = {"state": state_after(step), "awaiting_attempt_id": None}
    if isinstance(step, Delivered | Failed):
        values.update(finished_at=now, next_attempt_at=None, last_error=step.reason if isinstance(step, Failed) else None)
        if isinstance(step, Delivered):
            values["delivered_via"] = step.channel
    else:
        values.update(cursor_values(step.cursor), next_attempt_at=step.at)
        if isinstance(step, Awaiting):
            values["awaiting_attempt_id"] = attempt_id
    if not isinstance(step, Continue):
        values.update(lease_owner=None, lease_expires_at=None)
    return values


# -- transitions ------------------------------------------------------------------------
def _later(cursor: Cursor, now: datetime, wait: float) -> Retry:
    """Try ``cursor`` again after ``wait`` seconds: at once is a :class:`Continue`."""
    if wait <= 0:
        return Continue(cursor, now)
    return Retry(cursor, now + timedelta(seconds=wait))


def _next_live(channels: tuple[str, ...], start: int, dead: frozenset[str]) -> int | None:
    for i in range(start, len(channels)):
        if channels[i] not in dead:
            return i
    return None


def advance(
    policy: Policy,
    channels: tuple[str, ...],
    cursor: Cursor,
    outcome: SendOutcome,
    now: datetime,
    created_at: datetime,
    rng: random.Random,
    retry_after: float | None = None,
    throttled: bool = False,
) -> Step:
    """What to do after an attempt on ``channels[cursor.channel_index]`` ended with ``outcome``.

    ``throttled``: the channel asked everyone to wait ``retry_after`` (a 429, a full pacing
    schedule); the same channel is tried again then, and the try is not counted, as long
    as the wait is short (``FREE_THROTTLE_WAIT``). A longer one (a daily limit, a channel
    that is really down) counts like any transient failure, so the chain can move on.
    """
    channel = channels[cursor.channel_index]
    deadline = created_at + timedelta(seconds=policy.lifetime)
    if outcome == "delivered":
        return Delivered(channel)

    c = cursor
    if outcome == "transient" and throttled and retry_after is not None and retry_after <= FREE_THROTTLE_WAIT:
        if now + timedelta(seconds=max(retry_after, 0.0)) <= deadline:
            return _later(c, now, retry_after)
    if outcome in ("transient", "interrupted"):
        tries = c.tries + 1
        if tries < policy.max_tries:
            if outcome == "interrupted":
                wait = 0.0  # the worker died mid-call: try that channel again at once
            elif retry_after is not None:
                # The server said exactly how long; honour it, up to the longest wait any
                # schedule has (then it is asked again).
                wait = min(retry_after, longest_wait(policy))
            else:
                wait = backoff_wait(policy, tries, rng)
            if now + timedelta(seconds=max(wait, 0.0)) <= deadline:
                return _later(replace(c, tries=tries), now, wait)
        c = replace(c, round_transient=True)
    elif outcome == "permanent":
        c = replace(c, dead=c.dead | {channel})
    # unavailable: just move on
    return _move_on(policy, channels, c, now, deadline, rng)


def _move_on(policy: Policy, channels: tuple[str, ...], c: Cursor, now: datetime, deadline: datetime,
             rng: random.Random) -> Step:
    """Go on to the next live channel of the round, or to the next round, or give up."""
    nxt = _next_live(channels, c.channel_index + 1, c.dead)
    if nxt is not None:
        return Continue(replace(c, channel_index=nxt, tries=0), now)

    # End of the round.
    if not c.round_transient:
        return Failed(ALL_FAILED_OR_UNAVAILABLE())
    first = _next_live(channels, 0, c.dead)
    if first is None:  # pragma: no cover - a transient channel is never dead
        return Failed(ALL_FAILED())
    at = now + timedelta(seconds=round_wait(policy, c.round_no, rng))
    if at > deadline:
        return Failed(GAVE_UP(rounds=c.round_no + 1, seconds=f"{policy.lifetime:g}"))
    return Retry(Cursor(channel_index=first, tries=0, round_no=c.round_no + 1, round_transient=False, dead=c.dead), at)


def after_send(
    policy: Policy,
    channels: tuple[str, ...],
    cursor: Cursor,
    outcome: SendOutcome,
    now: datetime,
    created_at: datetime,
    rng: random.Random,
    *,
    retry_after: float | None = None,
    throttled: bool = False,
    receipts: bool = False,
) -> tuple[Step, Outcome]:
    """The next step after a send ended with ``outcome``, and the outcome its attempt is
    stored with: a delivered message on a channel that gives delivery reports (``receipts``)
    is stored "accepted" while its report is awaited (:func:`accepted`)."""
    if outcome == "delivered":
        step = accepted(policy, channels[cursor.channel_index], cursor, now, receipts)
        return step, "accepted" if isinstance(step, Awaiting) else "delivered"
    return advance(policy, channels, cursor, outcome, now, created_at, rng, retry_after, throttled), outcome


def accepted(policy: Policy, channel: str, cursor: Cursor, now: datetime, has_receipts: bool) -> Step:
    """A provider accepted the message. Delivered, if the channel gives no delivery reports
    (Telegram; receipts off: a window of 0); otherwise wait for the report (:class:`Awaiting`)."""
    window = policy.confirm_window(channel)
    if not has_receipts or window <= 0:
        return Delivered(channel)
    return Awaiting(cursor, now + timedelta(seconds=window))


def after_receipt(
    policy: Policy,
    channels: tuple[str, ...],
    cursor: Cursor,
    outcome: ReceiptClass,
    now: datetime,
    created_at: datetime,
    rng: random.Random,
) -> Step:
    """The second stage of an accepted attempt on ``channels[cursor.channel_index]``.

    Confirmed: delivered. Otherwise the chain goes on to the next channel at once, as after
    a failure that used up the channel's tries: resending the same SMS right away would most
    likely meet the same switched-off handset (and may arrive twice). A permanent report
    (unknown number, blocked) never tries the channel again; a transient one or no report
    within the window leaves it for the next round.
    """
    channel = channels[cursor.channel_index]
    if outcome == "confirmed":
        return Delivered(channel)
    c = cursor
    if outcome == "permanent":
        c = replace(c, dead=c.dead | {channel})
    elif outcome in ("transient", "timeout"):
        c = replace(c, round_transient=True)
    return _move_on(policy, channels, c, now, created_at + timedelta(seconds=policy.lifetime), rng)


def hold(policy: Policy, cursor: Cursor, now: datetime, created_at: datetime, wait: float, reason: str) -> Step:
    """The channel is held (its credentials were rejected): look again after ``wait``.

    The same channel, no try counted. A notification whose lifetime ends while held fails
    with the hold's reason, never silently as "gave up". Never a :class:`Continue`: the
    worker leaves held work in the queue, however short the wait.
    """
    at = now + timedelta(seconds=max(wait, 0.0))
    if at > created_at + timedelta(seconds=policy.lifetime):
        return Failed(HELD_TO_THE_END(message=reason, seconds=f"{policy.lifetime:g}"))  # reason: a core message
    return Retry(cursor, at)
