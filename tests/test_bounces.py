"""Email receipts (issue #17 item 4): the accepted email waits EMAIL_CONFIRM_TIMEOUT for a
bounce. No bounce in that time is delivered; a hard bounce moves the chain on, a soft one
follows the retry policy. Real servers: aiosmtpd (tests/servers/smtp.py) for SMTP."""
from __future__ import annotations

import logging
import random
import signal
import sys
import threading
import time
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

from tests.servers import dovecot as dovecot_server
from tests.servers import twilio
from tests.servers.smtp import PASSWORD, USER, SMTPServer

PHONE = "+79161234567"


@pytest.fixture
def store(sqlite_db: Path) -> Iterator[Store]:
    s = Store(open_database(f"sqlite:///{sqlite_db.as_posix()}"))
    yield s
    s.engine.dispose()


@pytest.fixture
def smtp(ca: trustme.CA, trust_ca: Path) -> Iterator[SMTPServer]:
    with SMTPServer(ca) as server:
        yield server


@pytest.fixture
def imap(ca: trustme.CA, trust_ca: Path, tmp_path: Path) -> Iterator[dovecot_server.Dovecot]:
    if dovecot_server.binary() is None:
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd; .ci/run installs it)")
    with dovecot_server.Dovecot(ca, tmp_path / "dovecot") as server:
        yield server


@pytest.fixture
def tw() -> Iterator[twilio.TwilioServer]:
    with twilio.TwilioServer() as server:
        yield server


def policy(window: float) -> Policy:
    return Policy(max_tries=2, backoff=(0.05,), jitter=0, round_delay=30, round_delay_max=30, lifetime=120,
                  confirm=(("email", window),))


def settings_for(tmp_path: Path, smtp: SMTPServer, tw: twilio.TwilioServer, imap: dovecot_server.Dovecot | None,
                 **kw: Any) -> Settings:
    base: dict[str, Any] = dict(
        data_dir=tmp_path, smtp_host="localhost", smtp_port=smtp.port, smtp_user=USER,
        from_email="ops@example.org", smtp_timeout=5, sms_provider="twilio",
        twilio_account_sid=twilio.ACCOUNT_SID, twilio_from=twilio.FROM, twilio_api_base=tw.base_url,
        sms_rate=100, sms_confirm_timeout=0, email_confirm_timeout=1.0, receipt_poll=0.1,
        imap_host=imap.host if imap else "", imap_port=imap.port if imap else 993, imap_user=dovecot_server.USER)
    base.update(kw)
    return Settings(**base)


SECRETS = {"SMTP_DEFAULT_PASSWORD": PASSWORD, "TWILIO_AUTH_TOKEN": twilio.AUTH_TOKEN,
           "IMAP_PASSWORD": dovecot_server.PASSWORD}


class Running:
    """A dispatcher delivering in a thread until nothing is left to do."""

    def __init__(self, store: Store, settings: Settings, window: float, events: list[Event] | None = None,
                 secrets: dict[str, str] | None = None) -> None:
        creds = CredentialStore(secrets or SECRETS)
        pacers = Pacers(settings.telegram_rate, settings.telegram_chat_rate, settings.sms_rate)
        self.awaiting = threading.Event()  # set when a notification waits for its report

        def on_event(e: Event) -> None:
            if events is not None:
                events.append(e)
            if isinstance(e, NotificationUpdated) and e.awaiting_receipt:
                self.awaiting.set()

        self.channels = lambda: build_channels(settings, creds, False, pacers)
        self.dispatcher = Dispatcher(store, self.channels, creds,
                                     policy(window), concurrency=2, rng=random.Random(1), poll_interval=0.1,
                                     on_event=on_event, receipt_sweep=0.05, receipt_first_gap=0.05)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.dispatcher.run, args=(self.stop,), kwargs={"until_done": True})
        self.thread.start()

    def join(self, seconds: float = 30) -> None:
        self.thread.join(seconds)
        self.stop.set()
        self.thread.join(5)
        assert not self.thread.is_alive()


def run(store: Store, settings: Settings, window: float, events: list[Event] | None = None,
        secrets: dict[str, str] | None = None, seconds: float = 30) -> None:
    Running(store, settings, window, events, secrets).join(seconds)


