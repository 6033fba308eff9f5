"""Can Qt open a window here? Checked before Qt tries, so the operator gets a sentence
and an ``apt-get install`` line instead of Qt's abort.

Qt's own abort ("Could not load the Qt platform plugin "xcb" … Reinstalling the
application may fix this problem", exit 250) names ``libxcb-cursor0`` whatever is
missing, and with no display at all it says nothing useful either. Two questions are
answered here, without Qt:

- is there a display at all (Linux: ``DISPLAY`` / ``WAYLAND_DISPLAY``, unless
  ``QT_QPA_PLATFORM`` picks a platform explicitly);
- which shared libraries does Qt's xcb plugin (and the Qt libraries it loads) miss:
  ``ldd`` lists them as "not found", and each soname maps to its Debian package.

Standard library only: ``dev.py`` runs this as ``python -m notifier_gui.platform_check``
in the virtual environment, and ``app.py`` calls it before creating the QApplication.
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

# Qt's libraries the xcb plugin pulls in (PySide6/Qt/lib); ldd of each lists its own needs.
QT_LIBS = ("libQt6XcbQpa.so.6", "libQt6Gui.so.6", "libQt6Widgets.so.6", "libQt6Core.so.6",
           "libQt6DBus.so.6", "libQt6Network.so.6")
# The packages Qt's xcb plugin needs on Debian/Ubuntu (README, "Linux system packages").
DEBIAN_PACKAGES = ("libxcb-cursor0", "libxcb-icccm4", "libxcb-image0", "libxcb-keysyms1",
                   "libxcb-randr0", "libxcb-render-util0", "libxcb-shape0", "libxcb-xinerama0",
                   "libxcb-xkb1", "libxkbcommon-x11-0", "libegl1", "libfontconfig1", "libdbus-1-3")

# Sonames whose Debian package does not follow the naming rule in debian_package().
_SONAME_PACKAGES = {
    "libglib-2.0.so.0": "libglib2.0-0", "libgobject-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0", "libgio-2.0.so.0": "libglib2.0-0",
    "libz.so.1": "zlib1g", "libharfbuzz.so.0": "libharfbuzz0b", "libgcc_s.so.1": "libgcc-s1",
    "libEGL.so.1": "libegl1", "libGL.so.1": "libgl1", "libOpenGL.so.0": "libopengl0",
}
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$", re.MULTILINE)
_SONAME = re.compile(r"^(lib[^/]+?)\.so\.(\d+)")


def debian_package(soname: str) -> str:
    """``libxcb-icccm.so.4`` → ``libxcb-icccm4``, ``libxkbcommon-x11.so.0`` → ``libxkbcommon-x11-0``.

    Debian names a library package after the soname: lower case, ``_`` → ``-``, and the
    major version appended (after a hyphen when the name itself ends in a digit).
    """
    if soname in _SONAME_PACKAGES:
        return _SONAME_PACKAGES[soname]
    m = _SONAME.match(soname)
    if not m:
        return soname
    base, major = m.group(1).lower().replace("_", "-"), m.group(2)
    return f"{base}-{major}" if base[-1].isdigit() else f"{base}{major}"


def missing_sonames(ldd_output: str) -> list[str]:
    """The "not found" lines of ``ldd`` output, in order, without repeats."""
    return list(dict.fromkeys(_NOT_FOUND.findall(ldd_output)))


def pyside_dir() -> Path | None:
    """The installed PySide6 package folder, found without importing it."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def xcb_files(pyside: Path) -> list[Path]:
    """Qt's xcb platform plugin and the Qt libraries it loads, as installed with PySide6."""
    files = [pyside / "Qt" / "plugins" / "platforms" / "libqxcb.so"]
    files += [pyside / "Qt" / "lib" / name for name in QT_LIBS]
    return [f for f in files if f.exists()]


def missing_libraries(files: Iterable[Path]) -> list[str]:
    """Sonames that ``ldd`` cannot resolve for any of ``files`` (empty without ldd)."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    out: list[str] = []
    for f in files:
        result = subprocess.run([ldd, str(f)], capture_output=True, text=True, check=False)
        out += missing_sonames(result.stdout)
    return list(dict.fromkeys(out))


def install_line(sonames: Iterable[str]) -> str:
    """The exact command that installs what is missing (Qt's own libraries excluded: they
    come with PySide6, and a missing one means a broken install, not a system package)."""
    packages = dict.fromkeys(debian_package(s) for s in sonames if not s.startswith("libQt6"))
    return "sudo apt-get install " + " ".join(packages) if packages else ""


def no_display(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Linux/BSD without a display server to talk to, and no platform chosen explicitly."""
    if platform in ("win32", "darwin") or environ.get("QT_QPA_PLATFORM"):
        return False
    return not environ.get("DISPLAY") and not environ.get("WAYLAND_DISPLAY")


def uses_xcb(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Qt will load its xcb plugin: X11 (not Wayland), or xcb chosen explicitly."""
    if platform in ("win32", "darwin"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(":")[0].split(";")[0] == "xcb"
    return bool(environ.get("DISPLAY")) and not environ.get("WAYLAND_DISPLAY")


def no_display_message() -> str:
    return ("Notifier cannot open its window: there is no screen to show it on (neither DISPLAY "
            "nor WAYLAND_DISPLAY is set). Start it from a desktop session, or work without a "
            "screen: `notifier demo` shows the whole chain in the terminal, and `notifier --help` "
            "lists the commands (users, send, worker, check).")


def missing_message(sonames: Iterable[str]) -> str:
    names = list(sonames)
    line = install_line(names)
    text = ("Notifier cannot open its window: Qt's X11 platform plugin needs system libraries "
            f"that are not installed ({', '.join(names)}).")
    if line:
        text += f" Install them with:\n\n    {line}\n\n"
    if any(s.startswith("libQt6") for s in names):
        text += " Qt's own libraries are missing from the PySide6 install: reinstall it (python3 dev.py run). "
    return text + ("Without a screen, `notifier demo` shows the whole chain in the terminal, "
                   "and `notifier --help` lists the commands.")


def problem(environ: Mapping[str, str] | None = None, platform: str = sys.platform,
            pyside: Path | None = None) -> str | None:
    """What stops Qt from opening a window here, in words; None when nothing is known to.

    The library check runs ``ldd`` only when the plugin cannot be loaded (``load`` below),
    so a healthy start pays one ``dlopen`` of a plugin Qt loads anyway.
    """
    env = os.environ if environ is None else environ
    if no_display(env, platform):
        return no_display_message()
    if not uses_xcb(env, platform):
        return None
    folder = pyside or pyside_dir()
    if folder is None:
        return None
    files = xcb_files(folder)
    if not files or _loads(files[0]):
        return None
    missing = missing_libraries(files)
    return missing_message(missing) if missing else None


def _loads(library: Path) -> bool:
    import ctypes

    try:
        ctypes.CDLL(str(library), mode=os.RTLD_LAZY)
    except OSError:
        return False
    return True


def main() -> int:
    """``python -m notifier_gui.platform_check`` (dev.py run): exit 1 with the fix printed.

    Unlike ``problem()`` this always runs ``ldd`` on Linux, display or not: the operator
    learns every missing package at once, before the first start."""
    problems = []
    folder = pyside_dir()
    chosen = os.environ.get("QT_QPA_PLATFORM")
    if folder is not None and sys.platform.startswith("linux") and (not chosen or uses_xcb(os.environ)):
        missing = missing_libraries(xcb_files(folder))
        if missing:
            problems.append(missing_message(missing))
    if no_display(os.environ):
        problems.append(no_display_message())
    for text in problems:
        print(text, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
