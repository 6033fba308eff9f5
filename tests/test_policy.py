"""The retry/fallback schedule: example cases and hypothesis properties."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from notifier_gui.core.delivery.policy import Policy
from notifier_gui.core.delivery.states import Cursor, Delivered, Failed, Retry, advance

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
CH = ("email", "sms", "telegram")

policies = st.builds(
    Policy,
    max_tries=st.integers(1, 5),
    backoff=st.lists(st.floats(0.1, 60), min_size=1, max_size=4).map(tuple),
    jitter=st.floats(0, 0.5),
    round_delay=st.floats(1, 600),
    round_delay_max=st.floats(600, 7200),
    lifetime=st.floats(60, 3 * 86400),
)
outcomes = st.sampled_from(["transient", "permanent", "unavailable", "interrupted"])


def simulate(policy: Policy, pick, channels=CH, seed=0, max_steps=10_000):  # type: ignore[no-untyped-def]
    """Drive the chain with outcomes from ``pick(channel, step_no)``; return (attempts, final)."""
    rng = random.Random(seed)
    cursor, now = Cursor(), T0
    attempts = []
    for n in range(max_steps):
        ch = channels[cursor.channel_index]
        outcome = pick(ch, n)
        attempts.append((now, ch, outcome, cursor.round_no))
        step = advance(policy, channels, cursor, outcome, now, T0, rng)
        if not isinstance(step, Retry):
            return attempts, step
        assert step.at >= now
        cursor, now = step.cursor, step.at
    raise AssertionError("the chain never ended")


def test_default_schedule_example() -> None:
    p = Policy()
    rng = random.Random(1)
    step = advance(p, CH, Cursor(), "transient", T0, T0, rng)
    assert isinstance(step, Retry) and step.cursor.channel_index == 0 and step.cursor.tries == 1
    assert 1.6 <= (step.at - T0).total_seconds() <= 2.4  # ~2 s with 20 % jitter
    step = advance(p, CH, step.cursor, "transient", step.at, T0, rng)
    assert isinstance(step, Retry) and 8 <= (step.at - T0).total_seconds() - 2.4 <= 12.5
    step = advance(p, CH, step.cursor, "transient", step.at, T0, rng)
    assert isinstance(step, Retry) and step.cursor.channel_index == 1 and step.cursor.tries == 0


def test_retry_after_is_honoured_exactly() -> None:
    step = advance(Policy(), CH, Cursor(channel_index=2), "transient", T0, T0, random.Random(), retry_after=37)
    assert isinstance(step, Retry) and step.at == T0 + timedelta(seconds=37) and step.cursor.channel_index == 2


def test_permanent_moves_on_at_once_and_is_not_retried_next_round() -> None:
    p = Policy()
    step = advance(p, CH, Cursor(), "permanent", T0, T0, random.Random())
    assert isinstance(step, Retry) and step.at == T0 and step.cursor.channel_index == 1
    attempts, final = simulate(p, lambda ch, n: "permanent" if ch == "email" else "transient")
    assert isinstance(final, Failed)
    assert [a for a in attempts if a[1] == "email"] == [attempts[0]]


def test_all_permanent_fails_with_one_attempt_per_channel() -> None:
    attempts, final = simulate(Policy(), lambda ch, n: "permanent")
    assert isinstance(final, Failed)
    assert [a[1] for a in attempts] == list(CH)


def test_rounds_double_and_cap() -> None:
    p = Policy(max_tries=1, jitter=0, round_delay=300, round_delay_max=3600, lifetime=86400)
    attempts, final = simulate(p, lambda ch, n: "transient", channels=("email",))
    starts = [a[0] for a in attempts]
    gaps = [(b - a).total_seconds() for a, b in zip(starts, starts[1:])]
    assert gaps[:5] == [300, 600, 1200, 2400, 3600]
    assert set(gaps[4:]) == {3600}
    assert isinstance(final, Failed) and "lifetime" in final.reason
    assert starts[-1] <= T0 + timedelta(seconds=86400)


@settings(max_examples=300, deadline=None)
@given(policy=policies, seed=st.integers(0, 10**6), script=st.lists(outcomes, min_size=1, max_size=50))
def test_schedule_properties(policy: Policy, seed: int, script: list[str]) -> None:
    attempts, final = simulate(policy, lambda ch, n: script[n % len(script)], seed=seed)
    deadline = T0 + timedelta(seconds=policy.lifetime)
    assert all(t <= deadline for t, *_ in attempts)  # nothing scheduled past the lifetime
    assert isinstance(final, Failed)
    longest = max(max(policy.backoff), policy.round_delay_max) * (1 + policy.jitter) + 1e-6
    for (t1, _, o, r1), (t2, _, _, r2) in zip(attempts, attempts[1:]):
        gap = (t2 - t1).total_seconds()
        assert 0 <= gap <= longest
        if o in ("permanent", "unavailable", "interrupted") and r1 == r2:
            assert gap == 0  # moving on (or retrying an interrupted call) never waits within a round
    for i in range(1, len(attempts)):  # within a round the order of channels is kept
        if attempts[i][3] == attempts[i - 1][3]:
            assert CH.index(attempts[i][1]) >= CH.index(attempts[i - 1][1])
    per_round: dict[tuple[int, str], int] = {}
    for _, ch, _, r in attempts:
        per_round[(r, ch)] = per_round.get((r, ch), 0) + 1
    assert max(per_round.values()) <= policy.max_tries


@settings(max_examples=200, deadline=None)
@given(policy=policies, seed=st.integers(0, 10**6), k=st.integers(0, 30),
       channel=st.sampled_from(CH))
def test_delivery_ends_the_chain_on_that_channel(policy: Policy, seed: int, k: int, channel: str) -> None:
    def pick(ch: str, n: int) -> str:
        return "delivered" if n >= k and ch == channel else "transient"

    attempts, final = simulate(policy, pick, seed=seed)
    if isinstance(final, Delivered):
        assert final.channel == channel == attempts[-1][1]
    else:  # the lifetime ran out before the k-th attempt
        assert isinstance(final, Failed) and len(attempts) <= k + 3 * policy.max_tries


@settings(max_examples=200, deadline=None)
@given(policy=policies, retry_after=st.floats(0, 120), tries=st.integers(0, 4))
def test_retry_after_exact_when_tries_remain(policy: Policy, retry_after: float, tries: int) -> None:
    cursor = Cursor(tries=tries)
    step = advance(policy, CH, cursor, "transient", T0, T0, random.Random(), retry_after=retry_after)
    assert isinstance(step, Retry)
    if tries + 1 < policy.max_tries and retry_after <= policy.lifetime:
        assert step.at == T0 + timedelta(seconds=retry_after) and step.cursor.channel_index == 0
    else:
        assert step.cursor.channel_index == 1 and step.at == T0


@settings(max_examples=200, deadline=None)
@given(policy=policies, waits=st.lists(st.floats(0, 60), min_size=1, max_size=40))
def test_throttling_does_not_use_up_tries(policy: Policy, waits: list[float]) -> None:
    """A busy channel (429, full pacing) is waited for exactly; the message keeps its tries."""
    cursor, now = Cursor(channel_index=2, tries=1), T0
    deadline = T0 + timedelta(seconds=policy.lifetime)
    for wait in waits:
        step = advance(policy, CH, cursor, "transient", now, T0, random.Random(), retry_after=wait, throttled=True)
        assert isinstance(step, (Retry, Failed))
        if now + timedelta(seconds=wait) <= deadline:
            assert isinstance(step, Retry) and step.cursor == cursor and step.at == now + timedelta(seconds=wait)
            now = step.at
        else:  # past the lifetime it counts like any transient failure
            assert not isinstance(step, Retry) or step.cursor != cursor
            return


def test_a_long_throttle_counts_as_a_try() -> None:
    step = advance(Policy(), CH, Cursor(), "transient", T0, T0, random.Random(), retry_after=3600, throttled=True)
    assert isinstance(step, Retry) and step.cursor.tries == 1