def stages(store: Store, nid: int) -> list[tuple[str, str]]:
    n = store.notification(nid)
    assert n is not None
    return [(a["channel"], a["outcome"]) for a in n["attempts"]]


def test_no_bounce_within_the_window_is_delivered_by_email(store: Store, tmp_path: Path, smtp: SMTPServer,
                                                           tw: twilio.TwilioServer, imap: dovecot_server.Dovecot) -> None:
    rid = store.add_recipient("Анна", email="anna@example.org", phone=PHONE)
    (nid,) = store.enqueue([rid], "Сервер перегрелся", channels=["email", "sms"])
    imap.append(OTHER_MAIL)  # the mailbox's own mail is no bounce: looked at, left as it is
    events: list[Event] = []
    r = Running(store, settings_for(tmp_path, smtp, tw, imap), 1.0, events)
    r.join()
    assert r.dispatcher.receipts.requests >= 1  # the mailbox was read during the window
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
    assert imap.flags() == [set()]  # not even \Seen


def test_without_a_mailbox_accepted_email_is_delivered_at_once(store: Store, tmp_path: Path, smtp: SMTPServer,
                                                               tw: twilio.TwilioServer) -> None:
    rid = store.add_recipient("Анна", email="anna@example.org", phone=PHONE)
    (nid,) = store.enqueue([rid], "Сервер перегрелся", channels=["email", "sms"])
    run(store, settings_for(tmp_path, smtp, tw, None), 600.0)  # receipts off: as before
    n = store.notification(nid)
    assert n is not None and n["state"] == "delivered" and stages(store, nid) == [("email", "delivered")]
    assert n["delivered_how"] == "accepted by the mail server"


# -- bounce messages as MTAs write them ---------------------------------------------------------

OTHER_MAIL = (b"From: Boss <boss@example.org>\r\nTo: bounces@example.org\r\nSubject: lunch?\r\n"
              b"Message-ID: <abc@example.org>\r\n\r\nAt noon.\r\n")


def rfc3464_dsn(original: bytes, envid: str, rcpt: str, status: str, action: str = "failed",
                diagnostic: str = "smtp; 550 5.1.1 <{rcpt}>... User unknown") -> bytes:
    """Shaped after RFC 3464 appendix C (a simple DSN): text/plain, message/delivery-status,
    text/rfc822-headers (what RET=HDRS returns)."""
    headers = original.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    return f"""\
Date: Thu, 7 Jul 1994 17:16:05 -0400
From: Mail Delivery Subsystem <MAILER-DAEMON@CS.UTK.EDU>
Message-Id: <199407072116.RAA14128@CS.UTK.EDU>
Subject: Returned mail: Cannot send message for 5 days
To: <ops@example.org>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
    boundary="RAA14128.773615765/CS.UTK.EDU"

--RAA14128.773615765/CS.UTK.EDU

The original message was received at Sat, 2 Jul 1994 17:10:28 -0400
from root@localhost

   ----- The following addresses had delivery problems -----
<{rcpt}>  (unrecoverable error)

--RAA14128.773615765/CS.UTK.EDU
Content-Type: message/delivery-status

Reporting-MTA: dns; cs.utk.edu
Original-Envelope-Id: {envid}

Original-Recipient: rfc822;{rcpt}
Final-Recipient: rfc822;{rcpt}
Action: {action}
Status: {status}
Diagnostic-Code: {diagnostic.format(rcpt=rcpt)}

--RAA14128.773615765/CS.UTK.EDU
Content-Type: text/rfc822-headers

{headers}

--RAA14128.773615765/CS.UTK.EDU--
""".encode()


