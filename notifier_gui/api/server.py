"""Runs the API with Uvicorn on a thread of its own (the window) or beside the worker
(``notifier serve``), and refuses a second server on the same data folder.

The listening socket is bound here, before Uvicorn starts, so every way a start can fail
(address in use, another program serving this data folder, a non-loopback address
without permission) is an :class:`ApiStartError` with one clear sentence, raised in the
caller's thread, never a traceback on Uvicorn's.
"""
from __future__ import annotations

import errno
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from .app import ApiContext, build_app
from .security import is_loopback

log = logging.getLogger("notifier.api")

LOCK_NAME = "api.lock"


class ApiStartError(RuntimeError):
    """The API cannot start; the message says why and what to do."""


class FolderLock:
    """An exclusive OS lock on ``<data dir>/api.lock``: one API per data folder.

    The OS drops the lock when the process dies, so a crash never leaves it stale.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_NAME
        self._fh: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+", encoding="utf-8")
        try:
            if sys.platform == "win32":
                import msvcrt

                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.seek(0)
            holder = fh.read().strip()
            fh.close()
            raise ApiStartError(
                f"another Notifier{f' (process {holder})' if holder else ''} already serves the API "
                f"for the data folder {self.path.parent}; stop it or use another data folder") from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()  # closing releases the lock
            self._fh = None


def bind(host: str, port: int, allow_remote: bool) -> socket.socket:
    """The listening socket, or ApiStartError saying why not."""
    if not is_loopback(host) and not allow_remote:
        raise ApiStartError(
            f"NOTIFIER_API_HOST={host} can be reached from other computers; set NOTIFIER_API_ALLOW_REMOTE=1 "
            "to allow that, or use 127.0.0.1")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ApiStartError(f"the API address {host!r} cannot be resolved: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        if sys.platform == "win32":
            # Windows' SO_REUSEADDR would let a second program bind the same port.
            sock.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_EXCLUSIVEADDRUSE", 0) or 0xFFFFFFFB, 1)
        else:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(1024)
    except OSError as exc:
        sock.close()
        if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)) or getattr(exc, "winerror", 0) == 10048:
            raise ApiStartError(f"port {port} on {host} is already in use by another program; "
                                "set NOTIFIER_API_PORT to a free port") from None
        raise ApiStartError(f"the API cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.setblocking(False)
    return sock


class ApiServer:
    """Uvicorn on its own thread: ``start()`` returns once it accepts connections."""

    def __init__(self, ctx: ApiContext, host: str, port: int, allow_remote: bool = False,
                 thread_setup: Callable[[], object] | None = None) -> None:
        """``thread_setup``: called first on the server's thread (the window lowers that
        thread's priority there; the threads it starts, the writer and the pool, inherit it)."""
        self.ctx = ctx
        self.thread_setup = thread_setup
        self.host, self.port, self.allow_remote = host, port, allow_remote
        self._server: Any = None
        self._app: Any = None
        self._thread: threading.Thread | None = None
        self._lock = FolderLock(ctx.runtime.settings.data_dir)
        self.warning = "" if is_loopback(host) else (
            f"The API listens on {host}: other computers can reach it. Only the token protects it, "
            "and it travels unencrypted (plain HTTP).")

    @property
    def address(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    def start(self, timeout: float = 15.0) -> None:
        import uvicorn

        # The token first (generated and stored on first use): a credential store that
        # refuses fails the start before anything is held.
        self.ctx.tokens.get()
        self._lock.acquire()
        try:
            sock = bind(self.host, self.port, self.allow_remote)
        except ApiStartError:
            self._lock.release()
            raise
        self.port = sock.getsockname()[1]
        self.ctx.bound_host = self.host
        # "auto": uvloop and httptools (C parsers, far less Python per request) where they
        # are installed, asyncio and h11 otherwise (uvloop does not exist on Windows).
        self._app = build_app(self.ctx)
        config = uvicorn.Config(self._app, log_config=None, access_log=False, lifespan="off",
                                loop="auto", http="auto", ws="none", server_header=False,
                                timeout_keep_alive=30,
                                # No proxy in front: X-Forwarded-For from a local client must not
                                # change its address (the rate limit's key, the log's source).
                                proxy_headers=False)
        server = uvicorn.Server(config)
        self._server = server
        self._thread = threading.Thread(target=self._serve, args=(server, sock), name="notifier-api", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:  # a start-up poll: Uvicorn offers no event to wait on
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise ApiStartError("the API server did not start; details are in the program's log")
            time.sleep(0.01)
        if self.warning:
            log.warning(self.warning)
        log.info("API listening on http://%s/api/", self.address)

    def _serve(self, server: Any, sock: socket.socket) -> None:
        if self.thread_setup is not None:
            self.thread_setup()
        server.run(sockets=[sock])

    def stop(self, timeout: float = 10.0) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._app is not None:
            self._app.batcher.close(timeout)
            self._app = None
        self._server = None
        self._lock.release()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()
