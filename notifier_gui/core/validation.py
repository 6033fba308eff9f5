"""Input validation shared by the CLI, CSV import and the window.

Every function returns the normalised value or raises ValidationError with a message an
operator can act on (it names the field and what is wrong).
"""
from __future__ import annotations

MAX_SUBJECT = 998 - len("Subject: ")  # RFC 5322 line limit
MAX_BODY = 100_000
MAX_NAME = 200
TELEGRAM_ID_MIN = -(2**63)
TELEGRAM_ID_MAX = 2**63 - 1


class ValidationError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _no_line_breaks(field: str, value: str) -> None:
    # str.splitlines() boundaries are what the email package refuses in headers.
    if len(value.splitlines()) > 1 or any(c in value for c in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        raise ValidationError(field, "must not contain line breaks")


def email(value: str, field: str = "email") -> str:
    # email-validator and phonenumbers are imported on first use: they cost ~60 ms at
    # start-up, and the window's first paint does not validate anything.
    from email_validator import EmailNotValidError, validate_email

    value = value.strip()
    _no_line_breaks(field, value)
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(field, f"{value!r} is not a valid email address ({exc})") from None
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
        hint = "" if region else " (write it with the country code, e.g. +79161234567, or set NOTIFIER_PHONE_REGION)"
        raise ValidationError(field, f"{raw!r} is not a phone number{hint}") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(field, f"{raw!r} is not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def telegram_chat_id(value: str | int, field: str = "telegram_chat_id") -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationError(field, f"{value!r} is not a Telegram chat id (a whole number)") from None
    if not TELEGRAM_ID_MIN <= number <= TELEGRAM_ID_MAX or number == 0:
        raise ValidationError(field, f"{value!r} is outside the range of Telegram chat ids")
    return number


def name(value: str, field: str = "name") -> str:
    value = value.strip()
    if not value:
        raise ValidationError(field, "must not be empty")
    _no_line_breaks(field, value)
    if len(value) > MAX_NAME:
        raise ValidationError(field, f"is longer than {MAX_NAME} characters")
    return value


def subject(value: str, field: str = "subject") -> str:
    _no_line_breaks(field, value)
    value = value.strip()
    if len(value) > MAX_SUBJECT:
        raise ValidationError(field, f"is longer than {MAX_SUBJECT} characters")
    return value


def message(value: str, field: str = "message") -> str:
    if not value or not value.strip():
        raise ValidationError(field, "must not be empty")
    if "\x00" in value:
        raise ValidationError(field, "must not contain NUL characters")
    if len(value) > MAX_BODY:
        raise ValidationError(field, f"is longer than {MAX_BODY} characters")
    return value


def header_value(value: str, field: str) -> str:
    """Any value that ends up in a header or an SMTP command (logins, addresses)."""
    _no_line_breaks(field, value)
    return value.strip()
