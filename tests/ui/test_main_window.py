"""The whole window over a real core: compose, send in sandbox mode, watch the log."""
from __future__ import annotations

import pytest

from notifier_gui.ui.context import AppContext
from notifier_gui.ui.main_window import MainWindow

from tests.ui.conftest import shot


@pytest.fixture
def window(qtbot, ctx: AppContext):  # type: ignore[no-untyped-def]
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.resize(1180, 800)
    w.show()
    yield w
    w.quit_for_real(confirm=False)


def test_first_run_is_sandbox_with_a_banner(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: "sandbox" in window.windowTitle())  # the mode is read off the GUI thread
    assert window.banner.isVisibleTo(window)


def test_live_mode_names_the_channels_and_hides_the_banner(qtbot, ctx: AppContext,  # type: ignore[no-untyped-def]
                                                         monkeypatch) -> None:
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMS_PROVIDER", "smsru")
    ctx.runtime.reload()
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.modeShown, timeout=5000):
        w.show()
    assert w.windowTitle() == "Notifier — Email, SMS"
    assert not w.banner.isVisibleTo(w)
    w.quit_for_real(confirm=False)


def test_send_to_two_recipients_and_watch_the_log(qtbot, ctx: AppContext, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    store = ctx.runtime.store
    a = store.add_recipient("Анна Смирнова", email="anna@example.org")
    b = store.add_recipient("Борис", phone="+79161234567")
    window.recipients.refresh()
    ctx.bridge.start()
    window.compose.set_recipients([a, b])
    qtbot.waitUntil(lambda: window.compose.recipient_ids() == [a, b])
    window.compose.subject.setText("Проверка")
    window.compose.message.setPlainText("Здравствуйте, {name}!")
    with qtbot.waitSignal(window.compose.sent, timeout=10000) as sent:
        window.compose.send()
    ids = sent.args[0]
    assert len(ids) == 2
    model = window.log.model
    qtbot.waitUntil(lambda: {model.outcome_at(r) for r in range(model.rowCount())} >= {"delivered", "unavailable"}
                    and sum(model.outcome_at(r) == "delivered" for r in range(model.rowCount())) == 2, timeout=15000)
    assert [store.notification(i)["delivered_via"] for i in ids] == ["email", "sms"]  # type: ignore[index]
    qtbot.waitUntil(lambda: window.queued_label.text().endswith(": 0"), timeout=10000)


def test_pause_and_resume_from_the_toolbar(qtbot, ctx: AppContext, window: MainWindow,  # type: ignore[no-untyped-def]
                                           monkeypatch) -> None:
    ctx.bridge.start()
    window.pause_action.trigger()
    assert ctx.bridge.state == "paused" and "paused" in window.worker_label.text()
    dispatcher = ctx.bridge.dispatcher
    assert dispatcher is not None
    real_sleep, passes = dispatcher._sleep, []

    def counted(stop):  # type: ignore[no-untyped-def]
        passes.append(1)  # the claim loop finished one pass
        return real_sleep(stop)

    monkeypatch.setattr(dispatcher, "_sleep", counted)
    store = ctx.runtime.store
    rid = store.add_recipient("A", email="a@example.org")
    (nid,) = store.enqueue([rid], "held while paused")
    seen = len(passes)
    ctx.bridge.wake()
    qtbot.waitUntil(lambda: len(passes) >= seen + 2, timeout=10000)  # a whole pass after the work was queued
    assert store.notification(nid)["state"] == "queued"  # type: ignore[index]  # a paused worker did not take it
    window.pause_action.trigger()
    qtbot.waitUntil(lambda: store.notification(nid)["state"] == "delivered", timeout=10000)  # type: ignore[index]


def test_geometry_and_splitter_are_remembered(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    w.resize(760, 560)  # within the offscreen platform's 800x600 screen: restoreGeometry clamps to it
    w.splitter.setSizes([200, 300])
    sizes = w.splitter.sizes()
    w.quit_for_real(confirm=False)
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    again.show()
    assert again.size().width() == 760 and again.splitter.sizes() == sizes
    again.quit_for_real(confirm=False)


def test_screenshot_main_window(qtbot, ctx: AppContext, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    store = ctx.runtime.store
    people = [("Анна Смирнова", "anna@example.org", "+79161234567", 123456789),
              ("Борис Петров", None, "+79031112233", None),
              ("Clara Jones", "clara@example.com", None, 555000111),
              ("Дмитрий Орлов", None, None, None),
              ("Emily Carter", "emily@example.org", "+14155550123", None)]
    ids = [store.add_recipient(n, email=e, phone=p, telegram_chat_id=t) for n, e, p, t in people]
    store.enqueue(ids, "Сервер в стойке 4 перегрелся: 31 °C.", subject="Тревога")
    window.recipients.refresh()
    ctx.bridge.start()
    qtbot.waitUntil(lambda: store.pending() == 0, timeout=15000)
    model = window.log.model
    qtbot.waitUntil(lambda: model.rowCount() == 8 and "sending" not in {model.outcome_at(r) for r in range(8)},
                    timeout=10000)
    qtbot.waitUntil(lambda: window.failed_label.text().endswith(": 1"), timeout=5000)
    window.log.select_notification(4)
    qtbot.waitUntil(lambda: "#4" in window.log.details.toPlainText(), timeout=5000)
    assert shot(window, "main-window.png")
