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
import re
import secrets
import select
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from email.contentmanager import _encode_text  # type: ignore[attr-defined]  # set_content's own encoder
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr

from ...config import Settings
from ...secrets import Redactor
from ..errors import CredentialsRejected, DeliveryError, Held, Permanent, Throttled, Transient, Unavailable
from ..smtp_guard import EmailGuard, credential_key
from ..bounces import BounceMailbox, key_of
from .base import Channel, MailReport, Message, Sent, address_reason

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
            raise Permanent(f"the address {addr!r} has a domain that cannot be written in ASCII ({exc})") from None
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
        raise Unavailable("the recipient has no email address")
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
        raise Permanent(f"the message headers are invalid: {exc}") from None
    message_id = new_message_id(msg.notification_id, mail_from.rpartition("@")[2])
    head = (f"Date: {formatdate(localtime=True)}\r\nMessage-ID: {message_id}\r\n"
            f"X-Notifier-Notification-Id: {msg.notification_id}\r\n").encode("ascii")
    return mail_from, rcpt_to, to + head + template, message_id, utf8


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


class _ImplicitTLSPort(Exception):
    """The port answered a TLS handshake instead of sending a greeting."""


class _StartTLSPort(Exception):
    """The port greeted in clear text when we started with a TLS handshake."""


class _SMTP(smtplib.SMTP):
    """smtplib.SMTP that notices a silent implicit-TLS port within ``probe`` seconds.

    Plain SMTP (or STARTTLS) against port 465 gets no greeting: the server waits for a
    TLS handshake. Instead of waiting the whole SMTP_TIMEOUT and calling it transient, a
    greeting that is late by ``probe`` seconds makes us try a TLS handshake on a second
    connection; if the port speaks TLS, the settings are wrong (permanent for them).
    """

    probe = 2.0
    tls_context: Callable[[], ssl.SSLContext] | None = None  # made only when needed: loading the CA store is slow

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock: socket.socket = super()._get_socket(host, port, timeout)  # type: ignore[misc]
        wait = min(self.probe, timeout) if timeout else self.probe
        readable, _, _ = select.select([sock], [], [], wait)
        # The probe's own handshake gets a short timeout: a slow plain server never answers it.
        if not readable and self.tls_context is not None and _speaks_tls(host, port, self.tls_context(),
                                                                         min(timeout or 5.0, 5.0)):
            sock.close()
            raise _ImplicitTLSPort()
        return sock


def _speaks_tls(host: str, port: int, ctx: ssl.SSLContext, timeout: float) -> bool:
    """Does ``host:port`` answer a TLS handshake? Nothing is sent over it; a certificate
    the context rejects still proves the port speaks TLS."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            with ctx.wrap_socket(raw, server_hostname=host):
                return True
    except ssl.SSLCertVerificationError:
        return True
    except (OSError, ValueError):
        return False


def _greets_in_clear(host: str, port: int, timeout: float) -> bool:
    """Does ``host:port`` send a clear-text SMTP greeting (a STARTTLS port)?"""
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            return raw.recv(4)[:3] in (b"220", b"421", b"554")
    except OSError:
        return False


def _login(conn: smtplib.SMTP, user: str, password: str) -> None:
    """AUTH with exactly one mechanism.

    smtplib's ``login`` tries every mechanism both sides know (PLAIN, then LOGIN): a wrong
    password then costs two failed logins per connection, and servers count them.
    """
    conn.ehlo_or_helo_if_needed()
    if not conn.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
    offered = conn.esmtp_features["auth"].upper().split()
    for mechanism in ("PLAIN", "LOGIN", "CRAM-MD5"):
        if mechanism in offered:
            break
    else:
        raise smtplib.SMTPException("No suitable authentication method found.")
    conn.user, conn.password = user, password
    method = getattr(conn, "auth_" + mechanism.lower().replace("-", "_"))
    conn.auth(mechanism, method, initial_response_ok=True)


class _Stale(Exception):
    """A reused connection failed on its first command: the server dropped it while idle."""


_QUEUED = re.compile(r"queued as ([A-Za-z0-9._@:-]+)", re.IGNORECASE)


def queue_id(reply: bytes | str) -> str | None:
    """The server's queue id from its 250 reply to DATA (Postfix: "Ok: queued as 4F3x")."""
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    m = _QUEUED.search(text)
    return m.group(1) if m else None


