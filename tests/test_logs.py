"""The log file on a full disk: records are dropped, logging's own traceback never reaches
the operator's terminal."""
from __future__ import annotations

import errno
import logging
from pathlib import Path

import pytest

from notifier_gui.core import logs


class _FullDisk:
    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def tell(self) -> int:
        return 0

    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def flush(self) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    def close(self) -> None:
        pass


def test_a_log_record_on_a_full_disk_prints_no_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = logs.setup(tmp_path / "logs", lambda text: text)
    handler = next(h for h in logging.getLogger("notifier").handlers if getattr(h, "baseFilename", "") == str(path.resolve()))
    real = handler.stream
    handler.stream = _FullDisk()  # type: ignore[assignment]
    try:
        logging.getLogger("notifier.test").error("the disk is full")
    finally:
        handler.stream = real
        logging.getLogger("notifier").removeHandler(handler)
        handler.close()
    assert "Logging error" not in capsys.readouterr().err
