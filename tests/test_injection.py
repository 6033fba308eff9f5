"""Header injection through RFC 2047 encoded words, and control characters in what people type.

CPython before 3.11.10 / 3.12.5 decodes an encoded word in a header value and writes what
it decodes to back out raw: an encoded CR LF becomes a new header line or a new body. The
validation refuses such values for every field that reaches a header, and the email
channel checks the bytes it puts on the wire, whatever the interpreter does.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from notifier_gui.core import validation as v
from notifier_gui.core.config import Settings
from notifier_gui.core.delivery.channels.base import Message
from notifier_gui.core.delivery.channels.email import EmailChannel, build_email, check_headers, render_email
from notifier_gui.core.delivery.errors import Permanent
from notifier_gui.core.recipients import clean_recipient
from notifier_gui.core.records import RecipientData
from notifier_gui.core.secrets import Redactor

from tests.servers.smtp import PASSWORD, USER, SMTPServer

INJECT_Q = "=?utf-8?q?Alert=0D=0AReply-To:_x@evil.example=0D=0A=0D=0Anew_body?="
INJECT_B = "=?UTF-8?B?QWxlcnQNClJlcGx5LVRvOiB4QGV2aWwuZXhhbXBsZQ==?="  # "Alert\r\nReply-To: x@evil.example"
INJECT_NAME = "=?utf-8?q?Bob=0D=0ABcc:_z@evil.example?="


@pytest.mark.parametrize("value", [INJECT_Q, INJECT_B, "=?utf-8?q?a=00b?=", "=?x-unknown?q?a=0Ab?=",
                                   "Report " + INJECT_Q])
def test_encoded_words_hiding_line_breaks_are_refused_in_every_header_field(value: str) -> None:
    for check in (v.subject, v.name, lambda x: v.header_value(x, "from")):
        with pytest.raises(v.ValidationError, match="encoded word"):
            check(value)


def test_harmless_encoded_words_and_ordinary_text_pass() -> None:
    assert v.subject("=?utf-8?q?Hello_World?=") == "=?utf-8?q?Hello_World?="
    assert v.subject("Price = 5? yes =?") == "Price = 5? yes =?"
    assert v.name("Анна Иванова") == "Анна Иванова"


@pytest.mark.parametrize("value", ["a\x00b", "a\x1b[2Jb", "a\x07", "a\x85b", "a\x9bb", "a\tb"])
def test_control_characters_are_refused_in_header_fields(value: str) -> None:
    with pytest.raises(v.ValidationError, match="control characters|line breaks"):
        v.subject(value)
    with pytest.raises(v.ValidationError):
        clean_recipient(value)


@pytest.mark.parametrize("value", ["Ann\u202eevil", "a\u2066b\u2069", "x\u200fy"])
def test_bidi_overrides_are_refused_in_names(value: str) -> None:
    with pytest.raises(v.ValidationError, match="bidirectional"):
        v.name(value)


def test_message_bodies_keep_tabs_and_line_breaks_but_no_other_controls() -> None:
    assert v.message("a\tb\r\nc\nd") == "a\tb\r\nc\nd"
    for bad in ("a\x1b[31mred", "bell\x07", "nul\x00", "c1\x9b31m", "ff\x0c"):
        with pytest.raises(v.ValidationError, match="message: must not contain"):
            v.message(bad)


def test_terminal_escape() -> None:
    assert v.escape_for_terminal("a\x1b[2Jb\u202ec\td\n") == "a\\x1b[2Jb\\u202ec\td\n"


# -- the generator guard: values that bypass validation (older rows, a settings typo) ------
def _settings(tmp_path: Path, port: int = 25, **kw: object) -> Settings:
    base = dict(smtp_host="localhost", smtp_port=port, smtp_user=USER, from_email="ivan@example.org",
                smtp_timeout=3.0, data_dir=tmp_path)
    base.update(kw)
    return Settings(**base)  # type: ignore[arg-type]


def _message(subject: str = "Hi", name: str = "Anna") -> Message:
    return Message(1, RecipientData(id=1, name=name, email="anna@example.net"), subject, "body")


@pytest.mark.parametrize("field", ["subject", "to", "from"])
def test_the_generator_guard_refuses_injected_lines(field: str, tmp_path: Path) -> None:
    settings = _settings(tmp_path, from_name=INJECT_NAME if field == "from" else "")
    msg = _message(subject=INJECT_Q if field == "subject" else "Hi", name=INJECT_NAME if field == "to" else "Anna")
    # On an interpreter with CPython's fix the value is encoded, not injected: the guard
    # has nothing to refuse and the headers hold no Reply-To / Bcc line.
    for make in (lambda: render_email(settings, msg)[2], lambda: build_email(settings, msg).as_bytes()):
        try:
            wire = make()
        except Permanent as exc:
            assert "the message headers are invalid" in str(exc)
            continue
        head = wire.partition(b"\r\n\r\n")[0]
        assert b"\r\nReply-To:" not in head and b"\r\nBcc:" not in head and b"new_body" not in head


def test_check_headers_catches_what_an_affected_interpreter_writes() -> None:
    # The exact bytes Python 3.11.7's email package writes for INJECT_Q as a Subject.
    wire = (b"Subject: Alert\r\nReply-To: x@evil.example\r\n\r\nnew body\r\nFrom: a@b.org\r\n"
            b"MIME-Version: 1.0\r\n\r\nbody\r\n")
    with pytest.raises(Permanent, match="encoded word"):
        check_headers(wire, frozenset({"subject", "from", "mime-version"}))
    with pytest.raises(Permanent):
        check_headers(b"To: \"Bob\r\nBcc: z@evil.example\" <a@b.org>\r\n", frozenset({"to"}), fragment=True)
    check_headers(b"Subject: ok\r\nFrom: a@b.org\r\n folded\r\nMIME-Version: 1.0\r\n\r\nbody",
                  frozenset({"subject", "from", "mime-version"}))


@pytest.fixture
def server(ca: trustme.CA) -> Iterator[SMTPServer]:
    s = SMTPServer(ca).start()
    yield s
    s.stop()


def test_nothing_injected_reaches_the_server(server: SMTPServer, trust_ca: Path, tmp_path: Path) -> None:
    ch = EmailChannel(_settings(tmp_path, server.port), lambda: PASSWORD, Redactor([PASSWORD]))
    try:
        try:
            ch.send(_message(subject=INJECT_Q))
        except Permanent:
            pass
        ch.send(_message(subject="after"))
    finally:
        ch.close()
    assert server.handler.wait_for(1)
    for got in server.messages:
        assert got["Reply-To"] is None and got["Bcc"] is None
