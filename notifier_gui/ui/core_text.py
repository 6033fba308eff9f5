"""Messages from the core (errors, attempt details, check results) in the window's language.

The core does not import Qt. Its errors carry their message as data
(:class:`notifier_gui.core.messages.Msg`: a code, named parameters, and the English the log
and the CLI show); the window renders each code with its own template below (``CoreMessage``
context in the ``.ts``), fills in the parameters, and names a setting by its place in
Settings (setting_names.py) rather than by the environment variable the CLI's user sets.
Rewording a core message is one edit in the core; changing what the window says is one
template here and its translation.

Attempt details are messages too (core/delivery/details.py: the channels', the receipts'
and the state machine's templates); their window templates are in core_text_delivery.py.
The log gives each row's stored code and parameters back as a ``Msg``; a row stored before
the codes comes as plain English.

Text that reaches the window as a plain string (such an old row, a notification's
``last_error``, ``str(exc)``) is first read back by the English of the core's registered
templates (``messages.as_msg``); what the core still writes as plain text (see
core_text_english.py) falls back to recognising its wording there. tests/ui/test_core_text.py
and tests/test_attempt_details.py check that every code the core declares has a template
here, and that the templates use only the parameters the core gives.
"""
from __future__ import annotations

import functools
import re
from typing import Any, cast

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from ..core import config, messages, secrets, setting_rules, validation
from ..core.messages import Msg
from .core_text_delivery import DELIVERY_TEXT
from .core_text_english import CONTEXT, from_wording
from .setting_names import PLACES, place

# The modules whose templates a plain text is read back by: imported here, so reading back
# never depends on what else the window happened to import first. (settings_store, which the
# window loads only with the Settings dialog, declares its messages in config and secrets.)
# The attempt details' templates (core/delivery/details.py: the channels, with requests) are
# imported on the first read back (_templates_loaded), so importing this module (the compose
# preview does) loads no channel code.
TEMPLATE_MODULES = (config, secrets, setting_rules, validation)

# Field values that are themselves fixed English words of the core (in plain-text messages).
_WORDS = cast(dict[str, tuple[str, ...]], {
    "where": (QT_TRANSLATE_NOOP("CoreMessage", "connecting"), QT_TRANSLATE_NOOP("CoreMessage", "starting TLS"),
              QT_TRANSLATE_NOOP("CoreMessage", "logging in"), QT_TRANSLATE_NOOP("CoreMessage", "sending")),
    "field": (QT_TRANSLATE_NOOP("CoreMessage", "name"), QT_TRANSLATE_NOOP("CoreMessage", "email"),
              QT_TRANSLATE_NOOP("CoreMessage", "phone"), QT_TRANSLATE_NOOP("CoreMessage", "telegram_chat_id"),
              QT_TRANSLATE_NOOP("CoreMessage", "subject"), QT_TRANSLATE_NOOP("CoreMessage", "text"),
              QT_TRANSLATE_NOOP("CoreMessage", "channels"), QT_TRANSLATE_NOOP("CoreMessage", "recipient"),
              QT_TRANSLATE_NOOP("CoreMessage", "message"), QT_TRANSLATE_NOOP("CoreMessage", "user")),
    "mode": (QT_TRANSLATE_NOOP("CoreMessage", "implicit TLS"), "STARTTLS", QT_TRANSLATE_NOOP("CoreMessage", "no TLS")),
    "what": (QT_TRANSLATE_NOOP("CoreMessage", "the Twilio auth token"),
             QT_TRANSLATE_NOOP("CoreMessage", "the Android SMS gateway password"),
             QT_TRANSLATE_NOOP("CoreMessage", "the SMS.ru api_id")),
})  # QT_TRANSLATE_NOOP returns its text; PySide's stubs say object
# Fields of plain-text messages that hold another core message (translated in turn).
_NESTED = {"message", "when", "hint", "shown", "reason", "store", "what", "above"}
# Parameters that hold a setting's name (environment name or secret id): shown as its place.
_SETTING_PARAMS = {"env", "secret"}

