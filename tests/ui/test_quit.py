"""Quitting with work queued asks first (window close or tray → Quit); hiding to the tray
says so the first time; the tray's "keep running" follows Settings (#13 items 11, 12)."""
from __future__ import annotations

from typing import Any

import pytest

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from notifier_gui.ui.context import AppContext
from notifier_gui.ui.main_window import MainWindow
from notifier_gui.ui.settings import SettingsDialog
from notifier_gui.ui.tray import TrayIcon, keep_running_in_tray, set_keep_running_in_tray

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


class Answers:
    def __init__(self, reply: bool) -> None:
        self.reply, self.asked = reply, []  # type: ignore[var-annotated]

    def __call__(self, arg: Any) -> bool:
        self.asked.append(arg)
        return self.reply


def test_quit_with_queued_work_asks_first(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    rid = ctx.runtime.store.add_recipient("A", email="a@example.org")
    ctx.runtime.store.enqueue([rid], "waiting")  # the worker is not running: it stays queued
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    tray = TrayIcon(ctx, w)
    w.tray = tray
    qtbot.waitUntil(lambda: w.queued_label.text().endswith(": 1"))
    no = Answers(False)
    w.confirm_quit = no
    tray.quit_action.trigger()  # tray → Quit
    assert no.asked == [1] and w.isVisible()
    w.close()  # the window's own close, tray off
    assert no.asked == [1, 1] and w.isVisible()
    yes = Answers(True)
    w.confirm_quit = yes
    with qtbot.waitSignal(w.closed, timeout=5000):
        tray.quit_action.trigger()
    assert yes.asked == [1]


def test_nothing_queued_quits_without_asking(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    asked = Answers(False)
    w.confirm_quit = asked
    qtbot.waitUntil(lambda: w.queued_label.text().endswith(": 0"))
    with qtbot.waitSignal(w.closed, timeout=5000):
        w.close()
    assert asked.asked == []


def test_hiding_to_the_tray_says_so_the_first_time(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    tray = TrayIcon(ctx, w)
    tray.available = True  # the offscreen platform has no tray; the message is recorded all the same
    w.tray = tray
    set_keep_running_in_tray(ctx.ui_state, True)
    w.show()
    w.close()
    assert not w.isVisible() and tray.last_message is not None
    assert tray.last_message[0] == "Notifier is still running"
    tray.last_message = None
    w.show()
    w.close()
    assert not w.isVisible() and tray.last_message is None  # once is enough
    w.quit_for_real(confirm=False)


def test_tray_keep_running_follows_settings(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    tray = TrayIcon(ctx, w)
    w.tray = tray
    w.show()
    assert not tray.keep_action.isChecked()

    def press_save() -> None:  # the operator ticks "keep running" in Settings and saves
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SettingsDialog):
            QTimer.singleShot(20, press_save)
            return
        dialog.keep_in_tray.setChecked(True)
        dialog.save()

    QTimer.singleShot(0, press_save)
    w.open_settings()
    assert keep_running_in_tray(ctx.ui_state) and tray.keep_action.isChecked()
    w.quit_for_real(confirm=False)
