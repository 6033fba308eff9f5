"""Channel construction: one set of channel objects per worker thread."""
from __future__ import annotations

from collections.abc import Callable

from ...config import Settings
from ...secrets import CredentialStore
from ..pacing import Pacers
from .base import Channel, Message, Sent

ChannelFactory = Callable[[], dict[str, Channel]]

__all__ = ["Channel", "ChannelFactory", "Message", "Sent", "build_channels", "is_sandbox", "configured_channels"]


def configured_channels(settings: Settings, secrets: CredentialStore) -> list[str]:
    """Channels that have enough settings to try a real delivery."""
    out = []
    if settings.smtp_host:
        out.append("email")
    if settings.sms_provider:
        out.append("sms")
    try:
        if secrets.get("telegram_bot_token"):
            out.append("telegram")
    except Exception:  # an unreadable keyring is not a configured channel
        pass
    return out


def is_sandbox(settings: Settings, secrets: CredentialStore) -> bool:
    if settings.sandbox is not None:
        return settings.sandbox
    return not configured_channels(settings, secrets)


def build_channels(settings: Settings, secrets: CredentialStore, sandbox: bool, pacers: Pacers,
                   on_chat_migrated: Callable[[int, int, int], None] | None = None) -> dict[str, Channel]:
    """A fresh set of channels for one worker thread (``pacers`` is shared by all of them).

    The channel modules are imported here, in the worker thread, so that importing this
    package (the window does, at start-up) does not load requests and the providers.
    """
    from .email import EmailChannel
    from .outbox import OutboxChannel
    from .sms.channel import build_sms
    from .telegram import build_telegram

    if sandbox:
        return {name: OutboxChannel(name, settings) for name in ("email", "sms", "telegram")}
    channels: dict[str, Channel] = {
        "email": EmailChannel(settings, lambda: secrets.get("smtp_password"), secrets.redactor,
                              guard=pacers.email, imap_password=lambda: secrets.get("imap_password")),
        "sms": build_sms(settings, secrets, pacers),
        "telegram": build_telegram(settings, secrets, pacers, on_chat_migrated),
    }
    return channels
