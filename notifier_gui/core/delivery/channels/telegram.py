"""The Telegram channel (Bot API ``sendMessage``), classified as in ../shared/reference/telegram-bot-api.md.

The text is formatted by :mod:`.telegram_text` (pure) and sent with the Bot API client of
:mod:`.botapi` (shared with the chat linker). Why the channel looks the way it does:

* One :class:`requests.Session` per channel instance (one instance per worker thread), so
  consecutive messages reuse a keep-alive connection instead of a TLS handshake each time.
* Each part of a split text is paced per chat like a message of its own, and the parts
  already delivered are remembered, so a retry does not repeat them.
* A 429 pauses the shared :class:`RateLimiter` for ``retry_after`` seconds, which slows
  every worker thread, and the notification waits exactly that long in the queue.
* A group that became a supergroup is followed for the send, and ``on_chat_migrated``
  lets the caller store the new chat id (the runtime does: Store.migrate_telegram_chat).
"""
from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from ...config import Settings
from ...messages import Msg, Template
from ...secrets import CredentialStore, Redactor
from ..checks_base import CheckResult
from ..errors import DeliveryError, Permanent, Throttled, Unavailable
from ..pacing import Pacers, RateLimiter, Saturated
from .base import Channel, Message, Sent, address_reason
from .botapi import EMPTY, ApiFailure, BotApi, TokenError, TokenSource, classify, usable_token
from .telegram_text import Part, format_parts

log = logging.getLogger("notifier.telegram")

# -- messages: the Telegram channel's details and check results (core/messages.py; botapi has the API's)
PACING = Template("telegram.pacing", "Telegram pacing: the next free slot for this chat is in {seconds} s; the "
                                     "message waits in the queue meanwhile")
MIGRATED = Template("telegram.migrated", "the group became a supergroup: chat id {old} is now {new}; update the "
                                         "recipient's Telegram chat id")
SENT_PLAIN = Template("telegram.sent_plain", "sent as plain text because Telegram could not parse the formatting "
                                             "({said})")
NO_CHAT = Template("telegram.no_chat", "the recipient has no linked Telegram chat")
DELIVERED = Template("telegram.delivered", "delivered to Telegram chat {chat}")
DELIVERED_PARTS = Template("telegram.delivered_parts", "delivered to Telegram chat {chat} in {parts} parts")
DELIVERED_RESUMED = Template("telegram.delivered_resumed", "delivered to Telegram chat {chat} in {parts} parts "
                                                           "({resumed} already sent by an earlier try)")
WITH_NOTE = Template("telegram.with_note", "{message}; {note}")
NO_BOT_NAME = Template("telegram.no_bot_name", "{host} answered getMe without a bot user name; is TELEGRAM_API_BASE "
                                               "a Bot API server?")
USER_ACCOUNT = Template("telegram.user_account", "this token belongs to a user account, not a bot")
CONNECTED = Template("telegram.connected", "connected as @{name}")
CHECK_FAILED = Template("telegram.check_failed", "the check failed unexpectedly ({error})")


# ----------------------------------------------------------------------------------------
# Parts already delivered (so a retry of a split message does not repeat them)
# ----------------------------------------------------------------------------------------
class _PartProgress:
    """Message ids of the parts of a split notification that already went out.

    Shared by every channel instance of the process: the retry after a 429 in the middle
    of a long message may run on another worker thread. Kept in memory only; after a
    restart the whole message is sent again (at-least-once).
    """

    def __init__(self, capacity: int = 1024) -> None:
        self._lock = threading.Lock()
        self._done: OrderedDict[tuple[int, int, str], list[int | None]] = OrderedDict()
        self._capacity = capacity

    def get(self, key: tuple[int, int, str]) -> list[int | None]:
        with self._lock:
            return list(self._done.get(key, ()))

    def record(self, key: tuple[int, int, str], ids: list[int | None]) -> None:
        with self._lock:
            self._done[key] = list(ids)
            self._done.move_to_end(key)
            while len(self._done) > self._capacity:
                self._done.popitem(last=False)

    def forget(self, key: tuple[int, int, str]) -> None:
        with self._lock:
            self._done.pop(key, None)


