"""Linking recipients to Telegram chats through /start deep links and getUpdates.

Runs the real TelegramLinker against the loopback Bot API imitation and a real Store.
Waiting is synchronised on the imitation's Condition (wait_for_pollers), never on sleeps.
"""
from __future__ import annotations

import threading
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from notifier_gui.core.config import Settings
from notifier_gui.core.secrets import Redactor
from notifier_gui.core.storage.engine import open_database
from notifier_gui.core.storage.repository import Store
from notifier_gui.core.telegram_link import (
    Binding,
    LinkError,
    TelegramLinker,
    is_valid_payload,
    link_url,
    make_payload,
)

from tests.servers.telegram import DEFAULT_TOKEN, FakeTelegram, refused_base_url

TOKEN = DEFAULT_TOKEN
SECRET_PART = TOKEN.split(":", 1)[1]
CHAT = 700100200300


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def store(sqlite_db: Path) -> Store:
    engine = open_database(f"sqlite:///{sqlite_db}")
    return Store(engine)


def linker_for(base: str, store: Store, token: str | None = TOKEN, **kw: object) -> TelegramLinker:
    kw.setdefault("telegram_timeout", 5.0)
    return TelegramLinker(Settings(telegram_api_base=base, **kw), token, Redactor(), store)  # type: ignore[arg-type]


def assert_no_token(exc: BaseException) -> None:
    texts = [getattr(exc, "detail", ""), "".join(traceback.format_exception(exc))]
    seen: BaseException | None = exc
    while seen is not None:  # the whole chain, even the suppressed part a crash reporter might walk
        texts += [str(seen), repr(seen)]
        seen = seen.__cause__ or seen.__context__
    for text in texts:
        assert SECRET_PART not in text
    assert exc.__cause__ is None and exc.__suppress_context__


# -- payloads and links ----------------------------------------------------------------------
def test_payloads_are_random_short_and_url_safe() -> None:
    payloads = {make_payload() for _ in range(200)}
    assert len(payloads) == 200
    for p in payloads:
        assert 1 <= len(p) <= 64 and is_valid_payload(p)
    assert not is_valid_payload("has space") and not is_valid_payload("x" * 65) and not is_valid_payload("a+b")


def test_link_url() -> None:
    assert link_url("@my_notifier_bot", "abc-_1") == "https://t.me/my_notifier_bot?start=abc-_1"
    with pytest.raises(ValueError):
        link_url("my bot", "abc")
    with pytest.raises(ValueError):
        link_url("my_notifier_bot", "a/b")


def test_bot_username_from_get_me(tg: FakeTelegram, store: Store) -> None:
    assert linker_for(tg.base_url, store, token=f"bot{TOKEN}").bot_username() == "notifier_test_bot"


# -- binding ---------------------------------------------------------------------------------
def test_start_with_payload_binds_the_chat_id(tg: FakeTelegram, store: Store) -> None:
    rid = store.add_recipient("Ivan", email="ivan@example.org")
    payload = make_payload()
    tg.send_start(CHAT, payload, first_name="Ivan")
    linker = linker_for(tg.base_url, store)
    bindings = linker.poll_once({payload: rid}, timeout=0)
    assert bindings == [Binding(rid, CHAT, payload, "Ivan")]
    recipient = store.get_recipient(rid)
    assert recipient is not None and recipient.telegram_chat_id == CHAT
    (call,) = tg.calls_of("getUpdates")
    assert call.params["allowed_updates"] == ["message"]
    assert tg.allowed_updates == ["message"]


def test_wrong_payload_or_other_text_binds_nothing(tg: FakeTelegram, store: Store) -> None:
    rid = store.add_recipient("Ivan")
    payload = make_payload()
    tg.send_start(CHAT, make_payload())  # someone else's link
    tg.send_text(CHAT, "/start")  # no payload
    tg.send_text(CHAT, f"hello /start {payload}")  # not exactly "/start <payload>"
    tg.send_text(CHAT, f"/start {payload}x")
    assert linker_for(tg.base_url, store).poll_once({payload: rid}, timeout=0) == []
    recipient = store.get_recipient(rid)
    assert recipient is not None and recipient.telegram_chat_id is None


def test_offset_confirms_updates_so_none_is_processed_twice(tg: FakeTelegram, store: Store) -> None:
    rid = store.add_recipient("Ivan")
    payload = make_payload()
    first = tg.send_text(CHAT, "hi")
    second = tg.send_start(CHAT, payload)
    linker = linker_for(tg.base_url, store)
    assert len(linker.poll_once({payload: rid})) == 1
    assert linker.offset == second + 1

    store.update_recipient(rid, telegram_chat_id=None)
    assert linker.poll_once({payload: rid}) == []  # the same /start is not seen again
    recipient = store.get_recipient(rid)
    assert recipient is not None and recipient.telegram_chat_id is None
    calls = tg.calls_of("getUpdates")
    assert "offset" not in calls[0].params and calls[1].params["offset"] == second + 1
    assert first not in tg.pending_updates() and second not in tg.pending_updates()


def test_a_payload_binds_only_once(tg: FakeTelegram, store: Store) -> None:
    rid = store.add_recipient("Ivan")
    payload = make_payload()
    tg.send_start(CHAT, payload)
    tg.send_start(CHAT + 1, payload, first_name="Forwarded link")
    bindings = linker_for(tg.base_url, store).poll_once({payload: rid})
    assert [b.chat_id for b in bindings] == [CHAT]
    recipient = store.get_recipient(rid)
    assert recipient is not None and recipient.telegram_chat_id == CHAT


