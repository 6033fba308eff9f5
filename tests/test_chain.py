"""The dispatcher running real chains: real SMTP server, real database, sandbox SMS/Telegram."""
from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from sqlalchemy import text

from notifier_gui.core.config import Settings
from notifier_gui.core.delivery.channels.base import Channel
from notifier_gui.core.delivery.channels.email import EmailChannel
from notifier_gui.core.delivery.channels.outbox import OutboxChannel
from notifier_gui.core.delivery.dispatcher import (
    AttemptFinished,
    AttemptStarted,
    Dispatcher,
    Event,
    NotificationUpdated,
)
from notifier_gui.core.delivery.policy import Policy
from notifier_gui.core.secrets import SERVICE, CredentialStore
from notifier_gui.core.storage.engine import open_database
from notifier_gui.core.storage.repository import Store

from tests.servers.smtp import PASSWORD, USER, SMTPServer, free_port

FAST = Policy(max_tries=3, backoff=(0.05,), jitter=0, round_delay=0.05, round_delay_max=0.1, lifetime=60)


@pytest.fixture
def server(ca: trustme.CA, trust_ca: Path) -> Iterator[SMTPServer]:
    s = SMTPServer(ca).start()
    yield s
    s.stop()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """Every chain test on SQLite and on PostgreSQL (skipped where no server is set up)."""
    s = Store(open_database(db_url))
    yield s
    s.engine.dispose()


class Harness:
    def __init__(self, store: Store, settings: Settings, secrets: CredentialStore, policy: Policy = FAST,
                 concurrency: int = 2, **dispatcher: Any) -> None:
        self.events: list[Event] = []
        self.lock = threading.Lock()
        self.settings = settings

        def channels() -> dict[str, Channel]:
            return {
                "email": EmailChannel(settings, lambda: secrets.get("smtp_password"), secrets.redactor),
                "sms": OutboxChannel("sms", settings),
                "telegram": OutboxChannel("telegram", settings),
            }

        self.dispatcher = Dispatcher(store, channels, secrets, policy, concurrency=concurrency,
                                     on_event=self._on_event, rng=random.Random(7), poll_interval=0.1,
                                     **dispatcher)

    def _on_event(self, e: Event) -> None:
        with self.lock:
            self.events.append(e)

    def run(self, timeout: float = 20) -> None:
        stop = threading.Event()
        t = threading.Thread(target=self.dispatcher.run, args=(stop,), kwargs={"until_done": True})
        t.start()
        t.join(timeout)
        stop.set()
        t.join(5)
        assert not t.is_alive(), "dispatcher did not finish"


def settings_for(port: int, tmp_path: Path, **kw: Any) -> Settings:
    base: dict[str, Any] = dict(smtp_host="localhost", smtp_port=port, smtp_user=USER,
                                from_email="ops@example.org", smtp_timeout=3.0, data_dir=tmp_path)
    base.update(kw)
    return Settings(**base)


def outcomes(store: Store, nid: int) -> list[tuple[str, str]]:
    n = store.notification(nid)
    assert n is not None
    return [(a["channel"], a["outcome"]) for a in n["attempts"]]


@pytest.fixture
def secrets(keyring_backend: Any) -> CredentialStore:
    s = CredentialStore({"SMTP_DEFAULT_PASSWORD": PASSWORD})
    return s


def test_email_550_falls_to_sms_at_once(server: SMTPServer, store: Store, tmp_path: Path, secrets: CredentialStore) -> None:
    server.script.rcpt_replies["gone@example.net"] = "550 5.1.1 No such user"
    rid = store.add_recipient("Gone", email="gone@example.net", phone="+79161234567")
    (nid,) = store.enqueue([rid], "hello")
    Harness(store, settings_for(server.port, tmp_path), secrets).run()
    assert outcomes(store, nid) == [("email", "permanent"), ("sms", "delivered")]
    n = store.notification(nid)
    assert n and n["state"] == "delivered" and n["delivered_via"] == "sms"
    assert "550 5.1.1" in n["attempts"][0]["detail"]
    (sms_file,) = (tmp_path / "outbox" / "sms").glob("*.json")
    assert "+79161234567" in sms_file.read_text(encoding="utf-8")


