"""The window's part of ``Notifier --self-test`` (ui/selftest.py), run in-process."""
from __future__ import annotations

import asyncio

import pytest

from PySide6.QtWidgets import QApplication

from notifier_gui.ui.selftest import qt_check

from notifier_gui.app import _icon_path

from tests.selftest_helpers import open_files_at_removal


def test_window_check_releases_every_file_before_removing_its_folder(
        qapp: QApplication, qasync_loop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch) -> None:
    # Windows refused to remove this folder while its log file was open (WinError 32): the
    # frozen Notifier.exe --self-test failed under Wine. Here: nothing may be open at removal.
    with open_files_at_removal(monkeypatch) as seen:
        try:
            detail = qt_check(qapp, _icon_path())
        finally:
            own = asyncio.get_event_loop_policy().get_event_loop()  # the check installs a loop of its own
            left = [t for t in asyncio.all_tasks(own) if not t.done()]
            if own is not qasync_loop:
                own.close()
            asyncio.set_event_loop(qasync_loop)
    assert "main window shows the recipients view" in detail
    assert left == []  # the window's reads ended with the check, not destroyed pending at exit
    assert len(seen) == 1
    assert seen == {folder: [] for folder in seen}
