"""Running the ``notifier`` command: in this process (:func:`notifier`, the fast default) or
as a real child process (:func:`notifier_process`, for what only a process shows: the
installed entry point, exit on a signal, output of a process that dies, file permissions
set by its umask)."""
from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.core

from notifier_gui.core.config import env_prefixes

ROOT = Path(__file__).resolve().parent.parent


def env_for(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(env_prefixes())}
    env["NOTIFIER_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def _become(env: dict[str, str]) -> None:
    for name in [n for n in os.environ if n not in env]:
        del os.environ[name]
    for name, value in env.items():
        if os.environ.get(name) != value:
            os.environ[name] = value


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    """This process's environment replaced by ``env`` for the block (restored after). Only
    the names that differ are touched: other threads may read the environment meanwhile."""
    saved = dict(os.environ)
    backend = keyring.get_keyring()  # this process's, chosen from its own environment
    _become(env)
    # What a process reads once at start is read again here: the time zone, and the
    # keyring backend named by PYTHON_KEYRING_BACKEND.
    time.tzset()
    if env.get("PYTHON_KEYRING_BACKEND") != saved.get("PYTHON_KEYRING_BACKEND"):
        keyring.core.init_backend()
    try:
        yield
    finally:
        _become(saved)
        time.tzset()
        keyring.set_keyring(backend)


@contextlib.contextmanager
def _own_log_handlers() -> Iterator[None]:
    """Log handlers the command adds (its log file) are closed when it returns, as at a
    process's exit; a failed start leaves none behind for the next command."""
    root = logging.getLogger("notifier")
    before = list(root.handlers)
    try:
        yield
    finally:
        for h in [h for h in root.handlers if h not in before]:
            root.removeHandler(h)
            with contextlib.suppress(OSError):  # a full disk: logging.shutdown ignores it too
                h.close()


def _qt_running() -> bool:
    widgets = sys.modules.get("PySide6.QtWidgets")
    return widgets is not None and widgets.QApplication.instance() is not None


def notifier(data_dir: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None,
             timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``notifier ARGS`` run in this process: ``cli.main(argv, out, stdin)`` with the
    environment a child would get and its streams captured; the result looks like a
    finished process's (exit status, stdout, stderr). ``timeout`` is the child's only.

    In a test process that runs a QApplication (tests/ui) the command runs as a child
    process instead, as it did before: a later window crashed in QMainWindow's constructor
    (a segfault, three times in five runs, each time after in-process commands had run in
    the Qt process); switching the environment under Qt's threads is the suspect."""
    if _qt_running():
        return notifier_process(data_dir, *args, stdin=stdin, env=env, timeout=timeout)
    from notifier_gui import cli

    out, err = io.StringIO(), io.StringIO()
    umask = os.umask(0o022)
    os.umask(umask)
    cwd = Path.cwd()
    try:
        with _environment(env or env_for(data_dir)), _own_log_handlers(), contextlib.redirect_stderr(err), \
                contextlib.redirect_stdout(out):
            os.chdir(data_dir.parent)
            try:
                status = cli.main(list(args), out, io.StringIO(stdin))
            except SystemExit as exc:  # argparse: --help, --version, a usage error
                status = exc.code if isinstance(exc.code, int) else 0
    finally:
        os.chdir(cwd)
        os.umask(umask)
    return subprocess.CompletedProcess(["notifier", *args], status, out.getvalue(), err.getvalue())


def notifier_process(data_dir: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None,
                     timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``notifier ARGS`` as a real child process."""
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
