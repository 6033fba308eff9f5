"""Input validation shared by the CLI, CSV import and the window.

Every function returns the normalised value or raises ValidationError with a message an
operator can act on (it names the field and what is wrong).
"""
from __future__ import annotations

import base64
import binascii
import quopri
import re

from .messages import Msg, Template

MAX_SUBJECT = 998 - len("Subject: ")  # RFC 5322 line limit
MAX_BODY = 100_000
MAX_NAME = 200
TELEGRAM_ID_MIN = -(2**63)
TELEGRAM_ID_MAX = 2**63 - 1


# "field: message", as str(ValidationError) writes it.
FIELD_MESSAGE = Template("field", "{field}: {message}")
LINE_BREAKS = Template("value.line_breaks", "must not contain line breaks")
CONTROLS = Template("value.controls", "must not contain control characters")
BODY_CONTROLS = Template("value.body_controls", "must not contain control characters (only tab and line breaks)")
ENCODED_WORD = Template("value.encoded_word", "must not contain an encoded word (=?charset?Q?…?=) that hides "
                                              "line breaks or control characters")
BIDI = Template("value.bidi", "must not contain bidirectional override characters")
NUL = Template("value.nul", "must not contain NUL characters")
EMPTY = Template("value.empty", "must not be empty")
TOO_LONG = Template("value.too_long", "is longer than {count} characters")
NOT_EMAIL = Template("email.invalid", "{value!r} is not a valid email address ({reason})")
NOT_PHONE = Template("phone.not_a_number", "{value!r} is not a phone number{hint}")
PHONE_HINT = Template("phone.hint_region", " (write it with the country code, e.g. +79161234567, or set "
                                           "NOTIFIER_PHONE_REGION)")
NO_HINT = Template("phone.no_hint", "")
INVALID_PHONE = Template("phone.invalid", "{value!r} is not a valid phone number")
NOT_CHAT_ID = Template("telegram.chat_id", "{value!r} is not a Telegram chat id (a whole number)")
CHAT_ID_RANGE = Template("telegram.chat_id_range", "{value!r} is outside the range of Telegram chat ids")


