"""The WAL is copied into the database file by the runtime's own thread, not inside a commit
(core/storage/checkpoint.py): connections checkpoint only at a backstop, the checkpointer
copies what commits leave, and it stops with the runtime."""
from __future__ import annotations

import threading
from pathlib import Path

from notifier_gui.core.runtime import Runtime
from notifier_gui.core.storage.checkpoint import BACKSTOP_PAGES, WalCheckpointer
from notifier_gui.core.storage.engine import open_database
from notifier_gui.core.storage.repository import Store


def _threads() -> set[str]:
    return {t.name for t in threading.enumerate()}


def test_commits_leave_the_wal_to_the_checkpointer(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'n.db'}")
    store = Store(engine)
    with engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == BACKSTOP_PAGES
    people = store.add_recipients({"name": f"Person {i}", "email": f"p{i}@example.org"} for i in range(3000))
    db = tmp_path / "n.db"
    before = db.stat().st_size
    store.enqueue(people, "hello", bodies=[f"hello {i} " + "x" * 2000 for i in range(3000)])  # ~1,600 pages of WAL
    # New pages reach the database file at a checkpoint only: the commit did not run one
    # (SQLite's default, 1,000 pages, would have).
    assert db.stat().st_size == before
    checkpointer = WalCheckpointer(engine, interval=0.01)
    busy, frames, copied = checkpointer.checkpoint() or (1, 0, -1)
    assert busy == 0 and frames > 1000 and copied == frames  # it copies everything no reader holds
    assert db.stat().st_size > before + 1000 * 4096
    checkpointer.start()
    assert "notifier-wal-checkpoint" in _threads()
    checkpointer.stop()
    assert "notifier-wal-checkpoint" not in _threads()
    engine.dispose()


def test_the_runtime_runs_one_and_stops_it(tmp_path: Path) -> None:
    rt = Runtime.open(environ={"NOTIFIER_DATA_DIR": str(tmp_path / "data"), "NOTIFIER_SANDBOX": "1"}, cwd=tmp_path)
    assert rt.checkpointer is not None and "notifier-wal-checkpoint" in _threads()
    rt.close()
    assert "notifier-wal-checkpoint" not in _threads()


def test_nothing_runs_for_postgresql(postgres_url: str) -> None:
    engine = open_database(postgres_url)
    checkpointer = WalCheckpointer(engine).start()
    assert "notifier-wal-checkpoint" not in _threads()
    checkpointer.stop()
    engine.dispose()
