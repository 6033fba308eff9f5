"""The installation self-test, the data location on Windows, and the build files."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import platformdirs
import pytest

from notifier_gui.core import config

from tests.cli_helpers import ROOT, notifier
from tests.selftest_helpers import open_files_at_removal


def test_cli_self_test_reports_every_check(data_dir: Path) -> None:
    r = notifier(data_dir, "self-test")
    assert r.returncode == 0, r.stdout + r.stderr
    report = json.loads(r.stdout)
    assert report["ok"] is True
    assert set(report["checks"]) == {"resources", "keyring", "chain", "api", "bounces"}
    assert "hard bounce" in report["checks"]["bounces"]["detail"]
    assert "queued notification #1" in report["checks"]["api"]["detail"]
    assert "delivered via email, telegram" in report["checks"]["chain"]["detail"]
    assert "stores and returns" in report["checks"]["keyring"]["detail"]
    assert not (data_dir / "notifier.db").exists()  # it ran in a temporary folder, not the operator's


def test_windows_data_folder_is_local_appdata(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The Windows implementation of platformdirs, fed by the environment variables Windows sets.
    import platformdirs.windows as win

    monkeypatch.setattr(platformdirs, "PlatformDirs", win.Windows)
    monkeypatch.setattr(win, "get_win_folder", win.get_win_folder_from_env_vars)
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    assert config.default_data_dir() == tmp_path / "Local" / "notifier-gui"


def test_build_files_are_tracked_not_ignored() -> None:
    for rel in ("build/pyinstaller.spec", "build/entry_gui.py", "build/entry_cli.py", "windows/installer.iss"):
        r = subprocess.run(["git", "check-ignore", "-q", rel], cwd=ROOT)
        assert r.returncode == 1, f"{rel} is ignored by .gitignore"


def test_self_test_releases_every_file_before_removing_its_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    from notifier_gui.core import selftest

    with open_files_at_removal(monkeypatch) as seen:
        report = selftest.run()
    assert report["ok"], report
    assert len(seen) == 1  # the checks' temporary folder was made and removed
    assert seen == {folder: [] for folder in seen}


def test_a_failing_api_check_still_releases_its_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under Wine the API could not start (a DLL its library needs was missing): the check
    failed after opening its database, and the folder's removal then failed too, hiding the
    report. A failing check reports its failure and leaves nothing open."""
    from notifier_gui.core import selftest

    from notifier_gui import api

    def broken(*args: object, **kwargs: object) -> None:
        raise ImportError("DLL load failed while importing _pydantic_core")

    monkeypatch.setattr(api, "ApiServer", broken)
    with open_files_at_removal(monkeypatch) as seen:
        report = selftest.run()
    assert not report["checks"]["api"]["ok"] and "DLL load failed" in report["checks"]["api"]["detail"]
    assert report["checks"]["chain"]["ok"]
    assert seen == {folder: [] for folder in seen} and len(seen) == 1
