"""The HTTP face over core/: the original service's REST API (see README, "REST API").

``core`` never imports this package; the window and ``notifier serve`` start it.
"""
from .app import ApiContext, build_app
from .security import TokenSource
from .server import ApiServer, ApiStartError

__all__ = ["ApiContext", "ApiServer", "ApiStartError", "TokenSource", "build_app"]
