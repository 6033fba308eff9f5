#!/usr/bin/env python3
"""The program's assets: sources in ``resources/`` at the top of the repository, built into
the package folder ``notifier_gui/resources/`` where the program loads them at run time
(``importlib.resources``: from source, from a wheel and from the frozen bundle alike).

    python tools/resources.py build            # into notifier_gui/resources/ (dev.py runs this)
    python tools/resources.py build DIR        # into DIR (the wheel build: setup.py)

What is built:
- ``resources/translations/*.ts`` → ``translations/*.qm`` (Qt's lrelease, from PySide6);
- ``resources/icon/icon.png`` and ``icon.ico`` → copied as they are.

Nothing in ``notifier_gui/resources/`` but its ``__init__.py`` is committed. Run with an
interpreter that has PySide6 (the project's virtual environment; setup.py's build has it as a
build requirement). Without PySide6, translations already built into the package folder are
used and a missing one is an error, never a silently English program.
"""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources"
PACKAGE = ROOT / "notifier_gui" / "resources"
ICONS = ("icon.png", "icon.ico")


class ResourceError(RuntimeError):
    pass


def qt_tool(name: str) -> str | None:
    """A Qt tool shipped inside the PySide6 wheel (``lrelease``, ``lupdate``), or None."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        for candidate in (Path(folder) / name, Path(folder) / f"{name}.exe"):
            if candidate.is_file():
                return str(candidate)
    return None


def _stale(target: Path, source: Path) -> bool:
    return not target.exists() or target.stat().st_mtime < source.stat().st_mtime


def build(target: Path = PACKAGE, quiet: bool = True) -> list[Path]:
    """Build every asset into ``target``; returns the files there. Up-to-date ones are kept."""
    out: list[Path] = []
    (target / "translations").mkdir(parents=True, exist_ok=True)
    for ts in sorted((SOURCE / "translations").glob("*.ts")):
        qm = target / "translations" / f"{ts.stem}.qm"
        if _stale(qm, ts):
            lrelease, prebuilt = qt_tool("lrelease"), PACKAGE / "translations" / qm.name
            if lrelease is not None:
                subprocess.run([lrelease, *(["-silent"] if quiet else []), str(ts), "-qm", str(qm)], check=True)
            elif target != PACKAGE and not _stale(prebuilt, ts):
                shutil.copy2(prebuilt, qm)  # built already (the Windows build's own lrelease)
            else:
                raise ResourceError(f"cannot build {qm.name}: PySide6 (its lrelease) is not installed here")
        out.append(qm)
    for name in ICONS:
        source, copy = SOURCE / "icon" / name, target / name
        if _stale(copy, source) or copy.stat().st_size != source.stat().st_size:
            shutil.copyfile(source, copy)
        out.append(copy)
    return out


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "build" or len(argv) > 2:
        print(__doc__)
        return 2
    try:
        built = build(Path(argv[1]) if len(argv) == 2 else PACKAGE)
    except (ResourceError, subprocess.CalledProcessError) as exc:
        print(f"resources: {exc}", file=sys.stderr)
        return 1
    print(f"resources: {len(built)} files in {built[0].parent.parent if built else PACKAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
