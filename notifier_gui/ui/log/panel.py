"""The always-visible delivery log: filters, the table, a timeline of the selected
notification, and the operator's actions on it (retry, cancel, copy, export)."""
from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.spreadsheet import spreadsheet_cell
from ...core.storage.repository import Store
from ..context import AppContext
from ..core_text import core_text
from ..tasks import alive
from .model import COL_DETAIL, COL_TIME, AttemptLogModel
from .proxy import LogFilter

HISTORY_PAGE = 5000


class LogPanel(QWidget):
    """Signals: ``notificationSelected(int)`` when the operator picks a row."""

    notificationSelected = Signal(int)

    def __init__(self, ctx: AppContext, ask_save_path: Callable[[], str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.store: Store = ctx.runtime.store
        self._ask_save_path = ask_save_path or self._default_save_path
        self.model = AttemptLogModel(self)
        self.proxy = LogFilter(self)
        self.proxy.setSourceModel(self.model)
        self._follow = True
        self._selected: int | None = None
        self.history_loaded = False
        self._build()
        self._connect()

    # -- construction -----------------------------------------------------------------
    def _build(self) -> None:
        self.outcome = QComboBox()
        for label, key in ((self.tr("All outcomes"), ""), (self.tr("Delivered"), "delivered"),
                           (self.tr("Failed (any)"), "failed"), (self.tr("Sending"), "sending"),
                           (self.tr("Transient"), "transient"), (self.tr("Permanent"), "permanent"),
                           (self.tr("Unavailable"), "unavailable"),
                           (self.tr("Accepted, not confirmed yet"), "accepted")):
            self.outcome.addItem(label, key)
        self.channel = QComboBox()
        for label, key in ((self.tr("All channels"), ""), (self.tr("Email"), "email"),
                           (self.tr("SMS"), "sms"), (self.tr("Telegram"), "telegram")):
            self.channel.addItem(label, key)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Filter by recipient, #id or detail…"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self.follow_label = QLabel()
        self.export_button = QPushButton(self.tr("Export CSV…"))

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Delivery log")))
        bar.addWidget(self.outcome)
        bar.addWidget(self.channel)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.follow_label)
        bar.addWidget(self.export_button)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(False)  # arrival order is the story; sorting 100k rows on each batch is not
        vh = self.table.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # uniform rows: no per-row measuring
        vh.setDefaultSectionSize(self.fontMetrics().height() + 6)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(False)
        hh.setSectionResizeMode(COL_DETAIL, QHeaderView.ResizeMode.Stretch)
        for col, width in ((COL_TIME, 150), (1, 90), (2, 170), (3, 80), (4, 100), (6, 80)):
            self.table.setColumnWidth(col, width)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        self.retry_action = QAction(self.tr("Retry notification"), self)
        self.cancel_action = QAction(self.tr("Cancel notification"), self)
        self.copy_action = QAction(self.tr("Copy details"), self)
        for a in (self.retry_action, self.cancel_action, self.copy_action):
            a.setEnabled(False)
            self.table.addAction(a)

        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setPlaceholderText(self.tr("Select an attempt to see the whole timeline of its notification."))
        self.retry_button = QPushButton(self.tr("Retry"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.copy_button = QPushButton(self.tr("Copy"))
        for b in (self.retry_button, self.cancel_button, self.copy_button):
            b.setEnabled(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.details, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.copy_button)
        side_layout.addLayout(buttons)
        side_layout.addWidget(self.status)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        self._update_follow_label()

    def _connect(self) -> None:
        self.outcome.currentIndexChanged.connect(lambda: self.proxy.set_outcome_group(self.outcome.currentData()))
        self.channel.currentIndexChanged.connect(lambda: self.proxy.set_channel(self.channel.currentData()))
        self.search.textChanged.connect(self._search_timer.start)
        self._search_timer.timeout.connect(lambda: self.proxy.set_text(self.search.text()))
        self.export_button.clicked.connect(self.export_csv)
        scroll = self.table.verticalScrollBar()
        scroll.valueChanged.connect(self._scrolled)
        scroll.rangeChanged.connect(self._range_changed)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        for trigger in (self.retry_action.triggered, self.retry_button.clicked):
            trigger.connect(self.retry_selected)
        for trigger in (self.cancel_action.triggered, self.cancel_button.clicked):
            trigger.connect(self.cancel_selected)
        for trigger in (self.copy_action.triggered, self.copy_button.clicked):
            trigger.connect(self.copy_details)
        self.ctx.bridge.eventsReady.connect(self.apply_events)

    # -- feeding -------------------------------------------------------------------------
    @Slot(list)
    def apply_events(self, events: list[Any]) -> None:
        self.model.apply(events)
        if self._selected is not None and any(getattr(e, "notification_id", None) == self._selected for e in events):
            self._load_details(self._selected)

    def load_history(self) -> None:
        """Load past attempts page by page in the background; the window stays live.

        The newest attempt id is read first (one indexed query, before the worker starts):
        everything up to it comes from the database, everything after from live events.
        """
        self.model.history_until = self.store.max_attempt_id()
        self.ctx.tasks.start(self._load_history(self.model.history_until))

    async def _load_history(self, until: int) -> None:
        after = 0
        while True:
            page = await self.ctx.tasks.run(self.store.attempts_page, after, HISTORY_PAGE, until)
            if not alive(self):
                return
            if not page:
                break
            self.model.load_history(page)
            after = page[-1].id
        self.history_loaded = True
        if self._follow:
            self.table.scrollToBottom()

    # -- auto-scroll: follow new rows unless the operator scrolled up ---------------------
    @Slot(int)
    def _scrolled(self, value: int) -> None:
        follow = value >= self.table.verticalScrollBar().maximum()
        if follow != self._follow:
            self._follow = follow
            self._update_follow_label()

    @Slot(int, int)
    def _range_changed(self, _min: int, _max: int) -> None:
        if self._follow:
            self.table.scrollToBottom()

    def _update_follow_label(self) -> None:
        self.follow_label.setText(self.tr("Following new attempts") if self._follow
                                  else self.tr("Paused: scrolled up"))

    @property
    def following(self) -> bool:
        return self._follow

    # -- selection and details --------------------------------------------------------------
    @Slot(QItemSelection, QItemSelection)
    def _selection_changed(self, *_: Any) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self._selected = None
            self.details.clear()
            for w in (self.retry_action, self.cancel_action, self.copy_action,
                      self.retry_button, self.cancel_button, self.copy_button):
                w.setEnabled(False)
            return
        source = self.proxy.mapToSource(rows[0])
        nid = self.model.notification_at(source.row())
        self._selected = nid
        self.notificationSelected.emit(nid)
        self._load_details(nid)

    def select_notification(self, nid: int) -> bool:
        for r in range(self.proxy.rowCount() - 1, -1, -1):
            if self.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 4) == nid:
                self.table.selectRow(r)
                return True
        return False

    def _load_details(self, nid: int) -> None:
        self.ctx.tasks.start(self._show_details(nid))

    async def _show_details(self, nid: int) -> None:
        info = await self.ctx.tasks.run(self.store.notification, nid)
        if not alive(self) or self._selected != nid or info is None:
            return
        self.details.setPlainText(self._timeline(info))
        state = info["state"]
        self.retry_action.setEnabled(state in ("failed", "cancelled"))
        self.retry_button.setEnabled(state in ("failed", "cancelled"))
        self.cancel_action.setEnabled(state == "queued")
        self.cancel_button.setEnabled(state == "queued")
        self.copy_action.setEnabled(True)
        self.copy_button.setEnabled(True)

    def _timeline(self, info: dict[str, Any]) -> str:
        states = {"queued": self.tr("queued"), "sending": self.tr("sending"), "delivered": self.tr("delivered"),
                  "failed": self.tr("failed"), "cancelled": self.tr("cancelled")}
        lines = [self.tr("Notification #%1 to %2").replace("%1", str(info["id"])).replace("%2", info["recipient_name"]),
                 self.tr("State: %1").replace("%1", states.get(info["state"], info["state"]))
                 + (f" ({info['delivered_via']})" if info["delivered_via"] else "")]
        lines.extend(self._receipt_lines(info))
        if info.get("subject"):
            lines.append(self.tr("Subject: %1").replace("%1", info["subject"]))
        lines.append(self.tr("Channels: %1").replace("%1", " → ".join(info["channels"])))
        if info.get("next_attempt_at"):
            lines.append(self.tr("Next try: %1").replace("%1", info["next_attempt_at"]))
        if info.get("last_error"):
            lines.append(self.tr("Gave up: %1").replace("%1", core_text(info["last_error"])))
        lines.append("")
        for a in info["attempts"]:
            outcome = self.model.outcome_name(a["outcome"] or "sending")
            lines.append(f"{a['started_at'][11:19]}  {a['channel']:<9} {outcome}")
            if a["detail"]:
                lines.append(f"          {core_text(a['detail'])}")
            if a.get("provider_message_id"):  # what the operator searches for in the server's log
                lines.append("          " + self.tr("Message id: %1").replace("%1", a["provider_message_id"]))
            if a.get("receipt_at"):  # the second stage: accepted -> confirmed / undelivered
                lines.append(self._second_stage(a))
        return "\n".join(lines)

    def _receipt_lines(self, info: dict[str, Any]) -> list[str]:
        """How it was delivered, or that it waits for a delivery report."""
        how = {"confirmed by the handset": self.tr("confirmed by the handset"),
               "accepted by Telegram": self.tr("accepted by Telegram"),
               "accepted by the mail server": self.tr("accepted by the mail server"),
               "accepted by the SMS provider": self.tr("accepted by the SMS provider")}
        if info.get("delivered_how"):
            return ["  " + how.get(info["delivered_how"], info["delivered_how"])]
        if info.get("awaiting_receipt"):
            return [self.tr("Accepted; waiting for the delivery report until %1").replace(
                "%1", info.get("next_attempt_at") or "")]
        return []

    def _second_stage(self, a: dict[str, Any]) -> str:
        took = (datetime.fromisoformat(a["receipt_at"])
                - datetime.fromisoformat(a["finished_at"] or a["receipt_at"])).total_seconds()
        text = (self.tr("%1  accepted → %2 after %3 s")
                .replace("%1", a["receipt_at"][11:19])
                .replace("%2", self.model.outcome_name(a["outcome"]))
                .replace("%3", f"{took:.0f}"))
        if a.get("receipt_detail"):
            text += "\n          " + core_text(a["receipt_detail"])
        return text

    # -- actions ------------------------------------------------------------------------------
    @Slot()
    def retry_selected(self) -> None:
        if self._selected is not None:
            self.ctx.runtime.release_holds()  # a retry also lets rejected credentials log in once more
            self.ctx.tasks.start(self._act(self._selected, self.store.retry, self.tr("Queued again.")))

    @Slot()
    def cancel_selected(self) -> None:
        if self._selected is not None:
            self.ctx.tasks.start(self._act(self._selected, self.store.cancel, self.tr("Cancelled.")))

    async def _act(self, nid: int, action: Callable[[int], bool], done: str) -> None:
        ok = await self.ctx.tasks.run(action, nid)
        if not alive(self):
            return
        self.status.setText(done if ok else self.tr("Not possible in its current state."))
        if ok:
            self.ctx.bridge.wake()
        self._load_details(nid)

    @Slot()
    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())
        self.status.setText(self.tr("Copied to the clipboard."))

    def _default_save_path(self) -> str:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the delivery log"), "delivery-log.csv",
                                              self.tr("CSV files (*.csv)"))
        return path

    @Slot()
    def export_csv(self) -> None:
        path = self._ask_save_path()
        if not path:
            return
        rows = [self.model.row_values(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
                for r in range(self.proxy.rowCount())]
        headers = [str(self.model.headerData(c, Qt.Orientation.Horizontal)) for c in range(self.model.columnCount())]
        self.ctx.tasks.start(self._write_csv(path, headers, rows))

    async def _write_csv(self, path: str, headers: list[str], rows: list[list[str]]) -> None:
        def write() -> None:
            with open(path, "w", encoding="utf-8-sig", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(headers)
                w.writerows([spreadsheet_cell(c) for c in row] for row in rows)  # never a formula
        try:
            await self.ctx.tasks.run(write)
        except OSError as exc:
            if alive(self):
                self.status.setText(self.tr("Could not write %1: %2").replace("%1", path).replace("%2", exc.strerror or ""))
            return
        if alive(self):
            self.status.setText(self.tr("Exported %1 rows.").replace("%1", str(len(rows))))

    def index_for_row(self, row: int) -> QModelIndex:
        return self.proxy.index(row, 0)