# Errors at connect that mean "too many connections from you" while siblings are up.
_REFUSALS = (ConnectionRefusedError, ConnectionResetError, ConnectionAbortedError, smtplib.SMTPServerDisconnected)
GATE_WAIT = 5.0  # seconds a worker waits for a free connection before the message waits in the queue


class EmailChannel(Channel):
    name = "email"
    silence_confirms = True  # a bounce is the only report; none within EMAIL_CONFIRM_TIMEOUT: delivered

    def __init__(
        self,
        settings: Settings,
        password: Callable[[], str | None],
        redactor: Redactor,
        ssl_context: ssl.SSLContext | None = None,
        guard: EmailGuard | None = None,
        imap_password: Callable[[], str | None] = lambda: None,
    ) -> None:
        self.settings = settings
        self._password = password
        self._redact = redactor
        self._ctx = ssl_context
        self._guard = guard or EmailGuard()
        self.connections_opened = 0
        self.reconnects = 0
        # Bounces are read from the IMAP mailbox (EMAIL_CONFIRM_TIMEOUT, IMAP_HOST): the
        # accepted message waits for them, matched by its Message-ID.
        self.receipt_batch = 1000 if settings.email_receipts else 0
        self.receipt_mailbox = settings.email_receipts
        self.receipt_rate = 1.0 / settings.receipt_poll  # one look into the mailbox per NOTIFIER_RECEIPT_POLL
        self._imap_password = imap_password
        self._mailbox: BounceMailbox | None = None

    def unavailable_reason(self, msg: Message) -> str | None:
        if not self.settings.smtp_host:
            return "email is not configured (SMTP_HOST is empty)"
        reason = address_reason("email", msg)
        if reason is None and self.settings.smtp_auth_failure == "next":
            reason = self.held_reason(msg)
        return reason

    def held_reason(self, msg: Message) -> str | None:
        """Why this message's credentials are held (a 535 earlier), or None. No network."""
        if not self._guard.breaker.any_open():
            return None
        try:
            user, password = self._credentials(msg)
        except DeliveryError:
            return None
        return self._guard.breaker.reason(self._key(user, password))

    def _key(self, user: str | None, password: str | None) -> str:
        return credential_key(self.settings.smtp_host, self.settings.smtp_port, user, password)

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
                conn = smtplib.SMTP_SSL(local_hostname=local, timeout=s.smtp_timeout, context=self._context())
                conn._host = s.smtp_host  # type: ignore[attr-defined]  # SNI and the certificate check
                conn.connect(s.smtp_host, s.smtp_port)
            else:
                conn = _SMTP(local_hostname=local, timeout=s.smtp_timeout)
                conn.tls_context = self._context
                conn._host = s.smtp_host  # type: ignore[attr-defined]  # SNI and the certificate check
                conn.connect(s.smtp_host, s.smtp_port)
                if s.smtp_use_tls:
                    stage = "tls"
                    conn.starttls(context=self._context())
                    conn.ehlo()
            conn.ehlo_or_helo_if_needed()
            if user:
                stage = "login"
                _login(conn, user, password or "")
            self.connections_opened += 1
            return conn
        except Exception as exc:
            if conn is not None:
                _close(conn)
            raise self._clean(self._classify_open(exc, stage)) from None

    def _classify_open(self, exc: BaseException, stage: str) -> DeliveryError:
        s = self.settings
        if isinstance(exc, _ImplicitTLSPort):
            return Unavailable(f"port {s.smtp_port} expects implicit TLS (SMTP_USE_SSL=1)")
        if (stage == "connect" and s.smtp_use_ssl and isinstance(exc, ssl.SSLError)
                and not isinstance(exc, ssl.SSLCertVerificationError)
                and _greets_in_clear(s.smtp_host, s.smtp_port, min(_SMTP.probe, s.smtp_timeout))):
            return Unavailable(f"port {s.smtp_port} expects STARTTLS, not implicit TLS (SMTP_USE_SSL=0, SMTP_USE_TLS=1)")
        return classify(exc, stage)

    def _clean(self, err: DeliveryError) -> DeliveryError:
        err.detail = self._redact(err.detail)
        err.args = (err.detail,)
        return err

    # -- connections ----------------------------------------------------------------
    def _connection(self, user: str | None, password: str | None, key: str) -> tuple[smtplib.SMTP, bool]:
        """(connection, reused): an idle one from the shared pool (checked with NOOP when it
        has been idle a while), else a new one within the pool's limit. A "too many
        connections" refusal lowers the limit and waits for a free connection instead of
        counting as a failed try."""
        gate = self._guard.gate
        refusals = 0
        while True:
            item, ok = gate.checkout(key, GATE_WAIT)
            if not ok:
                raise Throttled(f"waiting for a free SMTP connection (the server allows {gate.limit})", retry_after=2.0)
            if item is not None:
                conn, _, last = item
                if time.monotonic() - last < IDLE_CHECK_SECONDS:
                    return conn, True
                try:  # idle connections are often dropped by servers; check cheaply
                    if conn.noop()[0] == 250:
                        return conn, True
                except (smtplib.SMTPException, OSError):
                    pass
                _close(conn)
                gate.discard()
                continue
            siblings = gate.siblings()
            try:
                return self._open_once(user, password, key), False
            except DeliveryError as err:
                gate.discard()
                cause = err.__context__
                if self._too_many(cause, siblings) and refusals < 2:
                    refusals += 1
                    limit = gate.throttle()
                    log.info("the SMTP server refused a connection while %d were open; using at most %d", siblings, limit)
                    continue
                if self._too_many(cause, siblings):
                    gate.throttle()
                    raise Throttled(f"the SMTP server allows fewer connections (now {gate.limit})", retry_after=2.0) from None
                if err.outcome == "unavailable" and isinstance(cause, smtplib.SMTPAuthenticationError):
                    raise self._hold(key, err) from None
                raise

    def _open_once(self, user: str | None, password: str | None, key: str) -> smtplib.SMTP:
        """``open``, but credentials the server has not accepted yet log in one at a time,
        and not at all once they are held."""
        breaker = self._guard.breaker
        first = breaker.first_login(key) if user else None
        if first is None:
            return self.open(user, password)
        with first:
            held = breaker.reason(key)
            if held:
                raise self._held_error(held, first=False)
            conn = self.open(user, password)
            breaker.accepted(key)
            return conn

    @staticmethod
    def _too_many(cause: BaseException | None, siblings: int) -> bool:
        if isinstance(cause, smtplib.SMTPConnectError) and cause.smtp_code == 421:
            return True
        return siblings > 0 and isinstance(cause, _REFUSALS)

    def _hold(self, key: str, err: DeliveryError) -> DeliveryError:
        reason = f"credentials rejected — fix them in Settings ({err.detail})"
        first = self._guard.breaker.trip(key, reason)
        if first:
            log.warning("SMTP credentials rejected; email is held for them until they change or you retry: %s",
                        err.detail)
        return self._held_error(reason, first)

    def _held_error(self, reason: str, first: bool) -> DeliveryError:
        if self.settings.smtp_auth_failure == "next":
            return CredentialsRejected(reason, first=first)
        return Held(reason, retry_after=self._guard.hold_recheck, first=first)

    def _done(self, key: str, conn: smtplib.SMTP, keep: bool) -> None:
        """Give ``conn`` back to the pool, or close it and free its slot."""
        if keep:
            self._guard.gate.checkin(key, (conn, _close, time.monotonic()))
        else:
            _close(conn)
            self._guard.gate.discard()

    def send(self, msg: Message) -> Sent:
        reason = self.unavailable_reason(msg)
        if reason:
            raise Unavailable(reason)
        mail_from, rcpt_to, raw, message_id, utf8 = render_email(self.settings, msg)
        user, password = self._credentials(msg)
        key = self._key(user, password)
        held = self._guard.breaker.reason(key)
        if held:
            raise self._held_error(held, first=False)
        envid = envelope_id(message_id) if self.settings.email_receipts else None  # ask for DSN on failure
        conn, reused = self._connection(user, password, key)
        try:
            try:
                reply = _transfer(conn, mail_from, rcpt_to, raw, utf8, first=reused, envid=envid)
            except _Stale:  # dropped while idle: once more on another connection, not a try
                self._done(key, conn, keep=False)
                self.reconnects += 1
                conn, _ = self._connection(user, password, key)
                reply = _transfer(conn, mail_from, rcpt_to, raw, utf8, first=False, envid=envid)
        except DeliveryError as err:
            self._done(key, conn, keep=_healthy(conn))
            raise self._clean(err) from None
        except Exception as exc:
            self._done(key, conn, keep=_healthy(conn))
            raise self._clean(classify(exc, "send")) from None
        self._done(key, conn, keep=True)
        qid = queue_id(reply)
        host = self.settings.smtp_host
        return Sent(provider_message_id=message_id,
                    detail=f"accepted by {host}, queued as {qid}" if qid else f"accepted by {host}")

    def close(self) -> None:
        """Close the idle pooled connections (QUIT) and the bounce mailbox. Called when a worker stops."""
        self._guard.gate.drain()
        if self._mailbox is not None:
            self._mailbox.close()

    # -- bounces (email receipts) ---------------------------------------------------------
    def mailbox(self) -> BounceMailbox:
        if self._mailbox is None:
            s = self.settings
            self._mailbox = BounceMailbox(s.imap_host, s.imap_port, s.imap_user, s.imap_folder, self._imap_password,
                                          self._redact, timeout=s.smtp_timeout, ssl_context=self._ctx)
        return self._mailbox

    def read_reports(self) -> list[MailReport]:
        if not self.receipt_mailbox:
            return []
        try:
            reports = self.mailbox().read()
        except DeliveryError as exc:
            self._guard.mailbox_problem = exc.detail
            raise
        self._guard.mailbox_problem = None
        return reports

    def reports_problem(self) -> str | None:
        return self._guard.mailbox_problem

    def mark_reports(self, tokens: Sequence[str]) -> None:
        if self.receipt_mailbox:
            self.mailbox().mark(tokens)

    def report_key(self, provider_message_id: str) -> str:
        return key_of(provider_message_id)


