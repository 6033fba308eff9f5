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
from notifier_gui.core.delivery.dispatcher import AttemptFinished, AttemptStarted, Dispatcher, Event, NotificationUpdated
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
                 concurrency: int = 2) -> None:
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
                                     on_event=self._on_event, rng=random.Random(7), poll_interval=0.02)

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


def test_rounds_until_the_lifetime_then_failed(store: Store, tmp_path: Path, secrets: CredentialStore) -> None:
    policy = Policy(max_tries=1, backoff=(0.01,), jitter=0, round_delay=0.05, round_delay_max=0.1, lifetime=0.4)
    rid = store.add_recipient("A", email="a@example.net")
    (nid,) = store.enqueue([rid], "hello")
    Harness(store, settings_for(free_port(), tmp_path), secrets, policy).run()  # connection refused: transient
    n = store.notification(nid)
    assert n is not None and n["state"] == "failed" and "lifetime" in (n["last_error"] or "")
    email_tries = [a for a in n["attempts"] if a["channel"] == "email"]
    assert len(email_tries) >= 3 and all(a["outcome"] == "transient" for a in email_tries)


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
