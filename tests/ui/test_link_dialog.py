"""The Telegram link dialog against the loopback Bot API imitation and a real store.

Synchronisation: qtbot.waitUntil / waitSignal and the imitation's own Condition
(wait_for_pollers), never sleeps.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from notifier_gui.core.storage.schema import NOTIFICATIONS
from notifier_gui.core.telegram_link import make_payload

from notifier_gui.ui.context import AppContext
from notifier_gui.ui.link_dialog import POLL_SECONDS, TelegramLinkDialog

from tests.servers.telegram import DEFAULT_TOKEN, FakeTelegram
from tests.ui.conftest import shot

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

CHAT = 700100200300
SECRET_PART = DEFAULT_TOKEN.split(":", 1)[1]


@pytest.fixture
def tg(ctx: AppContext, keyring_backend, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTelegram]:  # type: ignore[no-untyped-def]
    """The Bot API imitation, with the runtime pointed at it and the bot token in the keyring."""
    with FakeTelegram() as server:
        monkeypatch.setenv("TELEGRAM_API_BASE", server.base_url)
        monkeypatch.setenv("TELEGRAM_TIMEOUT", "5")
        ctx.runtime.reload()
        ctx.runtime.secrets.set("telegram_bot_token", DEFAULT_TOKEN)
        yield server


def open_dialog(ctx: AppContext, qtbot, rid: int) -> TelegramLinkDialog:  # type: ignore[no-untyped-def]
    dlg = TelegramLinkDialog(ctx, rid)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def payload_of(dlg: TelegramLinkDialog) -> str:
    assert dlg.url is not None
    return dlg.url.split("?start=", 1)[1]


def test_link_qr_and_start_binds_the_chat(ctx: AppContext, qtbot, tg: FakeTelegram) -> None:  # type: ignore[no-untyped-def]
    rid = ctx.runtime.store.add_recipient("Ivan Petrov", email="ivan@example.org")
    dlg = open_dialog(ctx, qtbot, rid)
    qtbot.waitUntil(lambda: dlg.url is not None, timeout=10_000)
    assert dlg.url is not None and dlg.url.startswith("https://t.me/notifier_test_bot?start=")
    assert dlg.link_edit.text() == dlg.url
    pixmap = dlg.qr_label.pixmap()
    assert not pixmap.isNull() and pixmap.width() >= 150 and pixmap.width() == pixmap.height()
    qtbot.mouseClick(dlg.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == dlg.url
    assert tg.wait_for_pollers(1)  # the dialog is long-polling getUpdates
    assert dlg.polling and "Waiting for Ivan Petrov" in dlg.status_label.text()
    assert shot(dlg, "link-dialog.png")

    with qtbot.waitSignal(dlg.linked, timeout=10_000) as blocker:
        tg.send_start(CHAT, payload_of(dlg), first_name="Ivan")
    assert blocker.args == [rid, CHAT]
    recipient = ctx.runtime.store.get_recipient(rid)
    assert recipient is not None and recipient.telegram_chat_id == CHAT
    assert dlg.status_label.text().startswith(f"Linked: chat id {CHAT}")
    qtbot.waitUntil(lambda: not dlg.polling, timeout=5000)


def test_a_wrong_payload_binds_nothing(ctx: AppContext, qtbot, tg: FakeTelegram) -> None:  # type: ignore[no-untyped-def]
    rid = ctx.runtime.store.add_recipient("Anna")
    dlg = open_dialog(ctx, qtbot, rid)
    qtbot.waitUntil(lambda: dlg.url is not None, timeout=10_000)
    assert tg.wait_for_pollers(1)
    tg.send_start(CHAT, make_payload())  # somebody else's link
    tg.send_text(CHAT, f"/start {payload_of(dlg)}x")
    tg.send_text(CHAT + 1, f"please /start {payload_of(dlg)}")
    # Nothing pending any more means a poll confirmed them all (offset past the last one), which
    # the linker sends only after it has processed the whole batch.
    qtbot.waitUntil(lambda: tg.pending_updates() == [], timeout=10_000)
    recipient = ctx.runtime.store.get_recipient(rid)
    assert recipient is not None and recipient.telegram_chat_id is None
    assert dlg.chat_id is None and dlg.polling


def test_closing_the_dialog_stops_polling_at_once(ctx: AppContext, qtbot, tg: FakeTelegram) -> None:  # type: ignore[no-untyped-def]
    rid = ctx.runtime.store.add_recipient("Olga")
    dlg = open_dialog(ctx, qtbot, rid)
    qtbot.waitUntil(lambda: dlg.url is not None, timeout=10_000)
    assert tg.wait_for_pollers(1)
    payload = payload_of(dlg)
    dlg.close()
    # The worker thread returned well inside the long poll: it was cut, not waited out.
    qtbot.waitUntil(lambda: not dlg.polling, timeout=POLL_SECONDS * 1000 // 2)
    calls = len(tg.calls_of("getUpdates"))
    tg.send_start(CHAT, payload)  # too late: nobody is listening any more
    assert len(tg.calls_of("getUpdates")) <= calls + 1  # at most the cut poll being recorded
    recipient = ctx.runtime.store.get_recipient(rid)
    assert recipient is not None and recipient.telegram_chat_id is None


def test_not_configured_says_so(ctx: AppContext, qtbot, keyring_backend) -> None:  # type: ignore[no-untyped-def]
    rid = ctx.runtime.store.add_recipient("Ivan")
    dlg = open_dialog(ctx, qtbot, rid)
    qtbot.waitUntil(lambda: not dlg.polling and dlg.status_label.text() != "", timeout=5000)
    qtbot.waitUntil(lambda: "not configured" in dlg.status_label.text(), timeout=5000)
    assert "Settings → Telegram" in dlg.status_label.text()
    assert dlg.url is None and dlg.qr_label.pixmap().isNull() and dlg.retry_button.isVisible()
    assert dlg.qr_label.text() == "No link"  # not a "Preparing the link…" that looks stuck
    assert dlg.settings_button.isVisible()
    shot(dlg, "link-dialog-no-token.png")
    with qtbot.waitSignal(dlg.settingsRequested, timeout=5000):
        qtbot.mouseClick(dlg.settings_button, Qt.MouseButton.LeftButton)


def test_wrong_token_is_explained_without_the_token(ctx: AppContext, qtbot, tg: FakeTelegram) -> None:  # type: ignore[no-untyped-def]
    wrong = "123456789:AAEwrong_Token-abcdefghijklmnopqrstu"
    ctx.runtime.secrets.set("telegram_bot_token", wrong)
    rid = ctx.runtime.store.add_recipient("Ivan")
    dlg = open_dialog(ctx, qtbot, rid)
    qtbot.waitUntil(lambda: "401" in dlg.status_label.text(), timeout=10_000)
    text = dlg.status_label.text()
    assert "rejected" in text and wrong.split(":")[1] not in text and SECRET_PART not in text
    assert dlg.url is None and not dlg.polling

    ctx.runtime.secrets.set("telegram_bot_token", DEFAULT_TOKEN)  # fixed in Settings: try again
    qtbot.mouseClick(dlg.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.url is not None, timeout=10_000)
    dlg.close()
    qtbot.waitUntil(lambda: not dlg.polling, timeout=5000)


def test_send_the_link_by_email_or_sms(ctx: AppContext, qtbot, tg: FakeTelegram) -> None:  # type: ignore[no-untyped-def]
    rid = ctx.runtime.store.add_recipient("Ivan", email="ivan@example.org", phone="+79161234567")
    dlg = open_dialog(ctx, qtbot, rid)
    qtbot.waitUntil(lambda: dlg.url is not None and dlg.send_button.isEnabled(), timeout=10_000)
    qtbot.mouseClick(dlg.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ctx.runtime.store.pending() == 1, timeout=5000)
    with ctx.runtime.engine.connect() as c:
        n = c.execute(select(NOTIFICATIONS)).one()
        assert n.recipient_id == rid and n.channels == "email,sms" and n.state == "queued"
        assert dlg.url in n.body and "Telegram" in n.subject
    qtbot.waitUntil(lambda: dlg.send_button.text() == "Link queued for email / SMS", timeout=5000)
    assert not dlg.send_button.isEnabled()
    dlg.close()
    qtbot.waitUntil(lambda: not dlg.polling, timeout=5000)
