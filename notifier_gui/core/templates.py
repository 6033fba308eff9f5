"""Placeholders in message texts: ``{name}``, ``{email}``, ``{phone}`` from the recipient.

Only these exact tokens are replaced; any other brace text stays as written, so a message
with a literal ``{`` never fails.
"""
from __future__ import annotations

import re

from .storage.repository import RecipientData

PLACEHOLDERS = ("name", "email", "phone")
_TOKEN = re.compile(r"\{(name|email|phone)\}")


def render(text: str, recipient: RecipientData) -> str:
    values = {"name": recipient.name, "email": recipient.email or "", "phone": recipient.phone or ""}
    return _TOKEN.sub(lambda m: values[m.group(1)], text)


def has_placeholders(text: str) -> bool:
    return bool(_TOKEN.search(text))
