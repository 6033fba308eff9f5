"""Applies the history retention setting (``NOTIFIER_KEEP_DAYS``) while the window runs."""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ..core.retention import prune
from .context import AppContext
from .tasks import alive


class RetentionTimer(QObject):
    """Applies ``NOTIFIER_KEEP_DAYS`` without an archive: soon after start, then daily.

    Signals: ``pruned(int)`` after each run, with the number of notifications removed.
    """

    pruned = Signal(int)
    DAY_MS = 24 * 3600 * 1000

    def __init__(self, ctx: AppContext, first_delay_ms: int = 60_000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._running = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.run_now)
        self._timer.start(first_delay_ms)

    @Slot()
    def run_now(self) -> None:
        self._timer.start(self.DAY_MS)
        days = self.ctx.runtime.settings.keep_days  # read each time: the operator may change it
        if days is None or self._running:
            return
        self._running = True
        self.ctx.tasks.start(self._run(float(days)))

    async def _run(self, days: float) -> None:
        try:
            result = await self.ctx.tasks.run(prune, self.ctx.runtime.store, days)
        finally:
            self._running = False
        if alive(self):
            self.pruned.emit(result.notifications)
