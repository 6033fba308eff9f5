"""What the loopback HTTP imitations of the providers share: a threaded server on
127.0.0.1 with an OS-chosen port, start/stop/with, and HTTP Basic parsing."""
from __future__ import annotations

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class QuietHTTPServer(ThreadingHTTPServer):
    """A client that hangs up first (a timeout test's client gives up on a slow answer) is
    what the test wanted, not an error to print into the test run's output."""

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class LoopbackServer:
    """Mix into a provider imitation; it sets ``_httpd``/``_release`` and ``handler_class()``."""

    thread_name = "loopback-server"
    _httpd: ThreadingHTTPServer | None
    _release: threading.Event

    def handler_class(self) -> type[BaseHTTPRequestHandler]:  # pragma: no cover - each server overrides
        raise NotImplementedError

    @property
    def port(self) -> int:
        assert self._httpd is not None
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Any:
        handler = type("Handler", (self.handler_class(),), {"app": self})
        self._httpd = QuietHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, args=(0.02,), name=self.thread_name, daemon=True).start()
        return self

    def stop(self) -> None:
        self._release.set()  # let requests scripted to hang return
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(user, password) from an ``Authorization: Basic …`` header, or None."""
    if not header or not header.startswith("Basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return user, password