def postfix_bounce(original: bytes, rcpt: str) -> bytes:
    """As Postfix's bounce(8) writes one for a server without DSN from us: no ENVID, the
    whole message returned as message/rfc822."""
    return b"""\
Return-Path: <>
Date: Wed,  2 Dec 2026 03:10:01 +0000 (UTC)
From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: ops@example.org
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="4F000001.1733109001/mx.example.org"
Message-Id: <20261202031001.4F000002@mx.example.org>

This is a MIME-encapsulated message.

--4F000001.1733109001/mx.example.org
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.org.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<""" + rcpt.encode() + b""">: host mx2.example.org[192.0.2.7] said: 550 5.1.1
    <""" + rcpt.encode() + b""">: Recipient address rejected: User unknown in
    virtual mailbox table (in reply to RCPT TO command)

--4F000001.1733109001/mx.example.org
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org
X-Postfix-Queue-ID: 4F000001
X-Postfix-Sender: rfc822; ops@example.org
Arrival-Date: Wed,  2 Dec 2026 03:10:00 +0000 (UTC)

Final-Recipient: rfc822; """ + rcpt.encode() + b"""
Original-Recipient: rfc822;""" + rcpt.encode() + b"""
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx2.example.org
Diagnostic-Code: smtp; 550 5.1.1 <""" + rcpt.encode() + b""">: Recipient address
    rejected: User unknown in virtual mailbox table

--4F000001.1733109001/mx.example.org
Content-Description: Undelivered Message
Content-Type: message/rfc822

""" + original + b"""

--4F000001.1733109001/mx.example.org--
"""


def exim_bounce(original: bytes, rcpt: str) -> bytes:
    """Exim's plain-text bounce: X-Failed-Recipients and the message quoted in the body."""
    return b"""\
Return-path: <>
From: Mail Delivery System <Mailer-Daemon@mail.example.net>
To: ops@example.org
Subject: Mail delivery failed: returning message to sender
X-Failed-Recipients: """ + rcpt.encode() + b"""
Auto-Submitted: auto-replied
Message-Id: <E1t8a2b-0004Xy-Q1@mail.example.net>
Date: Wed, 02 Dec 2026 03:10:01 +0000

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  """ + rcpt.encode() + b"""
    SMTP error from remote mail server after RCPT TO:<""" + rcpt.encode() + b""">:
    550 5.1.1 No such user here

------ This is a copy of the message, including all the headers. ------

""" + original + b"""
"""


# -- the detector ----------------------------------------------------------------------------

MID = "<notifier.7.0123456789abcdef@example.org>"
ORIGINAL = (f"To: anna@example.org\r\nFrom: ops@example.org\r\nSubject: Alert\r\nMessage-ID: {MID}\r\n"
            f"X-Notifier-Notification-Id: 7\r\n\r\nServer is hot.\r\n").encode()


def test_rfc3464_hard_and_soft_bounces_carry_the_envid_and_the_class() -> None:
    from notifier_gui.core.delivery.bounces import parse_bounce

    hard = parse_bounce(rfc3464_dsn(ORIGINAL, "notifier.7.0123456789abcdef", "anna@example.org", "5.1.1"))
    assert hard is not None and hard.keys == {"notifier.7.0123456789abcdef"}
    assert (hard.receipt.state, hard.receipt.failure) == ("undelivered", "permanent")
    assert "5.1.1" in hard.receipt.detail and "anna@example.org" in hard.receipt.detail
    soft = parse_bounce(rfc3464_dsn(ORIGINAL, "notifier.7.0123456789abcdef", "anna@example.org", "4.2.2",
                                    action="delayed", diagnostic="smtp; 452 4.2.2 Mailbox full"))
    assert soft is not None and soft.receipt.failure == "transient" and "4.2.2" in soft.receipt.detail
    # Without an ENVID (a server that offered no DSN): the returned headers' Message-ID.
    no_envid = parse_bounce(rfc3464_dsn(ORIGINAL, "", "anna@example.org", "5.2.1"))
    assert no_envid is not None and no_envid.keys == {"notifier.7.0123456789abcdef"}


def test_postfix_and_exim_bounces_are_matched_by_the_returned_message_id() -> None:
    from notifier_gui.core.delivery.bounces import parse_bounce

    pf = parse_bounce(postfix_bounce(ORIGINAL, "anna@example.org"))
    assert pf is not None and pf.keys == {"notifier.7.0123456789abcdef"} and pf.receipt.failure == "permanent"
    assert "User unknown" in pf.receipt.detail
    ex = parse_bounce(exim_bounce(ORIGINAL, "anna@example.org"))  # no DSN part: flufl.bounce's Exim detector
    assert ex is not None and ex.keys == {"notifier.7.0123456789abcdef"} and ex.receipt.failure == "permanent"
    assert ex.receipt.detail == "bounced (hard): anna@example.org"


