"""The core and the window are type-checked in strict mode (pyproject [tool.mypy]); a type error fails the suite."""
from __future__ import annotations

import subprocess
import sys

from tests.cli_helpers import ROOT

# What mypy --strict checks (given on the command line, these replace pyproject's ``files``).
STRICT = ["notifier_gui/core", "notifier_gui/ui"]


def test_core_passes_mypy_strict() -> None:
    r = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-error-summary", *STRICT], cwd=ROOT,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
