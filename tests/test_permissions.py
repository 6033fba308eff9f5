"""The data folder is private on Linux/macOS: 0700, files 0600, also when an older version left it open."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.cli_helpers import notifier

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes; Windows relies on the per-user folder's ACL")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_a_new_data_folder_is_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    old = os.umask(0o022)  # a usual desktop umask: the program must not rely on the operator's
    try:
        assert notifier(data, "users", "add", "--name", "Anna", "--email", "anna@example.org").returncode == 0
        assert notifier(data, "send", "--user", "1", "--message", "hi").returncode == 0
        assert notifier(data, "--sandbox", "worker", "--until-done", "--max-seconds", "60").returncode == 0
    finally:
        os.umask(old)
    assert mode(data) == 0o700
    names = {p.relative_to(data).as_posix() for p in files_under(data)}
    assert {"notifier.db", "logs/notifier.log"} <= names and any(n.startswith("outbox/") for n in names)
    for f in files_under(data):
        assert mode(f) & 0o077 == 0, f"{f} is {oct(mode(f))}"
    for d in (p for p in data.rglob("*") if p.is_dir()):
        assert mode(d) & 0o077 == 0, f"{d} is {oct(mode(d))}"


def test_an_open_folder_left_by_an_older_version_is_tightened(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert notifier(data, "users", "add", "--name", "Anna").returncode == 0
    os.chmod(data, 0o755)
    for f in files_under(data):
        os.chmod(f, 0o644)
    os.chmod(data / "logs", 0o755)
    (data / "notifier.db-wal").touch(mode=0o644)
    assert notifier(data, "users", "list").returncode == 0
    assert mode(data) == 0o700 and mode(data / "logs") == 0o700
    for f in files_under(data):
        assert mode(f) & 0o077 == 0, f"{f} is {oct(mode(f))}"