def test_transient_is_retried_then_falls_back(server: SMTPServer, store: Store, tmp_path: Path, secrets: CredentialStore) -> None:
    server.script.data_replies.extend(["451 4.3.0 Try later"] * 3)
    rid = store.add_recipient("Busy", email="busy@example.net", telegram_chat_id=42)
    (nid,) = store.enqueue([rid], "hello")
    Harness(store, settings_for(server.port, tmp_path), secrets).run()
    assert outcomes(store, nid) == [("email", "transient")] * 3 + [("sms", "unavailable"), ("telegram", "delivered")]
    n = store.notification(nid)
    assert n is not None
    from datetime import datetime
    starts = [datetime.fromisoformat(a["started_at"]) for a in n["attempts"][:3]]
    assert all((b - a).total_seconds() >= 0.05 for a, b in zip(starts, starts[1:]))  # backoff was waited


def test_transient_then_success_on_the_same_channel(server: SMTPServer, store: Store, tmp_path: Path, secrets: CredentialStore) -> None:
    server.script.data_replies.append("421 4.7.0 Too busy")
    rid = store.add_recipient("A", email="a@example.net")
    (nid,) = store.enqueue([rid], "hello")
    Harness(store, settings_for(server.port, tmp_path), secrets).run()
    assert outcomes(store, nid) == [("email", "transient"), ("email", "delivered")]
    assert server.handler.wait_for(1)


def test_no_reachable_channel_fails_with_one_attempt_each(store: Store, tmp_path: Path, secrets: CredentialStore) -> None:
    rid = store.add_recipient("Nobody")
    (nid,) = store.enqueue([rid], "hello")
    h = Harness(store, settings_for(free_port(), tmp_path), secrets)
    h.run()
    assert outcomes(store, nid) == [("email", "unavailable"), ("sms", "unavailable"), ("telegram", "unavailable")]
    assert store.notification(nid)["state"] == "failed"  # type: ignore[index]
    assert any(isinstance(e, NotificationUpdated) and e.state == "failed" for e in h.events)


def test_rounds_until_the_lifetime_then_failed(tmp_path: Path, secrets: CredentialStore) -> None:
    """Rounds repeat until the lifetime ends them. The queue's clock moves 30 s at every
    email attempt (an injected clock, so the count does not depend on the machine's speed):
    tries at 0, 30, 60 and 90 s fit in a 100 s lifetime; after the fourth the next round
    would start past it. SQLite only: there the queue runs on this process's clock (on
    PostgreSQL on the database's, which a test cannot move)."""
    from datetime import timedelta

    from notifier_gui.core.storage.schema import utcnow

    jump = [timedelta(0)]
    clocked = Store(open_database(f"sqlite:///{tmp_path / 'n.db'}"), clock=lambda: utcnow() + jump[0])
    policy = Policy(max_tries=1, backoff=(0.01,), jitter=0, round_delay=0.05, round_delay_max=0.1, lifetime=100)
    rid = clocked.add_recipient("A", email="a@example.net")
    (nid,) = clocked.enqueue([rid], "hello")
    h = Harness(clocked, settings_for(free_port(), tmp_path), secrets, policy, lease_seconds=3600)
    h.dispatcher.heartbeat_seconds = 3600  # the jumps stand; no re-reading of the database's clock
    record = h.dispatcher.on_event

    def on_event(e: Event) -> None:
        if isinstance(e, AttemptStarted) and e.channel == "email":
            jump[0] += timedelta(seconds=30)
        record(e)

    h.dispatcher.on_event = on_event
    h.run()  # connection refused: transient
    n = clocked.notification(nid)
    clocked.engine.dispose()
    assert n is not None and n["state"] == "failed" and "lifetime" in (n["last_error"] or "")
    email_tries = [a for a in n["attempts"] if a["channel"] == "email"]
    assert len(email_tries) == 4 and all(a["outcome"] == "transient" for a in email_tries)


