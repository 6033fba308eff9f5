"""Sandbox mode: each channel writes what it would send into ``<data dir>/outbox/<channel>/``.

Email is written as the real ``.eml`` the email channel would submit; SMS and Telegram as
JSON with the destination and text. The address rules are the real channels' rules, so a
recipient without a phone still shows SMS as unavailable and the chain falls through.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import replace
from pathlib import Path

from ...config import Settings
from ...messages import Template
from .base import Channel, Message, Sent, address_reason
from .email import build_email

WRITTEN = Template("sandbox.written", "sandbox: written to {path}")  # the attempt's detail (core/messages.py)


class OutboxChannel(Channel):
    def __init__(self, name: str, settings: Settings) -> None:
        self.name = name  # type: ignore[misc]
        self.settings = settings
        self.folder = settings.outbox_dir / name

    def unavailable_reason(self, msg: Message) -> str | None:
        return address_reason(self.name, msg)

    def _write(self, msg: Message, suffix: str, data: bytes) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = self.folder / f"{stamp}-n{msg.notification_id}-{time.monotonic_ns() % 10**9}{suffix}"
        tmp = path.with_suffix(suffix + ".tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        return path

    def send(self, msg: Message) -> Sent:
        r = msg.recipient
        if self.name == "email":
            settings = self.settings
            if not (settings.from_email or settings.smtp_user):
                settings = replace(settings, from_email="Notifier sandbox <sandbox@notifier.invalid>")
            em = build_email(settings, msg)
            path = self._write(msg, ".eml", em.as_bytes())
        else:
            payload = {
                "channel": self.name,
                "notification_id": msg.notification_id,
                "to": r.phone if self.name == "sms" else r.telegram_chat_id,
                "recipient": r.name,
                "text": msg.body,
            }
            path = self._write(msg, ".json", json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8"))
        return Sent(provider_message_id=path.name, detail=WRITTEN(path=str(path)))
