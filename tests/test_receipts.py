"""Delivery receipts drive the chain (issue #17): real SMS clients against the loopback
imitations, which report statuses later (delivered, undelivered after a delay, never)."""
from __future__ import annotations

import random
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from notifier_gui.core.config import Settings
from notifier_gui.core.delivery.channels import build_channels
from notifier_gui.core.delivery.dispatcher import Dispatcher, Event, NotificationUpdated
from notifier_gui.core.delivery.pacing import Pacers
from notifier_gui.core.delivery.policy import Policy
from notifier_gui.core.delivery.receipts import ReceiptPoller
from notifier_gui.core.delivery.states import Awaiting, Continue, Cursor, Delivered, accepted, after_receipt
from notifier_gui.core.secrets import CredentialStore
from notifier_gui.core.storage.engine import open_database
from notifier_gui.core.storage.repository import Store

from tests.cli_helpers import as_json, env_for, notifier, start_worker
from tests.servers import android_gateway, smsru, twilio
from tests.servers.telegram import DEFAULT_TOKEN, FakeTelegram

PHONE = "+79161234567"
NOW = datetime(2026, 12, 2, tzinfo=timezone.utc)


def fast(window: float) -> Policy:
    return Policy(max_tries=2, backoff=(0.05,), jitter=0, round_delay=30, round_delay_max=30, lifetime=120,
                  confirm=(("sms", window),))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """On SQLite and on PostgreSQL (skipped where no server is set up)."""
    s = Store(open_database(db_url))
    yield s
    s.engine.dispose()


@pytest.fixture
def tw() -> Iterator[twilio.TwilioServer]:
    with twilio.TwilioServer() as server:
        yield server


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


SECRETS = {"TWILIO_AUTH_TOKEN": twilio.AUTH_TOKEN, "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
           "SMSRU_API_ID": smsru.API_ID, "ANDROID_SMS_PASSWORD": android_gateway.PASSWORD}


def twilio_settings(tmp_path: Path, tw: twilio.TwilioServer, tg: FakeTelegram) -> Settings:
    return Settings(data_dir=tmp_path, sms_provider="twilio", twilio_account_sid=twilio.ACCOUNT_SID,
                    twilio_from=twilio.FROM, twilio_api_base=tw.base_url, telegram_api_base=tg.base_url,
                    sms_rate=100, telegram_rate=100, telegram_chat_rate=100)


def dispatcher(store: Store, settings: Settings, policy: Policy, concurrency: int = 2,
               events: list[Event] | None = None) -> Dispatcher:
    secrets = CredentialStore(SECRETS)
    pacers = Pacers(settings.telegram_rate, settings.telegram_chat_rate, settings.sms_rate)
    return Dispatcher(store, lambda: build_channels(settings, secrets, False, pacers), secrets, policy,
                      concurrency=concurrency, rng=random.Random(1), poll_interval=0.1,
                      on_event=events.append if events is not None else None,
                      receipt_sweep=0.05, receipt_first_gap=0.05)


def run(d: Dispatcher, seconds: float = 30) -> None:
    stop = threading.Event()
    t = threading.Thread(target=d.run, args=(stop,), kwargs={"until_done": True})
    t.start()
    t.join(seconds)
    stop.set()
    t.join(5)
    assert not t.is_alive()


def stages(store: Store, nid: int) -> list[tuple[str, str]]:
    n = store.notification(nid)
    assert n is not None
    return [(a["channel"], a["outcome"]) for a in n["attempts"]]


# -- the policy ----------------------------------------------------------------------------


def test_accepted_waits_only_where_reports_come() -> None:
    p = fast(600)
    assert accepted(p, "sms", Cursor(), NOW, has_receipts=True) == Awaiting(Cursor(), NOW.replace(minute=10))
    assert accepted(p, "sms", Cursor(), NOW, has_receipts=False) == Delivered("sms")  # receipts off
    assert accepted(p, "telegram", Cursor(), NOW, has_receipts=True) == Delivered("telegram")  # no window
    assert accepted(fast(0), "sms", Cursor(), NOW, has_receipts=True) == Delivered("sms")  # 0: as before


