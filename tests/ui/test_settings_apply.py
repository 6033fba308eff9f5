"""Saving settings reaches Compose, and never blocks the window while the worker restarts
(#13 item 17): the new worker starts from the old thread's finished signal."""
from __future__ import annotations

import pytest

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from notifier_gui.core.delivery.dispatcher import AttemptStarted

from notifier_gui.ui.context import AppContext
from notifier_gui.ui.main_window import MainWindow

from tests.servers.smtp import HangingServer

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def test_restart_returns_while_a_send_is_in_flight(qtbot, ctx: AppContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    hanging = HangingServer()  # accepts and never greets: the send waits for SMTP_TIMEOUT
    try:
        monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SMTP_PORT", str(hanging.port))
        monkeypatch.setenv("SMTP_USE_TLS", "0")
        monkeypatch.setenv("SMTP_TIMEOUT", "60")
        monkeypatch.setenv("DEFAULT_FROM_EMAIL", "ops@example.org")
        monkeypatch.setenv("NOTIFIER_SANDBOX", "0")
        ctx.runtime.reload()
        rid = ctx.runtime.store.add_recipient("A", email="a@example.org")
        ctx.runtime.store.enqueue([rid], "hello", channels=["email"])
        started: list[object] = []
        ctx.bridge.eventsReady.connect(lambda events: started.extend(e for e in events if isinstance(e, AttemptStarted)))
        ctx.bridge.start()
        qtbot.waitUntil(lambda: bool(started) and bool(hanging.accepted), timeout=10_000)
        old_dispatcher, old_thread = ctx.bridge.dispatcher, ctx.bridge._thread
        assert old_thread is not None

        ctx.bridge.restart()  # the old send still hangs: a blocking restart would sit here for 60 s
        assert old_thread.isRunning() and ctx.bridge.dispatcher is old_dispatcher
        ticks: list[int] = []
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(1))
        timer.start(10)
        qtbot.waitUntil(lambda: len(ticks) >= 5)  # the event loop turns meanwhile
        timer.stop()

        hanging.close()  # the stuck server goes away: the send fails, the old worker ends
        qtbot.waitUntil(lambda: ctx.bridge.dispatcher is not old_dispatcher and ctx.bridge.state == "running",
                        timeout=20_000)
    finally:
        hanging.close()


def test_paused_worker_comes_back_paused(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    ctx.bridge.start()
    first = ctx.bridge.dispatcher
    ctx.bridge.pause()
    ctx.bridge.restart()
    qtbot.waitUntil(lambda: ctx.bridge.dispatcher is not first)
    assert ctx.bridge.state == "paused"


def test_compose_sees_the_new_default_order(qtbot, ctx: AppContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    try:
        assert w.compose.channels.channels() == ["email", "sms", "telegram"]
        monkeypatch.setenv("NOTIFIER_CHANNELS", "telegram,email")
        ctx.runtime.reload()

        def press_save() -> None:  # the operator presses Save in the real (modal) dialog
            dialog = QApplication.activeModalWidget()
            if dialog is None:
                QTimer.singleShot(20, press_save)
                return
            dialog.save()  # type: ignore[attr-defined]

        QTimer.singleShot(0, press_save)
        w.open_settings()
        assert w.compose.channels.channels() == ["telegram", "email"]
        assert not w.compose.channels.is_custom()
    finally:
        w.quit_for_real(confirm=False)
