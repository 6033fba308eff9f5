#!/usr/bin/env python3
"""One entry point that sets everything up on a fresh machine (Linux, macOS, Windows).

    python3 dev.py run      # create .venv, install, start the window
    python3 dev.py test     # create .venv, install with test extras, run the whole test suite

Extra arguments after `test` go to pytest. The virtual environment is rebuilt only when
pyproject.toml changes (a stamp file records its hash), so repeated runs start fast.
Only the standard library is used here: this script runs before anything is installed.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"


def _venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def _ensure_venv(extras: str) -> Path:
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    py = _venv_python()
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed-{extras or 'base'}"
    if py.exists() and stamp.exists() and stamp.read_text() == digest:
        return py
    if not py.exists():
        print(f"Creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    target = f".[{extras}]" if extras else "."
    print(f"Installing {target} into {VENV}", flush=True)
    subprocess.run(
        [str(py), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target],
        cwd=ROOT,
        check=True,
    )
    stamp.write_text(digest)
    return py


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    py = _ensure_venv("test" if command == "test" else "")
    # The .qm translations are built from the .ts sources (never committed).
    subprocess.run([str(py), str(ROOT / "tools" / "i18n.py"), "build"], cwd=ROOT, check=True)
    if command == "test":
        return subprocess.call([str(py), "-m", "pytest", *rest], cwd=ROOT)
    return subprocess.call([str(py), "-m", "notifier_gui", *rest], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