def test_after_receipt_moves_the_chain_on() -> None:
    p, chans, rng = fast(600), ("sms", "telegram"), random.Random(1)
    assert after_receipt(p, chans, Cursor(), "confirmed", NOW, NOW, rng) == Delivered("sms")
    dead = after_receipt(p, chans, Cursor(), "permanent", NOW, NOW, rng)
    assert dead == Continue(Cursor(channel_index=1, dead=frozenset({"sms"})), NOW)
    for why in ("transient", "timeout"):  # on at once; SMS is left for a later round
        assert after_receipt(p, chans, Cursor(), why, NOW, NOW, rng) == Continue(
            Cursor(channel_index=1, round_transient=True), NOW)


# -- the chain, Twilio --------------------------------------------------------------------


def test_confirmed_later_is_delivered_by_the_handset(store: Store, tmp_path: Path,
                                                     tw: twilio.TwilioServer, tg: FakeTelegram) -> None:
    tw.reports.set(PHONE, "delivered", after=0.3)
    tg.add_chat(1)
    rid = store.add_recipient("Анна", phone=PHONE, telegram_chat_id=1)
    (nid,) = store.enqueue([rid], "Сервер перегрелся", channels=["sms", "telegram"])
    events: list[Event] = []
    run(dispatcher(store, twilio_settings(tmp_path, tw, tg), fast(30), events=events))
    n = store.notification(nid)
    assert n is not None and n["state"] == "delivered" and n["delivered_via"] == "sms"
    assert stages(store, nid) == [("sms", "confirmed")]
    a = n["attempts"][0]
    assert a["provider_message_id"].startswith("SM") and a["receipt_at"] >= a["finished_at"]
    assert tg.messages == []
    updates = [e for e in events if isinstance(e, NotificationUpdated) and e.notification_id == nid]
    assert updates[0].awaiting_receipt and updates[-1].how == "confirmed by the handset"
    # Twilio was asked GET …/Messages/{Sid}.json
    assert any(r.method == "GET" and r.path.endswith(f"/Messages/{a['provider_message_id']}.json") for r in tw.requests)


def test_undelivered_report_goes_on_to_telegram(store: Store, tmp_path: Path,
                                                tw: twilio.TwilioServer, tg: FakeTelegram) -> None:
    tw.reports.set(PHONE, "undelivered", after=0.2, code=30005)  # unknown handset: permanent
    tg.add_chat(2)
    rid = store.add_recipient("Bob", phone=PHONE, telegram_chat_id=2)
    (nid,) = store.enqueue([rid], "hello", channels=["sms", "telegram"])
    run(dispatcher(store, twilio_settings(tmp_path, tw, tg), fast(30)))
    assert stages(store, nid) == [("sms", "undelivered"), ("telegram", "delivered")]
    a = store.notification(nid)["attempts"][0]  # type: ignore[index]
    assert "30005" in a["receipt_detail"] and "does not exist" in a["receipt_detail"]
    assert len(tw.messages) == 1 and len(tg.messages) == 1


def test_no_report_within_the_window_goes_on(store: Store, tmp_path: Path,
                                             tw: twilio.TwilioServer, tg: FakeTelegram) -> None:
    tw.reports.set(PHONE, "never")
    tg.add_chat(3)
    rid = store.add_recipient("Clara", phone=PHONE, telegram_chat_id=3)
    (nid,) = store.enqueue([rid], "hello", channels=["sms", "telegram"])
    run(dispatcher(store, twilio_settings(tmp_path, tw, tg), fast(0.8)))
    assert stages(store, nid) == [("sms", "undelivered"), ("telegram", "delivered")]
    a = store.notification(nid)["attempts"][0]  # type: ignore[index]
    assert "no delivery report within 0.8 s" in a["receipt_detail"]
    assert len(tw.messages) == 1  # waited; never sent again


def test_receipts_off_behaves_as_before(store: Store, tmp_path: Path,
                                        tw: twilio.TwilioServer, tg: FakeTelegram) -> None:
    tw.reports.set(PHONE, "never")
    rid = store.add_recipient("Dan", phone=PHONE)
    (nid,) = store.enqueue([rid], "hello", channels=["sms"])
    run(dispatcher(store, twilio_settings(tmp_path, tw, tg), fast(0)))
    assert stages(store, nid) == [("sms", "delivered")]
    assert not any(r.method == "GET" for r in tw.requests)


