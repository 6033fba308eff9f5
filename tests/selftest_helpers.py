"""Watches the self-test's temporary folders: which files the process still holds open
when a folder is removed. Linux deletes such a folder anyway; Windows refuses
(``PermissionError [WinError 32]``), so on Linux this is how the Windows failure is seen."""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest


@contextmanager
def open_files_at_removal(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[str]]]:
    """Yields {temporary folder: files of it still open when it was removed}."""
    seen: dict[str, list[str]] = {}

    class Watched(tempfile.TemporaryDirectory):  # type: ignore[type-arg]
        def cleanup(self) -> None:
            root = Path(self.name).resolve()
            seen[str(root)] = [f.path for f in psutil.Process().open_files()
                               if root in Path(f.path).resolve().parents]
            super().cleanup()

    monkeypatch.setattr(tempfile, "TemporaryDirectory", Watched)
    yield seen
