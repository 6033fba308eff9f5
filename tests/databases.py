"""Test databases made by copying a template rather than migrating each one (tests/conftest.py)."""
from __future__ import annotations

from pathlib import Path


def copy_sqlite_template(template: Path, to: Path) -> None:
    """``to``: a new database file holding ``template``'s schema (SQLite's backup: the WAL too)."""
    import sqlite3

    src, dst = sqlite3.connect(template), sqlite3.connect(to)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
