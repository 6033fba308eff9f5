"""Email channel against a real aiosmtpd server: STARTTLS verified against a trustme CA, AUTH."""
from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from notifier_gui.core.config import Settings
from notifier_gui.core.delivery.channels.base import Message
from notifier_gui.core.delivery.channels.email import EmailChannel
from notifier_gui.core.delivery.errors import Held, Permanent, Transient, Unavailable
from notifier_gui.core.records import RecipientData
from notifier_gui.core.secrets import Redactor

from tests.servers.smtp import PASSWORD, USER, HangingServer, SMTPServer, free_port

_OPEN: list[EmailChannel] = []  # channels made by channel(), closed before the server stops


@pytest.fixture
def server(ca: trustme.CA) -> Iterator[SMTPServer]:
    s = SMTPServer(ca).start()
    yield s
    # A channel keeps its connection for the next message (also after a refused recipient).
    # Python 3.12's asyncio waits for every open connection when a server stops, so a test
    # that leaves one open waited out the 30 s there (aiosmtpd's stop).
    while _OPEN:
        _OPEN.pop().close()
    s.stop()


def settings_for(port: int, tmp_path: Path, **kw: object) -> Settings:
    base = dict(smtp_host="localhost", smtp_port=port, smtp_user=USER,
                from_email="Иван Петров <ivan@example.org>", smtp_timeout=3.0, data_dir=tmp_path)
    base.update(kw)
    return Settings(**base)  # type: ignore[arg-type]


def channel(settings: Settings, password: str | None = PASSWORD) -> EmailChannel:
    ch = EmailChannel(settings, lambda: password, Redactor([PASSWORD]))
    _OPEN.append(ch)
    return ch


def message(n: int = 1, email: str = "anna@example.net", **kw: object) -> Message:
    recipient = RecipientData(id=1, name="Анна Смирнова", email=email)
    base = dict(notification_id=n, recipient=recipient, subject="Тест уведомления",
                body="Привет!\nСервер перегрелся: 31 °C.")
    base.update(kw)
    return Message(**base)  # type: ignore[arg-type]


def test_delivers_with_exact_headers_and_cyrillic(server: SMTPServer, trust_ca: Path, tmp_path: Path) -> None:
    ch = channel(settings_for(server.port, tmp_path))
    sent = ch.send(message(html_body="<p>Привет!</p>"))
    ch.close()
    assert server.handler.wait_for(1)
    got = server.messages[0]
    assert got["Subject"] == "Тест уведомления"
    assert got["From"].addresses[0].display_name == "Иван Петров"
    assert got["From"].addresses[0].addr_spec == "ivan@example.org"
    assert got["To"].addresses[0].display_name == "Анна Смирнова"
    assert got["To"].addresses[0].addr_spec == "anna@example.net"
    assert got["Date"] is not None and got["Date"].datetime.tzinfo is not None
    assert got["Message-ID"] == sent.provider_message_id and got["Message-ID"].endswith("@example.org>")
    assert got["X-Notifier-Notification-Id"] == "1"
    assert got.get_content_type() == "multipart/alternative"
    plain = got.get_body(("plain",))
    html = got.get_body(("html",))
    assert plain is not None and plain.get_content().replace("\r\n", "\n").rstrip("\n") == "Привет!\nСервер перегрелся: 31 °C."
    assert html is not None and html.get_content().strip() == "<p>Привет!</p>"
    assert server.handler.envelopes[0] == ("ivan@example.org", ["anna@example.net"])
    assert server.handler.logins == [USER]


def test_raw_message_is_7bit_clean(server: SMTPServer, trust_ca: Path, tmp_path: Path) -> None:
    # Servers without 8BITMIME must never see raw 8-bit bytes (reference/smtp.md "8-bit bodies").
    from notifier_gui.core.delivery.channels.email import build_email

    raw = build_email(settings_for(server.port, tmp_path), message()).as_bytes()
    assert all(b < 128 for b in raw)


def test_one_connection_is_reused_across_messages(server: SMTPServer, trust_ca: Path, tmp_path: Path) -> None:
    ch = channel(settings_for(server.port, tmp_path))
    for n in range(5):
        ch.send(message(n))
    ch.close()
    assert server.handler.wait_for(5)
    assert server.handler.logins == [USER]  # one AUTH = one connection


