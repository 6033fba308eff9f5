"""Linking a recipient to their Telegram chat (Qt-free).

A bot cannot start a conversation: the person has to open the bot and press Start. So
the operator shows the person a one-time deep link ``https://t.me/<bot>?start=<payload>``;
pressing Start makes Telegram deliver the message ``/start <payload>`` to the bot, and
that message carries the person's ``chat.id``. :class:`TelegramLinker` long-polls
``getUpdates`` for it and stores the chat id on the recipient the payload was made for.

Only one program may poll a token (a second poller, or a webhook, gets 409): the UI should
run at most one linker per token at a time. A linker is not thread-safe; run it in one
worker thread and stop it with an Event.
"""
from __future__ import annotations

import logging
import math
import re
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

from .config import Settings
from .delivery.channels.botapi import ApiFailure, BotApi, TokenError, TokenSource, classify, usable_token
from .secrets import Redactor
from .storage.repository import Store
from .validation import ValidationError

log = logging.getLogger("notifier.telegram.link")

PAYLOAD_MAX = 64
LONG_POLL_MAX = 50  # the Bot API caps getUpdates' timeout here
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_START = re.compile(r"/start ([A-Za-z0-9_-]{1,64})")
_USERNAME = re.compile(r"[A-Za-z0-9_]{3,64}")


