"""The HTTP face over core/: the original service's REST API (see README, "REST API").

``core`` never imports this package; the window and ``notifier serve`` start it. Names
load on first use, so the window can read the token (``api.security``) without loading
FastAPI.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {"ApiContext": "app", "build_app": "app", "TokenSource": "security",
          "ApiServer": "server", "ApiStartError": "server", "QueuedSend": "batcher"}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(name)
    return getattr(import_module(f".{_WHERE[name]}", __name__), name)
