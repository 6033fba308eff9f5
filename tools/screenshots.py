#!/usr/bin/env python3
"""Render the main screens to docs/screenshots/ (offscreen), for the README.

    .venv/bin/python tools/screenshots.py

The UI tests build each screen with realistic data and save it when SCREENSHOT_DIR
names a folder (tests/ui/test_screen_sizes.py renders the main window and Settings at
1366x768 and 1024x600, English and Russian); this runs just those tests with it pointing at docs/screenshots. Look at
every picture after running it: clipped labels, empty panes and overlaps are defects.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    env = dict(os.environ, SCREENSHOT_DIR=str(ROOT / "docs" / "screenshots"), QT_QPA_PLATFORM="offscreen")
    (ROOT / "docs" / "screenshots").mkdir(parents=True, exist_ok=True)
    return subprocess.call([sys.executable, "-m", "pytest", "-q", "tests/ui", "-k",
                            "screenshot or russian or settings_email or link_dialog or compose or recipients or small_sizes"],
                           cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
