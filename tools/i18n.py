#!/usr/bin/env python3
"""Translations: the .ts files are the sources; the .qm files are built from them.

    python tools/i18n.py update   # refresh resources/translations/*.ts from the code (lupdate)
    python tools/i18n.py build    # compile .ts -> .qm and place every asset (tools/resources.py)

Run with the project's virtual environment, which has PySide6-Essentials and its tools.
"""
from __future__ import annotations

import copy
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS_DIR = ROOT / "resources" / "translations"  # the sources; the .qm go into notifier_gui/resources/
LANGUAGES = ("ru",)


def _tool(name: str) -> str:
    here = Path(sys.executable).parent
    for candidate in (here / name, here / f"{name}.exe"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        sys.exit(f"{name} not found: run this with the project's virtual environment")
    return found


def sources() -> list[str]:
    files = sorted((ROOT / "notifier_gui" / "ui").rglob("*.py")) + [ROOT / "notifier_gui" / "app.py"]
    return [str(f.relative_to(ROOT)) for f in files]


def _known(ts: Path) -> dict[tuple[str, str], ET.Element]:
    """Every finished translation in ``ts`` by (source, comment), whatever its context."""
    known: dict[tuple[str, str], ET.Element] = {}
    for message in ET.parse(ts).getroot().iter("message"):
        translation = message.find("translation")
        if translation is not None and translation.get("type") not in ("unfinished", "obsolete", "vanished"):
            known.setdefault((message.findtext("source", ""), message.findtext("comment", "")), translation)
    return known


def _carry_over(ts: Path, known: dict[tuple[str, str], ET.Element]) -> int:
    """Fill new unfinished messages whose text was translated in another context before (a
    class moved or was renamed: its strings' context changed, their text did not)."""
    tree = ET.parse(ts)
    filled = 0
    for message in tree.getroot().iter("message"):
        translation = message.find("translation")
        if translation is None or translation.get("type") != "unfinished":  # lupdate's same-text guesses too
            continue
        old = known.get((message.findtext("source", ""), message.findtext("comment", "")))
        if old is not None:
            message.remove(translation)
            message.append(copy.deepcopy(old))
            filled += 1
    if filled:
        tree.write(ts, encoding="utf-8", xml_declaration=True)
    return filled


def update() -> None:
    for lang in LANGUAGES:
        ts = TS_DIR / f"notifier_{lang}.ts"
        known = _known(ts)
        lupdate = [_tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none", *sources(), "-ts",
                   str(ts.relative_to(ROOT))]
        subprocess.run(lupdate, cwd=ROOT, check=True)
        if _carry_over(ts, known):
            subprocess.run(lupdate, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # lupdate's own layout again


def build(quiet: bool = False) -> list[Path]:
    """Compile every .ts whose .qm is missing or older, and place the icons. Returns the .qm files."""
    sys.path.insert(0, str(ROOT / "tools"))
    import resources

    return [p for p in resources.build(quiet=quiet) if p.suffix == ".qm"]


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in {"update", "build"}:
        sys.exit(__doc__)
    update() if sys.argv[1] == "update" else build()