# code -> the window's template; its {fields} are the core message's parameters.
WINDOW_TEXT = cast(dict[str, str], {
    "plain": "{text}",  # English from no template of ours: shown as written (or by its wording)
    "field": QT_TRANSLATE_NOOP("CoreMessage", "{field}: {message}"),
    # values (core/validation.py)
    "value.line_breaks": QT_TRANSLATE_NOOP("CoreMessage", "must not contain line breaks"),
    "value.controls": QT_TRANSLATE_NOOP("CoreMessage", "must not contain control characters"),
    "value.body_controls": QT_TRANSLATE_NOOP("CoreMessage", "must not contain control characters (only tab and "
                                                            "line breaks)"),
    "value.encoded_word": QT_TRANSLATE_NOOP("CoreMessage", "must not contain an encoded word (=?charset?Q?…?=) that "
                                                           "hides line breaks or control characters"),
    "value.bidi": QT_TRANSLATE_NOOP("CoreMessage", "must not contain bidirectional override characters"),
    "value.nul": QT_TRANSLATE_NOOP("CoreMessage", "must not contain NUL characters"),
    "value.empty": QT_TRANSLATE_NOOP("CoreMessage", "must not be empty"),
    "value.too_long": QT_TRANSLATE_NOOP("CoreMessage", "is longer than {count} characters"),
    "email.invalid": QT_TRANSLATE_NOOP("CoreMessage", "{value} is not a valid email address ({reason})"),
    "phone.not_a_number": QT_TRANSLATE_NOOP("CoreMessage", "{value} is not a phone number{hint}"),
    "phone.hint_region": QT_TRANSLATE_NOOP("CoreMessage", " (write it with the country code, e.g. +79161234567, or "
                                                          "choose a phone region in Settings → General)"),
    "phone.no_hint": "",
    "phone.invalid": QT_TRANSLATE_NOOP("CoreMessage", "{value} is not a valid phone number"),
    "telegram.chat_id": QT_TRANSLATE_NOOP("CoreMessage", "{value} is not a Telegram chat id (a whole number)"),
    "telegram.chat_id_range": QT_TRANSLATE_NOOP("CoreMessage", "{value} is outside the range of Telegram chat ids"),
    # settings (core/setting_rules.py, core/config.py, core/settings_store.py); {env} is the place in Settings
    "config.not_valid": QT_TRANSLATE_NOOP("CoreMessage", "{raw} is not a valid {what}: check {env}"),
    "config.what.number": QT_TRANSLATE_NOOP("CoreMessage", "number of 0 or more"),
    "config.what.yes_no": QT_TRANSLATE_NOOP("CoreMessage", "yes/no value (1 or 0)"),
    "config.what.whole_number": QT_TRANSLATE_NOOP("CoreMessage", "whole number"),
    "config.what.list": QT_TRANSLATE_NOOP("CoreMessage", "comma-separated list"),
    "config.what.number_list": QT_TRANSLATE_NOOP("CoreMessage", "comma-separated list of numbers of 0 or more"),
    "config.seconds": QT_TRANSLATE_NOOP("CoreMessage", "{env} must be a number {above} and at most {max}, got {value}"),
    "config.above.zero": QT_TRANSLATE_NOOP("CoreMessage", "above 0"),
    "config.above.zero_or_more": QT_TRANSLATE_NOOP("CoreMessage", "0 or more"),
    "config.seconds_list": QT_TRANSLATE_NOOP("CoreMessage", "{env} must be numbers of seconds from 0 to {max}"),
    "config.seconds_list.empty": QT_TRANSLATE_NOOP("CoreMessage", "{env} needs at least one number of seconds"),
    "settings.seconds_list.empty": QT_TRANSLATE_NOOP("CoreMessage", "give at least one number of seconds, e.g. 2, 10"),
    "config.channels": QT_TRANSLATE_NOOP("CoreMessage", "{env} must list some of {names}; got {got}"),
    "settings.channels.empty": QT_TRANSLATE_NOOP("CoreMessage", "choose at least one channel"),
    "config.channels.twice": QT_TRANSLATE_NOOP("CoreMessage", "{env} names a channel twice"),
    "config.keep_days": QT_TRANSLATE_NOOP("CoreMessage", "{env} must be at least 1 (or empty to keep everything), "
                                                         "got {value}"),
    "config.between": QT_TRANSLATE_NOOP("CoreMessage", "{env} must be between {low} and {high}, got {value}"),
    "config.at_least": QT_TRANSLATE_NOOP("CoreMessage", "{env} must be at least {low}"),
    "config.port": QT_TRANSLATE_NOOP("CoreMessage", "{env} must be a port number, got {value}"),
    "config.fraction": QT_TRANSLATE_NOOP("CoreMessage", "{env} must be between 0 and 1"),
    "config.choice": QT_TRANSLATE_NOOP("CoreMessage", "{env} must be {choices}, got {value}"),
    "config.not_empty": QT_TRANSLATE_NOOP("CoreMessage", "{env} must not be empty"),
    "config.folder": QT_TRANSLATE_NOOP("CoreMessage", "{env} must name a folder (INBOX if unsure)"),
    "settings.host": QT_TRANSLATE_NOOP("CoreMessage", "a host name only, without spaces, scheme or port (e.g. "
                                                      "smtp.example.org)"),
    "settings.http_url": QT_TRANSLATE_NOOP("CoreMessage", "must be an http:// or https:// address"),
    "config.file.unreadable": QT_TRANSLATE_NOOP("CoreMessage", "the settings file {path} cannot be read: {reason}"),
    "config.file.not_object": QT_TRANSLATE_NOOP("CoreMessage", "the settings file {path} must hold a JSON object"),
    "config.file.secret": QT_TRANSLATE_NOOP("CoreMessage", "{env} is a secret and must not be in {path}; remove it "
                                                           "from the file and enter it in Settings"),
    "config.secret_not_setting": QT_TRANSLATE_NOOP("CoreMessage", "{env} is a secret; it belongs in the credential "
                                                                  "store, not the settings file"),
    "config.unknown_setting": QT_TRANSLATE_NOOP("CoreMessage", "unknown setting {env}"),
    "config.env_file.missing": QT_TRANSLATE_NOOP("CoreMessage", "the .env file to read, {path}, is not a file"),
    # the credential store (core/secrets.py)
    "secrets.no_store": QT_TRANSLATE_NOOP("CoreMessage", "this computer has no credential store (no Secret Service "
                                                         "such as GNOME Keyring or KWallet is running)"),
    "secrets.use_environment": QT_TRANSLATE_NOOP("CoreMessage", "{store}: give the secrets in the environment or a "
                                                                ".env file instead"),
    "secrets.choose_passphrase": QT_TRANSLATE_NOOP("CoreMessage", "{store}: choose a passphrase in Settings to keep "
                                                                  "the secrets in an encrypted file, or give them in "
                                                                  "the environment or a .env file"),
    "secrets.file_locked": QT_TRANSLATE_NOOP("CoreMessage", "the secrets are in an encrypted file ({path}) and it is "
                                                            "locked: enter its passphrase in Settings"),
    "secrets.failed": QT_TRANSLATE_NOOP("CoreMessage", "the credential store ({backend}) {what}: {failure}"),
    "secrets.cannot_read": QT_TRANSLATE_NOOP("CoreMessage", "cannot be read"),
    "secrets.refused_save": QT_TRANSLATE_NOOP("CoreMessage", "refused to save {secret}"),
    "secrets.refused_delete": QT_TRANSLATE_NOOP("CoreMessage", "refused to delete {secret}"),
    "secrets.unknown": QT_TRANSLATE_NOOP("CoreMessage", "unknown secret {name}; known: {names}"),
    "secrets.empty": QT_TRANSLATE_NOOP("CoreMessage", "an empty secret cannot be stored; use delete"),
    "secrets.no_file": QT_TRANSLATE_NOOP("CoreMessage", "secrets are not kept in an encrypted file here"),
    "settings.secret_not_kept": QT_TRANSLATE_NOOP("CoreMessage", "the credential store did not keep {secret}; the "
                                                                 ".env files were left as they were"),
    "config.withheld": QT_TRANSLATE_NOOP("CoreMessage", "{path} changes {env} to {value} (otherwise {before}), so "
                                                        "the stored {secret} is not sent there; to use it, save the "
                                                        "setting in Settings"),
    "config.not_set": QT_TRANSLATE_NOOP("CoreMessage", "not set"),
    "settings.unknown": QT_TRANSLATE_NOOP("CoreMessage", "unknown or read-only setting {env}"),
    "settings.file_holds_secrets": QT_TRANSLATE_NOOP("CoreMessage", "{path} holds secrets; remove them from the file "
                                                                    "and enter them in Settings instead"),
    **DELIVERY_TEXT,  # attempt details (core/delivery/details.py)
})
# A template with no word of its own: only braces, spaces and punctuation around its fields.
_WORDLESS = re.compile(r"^(?:\{\w+(?:![rsa])?\}|[^\w{}])*$")
_EMPTY_CHOICE = cast(str, QT_TRANSLATE_NOOP("CoreMessage", "empty"))
_EITHER = cast(str, QT_TRANSLATE_NOOP("CoreMessage", "{some} or {last}"))

