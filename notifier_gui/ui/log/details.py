"""The delivery log's side pane: the selected notification's timeline and the actions on it
(Retry, Cancel, Copy), which the table's context menu offers too (``menu_actions``). The story is
read on the worker thread whenever the selection changes or the notification moves on."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from ..context import AppContext
from ..tasks import alive
from .timeline import Timeline


class DetailsPane(QWidget):
    """``show_notification(nid)`` (None: nothing selected); ``reload()`` after its events."""

    def __init__(self, ctx: AppContext, outcome_name: Callable[[str], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.nid: int | None = None
        self.timeline = Timeline(outcome_name, self)
        self.retry_action = QAction(self.tr("Retry notification"), self)
        self.cancel_action = QAction(self.tr("Cancel notification"), self)
        self.copy_action = QAction(self.tr("Copy details"), self)
        self.menu_actions = (self.retry_action, self.cancel_action, self.copy_action)

        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setPlaceholderText(self.tr("Select an attempt to see the whole timeline of its notification."))
        # two lines at least, not the default five: the log's compact height on small screens
        self.details.setMinimumHeight(2 * self.details.fontMetrics().lineSpacing() + 2 * self.details.frameWidth() + 8)
        self.retry_button = QPushButton(self.tr("Retry"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.copy_button = QPushButton(self.tr("Copy"))
        self._enable(False, False, False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        side_layout = QVBoxLayout(self)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.details, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.copy_button)
        side_layout.addLayout(buttons)
        side_layout.addWidget(self.status)

        for trigger in (self.retry_action.triggered, self.retry_button.clicked):
            trigger.connect(self.retry_selected)
        for trigger in (self.cancel_action.triggered, self.cancel_button.clicked):
            trigger.connect(self.cancel_selected)
        for trigger in (self.copy_action.triggered, self.copy_button.clicked):
            trigger.connect(self.copy_details)

    def _enable(self, retry: bool, cancel: bool, copy: bool) -> None:
        for widget, on in ((self.retry_action, retry), (self.retry_button, retry), (self.cancel_action, cancel),
                           (self.cancel_button, cancel), (self.copy_action, copy), (self.copy_button, copy)):
            widget.setEnabled(on)

    def show_notification(self, nid: int | None) -> None:
        self.nid = nid
        if nid is None:
            self.details.clear()
            self._enable(False, False, False)
        else:
            self.reload()

    def reload(self) -> None:
        if self.nid is not None:
            self.ctx.tasks.start(self._show_details(self.nid))

    async def _show_details(self, nid: int) -> None:
        info = await self.ctx.tasks.run(self.ctx.runtime.store.notification, nid)
        if not alive(self) or self.nid != nid or info is None:
            return
        self.details.setPlainText(self.timeline.text(info))
        state = info["state"]
        self._enable(state in ("failed", "cancelled"), state == "queued", True)

    # -- actions ------------------------------------------------------------------------------
    @Slot()
    def retry_selected(self) -> None:
        if self.nid is not None:
            self.ctx.runtime.release_holds()  # a retry also lets rejected credentials log in once more
            self.ctx.tasks.start(self._act(self.nid, self.ctx.runtime.store.retry, self.tr("Queued again.")))

    @Slot()
    def cancel_selected(self) -> None:
        if self.nid is not None:
            self.ctx.tasks.start(self._act(self.nid, self.ctx.runtime.store.cancel, self.tr("Cancelled.")))

    async def _act(self, nid: int, action: Callable[[int], bool], done: str) -> None:
        ok = await self.ctx.tasks.run(action, nid)
        if not alive(self):
            return
        self.status.setText(done if ok else self.tr("Not possible in its current state."))
        if ok:
            self.ctx.bridge.wake()
        if self.nid == nid:
            self.reload()

    @Slot()
    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())
        self.status.setText(self.tr("Copied to the clipboard."))