def test_waiting_holds_no_worker(store: Store, tmp_path: Path, tw: twilio.TwilioServer, tg: FakeTelegram) -> None:
    """One worker: while the SMS waits for its report, other work goes through."""
    tw.reports.set(PHONE, "delivered", after=1.5)
    tg.add_chat(4)
    first = store.add_recipient("Waiting", phone=PHONE)
    second = store.add_recipient("Other", telegram_chat_id=4)
    (n1,) = store.enqueue([first], "sms", channels=["sms"])
    (n2,) = store.enqueue([second], "telegram", channels=["telegram"])
    run(dispatcher(store, twilio_settings(tmp_path, tw, tg), fast(30), concurrency=1))
    a1, a2 = store.notification(n1), store.notification(n2)
    assert a1 is not None and a2 is not None
    assert a1["attempts"][0]["outcome"] == "confirmed" and a2["state"] == "delivered"
    # the second was delivered while the first was accepted but not confirmed yet
    assert a1["attempts"][0]["finished_at"] < a2["finished_at"] < a1["attempts"][0]["receipt_at"]


# -- SMS.ru and the Android gateway: batched and paced -------------------------------------


def test_smsru_reports_are_batched(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 8 here (the program asks for 100 at a time), so that 25 messages need several;
    and 20 requests a second instead of 1 (pacing has its own test below)."""
    from notifier_gui.core.delivery.channels.sms.smsru import SmsRuProvider

    monkeypatch.setattr(SmsRuProvider, "receipt_batch", 8)
    monkeypatch.setattr(SmsRuProvider, "receipt_rate", 20.0)
    with smsru.SmsRuServer(balance=10_000) as server:
        phones = [f"+7916{i:07d}" for i in range(25)]
        for p in phones[:22]:
            server.reports.set(p, "delivered", after=0.2)
        for p in phones[22:]:
            server.reports.set(p, "undelivered", after=0.2, code=108)  # rejected: permanent
        ids = store.add_recipients({"name": p, "phone": p} for p in phones)
        nids = store.enqueue(ids, "hello", channels=["sms"])
        settings = Settings(data_dir=tmp_path, sms_provider="smsru", smsru_api_base=server.base_url, sms_rate=1000)
        run(dispatcher(store, settings, fast(60), concurrency=4), seconds=60)
        outcomes = [store.notification(n)["attempts"][0]["outcome"] for n in nids]  # type: ignore[index]
        assert outcomes == ["confirmed"] * 22 + ["undelivered"] * 3
        assert "rejected" in store.notification(nids[-1])["attempts"][0]["receipt_detail"]  # type: ignore[index]
        calls = server.status_requests
        assert all(len(c) <= 8 for c in calls) and max(len(c) for c in calls) > 1
        assert sum(len(c) for c in calls) < 25 * 3  # asked in batches, not once per message per sweep


def test_android_polls_are_paced(store: Store, tmp_path: Path) -> None:
    """One sweep asks at most rate × sweep messages; the rest wait for the next sweep, and
    no two status requests are closer than 1/rate apart."""
    with android_gateway.AndroidGatewayServer() as server:
        phones = [f"+7916{i:07d}" for i in range(12)]
        ids = store.add_recipients({"name": p, "phone": p} for p in phones)
        store.enqueue(ids, "hello", channels=["sms"])
        settings = Settings(data_dir=tmp_path, sms_provider="android", android_sms_url=server.base_url,
                            android_sms_user=android_gateway.USER, sms_rate=1000)
        d = dispatcher(store, settings, fast(60), concurrency=2)
        stop = threading.Event()
        t = threading.Thread(target=d.run, args=(stop,), kwargs={"max_seconds": 30})
        t.start()
        try:
            while len(store.outstanding_receipts()) < 12:
                assert t.is_alive()
                time.sleep(0.02)
        finally:
            stop.set()
            t.join(10)
        before = len(server.requests)
        secrets = CredentialStore(SECRETS)
        pacers = Pacers(sms_rate=1000)
        poller = ReceiptPoller(store, lambda: build_channels(settings, secrets, False, pacers),
                               sweep=1.0, first_gap=0.0)
        stamps: list[float] = []
        channel = poller.channel_factory()["sms"]
        channel.receipt_rate = 5.0  # type: ignore[misc]
        original = channel.fetch_receipts

        def timed(ids: Any) -> Any:
            stamps.append(time.monotonic())
            return original(ids)

        channel.fetch_receipts = timed  # type: ignore[method-assign]
        poller._channels = {"sms": channel}
        poller.poll_once()
        assert poller.requests == 5  # 5 per second × a 1 s sweep; the other 7 wait
        assert all(b - a >= 0.19 for a, b in zip(stamps, stamps[1:]))
        poller.poll_once()
        assert poller.requests == 10
        gets = [p for m, p, _ in server.requests[before:] if m == "GET" and p.startswith("/message/")]
        assert len(gets) == 10


# -- a real process killed during the wait ---------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")
def test_sigkill_during_the_wait_loses_nothing(data_dir: Path, tw: twilio.TwilioServer, tg: FakeTelegram) -> None:
    env = env_for(data_dir, SMS_PROVIDER="twilio", TWILIO_ACCOUNT_SID=twilio.ACCOUNT_SID, TWILIO_FROM=twilio.FROM,
                  TWILIO_API_BASE=tw.base_url, TWILIO_AUTH_TOKEN=twilio.AUTH_TOKEN,
                  TELEGRAM_API_BASE=tg.base_url, TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN,
                  SMS_CONFIRM_TIMEOUT="60", NOTIFIER_RECEIPT_POLL="0.2", NOTIFIER_CHANNELS="sms,telegram")
    tw.reports.set(PHONE, "never")
    tg.add_chat(7)
    as_json(notifier(data_dir, "users", "add", "--name", "Eve", "--phone", PHONE, "--telegram-chat-id", "7",
                     "--json", env=env))
    assert notifier(data_dir, "send", "--user", "1", "--message", "hello", env=env).returncode == 0
    worker = start_worker(data_dir, env=env)
    db = data_dir / "notifier.db"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert time.monotonic() < deadline and worker.poll() is None, "the worker never accepted the SMS"
            with sqlite3.connect(db) as c:
                if c.execute("select count(*) from attempts where outcome = 'accepted'").fetchone()[0]:
                    break
            time.sleep(0.05)
        # it polls at least once while waiting, then dies mid-wait
        while not any(r.method == "GET" for r in tw.requests):
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    with sqlite3.connect(db) as c:
        assert c.execute("select state, awaiting_attempt_id is not null from notifications").fetchone() == ("queued", 1)
    tw.reports.set(PHONE, "delivered")  # the report arrives while no worker runs
    again = start_worker(data_dir, "--until-done", "--max-seconds", "60", env=env)
    out, err = again.communicate(timeout=90)
    assert again.returncode == 0, err
    shown = as_json(notifier(data_dir, "show", "1", "--json", env=env))
    assert shown["state"] == "delivered" and shown["delivered_via"] == "sms"
    assert [a["outcome"] for a in shown["attempts"]] == ["confirmed"]
    assert len(tw.messages) == 1 and tg.messages == []  # not sent again, no fallback


def test_show_says_how_it_was_delivered(store: Store, tmp_path: Path, tw: twilio.TwilioServer,
                                        tg: FakeTelegram) -> None:
    from notifier_gui.core.delivery.policy import delivered_how

    tw.reports.set(PHONE, "delivered", after=0.1)
    tg.add_chat(9)
    a = store.add_recipient("A", phone=PHONE)
    b = store.add_recipient("B", telegram_chat_id=9)
    (n1,) = store.enqueue([a], "x", channels=["sms"])
    (n2,) = store.enqueue([b], "y", channels=["telegram"])
    run(dispatcher(store, twilio_settings(tmp_path, tw, tg), fast(30)))
    assert store.notification(n1)["delivered_how"] == "confirmed by the handset"  # type: ignore[index]
    assert store.notification(n2)["delivered_how"] == "accepted by Telegram"  # type: ignore[index]
    assert delivered_how("sms", "delivered", "Twilio") == "accepted by Twilio"


def test_cli_show_prints_both_stages(data_dir: Path, tw: twilio.TwilioServer) -> None:
    env = env_for(data_dir, SMS_PROVIDER="twilio", TWILIO_ACCOUNT_SID=twilio.ACCOUNT_SID, TWILIO_FROM=twilio.FROM,
                  TWILIO_API_BASE=tw.base_url, TWILIO_AUTH_TOKEN=twilio.AUTH_TOKEN,
                  SMS_CONFIRM_TIMEOUT="30", NOTIFIER_RECEIPT_POLL="0.1", NOTIFIER_CHANNELS="sms")
    tw.reports.set(PHONE, "delivered", after=0.2)
    as_json(notifier(data_dir, "users", "add", "--name", "Eve", "--phone", PHONE, "--json", env=env))
    assert notifier(data_dir, "send", "--user", "1", "--message", "hello", env=env).returncode == 0
    run_out = notifier(data_dir, "worker", "--until-done", "--max-seconds", "30", env=env)
    assert run_out.returncode == 0, run_out.stderr
    assert "accepted; waiting for its delivery report" in run_out.stdout
    assert "delivered via sms (confirmed by the handset)" in run_out.stdout
    shown = notifier(data_dir, "show", "1", env=env)
    assert "via sms (confirmed by the handset)" in shown.stdout
    assert "accepted -> confirmed after" in shown.stdout
    data = as_json(notifier(data_dir, "show", "1", "--json", env=env))
    assert data["delivered_how"] == "confirmed by the handset" and data["awaiting_receipt"] is False
    (a,) = data["attempts"]
    assert a["outcome"] == "confirmed" and a["receipt_at"] and "delivered" in a["receipt_detail"]


def test_the_heartbeat_never_cuts_a_confirmation_window() -> None:
    from notifier_gui.core.delivery.policy import longest_wait

    p = Policy(round_delay_max=60, backoff=(2.0,), confirm=(("sms", 600),))
    assert longest_wait(p) >= 600  # the heartbeat cuts stored waits longer than this


def test_a_late_report_and_a_cancelled_wait_change_nothing(store: Store, tmp_path: Path,
                                                           tw: twilio.TwilioServer, tg: FakeTelegram) -> None:
    tw.reports.set(PHONE, "never")
    tg.add_chat(8)
    rid = store.add_recipient("Late", phone=PHONE, telegram_chat_id=8)
    (late,) = store.enqueue([rid], "x", channels=["sms", "telegram"])
    run(dispatcher(store, twilio_settings(tmp_path, tw, tg), fast(0.3)))
    assert stages(store, late) == [("sms", "undelivered"), ("telegram", "delivered")]
    # the report comes after the chain moved on: no outcome changes, nothing made due
    with store.engine.connect() as c:
        from sqlalchemy import select

        from notifier_gui.core.storage.schema import ATTEMPTS
        attempt_id = min(c.execute(select(ATTEMPTS.c.id).where(ATTEMPTS.c.notification_id == late)).scalars())
    assert store.record_receipts([(attempt_id, "confirmed", None, "late")]) == []
    assert stages(store, late) == [("sms", "undelivered"), ("telegram", "delivered")]

    # an operator cancels a notification while it waits: it is polled no more
    (waiting,) = store.enqueue([rid], "y", channels=["sms", "telegram"])
    d = dispatcher(store, twilio_settings(tmp_path, tw, tg), fast(60))
    stop = threading.Event()
    t = threading.Thread(target=d.run, args=(stop,), kwargs={"max_seconds": 30})
    t.start()
    try:
        while not store.outstanding_receipts():
            assert t.is_alive()
            time.sleep(0.02)
        assert store.cancel(waiting)
        assert store.outstanding_receipts() == []
    finally:
        stop.set()
        t.join(10)
    assert store.notification(waiting)["state"] == "cancelled"  # type: ignore[index]


# -- one poller per database ------------------------------------------------------------------


def _await(cond: Any, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not cond():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def test_two_dispatchers_on_one_database_poll_each_message_once(store: Store, tmp_path: Path,
                                                                 tw: twilio.TwilioServer, tg: FakeTelegram) -> None:
    """Two worker processes on one database (here: two dispatchers with their own instance
    ids): the provider is asked about each outstanding message by one of them; when that one
    dies (its lease runs out) or stops (gives the lease back), the other takes over."""
    tw.reports.set(PHONE, "never")
    rid = store.add_recipient("Both", phone=PHONE)
    ids = store.enqueue([rid, rid, rid], "x", channels=["sms"])
    settings = twilio_settings(tmp_path, tw, tg)
    sender = dispatcher(store, settings, fast(600))
    stop = threading.Event()
    t = threading.Thread(target=sender.run, args=(stop,), kwargs={"max_seconds": 60})
    t.start()
    try:
        _await(lambda: len(store.outstanding_receipts()) == 3, "the three SMS were never accepted")
    finally:
        stop.set()
        t.join(10)
    sids = {o.provider_message_id for o in store.outstanding_receipts()}

    def desk(name: str) -> ReceiptPoller:
        d = Dispatcher(store, lambda: build_channels(settings, CredentialStore(SECRETS), False,
                                                     Pacers(100, 100, 100)),
                       CredentialStore(SECRETS), fast(600), owner=f"{name}/1/1",
                       receipt_sweep=0.05, receipt_first_gap=0.0)
        d.receipts.lease = 1.0
        d.receipts.max_gap = 0.0  # ask about every message at every sweep: a second poller would show at once
        return d.receipts

    def asked() -> list[str]:
        return [r.path.rsplit("/", 1)[-1].removesuffix(".json") for r in tw.requests if r.method == "GET"]

    a, b = desk("desk-a"), desk("desk-b")
    before = len(asked())

    def both() -> bool:
        a.poll_once()
        b.poll_once()
        return set(asked()[before:]) == sids

    _await(both, "A never asked about every message")
    polled = asked()[before:]
    assert b.requests == 0 and a.requests == len(polled)  # every question came from A

    # desk A dies (stops renewing its lease): once it runs out, B polls, and A no more
    _await(lambda: b.poll_once() >= 0 and b.requests > 0, "B never took the polling over")
    a_before, b_before, b_asked = a.requests, len(asked()), b.requests
    _await(lambda: both() or set(asked()[b_before:]) == sids, "B never asked about every message")
    assert a.requests == a_before and b.requests - b_asked == len(asked()) - b_before

    # B stops cleanly (gives the lease back): A polls at its next sweep, without waiting it out
    b.release()
    b_before = b.requests
    a.poll_once()
    b.poll_once()
    assert a.requests > a_before and b.requests == b_before
    assert [store.notification(i)["state"] for i in ids] == ["queued"] * 3  # type: ignore[index]


def test_a_report_after_the_chain_moved_on_is_shown_without_changing_the_outcome(
        store: Store, tmp_path: Path, tw: twilio.TwilioServer, tg: FakeTelegram) -> None:
    tw.reports.set(PHONE, "never")
    tg.add_chat(8)
    rid = store.add_recipient("Late", phone=PHONE, telegram_chat_id=8)
    (late,) = store.enqueue([rid], "x", channels=["sms", "telegram"])
    run(dispatcher(store, twilio_settings(tmp_path, tw, tg), fast(0.3)))
    n = store.notification(late)
    assert n is not None
    sms = n["attempts"][0]
    (sms_id, _) = store.sent_attempts(late, "sms")[0]
    assert store.record_receipts([(sms_id, "confirmed", None, "delivered to the handset")]) == []
    assert store.record_receipts([(sms_id, "confirmed", None, "delivered to the handset")]) == []  # once
    again = store.notification(late)
    assert again is not None
    assert [(a["channel"], a["outcome"]) for a in again["attempts"]] == [("sms", "undelivered"), ("telegram", "delivered")]
    assert again["state"] == "delivered" and again["delivered_via"] == "telegram"
    assert again["attempts"][0]["receipt_detail"] == (
        f"{sms['receipt_detail']}; confirmed (reported after the chain moved on): delivered to the handset")
