"""Python's cyclic garbage collector, run on the GUI thread only.

Automatic collection runs in whichever thread happens to allocate when a threshold is
crossed. If that is a worker thread and the garbage holds a Qt object (a closed dialog in a
reference cycle through a connected lambda), the QObject is destroyed in the wrong thread:
seen here as a deadlock on Qt's signal mutex and as a segfault. So automatic collection is
switched off while the window runs and a GUI-thread timer collects instead, with the same
generation thresholds. Reference counting still frees everything that is not in a cycle
at once, in any thread.
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Slot


class GuiThreadGarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = 250,
                 restore_automatic: bool | None = None) -> None:
        """``restore_automatic``: switch automatic collection back on in :meth:`stop`
        (default: if it was on when this collector was made)."""
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self._was_enabled = gc.isenabled() if restore_automatic is None else restore_automatic
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    @Slot()
    def check(self) -> None:
        # The youngest generation every tick (cheap: it holds what was allocated since the
        # last tick); the older ones when their thresholds say so, as automatic GC would.
        c0, c1, c2 = gc.get_count()
        if c0 <= 0:
            return
        generation = 0
        if c1 > self.threshold[1]:
            generation = 1
            if c2 > self.threshold[2]:
                generation = 2
        gc.collect(generation)

    def stop(self) -> None:
        self.timer.stop()
        if self._was_enabled:
            gc.enable()
