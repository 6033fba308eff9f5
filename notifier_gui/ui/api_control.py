"""The REST API inside the window: started and stopped from the settings, never on the GUI thread.

Uvicorn runs on a thread of its own (``api.ApiServer``); starting and stopping it (a
socket bind, a keyring read for the token, joining the thread) run through ``Tasks`` on
a worker thread. Requests that queue something are handed to the worker bridge as
``Queued`` events, so they show in the delivery log with their source and wake the
queue worker at once; the API reports them once per committed batch, and this reads the
batch's names with one query and wakes the worker once, all on the API's writer thread.

Signals of ApiControl:
    stateChanged(): ``address``, ``error`` or ``warning`` changed.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QLabel, QWidget

from ..core.runtime import Runtime
from ..core.sending import Queued
from .tasks import Tasks, alive
from .thread_priority import lower_this_thread
from .worker import WorkerBridge

log = logging.getLogger("notifier.ui.api")


class ApiControl(QObject):
    stateChanged = Signal()

    def __init__(self, runtime: Runtime, tasks: Tasks, bridge: WorkerBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runtime = runtime
        self.tasks = tasks
        self.bridge = bridge
        self.address = ""  # "127.0.0.1:8000" while serving
        self.error = ""  # why it is not serving although switched on
        self.warning = ""  # a non-loopback address
        self._server: Any = None
        self._serving: tuple[Any, ...] | None = None
        self._tokens: Any = None
        self._busy = False
        self._again = False
        self.applied = 0  # finished rounds of applying (tests wait on it)

    def tokens(self) -> Any:
        """The API token source (``api.TokenSource``); the api package loads on first use."""
        if self._tokens is None:
            from ..api import TokenSource

            self._tokens = TokenSource(self.runtime.secrets)
        return self._tokens

    @Slot()
    def apply(self) -> None:
        """Serve, stop or move the API to follow the current settings."""
        self.tasks.start(self._apply())

    async def _apply(self) -> None:
        # Two quick applies (start-up, a save) must not start two servers: while one runs,
        # another only asks it to go round once more with the settings as they are then.
        if self._busy:
            self._again = True
            return
        self._busy = True
        try:
            self._again = True
            while self._again:
                self._again = False
                await self._apply_now()
        finally:
            self._busy = False
            self.applied += 1

    async def _apply_now(self) -> None:
        s = self.runtime.settings
        wanted = (s.api_host, s.api_port, s.api_allow_remote, s.api_rate, s.data_dir) if s.api else None
        if wanted == self._serving and (wanted is None or self._server is not None):
            return
        if self._server is not None:
            server, self._server, self._serving = self._server, None, None
            await self.tasks.run(server.stop)
        self.address = self.error = self.warning = ""
        if wanted is not None:
            try:
                self._server = await self.tasks.run(self._start, s.api_host, s.api_port, s.api_allow_remote, s.api_rate)
                self._serving = wanted
                self.address, self.warning = self._server.address, self._server.warning
            except Exception as exc:  # ApiStartError, or the token cannot be stored
                self.error = self.runtime.secrets.redactor(str(exc))
                log.warning("the API did not start: %s", self.error)
        if alive(self):
            self.stateChanged.emit()

    def _start(self, host: str, port: int, allow_remote: bool, rate: float) -> Any:
        from ..api import ApiContext, ApiServer

        ctx = ApiContext(self.runtime, self.tokens(), worker_running=lambda: self.bridge.state == "running",
                         on_queued=self._queued, rate=rate)
        # Its threads yield the CPU to the GUI thread (thread_priority: the window's stall).
        server = ApiServer(ctx, host, port, allow_remote, thread_setup=lower_this_thread)
        server.start()
        return server

    def _queued(self, sends: list[Any]) -> None:
        """On the API's writer thread, once per committed batch (``api.QueuedSend`` per
        request): the recipients' names of the whole batch in one read, one ``Queued`` event
        per request (a log row each, with its source) handed to the bridge in one go, and
        one wake-up of the worker. Nothing here runs on the GUI thread."""
        names: dict[int, str] = {}
        try:
            wanted = {r for s in sends for r in s.recipient_ids}
            names = {rid: r.name for rid, r in self.runtime.store.recipients_by_id(wanted).items()}
        except Exception:  # the log row is a courtesy; the notification is queued anyway
            log.debug("no names for the API's log rows", exc_info=True)
        now = time.time()
        self.bridge.push_many([Queued(tuple(s.ids), tuple(names.get(r, "") for r in s.recipient_ids), s.source, now)
                               for s in sends])
        self.bridge.wake()

    def stop(self) -> None:
        """At quit: stop serving (blocks for the server thread; it only finishes open requests)."""
        if self._server is not None:
            self._server.stop()
            self._server = None
            self._serving = None


class ApiStatusLabel(QLabel):
    """``API: 127.0.0.1:8000`` in the status bar while the API serves; hidden when it is off."""

    def __init__(self, control: ApiControl, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.control = control
        control.stateChanged.connect(self.refresh)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        c = self.control
        if c.address:
            self.setText(self.tr("API: %1").replace("%1", c.address) + (" ⚠" if c.warning else ""))
            self.setToolTip(self.tr("The REST API serves on http://%1/api/ (documentation: /api/docs/).")
                            .replace("%1", c.address) + (f"\n{c.warning}" if c.warning else ""))
        elif c.error:
            self.setText(self.tr("API: not running"))
            self.setToolTip(c.error)
        self.setVisible(bool(c.address or c.error))
