"""Connection tests for the Settings dialog and ``notifier check``: never raise, never send.

Each returns a :class:`CheckResult` whose message an operator can act on.
"""
from __future__ import annotations

from .config import Settings
from .delivery.channels.email import EmailChannel
from .delivery.channels.smtp_transport import _close
from .delivery.checks_base import CheckResult
from .delivery.errors import DeliveryError
from .secrets import CredentialStore, SecretStoreError


def check_email(settings: Settings, secrets: CredentialStore) -> CheckResult:
    """Connect, TLS, AUTH, QUIT. No mail is sent."""
    if not settings.smtp_host:
        return CheckResult(False, "Email is not configured: set SMTP_HOST")
    try:
        password = secrets.get("smtp_password") if settings.smtp_user else None
    except SecretStoreError as exc:
        return CheckResult(False, str(exc))
    if settings.smtp_user and not password:
        return CheckResult(False, "SMTP_DEFAULT_USER is set but there is no password (secret smtp_password)")
    channel = EmailChannel(settings, lambda: password, secrets.redactor)
    try:
        conn = channel.open(settings.smtp_user or None, password)
    except DeliveryError as exc:
        return CheckResult(False, exc.detail)
    except Exception as exc:  # a check must never raise into the window
        return CheckResult(False, secrets.redactor(f"unexpected error: {type(exc).__name__}: {exc}"))
    utf8 = conn.has_extn("smtputf8")
    _close(conn)
    mode = "implicit TLS" if settings.smtp_use_ssl else ("STARTTLS" if settings.smtp_use_tls else "no TLS")
    who = f", logged in as {settings.smtp_user}" if settings.smtp_user else ""
    message = f"Connected to {settings.smtp_host}:{settings.smtp_port} ({mode}{who})"
    if not utf8:  # addresses with non-ASCII before the @ cannot go through this server
        message += "; the server does not offer SMTPUTF8 (addresses with non-ASCII before the @ cannot be sent)"
    if settings.imap_host:
        return _check_bounces(settings, secrets, message)
    return CheckResult(True, message)


def _check_bounces(settings: Settings, secrets: CredentialStore, smtp: str) -> CheckResult:
    """The bounce mailbox (IMAP_HOST): log in and open the folder; nothing is read or marked."""
    from .delivery.bounces import BounceMailbox

    try:
        password = secrets.get("imap_password")
    except SecretStoreError as exc:
        return CheckResult(False, f"{smtp}; the bounce mailbox: {exc}")
    mailbox = BounceMailbox(settings.imap_host, settings.imap_port, settings.imap_user, settings.imap_folder,
                            lambda: password, secrets.redactor, timeout=settings.smtp_timeout)
    try:
        count = mailbox.check()
    except DeliveryError as exc:
        return CheckResult(False, f"{smtp}; the bounce mailbox: {exc.detail}")
    except Exception as exc:  # a check must never raise into the window
        return CheckResult(False, secrets.redactor(f"{smtp}; the bounce mailbox: unexpected error: "
                                                   f"{type(exc).__name__}: {exc}"))
    message = (f"{smtp}; bounce mailbox {settings.imap_user} at {settings.imap_host}:{settings.imap_port}, "
               f"folder {settings.imap_folder} ({count} messages)")
    if not settings.email_receipts:
        message += " (EMAIL_CONFIRM_TIMEOUT is 0: bounces are not waited for)"
    return CheckResult(True, message)


def check_channel(name: str, settings: Settings, secrets: CredentialStore) -> CheckResult:
    """The connection test of one channel by name (email, sms, telegram)."""
    if name == "email":
        return check_email(settings, secrets)
    if name == "sms":
        from .delivery.channels.sms.channel import check_sms

        return check_sms(settings, secrets)
    if name == "telegram":
        from .delivery.channels.telegram import check_telegram

        try:
            token = secrets.get("telegram_bot_token")
        except SecretStoreError as exc:
            return CheckResult(False, str(exc))
        if not token:
            return CheckResult(False, "Telegram is not configured: store the bot token (secret telegram_bot_token)")
        return check_telegram(settings, token, secrets.redactor)
    return CheckResult(False, f"unknown channel {name!r}")