def test_mail_that_is_no_bounce_of_ours_is_none() -> None:
    from notifier_gui.core.delivery.bounces import parse_bounce

    assert parse_bounce(OTHER_MAIL) is None
    quoting = OTHER_MAIL.replace(b"At noon.", f"Re: your alert {MID}".encode())  # ours quoted, but no bounce
    assert parse_bounce(quoting) is None
    foreign = ORIGINAL.replace(b"notifier.7.0123456789abcdef", b"CAF0x123")  # a bounce of someone else's mail
    assert parse_bounce(postfix_bounce(foreign, "bob@example.org")) is None


# -- asking for a DSN (RFC 3461) -------------------------------------------------------------


def _send_one(ca: trustme.CA, tmp_path: Path, dsn: bool, receipts: bool) -> tuple[SMTPServer, str]:
    from notifier_gui.core.delivery.channels.base import Message
    from notifier_gui.core.delivery.channels.email import EmailChannel
    from notifier_gui.core.records import RecipientData
    from notifier_gui.core.secrets import Redactor

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


# -- the chain with a real IMAP server ----------------------------------------------------------


def _bounce_after_send(store: Store, tmp_path: Path, smtp: SMTPServer, tw: twilio.TwilioServer,
                       imap: dovecot_server.Dovecot, make: Any, caplog: pytest.LogCaptureFixture) -> int:
    """email -> SMS; the SMTP server accepts the email, then ``make(raw, message_id, envid)``
    lands in the bounce mailbox. Returns the notification id."""
    caplog.set_level(logging.DEBUG)
    rid = store.add_recipient("Анна", email="anna@example.org", phone=PHONE)
    (nid,) = store.enqueue([rid], "Сервер перегрелся", channels=["email", "sms"])
    imap.append(OTHER_MAIL)
    r = Running(store, settings_for(tmp_path, smtp, tw, imap, email_confirm_timeout=60.0), 60.0)
    try:
        assert smtp.handler.wait_for(1)
        raw = smtp.handler.raw[0]
        mid = smtp.messages[0]["Message-ID"]
        imap.append(make(raw, mid, mid.strip("<>").rpartition("@")[0]))
    finally:
        r.join()
    return nid


def test_a_hard_bounce_moves_the_chain_on_to_sms(store: Store, tmp_path: Path, smtp: SMTPServer,
                                                tw: twilio.TwilioServer, imap: dovecot_server.Dovecot,
                                                caplog: pytest.LogCaptureFixture) -> None:
    nid = _bounce_after_send(store, tmp_path, smtp, tw, imap,
                             lambda raw, mid, envid: rfc3464_dsn(raw, envid, "anna@example.org", "5.1.1"), caplog)
    n = store.notification(nid)
    assert n is not None and n["state"] == "delivered" and n["delivered_via"] == "sms"
    assert stages(store, nid) == [("email", "undelivered"), ("sms", "delivered")]
    assert receipt(store, n)[:2] == ("undelivered", "permanent") and "5.1.1" in n["attempts"][0]["receipt_detail"]
    assert [m["to"] for m in tw.messages] == [PHONE]
    other, bounce = imap.flags()
    assert other == set() and bounce == {"$NotifierProcessed", "\\Seen"}  # marked, never deleted
    _no_imap_password(store, tmp_path, caplog)


def test_a_postfix_bounce_without_dsn_is_matched_by_the_message_id(
        store: Store, tmp_path: Path, smtp: SMTPServer, tw: twilio.TwilioServer, imap: dovecot_server.Dovecot,
        caplog: pytest.LogCaptureFixture) -> None:
    nid = _bounce_after_send(store, tmp_path, smtp, tw, imap,
                             lambda raw, mid, envid: postfix_bounce(raw, "anna@example.org"), caplog)
    assert stages(store, nid) == [("email", "undelivered"), ("sms", "delivered")]
    assert receipt(store, store.notification(nid))[1] == "permanent"


def test_a_soft_bounce_is_transient(store: Store, tmp_path: Path, smtp: SMTPServer, tw: twilio.TwilioServer,
                                    imap: dovecot_server.Dovecot, caplog: pytest.LogCaptureFixture) -> None:
    nid = _bounce_after_send(store, tmp_path, smtp, tw, imap, lambda raw, mid, envid: rfc3464_dsn(
        raw, envid, "anna@example.org", "4.2.2", action="failed", diagnostic="smtp; 452 4.2.2 Mailbox full"), caplog)
    n = store.notification(nid)
    assert n is not None and stages(store, nid) == [("email", "undelivered"), ("sms", "delivered")]
    assert receipt(store, n)[1] == "transient" and "Mailbox full" in n["attempts"][0]["receipt_detail"]