# Setting names left in a message's text or parameters: each becomes its place in Settings.
_PLACED = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, PLACES), key=len, reverse=True)) + r")\b")
# A template whose translation stands for the window's language (see core_text()).
_LANGUAGE_MARK = WINDOW_TEXT["value.empty"]
# What marks a plain message worth rewording in the English window too: a variable or secret name.
_NAMES = re.compile(r"[A-Z]{3,}_[A-Z_]{2,}|\bapi_id\b|" + _PLACED.pattern)


def core_text(text: str) -> str:
    """``text`` (a message of the core: a ``Msg`` or plain English) in the window's language."""
    if not text:
        return text
    if isinstance(text, Msg):
        return _PLACED.sub(_place, _rendered(text))
    # The translation of one template stands for the language: the cache stays right when
    # the translators change (the tests switch between Russian and English).
    return _translated(text, QCoreApplication.translate(CONTEXT, _LANGUAGE_MARK))


def _place(m: re.Match[str]) -> str:
    return place(m.group(0)) or m.group(0)


def _rendered(msg: Msg) -> str:
    template = WINDOW_TEXT.get(msg.code)
    if template is None or msg.code == "plain":  # English of no template (or one the window lacks: a test
        shown = from_wording(str(msg), core_text, _WORDS, _NESTED)  # fails): by its wording, else as written
        return str(msg) if shown is None else shown
    params: dict[str, Any] = {}
    for name, value in msg.shown_params().items():
        if isinstance(value, Msg):
            value = _rendered(value)
        elif name in _SETTING_PARAMS or (name == "field" and value in PLACES):
            value = place(value) or value
        elif value in _WORDS.get(name, ()):
            value = QCoreApplication.translate(CONTEXT, value)
        elif name in _NESTED:  # plain English inside (a library's reason): by its wording
            value = _plain(value)
        elif msg.code == "config.choice" and name == "choices":
            options = msg.params.get("options")
            if options is not None:
                value = _either([*options, *([QCoreApplication.translate(CONTEXT, _EMPTY_CHOICE)]
                                             if msg.params.get("empty") else [])])
        params[name] = value
    if not template:
        return ""
    try:
        return QCoreApplication.translate(CONTEXT, template).format(**params)
    except (KeyError, IndexError, ValueError):  # a broken translation must not hide the message
        return str(msg)


