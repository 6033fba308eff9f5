"""Shared result type for the "Test connection" checks of the delivery channels.

Kept in its own tiny module so every channel helper (SMTP, SMS, Telegram) can
import it without pulling in another channel's dependencies.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckResult:
    """Outcome of a connectivity/credential check, phrased for the operator."""

    ok: bool
    message: str
