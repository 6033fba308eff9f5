"""The queue worker in a QThread, and the bridge that brings its events to the GUI thread.

The core dispatcher reports every attempt through a plain callback from its worker threads.
:class:`WorkerBridge` appends those events to a deque under a lock (cheap, never blocks the
sender) and a GUI-thread timer drains the deque every ``interval_ms`` and emits one
``eventsReady(list)`` per tick — never one signal per row, so a flood of attempts cannot
stall the window.

Signals of WorkerBridge:
    eventsReady(list): a batch of core events, in order, on the GUI thread.
    stateChanged(str): "running", "paused", "stopped".
"""
from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from ..core.delivery.dispatcher import Dispatcher, Event

log = logging.getLogger("notifier.ui.worker")


class DispatcherWorker(QObject):
    """Lives in the worker QThread; ``run`` blocks there until the stop event is set."""

    finished = Signal()

    def __init__(self, dispatcher: Dispatcher, stop: threading.Event) -> None:
        super().__init__()
        self.dispatcher = dispatcher
        self.stop = stop

    @Slot()
    def run(self) -> None:
        try:
            self.dispatcher.run(self.stop)
        except Exception:
            log.exception("the queue worker stopped with an error")
        finally:
            self.finished.emit()


class WorkerBridge(QObject):
    eventsReady = Signal(list)
    stateChanged = Signal(str)
    max_batch = 2000
    backlog_interval_ms = 10

    def __init__(self, make_dispatcher: Callable[[Callable[[Event], None]], Dispatcher],
                 interval_ms: int = 75, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._make = make_dispatcher
        self._lock = threading.Lock()
        self._pending: collections.deque[Event] = collections.deque()
        self.interval_ms = interval_ms
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.flush)
        self._thread: QThread | None = None
        self._worker: DispatcherWorker | None = None
        self._stop = threading.Event()
        self.dispatcher: Dispatcher | None = None
        self.state = "stopped"
        self._restarting: QThread | None = None  # the old thread a restart waits for (never blocking)
        self._retired: tuple[QThread, DispatcherWorker | None] | None = None
        self._restart_paused = False

    # Called from dispatcher threads: must stay tiny and lock-protected.
    def push(self, event: Event) -> None:
        with self._lock:
            self._pending.append(event)

    @Slot()
    def flush(self) -> None:
        """Emit what arrived since the last tick, at most ``max_batch`` events at a time.

        A backlog larger than that is drained on a faster tick (not a chain of zero-timers,
        which Qt runs ahead of painting and input), so the window is never held up for
        longer than one bounded batch.
        """
        with self._lock:
            n = min(len(self._pending), self.max_batch)
            batch = [self._pending.popleft() for _ in range(n)]
            more = bool(self._pending)
        self._timer.setInterval(self.backlog_interval_ms if more else self.interval_ms)
        if batch:
            self.eventsReady.emit(batch)

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop = threading.Event()
        self.dispatcher = self._make(self.push)
        self._thread = QThread()
        self._thread.setObjectName("notifier-dispatcher")
        self._worker = DispatcherWorker(self.dispatcher, self._stop)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.finished.connect(self._thread.quit)
        # No deleteLater: Python owns the worker and the thread. A DeferredDelete queued in
        # the worker thread and Python's own release after stop() would delete the worker
        # twice (seen as a rare segfault); stop() waits for the thread, then drops both.
        self._thread.start()
        self._timer.start()
        self._set_state("running")

    def stop(self, timeout_ms: int = 30_000) -> bool:
        """Stop claiming, let in-flight sends finish, join the thread. True if it stopped."""
        self._restarting = None  # a pending restart is off: stopped means stopped
        self._retired = None
        if self._thread is None:
            return True
        self._stop.set()
        if self.dispatcher:
            self.dispatcher.wake()
        self._thread.requestInterruption()
        self._thread.quit()
        stopped = self._thread.wait(timeout_ms)
        if not stopped:
            log.error("the queue worker did not stop within %d ms", timeout_ms)
        self._thread = None
        self._worker = None
        self.flush()
        self._timer.stop()
        self._set_state("stopped")
        return bool(stopped)

    def restart(self) -> None:
        """New settings: start again with freshly built channels, without waiting here.

        The running worker is told to stop; its in-flight sends may take up to a channel's
        timeout (SMTP_TIMEOUT) to finish, so the new worker is started from the old
        thread's ``finished`` signal instead of a wait on the GUI thread. A paused worker
        comes back paused.
        """
        thread = self._thread
        if thread is None:
            self.start()
            return
        if self._restarting is thread:
            return  # already on its way
        self._restart_paused = self.state == "paused"
        self._restarting = thread
        thread.finished.connect(self._restart_when_finished)
        self._stop.set()
        if self.dispatcher:
            self.dispatcher.wake()
        thread.requestInterruption()
        if thread.isFinished():
            self._restart_when_finished()

    @Slot()
    def _restart_when_finished(self) -> None:
        thread = self._restarting
        if thread is None or thread is not self._thread:
            return  # stopped (or restarted) meanwhile
        self._restarting = None
        thread.wait()  # it has finished: this returns at once
        # Kept, not dropped: this slot runs for the thread's own finished signal, and the
        # last reference going here would delete the QThread inside its own signal's
        # delivery. The next restart or stop lets go of it, outside of that.
        self._retired = (thread, self._worker)
        self._thread = None
        self._worker = None
        self.flush()
        self.start()
        if self._restart_paused:
            self.pause()

    def pause(self) -> None:
        if self.dispatcher:
            self.dispatcher.pause()
            self._set_state("paused")

    def resume(self) -> None:
        if self.dispatcher:
            self.dispatcher.resume()
            self._set_state("running")

    def wake(self) -> None:
        if self.dispatcher:
            self.dispatcher.wake()

    def _set_state(self, state: str) -> None:
        self.state = state
        self.stateChanged.emit(state)