def test_long_poll_returns_as_soon_as_the_person_presses_start(tg: FakeTelegram, store: Store) -> None:
    rid = store.add_recipient("Ivan")
    payload = make_payload()
    linker = linker_for(tg.base_url, store)
    result: list[list[Binding]] = []
    poller = threading.Thread(target=lambda: result.append(linker.poll_once({payload: rid}, timeout=30)))
    poller.start()
    assert tg.wait_for_pollers(1, timeout=10)
    tg.send_start(CHAT, payload)
    poller.join(15)
    assert not poller.is_alive()  # it returned inside the 30 s poll
    assert [b.chat_id for b in result[0]] == [CHAT]
    (call,) = tg.calls_of("getUpdates")
    assert call.params["timeout"] == 30


def test_http_read_timeout_outlasts_the_long_poll(tg: FakeTelegram, store: Store) -> None:
    # TELEGRAM_TIMEOUT is shorter than the poll: an empty poll must still end normally
    linker = linker_for(tg.base_url, store, telegram_timeout=0.2)
    assert linker.poll_once({}, timeout=1) == []


def test_wait_for_start_returns_the_binding(tg: FakeTelegram, store: Store) -> None:
    rid = store.add_recipient("Ivan")
    payload = make_payload()
    linker = linker_for(tg.base_url, store)
    out: list[Binding | None] = []
    waiter = threading.Thread(target=lambda: out.append(linker.wait_for_start(rid, payload, seconds=30)))
    waiter.start()
    assert tg.wait_for_pollers(1, timeout=10)
    tg.send_start(CHAT, make_payload())  # a stranger first: keeps waiting
    tg.send_start(CHAT, payload)
    waiter.join(15)
    assert not waiter.is_alive()
    assert out[0] is not None and out[0].chat_id == CHAT and out[0].recipient_id == rid


def test_wait_for_start_times_out_and_stops(tg: FakeTelegram, store: Store) -> None:
    rid = store.add_recipient("Ivan")
    linker = linker_for(tg.base_url, store)
    assert linker.wait_for_start(rid, make_payload(), seconds=0.5) is None
    stop = threading.Event()
    stop.set()
    assert linker.wait_for_start(rid, make_payload(), seconds=30, stop_event=stop) is None


def test_wait_for_start_rides_out_a_server_error(tg: FakeTelegram, store: Store) -> None:
    rid = store.add_recipient("Ivan")
    payload = make_payload()
    tg.fail_next(429, retry_after=0, method="getUpdates")
    tg.fail_next(500, method="getUpdates")
    tg.send_start(CHAT, payload)
    stop = threading.Event()
    linker = linker_for(tg.base_url, store)
    # the 500 is transient: the wait (on stop_event, 2 s) then polls again and finds the /start
    binding = linker.wait_for_start(rid, payload, seconds=20, stop_event=stop)
    assert binding is not None and binding.chat_id == CHAT
    assert [c.status for c in tg.calls_of("getUpdates")] == [429, 500, 200]


# -- errors ----------------------------------------------------------------------------------
def test_webhook_conflict_is_a_clear_link_error(tg: FakeTelegram, store: Store) -> None:
    tg.set_webhook("https://example.org/hook")
    linker = linker_for(tg.base_url, store)
    with pytest.raises(LinkError) as info:
        linker.poll_once({}, timeout=0)
    assert "webhook" in str(info.value) and "deleteWebhook" in str(info.value)
    assert not info.value.transient
    linker.delete_webhook()
    assert tg.webhook_url == ""
    assert linker.poll_once({}, timeout=0) == []


def test_a_second_poller_conflict_is_a_clear_link_error(tg: FakeTelegram, store: Store) -> None:
    first = linker_for(tg.base_url, store)
    errors: list[LinkError] = []

    def poll() -> None:
        try:
            first.poll_once({}, timeout=30)
        except LinkError as exc:
            errors.append(exc)

    t = threading.Thread(target=poll)
    t.start()
    assert tg.wait_for_pollers(1, timeout=10)
    second = linker_for(tg.base_url, store)
    assert second.poll_once({}, timeout=0) == []  # the newer poller wins
    t.join(10)
    assert not t.is_alive()
    assert errors and "another program" in str(errors[0]) and not errors[0].transient


def test_wrong_token_is_a_link_error_without_the_token(tg: FakeTelegram, store: Store) -> None:
    with pytest.raises(LinkError, match="token") as info:
        linker_for(tg.base_url, store, token="42:ThisIsNotTheRightToken").poll_once({})
    assert "ThisIsNotTheRightToken" not in str(info.value)
    assert not info.value.transient
    with pytest.raises(LinkError, match="no bot token"):
        linker_for(tg.base_url, store, token=None).bot_username()


def test_unreachable_server_is_transient_and_leaks_no_token(store: Store) -> None:
    linker = linker_for(refused_base_url(), store)
    with pytest.raises(LinkError) as info:
        linker.poll_once({}, timeout=0)
    assert info.value.transient and "refused" in str(info.value)
    assert_no_token(info.value)
    with pytest.raises(LinkError) as info2:
        linker.bot_username()
    assert_no_token(info2.value)


def test_binding_a_deleted_recipient_is_skipped(tg: FakeTelegram, store: Store) -> None:
    payload = make_payload()
    tg.send_start(CHAT, payload)
    assert linker_for(tg.base_url, store).poll_once({payload: 9999}) == []
