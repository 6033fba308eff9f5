"""The email itself, pure (no network): From, the headers, the MIME body, the ids a bounce
names it by, and the header-injection check. The compose preview renders with these too.
"""
from __future__ import annotations

import email.policy
import functools
import secrets
from email.contentmanager import _encode_text  # type: ignore[attr-defined]  # set_content's own encoder
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr

from ...config import Settings
from ...messages import Template
from ..errors import Permanent, Unavailable
from .base import NO_EMAIL, Message

POLICY = email.policy.SMTP.clone(cte_type="7bit")  # no raw 8-bit bodies to servers without 8BITMIME

# -- messages: why an email cannot be written (core/messages.py)
NO_SENDER = Template("email.no_sender", "no sender address: set DEFAULT_FROM_EMAIL (or SMTP_DEFAULT_USER as an "
                                        "address)")
INJECTED = Template("email.injected", "the message headers are invalid: an encoded word would add header lines or a "
                                      "body")
BAD_HEADERS = Template("email.bad_headers", "the message headers are invalid: {error}")
NOT_ASCII_DOMAIN = Template("email.not_ascii_domain", "the address {address!r} has a domain that cannot be written "
                                                      "in ASCII ({error})")


def sender(settings: Settings, smtp_user: str | None = None) -> Address:
    """From: DEFAULT_FROM_EMAIL ('addr' or 'Name <addr>'), else the login; DEFAULT_FROM_NAME wins."""
    raw = settings.from_email or smtp_user or settings.smtp_user
    display, addr = parseaddr(raw)
    if not addr or "@" not in addr:
        raise Unavailable(NO_SENDER())
    return Address(display_name=settings.from_name or display, addr_spec=addr)


_HEADER_NAMES = frozenset({"subject", "from", "to", "date", "message-id", "x-notifier-notification-id",
                           "mime-version", "content-type", "content-transfer-encoding"})


def check_headers(wire: bytes, required: frozenset[str], fragment: bool = False) -> None:
    """Refuse serialised headers that carry lines we did not write (Permanent).

    CPython before 3.11.10 / 3.12.5 decodes RFC 2047 encoded words in a header value and
    folds what they decode to back out raw, so ``=?utf-8?q?x=0D=0ABcc:_…?=`` becomes a
    real header line (or a blank line and a new body). Validation refuses such values;
    this guard checks the bytes that go on the wire, whatever the interpreter does.
    ``fragment``: ``wire`` is header lines only (no blank line, no body may follow).
    """
    head, blank, _ = wire.partition(b"\r\n\r\n")
    if fragment:
        if blank or not wire.endswith(b"\r\n"):
            raise Permanent(INJECTED())
        head = wire[:-2]
    seen: set[str] = set()
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t"):
            continue  # a folded continuation of the header above
        name, colon, _ = line.partition(b":")
        key = name.decode("ascii", "replace").lower()
        if not colon or key not in _HEADER_NAMES or key in seen:
            raise Permanent(INJECTED())
        seen.add(key)
    if not required <= seen:
        raise Permanent(INJECTED())


def new_message_id(notification_id: int, domain: str) -> str:
    """A Message-ID that is also the key a bounce is matched by: ``<notifier.N.R@domain>``
    (N the notification, R 64 random bits). Its left part is the DSN ENVID (:func:`envelope_id`)."""
    return f"<notifier.{notification_id}.{secrets.token_hex(8)}@{domain or 'localhost'}>"


def envelope_id(message_id: str) -> str:
    """The key of a Message-ID: its left part (``notifier.N.R``), sent as the DSN ENVID
    (RFC 3461 allows 100 characters; this stays far below) and found again in a bounce's
    Original-Envelope-Id or in the returned headers' Message-ID."""
    return message_id.strip().strip("<>").rpartition("@")[0] or message_id.strip().strip("<>")


def xtext(value: str) -> str:
    """RFC 3461 section 4 xtext: "+", "=" and anything outside ``!``..``~`` as ``+XX``."""
    return "".join(c if 33 <= ord(c) <= 126 and c not in "+=" else "".join(f"+{b:02X}" for b in c.encode())
                   for c in value)


def build_email(settings: Settings, msg: Message) -> EmailMessage:
    if not msg.recipient.email:
        raise Unavailable(NO_EMAIL())
    from_addr = sender(settings, msg.smtp_user)
    em = EmailMessage(policy=POLICY)
    try:
        em["Subject"] = msg.subject or settings.from_name or "Notification"
        em["From"] = from_addr
        em["To"] = Address(display_name=msg.recipient.name, addr_spec=msg.recipient.email)
    except (ValueError, IndexError) as exc:  # line breaks or an unparsable address
        raise Permanent(BAD_HEADERS(error=str(exc))) from None
    em["Date"] = formatdate(localtime=True)
    em["Message-ID"] = new_message_id(msg.notification_id, from_addr.domain)
    em["X-Notifier-Notification-Id"] = str(msg.notification_id)
    em.set_content(msg.body)
    if msg.html_body:
        em.add_alternative(msg.html_body, subtype="html")
    check_headers(em.as_bytes(), frozenset({"subject", "from", "to", "mime-version"}))
    return em


