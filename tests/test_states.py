"""The delivery state machine's table: every kind of outcome in every position of the chain
leads to one step, and every step to one state of the notification row."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import Any, get_args

import pytest

from notifier_gui.core.delivery.policy import Policy
from notifier_gui.core.delivery.states import (
    STATE_AFTER,
    Awaiting,
    Continue,
    Cursor,
    Delivered,
    Failed,
    Retry,
    Step,
    after_receipt,
    after_send,
    cursor_of,
    cursor_values,
    hold,
    row_values,
    state_after,
)

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
CH = ("email", "sms", "telegram")
P = Policy(max_tries=3, backoff=(2.0, 10.0), jitter=0.0, round_delay=300.0, confirm=(("sms", 600.0),))
LAST = Cursor(channel_index=2)

# (what happened, where the cursor was) -> (step, notification state, cursor after, seconds until due, stored outcome)
SEND_TABLE: list[tuple[str, dict[str, Any], Cursor, type, str, Cursor | None, float | None, str]] = [
    ("delivered", {}, Cursor(), Delivered, "delivered", None, None, "delivered"),
    ("delivered", {"receipts": True}, Cursor(), Delivered, "delivered", None, None, "delivered"),  # email: no window
    ("delivered", {"receipts": True}, Cursor(channel_index=1), Awaiting, "queued", Cursor(channel_index=1), 600,
     "accepted"),
    ("transient", {}, Cursor(), Retry, "queued", Cursor(tries=1), 2, "transient"),
    ("transient", {}, Cursor(tries=1), Retry, "queued", Cursor(tries=2), 10, "transient"),
    ("transient", {}, Cursor(tries=2), Continue, "sending", Cursor(channel_index=1, round_transient=True), 0,
     "transient"),
    ("transient", {"retry_after": 5.0, "throttled": True}, Cursor(tries=2), Retry, "queued", Cursor(tries=2), 5,
     "transient"),  # a short throttle costs no try
    ("transient", {"retry_after": 0.0, "throttled": True}, Cursor(), Continue, "sending", Cursor(), 0, "transient"),
    ("transient", {"retry_after": 37.0}, Cursor(), Retry, "queued", Cursor(tries=1), 37, "transient"),
    ("interrupted", {}, Cursor(), Continue, "sending", Cursor(tries=1), 0, "interrupted"),
    ("permanent", {}, Cursor(), Continue, "sending", Cursor(channel_index=1, dead=frozenset({"email"})), 0,
     "permanent"),
    ("unavailable", {}, Cursor(), Continue, "sending", Cursor(channel_index=1), 0, "unavailable"),
    ("permanent", {}, LAST, Failed, "failed", None, None, "permanent"),
    ("unavailable", {}, LAST, Failed, "failed", None, None, "unavailable"),
    ("transient", {}, Cursor(channel_index=2, tries=2), Retry, "queued", Cursor(round_no=1), 300, "transient"),
    ("unavailable", {}, Cursor(channel_index=2, round_transient=True), Retry, "queued", Cursor(round_no=1), 300,
     "unavailable"),
]


@pytest.mark.parametrize(("outcome", "extra", "cursor", "kind", "state", "after", "wait", "stored"), SEND_TABLE)
def test_after_a_send(outcome: Any, extra: dict[str, Any], cursor: Cursor, kind: type, state: str,
                      after: Cursor | None, wait: float | None, stored: str) -> None:
    step, recorded = after_send(P, CH, cursor, outcome, T0, T0, random.Random(0), **extra)
    assert type(step) is kind and state_after(step) == state and recorded == stored
    if after is not None:
        assert isinstance(step, Retry | Awaiting)
        assert step.cursor == after and step.at == T0 + timedelta(seconds=wait or 0)


RECEIPT_TABLE: list[tuple[Any, Cursor, type, str, Cursor | None]] = [
    ("confirmed", Cursor(channel_index=1), Delivered, "delivered", None),
    ("permanent", Cursor(channel_index=1), Continue, "sending", Cursor(channel_index=2, dead=frozenset({"sms"}))),
    ("transient", Cursor(channel_index=1), Continue, "sending", Cursor(channel_index=2, round_transient=True)),
    ("timeout", Cursor(channel_index=1), Continue, "sending", Cursor(channel_index=2, round_transient=True)),
    ("unavailable", Cursor(channel_index=1), Continue, "sending", Cursor(channel_index=2)),
    ("timeout", LAST, Retry, "queued", Cursor(round_no=1)),
    ("permanent", LAST, Failed, "failed", None),
]


@pytest.mark.parametrize(("report", "cursor", "kind", "state", "after"), RECEIPT_TABLE)
def test_after_a_delivery_report(report: Any, cursor: Cursor, kind: type, state: str, after: Cursor | None) -> None:
    step = after_receipt(P, CH, cursor, report, T0, T0, random.Random(0))
    assert type(step) is kind and state_after(step) == state
    if after is not None:
        assert isinstance(step, Retry) and step.cursor == after


def test_a_held_channel_waits_in_the_queue_even_for_no_time() -> None:
    # A Continue would keep the lease of work the worker has put down: it must never come from a hold.
    for wait in (0.0, 60.0):
        step = hold(P, Cursor(tries=1), T0, T0, wait, "held")
        assert type(step) is Retry and state_after(step) == "queued" and step.cursor == Cursor(tries=1)
    assert hold(P, Cursor(), T0, T0, P.lifetime + 1, "the login was rejected") == Failed(
        f"the login was rejected; held until its lifetime of {P.lifetime:g} s ended")


def test_every_step_has_a_state() -> None:
    assert set(STATE_AFTER) == set(get_args(Step))


STEPS: list[tuple[Step, dict[str, Any]]] = [
    (Delivered("sms"), {"state": "delivered", "delivered_via": "sms", "finished_at": T0, "next_attempt_at": None,
                        "last_error": None, "lease_owner": None, "lease_expires_at": None,
                        "awaiting_attempt_id": None}),
    (Failed("why"), {"state": "failed", "finished_at": T0, "next_attempt_at": None, "last_error": "why",
                     "lease_owner": None, "lease_expires_at": None, "awaiting_attempt_id": None}),
    (Retry(Cursor(tries=1), T0 + timedelta(seconds=2)),
     {"state": "queued", "next_attempt_at": T0 + timedelta(seconds=2), "lease_owner": None, "lease_expires_at": None,
      "awaiting_attempt_id": None, **cursor_values(Cursor(tries=1))}),
    (Awaiting(Cursor(channel_index=1), T0 + timedelta(seconds=600)),
     {"state": "queued", "next_attempt_at": T0 + timedelta(seconds=600), "lease_owner": None,
      "lease_expires_at": None, "awaiting_attempt_id": 7, **cursor_values(Cursor(channel_index=1))}),
    # the worker goes on: the lease stays (storage renews it), the row stays "sending"
    (Continue(Cursor(channel_index=1), T0),
     {"state": "sending", "next_attempt_at": T0, "awaiting_attempt_id": None, **cursor_values(Cursor(channel_index=1))}),
]


@pytest.mark.parametrize(("step", "row"), STEPS)
def test_what_a_step_writes(step: Step, row: dict[str, Any]) -> None:
    assert row_values(step, T0, attempt_id=7) == row


def test_the_cursor_survives_its_columns() -> None:
    c = Cursor(channel_index=2, tries=1, round_no=3, round_transient=True, dead=frozenset({"sms", "email"}))
    v = cursor_values(c)
    assert v["dead_channels"] == "email,sms"
    assert cursor_of(v["cursor_channel"], v["cursor_tries"], v["round_no"], v["round_transient"],
                     v["dead_channels"]) == c
    assert cursor_of(0, 0, 0, 0, "") == Cursor() == cursor_of(0, 0, 0, False, None)
