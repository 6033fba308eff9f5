"""The main window: composes the parts and wires them; the behaviour lives in the parts."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QIcon
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ..core.delivery.channels import configured_channels
from ..core.delivery.dispatcher import NotificationUpdated
from .compose import ComposeView
from .context import AppContext
from .log.panel import LogPanel
from .recipients.view import RecipientsView
from .storage_banner import StorageBanner
from .tasks import alive
from .tray import TrayIcon


def _scrolling(page: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(page)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area


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
        self.outbox_button = QPushButton(self.tr("Open outbox"))
        self.settings_button = QPushButton(self.tr("Open Settings…"))
        self.outbox_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(outbox)))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.outbox_button)
        layout.addWidget(self.settings_button)


class MainWindow(QMainWindow):
    """Signals: ``closed()`` when the window really closes (not when it hides in the tray);
    ``modeShown()`` when the sandbox banner and title have caught up with the settings."""

    closed = Signal()
    modeShown = Signal()  # the banner and title show the current mode (after refresh_mode)

    def __init__(self, ctx: AppContext, tray: TrayIcon | None = None, icon: QIcon | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(self.tr("Notifier"))
        if icon is not None:
            self.setWindowIcon(icon)
        self.tray = tray
        self._quitting = False
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

    # -- construction -------------------------------------------------------------------
    def _add_widgets(self) -> None:
        rt = self.ctx.runtime
        self.toolbar = QToolBar(self.tr("Main"))
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.pause_action = QAction(self.tr("Pause sending"), self)
        self.pause_action.setCheckable(True)
        self.settings_action = QAction(self.tr("Settings…"), self)
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
        self.tabs.addTab(_scrolling(self.recipients), self.tr("Recipients"))
        self.tabs.addTab(_scrolling(self.compose), self.tr("Compose"))
        self.log = LogPanel(self.ctx)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.log)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.banner)
        layout.addWidget(self.storage_banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.queued_label = QLabel()
        self.sending_label = QLabel()
        self.failed_label = QLabel()
        self.worker_label = QLabel()
        for w in (self.queued_label, self.sending_label, self.failed_label):
            self.statusBar().addWidget(w)
        self.statusBar().addPermanentWidget(self.worker_label)
        if self.ctx.api is not None:
            from .api_control import ApiStatusLabel

            self.statusBar().addPermanentWidget(ApiStatusLabel(self.ctx.api))

    def _connect_signals(self) -> None:
        self.pause_action.toggled.connect(self._toggle_pause)
        self.settings_action.triggered.connect(self.open_settings)
        self.banner.settings_button.clicked.connect(self.open_settings)
        self.recipients.composeRequested.connect(self._compose_to)
        self.recipients.selectionChanged.connect(self.compose.set_recipients)
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
            self.resize(1180, 780)
        splitter = st.value("window/splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        log_split = st.value("window/log_splitter")
        if isinstance(log_split, QByteArray) and not log_split.isEmpty():
            self.log.splitter.restoreState(log_split)

    def save_state(self) -> None:
        st = self.ctx.ui_state
        st.setValue("window/geometry", self.saveGeometry())
        st.setValue("window/splitter", self.splitter.saveState())
        st.setValue("window/log_splitter", self.log.splitter.saveState())
        st.sync()

    # -- behaviour -----------------------------------------------------------------------
    def refresh_mode(self) -> None:
        """Sandbox banner and the title's mode. Both depend on the credential store (is a
        Telegram token saved?), and the first keyring call discovers a backend — tens of ms,
        and over D-Bus it can block for long — so it runs off the GUI thread."""
        self.ctx.tasks.start(self._refresh_mode())

    async def _refresh_mode(self) -> None:
        rt = self.ctx.runtime

        def read() -> tuple[bool, list[str]]:
            sandbox = rt.sandbox()
            return sandbox, [] if sandbox else configured_channels(rt.settings, rt.secrets)

        sandbox, channels = await self.ctx.tasks.run(read)
        if not alive(self):
            return
        self.banner.setVisible(sandbox)
        mode = self.tr("sandbox") if sandbox else ", ".join(channels)
        self.setWindowTitle(self.tr("Notifier") + f" — {mode}")
        self.modeShown.emit()

    @Slot()
    def refresh_stats(self) -> None:
        self.ctx.tasks.start(self._stats())

    async def _stats(self) -> None:
        store = self.ctx.runtime.store
        midnight = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
        counts, failed_today, rates = await self.ctx.tasks.run(
            lambda: (store.counts(), store.failed_since(midnight), store.confirmation_rates(midnight)))
        if not alive(self):
            return
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
        from .settings_dialog import SettingsDialog  # loaded when first opened, not at start-up

        dialog = SettingsDialog(self.ctx, self)
        if dialog.exec():
            if self.ctx.api is not None:
                self.ctx.api.apply()
            self.refresh_mode()
            self.recipients.refresh()

    @Slot(int)
    def open_link_dialog(self, recipient_id: int) -> None:
        from .link_dialog import TelegramLinkDialog  # pulls in requests and segno: only when needed

        dialog = TelegramLinkDialog(self.ctx, recipient_id, self)
        dialog.linked.connect(lambda *_: self.recipients.refresh())
        dialog.exec()

    def bring_forward(self) -> None:
        self.show()
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized | Qt.WindowState.WindowActive)
        self.raise_()
        self.activateWindow()

    def quit_for_real(self) -> None:
        self._quitting = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        keep = self.ctx.ui_state.value("keep_running_in_tray", False, type=bool)
        if keep and not self._quitting and self.tray is not None and self.tray.available:
            event.ignore()
            self.hide()
            return
        self._stats_timer.stop()
        event.accept()
        self.closed.emit()