def test_a_refused_imap_login_says_so_without_the_password(store: Store, tmp_path: Path, smtp: SMTPServer,
                                                           tw: twilio.TwilioServer, imap: dovecot_server.Dovecot,
                                                           caplog: pytest.LogCaptureFixture,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "Wr0ng-imap-pass-9911"
    rid = store.add_recipient("Анна", email="anna@example.org", phone=PHONE)
    (nid,) = store.enqueue([rid], "Сервер перегрелся", channels=["email", "sms"])
    # The refusal comes at once (the first look is made right after acceptance); the window is
    # far longer, so the worker ending it knows the mailbox could not be read.
    run(store, settings_for(tmp_path, smtp, tw, imap, email_confirm_timeout=3.0), 3.0,
        secrets=dict(SECRETS, IMAP_PASSWORD=wrong))
    assert stages(store, nid) == [("email", "confirmed")]  # accepted counts, as without receipts, but:
    detail = store.notification(nid)["attempts"][0]["receipt_detail"]  # type: ignore[index]
    assert detail.startswith("no bounce read within 3 s: the IMAP server refused the login for")
    assert "refused the login" in caplog.text
    out = capsys.readouterr()
    for text in (caplog.text, out.out, out.err, str(store.notification(nid))):
        assert wrong not in text and dovecot_server.PASSWORD not in text


def receipt(store: Store, n: dict[str, Any] | None) -> tuple[Any, ...]:
    """(outcome, class, detail) of the notification's first attempt."""
    assert n is not None
    from sqlalchemy import text

    with store.engine.connect() as c:
        aid = c.execute(text("SELECT min(id) FROM attempts WHERE notification_id = :n"), {"n": n["id"]}).scalar_one()
    return store.receipt_of(aid)[:3]


def _no_imap_password(store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    assert dovecot_server.PASSWORD not in caplog.text
    for db in tmp_path.glob("n.db*"):
        assert dovecot_server.PASSWORD.encode() not in db.read_bytes()


def test_notifier_check_email_logs_in_to_the_bounce_mailbox(tmp_path: Path, smtp: SMTPServer, trust_ca: Path,
                                                            imap: dovecot_server.Dovecot) -> None:
    from tests.cli_helpers import env_for, notifier

    data = tmp_path / "data"
    data.mkdir()
    base = dict(SMTP_HOST="localhost", SMTP_PORT=str(smtp.port), SMTP_DEFAULT_USER=USER,
                SMTP_DEFAULT_PASSWORD=PASSWORD, IMAP_HOST=imap.host, IMAP_PORT=str(imap.port),
                IMAP_USER=dovecot_server.USER, EMAIL_CONFIRM_TIMEOUT="600", SSL_CERT_FILE=str(trust_ca),
                PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    imap.append(OTHER_MAIL)
    ok = notifier(data, "check", "email", env=env_for(data, **base, IMAP_PASSWORD=dovecot_server.PASSWORD))
    assert ok.returncode == 0, ok.stderr
    assert f"; bounce mailbox {dovecot_server.USER} at {imap.host}:{imap.port}, folder INBOX (1 messages)" in ok.stdout
    wrong = "Wr0ng-imap-pass-9911"
    bad = notifier(data, "check", "email", env=env_for(data, **base, IMAP_PASSWORD=wrong))
    assert bad.returncode != 0 and "refused the login" in bad.stdout + bad.stderr
    for result in (ok, bad):
        assert wrong not in result.stdout + result.stderr
        assert dovecot_server.PASSWORD not in result.stdout + result.stderr
    assert imap.flags() == [set()]  # a check reads and marks nothing


def test_a_bounce_that_matches_nothing_waiting_is_marked_only_after_a_later_full_read(
        store: Store, tmp_path: Path, smtp: SMTPServer, tw: twilio.TwilioServer, imap: dovecot_server.Dovecot) -> None:
    """A bounce about an email whose chain already decided changes nothing and is marked; but
    not at once: the email it is about may have been accepted a moment before the read."""
    from notifier_gui.core.delivery.receipts import ReceiptPoller

    rid = store.add_recipient("Анна", email="anna@example.org", phone=PHONE)
    (nid,) = store.enqueue([rid], "Сервер перегрелся", channels=["email", "sms"])
    r = Running(store, settings_for(tmp_path, smtp, tw, imap, email_confirm_timeout=600.0), 600.0)
    assert r.awaiting.wait(30)
    r.stop.set()
    r.thread.join(10)
    assert not r.thread.is_alive()
    imap.append(rfc3464_dsn(ORIGINAL, "notifier.7.0123456789abcdef", "anna@example.org", "5.1.1"))  # not waiting
    now = [1000.0]
    poller = ReceiptPoller(store, r.channels, sweep=1.0, clock=lambda: now[0])
    try:
        assert poller.poll_once() == 0 and poller.requests == 1
        assert imap.flags() == [set()]  # read, not marked yet
        now[0] += poller.refresh
        assert poller.poll_once() == 0
        assert imap.flags() == [{"$NotifierProcessed", "\\Seen"}]
    finally:
        for ch in (poller._channels or {}).values():
            ch.close()
    n = store.notification(nid)
    assert n is not None and n["awaiting_receipt"] and stages(store, nid) == [("email", "accepted")]


def test_the_mailbox_reconnects_once_when_the_server_dropped_the_idle_connection(
        imap: dovecot_server.Dovecot) -> None:
    import subprocess

    from notifier_gui.core.delivery.bounces import BounceMailbox

    mb = BounceMailbox(imap.host, imap.port, dovecot_server.USER, "INBOX", lambda: dovecot_server.PASSWORD,
                       lambda text: text, timeout=10)
    try:
        assert mb.read() == []
        first = mb._conn
        imap.append(rfc3464_dsn(ORIGINAL, "notifier.7.0123456789abcdef", "anna@example.org", "5.1.1"))
        kicked = subprocess.run(["doveadm", "-c", str(imap.workdir / "dovecot.conf"), "kick", dovecot_server.USER],
                                capture_output=True, text=True, timeout=30)
        assert kicked.returncode == 0, kicked.stderr
        reports = mb.read()  # the old connection fails; one more on a new one
        assert [r.keys for r in reports] == [{"notifier.7.0123456789abcdef"}] and mb._conn is not first
        mb.mark([r.token for r in reports])
        assert mb.read() == []  # marked: not read again
    finally:
        mb.close()
    assert imap.flags() == [{"$NotifierProcessed", "\\Seen"}]


def test_a_bounce_after_the_window_is_shown_on_the_attempt_and_changes_no_outcome(
        store: Store, tmp_path: Path, smtp: SMTPServer, tw: twilio.TwilioServer, imap: dovecot_server.Dovecot) -> None:
    """The window ended without a bounce (delivered by email); the bounce comes later. The
    notification stays delivered, and the attempt says what came: "undelivered (reported
    after the chain moved on)" with the bounce's reason, for the log and ``notifier show``."""
    from notifier_gui.core.delivery.receipts import ReceiptPoller

    rid = store.add_recipient("Анна", email="anna@example.org", phone=PHONE)
    (nid,) = store.enqueue([rid], "Сервер перегрелся", channels=["email", "sms"])
    r = Running(store, settings_for(tmp_path, smtp, tw, imap), 1.0)
    r.join()
    assert stages(store, nid) == [("email", "confirmed")]
    mid = smtp.messages[0]["Message-ID"]
    imap.append(rfc3464_dsn(smtp.handler.raw[0], mid.strip("<>").rpartition("@")[0], "anna@example.org", "5.1.1"))
    now = [1000.0]
    poller = ReceiptPoller(store, r.channels, sweep=1.0, clock=lambda: now[0])
    try:
        poller.poll_once()
        now[0] += poller.refresh
        poller.poll_once()  # unmatched after a later full read: filed on its attempt, and marked
    finally:
        for ch in (poller._channels or {}).values():
            ch.close()
    n = store.notification(nid)
    assert n is not None and n["state"] == "delivered" and n["delivered_via"] == "email"
    assert stages(store, nid) == [("email", "confirmed")] and tw.messages == []
    detail = n["attempts"][0]["receipt_detail"]
    assert detail.startswith("no bounce within 1 s; undelivered (reported after the chain moved on): ")
    assert "5.1.1" in detail
    assert imap.flags() == [{"$NotifierProcessed", "\\Seen"}]


# -- a real worker process killed while an email waits for its bounce window ------------------


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")
@pytest.mark.parametrize("then", ["bounce", "window ends"])
def test_sigkill_during_the_email_wait_resumes_it(db_url: str, data_dir: Path, smtp: SMTPServer, trust_ca: Path,
                                                  tw: twilio.TwilioServer, imap: dovecot_server.Dovecot,
                                                  then: str) -> None:
    """A worker accepts the email and waits for a bounce; it is killed (SIGKILL) mid-window.
    A new worker picks the wait up (the killed one's polling lease runs out first): the
    bounce that came meanwhile moves the chain on to SMS, or the window ends and the email
    counts as delivered. Nothing is sent twice."""
    from tests.cli_helpers import as_json, env_for, notifier, start_worker

    window = "60" if then == "bounce" else "4"
    env = env_for(data_dir, DATABASE_URL=db_url, SMTP_HOST="localhost", SMTP_PORT=str(smtp.port),
                  SMTP_DEFAULT_USER=USER, SMTP_DEFAULT_PASSWORD=PASSWORD, FROM_EMAIL="ops@example.org",
                  IMAP_HOST=imap.host, IMAP_PORT=str(imap.port), IMAP_USER=dovecot_server.USER,
                  IMAP_PASSWORD=dovecot_server.PASSWORD, EMAIL_CONFIRM_TIMEOUT=window, NOTIFIER_RECEIPT_POLL="0.2",
                  SSL_CERT_FILE=str(trust_ca), PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
                  SMS_PROVIDER="twilio", TWILIO_ACCOUNT_SID=twilio.ACCOUNT_SID, TWILIO_FROM=twilio.FROM,
                  TWILIO_API_BASE=tw.base_url, TWILIO_AUTH_TOKEN=twilio.AUTH_TOKEN, SMS_CONFIRM_TIMEOUT="0",
                  NOTIFIER_CHANNELS="email,sms")
    as_json(notifier(data_dir, "users", "add", "--name", "Anna", "--email", "anna@example.org", "--phone", PHONE,
                     "--json", env=env))
    assert notifier(data_dir, "send", "--user", "1", "--message", "hello", env=env).returncode == 0
    store = Store(open_database(db_url))
    worker = start_worker(data_dir, env=env)
    try:
        deadline = time.monotonic() + 60
        while not store.outstanding_receipts():  # accepted: the wait has begun
            assert time.monotonic() < deadline and worker.poll() is None, "the worker never accepted the email"
            time.sleep(0.05)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    try:
        n = store.notification(1)
        assert n is not None and n["state"] == "queued" and n["awaiting_receipt"]
        if then == "bounce":  # the bounce arrives while no worker runs
            mid = smtp.messages[0]["Message-ID"]
            imap.append(rfc3464_dsn(smtp.handler.raw[0], mid.strip("<>").rpartition("@")[0], "anna@example.org",
                                    "5.1.1"))
        again = start_worker(data_dir, "--until-done", "--max-seconds", "60", env=env)
        out, err = again.communicate(timeout=90)
        assert again.returncode == 0, err
        shown = as_json(notifier(data_dir, "show", "1", "--json", env=env))
        assert len(smtp.messages) == 1  # the email was not sent again
        if then == "bounce":
            assert shown["state"] == "delivered" and shown["delivered_via"] == "sms"
            assert [a["outcome"] for a in shown["attempts"]] == ["undelivered", "delivered"]
            assert "5.1.1" in shown["attempts"][0]["receipt_detail"]
            assert [m["to"] for m in tw.messages] == [PHONE]
            assert imap.flags() == [{"$NotifierProcessed", "\\Seen"}]
        else:
            assert shown["state"] == "delivered" and shown["delivered_via"] == "email"
            assert [a["outcome"] for a in shown["attempts"]] == ["confirmed"]
            assert shown["attempts"][0]["receipt_detail"] == "no bounce within 4 s"
            assert tw.messages == []
    finally:
        store.engine.dispose()
