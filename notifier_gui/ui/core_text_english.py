"""The bounded fallback of :mod:`notifier_gui.ui.core_text`: core messages that still reach the
window as plain English, recognised by their wording.

Attempt details do not come here: they are messages with codes (core/delivery/details.py,
rendered by core_text_delivery.py), and a row stored before the codes is read back by the
English of those templates (``messages.as_msg``). What still comes this way is what the
core still writes as plain text, in modules outside the delivery package: the connection
checks' own sentences (core/checks.py), the recipients' storage and CSV import sentences,
the SMS provider registry's complaint — and one wording of Twilio's answers that rows stored
before the codes hold, which the template that replaced it has no fixed words to recognise.
Each template below is the core's own format string with its fields named; a message that
matches one is shown translated (``CoreMessage`` context in the ``.ts``), with the fields
filled in from the message; tests/ui/test_core_text.py checks that every template still is
made of the core's words. A message that matches none is shown as written.
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
    # connection checks (core/checks.py: Settings → Test connection); these first: "Connected to …"'s
    # {mode} would take the rest
    QT_TRANSLATE_NOOP("CoreMessage", "{message} (EMAIL_CONFIRM_TIMEOUT is 0: bounces are not waited for)"),
    QT_TRANSLATE_NOOP("CoreMessage", "{message}; bounce mailbox {user} at {address}, folder {folder} ({count} "
                                     "messages)"),
    QT_TRANSLATE_NOOP("CoreMessage", "{message}; the bounce mailbox: {reason}"),
    QT_TRANSLATE_NOOP("CoreMessage", "{message}; the server does not offer SMTPUTF8 (addresses with non-ASCII before "
                                     "the @ cannot be sent)"),
    QT_TRANSLATE_NOOP("CoreMessage", "Connected to {address} ({mode}, logged in as {user})"),
    QT_TRANSLATE_NOOP("CoreMessage", "Connected to {address} ({mode})"),
    QT_TRANSLATE_NOOP("CoreMessage", "Email is not configured: set SMTP_HOST"),
    QT_TRANSLATE_NOOP("CoreMessage", "Telegram is not configured: store the bot token (secret telegram_bot_token)"),
    # recipients (storage, import: core/recipients.py, core/storage/reads.py)
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
    # {env} is a setting's environment name, shown as its place in Settings (core/sms_providers.py)
    QT_TRANSLATE_NOOP("CoreMessage", "{env}={provider} is not a known provider ({providers})"),
    # the SMS.ru connection check (a check result, not an attempt detail)
    QT_TRANSLATE_NOOP("CoreMessage", "no sender name set (SMSRU_FROM); new SMS.ru accounts must register one before "
                                     "sending"),
    # Twilio's answers in rows stored before the codes ("<meaning> (Twilio <code>: <its text>)")
    QT_TRANSLATE_NOOP("CoreMessage", "{message} (Twilio {said})"),
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
    "Email is not configured: set SMTP_HOST":
        QT_TRANSLATE_NOOP("CoreMessage", "Email is not configured: enter the SMTP server in Settings → Email"),
    "Telegram is not configured: store the bot token (secret telegram_bot_token)":
        QT_TRANSLATE_NOOP("CoreMessage", "Telegram is not configured: save the bot token in Settings → Telegram"),
    "{env}={provider} is not a known provider ({providers})":
        QT_TRANSLATE_NOOP("CoreMessage", "{provider} is not a known SMS provider ({providers}): check {env}"),
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
