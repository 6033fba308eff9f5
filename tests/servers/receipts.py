"""Scripted delivery reports shared by the SMS imitations: per phone number, what the
provider reports later — delivered, undelivered (with the provider's code) after a delay,
or never anything final."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

Fate = Literal["delivered", "undelivered", "never"]


@dataclass(frozen=True)
class Script:
    fate: Fate
    after: float = 0.0  # seconds after the message was accepted
    code: int | None = None  # the provider's failure code for "undelivered"


class Reports:
    """phone -> Script; :meth:`fate` answers what to report for a message now."""

    def __init__(self) -> None:
        self.scripts: dict[str, Script] = {}

    def set(self, phone: str, fate: Fate, after: float = 0.0, code: int | None = None) -> None:
        self.scripts[phone] = Script(fate, after, code)

    def now(self, phone: str, created: float) -> Script | None:
        """The final script once its delay passed; ``Script("never")`` while in transit;
        None for a number without a script (the imitation's old behaviour)."""
        script = self.scripts.get(phone)
        if script is None:
            return None
        if script.fate == "never" or time.monotonic() - created < script.after:
            return Script("never")
        return script
