"""Email over SMTP (smtplib), classified as in ../shared/reference/smtp.md.

One :class:`EmailChannel` per worker thread keeps one SMTP connection open across
consecutive messages, and reconnects after any failure. TLS always verifies the server:
``ssl.create_default_context()`` uses the system trust store, and OpenSSL's own
``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` keep working because the context loads default paths.
"""
from __future__ import annotations

import email.policy
import functools
import logging
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from ...config import Settings
from ...secrets import Redactor
from ..errors import DeliveryError, Permanent, Transient, Unavailable
from .base import Channel, Message, Sent, address_reason

log = logging.getLogger("notifier.email")

POLICY = email.policy.SMTP.clone(cte_type="7bit")  # no raw 8-bit bodies to servers without 8BITMIME
IDLE_CHECK_SECONDS = 10.0


def sender(settings: Settings, smtp_user: str | None = None) -> Address:
    """From: DEFAULT_FROM_EMAIL ('addr' or 'Name <addr>'), else the login; DEFAULT_FROM_NAME wins."""
    raw = settings.from_email or smtp_user or settings.smtp_user
    display, addr = parseaddr(raw)
    if not addr or "@" not in addr:
        raise Unavailable("no sender address: set DEFAULT_FROM_EMAIL (or SMTP_DEFAULT_USER as an address)")
    return Address(display_name=settings.from_name or display, addr_spec=addr)


_HEADER_NAMES = frozenset({"subject", "from", "to", "date", "message-id", "x-notifier-notification-id",
                           "mime-version", "content-type", "content-transfer-encoding"})
INJECTED = "the message headers are invalid: an encoded word would add header lines or a body"


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
            raise Permanent(INJECTED)
        head = wire[:-2]
    seen: set[str] = set()
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t"):
            continue  # a folded continuation of the header above
        name, colon, _ = line.partition(b":")
        key = name.decode("ascii", "replace").lower()
        if not colon or key not in _HEADER_NAMES or key in seen:
            raise Permanent(INJECTED)
        seen.add(key)
    if not required <= seen:
        raise Permanent(INJECTED)


def build_email(settings: Settings, msg: Message) -> EmailMessage:
    if not msg.recipient.email:
        raise Unavailable("the recipient has no email address")
    from_addr = sender(settings, msg.smtp_user)
    em = EmailMessage(policy=POLICY)
    try:
        em["Subject"] = msg.subject or settings.from_name or "Notification"
        em["From"] = from_addr
        em["To"] = Address(display_name=msg.recipient.name, addr_spec=msg.recipient.email)
    except (ValueError, IndexError) as exc:  # line breaks or an unparsable address
        raise Permanent(f"the message headers are invalid: {exc}") from None
    em["Date"] = formatdate(localtime=True)
    em["Message-ID"] = make_msgid(domain=from_addr.domain or None)
    em["X-Notifier-Notification-Id"] = str(msg.notification_id)
    em.set_content(msg.body)
    if msg.html_body:
        em.add_alternative(msg.html_body, subtype="html")
    check_headers(em.as_bytes(), frozenset({"subject", "from", "to", "mime-version"}))
    return em


@functools.lru_cache(maxsize=256)
def _template(from_name: str, from_addr: str, subject: str, body: str, html: str | None) -> bytes:
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


def render_email(settings: Settings, msg: Message) -> tuple[str, str, bytes, str]:
    """(envelope sender, envelope recipient, wire bytes, Message-ID) for ``msg``.

    The same message :func:`build_email` makes (tests compare them), assembled from a cached
    template plus the per-recipient headers.
    """
    if not msg.recipient.email:
        raise Unavailable("the recipient has no email address")
    from_addr = sender(settings, msg.smtp_user)
    try:
        template = _template(from_addr.display_name, from_addr.addr_spec,
                             msg.subject or settings.from_name or "Notification", msg.body, msg.html_body or None)
        address = Address(display_name=msg.recipient.name, addr_spec=msg.recipient.email)
        to = POLICY.header_factory("To", str(address)).fold(policy=POLICY).encode("ascii", "surrogateescape")
        check_headers(to, frozenset({"to"}), fragment=True)
    except (ValueError, IndexError) as exc:  # line breaks or an unparsable address
        raise Permanent(f"the message headers are invalid: {exc}") from None
    message_id = make_msgid(domain=from_addr.domain or None)
    head = (f"Date: {formatdate(localtime=True)}\r\nMessage-ID: {message_id}\r\n"
            f"X-Notifier-Notification-Id: {msg.notification_id}\r\n").encode("ascii")
    return from_addr.addr_spec, msg.recipient.email, to + head + template, message_id


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"{exc.smtp_code} {' '.join(text.split())}"


