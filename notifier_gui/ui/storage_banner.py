"""A banner for a worker that pauses because the database cannot be written (a full disk).

The core dispatcher reports it with :class:`WorkerStatus` events; the banner only shows
and hides. The worker retries by itself, so there is nothing to click.
"""
from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from ..core.delivery.dispatcher import WorkerStatus


class StorageBanner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storageBanner")
        self.setStyleSheet("#storageBanner { background: #fde7e9; border: 1px solid #d9a0a6; border-radius: 4px; }")
        self.text = QLabel(self.tr("<b>Delivery paused</b>: the database cannot be written — the disk is "
                                   "probably full. Free some space; delivery goes on by itself and nothing "
                                   "is lost."))
        self.text.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.text, 1)
        self.hide()

    def apply(self, events: Iterable[object]) -> None:
        """Follow the last worker status in a batch of core events."""
        for e in events:
            if isinstance(e, WorkerStatus):
                self.setVisible(e.state == "storage_full")
