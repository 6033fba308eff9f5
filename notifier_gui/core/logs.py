"""Logging into a rotating file under the data dir, with secrets redacted from every record."""
from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

from .permissions import FILE_MODE, private_dir
from .secrets import Redactor

LOG_FILE_NAME = "notifier.log"


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Log files (the current one and each new one after a rotation) created 0600."""

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:
        # A full disk (or a vanished folder) must not print logging's own traceback on the
        # operator's terminal: the program says what is wrong in its own words.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handleError(record)


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
    private_dir(log_dir)
    path = log_dir / LOG_FILE_NAME
    root = logging.getLogger("notifier")
    for h in list(root.handlers):
        if isinstance(h, logging.handlers.RotatingFileHandler):
            if Path(h.baseFilename) == path.resolve():
                return path
            root.removeHandler(h)
            h.close()
    handler = PrivateRotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
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
