"""Logging into a rotating file under the data dir, with secrets redacted from every record."""
from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from .secrets import Redactor

LOG_FILE_NAME = "notifier.log"


class RedactingFilter(logging.Filter):
    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        # Render once, redact, and freeze the result so handlers cannot re-render secrets.
        message = record.getMessage()
        if record.exc_info:
            formatter = logging.Formatter()
            message = f"{message}\n{formatter.formatException(record.exc_info)}"
            record.exc_info = None
            record.exc_text = None
        if record.stack_info:
            message = f"{message}\n{record.stack_info}"
            record.stack_info = None
        record.msg = self.redactor(message)
        record.args = None
        return True


def setup(log_dir: Path, redactor: Redactor, level: str = "INFO") -> Path:
    """Attach the rotating file handler to the ``notifier`` logger (idempotent per path)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE_NAME
    root = logging.getLogger("notifier")
    for h in list(root.handlers):
        if isinstance(h, logging.handlers.RotatingFileHandler):
            if Path(h.baseFilename) == path.resolve():
                return path
            root.removeHandler(h)
            h.close()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"))
    handler.addFilter(RedactingFilter(redactor))
    root.addHandler(handler)
    root.setLevel(getattr(logging, level.upper(), logging.INFO))
    root.propagate = True
    return path


def release(location: Path) -> None:
    """Close and detach every file handler of the ``notifier`` logger writing at or under *location*.

    Windows refuses to delete a folder, or a file, that a process still holds open
    (``PermissionError [WinError 32]``): whoever removes a data folder (the self-test's
    temporary ones) releases its log file first.
    """
    target = location.resolve()
    root = logging.getLogger("notifier")
    for h in list(root.handlers):
        if isinstance(h, logging.FileHandler):
            path = Path(h.baseFilename)
            if path == target or target in path.parents:
                root.removeHandler(h)
                h.close()