def test_reconnects_after_a_failure(server: SMTPServer, trust_ca: Path, tmp_path: Path) -> None:
    server.script.data_replies.append("421 4.3.2 Service shutting down")
    ch = channel(settings_for(server.port, tmp_path))
    with pytest.raises(Transient):
        ch.send(message(1))
    ch.send(message(2))
    ch.close()
    assert [m["X-Notifier-Notification-Id"] for m in server.messages] == ["2"]
    assert len(server.handler.logins) == 2


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # TLS is implicit here
def test_implicit_tls(ca: trustme.CA, trust_ca: Path, tmp_path: Path) -> None:
    s = SMTPServer(ca, tls="implicit").start()
    try:
        ch = channel(settings_for(s.port, tmp_path, smtp_use_ssl=True))
        ch.send(message())
        ch.close()
        assert s.handler.wait_for(1)
    finally:
        s.stop()


def test_connection_refused_is_transient(trust_ca: Path, tmp_path: Path) -> None:
    with pytest.raises(Transient, match="refused the connection"):
        channel(settings_for(free_port(), tmp_path)).send(message())


def test_server_that_hangs_times_out_as_transient(trust_ca: Path, tmp_path: Path) -> None:
    hang = HangingServer()
    try:
        with pytest.raises(Transient, match="did not answer in time"):
            channel(settings_for(hang.port, tmp_path, smtp_timeout=0.5)).send(message())
    finally:
        hang.close()


@pytest.mark.parametrize("reply", ["421 4.7.0 Try again later", "451 4.3.0 Temporary local problem"])
def test_4xx_on_data_is_transient(server: SMTPServer, trust_ca: Path, tmp_path: Path, reply: str) -> None:
    server.script.data_replies.append(reply)
    with pytest.raises(Transient) as info:
        channel(settings_for(server.port, tmp_path)).send(message())
    assert reply.split()[0] in info.value.detail


def test_550_on_rcpt_is_permanent(server: SMTPServer, trust_ca: Path, tmp_path: Path) -> None:
    server.script.rcpt_replies["gone@example.net"] = "550 5.1.1 No such user"
    with pytest.raises(Permanent, match="550 5.1.1 No such user"):
        channel(settings_for(server.port, tmp_path)).send(message(email="gone@example.net"))


def test_451_on_rcpt_is_transient(server: SMTPServer, trust_ca: Path, tmp_path: Path) -> None:
    server.script.rcpt_replies["busy@example.net"] = "451 4.3.0 Mailbox busy"
    with pytest.raises(Transient):
        channel(settings_for(server.port, tmp_path)).send(message(email="busy@example.net"))


def test_535_bad_credentials_holds_and_hides_the_password(server: SMTPServer, trust_ca: Path, tmp_path: Path) -> None:
    wrong = "wrong-password-value-xyz"
    ch = EmailChannel(settings_for(server.port, tmp_path), lambda: wrong, Redactor([wrong]))
    with pytest.raises(Held, match="credentials rejected.*535") as info:
        ch.send(message())
    assert info.value.first and wrong not in str(info.value)


def test_535_with_auth_failure_next_is_unavailable(server: SMTPServer, trust_ca: Path, tmp_path: Path) -> None:
    wrong = "wrong-password-value-xyz"
    ch = EmailChannel(settings_for(server.port, tmp_path, smtp_auth_failure="next"), lambda: wrong, Redactor([wrong]))
    with pytest.raises(Unavailable, match="535"):
        ch.send(message())
    assert "credentials rejected" in (ch.unavailable_reason(message(2)) or "")  # the rest move on, no login
    assert len(server.handler.logins) == 1


def test_534_asks_for_an_app_password(server: SMTPServer, trust_ca: Path, tmp_path: Path) -> None:
    server.script.auth_reply = "534 5.7.9 Application-specific password required"
    with pytest.raises(Held, match="app password"):
        channel(settings_for(server.port, tmp_path)).send(message())