_PROGRESS = _PartProgress()


# ----------------------------------------------------------------------------------------
# The channel
# ----------------------------------------------------------------------------------------
@dataclass
class _SendState:
    chat_id: int
    notes: list[Msg] = field(default_factory=list)


class TelegramChannel(Channel):
    """Sends a notification with ``sendMessage``; one instance per worker thread."""

    name = "telegram"

    def __init__(
        self,
        settings: Settings,
        token: TokenSource,
        redactor: Redactor,
        limiter: RateLimiter,
        *,
        max_wait: float = 5.0,
        on_chat_migrated: Callable[[int, int, int], None] | None = None,
        session: requests.Session | None = None,
    ) -> None:
        """``max_wait``: longest a worker blocks for a pacing slot before the notification
        goes back to the queue. ``on_chat_migrated(recipient_id, old_chat_id, new_chat_id)``
        is called when a group turned into a supergroup, so the caller can store the new id.
        """
        self.settings = settings
        self._token_source = token
        self._redact = redactor
        self._limiter = limiter
        self.max_wait = max_wait
        self._on_chat_migrated = on_chat_migrated
        self._api = BotApi(settings, redactor, session)

    # -- token / availability -------------------------------------------------------
    def _token(self) -> str:
        """The normalised token, or Unavailable saying why there is none usable."""
        try:
            return usable_token(self._token_source, self._redact)
        except TokenError as exc:
            raise Unavailable(exc.message) from None

    def unavailable_reason(self, msg: Message) -> str | None:
        try:
            self._token()
        except Unavailable as exc:
            return exc.detail
        return address_reason("telegram", msg)

    # -- sending --------------------------------------------------------------------
    def _pace(self, chat_id: int, follow_up: bool) -> None:
        # Parts after the first always wait for their per-chat slot: handing a half-sent
        # message back to the queue for a one-second wait would waste a retry each time.
        max_wait = self.max_wait
        if follow_up:
            max_wait = max(max_wait, 2 * self._limiter.key_interval + 1.0)
        try:
            self._limiter.acquire(chat_id, max_wait=max_wait)
        except Saturated as exc:
            raise Throttled(PACING(seconds=f"{exc.wait:.1f}"), retry_after=exc.wait) from None

    def _payload(self, chat_id: int, text: str, parse_mode: str) -> dict[str, Any]:
        payload: dict[str, Any] = {"chat_id": chat_id, "text": text}
        if parse_mode:
            payload["parse_mode"] = parse_mode
        if self.settings.telegram_disable_wpp:
            payload["link_preview_options"] = {"is_disabled": True}
        return payload

    def _post(self, token: str, payload: Mapping[str, Any]) -> Any:
        try:
            return self._api.call(token, "sendMessage", payload)
        except ApiFailure as failure:
            if failure.error_code == 429 and failure.retry_after:
                # The server slows the whole bot down: every worker waits, not just this one.
                self._limiter.pause(failure.retry_after)
            raise

    def _error(self, failure: ApiFailure) -> DeliveryError:
        return classify(failure, self._api.base).redacted(self._redact)

    def _send_part(self, token: str, part: Part, state: _SendState, msg: Message) -> Any:
        parse_mode = self.settings.telegram_parse_mode
        try:
            return self._post(token, self._payload(state.chat_id, part.text, parse_mode))
        except ApiFailure as failure:
            first = failure
        low = first.description.lower()
        new_chat = first.parameters.get("migrate_to_chat_id")
        if first.error_code == 400 and isinstance(new_chat, int) and new_chat != state.chat_id:
            old = state.chat_id
            state.chat_id = new_chat
            state.notes.append(MIGRATED(old=old, new=new_chat))
            if self._on_chat_migrated is not None:
                try:
                    self._on_chat_migrated(msg.recipient.id, old, new_chat)
                except Exception:
                    log.exception("storing the migrated Telegram chat id failed")
            self._pace(new_chat, follow_up=True)
            try:
                return self._post(token, self._payload(new_chat, part.text, parse_mode))
            except ApiFailure as failure:
                raise self._error(failure) from None
        if first.error_code == 400 and "can't parse entities" in low and parse_mode:
            # Our escaping should make this impossible; if it happens anyway, the person
            # still gets the words (the fallback the reference suggests), without markup.
            state.notes.append(SENT_PLAIN(said=first.description))
            self._pace(state.chat_id, follow_up=True)
            try:
                return self._post(token, self._payload(state.chat_id, part.plain, ""))
            except ApiFailure as failure:
                raise self._error(failure) from None
        raise self._error(first) from None

    def send(self, msg: Message) -> Sent:
        token = self._token()
        chat_id = msg.recipient.telegram_chat_id
        if not chat_id:
            raise Unavailable(address_reason("telegram", msg) or NO_CHAT())
        parts = format_parts(msg.subject, msg.body, self.settings.telegram_parse_mode)
        if not parts:
            raise Permanent(EMPTY())
        digest = hashlib.sha256("\x00".join(p.text for p in parts).encode("utf-8", "surrogatepass")).hexdigest()
        key = (msg.notification_id, chat_id, digest)
        ids = _PROGRESS.get(key) if len(parts) > 1 else []
        resumed = len(ids)
        state = _SendState(chat_id)
        for index in range(resumed, len(parts)):
            self._pace(state.chat_id, follow_up=index > resumed)
            result = self._send_part(token, parts[index], state, msg)
            mid = result.get("message_id") if isinstance(result, dict) else None
            ids.append(mid if isinstance(mid, int) else None)
            if len(parts) > 1:
                _PROGRESS.record(key, ids)
        _PROGRESS.forget(key)
        known = [str(i) for i in ids if i is not None]
        provider_id = ",".join(known) if known else None
        if provider_id and len(provider_id) > 200:
            provider_id = f"{known[0]}..{known[-1]}"
        if len(parts) == 1:
            detail = DELIVERED(chat=state.chat_id)
        elif resumed:
            detail = DELIVERED_RESUMED(chat=state.chat_id, parts=len(parts), resumed=resumed)
        else:
            detail = DELIVERED_PARTS(chat=state.chat_id, parts=len(parts))
        for note in state.notes:
            detail = WITH_NOTE(message=detail, note=note)
        return Sent(provider_message_id=provider_id, detail=self._redact(detail))

    def close(self) -> None:
        self._api.close()


