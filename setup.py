"""The wheel's build step for the program's assets (everything else is in pyproject.toml).

``build_py`` also builds ``resources/`` (the .ts translations, the icon) into the wheel's
``notifier_gui/resources/`` with ``tools/resources.py``, so ``pip install .`` ships the
compiled translations and the icon the program loads through ``importlib.resources``.
"""
from __future__ import annotations

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithResources(build_py):
    def run(self) -> None:
        super().run()
        sys.path.insert(0, str(HERE / "tools"))
        import resources

        built = resources.build(Path(self.build_lib) / "notifier_gui" / "resources")
        print(f"notifier: {len(built)} resource files built into the wheel")


setup(cmdclass={"build_py": BuildWithResources})