def classify(exc: BaseException, stage: str) -> DeliveryError:
    """Map an smtplib/socket/ssl failure at ``stage`` (connect, tls, login, send) to a class."""
    where = {"connect": "connecting", "tls": "starting TLS", "login": "logging in", "send": "sending"}[stage]
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        reply = f"{code} {' '.join(text.decode('utf-8', 'replace').split())}"
        if 400 <= code < 500:
            return Transient(f"the server refused the recipient for now: {reply}")
        return Permanent(f"the server refused the recipient: {reply}")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        if 400 <= exc.smtp_code < 500:
            return Transient(f"temporary authentication failure: {_reply(exc)}")
        if exc.smtp_code == 534:
            return Unavailable(f"the server wants an app password (2-step verification is on): {_reply(exc)}")
        return Unavailable(f"the SMTP login or password was not accepted: {_reply(exc)}")
    if isinstance(exc, smtplib.SMTPSenderRefused):
        code = exc.smtp_code
        if 400 <= code < 500:
            return Transient(f"the server refused the sender for now: {_reply(exc)}")
        if code == 530:
            return Unavailable(f"the server requires authentication or STARTTLS first: {_reply(exc)}")
        if code == 552:
            return Permanent(f"the message is larger than the server accepts: {_reply(exc)}")
        return Unavailable(f"the server does not allow this From address: {_reply(exc)}")
    if isinstance(exc, smtplib.SMTPConnectError):
        if 400 <= exc.smtp_code < 500:
            return Transient(f"the server is not accepting connections now: {_reply(exc)}")
        return Unavailable(f"the host does not accept mail: {_reply(exc)}")
    if isinstance(exc, smtplib.SMTPHeloError):
        if 400 <= exc.smtp_code < 500:
            return Transient(f"the server refused our greeting for now: {_reply(exc)}")
        return Unavailable(f"the server refused our greeting: {_reply(exc)}")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        if stage == "tls":
            return Unavailable("the server offers no STARTTLS on this port; credentials will not be sent in clear (check SMTP_PORT / SMTP_USE_SSL)")
        if stage == "login":
            return Unavailable("the server does not offer AUTH here (login before STARTTLS, or the wrong port)")
        return Permanent(f"the server cannot take this message: {exc}")
    if isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        if 400 <= code < 500:
            return Transient(f"temporary failure while {where}: {_reply(exc)}")
        if stage == "tls":
            return Unavailable(f"STARTTLS was refused: {_reply(exc)}")
        return Permanent(f"the server rejected the message while {where}: {_reply(exc)}")
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        if "timed out" in str(exc):  # smtplib wraps a read timeout into "unexpectedly closed"
            return Transient(f"the SMTP server did not answer in time while {where}")
        return Transient(f"the server closed the connection while {where}")
    if isinstance(exc, smtplib.SMTPException):
        return Unavailable(f"SMTP error while {where}: {exc}")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return Unavailable(f"the server's TLS certificate is not trusted: {exc.verify_message}")
    if isinstance(exc, ssl.SSLError):
        if "WRONG_VERSION_NUMBER" in str(exc) or "wrong version number" in str(exc):
            return Unavailable("TLS mode does not match the port (465 is implicit TLS: SMTP_USE_SSL=1; 587 is STARTTLS: SMTP_USE_TLS=1)")
        return Transient(f"TLS failed while {where}: {exc.reason or exc}")
    if isinstance(exc, socket.gaierror):
        return Transient(f"the SMTP host name cannot be resolved ({exc.strerror})")
    if isinstance(exc, ConnectionRefusedError):
        return Transient("the SMTP server refused the connection (is it running, is the port right?)")
    if isinstance(exc, TimeoutError):
        return Transient(f"the SMTP server did not answer in time while {where}")
    if isinstance(exc, OSError):
        return Transient(f"network error while {where}: {exc.strerror or exc}")
    if isinstance(exc, (ValueError, UnicodeError)):
        return Permanent(f"the message cannot be sent as written: {exc}")
    return Transient(f"unexpected error while {where}: {type(exc).__name__}")