# ----------------------------------------------------------------------------------------
# Connection test and construction
# ----------------------------------------------------------------------------------------
def check_telegram(settings: Settings, token: str | None, redactor: Redactor) -> CheckResult:
    """"Test connection": ``getMe`` with ``token``. Never raises; the message is for the operator."""
    try:
        try:
            tok = usable_token(token, redactor)
        except TokenError as exc:
            return CheckResult(False, exc.message)
        api = BotApi(settings, redactor)
        try:
            me = api.call(tok, "getMe")
        except ApiFailure as failure:
            return CheckResult(False, redactor(classify(failure, api.base).detail))
        finally:
            api.close()
        if not isinstance(me, dict) or not me.get("username"):
            return CheckResult(False, NO_BOT_NAME(host=api.host))
        if me.get("is_bot") is False:
            return CheckResult(False, USER_ACCOUNT())
        return CheckResult(True, redactor(CONNECTED(name=me["username"])))
    except Exception as exc:  # a check must never take the settings dialog down
        return CheckResult(False, redactor(CHECK_FAILED(error=type(exc).__name__)))


def build_telegram(settings: Settings, secrets: CredentialStore, pacers: Pacers,
                   on_chat_migrated: Callable[[int, int, int], None] | None = None) -> Channel:
    """A Telegram channel for one worker thread; the token is read from the store at send time.
    ``on_chat_migrated`` stores a group's new chat id (Store.migrate_telegram_chat)."""
    return TelegramChannel(settings, lambda: secrets.get("telegram_bot_token"), secrets.redactor, pacers.telegram,
                           on_chat_migrated=on_chat_migrated)