def _either(shown: list[str]) -> str:
    """``a, b or c`` in the window's language."""
    if len(shown) < 2:
        return "".join(shown)
    return QCoreApplication.translate(CONTEXT, _EITHER).format(some=", ".join(shown[:-1]), last=shown[-1])


def _plain(text: str) -> str:
    return _translated(text, QCoreApplication.translate(CONTEXT, _LANGUAGE_MARK))


def _accepts(msg: Msg) -> bool:
    """A plain text read back as ``msg`` only where the window has words for it and its setting
    fields hold setting names."""
    if msg.code not in WINDOW_TEXT or msg.code == "plain":
        return False
    if msg.code != "field" and _WORDLESS.search(msg.template.english):  # "{message} ({said})" would take any
        return False  # text with a parenthesis: only a template with words of its own reads plain text back
    params = msg.params
    if "field" in params and msg.code == "field":
        return params["field"] in PLACES or params["field"] in _WORDS["field"]
    return all(params[n] in PLACES for n in _SETTING_PARAMS & params.keys())


@functools.cache
def _templates_loaded() -> bool:
    from ..core.delivery import details  # noqa: F401  (registers every attempt detail's template)

    return True


def load_templates() -> None:
    """Import the modules whose templates read plain text back (the channels, with requests:
    ~0.7 s cold). The log calls this on a worker thread before its first page, so the GUI
    thread never pays it when it first shows a detail stored before the codes."""
    _templates_loaded()


@functools.lru_cache(maxsize=8192)
def _translated(text: str, language_mark: str) -> str:
    _templates_loaded()
    if language_mark == _LANGUAGE_MARK and not _NAMES.search(text):
        return text  # no translation installed: the core's English is the text, unless it names a variable
    # "field: message" first (as str(ValidationError) writes it), whose message would otherwise
    # be read as a whole by a template that begins with a value
    found = messages.as_msg(text, accept=lambda m: m.code == "field" and _accepts(m)) or \
        messages.as_msg(text, accept=_accepts)
    if found is not None:
        return _PLACED.sub(_place, _rendered_plain(found))
    shown = from_wording(text, core_text, _WORDS, _NESTED)
    return _PLACED.sub(_place, text if shown is None else shown)


def _rendered_plain(msg: Msg) -> str:
    """A message read back from its English: nested messages are plain text in turn."""
    params = dict(msg.params)
    for name, value in params.items():
        if value in _WORDS.get(name, ()):  # a fixed word ("the Twilio auth token" is a {what}), not a message
            continue
        if name in _NESTED or (msg.code == "field" and name == "message"):
            params[name] = messages.as_msg(value, accept=_accepts) or messages.PLAIN(text=value)
    return _rendered(Msg(msg.template, params, str(msg), shown=True))
