"""What the SMS provider tests (SMS.ru, Twilio, Android gateway) share."""
from __future__ import annotations

import socket

from notifier_gui.core.config import Settings
from notifier_gui.core.delivery.channels.base import Message
from notifier_gui.core.delivery.channels.sms.channel import SmsChannel, build_sms
from notifier_gui.core.delivery.pacing import Pacers
from notifier_gui.core.records import RecipientData
from notifier_gui.core.secrets import CredentialStore

PHONE = "+79161234567"


def sms_message(phone: str | None = PHONE, subject: str = "Disk", body: str = "almost full", n: int = 1) -> Message:
    """Notification ``n`` to Анна at ``phone`` (None: she has no phone)."""
    return Message(notification_id=n, recipient=RecipientData(id=1, name="Анна", phone=phone),
                   subject=subject, body=body)


def built_channel(settings: Settings, secrets: CredentialStore, pacers: Pacers | None = None) -> SmsChannel:
    """The ``sms`` channel exactly as the dispatcher builds it (no rate limit unless given)."""
    ch = build_sms(settings, secrets, pacers or Pacers(sms_rate=0))
    assert isinstance(ch, SmsChannel), getattr(ch, "why", ch)
    return ch


def closed_port() -> int:
    """A loopback port nobody listens on (connections to it are refused)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port: int = s.getsockname()[1]
    s.close()
    return port
