"""The tray icon's logic: which events it reports, Pause/Resume, the keep-running setting.

The offscreen platform has no system tray, so this also covers the silent stand-in.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QWidget

from notifier_gui.core.delivery.dispatcher import AttemptFinished, NotificationUpdated

from notifier_gui.ui.context import AppContext
from notifier_gui.ui.tray import TrayIcon, keep_running_in_tray


def failed(n: int, who: str, reason: str = "no channel could deliver") -> NotificationUpdated:
    return NotificationUpdated(notification_id=n, recipient=who, state="failed", reason=reason)


def test_picks_only_failed_notifications(ctx: AppContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    tray = TrayIcon(ctx)
    assert not tray.available and not tray.is_visible()  # offscreen: no tray, same API
    tray.show()
    now = datetime.now(timezone.utc)
    events = [
        NotificationUpdated(notification_id=1, recipient="Anna", state="delivered", delivered_via="email"),
        AttemptFinished(attempt_id=1, notification_id=2, recipient="Ivan", channel="email", outcome="permanent",
                        detail="550 no such user", started_at=now, finished_at=now),
        failed(2, "Ivan", "email: 550 no such user; sms: no phone number " + "x" * 400),
    ]
    assert tray.handle_events(events) == [events[2]]
    assert tray.last_message is not None
    title, text = tray.last_message
    assert title == "Notification failed" and "Ivan could not be reached on any channel" in text
    assert "550 no such user" in text and len(text) < 300  # long reasons are shortened

    tray.last_message = None
    assert tray.handle_events(events[:2]) == [] and tray.last_message is None


def test_many_failures_become_one_message(ctx: AppContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    tray = TrayIcon(ctx)
    batch = [failed(i, f"Person {i}") for i in range(7)]
    assert len(tray.handle_events(batch)) == 7
    assert tray.last_message is not None
    title, text = tray.last_message
    assert title == "7 notifications failed"
    assert "Person 0" in text and "Person 4" in text and "Person 5" not in text and "2 more" in text


def test_pause_resume_and_keep_running(ctx: AppContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    tray = TrayIcon(ctx)
    assert not tray.pause_action.isEnabled()  # the worker is not running yet
    ctx.bridge.start()
    assert tray.pause_action.isEnabled() and tray.pause_action.text() == "Pause sending"
    tray.pause_action.trigger()
    assert ctx.bridge.state == "paused" and tray.pause_action.text() == "Resume sending"
    tray.pause_action.trigger()
    assert ctx.bridge.state == "running" and tray.pause_action.text() == "Pause sending"

    assert not keep_running_in_tray(ctx.ui_state)  # default: closing the window quits
    tray.keep_action.setChecked(True)
    assert keep_running_in_tray(ctx.ui_state)

    with qtbot.waitSignal(tray.showWindowRequested, timeout=1000):
        tray.show_action.trigger()
    with qtbot.waitSignal(tray.quitRequested, timeout=1000):
        tray.quit_action.trigger()


class FakeWindow(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.quit_calls = 0

    def quit_for_real(self) -> None:
        self.quit_calls += 1


@pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")
def test_show_and_quit_go_through_the_window(ctx: AppContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = FakeWindow()
    qtbot.addWidget(window)
    tray = TrayIcon(ctx, window, QIcon())
    assert tray.parent() is window  # lives as long as the window
    tray.show_action.trigger()
    assert window.isVisible()
    tray.quit_action.trigger()
    assert window.quit_calls == 1