def _healthy(conn: smtplib.SMTP) -> bool:
    """Still connected after a refusal we answered with RSET (a 550 keeps the connection)."""
    return getattr(conn, "_notifier_ok", False) and conn.sock is not None


def _transfer(conn: smtplib.SMTP, mail_from: str, rcpt_to: str, raw: bytes, utf8: bool, first: bool,
              envid: str | None = None) -> bytes:
    """MAIL, RCPT, DATA on ``conn``; the 250 reply text to DATA.

    ``envid``: bounces are read (email receipts on); where the server offers DSN (RFC 3461)
    it is asked for one on failure only, with the headers returned and this ENVID
    (``MAIL FROM:<…> RET=HDRS ENVID=…``, ``RCPT TO:<…> NOTIFY=FAILURE``).

    Unlike ``sendmail``, a refused recipient or message is answered with RSET and the
    connection kept (``_healthy``), and a reused connection (``first``) that fails on its
    first command raises :class:`_Stale` so the caller reconnects once.
    """
    conn._notifier_ok = False  # type: ignore[attr-defined]
    options: list[str] = []
    if utf8:
        if not conn.has_extn("smtputf8"):
            conn._notifier_ok = True  # type: ignore[attr-defined]
            raise Permanent("the address has non-ASCII characters before the @ and needs SMTPUTF8, "
                            "which the SMTP server does not offer")
        options.append("SMTPUTF8")
        if conn.has_extn("8bitmime"):
            options.append("BODY=8BITMIME")
    if conn.has_extn("size"):
        options.append(f"SIZE={len(raw)}")
    rcpt_options: list[str] = []
    if envid and conn.has_extn("dsn"):
        options += ["RET=HDRS", f"ENVID={xtext(envid)}"]
        rcpt_options.append("NOTIFY=FAILURE")
    try:
        code, resp = conn.mail(mail_from, options)
    except (smtplib.SMTPServerDisconnected, OSError):
        if first:
            raise _Stale() from None
        raise
    if code != 250:
        if code == 421 or code == -1:
            conn.close()
            if first:
                raise _Stale()
        else:
            _rset(conn)
        raise smtplib.SMTPSenderRefused(code, resp, mail_from)
    code, resp = conn.rcpt(rcpt_to, rcpt_options)
    if code not in (250, 251):
        if code == 421:
            conn.close()
        else:
            _rset(conn)
        raise smtplib.SMTPRecipientsRefused({rcpt_to: (code, resp)})
    code, resp = conn.data(raw)
    if code != 250:
        if code == 421:
            conn.close()
        else:
            _rset(conn)
        raise smtplib.SMTPDataError(code, resp)
    conn._notifier_ok = True  # type: ignore[attr-defined]
    return resp


def _rset(conn: smtplib.SMTP) -> None:
    try:
        conn._notifier_ok = conn.rset()[0] == 250  # type: ignore[attr-defined]
    except (smtplib.SMTPException, OSError):
        conn._notifier_ok = False  # type: ignore[attr-defined]


def _close(conn: smtplib.SMTP) -> None:
    try:
        conn.quit()
    except (smtplib.SMTPException, OSError):
        try:
            conn.close()
        except OSError:
            pass