class LinkError(Exception):
    """Linking cannot proceed; ``str()`` is a redacted sentence for the operator.

    ``transient`` errors (network, 5xx, 429) may go away by waiting ``retry_after``
    seconds; the others (bad token, a webhook or another poller) need the operator.
    """

    def __init__(self, message: str, *, transient: bool = False, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient
        self.retry_after = retry_after


@dataclass(frozen=True)
class Binding:
    """A recipient whose Telegram chat id was just stored."""

    recipient_id: int
    chat_id: int
    payload: str
    display_name: str = ""


def make_payload() -> str:
    """A fresh one-time deep-link payload: 32 URL-safe characters (192 random bits).

    Unguessable, so nobody can bind their own chat to someone else's recipient, and
    within Telegram's limits (at most 64 characters of ``A-Z a-z 0-9 _ -``).
    """
    return secrets.token_urlsafe(24)


def is_valid_payload(payload: str) -> bool:
    return bool(_PAYLOAD.fullmatch(payload))


def link_url(bot_username: str, payload: str) -> str:
    """The deep link a person opens to start the bot with ``payload``."""
    name = bot_username.strip().lstrip("@")
    if not _USERNAME.fullmatch(name):
        raise ValueError(f"{bot_username!r} is not a Telegram bot user name")
    if not is_valid_payload(payload):
        raise ValueError("a start payload must be 1-64 characters of A-Z, a-z, 0-9, _ and -")
    return f"https://t.me/{name}?start={payload}"


def _display_name(message: Mapping[str, Any]) -> str:
    who = message.get("from") if isinstance(message.get("from"), dict) else message.get("chat")
    if not isinstance(who, dict):
        return ""
    name = " ".join(str(who[k]) for k in ("first_name", "last_name") if who.get(k))
    if who.get("username"):
        name = f"{name} (@{who['username']})" if name else f"@{who['username']}"
    return name


class TelegramLinker:
    """Binds chat ids to recipients from ``/start <payload>`` updates (see module doc)."""

    def __init__(
        self,
        settings: Settings,
        token: str | TokenSource | None,
        redactor: Redactor,
        store: Store,
        session: requests.Session | None = None,
    ) -> None:
        self.settings = settings
        self._token_source = token
        self._redact = redactor
        self.store = store
        self._api = BotApi(settings, redactor, session)
        self.offset: int | None = None  # next update_id to ask for (highest seen + 1)
        self._consumed: set[str] = set()

    # -- helpers --------------------------------------------------------------------
    def _token(self) -> str:
        try:
            return usable_token(self._token_source, self._redact)
        except TokenError as exc:
            raise LinkError(exc.message) from None

    def _error(self, failure: ApiFailure) -> LinkError:
        low = failure.description.lower()
        if failure.error_code == 409:
            if "webhook" in low:
                msg = ("Telegram will not hand out updates while a webhook is set for this bot: another service "
                       "receives its messages. Remove the webhook (deleteWebhook) or use a separate bot for "
                       "Notifier, then try linking again.")
            elif "other getupdates" in low or "only one bot instance" in low:
                msg = ("another program is reading this bot's updates (only one may): close the other Notifier "
                       "window or bot instance using this token, then try linking again.")
            else:
                msg = (f"Telegram reported a conflict ({failure.description}): a webhook is set (deleteWebhook "
                       "removes it) or another program polls this bot.")
            return LinkError(self._redact(msg))
        err = classify(failure, self._api.base)
        transient = err.outcome == "transient"
        return LinkError(self._redact(err.detail), transient=transient, retry_after=err.retry_after)

    def close(self) -> None:
        self._api.close()

    # -- API ------------------------------------------------------------------------
    def bot_username(self) -> str:
        """The bot's @username (without the @), from getMe; LinkError if unusable."""
        token = self._token()
        try:
            me = self._api.call(token, "getMe")
        except ApiFailure as failure:
            raise self._error(failure) from None
        if not isinstance(me, dict) or not me.get("username"):
            raise LinkError(f"{self._api.host} answered getMe without a bot user name")
        return str(me["username"])

    def delete_webhook(self) -> None:
        """Remove a webhook so polling works (what the 409 message asks the operator to do)."""
        token = self._token()
        try:
            self._api.call(token, "deleteWebhook", {"drop_pending_updates": False})
        except ApiFailure as failure:
            raise self._error(failure) from None

    def poll_once(self, payloads: Mapping[str, int], timeout: float = 0) -> list[Binding]:
        """One ``getUpdates`` (long poll up to ``timeout`` s); bind every known ``/start`` payload.

        ``payloads`` maps payload -> recipient id. Every update seen is confirmed by the
        next call (offset = highest update_id + 1), so none is processed twice. A message
        whose text is not exactly ``/start <known payload>`` binds nothing. A payload binds
        at most once per linker (it is one-time; a forwarded link cannot re-bind).
        """
        token = self._token()
        poll = max(0, min(LONG_POLL_MAX, math.ceil(timeout)))
        params: dict[str, Any] = {"timeout": poll, "allowed_updates": ["message"], "limit": 100}
        if self.offset is not None:
            params["offset"] = self.offset
        # The HTTP read timeout must outlast the long poll, or every quiet poll would "fail".
        read_timeout = poll + max(5.0, self.settings.telegram_timeout)
        try:
            updates = self._api.call(token, "getUpdates", params, read_timeout=read_timeout)
        except ApiFailure as failure:
            raise self._error(failure) from None
        if not isinstance(updates, list):
            raise LinkError(f"{self._api.host} answered getUpdates with something that is not a list of updates",
                            transient=True)
        bindings: list[Binding] = []
        for update in updates:
            if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
                continue
            uid = update["update_id"]
            self.offset = max(self.offset or 0, uid + 1)
            binding = self._bind(update, payloads)
            if binding is not None:
                bindings.append(binding)
        return bindings

    def _bind(self, update: Mapping[str, Any], payloads: Mapping[str, int]) -> Binding | None:
        message = update.get("message")
        if not isinstance(message, dict):
            return None
        text = message.get("text")
        chat = message.get("chat")
        if not isinstance(text, str) or not isinstance(chat, dict) or not isinstance(chat.get("id"), int):
            return None
        m = _START.fullmatch(text)
        if not m:
            return None
        payload = m.group(1)
        recipient_id = payloads.get(payload)
        if recipient_id is None or payload in self._consumed:
            return None
        chat_id = int(chat["id"])
        try:
            self.store.update_recipient(recipient_id, telegram_chat_id=chat_id)
        except ValidationError as exc:  # the recipient was deleted meanwhile
            log.warning("cannot link Telegram chat to recipient %s: %s", recipient_id, exc.message)
            return None
        self._consumed.add(payload)
        log.info("recipient %s linked to Telegram chat %s", recipient_id, chat_id)
        return Binding(recipient_id, chat_id, payload, _display_name(message))

    def wait_for_start(
        self,
        recipient_id: int,
        payload: str,
        seconds: float,
        stop_event: threading.Event | None = None,
        poll_timeout: float = 10.0,
    ) -> Binding | None:
        """Poll until the person presses Start with ``payload``; None on timeout or stop.

        Each long poll lasts at most ``poll_timeout`` s, which bounds how long a set
        ``stop_event`` takes to be noticed. Network trouble, 5xx and 429 are waited out
        (on ``stop_event``, so stopping stays prompt); anything the operator must fix
        raises :class:`LinkError`.
        """
        stop = stop_event or threading.Event()
        deadline = time.monotonic() + seconds
        while not stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            try:
                bindings = self.poll_once({payload: recipient_id}, timeout=min(poll_timeout, remaining))
            except LinkError as exc:
                if not exc.transient:
                    raise
                delay = exc.retry_after if exc.retry_after is not None else 2.0
                stop.wait(min(delay, max(0.0, deadline - time.monotonic())))
                continue
            for b in bindings:
                if b.payload == payload:
                    return b
        return None
