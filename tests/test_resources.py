"""The program's assets: sources in resources/ at the top, built into the package folder the
program loads them from, by the same code for dev.py, the wheel (setup.py) and the Windows build."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _resources():  # tools/resources.py, as dev.py and setup.py load it
    spec = importlib.util.spec_from_file_location("notifier_tools_resources", ROOT / "tools" / "resources.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_source_is_built_into_the_target_folder(tmp_path: Path) -> None:
    res = _resources()
    built = res.build(tmp_path)
    sources = sorted((ROOT / "resources" / "translations").glob("*.ts"))
    assert sources, "no translation sources in resources/translations"
    for ts in sources:
        qm = tmp_path / "translations" / f"{ts.stem}.qm"
        assert qm in built and qm.read_bytes()[:16] == bytes.fromhex("3cb86418caef9c95cd211cbf60a1bddd")  # Qt's .qm magic
    for name in ("icon.png", "icon.ico"):
        assert (tmp_path / name).read_bytes() == (ROOT / "resources" / "icon" / name).read_bytes()


def test_the_wheel_build_places_the_assets_where_the_program_loads_them(tmp_path: Path) -> None:
    """setup.py's build_py (what `pip install .` and `pip wheel .` run) builds resources/ into
    the package; without it an installed program had no icon and no Russian."""
    subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(tmp_path)],
                   cwd=ROOT, check=True, capture_output=True)
    package = tmp_path / "notifier_gui" / "resources"
    assert (package / "translations" / "notifier_ru.qm").stat().st_size > 0
    assert (package / "icon.png").is_file() and (package / "icon.ico").is_file()


def test_only_sources_are_committed() -> None:
    """resources/ holds the sources; notifier_gui/resources/ only its __init__.py (the rest is built)."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run(["git", "ls-files", "notifier_gui/resources", "resources"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split()
    assert [p for p in listed if p.startswith("notifier_gui/")] == ["notifier_gui/resources/__init__.py"]
    assert "resources/translations/notifier_ru.ts" in listed and "resources/icon/icon.ico" in listed
