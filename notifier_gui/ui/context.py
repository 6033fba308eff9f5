"""What every widget needs from the rest of the program, passed in through constructors."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings

from ..core.runtime import Runtime
from .tasks import Tasks
from .worker import WorkerBridge

if TYPE_CHECKING:
    from .api_control import ApiControl


@dataclass
class AppContext:
    runtime: Runtime          # core: settings, secrets, store
    tasks: Tasks              # run blocking core calls off the GUI thread
    bridge: WorkerBridge      # the queue worker and its batched events
    ui_state: QSettings       # window geometry, splitter state, column widths (never config, never secrets)
    api: ApiControl | None = None  # the REST API served from the window (Settings → API)
