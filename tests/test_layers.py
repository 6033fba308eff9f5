"""The layers' rules (docs/ARCHITECTURE.md), checked in a fresh interpreter: importing every
module of core/ loads no Qt, and the HTTP face loads neither Qt nor the window."""
from __future__ import annotations

import subprocess
import sys

from tests.cli_helpers import ROOT

_PROBE = """
import importlib, pkgutil, sys
import notifier_gui.{package} as root
for m in pkgutil.walk_packages(root.__path__, root.__name__ + "."):
    if ".migrations" not in m.name:
        importlib.import_module(m.name)
print(" ".join(sorted(n for n in sys.modules if n.split(".")[0] in ("PySide6", "shiboken6", "qasync")
                      or n.startswith("notifier_gui.ui"))))
"""


def _loaded_by(package: str) -> list[str]:
    r = subprocess.run([sys.executable, "-c", _PROBE.format(package=package)], cwd=ROOT, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


def test_the_core_imports_no_qt() -> None:
    assert _loaded_by("core") == []


def test_the_api_imports_neither_qt_nor_the_window() -> None:
    assert _loaded_by("api") == []
