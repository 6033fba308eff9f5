"""The bounded fallback of :mod:`notifier_gui.ui.core_text`: core messages that still reach the
window as plain English, recognised by their wording.

What still comes this way (the core writes it as text, not yet as a ``Msg`` with a code):
attempt details and receipt reports written by the channels (stored as text in the
database), the connection checks' results (core/checks.py), the SMS providers' configuration
complaints, and the recipients' storage and CSV import sentences. Each template below is the core's own format
string with its fields named; a message that matches one is shown translated (``CoreMessage``
context in the ``.ts``), with the fields filled in from the message; tests/ui/test_core_text.py
checks that every template still is made of the core's words. A message that matches none is
shown as written. Messages that *are* data (config, settings and validation errors) never
come here: core_text renders them by code (nor do the credential store's sentences).
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from .setting_names import PLACES

CONTEXT = "CoreMessage"

TEMPLATES = cast(tuple[str, ...], (
    # why a channel was skipped
    QT_TRANSLATE_NOOP("CoreMessage", "the recipient has no email address"),
    QT_TRANSLATE_NOOP("CoreMessage", "the recipient has no phone number"),
    QT_TRANSLATE_NOOP("CoreMessage", "the recipient has no linked Telegram chat"),
    QT_TRANSLATE_NOOP("CoreMessage", "the recipient has no linked Telegram chat (they must press Start in the bot "
                                     "first)"),
    QT_TRANSLATE_NOOP("CoreMessage", "email is not configured (SMTP_HOST is empty)"),
    QT_TRANSLATE_NOOP("CoreMessage", "SMS is not configured (SMS_PROVIDER is empty; choose {providers})"),
    QT_TRANSLATE_NOOP("CoreMessage", "Telegram is not configured: there is no bot token (create a bot with "
                                     "@BotFather and save its token)"),
    # outcomes
    QT_TRANSLATE_NOOP("CoreMessage", "sandbox: written to {path}"),
    QT_TRANSLATE_NOOP("CoreMessage", "accepted by {host}, queued as {queue_id}"),
    QT_TRANSLATE_NOOP("CoreMessage", "accepted by {host}"),
    QT_TRANSLATE_NOOP("CoreMessage", "{message}; held until its lifetime of {seconds} s ended"),
    QT_TRANSLATE_NOOP("CoreMessage", "every channel failed or is unavailable"),
    QT_TRANSLATE_NOOP("CoreMessage", "every channel failed"),
    QT_TRANSLATE_NOOP("CoreMessage", "gave up after {rounds} rounds: lifetime of {seconds} s reached"),
    QT_TRANSLATE_NOOP("CoreMessage", "the worker stopped during this attempt"),
    QT_TRANSLATE_NOOP("CoreMessage", "the worker stopped during this attempt; the message may or may not have "
                                     "gone out"),
    # email
    QT_TRANSLATE_NOOP("CoreMessage", "the SMTP server refused the connection (is it running, is the port right?)"),
    QT_TRANSLATE_NOOP("CoreMessage", "the SMTP server did not answer in time while {where}"),
    QT_TRANSLATE_NOOP("CoreMessage", "the SMTP host name cannot be resolved ({reason})"),
    QT_TRANSLATE_NOOP("CoreMessage", "the SMTP login or password was not accepted: {reply}"),
    QT_TRANSLATE_NOOP("CoreMessage", "the server wants an app password (2-step verification is on): {reply}"),
    QT_TRANSLATE_NOOP("CoreMessage", "the server's TLS certificate is not trusted: {reason}"),
    QT_TRANSLATE_NOOP("CoreMessage", "the server offers no STARTTLS on this port; credentials will not be sent "
                                     "in clear (check SMTP_PORT / SMTP_USE_SSL)"),
    QT_TRANSLATE_NOOP("CoreMessage", "the server refused the recipient for now: {reply}"),
    QT_TRANSLATE_NOOP("CoreMessage", "the server refused the recipient: {reply}"),
    QT_TRANSLATE_NOOP("CoreMessage", "the server closed the connection while {where}"),
    QT_TRANSLATE_NOOP("CoreMessage", "network error while {where}: {reason}"),
    QT_TRANSLATE_NOOP("CoreMessage", "the message is larger than the server accepts: {reply}"),
    QT_TRANSLATE_NOOP("CoreMessage", "credentials rejected — fix them in Settings ({message})"),
    QT_TRANSLATE_NOOP("CoreMessage", "port {port} expects implicit TLS (SMTP_USE_SSL=1)"),
    QT_TRANSLATE_NOOP("CoreMessage", "port {port} expects STARTTLS, not implicit TLS (SMTP_USE_SSL=0, "
                                     "SMTP_USE_TLS=1)"),
    QT_TRANSLATE_NOOP("CoreMessage", "the address has non-ASCII characters before the @ and needs SMTPUTF8, "
                                     "which the SMTP server does not offer"),
    QT_TRANSLATE_NOOP("CoreMessage", "waiting for a free SMTP connection (the server allows {count})"),
    QT_TRANSLATE_NOOP("CoreMessage", "the SMTP server allows fewer connections (now {count})"),
    # Telegram
    QT_TRANSLATE_NOOP("CoreMessage", "the person blocked the bot (403); they must unblock it and press Start in "
                                     "the bot before Telegram messages can reach them"),
    QT_TRANSLATE_NOOP("CoreMessage", "the person has not started a chat with the bot (403); they must open the bot "
                                     "in Telegram and press Start (send them the link from the recipient dialog)"),
    QT_TRANSLATE_NOOP("CoreMessage", "the person's Telegram account was deleted (403 user is deactivated)"),
    QT_TRANSLATE_NOOP("CoreMessage", "the bot token was rejected by Telegram (401 Unauthorized): it is wrong or "
                                     "was revoked; copy it again from @BotFather"),
    QT_TRANSLATE_NOOP("CoreMessage", "Telegram rate limit (429 Too Many Requests): {when}"),
    QT_TRANSLATE_NOOP("CoreMessage", "retry after {seconds} s"),
    QT_TRANSLATE_NOOP("CoreMessage", "retry later"),
    QT_TRANSLATE_NOOP("CoreMessage", "the message is empty; Telegram cannot deliver an empty text"),
    # SMS
    QT_TRANSLATE_NOOP("CoreMessage", "the message has neither subject nor text; an empty SMS is not sent"),
    QT_TRANSLATE_NOOP("CoreMessage", "no SMS gateway API at this address: check ANDROID_SMS_URL ({said})"),
    QT_TRANSLATE_NOOP("CoreMessage", "the Android SMS gateway needs its address (ANDROID_SMS_URL, e.g. "
                                     "http://192.168.1.20:8080 or https://api.sms-gate.app/3rdparty/v1)"),
    QT_TRANSLATE_NOOP("CoreMessage", "the Android SMS gateway needs its username (ANDROID_SMS_USER, shown in the app)"),
    QT_TRANSLATE_NOOP("CoreMessage", "{service} ({address}) refused the connection (wrong address or port, or the "
                                     "service is not running)"),
    # connection checks (Settings → Test connection)
    # before "Connected to …", whose {mode} would take the rest
    QT_TRANSLATE_NOOP("CoreMessage", "{message} (EMAIL_CONFIRM_TIMEOUT is 0: bounces are not waited for)"),
    QT_TRANSLATE_NOOP("CoreMessage", "{message}; bounce mailbox {user} at {address}, folder {folder} "
                                     "({count} messages)"),
    QT_TRANSLATE_NOOP("CoreMessage", "{message}; the bounce mailbox: {reason}"),
    QT_TRANSLATE_NOOP("CoreMessage", "{message}; the server does not offer SMTPUTF8 (addresses with non-ASCII "
                                     "before the @ cannot be sent)"),
    QT_TRANSLATE_NOOP("CoreMessage", "Connected to {address} ({mode}, logged in as {user})"),
    QT_TRANSLATE_NOOP("CoreMessage", "Connected to {address} ({mode})"),
    QT_TRANSLATE_NOOP("CoreMessage", "Email is not configured: set SMTP_HOST"),
    QT_TRANSLATE_NOOP("CoreMessage", "SMTP_DEFAULT_USER is set but there is no password (secret smtp_password)"),
    QT_TRANSLATE_NOOP("CoreMessage", "Telegram is not configured: store the bot token (secret telegram_bot_token)"),
    QT_TRANSLATE_NOOP("CoreMessage", "connected as @{name}"),
    QT_TRANSLATE_NOOP("CoreMessage", "this token belongs to a user account, not a bot"),
    # delivery reports (the second stage of an accepted attempt)
    QT_TRANSLATE_NOOP("CoreMessage", "no bounce read within {seconds} s: {reason}"),
    QT_TRANSLATE_NOOP("CoreMessage", "no bounce within {seconds} s"),
    QT_TRANSLATE_NOOP("CoreMessage", "bounced (hard): {addresses}"),
    QT_TRANSLATE_NOOP("CoreMessage", "bounced (soft): {addresses}"),
    QT_TRANSLATE_NOOP("CoreMessage", "bounced: {report}"),
    QT_TRANSLATE_NOOP("CoreMessage", "the bounce mailbox needs IMAP_USER and its password (secret imap_password)"),
    QT_TRANSLATE_NOOP("CoreMessage", "the IMAP server refused the login for {user}: {said}"),
    QT_TRANSLATE_NOOP("CoreMessage", "the IMAP server's certificate is not trusted: {error}"),
    QT_TRANSLATE_NOOP("CoreMessage", "the IMAP folder {folder} cannot be opened (check IMAP_FOLDER)"),
    QT_TRANSLATE_NOOP("CoreMessage", "cannot connect to {address} over TLS: {error}"),
    QT_TRANSLATE_NOOP("CoreMessage", "no delivery report within {seconds} s of acceptance"),
    QT_TRANSLATE_NOOP("CoreMessage", "{message} (SMS.ru {code}, message {id})"),
    QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru reports {id} delivered (SMS.ru {code})"),
    QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru reports {id} delivered and read (SMS.ru {code})"),
    QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru does not know this message"),
    QT_TRANSLATE_NOOP("CoreMessage", "not delivered: its lifetime expired (the phone was off for long)"),
    QT_TRANSLATE_NOOP("CoreMessage", "not delivered: deleted by the operator"),
    QT_TRANSLATE_NOOP("CoreMessage", "not delivered: phone failure"),
    QT_TRANSLATE_NOOP("CoreMessage", "not delivered: unknown reason"),
    QT_TRANSLATE_NOOP("CoreMessage", "not delivered: rejected"),
    QT_TRANSLATE_NOOP("CoreMessage", "not delivered: the daily limit of messages to this number"),
    QT_TRANSLATE_NOOP("CoreMessage", "not delivered: the limit of identical messages to this number per minute"),
    QT_TRANSLATE_NOOP("CoreMessage", "not delivered: the limit of identical messages to this number per day"),
    QT_TRANSLATE_NOOP("CoreMessage", "not delivered: no route to this number"),
    QT_TRANSLATE_NOOP("CoreMessage", "{message} (Twilio {code}, message {sid} {status})"),
    QT_TRANSLATE_NOOP("CoreMessage", "Twilio reports message {sid} delivered"),
    QT_TRANSLATE_NOOP("CoreMessage", "the message {sid} was canceled at Twilio"),
    QT_TRANSLATE_NOOP("CoreMessage", "Twilio's queue overflowed"),
    QT_TRANSLATE_NOOP("CoreMessage", "the Twilio account is suspended"),
    QT_TRANSLATE_NOOP("CoreMessage", "the handset is unreachable (off, no signal)"),
    QT_TRANSLATE_NOOP("CoreMessage", "the message is blocked for this destination"),
    QT_TRANSLATE_NOOP("CoreMessage", "the number does not exist"),
    QT_TRANSLATE_NOOP("CoreMessage", "the number is a landline or the carrier is unreachable"),
    QT_TRANSLATE_NOOP("CoreMessage", "the carrier filtered the message"),
    QT_TRANSLATE_NOOP("CoreMessage", "unknown delivery error"),
    QT_TRANSLATE_NOOP("CoreMessage", "the phone reports message {id} delivered"),
    QT_TRANSLATE_NOOP("CoreMessage", "the phone could not deliver message {id}: {error}"),
    QT_TRANSLATE_NOOP("CoreMessage", "message {id} was cancelled on the phone"),
    # SMS.ru (a Russian provider: its answers matter most in the Russian window)
    QT_TRANSLATE_NOOP("CoreMessage", "{message} (SMS.ru {said})"),
    QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru does not accept the api_id: check the smsru_api_id secret"),
    QT_TRANSLATE_NOOP("CoreMessage", "the SMS.ru account has not enough money; top it up"),
    QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru says the recipient's number is wrong or there is no route to it"),
    QT_TRANSLATE_NOOP("CoreMessage", "the message has no text"),
    QT_TRANSLATE_NOOP("CoreMessage", "the sender name SMSRU_FROM is not approved by SMS.ru; clear it or get it "
                                     "approved"),
    QT_TRANSLATE_NOOP("CoreMessage", "the message is too long for SMS.ru (more than 8 SMS)"),
    QT_TRANSLATE_NOOP("CoreMessage", "the SMS.ru account's daily sending limit is reached; SMS works again after "
                                     "the limit resets"),
    QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru cannot send to this number (no route for delivery)"),
    QT_TRANSLATE_NOOP("CoreMessage", "the number is in the SMS.ru account's stop list; remove it there to send"),
    QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru is temporarily unavailable"),
    QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru requires an approved alphabetic sender name before anything can be "
                                     "sent: create one in the SMS.ru senders panel and put it in SMSRU_FROM"),
    QT_TRANSLATE_NOOP("CoreMessage", "the daily limit of messages to this number is reached; it resets tomorrow"),
    QT_TRANSLATE_NOOP("CoreMessage", "the same text was sent to this number too often within a minute"),
    QT_TRANSLATE_NOOP("CoreMessage", "the daily limit of identical messages to this number is reached; it resets "
                                     "tomorrow"),
    QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru rejected the token (expired, or the IP address changed)"),
    QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru does not accept the api_id (wrong key, or the user does not exist)"),
    QT_TRANSLATE_NOOP("CoreMessage", "the SMS.ru account is not confirmed yet; finish the registration"),
    QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru had a server error"),
    # recipients (storage, import)
    QT_TRANSLATE_NOOP("CoreMessage", "{shown} already belongs to recipient {other}"),
    QT_TRANSLATE_NOOP("CoreMessage", "{address} (stored as {stored})"),
    QT_TRANSLATE_NOOP("CoreMessage", "{value} already exists"),
    QT_TRANSLATE_NOOP("CoreMessage", "no recipient with id {ids}"),
    QT_TRANSLATE_NOOP("CoreMessage", "has {count} notification(s) still queued; cancel them first"),
    QT_TRANSLATE_NOOP("CoreMessage", "the same message to the same person was queued moments ago"),
    QT_TRANSLATE_NOOP("CoreMessage", "expected {expected} fields, found {found}"),
    QT_TRANSLATE_NOOP("CoreMessage", "broken CSV: {reason}"),
    QT_TRANSLATE_NOOP("CoreMessage", "the file is not UTF-8 (byte {offset})"),
    QT_TRANSLATE_NOOP("CoreMessage", "the file is empty; expected a header name,email,phone,telegram_chat_id"),
    QT_TRANSLATE_NOOP("CoreMessage", "header must be {columns} (got {got})"),
    QT_TRANSLATE_NOOP("CoreMessage", "the header names {columns} more than once"),
    # {env} is a setting's environment name, shown as its place in Settings (setting_names.py)
    QT_TRANSLATE_NOOP("CoreMessage", "{env}={provider} is not a known provider ({providers})"),
    # channel settings the core names by variable (renamed to their place after translation)
    QT_TRANSLATE_NOOP("CoreMessage", "no sender address: set DEFAULT_FROM_EMAIL (or SMTP_DEFAULT_USER as an address)"),
    QT_TRANSLATE_NOOP("CoreMessage", "TLS mode does not match the port (465 is implicit TLS: SMTP_USE_SSL=1; 587 is "
                                     "STARTTLS: SMTP_USE_TLS=1)"),
    QT_TRANSLATE_NOOP("CoreMessage", "{what} is missing: store the secret {secret} in the settings (or set {env_name} "
                                     "for a headless run)"),
    QT_TRANSLATE_NOOP("CoreMessage", "Twilio needs an Account SID (TWILIO_ACCOUNT_SID)"),
    QT_TRANSLATE_NOOP("CoreMessage", "Twilio needs a sender: TWILIO_FROM (a number you own, E.164) or "
                                     "TWILIO_MESSAGING_SERVICE_SID"),
    QT_TRANSLATE_NOOP("CoreMessage", "no sender name set (SMSRU_FROM); new SMS.ru accounts must register one before "
                                     "sending"),
    QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru does not know this method: check SMSRU_API_BASE"),
    QT_TRANSLATE_NOOP("CoreMessage", "Twilio rejected the credentials: check TWILIO_ACCOUNT_SID and the "
                                     "twilio_auth_token secret (or the API key), and that the account is not "
                                     "suspended"),
    QT_TRANSLATE_NOOP("CoreMessage", "Twilio does not know this account or address: check TWILIO_ACCOUNT_SID and "
                                     "TWILIO_API_BASE"),
    QT_TRANSLATE_NOOP("CoreMessage", "the sender number TWILIO_FROM is not valid"),
    QT_TRANSLATE_NOOP("CoreMessage", "TWILIO_FROM is not an SMS-capable number of this Twilio account for this "
                                     "destination"),
    QT_TRANSLATE_NOOP("CoreMessage", "{message} (Twilio {said})"),
    QT_TRANSLATE_NOOP("CoreMessage", "the gateway refused the username/password: check ANDROID_SMS_USER and the "
                                     "{secret} secret against the app ({said})"),
    QT_TRANSLATE_NOOP("CoreMessage", "the Bot API URL is invalid: check TELEGRAM_API_BASE (e.g. "
                                     "https://api.telegram.org) and the bot token"),
    QT_TRANSLATE_NOOP("CoreMessage", "the TLS certificate of {host} is not trusted (check TELEGRAM_API_BASE or a "
                                     "proxy intercepting HTTPS)"),
    QT_TRANSLATE_NOOP("CoreMessage", "cannot connect to {host}: {reason}"),
    QT_TRANSLATE_NOOP("CoreMessage", "connection refused (is the server running, is TELEGRAM_API_BASE right?)"),
    QT_TRANSLATE_NOOP("CoreMessage", "the host name cannot be resolved (no network, or a typo in TELEGRAM_API_BASE)"),
    QT_TRANSLATE_NOOP("CoreMessage", "{host} answered {method} with HTTP {status} and a body that is not Bot API JSON "
                                     "(a proxy or the wrong TELEGRAM_API_BASE?)"),
    QT_TRANSLATE_NOOP("CoreMessage", "the Bot API answered 404 Not Found: the bot token is malformed or "
                                     "TELEGRAM_API_BASE is wrong{where}"),
    QT_TRANSLATE_NOOP("CoreMessage", "{host} answered getMe without a bot user name; is TELEGRAM_API_BASE a Bot API "
                                     "server?"),
))

# email-validator's own sentences, which the core passes on as the {reason} of an invalid
# email address (not the core's words, so apart from TEMPLATES and its test).
LIBRARY_MESSAGES = cast(tuple[str, ...], (
    QT_TRANSLATE_NOOP("CoreMessage", "An email address must have an @-sign."),
    QT_TRANSLATE_NOOP("CoreMessage", "There must be something before the @-sign."),
    QT_TRANSLATE_NOOP("CoreMessage", "There must be something after the @-sign."),
    QT_TRANSLATE_NOOP("CoreMessage", "The part after the @-sign is not valid. It should have a period."),
    QT_TRANSLATE_NOOP("CoreMessage", "The email address contains invalid characters before the @-sign: {chars}."),
    QT_TRANSLATE_NOOP("CoreMessage", "The part after the @-sign contains invalid characters: {chars}."),
    QT_TRANSLATE_NOOP("CoreMessage", "An email address cannot have two periods in a row."),
    QT_TRANSLATE_NOOP("CoreMessage", "An email address cannot start with a period."),
    QT_TRANSLATE_NOOP("CoreMessage", "An email address cannot have a period immediately before the @-sign."),
    QT_TRANSLATE_NOOP("CoreMessage", "An email address cannot have a hyphen immediately after the @-sign."),
))

# The window says where in Settings to fix it, not the environment variable or the secret's id
# that the core writes (the log of record and the CLI, whose user sets those variables, keep
# the core's words): core template -> the window's wording, both translated for the window.
WINDOW_WORDING = cast(dict[str, str], {
    "{message} (EMAIL_CONFIRM_TIMEOUT is 0: bounces are not waited for)":
        QT_TRANSLATE_NOOP("CoreMessage", "{message} (the wait for a bounce is 0 in Settings → Email: bounces are not "
                                         "waited for)"),
    "the bounce mailbox needs IMAP_USER and its password (secret imap_password)":
        QT_TRANSLATE_NOOP("CoreMessage", "the bounce mailbox needs its login and password: enter them in "
                                         "Settings → Email → Bounces (IMAP)"),
    "the IMAP folder {folder} cannot be opened (check IMAP_FOLDER)":
        QT_TRANSLATE_NOOP("CoreMessage", "the IMAP folder {folder} cannot be opened (check the folder in "
                                         "Settings → Email → Bounces (IMAP))"),
    "email is not configured (SMTP_HOST is empty)":
        QT_TRANSLATE_NOOP("CoreMessage", "email is not configured (enter the SMTP server in Settings → Email)"),
    "SMS is not configured (SMS_PROVIDER is empty; choose {providers})":
        QT_TRANSLATE_NOOP("CoreMessage", "SMS is not configured (choose an SMS provider in Settings → SMS)"),
    "Email is not configured: set SMTP_HOST":
        QT_TRANSLATE_NOOP("CoreMessage", "Email is not configured: enter the SMTP server in Settings → Email"),
    "SMTP_DEFAULT_USER is set but there is no password (secret smtp_password)":
        QT_TRANSLATE_NOOP("CoreMessage", "a login is set but there is no password: enter it in Settings → Email"),
    "Telegram is not configured: store the bot token (secret telegram_bot_token)":
        QT_TRANSLATE_NOOP("CoreMessage", "Telegram is not configured: save the bot token in Settings → Telegram"),
    "the server offers no STARTTLS on this port; credentials will not be sent in clear (check SMTP_PORT / "
    "SMTP_USE_SSL)":
        QT_TRANSLATE_NOOP("CoreMessage", "the server offers no STARTTLS on this port; credentials will not be sent "
                                         "in clear (check Port and Security in Settings → Email)"),
    "port {port} expects implicit TLS (SMTP_USE_SSL=1)":
        QT_TRANSLATE_NOOP("CoreMessage", "port {port} expects implicit TLS (choose it under Security in "
                                         "Settings → Email)"),
    "port {port} expects STARTTLS, not implicit TLS (SMTP_USE_SSL=0, SMTP_USE_TLS=1)":
        QT_TRANSLATE_NOOP("CoreMessage", "port {port} expects STARTTLS, not implicit TLS (choose STARTTLS under "
                                         "Security in Settings → Email)"),
    "SMS.ru does not accept the api_id: check the smsru_api_id secret":
        QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru does not accept the API key: check it in Settings → SMS"),
    "SMS.ru does not accept the api_id (wrong key, or the user does not exist)":
        QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru does not accept the API key (wrong key, or the user does not "
                                         "exist)"),
    "the sender name SMSRU_FROM is not approved by SMS.ru; clear it or get it approved":
        QT_TRANSLATE_NOOP("CoreMessage", "the sender name is not approved by SMS.ru; clear it in Settings → SMS or "
                                         "get it approved"),
    "SMS.ru requires an approved alphabetic sender name before anything can be sent: create one in the SMS.ru "
    "senders panel and put it in SMSRU_FROM":
        QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru requires an approved alphabetic sender name before anything can be "
                                         "sent: create one in the SMS.ru senders panel and enter it as the sender "
                                         "name in Settings → SMS"),
    "no SMS gateway API at this address: check ANDROID_SMS_URL ({said})":
        QT_TRANSLATE_NOOP("CoreMessage", "no SMS gateway API at this address: check the gateway address in "
                                         "Settings → SMS ({said})"),
    "the Android SMS gateway needs its address (ANDROID_SMS_URL, e.g. http://192.168.1.20:8080 or "
    "https://api.sms-gate.app/3rdparty/v1)":
        QT_TRANSLATE_NOOP("CoreMessage", "the Android SMS gateway needs its address: enter it in Settings → SMS "
                                         "(e.g. http://192.168.1.20:8080)"),
    "the Android SMS gateway needs its username (ANDROID_SMS_USER, shown in the app)":
        QT_TRANSLATE_NOOP("CoreMessage", "the Android SMS gateway needs its username (shown in the app): enter it "
                                         "in Settings → SMS"),
    "{env}={provider} is not a known provider ({providers})":
        QT_TRANSLATE_NOOP("CoreMessage", "{provider} is not a known SMS provider ({providers}): check {env}"),
    "TLS mode does not match the port (465 is implicit TLS: SMTP_USE_SSL=1; 587 is STARTTLS: SMTP_USE_TLS=1)":
        QT_TRANSLATE_NOOP("CoreMessage", "TLS mode does not match the port (465 is implicit TLS, 587 is STARTTLS): "
                                         "check Port and Security in Settings → Email"),
    "{what} is missing: store the secret {secret} in the settings (or set {env_name} for a headless run)":
        QT_TRANSLATE_NOOP("CoreMessage", "{what} is missing: enter it in {secret}"),
    "Twilio rejected the credentials: check TWILIO_ACCOUNT_SID and the twilio_auth_token secret (or the API key), "
    "and that the account is not suspended":
        QT_TRANSLATE_NOOP("CoreMessage", "Twilio rejected the credentials: check TWILIO_ACCOUNT_SID and "
                                         "twilio_auth_token (or the API key), and that the account is not suspended"),
    "the sender number TWILIO_FROM is not valid":
        QT_TRANSLATE_NOOP("CoreMessage", "the sender number is not valid: check TWILIO_FROM"),
    "the gateway refused the username/password: check ANDROID_SMS_USER and the {secret} secret against the app "
    "({said})":
        QT_TRANSLATE_NOOP("CoreMessage", "the gateway refused the username/password: compare ANDROID_SMS_USER and "
                                         "{secret} with the app ({said})"),
})

# Fields of the templates that hold a setting's name.
_SETTING_FIELDS = {"env", "secret"}
_FIELD = re.compile(r"\{(\w+)\}")


def _pattern(template: str) -> re.Pattern[str]:
    parts = _FIELD.split(template)  # literal, name, literal, name, ...
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(regex, re.DOTALL)


@functools.cache
def _compiled() -> tuple[tuple[re.Pattern[str], str], ...]:
    # Compiled on first use, not at import: ~80 patterns cost ~20 ms of the window's start-up,
    # and an English window never needs them.
    return tuple((_pattern(t), t) for t in TEMPLATES + LIBRARY_MESSAGES)


def from_wording(text: str, nested: Callable[[str], str], words: dict[str, tuple[str, ...]],
                 nested_fields: set[str]) -> str | None:
    """``text`` translated by the first template whose wording it has (None: no template);
    ``nested`` renders a field that holds another message, ``words`` lists fixed words."""
    for pattern, template in _compiled():
        m = pattern.fullmatch(text)
        if m is None or any(m.group(n) not in PLACES for n in _SETTING_FIELDS & m.groupdict().keys()):
            continue
        translated = QCoreApplication.translate(CONTEXT, WINDOW_WORDING.get(template, template))
        fields = {}
        for name, value in m.groupdict().items():
            if value in words.get(name, ()):  # a fixed word first ("the Twilio auth token" is a {what})
                value = QCoreApplication.translate(CONTEXT, value)
            elif name in nested_fields:
                value = nested(value)
            fields[name] = value  # a setting's name is placed with the rest of the text
        try:
            return translated.format(**fields)
        except (KeyError, IndexError, ValueError):  # a broken translation must not hide the message
            return text
    return None
