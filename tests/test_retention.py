"""Retention: archive first (verified), then remove finished history in batches; never live work."""
from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, update

from notifier_gui.core.retention import ArchiveMismatch, Pruner, prune
from notifier_gui.core.storage.checkpoint import WalCheckpointer
from notifier_gui.core.storage.engine import open_database
from notifier_gui.core.storage.history import History, LogQuery
from notifier_gui.core.storage.repository import Store
from notifier_gui.core.storage.schema import ATTEMPTS, NOTIFICATIONS, utcnow

from tests.cli_helpers import as_json, notifier


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(open_database(db_url))
    yield s
    s.engine.dispose()


def history(store: Store, old: int = 40, new: int = 5) -> dict[str, list[int]]:
    """``old`` notifications finished 100 days ago (2 attempts each), ``new`` finished today,
    and old but unfinished ones (queued, sending) that must survive any prune."""
    rid = store.add_recipient("Анна", email="anna@example.org")
    now = utcnow()
    long_ago = now - timedelta(days=100)
    ids = store.enqueue([rid] * (old + new + 2), "hello")
    groups = {"old": ids[:old], "new": ids[old:old + new], "live": ids[old + new:]}
    with store.engine.begin() as c:
        for nid in groups["old"]:
            c.execute(update(NOTIFICATIONS).where(NOTIFICATIONS.c.id == nid).values(
                state=("delivered", "failed", "cancelled")[nid % 3], finished_at=long_ago, created_at=long_ago))
        c.execute(update(NOTIFICATIONS).where(NOTIFICATIONS.c.id.in_(groups["new"])).values(
            state="delivered", finished_at=now))
        c.execute(update(NOTIFICATIONS).where(NOTIFICATIONS.c.id == groups["live"][0]).values(created_at=long_ago))
        c.execute(update(NOTIFICATIONS).where(NOTIFICATIONS.c.id == groups["live"][1]).values(
            state="sending", lease_owner="w", lease_expires_at=now, created_at=long_ago, finished_at=long_ago))
        c.execute(insert(ATTEMPTS), [
            {"notification_id": nid, "channel": ch, "started_at": long_ago, "finished_at": long_ago,
             "outcome": "transient" if ch == "email" else "delivered", "detail": f"detail {nid} {ch}",
             "round_no": 0, "try_no": 1}
            for nid in ids for ch in ("email", "sms")])
    return groups


def counts(store: Store) -> tuple[int, int]:
    with store.engine.connect() as c:
        return (int(c.execute(select(func.count()).select_from(NOTIFICATIONS)).scalar() or 0),
                int(c.execute(select(func.count()).select_from(ATTEMPTS)).scalar() or 0))


def test_prune_archives_then_removes_only_old_finished_history(store: Store, tmp_path: Path) -> None:
    groups = history(store)
    steps: list[str] = []
    result = prune(store, 30, tmp_path / "a.jsonl.gz", progress=lambda s, d, t: steps.append(s), batch=7)
    assert (result.notifications, result.attempts) == (40, 80)
    assert counts(store) == (7, 14)
    with store.engine.connect() as c:
        left = set(c.execute(select(NOTIFICATIONS.c.id)).scalars())
    assert left == set(groups["new"] + groups["live"])  # never a queued or sending one
    with gzip.open(tmp_path / "a.jsonl.gz", "rt", encoding="utf-8") as fh:
        archived = [json.loads(line) for line in fh]
    assert [r["id"] for r in archived] == groups["old"]
    assert all(len(r["attempts"]) == 2 and r["attempts"][0]["detail"] == f"detail {r['id']} email" for r in archived)
    assert all("smtp_secret_ref" not in r for r in archived)
    assert steps.index("archive") < steps.index("verify") < steps.index("remove")
    assert steps.count("remove") == 6  # 40 in batches of 7: short transactions
    # The search index forgot the removed attempts too.
    found = History(store.engine).page(LogQuery.from_search("detail"), 1000)
    assert {a.notification_id for a in found} == left and len(found) == 14


def test_a_bad_archive_deletes_nothing(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    history(store)
    before = counts(store)
    real = Pruner.archive

    def short(self, path, progress, cancelled, total):  # type: ignore[no-untyped-def]
        ids = real(self, path, progress, cancelled, total)
        with gzip.open(path, "wt", encoding="utf-8") as fh:  # the disk lost the end of it
            fh.write('{"id": %d}\n' % ids[0])
        return ids

    monkeypatch.setattr(Pruner, "archive", short)
    with pytest.raises(ArchiveMismatch):
        prune(store, 30, tmp_path / "a.jsonl.gz")
    assert counts(store) == before


def test_prune_without_archive_and_space_given_back(tmp_path: Path) -> None:
    store = Store(open_database(f"sqlite:///{tmp_path / 'n.db'}"))
    history(store, old=400)
    with store.engine.begin() as c:  # make the rows weigh something
        c.execute(update(ATTEMPTS).values(detail="x" * 2000))
    WalCheckpointer(store.engine).checkpoint()  # the rows into the file (a commit leaves them in the WAL)
    size = (tmp_path / "n.db").stat().st_size
    assert size > 400 * 2000
    result = prune(store, 30)
    assert result.notifications == 400
    with store.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA auto_vacuum").scalar() == 2  # INCREMENTAL (new databases start so)
    assert (tmp_path / "n.db").stat().st_size < size / 2


def test_an_existing_database_is_switched_to_incremental_vacuum_once(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "n.db"
    sqlite3.connect(path).execute("PRAGMA auto_vacuum = NONE").connection.execute("CREATE TABLE t (x)").connection.commit()
    store = Store(open_database(f"sqlite:///{path}"))  # made before auto_vacuum was set: NONE
    with store.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA auto_vacuum").scalar() == 0
    history(store, old=10)
    assert prune(store, 30).notifications == 10
    with store.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA auto_vacuum").scalar() == 2


def test_cli_prune(data_dir: Path, tmp_path: Path) -> None:
    store = Store(open_database(f"sqlite:///{data_dir / 'notifier.db'}"))
    groups = history(store)
    store.engine.dispose()
    r = notifier(data_dir, "history", "prune", "--older-than", "soon")
    assert r.returncode == 2 and "--older-than" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = notifier(data_dir, "history", "prune")
    assert r.returncode == 2 and "NOTIFIER_KEEP_DAYS" in r.stderr
    out = as_json(notifier(data_dir, "history", "prune", "--older-than", "30", "--archive",
                           str(tmp_path / "old.jsonl.gz"), "--json"))
    assert out["notifications"] == len(groups["old"]) and out["attempts"] == 2 * len(groups["old"])
    r = notifier(data_dir, "history", "prune", "--older-than", "30", "--archive", str(tmp_path / "old.jsonl.gz"))
    assert r.returncode == 2 and "already exists" in r.stderr


def test_the_removal_leaves_the_write_lock_free_between_batches(tmp_path: Path) -> None:
    """After each batch the pruner rests outside any transaction, as long as the batch took:
    another writer (a worker claiming) gets the lock at once then, without waiting."""
    import sqlite3

    path = tmp_path / "n.db"
    store = Store(open_database(f"sqlite:///{path}"))
    history(store, old=25)
    rests: list[float] = []

    def rest(seconds: float) -> None:
        other = sqlite3.connect(path, timeout=0)  # no waiting: "database is locked" if held
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        finally:
            other.close()
        rests.append(seconds)

    result = prune(store, 30, batch=10, rest=rest)
    assert result.notifications == 25
    assert len(rests) == 3 and all(r > 0 for r in rests)  # batches of 10, 10 and 5
    store.engine.dispose()