class ValidationError(ValueError):
    """``field`` (a recipient's or message's field, or a setting's name) is wrong: ``message``
    says how (a :class:`Msg` from here; other modules may still pass plain English)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(FIELD_MESSAGE(field=field, message=message))
        self.field = field
        self.message = message

    @property
    def msg(self) -> Msg:
        """The whole message, "field: message", as data."""
        found = self.args[0]
        assert isinstance(found, Msg)
        return found


# C0 and C1 control characters and DEL. Tab and newline are allowed in message bodies only.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_HEADER_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Bidirectional overrides and isolates: they make a name display as something else
# ("Trojan Source"); a name has no use for them.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# An RFC 2047 encoded word: =?charset?Q|B?text?=. The email package decodes these in a
# header value and (before CPython 3.11.10 / 3.12.5) writes what they decode to back out
# raw: an encoded CR LF becomes a real line break, i.e. a new header or a new body.
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=")


def _decoded_words(value: str) -> list[str]:
    """The texts the RFC 2047 encoded words in ``value`` decode to (undecodable ones as found)."""
    out = []
    for charset, kind, payload in _ENCODED_WORD.findall(value):
        try:
            if kind in "Qq":
                raw = quopri.decodestring(payload.encode("ascii", "replace"), header=True)
            else:
                raw = base64.b64decode(payload + "=" * (-len(payload) % 4))
        except (binascii.Error, ValueError):
            out.append(payload)
            continue
        try:
            out.append(raw.decode(charset.split("*")[0], "replace"))
        except LookupError:  # an unknown charset: its bytes still show a CR or LF
            out.append(raw.decode("latin-1"))
    return out


def _no_line_breaks(field: str, value: str) -> None:
    # str.splitlines() boundaries are what the email package refuses in headers.
    if len(value.splitlines()) > 1 or any(c in value for c in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        raise ValidationError(field, LINE_BREAKS())
    if _HEADER_CONTROL.search(value):
        raise ValidationError(field, CONTROLS())
    for decoded in _decoded_words(value):
        if _HEADER_CONTROL.search(decoded) or len(decoded.splitlines()) > 1:
            raise ValidationError(field, ENCODED_WORD())


def no_bidi(field: str, value: str) -> None:
    if _BIDI.search(value):
        raise ValidationError(field, BIDI())


def email(value: str, field: str = "email") -> str:
    # email-validator and phonenumbers are imported on first use: they cost ~60 ms at
    # start-up, and the window's first paint does not validate anything.
    from email_validator import EmailNotValidError, validate_email

    value = value.strip()
    _no_line_breaks(field, value)
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(field, NOT_EMAIL(value=value, reason=str(exc))) from None
    # The domain in its ASCII (IDNA A-label, xn--…) form: that is what goes on the wire and
    # needs no SMTP extension. Only a non-ASCII local part still needs SMTPUTF8 (see
    # needs_smtputf8); email-validator's ``normalized`` would give the Unicode domain.
    return f"{result.local_part}@{result.ascii_domain}"


def needs_smtputf8(address: str) -> bool:
    """A stored address whose local part (before the @) is not ASCII: deliverable only by
    servers that offer SMTPUTF8 (RFC 6531)."""
    return not address.rpartition("@")[0].isascii()


def phone(value: str, region: str = "", field: str = "phone") -> str:
    """Return E.164 (+79161234567). Without a + prefix, ``region`` (e.g. 'RU') is needed."""
    import phonenumbers

    raw = value.strip()
    _no_line_breaks(field, raw)
    try:
        parsed = phonenumbers.parse(raw, region.upper() or None)
    except phonenumbers.NumberParseException:
        hint = NO_HINT() if region else PHONE_HINT()
        raise ValidationError(field, NOT_PHONE(value=raw, hint=hint)) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(field, INVALID_PHONE(value=raw))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def telegram_chat_id(value: str | int, field: str = "telegram_chat_id") -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationError(field, NOT_CHAT_ID(value=value)) from None
    if not TELEGRAM_ID_MIN <= number <= TELEGRAM_ID_MAX or number == 0:
        raise ValidationError(field, CHAT_ID_RANGE(value=value))
    return number


def name(value: str, field: str = "name") -> str:
    value = value.strip()
    if not value:
        raise ValidationError(field, EMPTY())
    _no_line_breaks(field, value)
    no_bidi(field, value)
    if len(value) > MAX_NAME:
        raise ValidationError(field, TOO_LONG(count=MAX_NAME))
    return value


def subject(value: str, field: str = "subject") -> str:
    _no_line_breaks(field, value)
    value = value.strip()
    if len(value) > MAX_SUBJECT:
        raise ValidationError(field, TOO_LONG(count=MAX_SUBJECT))
    return value


def message(value: str, field: str = "message") -> str:
    if not value or not value.strip():
        raise ValidationError(field, EMPTY())
    if "\x00" in value:
        raise ValidationError(field, NUL())
    if _CONTROL.search(value.replace("\r\n", "\n").replace("\r", "\n")):
        raise ValidationError(field, BODY_CONTROLS())
    if len(value) > MAX_BODY:
        raise ValidationError(field, TOO_LONG(count=MAX_BODY))
    return value


def header_value(value: str, field: str) -> str:
    """Any value that ends up in a header or an SMTP command (logins, addresses)."""
    _no_line_breaks(field, value)
    return value.strip()


def escape_for_terminal(text: str) -> str:
    """``text`` with control and bidi characters shown as escapes, safe to print to a terminal.

    Stored values are validated, but older rows, files and servers' replies may carry
    anything: an ESC sequence printed raw can rewrite the screen or the window title.
    """
    def esc(m: re.Match[str]) -> str:
        c = m.group(0)
        return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"

    return _TERMINAL_UNSAFE.sub(esc, text)


_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
