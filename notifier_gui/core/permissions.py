"""The data folder is private to the operator: 0700, its files 0600 (Linux and macOS).

It holds every recipient, every message and the delivery history. On Windows the
per-user folder (``%LOCALAPPDATA%``) already carries an ACL for that user alone, so
nothing is changed there. Existing folders and files are tightened at every start (an
older version created them 0755 / 0644); new ones are created private.
"""
from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger("notifier.permissions")

POSIX = os.name == "posix"
DIR_MODE = 0o700
FILE_MODE = 0o600


def private_umask() -> None:
    """Files this process creates from now on are readable by the operator only (process-wide)."""
    if POSIX:
        old = os.umask(0o077)
        os.umask(old | 0o077)


def _tighten(path: Path, mode: int) -> None:
    try:
        st = path.lstat()
    except OSError:
        return
    if stat.S_ISLNK(st.st_mode) or st.st_mode & stat.S_ISVTX or st.st_uid != os.getuid():
        return  # a link, a shared sticky folder such as /tmp, or not ours: leave it alone
    if stat.S_IMODE(st.st_mode) & ~mode:
        try:
            os.chmod(path, stat.S_IMODE(st.st_mode) & mode)
        except OSError as exc:
            log.warning("cannot make %s private: %s", path, exc.strerror)


def private_dir(path: Path) -> Path:
    """Create ``path`` (0700) or tighten it; returns it."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if POSIX:
        _tighten(path, DIR_MODE)
    return path


def private_file(path: Path) -> None:
    """Tighten an existing file to 0600 (nothing when it does not exist)."""
    if POSIX:
        _tighten(path, FILE_MODE)


def create_private_file(path: Path) -> None:
    """Create an empty file 0600 unless it exists (SQLite gives its WAL and SHM the database's mode)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        private_file(path)


def tighten_data_dir(data_dir: Path) -> None:
    """The data folder 0700 and what an older version left in it: its files, logs/, outbox/."""
    private_dir(data_dir)
    if not POSIX:
        return
    for child in list(data_dir.iterdir()):
        if child.is_dir() and not child.is_symlink():
            _tighten(child, DIR_MODE)
            if child.name in ("logs", "secret-intents"):
                for f in child.iterdir():
                    private_file(f)
        else:
            private_file(child)
