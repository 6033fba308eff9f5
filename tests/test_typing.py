"""mypy strict (pyproject [tool.mypy]) on the core and on the program's faces; a type error fails
the suite. Each check keeps its own cache (.mypy_cache/<check> in the repository, git-ignored)
between runs, so an unchanged tree is checked in seconds; one cache shared by checks with
different options would be rewritten by each of them."""
from __future__ import annotations

import subprocess
import sys

from tests.cli_helpers import ROOT

# What mypy --strict checks (given on the command line, these replace pyproject's ``files``).
STRICT = ["notifier_gui/core", "notifier_gui/ui"]


def mypy(check: str, *args: str) -> subprocess.CompletedProcess[str]:
    cache = ROOT / ".mypy_cache" / check
    return subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary", "--cache-dir", str(cache), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_core_passes_mypy_strict() -> None:
    r = mypy("core", *STRICT)
    assert r.returncode == 0, r.stdout + r.stderr


def test_cli_app_and_api_pass_mypy_strict() -> None:
    # The modules they import (the window's) are followed for their types; their own
    # errors are reported by their own check, not here.
    r = mypy("faces", "--follow-imports=silent", "notifier_gui/cli.py", "notifier_gui/app.py", "notifier_gui/api")
    assert r.returncode == 0, r.stdout + r.stderr
