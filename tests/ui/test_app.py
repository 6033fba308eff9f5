"""The real program started as a process: start-up, single instance, clean exit."""
from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli_helpers import ROOT, env_for

pytestmark = pytest.mark.slow


def start(data_dir: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    e = env_for(data_dir, QT_QPA_PLATFORM="offscreen", **env)
    return subprocess.Popen([sys.executable, "-m", "notifier_gui", *args], cwd=ROOT, env=e, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen[str], seconds: float = 60) -> None:
    """Poll what another process writes (a file, the database): there is no signal to wait on."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the condition never came true"
        time.sleep(0.1)


def test_starts_sends_in_sandbox_and_exits_cleanly(data_dir: Path) -> None:
    from notifier_gui.core.storage.engine import open_database
    from notifier_gui.core.storage.repository import Store

    store = Store(open_database(f"sqlite:///{data_dir / 'notifier.db'}"))
    rid = store.add_recipient("Анна", email="anna@example.org")
    (nid,) = store.enqueue([rid], "queued before the window opened")
    proc = start(data_dir)
    try:
        wait_for(lambda: store.notification(nid)["state"] == "delivered", proc)  # type: ignore[index]
    finally:
        proc.terminate()  # SIGTERM: quits as the tray's Quit does
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "QThread: Destroyed while thread" not in err and "Traceback" not in err, err
    assert store.notification(nid)["state"] == "delivered"  # type: ignore[index]  # the worker ran
    log = (data_dir / "logs" / "notifier.log").read_text(encoding="utf-8")
    assert "dispatcher" in log and "ERROR" not in log and "CRITICAL" not in log


def test_second_start_hands_over_to_the_first(data_dir: Path) -> None:
    first = start(data_dir)
    log = data_dir / "logs" / "notifier.log"
    try:
        wait_for(lambda: log.exists() and "started with" in log.read_text(encoding="utf-8"), first)
        second = start(data_dir)
        second.communicate(timeout=60)
        assert second.returncode == 0
        assert first.poll() is None  # the first one is still running
        wait_for(lambda: "bringing it forward" in log.read_text(encoding="utf-8"), first)
    finally:
        first.terminate()
        first.communicate(timeout=30)
    assert first.returncode == 0
