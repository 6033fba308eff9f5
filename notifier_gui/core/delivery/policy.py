"""Retry and fallback schedule: pure functions over a cursor (DESIGN.md "Delivery semantics").

A notification's position in its chain is a :class:`Cursor`, stored on the row. After every
attempt :func:`advance` decides what happens next: delivered, try again at some time (same
channel, next channel or a new round), or failed. Waiting is expressed as a time, never a
sleep, so a worker is never blocked by a schedule.

Rounds: a round walks the channel list once. A channel that failed *permanently* is not
tried again in later rounds (repeating will not help); unavailable channels are looked at
again, because an operator may have configured them meanwhile (it costs nothing).
A new round starts only if the round ended with at least one transient failure, the
delay doubles per round (capped) and nothing is scheduled past the lifetime.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

FREE_THROTTLE_WAIT = 60.0  # seconds; see advance()

Outcome = Literal["delivered", "transient", "permanent", "unavailable", "interrupted"]
# The second stage of an accepted attempt (see :func:`after_receipt`): the provider confirmed
# delivery, reported a failure (classified like a send failure), or nothing came in time.
ReceiptOutcome = Literal["confirmed", "transient", "permanent", "unavailable", "timeout"]


@dataclass(frozen=True)
class Policy:
    max_tries: int = 3
    backoff: tuple[float, ...] = (2.0, 10.0)
    jitter: float = 0.2
    round_delay: float = 300.0
    round_delay_max: float = 3600.0
    lifetime: float = 86400.0
    # Seconds to wait for a provider's delivery report after it accepted a message, per
    # channel; a channel not listed (or 0) counts "accepted" as delivered, as before receipts.
    confirm: tuple[tuple[str, float], ...] = ()

    def confirm_window(self, channel: str) -> float:
        return max((w for c, w in self.confirm if c == channel), default=0.0)


@dataclass(frozen=True)
class Cursor:
    channel_index: int = 0
    tries: int = 0  # tries already made on that channel in this round
    round_no: int = 0
    round_transient: bool = False
    dead: frozenset[str] = field(default_factory=frozenset)  # permanent failures, never again


@dataclass(frozen=True)
class Delivered:
    channel: str


@dataclass(frozen=True)
class Retry:
    cursor: Cursor
    at: datetime


@dataclass(frozen=True)
class Failed:
    reason: str


@dataclass(frozen=True)
class Awaiting:
    """The provider accepted the message; wait until ``at`` for its delivery report.

    Stored like a retry (queued, due at ``at``, the same cursor), so the wait holds no
    worker and survives a restart; the report or the deadline decides (:func:`after_receipt`)."""

    cursor: Cursor
    at: datetime


Step = Delivered | Retry | Failed | Awaiting


def jittered(seconds: float, jitter: float, rng: random.Random) -> float:
    if seconds <= 0 or jitter <= 0:
        return max(seconds, 0.0)
    return seconds * rng.uniform(1 - jitter, 1 + jitter)


def backoff_wait(policy: Policy, tries_done: int, rng: random.Random) -> float:
    """Wait after the ``tries_done``-th failed try on a channel (1-based)."""
    base = policy.backoff[min(tries_done, len(policy.backoff)) - 1]
    return jittered(base, policy.jitter, rng)


def round_wait(policy: Policy, finished_round: int, rng: random.Random) -> float:
    """Wait before the round after ``finished_round`` (0-based): base, doubling, capped."""
    base = min(policy.round_delay * (2 ** min(finished_round, 30)), policy.round_delay_max)
    return min(jittered(base, policy.jitter, rng), policy.round_delay_max * (1 + policy.jitter))


def longest_wait(policy: Policy) -> float:
    """The longest wait :func:`advance` can ask for, in seconds. A stored ``next_attempt_at``
    further ahead than this can only come from a clock that was ahead (see Store.heartbeat)."""
    waits = [policy.round_delay_max, *policy.backoff, FREE_THROTTLE_WAIT, *(w for _, w in policy.confirm)]
    return max(waits) * (1 + max(policy.jitter, 0.0))


def current_channel(channels: tuple[str, ...], cursor: Cursor) -> str:
    return channels[cursor.channel_index]


def _next_live(channels: tuple[str, ...], start: int, dead: frozenset[str]) -> int | None:
    for i in range(start, len(channels)):
        if channels[i] not in dead:
            return i
    return None


def advance(
    policy: Policy,
    channels: tuple[str, ...],
    cursor: Cursor,
    outcome: Outcome,
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
        at = now + timedelta(seconds=max(retry_after, 0.0))
        if at <= deadline:
            return Retry(c, at)
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
            at = now + timedelta(seconds=max(wait, 0.0))
            if at <= deadline:
                return Retry(replace(c, tries=tries), at)
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
        return Retry(replace(c, channel_index=nxt, tries=0), now)

    # End of the round.
    if not c.round_transient:
        return Failed("every channel failed or is unavailable")
    first = _next_live(channels, 0, c.dead)
    if first is None:  # pragma: no cover - a transient channel is never dead
        return Failed("every channel failed")
    at = now + timedelta(seconds=round_wait(policy, c.round_no, rng))
    if at > deadline:
        return Failed(f"gave up after {c.round_no + 1} rounds: lifetime of {policy.lifetime:g} s reached")
    return Retry(Cursor(channel_index=first, tries=0, round_no=c.round_no + 1, round_transient=False, dead=c.dead), at)


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
    outcome: ReceiptOutcome,
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
    with the hold's reason, never silently as "gave up".
    """
    at = now + timedelta(seconds=max(wait, 0.0))
    if at > created_at + timedelta(seconds=policy.lifetime):
        return Failed(f"{reason}; held until its lifetime of {policy.lifetime:g} s ended")  # reason: a core message
    return Retry(cursor, at)


def delivered_how(channel: str, outcome: str | None, title: str = "") -> str:
    """How a delivered notification was delivered, for the log and the CLI."""
    if outcome == "confirmed":
        if channel == "email":  # email gets no positive report: silence through the window is the confirmation
            return "no bounce within the confirmation window"
        return "confirmed by the handset" if channel == "sms" else f"confirmed by {title or channel}"
    who = {"telegram": "Telegram", "email": "the mail server", "sms": "the SMS provider"}.get(channel, channel)
    return f"accepted by {title or who}"
