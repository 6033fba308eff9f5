"""What a setting's value may be, declared once beside the setting (``config.Settings``).

Each setting's field metadata carries its environment name, its help, and a tuple of rules
from here. The same rules check a loaded configuration (``config._check``, any face), the
Settings dialog's values before saving (``settings_store.validate``), and are listed in the
README's table is checked against the declarations (tests/test_settings_declared.py). A rule answers with a
:class:`~notifier_gui.core.messages.Msg` (code + parameters) or None; the error that carries
it names its setting by key, so no face parses the text to find the field.

Some rules hold only for what the operator saves from the window (``on_load=False``): an
existing ``.env`` of the original service keeps loading as before, but the dialog does not
save a host with a port in it.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .messages import PLAIN, Msg, Template

MAX_SECONDS = 366 * 86400  # longer waits and lifetimes overflow date arithmetic or never end in practice

# -- the words (codes are stable; the English may be reworded here alone) -------------------
NOT_VALID = Template("config.not_valid", "{env}={raw!r} is not a valid {what}")
# what a value should have been (the {what} of NOT_VALID)
A_NUMBER = Template("config.what.number", "number of 0 or more")
A_YES_NO = Template("config.what.yes_no", "yes/no value (1 or 0)")
A_WHOLE_NUMBER = Template("config.what.whole_number", "whole number")
A_LIST = Template("config.what.list", "comma-separated list")
A_NUMBER_LIST = Template("config.what.number_list", "comma-separated list of numbers of 0 or more")
SECONDS = Template("config.seconds", "{env} must be a number {above} and at most {max}, got {value!r}")
ABOVE_ZERO = Template("config.above.zero", "above 0")
ZERO_OR_MORE = Template("config.above.zero_or_more", "0 or more")
SECONDS_LIST = Template("config.seconds_list", "{env} must be numbers of seconds from 0 to {max}")
SECONDS_LIST_EMPTY = Template("config.seconds_list.empty", "{env} needs at least one number of seconds")
# the Settings dialog's wording of the same (its field takes "2, 10")
SECONDS_LIST_EMPTY_FORM = Template("settings.seconds_list.empty", "give at least one number of seconds, e.g. 2, 10")
CHANNELS = Template("config.channels", "{env} must list some of {names}; got {got}")
CHANNELS_EMPTY_FORM = Template("settings.channels.empty", "choose at least one channel")
CHANNEL_TWICE = Template("config.channels.twice", "{env} names a channel twice")
KEEP_DAYS = Template("config.keep_days", "{env} must be at least 1 (or empty to keep everything), got {value}")
BETWEEN = Template("config.between", "{env} must be between {low} and {high}, got {value}")
AT_LEAST = Template("config.at_least", "{env} must be at least {low}")
PORT = Template("config.port", "{env} must be a port number, got {value}")
FRACTION = Template("config.fraction", "{env} must be between 0 and 1")
CHOICE = Template("config.choice", "{env} must be {choices}, got {value!r}")
NOT_EMPTY = Template("config.not_empty", "{env} must not be empty")
FOLDER = Template("config.folder", "{env} must name a folder (INBOX if unsure)")
HOST = Template("settings.host", "a host name only, without spaces, scheme or port (e.g. smtp.example.org)")
HTTP_URL = Template("settings.http_url", "must be an http:// or https:// address")


class Rule:
    """One condition on a setting's (typed) value."""

    on_load = True  # False: checked only for what the Settings dialog saves

    def check(self, env: str, value: Any, editing: bool) -> Msg | None:
        raise NotImplementedError


@dataclass(frozen=True)
class Seconds(Rule):
    """A number of seconds: above 0 (``positive``) or 0 or more, and at most MAX_SECONDS."""

    positive: bool

    def check(self, env: str, value: Any, editing: bool) -> Msg | None:
        low_ok = value > 0 if self.positive else value >= 0
        if math.isfinite(value) and low_ok and value <= MAX_SECONDS:
            return None
        return SECONDS(env=env, above=(ABOVE_ZERO if self.positive else ZERO_OR_MORE)(), max=MAX_SECONDS, value=value)


@dataclass(frozen=True)
class SecondsList(Rule):
    """At least one number of seconds, each from 0 to MAX_SECONDS."""

    def check(self, env: str, value: Any, editing: bool) -> Msg | None:
        if any(not (math.isfinite(b) and 0 <= b <= MAX_SECONDS) for b in value):
            return SECONDS_LIST(env=env, max=MAX_SECONDS)
        if not value:
            return SECONDS_LIST_EMPTY_FORM(env=env) if editing else SECONDS_LIST_EMPTY(env=env)
        return None


