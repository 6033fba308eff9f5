"""Running the real ``notifier`` command in a child process."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from notifier_gui.core.config import env_prefixes

ROOT = Path(__file__).resolve().parent.parent


def env_for(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(env_prefixes())}
    env["NOTIFIER_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def notifier(data_dir: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None,
             timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "notifier_gui.cli", *args], input=stdin, text=True,
                          capture_output=True, env=env or env_for(data_dir), cwd=data_dir.parent, timeout=timeout)


def start_worker(data_dir: Path, *args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "notifier_gui.cli", "worker", *args], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=data_dir.parent)


def as_json(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def newer_database(folder: Path) -> None:
    """A database in ``folder`` whose schema revision this version does not know."""
    import sqlite3

    from notifier_gui.core.storage.engine import open_database

    open_database(f"sqlite:///{folder / 'notifier.db'}").dispose()
    with sqlite3.connect(folder / "notifier.db") as c:
        c.execute("UPDATE alembic_version SET version_num = '0999'")
