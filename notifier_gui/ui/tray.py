"""The tray icon: tells the operator when a notification failed on every channel, and offers
Show window / Pause-Resume / Quit while the window is hidden.

Where the platform has no system tray (some Linux desktops, the offscreen platform) the
object still exists with the same API and simply shows nothing, so the window never has
to ask.

Given the main window, the icon brings it forward itself ("Show window", a click on the
icon) and quits through it ("Quit" calls its ``quit_for_real()``, else ``close()``), so the
window's own close logic (hide to tray or quit) stays in one place.

Signals of TrayIcon:
    showWindowRequested(): the operator clicked the icon or chose "Show window".
    quitRequested(): the operator chose "Quit".
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

from PySide6.QtCore import QObject, QSettings, Signal, Slot
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QApplication, QMenu, QStyle, QSystemTrayIcon, QWidget

from ..core.delivery.dispatcher import ChannelHeld, NotificationUpdated
from .context import AppContext
from .core_text import core_text

log = logging.getLogger("notifier.ui.tray")

KEEP_RUNNING_KEY = "keep_running_in_tray"  # ui_state: closing the window hides it instead of quitting
MESSAGE_MS = 10_000
# The core's reasons that only repeat the balloon's own sentence (in lower case).
_SAYS_NOTHING_MORE = frozenset({"every channel failed or is unavailable", "every channel failed"})
REASON_MAX = 200


def keep_running_in_tray(state: QSettings) -> bool:
    """Whether closing the main window should hide it to the tray (default: no, it quits)."""
    return bool(state.value(KEEP_RUNNING_KEY, False, type=bool))


def set_keep_running_in_tray(state: QSettings, keep: bool) -> None:
    state.setValue(KEEP_RUNNING_KEY, keep)


def _short(text: str, limit: int = REASON_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TrayIcon(QObject):
    """A QSystemTrayIcon when the platform has a tray (shown at once), a silent stand-in otherwise."""

    showWindowRequested = Signal()
    quitRequested = Signal()

    def __init__(self, ctx: AppContext, window: QWidget | None = None, icon: QIcon | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent if parent is not None else window)
        self.ctx = ctx
        self.window = window
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self.last_message: tuple[str, str] | None = None  # (title, text) of the latest message, shown or not

        self.show_action = QAction(self.tr("Show window"), self)
        self.show_action.triggered.connect(self.showWindowRequested)
        self.pause_action = QAction(self.tr("Pause sending"), self)
        self.pause_action.triggered.connect(self.toggle_pause)
        self.keep_action = QAction(self.tr("Keep running when the window is closed"), self)
        self.keep_action.setCheckable(True)
        self.keep_action.setChecked(keep_running_in_tray(ctx.ui_state))
        self.keep_action.toggled.connect(self._keep_toggled)
        self.quit_action = QAction(self.tr("Quit"), self)
        self.quit_action.triggered.connect(self.quitRequested)

        self._tray: QSystemTrayIcon | None = None
        self._menu: QMenu | None = None
        if self.available:
            self._menu = QMenu()
            for action in (self.show_action, self.pause_action, self.keep_action):
                self._menu.addAction(action)
            self._menu.addSeparator()
            self._menu.addAction(self.quit_action)
            self._menu.aboutToShow.connect(self.sync_settings)
            self._tray = QSystemTrayIcon(icon if icon is not None and not icon.isNull() else self._default_icon(), self)
            self._tray.setContextMenu(self._menu)
            self._tray.activated.connect(self._activated)
        ctx.bridge.stateChanged.connect(self._state_changed)
        self._state_changed(ctx.bridge.state)
        if window is not None:
            self.showWindowRequested.connect(self._show_window)
            self.quitRequested.connect(self._quit)
        self.show()

    @staticmethod
    def _default_icon() -> QIcon:
        icon = QApplication.windowIcon()
        if icon.isNull():
            style = QApplication.style()
            icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
        return icon

    # -- visibility ------------------------------------------------------------------
    def show(self) -> None:
        if self._tray is not None:
            self._tray.show()

    def hide(self) -> None:
        if self._tray is not None:
            self._tray.hide()

    def is_visible(self) -> bool:
        return self._tray is not None and self._tray.isVisible()

    # -- messages --------------------------------------------------------------------
    def notify_failed(self, recipient: str, reason: str | None) -> None:
        """Tell the operator that one notification failed on every channel."""
        title = self.tr("Notification failed")
        text = self.tr("{recipient} could not be reached on any channel.").format(recipient=recipient or "?")
        if reason and reason not in _SAYS_NOTHING_MORE:
            text += "\n" + _short(core_text(reason))
        self._message(title, text)

    def notify_held(self, e: ChannelHeld) -> None:
        """Tell the operator once that a channel's credentials were rejected."""
        title = self.tr("Email is held: the server rejected the login") if e.channel == "email" else \
            self.tr("{channel} is held").format(channel=e.channel)
        then = (self.tr("Queued email waits until you fix the credentials in Settings (or retry).") if e.waits
                else self.tr("Messages go on to the next channel until you fix the credentials in Settings."))
        self._message(title, _short(core_text(e.reason)) + "\n" + then)

    def handle_events(self, events: Iterable[object]) -> list[NotificationUpdated]:
        """Pick the ``failed`` notifications out of a batch of core events and report them.

        Several failures in one batch become one message, so a bad evening does not bury
        the desktop under balloons. Returns the failed events.
        """
        for held in (e for e in events if isinstance(e, ChannelHeld)):
            self.notify_held(held)
        failed = [e for e in events if isinstance(e, NotificationUpdated) and e.state == "failed"]
        if len(failed) == 1:
            self.notify_failed(failed[0].recipient, failed[0].reason)
        elif failed:
            names = ", ".join(dict.fromkeys(e.recipient for e in failed[:5]))
            more = self.tr(" and {n} more").format(n=len(failed) - 5) if len(failed) > 5 else ""
            self._message(self.tr("{n} notifications failed").format(n=len(failed)),
                          self.tr("Not delivered on any channel: {names}{more}.").format(names=names, more=more))
        return failed

    def _message(self, title: str, text: str,
                 kind: QSystemTrayIcon.MessageIcon = QSystemTrayIcon.MessageIcon.Warning) -> None:
        self.last_message = (title, text)
        if self._tray is not None and self._tray.isVisible() and QSystemTrayIcon.supportsMessages():
            self._tray.showMessage(title, text, kind, MESSAGE_MS)

    # -- menu ------------------------------------------------------------------------
    @Slot()
    def _show_window(self) -> None:
        window = self.window
        if window is None:
            return
        bring_forward = getattr(window, "bring_forward", None)
        if callable(bring_forward):
            bring_forward()
            return
        window.showNormal()
        window.raise_()
        window.activateWindow()

    @Slot()
    def _quit(self) -> None:
        if self.window is not None:
            getattr(self.window, "quit_for_real", self.window.close)()

    @Slot()
    def toggle_pause(self) -> None:
        if self.ctx.bridge.state == "paused":
            self.ctx.bridge.resume()
        elif self.ctx.bridge.state == "running":
            self.ctx.bridge.pause()

    @Slot(str)
    def _state_changed(self, state: str) -> None:
        self.pause_action.setText(self.tr("Resume sending") if state == "paused" else self.tr("Pause sending"))
        self.pause_action.setEnabled(state in ("running", "paused"))
        if self._tray is not None:
            label = {"running": self.tr("sending"), "paused": self.tr("paused"), "stopped": self.tr("stopped")}
            self._tray.setToolTip(self.tr("Notifier — {state}").format(state=label.get(state, state)))

    @Slot(bool)
    def _keep_toggled(self, keep: bool) -> None:
        set_keep_running_in_tray(self.ctx.ui_state, keep)

    @Slot()
    def sync_settings(self) -> None:
        """Settings may have changed "keep running" meanwhile: the menu shows the stored value."""
        self.keep_action.blockSignals(True)
        self.keep_action.setChecked(keep_running_in_tray(self.ctx.ui_state))
        self.keep_action.blockSignals(False)

    def notify_still_running(self) -> None:
        """The first time the window hides to the tray: where it went, and that it still sends."""
        self._message(self.tr("Notifier is still running"),
                      self.tr("The queue keeps sending in the background. Open the window or quit "
                              "from this icon's menu."), QSystemTrayIcon.MessageIcon.Information)

    @Slot(QSystemTrayIcon.ActivationReason)
    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.showWindowRequested.emit()
