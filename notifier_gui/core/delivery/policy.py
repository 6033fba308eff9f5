"""Retry and backoff timing (DESIGN.md "Delivery semantics"): the policy's settings and how
long each wait is, pure functions. Which step follows which outcome is :mod:`.states`.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

FREE_THROTTLE_WAIT = 60.0  # seconds; see states.advance()


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
    """The longest wait :func:`.states.advance` can ask for, in seconds. A stored ``next_attempt_at``
    further ahead than this can only come from a clock that was ahead (see Store.heartbeat)."""
    waits = [policy.round_delay_max, *policy.backoff, FREE_THROTTLE_WAIT, *(w for _, w in policy.confirm)]
    return max(waits) * (1 + max(policy.jitter, 0.0))


def delivered_how(channel: str, outcome: str | None, title: str = "") -> str:
    """How a delivered notification was delivered, for the log and the CLI."""
    if outcome == "confirmed":
        if channel == "email":  # email gets no positive report: silence through the window is the confirmation
            return "no bounce within the confirmation window"
        return "confirmed by the handset" if channel == "sms" else f"confirmed by {title or channel}"
    who = {"telegram": "Telegram", "email": "the mail server", "sms": "the SMS provider"}.get(channel, channel)
    return f"accepted by {title or who}"
