"""Before Qt tries to open a window: no display, or Qt's xcb plugin missing system libraries,
is said in words with the apt-get line (notifier_gui/platform_check.py, dev.py run, app.py)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from notifier_gui import platform_check as pc

LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007ffd5e9f0000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f1b82800000)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f1b82b22000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f1b82400000)
"""


def test_ldd_not_found_lines_become_the_apt_get_line() -> None:
    missing = pc.missing_sonames(LDD_OUTPUT)
    assert missing == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]  # the installed xcb-cursor is not blamed
    assert pc.install_line(missing) == "sudo apt-get install libxcb-icccm4 libxcb-keysyms1"
    text = pc.missing_message(missing)
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in text and "notifier demo" in text


@pytest.mark.parametrize(("soname", "package"), [
    ("libxcb-icccm.so.4", "libxcb-icccm4"), ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-cursor.so.0", "libxcb-cursor0"), ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"), ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libdbus-1.so.3", "libdbus-1-3"), ("libEGL.so.1", "libegl1"), ("libfontconfig.so.1", "libfontconfig1"),
    ("libglib-2.0.so.0", "libglib2.0-0"), ("libgssapi_krb5.so.2", "libgssapi-krb5-2"),
])
def test_sonames_map_to_debian_packages(soname: str, package: str) -> None:
    assert pc.debian_package(soname) == package


def test_qt_libraries_missing_means_reinstall_not_apt() -> None:
    assert pc.install_line(["libQt6XcbQpa.so.6"]) == ""
    assert "reinstall" in pc.missing_message(["libQt6XcbQpa.so.6"])


@pytest.mark.skipif(not (shutil.which("gcc") and shutil.which("ldd")), reason="needs gcc and ldd")
def test_real_ldd_finds_what_a_plugin_misses(tmp_path: Path) -> None:
    """A stand-in for Qt's plugin, linked against a library that is then removed."""
    (tmp_path / "dep.c").write_text("int dep(void) { return 1; }\n")
    (tmp_path / "plugin.c").write_text("int dep(void); int plugin(void) { return dep(); }\n")
    dep = tmp_path / "libxcb-fakeicccm.so.4"
    subprocess.run(["gcc", "-shared", "-fPIC", "-Wl,-soname,libxcb-fakeicccm.so.4", "-o", str(dep),
                    str(tmp_path / "dep.c")], check=True)
    (tmp_path / "libxcb-fakeicccm.so").symlink_to(dep.name)
    platforms = tmp_path / "PySide6" / "Qt" / "plugins" / "platforms"
    platforms.mkdir(parents=True)
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(platforms / "libqxcb.so"), str(tmp_path / "plugin.c"),
                    f"-L{tmp_path}", "-lxcb-fakeicccm"], check=True)
    dep.unlink()

    files = pc.xcb_files(tmp_path / "PySide6")
    assert files == [platforms / "libqxcb.so"]
    assert not pc._loads(files[0])
    assert pc.missing_libraries(files) == ["libxcb-fakeicccm.so.4"]
    env = {"DISPLAY": ":0"}
    text = pc.problem(env, "linux", tmp_path / "PySide6")
    assert text is not None and "sudo apt-get install libxcb-fakeicccm4" in text


def test_display_rules() -> None:
    assert pc.no_display({}, "linux")
    assert "notifier demo" in (pc.problem({}, "linux") or "")
    assert not pc.no_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not pc.no_display({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert pc.problem({}, "win32") is None and pc.problem({}, "darwin") is None
    assert pc.uses_xcb({"DISPLAY": ":0"}, "linux")
    assert not pc.uses_xcb({"DISPLAY": ":0", "WAYLAND_DISPLAY": "w"}, "linux")
    assert pc.uses_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert not pc.uses_xcb({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, "linux")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the display check is for Linux")
def test_program_without_a_screen_explains_instead_of_qt_abort(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["NOTIFIER_DATA_DIR"] = str(tmp_path)
    r = subprocess.run([sys.executable, "-m", "notifier_gui"], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr
    assert "no screen" in r.stderr and "notifier demo" in r.stderr
    assert "Reinstalling the application" not in r.stderr and "Traceback" not in r.stderr


def test_readme_lists_the_linux_packages() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "sudo apt-get install " + " ".join(pc.DEBIAN_PACKAGES) in readme
