"""Email receipts (issue #17 item 4): the accepted email waits EMAIL_CONFIRM_TIMEOUT for a
bounce. No bounce in that time is delivered; a hard bounce moves the chain on, a soft one
follows the retry policy. Real servers: aiosmtpd (tests/servers/smtp.py) for SMTP."""
from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from notifier_gui.core.config import Settings
from notifier_gui.core.delivery.channels import build_channels
from notifier_gui.core.delivery.dispatcher import Dispatcher, Event, NotificationUpdated
from notifier_gui.core.delivery.pacing import Pacers
from notifier_gui.core.delivery.policy import Policy
from notifier_gui.core.secrets import CredentialStore
from notifier_gui.core.storage.engine import open_database
from notifier_gui.core.storage.repository import Store
from tests.servers import twilio
from tests.servers.smtp import PASSWORD, USER, SMTPServer, free_port

PHONE = "+79161234567"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(open_database(f"sqlite:///{(tmp_path / 'n.db').as_posix()}"))
    yield s
    s.engine.dispose()


@pytest.fixture
def smtp(ca: trustme.CA, trust_ca: Path) -> Iterator[SMTPServer]:
    with SMTPServer(ca) as server:
        yield server


@pytest.fixture
def tw() -> Iterator[twilio.TwilioServer]:
    with twilio.TwilioServer() as server:
        yield server


def policy(window: float) -> Policy:
    return Policy(max_tries=2, backoff=(0.05,), jitter=0, round_delay=30, round_delay_max=30, lifetime=120,
                  confirm=(("email", window),))


def settings_for(tmp_path: Path, smtp: SMTPServer, tw: twilio.TwilioServer, **kw: Any) -> Settings:
    base: dict[str, Any] = dict(
        data_dir=tmp_path, smtp_host="localhost", smtp_port=smtp.port, smtp_user=USER,
        from_email="ops@example.org", smtp_timeout=5, sms_provider="twilio",
        twilio_account_sid=twilio.ACCOUNT_SID, twilio_from=twilio.FROM, twilio_api_base=tw.base_url,
        sms_rate=100, sms_confirm_timeout=0, email_confirm_timeout=1.0,
        imap_host="127.0.0.1", imap_port=free_port(), imap_user="bounces")
    base.update(kw)
    return Settings(**base)


SECRETS = {"SMTP_DEFAULT_PASSWORD": PASSWORD, "TWILIO_AUTH_TOKEN": twilio.AUTH_TOKEN,
           "IMAP_PASSWORD": "imap-Secret-pw-4711"}


def run(store: Store, settings: Settings, window: float, events: list[Event] | None = None,
        secrets: dict[str, str] | None = None, seconds: float = 30) -> None:
    creds = CredentialStore(secrets or SECRETS)
    pacers = Pacers(settings.telegram_rate, settings.telegram_chat_rate, settings.sms_rate)
    d = Dispatcher(store, lambda: build_channels(settings, creds, False, pacers), creds, policy(window),
                   concurrency=2, rng=random.Random(1), poll_interval=0.02,
                   on_event=events.append if events is not None else None,
                   receipt_sweep=0.05, receipt_first_gap=0.05)
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


def test_no_bounce_within_the_window_is_delivered_by_email(store: Store, tmp_path: Path, smtp: SMTPServer,
                                                           tw: twilio.TwilioServer) -> None:
    rid = store.add_recipient("Анна", email="anna@example.org", phone=PHONE)
    (nid,) = store.enqueue([rid], "Сервер перегрелся", channels=["email", "sms"])
    events: list[Event] = []
    run(store, settings_for(tmp_path, smtp, tw), 1.0, events)
    n = store.notification(nid)
    assert n is not None and n["state"] == "delivered" and n["delivered_via"] == "email"
    assert stages(store, nid) == [("email", "confirmed")]
    a = n["attempts"][0]
    assert a["receipt_detail"] == "no bounce within 1 s"
    assert a["provider_message_id"] == smtp.messages[0]["Message-ID"]
    assert n["delivered_how"] == "no bounce within the confirmation window"
    updates = [e for e in events if isinstance(e, NotificationUpdated) and e.notification_id == nid]
    assert updates[0].awaiting_receipt and updates[-1].how == "no bounce within the confirmation window"
    assert tw.messages == []


