"""Attempt details as messages of the core (core/messages.py), for the faces that show them.

Every detail the core writes onto an attempt (a channel's :class:`~.errors.DeliveryError`,
a skip reason, the state machine's and the dispatcher's own words, a delivery report) is
made from a :class:`~notifier_gui.core.messages.Template` declared in the module that says
it (a ``messages`` section at its top). The English goes to ``attempts.detail`` (the log of
record, search, ``notifier show``); its code and parameters go beside it (``detail_code``,
``detail_params``; ``receipt_*`` for the report). :func:`attempt_detail` gives a stored
detail back as the message it was made from, for the window to render by code.

Importing this module registers every template an attempt detail can be made from
(:data:`TEMPLATE_MODULES`), so a code read from the database is always known here.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from ..messages import Template, from_stored
from ..records import AttemptRow
from . import bounces, dispatcher, receipts, states
from .channels import base, botapi, email, email_message, outbox, smtp_transport, telegram
from .channels.sms import android, channel, http, provider, smsru, twilio

# The modules that declare the templates of attempt details (tests/test_attempt_details.py
# walks them: every code has a translation in the window).
TEMPLATE_MODULES = (states, dispatcher, receipts, bounces, base, outbox, email, email_message, smtp_transport, botapi,
                    telegram, channel, provider, http, android, smsru, twilio)


def templates() -> dict[str, Template]:
    """Every template declared by :data:`TEMPLATE_MODULES`, by code (tables of them included)."""
    found: dict[str, Template] = {}
    for module in TEMPLATE_MODULES:
        for value in vars(module).values():
            for item in value.values() if isinstance(value, dict) else (value,):
                for t in item if isinstance(item, tuple) else (item,):
                    if isinstance(t, Template):
                        found[t.code] = t
    return found


def attempt_detail(row: AttemptRow | Mapping[str, Any], part: Literal["detail", "receipt"] = "detail") -> str:
    """An attempt's detail (or its receipt detail) as the message it was made from: a
    :class:`~notifier_gui.core.messages.Msg` where its code was stored, else its English as
    written (a row older than the codes; the window reads it back by the templates' English)."""
    get = row.get if isinstance(row, Mapping) else lambda name: getattr(row, name)
    english = get(f"{part}_detail" if part == "receipt" else "detail") or ""
    code = get(f"{part}_code")
    if code is None or not english:
        return english
    return from_stored(english, code, get(f"{part}_params"))