@functools.lru_cache(maxsize=256)
def _head(from_name: str, from_addr: str, subject: str) -> bytes:
    """Subject, From and MIME-Version, serialised once per sender and subject."""
    em = EmailMessage(policy=POLICY)
    em["Subject"] = subject
    em["From"] = Address(display_name=from_name, addr_spec=from_addr)
    em["MIME-Version"] = "1.0"
    head = em.as_bytes().split(b"\r\n\r\n", 1)[0] + b"\r\n"
    check_headers(head, frozenset({"subject", "from", "mime-version"}), fragment=True)
    return head


def _plain_part(body: str) -> bytes:
    """The text/plain part's headers and body, as ``set_content`` writes them under POLICY
    (the same transfer-encoding choice: 7bit, else the shorter of quoted-printable and
    base64), without building a message object: a personalised text differs for every
    recipient, and building and serialising an EmailMessage each time was most of the
    program's CPU per message."""
    cte, payload = _encode_text(body, "utf-8", None, POLICY)
    return (f'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: {cte}\r\n\r\n'
            f"{payload}").replace("\r\n", "\n").replace("\n", "\r\n").encode("ascii")


def _template(from_name: str, from_addr: str, subject: str, body: str, html: str | None) -> bytes:
    """Everything of a message that does not depend on the recipient."""
    if html:
        return _template_mime(from_name, from_addr, subject, body, html)
    return _head(from_name, from_addr, subject) + _plain_part(body)


@functools.lru_cache(maxsize=256)
def _template_mime(from_name: str, from_addr: str, subject: str, body: str, html: str | None) -> bytes:
    """Everything of a message that does not depend on the recipient, serialised once.

    A send to many people shares one subject and text (unless placeholders make them
    differ); encoding the same headers and body again for every recipient was a third of
    the CPU a delivery costs.
    """
    em = EmailMessage(policy=POLICY)
    em["Subject"] = subject
    em["From"] = Address(display_name=from_name, addr_spec=from_addr)
    em.set_content(body)
    if html:
        em.add_alternative(html, subtype="html")
    wire = em.as_bytes()
    check_headers(wire, frozenset({"subject", "from", "mime-version"}))
    return wire


def wire_address(addr: str) -> tuple[str, bool]:
    """``addr`` as it goes on the wire: the domain as an IDNA A-label (``xn--…``), which needs
    no extension; and whether the local part still needs SMTPUTF8 (non-ASCII before the @)."""
    if addr.isascii():
        return addr, False
    local, _, domain = addr.rpartition("@")
    if not domain.isascii():
        import idna

        try:
            domain = idna.encode(domain, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise Permanent(NOT_ASCII_DOMAIN(address=addr, error=str(exc))) from None
    return f"{local}@{domain}", not local.isascii()


def _to_header(name: str, addr: str) -> bytes:
    """The To header: formataddr (RFC 2047 for a non-ASCII name) instead of the header
    registry's parser and folder, which cost as much as the rest of the message."""
    if not name.isprintable():  # line breaks and other controls never reach a header
        raise ValueError("Header values may not contain linefeed or carriage return characters")
    line = formataddr((name, addr), charset="utf-8")
    if len(line) > 70 or '"' in name or "\\" in name:  # long or quoted names: the email package folds them
        address = Address(display_name=name, addr_spec=addr)
        folded: str = POLICY.header_factory("To", str(address)).fold(policy=POLICY)
        return folded.encode("ascii", "surrogateescape")
    return f"To: {line}\r\n".encode("ascii")


def _utf8_to(name: str, addr: str) -> bytes:
    """A To header for an address with a non-ASCII local part (RFC 6532), which the email
    package's Address refuses to hold."""
    if any(c in name + addr for c in "\r\n\x00") or len(name.splitlines()) > 1:
        raise ValueError("Header values may not contain linefeed or carriage return characters")
    shown = name.replace("\\", "\\\\").replace('"', '\\"')
    return (f'To: "{shown}" <{addr}>\r\n' if name else f"To: {addr}\r\n").encode("utf-8")


def render_email(settings: Settings, msg: Message) -> tuple[str, str, bytes, str, bool]:
    """(envelope sender, envelope recipient, wire bytes, Message-ID, needs SMTPUTF8) for ``msg``.

    The same message :func:`build_email` makes (tests compare them), assembled from a cached
    template plus the per-recipient headers.
    """
    if not msg.recipient.email:
        raise Unavailable(NO_EMAIL())
    from_addr = sender(settings, msg.smtp_user)
    mail_from, utf8_from = wire_address(from_addr.addr_spec)
    rcpt_to, utf8_to = wire_address(msg.recipient.email)
    utf8 = utf8_from or utf8_to
    try:
        template = _template(from_addr.display_name, mail_from if not utf8_from else from_addr.addr_spec,
                             msg.subject or settings.from_name or "Notification", msg.body, msg.html_body or None)
        if utf8_to:  # sent only where the server offers SMTPUTF8 (checked before MAIL): UTF-8 as is
            to = _utf8_to(msg.recipient.name, rcpt_to)
        else:
            to = _to_header(msg.recipient.name, rcpt_to)
        check_headers(to, frozenset({"to"}), fragment=True)
    except (ValueError, IndexError) as exc:  # line breaks or an unparsable address
        raise Permanent(BAD_HEADERS(error=str(exc))) from None
    message_id = new_message_id(msg.notification_id, mail_from.rpartition("@")[2])
    head = (f"Date: {formatdate(localtime=True)}\r\nMessage-ID: {message_id}\r\n"
            f"X-Notifier-Notification-Id: {msg.notification_id}\r\n").encode("ascii")
    return mail_from, rcpt_to, to + head + template, message_id, utf8
