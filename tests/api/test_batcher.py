"""The API's writer thread: concurrent POSTs share commits, each gets its own committed row,
and a failing send in a batch fails alone (unit level with a real store, and over HTTP)."""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import event, select

from notifier_gui.core.runtime import Runtime
from notifier_gui.core.storage.engine import open_database
from notifier_gui.core.storage.repository import Store
from notifier_gui.core.storage.schema import NOTIFICATIONS
from notifier_gui.core.validation import ValidationError

from notifier_gui.api.batcher import Batcher, Missing, QueuedSend, Send

from .conftest import Api
from tests.databases import copy_sqlite_template


def _count_commits(store: Store) -> list[int]:
    commits = [0]
    event.listen(store._writer, "commit", lambda conn: commits.__setitem__(0, commits[0] + 1))
    return commits


def test_enqueue_batch_commits_once_and_gives_each_send_its_own_rows(db_url: str) -> None:
    store = Store(open_database(db_url))
    try:
        a = store.add_recipient("A", email="a@example.com")
        b = store.add_recipient("B", email="b@example.com")
        commits = _count_commits(store)
        out = store.enqueue_batch([{"recipient_ids": [a], "body": "one"},
                                   {"recipient_ids": [a, b], "body": "two"},
                                   {"recipient_ids": [b], "body": "three"}])
        assert commits[0] == 1
        assert [len(r) for r in out if isinstance(r, list)] == [1, 2, 1]
        ids = [i for r in out if isinstance(r, list) for i in r]
        assert len(set(ids)) == 4
        with store.engine.connect() as c:  # each id is the row of its own send, committed
            rows = dict(c.execute(select(NOTIFICATIONS.c.id, NOTIFICATIONS.c.body)).all())
        assert [rows[i] for i in ids] == ["one", "two", "two", "three"]
    finally:
        store.engine.dispose()


def test_a_failing_send_in_a_batch_fails_alone(db_url: str) -> None:
    store = Store(open_database(db_url))
    try:
        a = store.add_recipient("A", email="a@example.com")
        store.enqueue([a], "first", dedupe_keys=["taken"])
        out = store.enqueue_batch([{"recipient_ids": [a], "body": "good"},
                                   {"recipient_ids": [a], "body": "dup", "dedupe_keys": ["taken"]},
                                   {"recipient_ids": [a, 999], "body": "unknown"},
                                   {"recipient_ids": [a], "body": "also good"}])
        assert isinstance(out[0], list) and isinstance(out[3], list)
        assert isinstance(out[1], ValidationError)
        assert isinstance(out[2], ValidationError) and out[2].ids == [999]
        with store.engine.connect() as c:
            bodies = sorted(c.scalars(select(NOTIFICATIONS.c.body)))
        assert bodies == ["also good", "first", "good"]
    finally:
        store.engine.dispose()


@pytest.fixture
def runtime(data_dir: Path, keyring_backend: object, sqlite_template: Path) -> Iterator[Runtime]:
    copy_sqlite_template(sqlite_template, data_dir / "notifier.db")
    rt = Runtime.open(environ={"NOTIFIER_DATA_DIR": str(data_dir), "NOTIFIER_SANDBOX": "1"}, cwd=data_dir)
    yield rt
    rt.close()


def test_sends_that_wait_together_share_one_commit(runtime: Runtime, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="notifier.api")
    rid = runtime.store.add_recipient("A", email="a@example.com")
    calls: list[list[QueuedSend]] = []
    batcher = Batcher(runtime, calls.append)
    commits = _count_commits(runtime.store)

    def send(text: str, rid: int = rid) -> asyncio.Future[list[int]]:
        return asyncio.ensure_future(batcher.enqueue(Send([rid], "", text, None, "API test")))

    async def main() -> list[list[int] | BaseException]:
        # Hold the store's write lock: the writer takes the first send and blocks on the
        # lock; the sends that come meanwhile wait together and must share the next commit.
        with runtime.store._write_lock:
            first = send("first")
            await asyncio.sleep(0)  # the task puts its send in the queue
            for _ in range(3000):  # until the writer took it (bounded)
                if not batcher._items:
                    break
                await asyncio.sleep(0.01)
            rest = [send(f"m{n}") for n in range(20)] + [send("nobody", 404)]
            await asyncio.sleep(0)
            assert len(batcher._items) == 21
        return await asyncio.gather(first, *rest, return_exceptions=True)

    try:
        results = asyncio.run(main())
    finally:
        batcher.close()
    failed = results[21]
    assert isinstance(failed, Missing) and failed.ids == [404]
    ids = [r[0] for r in results if isinstance(r, list)]
    assert len(ids) == 21 and len(set(ids)) == 21
    assert commits[0] == 2 == batcher.commits  # the first send alone, then the other 20 together
    with runtime.store.engine.connect() as c:
        rows = dict(c.execute(select(NOTIFICATIONS.c.id, NOTIFICATIONS.c.body)).all())
    assert [rows[i] for i in ids] == ["first", *(f"m{n}" for n in range(20))]
    # The host is told once per batch (two commits: two calls), one entry per request.
    assert [len(c) for c in calls] == [1, 20]
    reported = [(s.ids, s.recipient_ids, s.source) for c in calls for s in c]
    assert reported == [([i], [rid], "API test") for i in ids]
    logged = " ".join(r.getMessage() for r in caplog.records if r.getMessage().startswith("API test queued"))
    assert all(f"#{i}" in logged.split(", ") or f"#{i}" in logged.replace(",", " ").split() for i in ids)


def test_concurrent_posts_share_commits_and_each_get_their_own_id(api: Api, client: httpx.Client) -> None:
    rid = client.post("/api/users/", json={"email": "a@example.com"}).json()["id"]
    results: list[tuple[str, httpx.Response]] = []
    lock = threading.Lock()

    def post(n: int) -> None:
        with api.client() as c:
            for k in range(10):
                user = 12345 if (n, k) == (3, 5) else rid  # one request names nobody
                text = f"m{n}-{k}"
                r = c.post("/api/notifications/", json={"user_id": user, "message": text})
                with lock:
                    results.append((text, r))

    threads = [threading.Thread(target=post, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    bad = [r for _, r in results if r.status_code != 201]
    assert [(r.status_code, r.json()) for r in bad] == [(400, {"user_id": ["No user with id 12345."]})]
    made = {text: r.json()["id"] for text, r in results if r.status_code == 201}
    assert len(made) == 79 and len(set(made.values())) == 79
    with api.runtime.store.engine.connect() as c:  # each answer names its own committed row
        rows = dict(c.execute(select(NOTIFICATIONS.c.id, NOTIFICATIONS.c.body)).all())
    assert {text: rows[i] for text, i in made.items()} == {text: text for text in made}


def test_a_forwarded_for_header_does_not_change_the_clients_address(api: Api, client: httpx.Client) -> None:
    rid = client.post("/api/users/", json={"email": "a@example.com"}).json()["id"]
    r = client.post("/api/notifications/", json={"user_id": rid, "message": "hi"},
                    headers={"X-Forwarded-For": "10.9.8.7"})
    assert r.status_code == 201
    assert api.queued[-1] == ([r.json()["id"]], "API 127.0.0.1")
