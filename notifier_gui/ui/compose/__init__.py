"""Compose: the view (:mod:`.view`: text, channel order, per-send SMTP login, preview, Send),
its recipients (:mod:`.audience`) and the picker behind Add… (:mod:`.picker`)."""
from .audience import RecipientsBox
from .picker import RecipientPicker, describe
from .view import ComposeView

__all__ = ["ComposeView", "RecipientPicker", "RecipientsBox", "describe"]
