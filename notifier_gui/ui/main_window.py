"""The main window: composes the parts and wires them; the behaviour lives in the parts."""
from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QIcon, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolBar,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ..core.delivery.channels import configured_channels
from ..core.delivery.dispatcher import NotificationUpdated
from .compose import ComposeView
from .context import AppContext
from .log.panel import LogPanel
from .recipients.view import RecipientsView
from .retention import RetentionTimer
from .secret_store_panel import SecretStorePanel
from .storage_banner import StorageBanner
from .tasks import alive
from .tray import TrayIcon


def _scrolling(page: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(page)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    # Not a tab stop of its own: focused, it showed nothing (no frame), an invisible stop
    # between the tabs and the page (#13 item 9). Tab still scrolls to the focused field.
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return area


PREFERRED_SIZE = QSize(1180, 780)
TRAY_HINT_KEY = "tray_hint_shown"  # ui_state: the "still running" balloon was shown once


def first_size(available: QSize) -> QSize:
    """The first window size: the preferred one where it fits, else what the screen offers
    (a 1366x768 laptop leaves about 730 pixels below the panel: the status bar must show)."""
    return PREFERRED_SIZE.boundedTo(QSize(available.width() - 40, available.height() - 40))


# Below this available height (768-pixel laptops and 600-pixel netbooks) the delivery log
# starts at its compact height and may be dragged away entirely: the pages come first.
SMALL_SCREEN_HEIGHT = 800


def log_share(splitter_height: int, compact_log: int) -> int:
    """The delivery log's first height in the main splitter on a small screen (no saved layout
    yet): just its filter bars, header and a few rows, at most half. A big screen keeps the
    stretch factors' 3:2."""
    return min(compact_log, splitter_height // 2)


def _with_bar(page: QWidget, bar: QWidget) -> QWidget:
    """``page`` above ``bar``; the bar stays in view whatever the page scrolls to."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(page, 1)
    layout.addWidget(bar)
    return box


class SandboxBanner(QFrame):
    """Shown while nothing is really sent, so nobody mistakes the outbox for delivery."""

    def __init__(self, outbox: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sandboxBanner")
        self.setStyleSheet("#sandboxBanner { background: #fff4ce; border: 1px solid #e0c060; border-radius: 4px; }")
        self.text = QLabel(self.tr("<b>Sandbox mode</b>: no channel is set up, so messages are written to "
                                   "the outbox folder instead of being sent. Try everything, then set up "
                                   "Email, SMS or Telegram in Settings."))
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.outbox = outbox
        self.outbox_button = QPushButton(self.tr("Open outbox"))
        self.settings_button = QPushButton(self.tr("Open Settings…"))
        self.outbox_button.clicked.connect(self.open_outbox)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.outbox_button)
        layout.addWidget(self.settings_button)

    @Slot()
    def open_outbox(self) -> None:
        """Open the outbox folder, creating it first (it does not exist before the first send);
        where no file manager answers, say where it is instead of doing nothing."""
        try:
            Path(self.outbox).mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            self.outbox_button.setToolTip(self.tr("Could not create %1: %2").replace("%1", self.outbox)
                                          .replace("%2", exc.strerror or ""))
            QToolTip.showText(self.outbox_button.mapToGlobal(self.outbox_button.rect().bottomLeft()),
                              self.outbox_button.toolTip(), self.outbox_button)
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(self.outbox)):
            self.text.setText(self.tr("<b>Sandbox mode</b>: messages are written to the outbox folder "
                                      "instead of being sent. No file manager opened it; it is here: %1")
                              .replace("%1", html.escape(self.outbox)))
            self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)


class MainWindow(QMainWindow):
    """Signals: ``closed()`` when the window really closes (not when it hides in the tray);
    ``modeShown()`` when the sandbox banner and title have caught up with the settings."""

    closed = Signal()
    restartRequested = Signal()  # Settings: "Save and restart now" (a new language)
    modeShown = Signal()  # the banner and title show the current mode (after refresh_mode)

    def __init__(self, ctx: AppContext, tray: TrayIcon | None = None, icon: QIcon | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(self.tr("Notifier"))
        if icon is not None:
            self.setWindowIcon(icon)
        self.tray = tray
        self._quitting = False
        self._pending = 0  # queued + sending at the last status refresh (no database read on close)
        self._confirm_quit = True
        self._closed = False
        # Asked before quitting with work queued; returns True to quit. Tests inject their own.
        self.confirm_quit: Callable[[int], bool] = self._ask_quit
        self._add_widgets()
        self._connect_signals()
        self._restore_state()
        self.refresh_mode()
        self.log.load_history()
        self._stats_timer = QTimer(self)
        self._stats_timer.setInterval(2000)
        self._stats_timer.timeout.connect(self.refresh_stats)
        self._stats_timer.start()
        self._stats_soon = QTimer(self)
        self._stats_soon.setSingleShot(True)
        self._stats_soon.setInterval(300)
        self._stats_soon.timeout.connect(self.refresh_stats)
        self.refresh_stats()
        self.retention = RetentionTimer(ctx, parent=self)  # NOTIFIER_KEEP_DAYS, at start and daily

    # -- construction -------------------------------------------------------------------
    def _add_widgets(self) -> None:
        rt = self.ctx.runtime
        self.toolbar = QToolBar(self.tr("Main"))
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.pause_action = QAction(self.tr("&Pause sending"), self)
        self.pause_action.setCheckable(True)
        self.settings_action = QAction(self.tr("&Settings…"), self)
        self.toolbar.addAction(self.pause_action)
        self.toolbar.addAction(self.settings_action)
        self.addToolBar(self.toolbar)

        self.banner = SandboxBanner(str(rt.settings.outbox_dir))
        self.banner.hide()  # until refresh_mode knows (never a false "sandbox" in live mode)
        self.storage_banner = StorageBanner()
        self.recipients = RecipientsView(self.ctx)
        self.compose = ComposeView(self.ctx)
        self.tabs = QTabWidget()
        # Scroll areas keep the window usable on small screens (1366x768 laptops): the pages
        # fill the window when it is big enough and scroll when it is not.
        self.tabs.addTab(_scrolling(self.recipients), self.tr("&Recipients"))
        self.tabs.addTab(_with_bar(_scrolling(self.compose), self.compose.send_bar), self.tr("&Compose"))
        self.log = LogPanel(self.ctx)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.log)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        # No OS credential store and the encrypted secrets file is locked: unlock it here, at
        # start, instead of letting every send fail for want of a password.
        self.store_panel = SecretStorePanel(self.ctx)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.store_panel)
        layout.addWidget(self.banner)
        layout.addWidget(self.storage_banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.queued_label = QLabel()
        self.sending_label = QLabel()
        self.failed_label = QLabel()
        self.worker_label = QLabel()
        # Permanent widgets: a menu or toolbar status tip replaces normal ones while shown.
        for w in (self.queued_label, self.sending_label, self.failed_label, self.worker_label):
            self.statusBar().addPermanentWidget(w)
        if self.ctx.api is not None:
            from .api_control import ApiStatusLabel

            self.statusBar().addPermanentWidget(ApiStatusLabel(self.ctx.api))

    def _connect_signals(self) -> None:
        self.pause_action.toggled.connect(self._toggle_pause)
        self.settings_action.triggered.connect(self.open_settings)
        self.banner.settings_button.clicked.connect(self.open_settings)
        self.store_panel.unlocked.connect(self._secrets_unlocked)
        self.recipients.composeRequested.connect(self._compose_to)
        self.recipients.selectionChanged.connect(self.compose.set_table_selection)  # offered, never applied
        self.recipients.linkTelegramRequested.connect(self.open_link_dialog)
        self.compose.sent.connect(self._after_send)
        self.ctx.bridge.stateChanged.connect(self._worker_state)
        self.ctx.bridge.eventsReady.connect(self._events)
        self._worker_state(self.ctx.bridge.state)

    # -- state that survives restarts ------------------------------------------------------
    def _restore_state(self) -> None:
        st = self.ctx.ui_state
        geometry = st.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(first_size(self.available_size()))
        small = self.available_size().height() < SMALL_SCREEN_HEIGHT
        self.splitter.setCollapsible(1, small)  # a small screen may give the log's room to the pages
        splitter = st.value("window/splitter")
        # the operator's own split wins; else it is set by the screen when the window shows
        restored = isinstance(splitter, QByteArray) and not splitter.isEmpty() and self.splitter.restoreState(splitter)
        self._split_by_screen = small and not restored  # a big screen keeps the stretch factors' 3:2
        log_split = st.value("window/log_splitter")
        if isinstance(log_split, QByteArray) and not log_split.isEmpty():
            self.log.splitter.restoreState(log_split)
        tab = st.value("window/tab", 0, type=int)
        self.tabs.setCurrentIndex(tab if isinstance(tab, int) else 0)
        self.compose.restore_draft(st)

    def available_size(self) -> QSize:
        """What the screen offers the window (without panels and docks)."""
        return self.screen().availableGeometry().size()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._split_by_screen:  # laid out by now: the splitter has its real height
            self._split_by_screen = False
            self.apply_screen_split()

    def apply_screen_split(self) -> None:
        total = sum(self.splitter.sizes())
        log = log_share(total, self.log.compact_height())
        self.splitter.setSizes([total - log, log])

    def save_state(self) -> None:
        st = self.ctx.ui_state
        st.setValue("window/geometry", self.saveGeometry())
        st.setValue("window/splitter", self.splitter.saveState())
        st.setValue("window/log_splitter", self.log.splitter.saveState())
        st.setValue("window/tab", self.tabs.currentIndex())
        self.compose.save_draft(st)
        st.sync()

    # -- behaviour -----------------------------------------------------------------------
    def refresh_mode(self) -> None:
        """Sandbox banner and the title's mode. Both depend on the credential store (is a
        Telegram token saved?), and the first keyring call discovers a backend — tens of ms,
        and over D-Bus it can block for long — so it runs off the GUI thread."""
        self.ctx.tasks.start(self._refresh_mode())

    async def _refresh_mode(self) -> None:
        rt = self.ctx.runtime

        def read() -> tuple[bool, list[str], str]:
            return rt.sandbox(), configured_channels(rt.settings, rt.secrets), rt.secrets.store_state()

        sandbox, channels, store_state = await self.ctx.tasks.run(read)
        if not alive(self):
            return
        if store_state == "file-locked":  # other states are Settings' business, not a start-up question
            self.store_panel.set_state(store_state)
        else:
            self.store_panel.hide()
        self.banner.setVisible(sandbox)
        reach = None if sandbox else channels  # sandbox: every channel writes to the outbox
        self.recipients.set_configured(reach, telegram_ready="telegram" in channels)
        self.compose.set_configured(reach)
        names = {"email": self.tr("Email"), "sms": self.tr("SMS"), "telegram": self.tr("Telegram")}
        mode = self.tr("sandbox") if sandbox else ", ".join(names.get(c, c) for c in channels)
        self.setWindowTitle(self.tr("Notifier") + f" — {mode}")
        self.modeShown.emit()

    @Slot()
    def _secrets_unlocked(self) -> None:
        """Passwords and tokens are readable now: the mode may change, the worker rebuilds its channels."""
        self.refresh_mode()
        if self.ctx.bridge.state != "stopped":
            self.ctx.bridge.restart()

    @Slot()
    def refresh_stats(self) -> None:
        self.ctx.tasks.start(self._stats())

    async def _stats(self) -> None:
        midnight = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
        counts, rates = await self.ctx.tasks.run(  # live rows and today's reports only, through indexes
            lambda: (self.log.history.live_counts(midnight), self.ctx.runtime.store.confirmation_rates(midnight)))
        if not alive(self):
            return
        failed_today = counts["failed"]
        self._pending = counts["queued"] + counts["sending"]
        self.queued_label.setText(self.tr("Queued: %1").replace("%1", str(counts["queued"])))
        self.sending_label.setText(self.tr("Sending: %1").replace("%1", str(counts["sending"])))
        self.failed_label.setText(self.tr("Failed today: %1").replace("%1", str(failed_today)))
        tip = self.confirmation_tooltip(rates)
        for label in (self.queued_label, self.sending_label, self.failed_label):
            label.setToolTip(tip)

    def confirmation_tooltip(self, rates: dict[str, tuple[int, int]]) -> str:
        """Per channel today: how many accepted messages the provider confirmed as delivered."""
        if not rates:
            return self.tr("No delivery reports today")
        names = {"email": self.tr("Email"), "sms": self.tr("SMS"), "telegram": self.tr("Telegram")}
        lines = [self.tr("Confirmed as delivered today:")]
        for channel, (ok, total) in sorted(rates.items()):
            lines.append(self.tr("%1: %2 of %3 (%4 %)").replace("%1", names.get(channel, channel))
                         .replace("%2", str(ok)).replace("%3", str(total)).replace("%4", f"{100 * ok / total:.0f}"))
        return "\n".join(lines)

    @Slot(str)
    def _worker_state(self, state: str) -> None:
        names = {"running": self.tr("Worker: running"), "paused": self.tr("Worker: paused"),
                 "stopped": self.tr("Worker: stopped")}
        self.worker_label.setText(names.get(state, state))
        self.pause_action.setText(self.tr("&Resume sending") if state == "paused" else self.tr("&Pause sending"))
        self.pause_action.blockSignals(True)
        self.pause_action.setChecked(state == "paused")
        self.pause_action.blockSignals(False)

    @Slot(bool)
    def _toggle_pause(self, paused: bool) -> None:
        if paused:
            self.ctx.bridge.pause()
        else:
            self.ctx.bridge.resume()

    @Slot(list)
    def _events(self, events: list[Any]) -> None:
        self.storage_banner.apply(events)
        if self.tray is not None:
            self.tray.handle_events(events)
        if any(isinstance(e, NotificationUpdated) for e in events) and not self._stats_soon.isActive():
            self._stats_soon.start()  # counts follow the queue within a moment, not every event

    @Slot(list)
    def _compose_to(self, ids: list[int]) -> None:
        self.compose.set_recipients(ids)
        self.tabs.setCurrentIndex(1)

    @Slot(list)
    def _after_send(self, ids: list[int]) -> None:
        self.refresh_stats()

    @Slot()
    def open_settings(self) -> None:
        from .settings import SettingsDialog  # loaded when first opened, not at start-up

        dialog = SettingsDialog(self.ctx, self)
        if dialog.exec():
            if self.ctx.api is not None:
                self.ctx.api.apply()
            self.refresh_mode()
            self.recipients.refresh()
            self.compose.reload_settings()  # the new default channel order, sandbox state, preview
            if self.tray is not None:
                self.tray.sync_settings()  # "keep running in the tray" may have changed
            if dialog.restart_requested:
                self.restartRequested.emit()

    @Slot(int)
    def open_link_dialog(self, recipient_id: int) -> None:
        from .link_dialog import TelegramLinkDialog  # pulls in requests and segno: only when needed

        dialog = TelegramLinkDialog(self.ctx, recipient_id, self)
        dialog.linked.connect(lambda *_: self.recipients.refresh())
        dialog.settingsRequested.connect(self.open_settings, Qt.ConnectionType.QueuedConnection)
        dialog.exec()

    def bring_forward(self) -> None:
        self.show()
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized | Qt.WindowState.WindowActive)
        self.raise_()
        self.activateWindow()

    def quit_for_real(self, confirm: bool = True) -> None:
        """Quit, not hide (tray "Quit"); ``confirm=False`` skips the queued-work question."""
        self._quitting = True
        self._confirm_quit = confirm
        self.close()

    def _ask_quit(self, pending: int) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Quit Notifier?"),
                          self.tr("Notifications still queued or being sent: %1. They stay in the queue "
                                  "and go out at the next start (or with `notifier worker`). Quit now?")
                          .replace("%1", str(pending)),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes.value

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closed:  # already closed for real: a second close (e.g. at teardown) asks nothing
            event.accept()
            return
        self.save_state()
        keep = self.ctx.ui_state.value("keep_running_in_tray", False, type=bool)
        if keep and not self._quitting and self.tray is not None and self.tray.available:
            event.ignore()
            self.hide()
            if not self.ctx.ui_state.value(TRAY_HINT_KEY, False, type=bool):
                self.ctx.ui_state.setValue(TRAY_HINT_KEY, True)
                self.tray.notify_still_running()
            return
        confirm, self._confirm_quit = self._confirm_quit, True
        if self._pending and confirm and not self.confirm_quit(self._pending):
            self._quitting = False
            event.ignore()
            return
        self._stats_timer.stop()
        self._closed = True
        event.accept()
        self.closed.emit()