class EmailChannel(Channel):
    name = "email"

    def __init__(
        self,
        settings: Settings,
        password: Callable[[], str | None],
        redactor: Redactor,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.settings = settings
        self._password = password
        self._redact = redactor
        self._ctx = ssl_context
        self._conn: smtplib.SMTP | None = None
        self._conn_user: str | None = None
        self._last_used = 0.0
        self.connections_opened = 0

    def unavailable_reason(self, msg: Message) -> str | None:
        if not self.settings.smtp_host:
            return "email is not configured (SMTP_HOST is empty)"
        return address_reason("email", msg)

    def _context(self) -> ssl.SSLContext:
        if self._ctx is None:
            self._ctx = ssl.create_default_context()
        return self._ctx

    def _credentials(self, msg: Message) -> tuple[str | None, str | None]:
        if msg.smtp_user:
            if not msg.smtp_password:
                raise Unavailable("the per-send SMTP password is missing from the credential store")
            return msg.smtp_user, msg.smtp_password
        user = self.settings.smtp_user or None
        if not user:
            return None, None
        password = self._password()
        if not password:
            raise Unavailable("SMTP_DEFAULT_USER is set but there is no password (secret smtp_password)")
        return user, password

    def open(self, user: str | None, password: str | None) -> smtplib.SMTP:
        """Connect, TLS, AUTH. Raises DeliveryError. Also used by the connection test."""
        s = self.settings
        local = "localhost"  # avoid getfqdn(): slow on some networks, and reveals the host name
        conn: smtplib.SMTP | None = None
        stage = "connect"
        try:
            if s.smtp_use_ssl:
                conn = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, local_hostname=local,
                                        timeout=s.smtp_timeout, context=self._context())
            else:
                conn = smtplib.SMTP(s.smtp_host, s.smtp_port, local_hostname=local, timeout=s.smtp_timeout)
                if s.smtp_use_tls:
                    stage = "tls"
                    conn.starttls(context=self._context())
                    conn.ehlo()
            if user:
                stage = "login"
                conn.login(user, password or "")
            self.connections_opened += 1
            return conn
        except Exception as exc:
            if conn is not None:
                _close(conn)
            raise self._clean(classify(exc, stage)) from None

    def _clean(self, err: DeliveryError) -> DeliveryError:
        err.detail = self._redact(err.detail)
        err.args = (err.detail,)
        return err

    def _connection(self, user: str | None, password: str | None) -> smtplib.SMTP:
        if self._conn is not None and self._conn_user == user:
            if time.monotonic() - self._last_used < IDLE_CHECK_SECONDS:
                return self._conn
            try:  # idle connections are often dropped by servers; check cheaply
                if self._conn.noop()[0] == 250:
                    return self._conn
            except (smtplib.SMTPException, OSError):
                pass
        self.close()
        self._conn = self.open(user, password)
        self._conn_user = user
        return self._conn

    def send(self, msg: Message) -> Sent:
        reason = self.unavailable_reason(msg)
        if reason:
            raise Unavailable(reason)
        mail_from, rcpt_to, raw, message_id = render_email(self.settings, msg)
        user, password = self._credentials(msg)
        conn = self._connection(user, password)
        try:
            if raw.isascii() and mail_from.isascii() and rcpt_to.isascii():
                refused = conn.sendmail(mail_from, [rcpt_to], raw)
            else:  # internationalised addresses need SMTPUTF8, which send_message negotiates
                refused = conn.send_message(build_email(self.settings, msg))
        except Exception as exc:
            self.close()
            raise self._clean(classify(exc, "send")) from None
        self._last_used = time.monotonic()
        if refused:  # only one recipient, so this cannot be partial; be safe anyway
            raise Permanent(f"the server refused the recipient: {refused}")
        return Sent(provider_message_id=message_id, detail=f"accepted by {self.settings.smtp_host}")

    def close(self) -> None:
        if self._conn is not None:
            _close(self._conn)
        self._conn = None
        self._conn_user = None


def _close(conn: smtplib.SMTP) -> None:
    try:
        conn.quit()
    except (smtplib.SMTPException, OSError):
        try:
            conn.close()
        except OSError:
            pass
