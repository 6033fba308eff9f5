"""Notifier's REST API alone (no queue worker), for the `api` section: the same request
path as ``notifier serve``, so the figure is the API's and not the worker's.

    python bench/api_serve_only.py PORT     (settings from the environment)
"""
from __future__ import annotations

import signal
import sys
import threading

from notifier_gui.core.runtime import Runtime

from notifier_gui.api import ApiContext, ApiServer, TokenSource

rt = Runtime.open()
server = ApiServer(ApiContext(rt, TokenSource(rt.secrets), rate=rt.settings.api_rate), "127.0.0.1", int(sys.argv[1]))
server.start()
print("ready", flush=True)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
stop.wait()
server.stop()
rt.close()
