"""Placeholders in message texts: ``{name}``, ``{email}``, ``{phone}`` from the recipient.

Only these exact tokens are replaced; any other brace text stays as written, so a message
with a literal ``{`` never fails. A word in braces that is not one of them (``{nmae}``,
``{Name}``) is almost always a typo: :func:`unknown_placeholders` finds them, the CLI refuses
them and the window warns.
"""
from __future__ import annotations

import re

from .records import RecipientData

PLACEHOLDERS = ("name", "email", "phone")
_TOKEN = re.compile(r"\{(name|email|phone)\}")
# A word in braces (letters, digits, underscores; not starting with a digit): {"a": 1} or {1} are text.
_WORD_IN_BRACES = re.compile(r"\{([^\W\d]\w{0,39})\}")


def render(text: str, recipient: RecipientData) -> str:
    values = {"name": recipient.name, "email": recipient.email or "", "phone": recipient.phone or ""}
    return _TOKEN.sub(lambda m: values[m.group(1)], text)


def has_placeholders(text: str) -> bool:
    return bool(_TOKEN.search(text))


def unknown_placeholders(*texts: str) -> list[str]:
    """``{word}`` tokens in ``texts`` that are not placeholders, as written, without repeats."""
    found: dict[str, None] = {}
    for text in texts:
        for m in _WORD_IN_BRACES.finditer(text):
            if m.group(1) not in PLACEHOLDERS:
                found["{" + m.group(1) + "}"] = None
    return list(found)


def known_names() -> str:
    """``{name}, {email}, {phone}``: for messages that list them."""
    return ", ".join("{" + p + "}" for p in PLACEHOLDERS)
