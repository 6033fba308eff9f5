"""Email over SMTP (smtplib), classified as in ../shared/reference/smtp.md.

One :class:`EmailChannel` per worker thread keeps one SMTP connection open across
consecutive messages, and reconnects after any failure. TLS always verifies the server:
``ssl.create_default_context()`` uses the system trust store, and OpenSSL's own
``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` keep working because the context loads default paths.

The message is built by :mod:`.email_message` (pure) and carried by :mod:`.smtp_transport`;
their public names are re-exported here for the callers of the channel module.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence

from ...config import Settings
from ...messages import Template
from ...secrets import Redactor
from ..bounces import BounceMailbox, key_of
from ..errors import CredentialsRejected, DeliveryError, Held, Throttled, Unavailable
from ..smtp_guard import EmailGuard, credential_key
from .base import Channel, MailReport, Message, Sent, address_reason
from .email_message import (
    POLICY,
    build_email,
    check_headers,
    envelope_id,
    new_message_id,
    render_email,
    sender,
    wire_address,
    xtext,
)
from .smtp_transport import (
    _REFUSALS,
    _SMTP,
    _close,
    _greets_in_clear,
    _healthy,
    _ImplicitTLSPort,
    _login,
    _Stale,
    _transfer,
    classify,
    queue_id,
)

__all__ = ["EmailChannel", "POLICY", "build_email", "check_headers", "classify", "envelope_id", "new_message_id",
           "queue_id", "render_email", "sender", "wire_address", "xtext"]

log = logging.getLogger("notifier.email")

# -- messages: the email channel's attempt details (core/messages.py; smtp_transport has the SMTP steps')
NOT_CONFIGURED = Template("email.not_configured", "email is not configured (SMTP_HOST is empty)")
NO_SEND_PASSWORD = Template("email.no_send_password", "the per-send SMTP password is missing from the credential store")
NO_PASSWORD = Template("email.no_password", "SMTP_DEFAULT_USER is set but there is no password (secret smtp_password)")
EXPECTS_TLS = Template("email.port_expects_tls", "port {port} expects implicit TLS (SMTP_USE_SSL=1)")
EXPECTS_STARTTLS = Template("email.port_expects_starttls", "port {port} expects STARTTLS, not implicit TLS "
                                                           "(SMTP_USE_SSL=0, SMTP_USE_TLS=1)")
WAITING = Template("email.waiting_for_connection", "waiting for a free SMTP connection (the server allows {count})")
FEWER = Template("email.fewer_connections", "the SMTP server allows fewer connections (now {count})")
REJECTED = Template("email.credentials_rejected", "credentials rejected — fix them in Settings ({message})")
ACCEPTED = Template("email.accepted", "accepted by {host}")
ACCEPTED_QUEUED = Template("email.accepted_queued", "accepted by {host}, queued as {queue_id}")

IDLE_CHECK_SECONDS = 10.0
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
            return NOT_CONFIGURED()
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
                raise Unavailable(NO_SEND_PASSWORD())
            return msg.smtp_user, msg.smtp_password
        user = self.settings.smtp_user or None
        if not user:
            return None, None
        password = self._password()
        if not password:
            raise Unavailable(NO_PASSWORD())
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
            return Unavailable(EXPECTS_TLS(port=s.smtp_port))
        if (stage == "connect" and s.smtp_use_ssl and isinstance(exc, ssl.SSLError)
                and not isinstance(exc, ssl.SSLCertVerificationError)
                and _greets_in_clear(s.smtp_host, s.smtp_port, min(_SMTP.probe, s.smtp_timeout))):
            return Unavailable(EXPECTS_STARTTLS(port=s.smtp_port))
        return classify(exc, stage)

    def _clean(self, err: DeliveryError) -> DeliveryError:
        return err.redacted(self._redact)

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
                raise Throttled(WAITING(count=gate.limit), retry_after=2.0)
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
                    raise Throttled(FEWER(count=gate.limit), retry_after=2.0) from None
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
            try:
                conn = self.open(user, password)
            except DeliveryError as err:  # held before the next worker in line looks (else: a 2nd login)
                if err.outcome == "unavailable" and isinstance(err.__context__, smtplib.SMTPAuthenticationError):
                    raise self._hold(key, err) from None
                raise
            breaker.accepted(key)
            return conn

    @staticmethod
    def _too_many(cause: BaseException | None, siblings: int) -> bool:
        if isinstance(cause, smtplib.SMTPConnectError) and cause.smtp_code == 421:
            return True
        return siblings > 0 and isinstance(cause, _REFUSALS)

    def _hold(self, key: str, err: DeliveryError) -> DeliveryError:
        reason = REJECTED(message=err.detail)
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
                    detail=ACCEPTED_QUEUED(host=host, queue_id=qid) if qid else ACCEPTED(host=host))

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