def test_attempt_is_committed_before_the_network_call(server: SMTPServer, store: Store, tmp_path: Path, secrets: CredentialStore) -> None:
    seen: list[Any] = []
    original = server.handler.handle_DATA

    async def looking(srv: Any, session: Any, envelope: Any) -> str:
        # Another connection, at the moment the message reaches the server.
        with store.engine.connect() as c:
            seen.extend(c.execute(text("select channel, outcome from attempts")).all())
        return await original(srv, session, envelope)

    server.handler.handle_DATA = looking  # type: ignore[method-assign]
    rid = store.add_recipient("A", email="a@example.net")
    store.enqueue([rid], "hello")
    Harness(store, settings_for(server.port, tmp_path), secrets).run()
    assert seen == [("email", None)]  # the in-flight attempt was already durable


def test_waiting_never_blocks_a_worker(server: SMTPServer, store: Store, tmp_path: Path, secrets: CredentialStore) -> None:
    policy = Policy(max_tries=2, backoff=(1.0,), jitter=0, lifetime=60)
    server.script.rcpt_replies["slow@example.net"] = "451 4.3.0 Greylisted"
    a = store.add_recipient("Slow", email="slow@example.net")
    b = store.add_recipient("Fast", email="fast@example.net")
    (na,) = store.enqueue([a], "first")
    (nb,) = store.enqueue([b], "second")
    h = Harness(store, settings_for(server.port, tmp_path), secrets, policy, concurrency=1)
    h.run()
    finished = [(e.notification_id, e.outcome) for e in h.events if isinstance(e, AttemptFinished)]
    # With one worker, B is delivered while A waits for its retry.
    assert finished.index((nb, "delivered")) < [i for i, f in enumerate(finished) if f[0] == na][1]


def test_events_follow_commits(server: SMTPServer, store: Store, tmp_path: Path, secrets: CredentialStore) -> None:
    rid = store.add_recipient("A", email="a@example.net")
    (nid,) = store.enqueue([rid], "hello")
    h = Harness(store, settings_for(server.port, tmp_path), secrets)
    h.run()
    kinds = [type(e).__name__ for e in h.events]
    assert kinds == ["AttemptStarted", "AttemptFinished", "NotificationUpdated"]
    started = h.events[0]
    assert isinstance(started, AttemptStarted) and started.notification_id == nid and started.recipient == "A"


def test_per_send_password_is_used_then_removed(server: SMTPServer, store: Store, tmp_path: Path, keyring_backend: Any) -> None:
    secrets = CredentialStore()  # no default password at all
    ref = secrets.put_per_send(PASSWORD)
    rid = store.add_recipient("A", email="a@example.net")
    (nid,) = store.enqueue([rid], "hello", smtp_user=USER, smtp_secret_refs=[ref])
    Harness(store, settings_for(server.port, tmp_path, smtp_user=""), secrets).run()
    assert outcomes(store, nid) == [("email", "delivered")]
    assert server.handler.logins == [USER]
    assert keyring_backend.get_password(SERVICE, ref) is None
    with store.engine.connect() as c:
        assert c.execute(text("select smtp_secret_ref from notifications")).scalar() is None
    if store.engine.dialect.name == "sqlite":  # the database file itself, every page of it
        assert PASSWORD.encode() not in (tmp_path / "n.db").read_bytes()


# -- leases: slow sends, other machines, clock steps (#11.1, #12.1, #12.2) -------------------

