"""SMTP transport: connecting (STARTTLS or implicit TLS, always verified), logging in, one
transfer on an open connection, and the mapping of smtplib's failures to delivery errors as in
../shared/reference/smtp.md. No channel state here; :mod:`.email` keeps the connection.
"""
from __future__ import annotations

import logging
import re
import select
import smtplib
import socket
import ssl
from collections.abc import Callable

from ...messages import Template
from ..errors import DeliveryError, Permanent, Transient, Unavailable
from .email_message import xtext

log = logging.getLogger("notifier.email")

# -- messages: what a failed SMTP step says (core/messages.py); {reply} is the server's own
WHERE = {"connect": Template("smtp.where.connect", "connecting"), "tls": Template("smtp.where.tls", "starting TLS"),
         "login": Template("smtp.where.login", "logging in"), "send": Template("smtp.where.send", "sending")}
RECIPIENT_LATER = Template("smtp.recipient_later", "the server refused the recipient for now: {reply}")
RECIPIENT_REFUSED = Template("smtp.recipient_refused", "the server refused the recipient: {reply}")
AUTH_LATER = Template("smtp.auth_later", "temporary authentication failure: {reply}")
APP_PASSWORD = Template("smtp.app_password", "the server wants an app password (2-step verification is on): {reply}")
LOGIN_REFUSED = Template("smtp.login_refused", "the SMTP login or password was not accepted: {reply}")
SENDER_LATER = Template("smtp.sender_later", "the server refused the sender for now: {reply}")
AUTH_FIRST = Template("smtp.auth_first", "the server requires authentication or STARTTLS first: {reply}")
TOO_LARGE = Template("smtp.too_large", "the message is larger than the server accepts: {reply}")
SENDER_REFUSED = Template("smtp.sender_refused", "the server does not allow this From address: {reply}")
CONNECT_LATER = Template("smtp.connect_later", "the server is not accepting connections now: {reply}")
NO_MAIL = Template("smtp.no_mail", "the host does not accept mail: {reply}")
GREETING_LATER = Template("smtp.greeting_later", "the server refused our greeting for now: {reply}")
GREETING_REFUSED = Template("smtp.greeting_refused", "the server refused our greeting: {reply}")
NO_STARTTLS = Template("smtp.no_starttls", "the server offers no STARTTLS on this port; credentials will not be sent "
                                           "in clear (check SMTP_PORT / SMTP_USE_SSL)")
NO_AUTH = Template("smtp.no_auth", "the server does not offer AUTH here (login before STARTTLS, or the wrong port)")
CANNOT_TAKE = Template("smtp.cannot_take", "the server cannot take this message: {error}")
LATER_WHILE = Template("smtp.later_while", "temporary failure while {where}: {reply}")
STARTTLS_REFUSED = Template("smtp.starttls_refused", "STARTTLS was refused: {reply}")
REJECTED_WHILE = Template("smtp.rejected_while", "the server rejected the message while {where}: {reply}")
NO_ANSWER = Template("smtp.no_answer", "the SMTP server did not answer in time while {where}")
CLOSED = Template("smtp.closed", "the server closed the connection while {where}")
SMTP_ERROR = Template("smtp.error", "SMTP error while {where}: {error}")
UNTRUSTED = Template("smtp.untrusted", "the server's TLS certificate is not trusted: {reason}")
TLS_MODE = Template("smtp.tls_mode", "TLS mode does not match the port (465 is implicit TLS: SMTP_USE_SSL=1; 587 is "
                                     "STARTTLS: SMTP_USE_TLS=1)")
TLS_FAILED = Template("smtp.tls_failed", "TLS failed while {where}: {reason}")
NO_HOST = Template("smtp.no_host", "the SMTP host name cannot be resolved ({reason})")
REFUSED = Template("smtp.refused", "the SMTP server refused the connection (is it running, is the port right?)")
NETWORK = Template("smtp.network", "network error while {where}: {reason}")
NOT_AS_WRITTEN = Template("smtp.not_as_written", "the message cannot be sent as written: {error}")
UNEXPECTED = Template("smtp.unexpected", "unexpected error while {where}: {error}")
NEEDS_SMTPUTF8 = Template("smtp.needs_smtputf8", "the address has non-ASCII characters before the @ and needs "
                                                 "SMTPUTF8, which the SMTP server does not offer")

