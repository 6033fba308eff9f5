"""The details pane's text: the whole story of one notification, in the operator's language."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject

from ...core.delivery.details import attempt_detail
from ..core_text import core_text
from ..timefmt import format_datetime, format_time


class Timeline(QObject):
    """``text(info)`` for :meth:`Store.notification`'s answer; ``outcome_name`` names an outcome
    as the table does."""

    def __init__(self, outcome_name: Callable[[str], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._outcome_name = outcome_name

    def text(self, info: dict[str, Any]) -> str:
        states = {"queued": self.tr("queued"), "sending": self.tr("sending"), "delivered": self.tr("delivered"),
                  "failed": self.tr("failed"), "cancelled": self.tr("cancelled")}
        lines = [self.tr("Notification #%1 to %2").replace("%1", str(info["id"])).replace("%2", info["recipient_name"]),
                 self.tr("State: %1").replace("%1", states.get(info["state"], info["state"]))
                 + (f" ({info['delivered_via']})" if info["delivered_via"] else "")]
        lines.extend(self._receipt_lines(info))
        if info.get("subject"):
            lines.append(self.tr("Subject: %1").replace("%1", info["subject"]))
        lines.append(self.tr("Channels: %1").replace("%1", " → ".join(info["channels"])))
        if info.get("next_attempt_at"):
            lines.append(self.tr("Next try: %1").replace("%1", format_datetime(info["next_attempt_at"])))
        if info.get("last_error"):
            lines.append(self.tr("Gave up: %1").replace("%1", core_text(info["last_error"])))
        lines.append("")
        for a in info["attempts"]:
            outcome = self._outcome_name(a["outcome"] or "sending")
            lines.append(f"{format_time(a['started_at'])}  {a['channel']:<9} {outcome}")
            if a["detail"]:
                lines.append(f"          {core_text(attempt_detail(a))}")
            if a.get("provider_message_id"):  # what the operator searches for in the server's log
                lines.append("          " + self.tr("Message id: %1").replace("%1", a["provider_message_id"]))
            if a.get("receipt_at"):  # the second stage: accepted -> confirmed / undelivered
                lines.append(self._second_stage(a))
        return "\n".join(lines)

    def _receipt_lines(self, info: dict[str, Any]) -> list[str]:
        """How it was delivered, or that it waits for a delivery report."""
        how = {"confirmed by the handset": self.tr("confirmed by the handset"),
               "accepted by Telegram": self.tr("accepted by Telegram"),
               "no bounce within the confirmation window": self.tr("no bounce within the confirmation window"),
               "accepted by the mail server": self.tr("accepted by the mail server"),
               "accepted by the SMS provider": self.tr("accepted by the SMS provider")}
        if info.get("delivered_how"):
            return ["  " + how.get(info["delivered_how"], info["delivered_how"])]
        if info.get("awaiting_receipt"):
            return [self.tr("Accepted; waiting for the delivery report until %1").replace(
                "%1", info.get("next_attempt_at") or "")]
        return []

    def _second_stage(self, a: dict[str, Any]) -> str:
        took = (datetime.fromisoformat(a["receipt_at"])
                - datetime.fromisoformat(a["finished_at"] or a["receipt_at"])).total_seconds()
        text = (self.tr("%1  accepted → %2 after %3 s")
                .replace("%1", a["receipt_at"][11:19])
                .replace("%2", self._outcome_name(a["outcome"]))
                .replace("%3", f"{took:.0f}"))
        if a.get("receipt_detail"):
            text += "\n          " + core_text(attempt_detail(a, "receipt"))
        return text