# Another machine's live work is protected by its heartbeat alone: the lease leaves the
# heartbeat (a quarter lease) a second of slack on a loaded CI machine, and each command's
# delay makes even a send on a reused connection (MAIL, RCPT, DATA) longer than the lease.
LEASE = 1.5
SLOW_COMMAND = 0.6


def _delivered_once(server: SMTPServer, store: Store, ids: list[int]) -> None:
    import collections

    with server.handler.lock:
        got = collections.Counter(int(m["X-Notifier-Notification-Id"]) for m in server.messages)
    assert set(got) == set(ids) and max(got.values()) == 1, f"deliveries per notification: {dict(got)}"
    with store.engine.connect() as c:
        outcomes = [o for (o,) in c.execute(text("select outcome from attempts"))]
    assert outcomes == ["delivered"] * len(ids)  # none "interrupted": no live owner lost its work


def _run_together(*harnesses: Harness, first_started: threading.Event) -> None:
    """Start the first harness; once it is mid-send, the others; wait for all."""
    threads = [threading.Thread(target=h.run, kwargs={"timeout": 60}) for h in harnesses]
    threads[0].start()
    assert first_started.wait(20), "the first worker never started a send"
    for t in threads[1:]:
        t.start()
    for t in threads:
        t.join(90)


class _StartSignal:
    def __init__(self, harness: Harness) -> None:
        self.event = threading.Event()
        inner = harness.dispatcher.on_event

        def on_event(e: Event) -> None:
            inner(e)
            if isinstance(e, AttemptStarted):
                self.event.set()

        harness.dispatcher.on_event = on_event


def test_a_clock_step_forward_mid_send_takes_nothing(server: SMTPServer, store: Store, tmp_path: Path,
                                                    secrets: CredentialStore) -> None:
    """Sends far slower than the lease, and the clock jumps an hour ahead while they run:
    every lease looks expired, yet no other slot of the same process sends again."""
    from datetime import timedelta

    from notifier_gui.core.storage.schema import utcnow

    server.script.command_delay = 0.3
    jump = [timedelta(0)]
    clocked = Store(store.engine, clock=lambda: utcnow() + jump[0])
    rids = [store.add_recipient(f"R{i}", email=f"r{i}@example.net") for i in range(8)]
    ids = clocked.enqueue(rids, "hello")
    h = Harness(clocked, settings_for(server.port, tmp_path), secrets, concurrency=2, lease_seconds=0.5)
    started = _StartSignal(h)
    t = threading.Thread(target=h.run, kwargs={"timeout": 60})
    t.start()
    assert started.event.wait(20)
    jump[0] = timedelta(hours=1)
    t.join(90)
    _delivered_once(server, store, ids)


def test_same_host_name_on_two_machines_takes_no_live_work(server: SMTPServer, store: Store, tmp_path: Path,
                                                           secrets: CredentialStore) -> None:
    """Another machine with this machine's host name (a cloned VM), whose pid means nothing
    here, is mid-send with short leases when this worker starts: its leases are alive by
    its heartbeat in the database, so nothing is recovered, reclaimed or sent twice."""
    server.script.command_delay = SLOW_COMMAND
    rids = [store.add_recipient(f"R{i}", email=f"r{i}@example.net") for i in range(6)]
    ids = store.enqueue(rids, "hello")
    other = Harness(store, settings_for(server.port, tmp_path), secrets, concurrency=2, lease_seconds=LEASE,
                    owner="0123456789abcdef0123456789abcdef/999999/1")  # same host name: not part of it
    here = Harness(store, settings_for(server.port, tmp_path), secrets, concurrency=2, lease_seconds=LEASE)
    assert here.dispatcher.machine != other.dispatcher.machine
    started = _StartSignal(other)
    _run_together(other, here, first_started=started.event)
    _delivered_once(server, store, ids)


