"""mypy strict (pyproject [tool.mypy]) on the core and on the program's faces; a type error fails
the suite. One mypy run checks both (the modules the faces import are the core's and the
window's, so two runs analysed most of the tree twice: 30 s of CPU on a fresh clone instead
of 15); each test reports the errors of its own part.

The run keeps its cache outside the checkout, in the user's cache folder (``NOTIFIER_MYPY_CACHE``
names another): mypy keys it by module and checks each file's content, so every clone on the
machine reuses what an earlier one checked. A fresh clone (CI's) spent 18 s of CPU, 44 s
while the other test processes ran, on a cold cache; with a warm one, under a second."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

from tests.cli_helpers import ROOT

# What mypy --strict checks (given on the command line, these replace pyproject's ``files``).
CORE = ["notifier_gui/core", "notifier_gui/ui"]
FACES = ["notifier_gui/cli.py", "notifier_gui/app.py", "notifier_gui/api"]
CACHE = Path(os.environ.get("NOTIFIER_MYPY_CACHE") or platformdirs.user_cache_path("notifier-dev", appauthor=False) / "mypy")


@pytest.fixture(scope="module")
def findings() -> list[str]:
    """mypy's lines (``path:line: error: ...`` and their notes), paths with forward slashes."""
    r = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary", "--cache-dir", str(CACHE), *CORE, *FACES],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    lines = [line.replace("\\", "/") for line in r.stdout.splitlines() if line.strip()]
    # 0: clean; 1: type errors, which are then listed; anything else: mypy itself failed.
    assert (r.returncode, bool(lines)) in {(0, False), (1, True)}, r.stdout + r.stderr
    return lines


def test_core_passes_mypy_strict(findings: list[str]) -> None:
    mine = [line for line in findings if line.startswith(tuple(CORE))]
    assert not mine, "\n".join(mine)


def test_cli_app_and_api_pass_mypy_strict(findings: list[str]) -> None:
    # ...and any other module of the program they import: every line the core's test leaves.
    rest = [line for line in findings if not line.startswith(tuple(CORE))]
    assert not rest, "\n".join(rest)