@dataclass(frozen=True)
class Between(Rule):
    low: int
    high: int
    template: Template = BETWEEN

    def check(self, env: str, value: Any, editing: bool) -> Msg | None:
        if self.low <= value <= self.high:
            return None
        return self.template(env=env, low=self.low, high=self.high, value=value)


def port(low: int = 1) -> Between:
    return Between(low, 65535, PORT)


@dataclass(frozen=True)
class AtLeast(Rule):
    """At least ``low``; with ``optional``, None (empty) is allowed too."""

    low: int
    optional: bool = False

    def check(self, env: str, value: Any, editing: bool) -> Msg | None:
        if value is None and self.optional:
            return None
        if value >= self.low:
            return None
        return KEEP_DAYS(env=env, value=value) if self.optional else AT_LEAST(env=env, low=self.low)


@dataclass(frozen=True)
class Fraction(Rule):
    def check(self, env: str, value: Any, editing: bool) -> Msg | None:
        return None if 0 <= value < 1 else FRACTION(env=env)


@dataclass(frozen=True)
class Choice(Rule):
    """One of ``options`` (a callable, so a registry can supply them when asked)."""

    options: Callable[[], Sequence[str]]
    empty: bool = False  # "" allowed as well (off, plain text)

    def check(self, env: str, value: Any, editing: bool) -> Msg | None:
        options = tuple(self.options())
        if value in options or (self.empty and value == ""):
            return None
        return CHOICE(env=env, choices=_either(options, self.empty), options=options, empty=self.empty, value=value)


def _either(options: Sequence[str], empty: bool) -> str:
    """``a, b or c`` (the English of CHOICE; the window lists ``options`` itself)."""
    shown = [*options, "empty"] if empty else list(options)
    return ", ".join(shown[:-1]) + " or " + shown[-1] if len(shown) > 1 else "".join(shown)


@dataclass(frozen=True)
class Channels(Rule):
    """Distinct names from ``names``, at least one."""

    names: tuple[str, ...]

    def check(self, env: str, value: Any, editing: bool) -> Msg | None:
        if not value and editing:
            return CHANNELS_EMPTY_FORM(env=env)
        if not value or any(c not in self.names for c in value):
            return CHANNELS(env=env, names=", ".join(self.names), got=",".join(value) or "nothing")
        if len(set(value)) != len(value):
            return CHANNEL_TWICE(env=env)
        return None


@dataclass(frozen=True)
class NotBlank(Rule):
    template: Template = NOT_EMPTY

    def check(self, env: str, value: Any, editing: bool) -> Msg | None:
        return None if str(value).strip() else self.template(env=env)


@dataclass(frozen=True)
class HeaderSafe(Rule):
    """Goes into a mail header or an SMTP/IMAP command: no line breaks, controls or bidi overrides."""

    def check(self, env: str, value: Any, editing: bool) -> Msg | None:
        from . import validation

        try:
            validation.header_value(value, env)
            validation.no_bidi(env, value)
        except validation.ValidationError as exc:
            return validation.FIELD_MESSAGE(field=env, message=exc.message)
        return None


@dataclass(frozen=True)
class Host(Rule):
    on_load = False

    def check(self, env: str, value: Any, editing: bool) -> Msg | None:
        host = str(value or "")
        if host and (any(c.isspace() for c in host) or "/" in host or (":" in host and not host.startswith("["))):
            return HOST(env=env)
        return None


@dataclass(frozen=True)
class HttpUrl(Rule):
    on_load = False
    optional: bool = False  # True: empty means "not set up" (the Android gateway's address)

    def check(self, env: str, value: Any, editing: bool) -> Msg | None:
        url = str(value or "")
        if self.optional and not url.strip():
            return None
        parts = urlsplit(url.strip())
        if parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c.isspace() for c in url):
            return None
        return HTTP_URL(env=env)


@dataclass(frozen=True)
class EmailAddress(Rule):
    """An address, optionally ``Name <addr>``."""

    on_load = False

    def check(self, env: str, value: Any, editing: bool) -> Msg | None:
        from email.utils import parseaddr

        from . import validation

        text = str(value or "")
        if not text:
            return None
        _name, addr = parseaddr(text)
        try:
            validation.email(addr or text, env)
        except validation.ValidationError as exc:
            return exc.message if isinstance(exc.message, Msg) else PLAIN(text=exc.message)
        return None


def first_problem(rules: Sequence[Rule], env: str, value: Any, editing: bool) -> Msg | None:
    """The first rule ``value`` breaks (only the load-time rules unless ``editing``)."""
    for rule in rules:
        if editing or rule.on_load:
            found = rule.check(env, value, editing)
            if found is not None:
                return found
    return None