def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"{exc.smtp_code} {' '.join(text.split())}"


def classify(exc: BaseException, stage: str) -> DeliveryError:
    """Map an smtplib/socket/ssl failure at ``stage`` (connect, tls, login, send) to a class."""
    where = WHERE[stage]()
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        reply = f"{code} {' '.join(text.decode('utf-8', 'replace').split())}"
        if 400 <= code < 500:
            return Transient(RECIPIENT_LATER(reply=reply))
        return Permanent(RECIPIENT_REFUSED(reply=reply))
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        if 400 <= exc.smtp_code < 500:
            return Transient(AUTH_LATER(reply=_reply(exc)))
        if exc.smtp_code == 534:
            return Unavailable(APP_PASSWORD(reply=_reply(exc)))
        return Unavailable(LOGIN_REFUSED(reply=_reply(exc)))
    if isinstance(exc, smtplib.SMTPSenderRefused):
        code = exc.smtp_code
        if 400 <= code < 500:
            return Transient(SENDER_LATER(reply=_reply(exc)))
        if code == 530:
            return Unavailable(AUTH_FIRST(reply=_reply(exc)))
        if code == 552:
            return Permanent(TOO_LARGE(reply=_reply(exc)))
        return Unavailable(SENDER_REFUSED(reply=_reply(exc)))
    if isinstance(exc, smtplib.SMTPConnectError):
        if 400 <= exc.smtp_code < 500:
            return Transient(CONNECT_LATER(reply=_reply(exc)))
        return Unavailable(NO_MAIL(reply=_reply(exc)))
    if isinstance(exc, smtplib.SMTPHeloError):
        if 400 <= exc.smtp_code < 500:
            return Transient(GREETING_LATER(reply=_reply(exc)))
        return Unavailable(GREETING_REFUSED(reply=_reply(exc)))
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        if stage == "tls":
            return Unavailable(NO_STARTTLS())
        if stage == "login":
            return Unavailable(NO_AUTH())
        return Permanent(CANNOT_TAKE(error=str(exc)))
    if isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        if 400 <= code < 500:
            return Transient(LATER_WHILE(where=where, reply=_reply(exc)))
        if stage == "tls":
            return Unavailable(STARTTLS_REFUSED(reply=_reply(exc)))
        return Permanent(REJECTED_WHILE(where=where, reply=_reply(exc)))
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        if "timed out" in str(exc):  # smtplib wraps a read timeout into "unexpectedly closed"
            return Transient(NO_ANSWER(where=where))
        return Transient(CLOSED(where=where))
    if isinstance(exc, smtplib.SMTPException):
        return Unavailable(SMTP_ERROR(where=where, error=str(exc)))
    if isinstance(exc, ssl.SSLCertVerificationError):
        return Unavailable(UNTRUSTED(reason=str(exc.verify_message)))
    if isinstance(exc, ssl.SSLError):
        if "WRONG_VERSION_NUMBER" in str(exc) or "wrong version number" in str(exc):
            return Unavailable(TLS_MODE())
        return Transient(TLS_FAILED(where=where, reason=str(exc.reason or exc)))
    if isinstance(exc, socket.gaierror):
        return Transient(NO_HOST(reason=str(exc.strerror)))
    if isinstance(exc, ConnectionRefusedError):
        return Transient(REFUSED())
    if isinstance(exc, TimeoutError):
        return Transient(NO_ANSWER(where=where))
    if isinstance(exc, OSError):
        return Transient(NETWORK(where=where, reason=str(exc.strerror or exc)))
    if isinstance(exc, (ValueError, UnicodeError)):
        return Permanent(NOT_AS_WRITTEN(error=str(exc)))
    return Transient(UNEXPECTED(where=where, error=type(exc).__name__))


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
            raise Permanent(NEEDS_SMTPUTF8())
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