def test_untrusted_certificate_is_unavailable(server: SMTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No SSL_CERT_FILE: the system store does not know the test CA. Verification must fail.
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with pytest.raises(Unavailable, match="not trusted"):
        channel(settings_for(server.port, tmp_path)).send(message())
    assert server.handler.logins == []  # no credentials went to an unverified server


def test_implicit_tls_against_a_starttls_port_names_the_mode(server: SMTPServer, trust_ca: Path, tmp_path: Path) -> None:
    with pytest.raises(Unavailable, match=f"port {server.port} expects STARTTLS, not implicit TLS"):
        channel(settings_for(server.port, tmp_path, smtp_use_ssl=True)).send(message())


def test_missing_password_is_unavailable(server: SMTPServer, trust_ca: Path, tmp_path: Path) -> None:
    with pytest.raises(Unavailable, match="no password"):
        channel(settings_for(server.port, tmp_path), password=None).send(message())


def test_per_send_login_is_used(server: SMTPServer, trust_ca: Path, tmp_path: Path) -> None:
    ch = channel(settings_for(server.port, tmp_path, smtp_user=""), password=None)
    ch.send(message(smtp_user=USER, smtp_password=PASSWORD))
    ch.close()
    assert server.handler.logins == [USER]


def test_unconfigured_and_addressless_are_unavailable(tmp_path: Path) -> None:
    ch = channel(Settings(data_dir=tmp_path))
    assert "SMTP_HOST" in (ch.unavailable_reason(message()) or "")
    ch = channel(settings_for(25, tmp_path))
    assert "no email address" in (ch.unavailable_reason(message(email="")) or "")


def test_verifying_context_is_the_default() -> None:
    ctx = ssl.create_default_context()
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname


def test_connection_check(server: SMTPServer, trust_ca: Path, tmp_path: Path, keyring_backend: object) -> None:
    from notifier_gui.core.checks import check_email
    from notifier_gui.core.secrets import CredentialStore

    ok = check_email(settings_for(server.port, tmp_path), CredentialStore({"SMTP_DEFAULT_PASSWORD": PASSWORD}))
    assert ok.ok and "STARTTLS" in ok.message and USER in ok.message
    assert server.messages == [] and server.handler.logins == [USER]  # logged in, sent nothing
    bad = check_email(settings_for(server.port, tmp_path), CredentialStore({"SMTP_DEFAULT_PASSWORD": "nope-nope"}))
    assert not bad.ok and "535" in bad.message and "nope-nope" not in bad.message
    refused = check_email(settings_for(free_port(), tmp_path), CredentialStore({"SMTP_DEFAULT_PASSWORD": PASSWORD}))
    assert not refused.ok and "refused" in refused.message


def test_fast_path_sends_the_same_message_as_build_email(server: SMTPServer, trust_ca: Path, tmp_path: Path) -> None:
    """The channel assembles messages from a cached template; it must equal build_email's."""
    import email
    import email.policy

    from notifier_gui.core.delivery.channels.email import build_email, render_email

    settings = settings_for(server.port, tmp_path)
    msg = message(7, html_body="<p>Привет, <b>Анна</b>!</p>")
    _, _, raw, _, _ = render_email(settings, msg)
    fast = email.message_from_bytes(raw, policy=email.policy.default)
    slow = email.message_from_bytes(build_email(settings, msg).as_bytes(), policy=email.policy.default)
    for name in ("Subject", "From", "To", "X-Notifier-Notification-Id", "MIME-Version", "Content-Type"):
        assert str(fast[name]).split(";")[0] == str(slow[name]).split(";")[0], name
    for kind in ("plain", "html"):
        assert fast.get_body((kind,)).get_content() == slow.get_body((kind,)).get_content()  # type: ignore[union-attr]
    assert fast["Date"] and fast["Message-ID"]
    assert raw.isascii() and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")


@pytest.mark.parametrize("body", [
    "plain ascii text",
    "Привет, Анна!\nСервер перегрелся: 31 °C.",
    ".leading dot\nFrom the start\n\n  trailing spaces  \n",
    "windows\r\nline ends\r\n",
    "x" * 1200,
    "Ω" * 500,
])
@pytest.mark.parametrize("name", ["Анна Смирнова", "Smith, John", "O'Brien", "", "Очень " * 20])
def test_plain_fast_path_equals_build_email(tmp_path: Path, body: str, name: str) -> None:
    """The text/plain part and To header are written without the email package's objects
    (item 10 of issue 12: they were most of the CPU per message); what a reader sees must
    not change."""
    import email
    import email.policy

    from notifier_gui.core.delivery.channels.email import build_email, render_email

    settings = settings_for(25, tmp_path)
    msg = Message(3, RecipientData(id=1, name=name, email="anna@example.net"), "Тема", body)
    _, _, raw, _, _ = render_email(settings, msg)
    assert raw.isascii() and b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    fast = email.message_from_bytes(raw, policy=email.policy.default)
    slow = email.message_from_bytes(build_email(settings, msg).as_bytes(), policy=email.policy.default)
    assert fast.get_content() == slow.get_content()
    assert fast["Content-Transfer-Encoding"] == slow["Content-Transfer-Encoding"]
    assert fast.get_content_type() == "text/plain" and fast.get_content_charset() == "utf-8"
    assert fast["To"].addresses == slow["To"].addresses and fast["Subject"] == "Тема"


def test_a_line_break_in_a_name_is_refused(tmp_path: Path) -> None:
    from notifier_gui.core.delivery.channels.email import render_email

    msg = Message(1, RecipientData(id=1, name="Eve\r\nBcc: x@evil.example", email="eve@example.net"), "s", "b")
    with pytest.raises(Permanent, match="headers are invalid"):
        render_email(settings_for(25, tmp_path), msg)
