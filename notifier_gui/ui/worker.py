"""The queue worker in a QThread, and the bridge that brings its events to the GUI thread.

The core dispatcher reports every attempt through a plain callback from its worker threads.
:class:`WorkerBridge` appends those events to a deque under a lock (cheap, never blocks the
sender) and a GUI-thread timer drains the deque every ``interval_ms`` and emits one
``eventsReady(list)`` per tick — never one signal per row. How many events a tick takes is
set by time, not by count: the bridge measures what applying a batch cost (every slot
connected to ``eventsReady`` runs inside the emit) and sizes the next batch to fit
``budget_ms``, so a flood stalls the window for about that long per tick on any CPU.

Signals of WorkerBridge:
    eventsReady(list): a batch of core events, in order, on the GUI thread.
    stateChanged(str): "running", "paused", "stopped".
"""
from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from ..core.delivery.dispatcher import Dispatcher, Event
from .thread_priority import lower_this_thread

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
        lower_this_thread()  # the delivery threads it starts inherit it (ui/thread_priority.py)
        try:
            self.dispatcher.run(self.stop)
        except Exception:
            log.exception("the queue worker stopped with an error")
        finally:
            self.finished.emit()


class WorkerBridge(QObject):
    eventsReady = Signal(list)
    stateChanged = Signal(str)
    budget_ms = 4.0  # GUI time per tick for applying events; the rest waits for the next tick
    min_batch = 20  # every tick makes progress, however slow the slots are
    max_batch = 5000  # and a first batch (nothing measured yet) stays modest
    backlog_interval_ms = 10

    def __init__(self, make_dispatcher: Callable[[Callable[[Event], None]], Dispatcher],
                 interval_ms: int = 75, parent: QObject | None = None,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        super().__init__(parent)
        self._clock = clock
        self._per_event = 0.0  # seconds one event cost to apply, smoothed (0: not measured yet)
        self.batch_size = 500  # what the next tick takes (adapted after every batch)
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

    def push_many(self, events: list[Any]) -> None:
        """Several events under one lock (the API hands over a committed batch at once)."""
        with self._lock:
            self._pending.extend(events)

    @Slot()
    def flush(self) -> None:
        """Emit what arrived since the last tick, as much as fits the time budget.

        The batch size follows the measured cost of applying events, so one tick holds the
        GUI thread for about ``budget_ms``; a larger backlog is drained on a faster tick
        (not a chain of zero-timers, which Qt runs ahead of painting and input).
        """
        with self._lock:
            n = min(len(self._pending), self.batch_size)
            batch = [self._pending.popleft() for _ in range(n)]
            more = bool(self._pending)
        self._timer.setInterval(self.backlog_interval_ms if more else self.interval_ms)
        if batch:
            started = self._clock()
            self.eventsReady.emit(batch)
            self._learn(len(batch), self._clock() - started)

    def _learn(self, events: int, seconds: float) -> None:
        """Size the next batch from what this one cost. A cheaper batch is believed at once;
        a dearer one is blended in, so one slow tick (say, a garbage collection inside it)
        does not starve the next ones, while a lasting rise takes over within a few ticks."""
        cost = max(seconds, 0.0) / events
        if self._per_event == 0.0 or cost < self._per_event:
            self._per_event = cost
        else:
            self._per_event = 0.6 * self._per_event + 0.4 * cost
        if self._per_event > 0.0:
            fits = int(self.budget_ms / 1000.0 / self._per_event + 1e-6)  # (float noise)
            self.batch_size = max(self.min_batch, min(self.max_batch, fits))

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