def test_skewed_clocks_take_no_live_work(server: SMTPServer, db_url: str, tmp_path: Path,
                                         secrets: CredentialStore) -> None:
    """Two workers whose clocks are 150 s ahead and 150 s behind. On PostgreSQL they stand for
    two desks: leases run on the database's clock, so neither takes the other's live work.
    On SQLite (one machine) the other worker is a live process here, which is never robbed."""
    import os
    from datetime import timedelta

    import psutil

    from notifier_gui.core.delivery.identity import machine_id
    from notifier_gui.core.storage.schema import utcnow

    server.script.command_delay = SLOW_COMMAND
    ahead = Store(open_database(db_url), clock=lambda: utcnow() + timedelta(seconds=150))
    behind = Store(open_database(db_url), clock=lambda: utcnow() - timedelta(seconds=150))
    rids = [ahead.add_recipient(f"R{i}", email=f"r{i}@example.net") for i in range(6)]
    ids = behind.enqueue(rids, "hello")
    if ahead.engine.dialect.name == "postgresql":
        owner = "fedcba9876543210fedcba9876543210/999999/1"  # another desk
    else:
        parent = os.getppid()  # a live process on this machine
        owner = f"{machine_id()}/{parent}/{int(psutil.Process(parent).create_time())}"
    slow = Harness(behind, settings_for(server.port, tmp_path), secrets, concurrency=2, lease_seconds=LEASE, owner=owner)
    fast = Harness(ahead, settings_for(server.port, tmp_path), secrets, concurrency=2, lease_seconds=LEASE)
    started = _StartSignal(slow)
    _run_together(slow, fast, first_started=started.event)
    _delivered_once(server, ahead, ids)
    ahead.engine.dispose()
    behind.engine.dispose()


def test_a_full_disk_pauses_the_worker_and_loses_nothing(tmp_path: Path, secrets: CredentialStore) -> None:
    """SQLite's own SQLITE_FULL (PRAGMA max_page_count holds the database at its size) while
    delivering: the worker says it is paused, keeps every outcome it already has, and when
    there is room again goes on; every message is sent once and recorded (#11.12)."""
    from sqlalchemy import event

    from notifier_gui.core.delivery.dispatcher import WorkerStatus

    store = Store(open_database(f"sqlite:///{tmp_path / 'full.db'}"))
    limit: list[int | None] = [None]

    @event.listens_for(store.engine, "checkout")
    def _cap(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if limit[0] is not None:
            dbapi_connection.execute(f"PRAGMA max_page_count = {limit[0]}")

    rids = [store.add_recipient(f"R{i}", phone=f"+7916123{i:04d}") for i in range(40)]
    ids = store.enqueue(rids, "hello", channels=["sms"])
    with store.engine.connect() as c:
        pages = c.exec_driver_sql("PRAGMA page_count").scalar()
    limit[0] = pages + 1  # room for a few attempt rows, then SQLITE_FULL
    h = Harness(store, settings_for(free_port(), tmp_path), secrets, concurrency=2)
    paused = threading.Event()
    inner = h.dispatcher.on_event

    def on_event(e: Event) -> None:
        inner(e)
        if isinstance(e, WorkerStatus) and e.state == "storage_full":
            paused.set()

    h.dispatcher.on_event = on_event
    t = threading.Thread(target=h.run, kwargs={"timeout": 60})
    t.start()
    assert paused.wait(30), "the worker never reported the full disk"
    assert t.is_alive()
    limit[0] = 1_000_000  # space again
    t.join(90)
    assert not t.is_alive()
    assert store.counts()["delivered"] == len(ids)
    statuses = [e.state for e in h.events if isinstance(e, WorkerStatus)]
    assert statuses[0] == "storage_full" and statuses[-1] == "running"
    files = list((tmp_path / "outbox" / "sms").glob("*.json"))
    assert len(files) == len(ids)  # each sent once: a finished send was recorded late, not repeated
    with store.engine.connect() as c:
        outcomes = [o for (o,) in c.execute(text("select outcome from attempts"))]
    assert outcomes == ["delivered"] * len(ids)
    store.engine.dispose()
