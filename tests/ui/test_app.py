"""The real program started as a process: start-up, single instance, clean exit."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli_helpers import ROOT, env_for

pytestmark = pytest.mark.slow


def start(data_dir: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    e = env_for(data_dir, QT_QPA_PLATFORM="offscreen", **env)
    return subprocess.Popen([sys.executable, "-m", "notifier_gui", *args], cwd=ROOT, env=e, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_starts_sends_in_sandbox_and_exits_cleanly(data_dir: Path) -> None:
    from notifier_gui.core.storage.engine import open_database
    from notifier_gui.core.storage.repository import Store

    store = Store(open_database(f"sqlite:///{data_dir / 'notifier.db'}"))
    rid = store.add_recipient("Анна", email="anna@example.org")
    (nid,) = store.enqueue([rid], "queued before the window opened")
    proc = start(data_dir, "--quit-after", "4")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "QThread: Destroyed while thread" not in err and "Traceback" not in err, err
    assert store.notification(nid)["state"] == "delivered"  # type: ignore[index]  # the worker ran
    log = (data_dir / "logs" / "notifier.log").read_text(encoding="utf-8")
    assert "dispatcher" in log and "ERROR" not in log and "CRITICAL" not in log


def test_second_start_hands_over_to_the_first(data_dir: Path) -> None:
    first = start(data_dir, "--quit-after", "15")
    log = data_dir / "logs" / "notifier.log"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (log.exists() and "started with" in log.read_text(encoding="utf-8")):
        time.sleep(0.1)  # polling a file another process writes; there is no signal to wait on
    second = start(data_dir)
    try:
        second.communicate(timeout=20)
        assert second.returncode == 0
        assert first.poll() is None  # the first one is still running
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "bringing it forward" not in log.read_text(encoding="utf-8"):
            time.sleep(0.1)
        assert "bringing it forward" in log.read_text(encoding="utf-8")
    finally:
        first.terminate()
        first.communicate(timeout=30)
