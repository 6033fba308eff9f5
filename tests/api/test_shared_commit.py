"""The API's enqueue path in the store: shared group commits on SQLite and PostgreSQL."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from notifier_gui.core.storage.engine import open_database
from notifier_gui.core.storage.repository import Store
from notifier_gui.core.storage.schema import NOTIFICATIONS
from notifier_gui.core.validation import ValidationError


def test_a_failing_member_of_a_shared_commit_fails_alone(db_url: str) -> None:
    store = Store(open_database(db_url))
    try:
        rid = store.add_recipient("A", email="a@example.com")
        store.enqueue([rid], "first", dedupe_keys=["taken"])
        results: dict[str, object] = {}

        def run(name: str, key: str) -> None:
            try:
                results[name] = store.enqueue([rid], name, dedupe_keys=[key], shared_commit=True)
            except Exception as exc:
                results[name] = exc

        with store._write_lock:  # hold the writer so both queue up for the same group
            threads = [threading.Thread(target=run, args=("good", "fresh")),
                       threading.Thread(target=run, args=("dup", "taken"))]
            for t in threads:
                t.start()
            for _ in range(3000):  # until both wait in the queue (bounded)
                if len(store._queue) == 2:
                    break
                threading.Event().wait(0.01)
            assert len(store._queue) == 2
        for t in threads:
            t.join(30)
        assert isinstance(results["good"], list) and len(results["good"]) == 1
        assert isinstance(results["dup"], ValidationError)
        with store.engine.connect() as c:
            assert c.scalar(select(func.count()).select_from(NOTIFICATIONS)) == 2
    finally:
        store.engine.dispose()


def test_concurrent_shared_enqueues_each_return_their_own_committed_rows(db_url: str) -> None:
    store = Store(open_database(db_url))
    try:
        rid = store.add_recipient("A", email="a@example.com")

        def one(n: int) -> list[int]:
            ids = store.enqueue([rid], f"message {n}", shared_commit=True)
            with store.engine.connect() as c:  # visible to another connection: committed
                assert c.scalar(select(NOTIFICATIONS.c.body).where(NOTIFICATIONS.c.id == ids[0])) == f"message {n}"
            return ids

        with ThreadPoolExecutor(8) as pool:
            ids = [i for got in pool.map(one, range(40)) for i in got]
        assert len(set(ids)) == 40
    finally:
        store.engine.dispose()
