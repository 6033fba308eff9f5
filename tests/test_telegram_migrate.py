"""A group that became a supergroup (Bot API ``migrate_to_chat_id``) is followed for the send
and stored on the recipient, so later sends go to the new chat directly (#13 item 19).
Against the Bot API imitation, through the real runtime and dispatcher."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from notifier_gui.core.runtime import Runtime

from tests.servers.telegram import DEFAULT_TOKEN, FakeTelegram

OLD, NEW = -100, -1001234567890


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        server.add_chat(OLD, migrated_to=NEW)
        server.add_chat(NEW)
        yield server


def test_migrated_group_is_stored_and_later_sends_go_there(data_dir: Path, tg: FakeTelegram,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_API_BASE", tg.base_url)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", DEFAULT_TOKEN)
    monkeypatch.setenv("TELEGRAM_RATE", "100")
    monkeypatch.setenv("TELEGRAM_CHAT_RATE", "100")
    monkeypatch.setenv("NOTIFIER_SANDBOX", "0")
    rt = Runtime.open()
    try:
        store = rt.store
        rid = store.add_recipient("Ops group", telegram_chat_id=OLD)
        for text in ("first", "second"):
            (nid,) = store.enqueue([rid], text, channels=["telegram"])
            rt.dispatcher().run(threading.Event(), until_done=True, max_seconds=30)
            assert store.notification(nid)["state"] == "delivered"  # type: ignore[index]
            person = store.get_recipient(rid)
            assert person is not None and person.telegram_chat_id == NEW
        assert [m.chat_id for m in tg.messages] == [NEW, NEW]
        sends = tg.calls_of("sendMessage")
        assert [c.params.get("chat_id") for c in sends].count(str(OLD)) + \
            [c.params.get("chat_id") for c in sends].count(OLD) == 1  # migrated once, never again
    finally:
        rt.close()


def test_an_operator_change_meanwhile_is_not_overwritten(data_dir: Path) -> None:
    rt = Runtime.open()
    try:
        rid = rt.store.add_recipient("G", telegram_chat_id=OLD)
        rt.store.update_recipient(rid, telegram_chat_id=555)
        assert not rt.store.migrate_telegram_chat(rid, OLD, NEW)
        assert rt.store.get_recipient(rid).telegram_chat_id == 555  # type: ignore[union-attr]
    finally:
        rt.close()