def test_without_a_mailbox_accepted_email_is_delivered_at_once(store: Store, tmp_path: Path, smtp: SMTPServer,
                                                               tw: twilio.TwilioServer) -> None:
    rid = store.add_recipient("Анна", email="anna@example.org", phone=PHONE)
    (nid,) = store.enqueue([rid], "Сервер перегрелся", channels=["email", "sms"])
    run(store, settings_for(tmp_path, smtp, tw, imap_host=""), 600.0)  # receipts off: as before
    n = store.notification(nid)
    assert n is not None and n["state"] == "delivered" and stages(store, nid) == [("email", "delivered")]
    assert n["delivered_how"] == "accepted by the mail server"


# -- asking for a DSN (RFC 3461) -------------------------------------------------------------


def _send_one(ca: trustme.CA, tmp_path: Path, dsn: bool, receipts: bool) -> tuple[SMTPServer, str]:
    from notifier_gui.core.delivery.channels.base import Message
    from notifier_gui.core.delivery.channels.email import EmailChannel
    from notifier_gui.core.secrets import Redactor
    from notifier_gui.core.storage.repository import RecipientData
    from tests.servers.smtp import Script

    server = SMTPServer(ca, script=Script(dsn=dsn)).start()
    try:
        settings = Settings(data_dir=tmp_path, smtp_host="localhost", smtp_port=server.port, smtp_user=USER,
                            from_email="ops@example.org", smtp_timeout=5, imap_host="imap.example.org",
                            email_confirm_timeout=600 if receipts else 0)
        ch = EmailChannel(settings, lambda: PASSWORD, Redactor([PASSWORD]))
        sent = ch.send(Message(41, RecipientData(id=1, name="Анна", email="anna@example.org"), "Тест", "Привет"))
        ch.close()
    finally:
        server.stop()
    assert sent.provider_message_id is not None
    return server, sent.provider_message_id


def test_dsn_is_asked_for_where_offered_with_an_envid_the_message_id_carries(
        ca: trustme.CA, trust_ca: Path, tmp_path: Path) -> None:
    server, mid = _send_one(ca, tmp_path, dsn=True, receipts=True)
    assert mid.startswith("<notifier.41.") and mid.endswith("@example.org>")
    mail, rcpt = server.handler.options[0]
    envid = mid.strip("<>").rpartition("@")[0]
    assert "RET=HDRS" in mail and f"ENVID={envid}".upper() in mail  # aiosmtpd upper-cases what it records
    assert rcpt == ["NOTIFY=FAILURE"]
    assert server.messages[0]["Message-ID"] == mid


@pytest.mark.parametrize("dsn, receipts", [(False, True), (True, False)])
def test_no_dsn_options_unless_offered_and_wanted(ca: trustme.CA, trust_ca: Path, tmp_path: Path,
                                                  dsn: bool, receipts: bool) -> None:
    # aiosmtpd without DSN answers 555 to RET/ENVID/NOTIFY, as such a server does: the send
    # would fail if they were sent.
    server, _ = _send_one(ca, tmp_path, dsn=dsn, receipts=receipts)
    mail, rcpt = server.handler.options[0]
    assert not any(o.startswith(("RET=", "ENVID=")) for o in mail) and rcpt == []


def test_xtext_encodes_plus_equals_and_non_printables() -> None:
    from notifier_gui.core.delivery.channels.email import envelope_id, xtext

    assert xtext("notifier.5.ab12") == "notifier.5.ab12"
    assert xtext("a+b=c d\u00e9") == "a+2Bb+3Dc+20d+C3+A9"
    assert envelope_id("<notifier.5.ab12@example.org>") == "notifier.5.ab12"
