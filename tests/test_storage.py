"""Storage: migrations, SQLite settings, one-transaction enqueue, atomic claims, leases."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select, text

from notifier_gui.core.records import LeaseLost
from notifier_gui.core.storage.engine import HEAD_REVISION, open_database
from notifier_gui.core.storage.repository import Store
from notifier_gui.core.storage.schema import utcnow
from notifier_gui.core.validation import ValidationError


@pytest.fixture
def sqlite_store(sqlite_db: Path) -> Store:
    return Store(open_database(f"sqlite:///{sqlite_db}"))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """The same store on SQLite and on PostgreSQL (skipped where no server is set up)."""
    s = Store(open_database(db_url))
    yield s
    s.engine.dispose()


def test_migrations_create_schema_and_are_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'n.db'}"
    engine = open_database(url)
    assert {"recipients", "notifications", "attempts", "alembic_version"} <= set(inspect(engine).get_table_names())
    engine.dispose()
    engine = open_database(url)  # a second start applies nothing and keeps data
    with engine.connect() as c:
        assert c.execute(text("select version_num from alembic_version")).scalar() == HEAD_REVISION


def test_schema_in_code_matches_the_migrated_database(tmp_path: Path) -> None:
    """The tables the code writes through and the tables the migrations create are the same
    (columns, types, nullability, indexes, unique constraints, foreign keys)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from notifier_gui.core.storage.schema import METADATA, compared

    engine = open_database(f"sqlite:///{tmp_path / 'n.db'}")
    with engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(
            c, opts={"compare_type": True, "include_name": compared}), METADATA)
        # Left out of that comparison: exactly the search tables (and FTS5's own shadow tables).
        left_out = {n for n in inspect(c).get_table_names() if not compared(n, "table", {})}
    assert diff == []
    assert left_out == {f"{t}{s}" for t in ("attempts_fts", "recipients_fts")
                        for s in ("", "_data", "_idx", "_docsize", "_config", "_content")} | {
        f"attempt_details_fts{s}" for s in ("", "_data", "_idx", "_docsize", "_config")}  # external content
    assert set(METADATA.tables) == {"recipients", "notifications", "attempts", "queue_clock", "poller_leases",
                                    "history_names"}


def test_sqlite_settings(sqlite_store: Store) -> None:
    with sqlite_store.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_enqueue_is_all_or_nothing(store: Store) -> None:
    a = store.add_recipient("A", email="a@example.org")
    with pytest.raises(ValidationError, match="no recipient with id 999"):
        store.enqueue([a, 999], "hello")
    assert store.counts()["queued"] == 0
    ids = store.enqueue([a, a], "hello", channels=["sms"])
    assert len(ids) == 2 and store.counts()["queued"] == 2
    assert store.notification(ids[0])["channels"] == ["sms"]  # type: ignore[index]


def test_enqueue_in_slices_keeps_order_and_stays_one_transaction(store: Store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from notifier_gui.core.storage import queue

    monkeypatch.setattr(queue, "_ENQUEUE_SLICE", 3)  # 8 rows -> 3 INSERTs
    people = [store.add_recipient(f"P{i}", email=f"p{i}@example.org") for i in range(8)]
    ids = store.enqueue(people, "x", bodies=[f"body {i}" for i in range(8)])
    assert len(ids) == 8 and ids == sorted(ids)
    assert [store.notification(n)["recipient_name"] for n in ids] == [f"P{i}" for i in range(8)]  # type: ignore[index]
    # a clash in the last slice undoes the earlier slices too
    with pytest.raises(ValidationError, match="queued moments ago"):
        store.enqueue(people, "y", dedupe_keys=[f"k{i}" for i in range(7)] + ["k0"])
    assert store.counts()["queued"] == 8


def test_channel_order_per_send_then_recipient_then_default(store: Store) -> None:
    a = store.add_recipient("A", email="a@example.org", channels=["telegram", "email"])
    b = store.add_recipient("B", email="b@example.org")
    n1, n2 = store.enqueue([a, b], "x", default_channels=["email", "sms"])
    (n3,) = store.enqueue([a], "x", channels=["sms"])
    assert [store.notification(n)["channels"] for n in (n1, n2, n3)] == [  # type: ignore[index]
        ["telegram", "email"], ["email", "sms"], ["sms"]]


def test_unique_contacts(store: Store) -> None:
    store.add_recipient("A", email="a@example.org", phone="+79161234567")
    with pytest.raises(ValidationError, match="already belongs"):
        store.add_recipient("B", email="a@example.org")
    with pytest.raises(ValidationError, match="already belongs"):
        store.add_recipient("C", phone="+79161234567")


def test_email_duplicates_are_found_whatever_the_case(store: Store) -> None:
    a = store.add_recipient("A", email="Anna.Smirnova@example.org")
    with pytest.raises(ValidationError, match=r"anna.smirnova@example.org \(stored as Anna.Smirnova@example.org\) "
                                              "already belongs to recipient"):
        store.add_recipient("B", email="anna.smirnova@example.org")
    store.update_recipient(a, email="ANNA.SMIRNOVA@example.org")  # a person may change their own case
    assert store.get_recipient(a).email == "ANNA.SMIRNOVA@example.org"  # type: ignore[union-attr]
    store.add_recipient("Иван", email="Иван@example.org")  # non-ASCII letters fold too
    with pytest.raises(ValidationError, match="already belongs"):
        store.add_recipient("Ivan", email="иван@example.org")


def test_concurrent_claims_never_overlap(store: Store) -> None:
    rid = store.add_recipient("A", email="a@example.org")
    ids = store.enqueue([rid] * 400, "x")
    claimed: list[list[int]] = [[] for _ in range(8)]
    start = threading.Barrier(8)

    def claimer(i: int) -> None:
        start.wait()
        while True:
            got = store.claim(f"owner-{i}", 7, 60)
            if not got:
                return
            claimed[i].extend(w.id for w in got)

    threads = [threading.Thread(target=claimer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [n for part in claimed for n in part]
    assert sorted(everything) == sorted(ids)  # each exactly once
    assert sum(1 for part in claimed if part) > 1  # the race really happened


def test_expired_leases_are_claimable_live_ones_are_not(store: Store) -> None:
    rid = store.add_recipient("A", email="a@example.org")
    (nid,) = store.enqueue([rid], "x")
    assert [w.id for w in store.claim("first", 5, 60)] == [nid]
    assert store.claim("second", 5, 60) == []
    store.expire_leases_of(["first"])
    (work,) = store.claim("second", 5, 60)
    assert work.id == nid and work.owner == "second"


def _statements_during(store: Store, action):  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    seen: list[str] = []

    def capture(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        if statement.split(None, 1)[0].upper() in ("INSERT", "UPDATE", "SELECT", "DELETE"):
            seen.append(statement.split(None, 1)[0].upper())

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        return action(), seen
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)


def test_start_attempt_renews_a_lease_that_has_run_down(db_url: str) -> None:
    now = [utcnow()]
    store = Store(open_database(db_url), clock=lambda: now[0])
    rid = store.add_recipient("A", email="a@example.org")
    store.enqueue([rid], "x")
    (work,) = store.claim("w", 5, 120)
    now[0] += timedelta(seconds=30)  # 90 s left of 120: less than 90 %
    _, statements = _statements_during(store, lambda: store.start_attempt(work, "email", 120, "w"))
    assert statements == ["UPDATE", "INSERT"]  # the lease renewed (and checked), then the row
    from notifier_gui.core.storage.schema import NOTIFICATIONS

    with store.engine.connect() as c:
        expires = c.execute(select(NOTIFICATIONS.c.lease_expires_at)).scalar_one()
        # "now" is the queue's clock: this process's on SQLite, the database's on PostgreSQL
        reference = now[0] if store.engine.dialect.name == "sqlite" else \
            c.execute(text("select timezone('UTC', now())")).scalar_one().replace(tzinfo=now[0].tzinfo)
    # Renewed from "now" (120 s from it), not kept from the claim (90 s from it). On PostgreSQL
    # "now" is read after the renewal, so the slack covers a busy machine, not a precision.
    assert abs((expires - (reference + timedelta(seconds=120))).total_seconds()) < 15
    assert len(store.notification(work.id)["attempts"]) == 1  # type: ignore[index]
    store.engine.dispose()


def test_start_attempt_on_a_lost_lease_raises_and_writes_nothing(store: Store) -> None:
    rid = store.add_recipient("A", email="a@example.org")
    (nid,) = store.enqueue([rid], "x")
    (work,) = store.claim("first", 5, 120)
    store.expire_leases_of(["first"])
    store.claim("second", 5, 120)  # someone else owns it now
    with pytest.raises(LeaseLost):
        store.start_attempt(work, "email", 120, "first")
    assert store.notification(nid)["attempts"] == []  # type: ignore[index]


def test_future_work_is_not_claimed(store: Store) -> None:
    rid = store.add_recipient("A", email="a@example.org")
    (nid,) = store.enqueue([rid], "x")
    later = utcnow() + timedelta(hours=1)
    with store.engine.begin() as c:
        c.execute(text("update notifications set next_attempt_at = :t"), {"t": later.replace(tzinfo=None)})
    assert store.claim("w", 5, 60) == []
    assert store.next_due() == later


def test_claim_path_uses_indexes_not_scans_or_sorts(sqlite_store: Store) -> None:
    """The claim statement as compiled, through SQLite's planner: index searches only."""
    store = sqlite_store
    from sqlalchemy import event

    seen: list[str] = []

    def capture(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("UPDATE NOTIFICATIONS") and "RETURNING" in statement.upper():
            seen.append((statement, params))  # type: ignore[arg-type]

    event.listen(store.engine, "before_cursor_execute", capture)
    store.claim("w", 4, 60)
    event.remove(store.engine, "before_cursor_execute", capture)
    (statement, params), = seen  # type: ignore[misc]
    with store.engine.connect() as c:
        plan = " | ".join(str(r[-1]) for r in c.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params))
    assert "ix_notifications_due" in plan and "ix_notifications_lease" in plan, plan
    assert "TEMP B-TREE" not in plan and "SCAN notifications" not in plan, plan


def test_cancel_and_retry(store: Store) -> None:
    rid = store.add_recipient("A", email="a@example.org")
    (nid,) = store.enqueue([rid], "x")
    assert store.cancel(nid) and store.notification(nid)["state"] == "cancelled"  # type: ignore[index]
    assert not store.cancel(nid)
    assert store.retry(nid) and store.notification(nid)["state"] == "queued"  # type: ignore[index]


def test_deleting_a_recipient_keeps_history_but_not_pending_work(store: Store) -> None:
    rid = store.add_recipient("Анна", email="a@example.org")
    (nid,) = store.enqueue([rid], "x")
    with pytest.raises(ValidationError, match="still queued"):
        store.delete_recipient(rid)
    store.cancel(nid)
    store.delete_recipient(rid)
    n = store.notification(nid)
    assert n is not None and n["recipient_id"] is None and n["recipient_name"] == "Анна"


def test_head_revision_constant_matches_the_migration_scripts(tmp_path: Path) -> None:
    from alembic.script import ScriptDirectory

    from notifier_gui.core.storage.engine import HEAD_REVISION, migrations_config

    engine = open_database(f"sqlite:///{tmp_path / 'n.db'}")
    assert ScriptDirectory.from_config(migrations_config(engine)).get_current_head() == HEAD_REVISION


def test_recent_repeats_finds_a_double_send(store: Store) -> None:
    a = store.add_recipient("A", email="a@example.org")
    b = store.add_recipient("B", email="b@example.org")
    store.enqueue([a], "hello", subject="s")
    assert store.recent_repeats([(a, "s", "hello"), (b, "s", "hello")]) == {a}
    assert store.recent_repeats([(a, "s", "other text"), (b, "s", "hello")]) == set()
    assert store.recent_repeats([(a, "s", "hello")], within_seconds=-1) == set()


def test_bulk_enqueue_returns_ids_in_parameter_order(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Small slices and statements, so that 250 rows cross all of them (the sizes themselves are
    SQLite's limit and the bench's business): slices of 100, SQLite statements of ~40 rows,
    PostgreSQL's multi-row inserts of 40."""
    from notifier_gui.core.storage import queue

    monkeypatch.setattr(queue, "_ENQUEUE_SLICE", 100)
    monkeypatch.setattr(queue, "_SQLITE_VARIABLES", 40 * len(queue.NOTIFICATIONS.c))
    store.engine.update_execution_options(insertmanyvalues_page_size=40)
    rids = store.add_recipients({"name": f"R{i}", "email": f"r{i}@example.org"} for i in range(250))
    order = list(reversed(rids))  # recipient ids not in insertion order, across several batches
    ids = store.enqueue(order, "x", bodies=[f"text {r}" for r in order])
    with store.engine.connect() as c:
        got = dict(c.execute(text("select id, body from notifications")).all())
    assert [got[i] for i in ids] == [f"text {r}" for r in order]



STARTS = 3


def test_migrations_started_together_on_postgresql_apply_once(postgres_url: str) -> None:
    """Three first starts on an empty PostgreSQL database at once: each waits for the
    migrations' advisory lock (held here until all three wait for it), then one migrates and
    the others find the schema at head; every start succeeds. Without the lock, most of 15
    simultaneous starts died on a duplicate key in PostgreSQL's catalog; the race itself
    cannot be forced from outside, the wait for the lock can."""
    import subprocess
    import sys

    from notifier_gui.core.storage.engine import HEAD_REVISION, MIGRATION_LOCK_KEY, create, current_revision

    engine = create(postgres_url)
    try:
        with engine.connect() as holder:
            holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            procs = [subprocess.Popen([sys.executable, "-c", _START, postgres_url],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for _ in range(STARTS)]
            try:
                deadline = time.monotonic() + 120
                while _waiting_for_advisory_locks(holder) < STARTS:
                    finished = [p.communicate()[1] for p in procs if p.poll() is not None]
                    assert not finished, f"a start went on without waiting for the lock: {finished}"
                    assert time.monotonic() < deadline, "the starts never waited for the migrations' lock"
                    time.sleep(0.05)
            finally:
                holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
                holder.commit()
            results = [(p.wait(120), p.communicate()[1]) for p in procs]
        assert [code for code, _ in results] == [0] * STARTS, [err.strip().splitlines()[-1] for code, err in results if code]
        assert current_revision(engine) == HEAD_REVISION
    finally:
        engine.dispose()


_START = "import sys; from notifier_gui.core.storage.engine import open_database; open_database(sys.argv[1]).dispose()"


def _waiting_for_advisory_locks(c: Any) -> int:
    return int(c.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                              "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"))
               .scalar_one())


def test_upgrade_from_0001_keeps_the_queue(tmp_path: Path) -> None:
    """A database made by the previous version, with queued work, upgrades in place."""
    from alembic import command

    from notifier_gui.core.storage.engine import create, migrations_config

    url = f"sqlite:///{tmp_path / 'n.db'}"
    engine = create(url)
    command.upgrade(migrations_config(engine), "0001")
    with engine.begin() as c:
        c.execute(text("insert into recipients (name, notes, created_at, updated_at) values ('A', '', '2026-01-01', '2026-01-01')"))
        c.execute(text("insert into notifications (recipient_id, recipient_name, subject, body, state, next_attempt_at, "
                       "created_at, queued_at, queued_by, cursor_channel, cursor_tries, round_no, round_transient, "
                       "dead_channels) values (1, 'A', '', 'x', 'queued', '2026-01-01 00:00:00.000000', '2026-01-01', "
                       "'2026-01-01', '', 0, 0, 0, 0, '')"))
    engine.dispose()
    store = Store(open_database(url))
    assert store.counts()["queued"] == 1
    assert [w.id for w in store.claim("w", 5, 60)] == [1]
    store.engine.dispose()


def test_reclaimed_work_comes_before_the_backlog(store: Store) -> None:
    """Work taken over from a dead worker is due now: it is claimed ahead of a backlog
    queued after it, not after the whole backlog (#11.13)."""
    rid = store.add_recipient("A", email="a@example.org")
    (first,) = store.enqueue([rid], "first")
    (work,) = store.claim("dead-machine/1/1/0", 1, 60)
    store.start_attempt(work, "email", 60, work.owner)
    store.enqueue([rid] * 20, "backlog", bodies=[f"b{i}" for i in range(20)])
    store.expire_leases_of(["dead-machine/1/1/0"])
    got = store.claim("w", 5, 60, reclaim=["dead-machine/1/1/0"])
    assert [w.id for w in got][0] == first and got[0].open_attempts
    assert store.claim("w2", 50, 60, reclaim=[]) and all(w.id != first for w in store.claim("w3", 50, 60, reclaim=[]))


def test_expired_leases_of_owners_not_named_are_not_taken(store: Store) -> None:
    rid = store.add_recipient("A", email="a@example.org")
    (nid,) = store.enqueue([rid], "x")
    store.claim("alive", 1, 60)
    store.expire_leases_of(["alive"])
    assert store.claim("w", 5, 60, reclaim=[]) == []
    assert store.claim("w", 5, 60, reclaim=["someone-else"]) == []
    assert [w.id for w in store.claim("w", 5, 60, reclaim=["alive"])] == [nid]


def test_heartbeat_renews_only_the_given_owners(store: Store) -> None:
    rid = store.add_recipient("A", email="a@example.org")
    a, b = store.enqueue([rid, rid], "x", bodies=["a", "b"])
    store.claim("mine", 1, 60)
    store.claim("theirs", 1, 60)
    store.expire_leases_of(["mine", "theirs"])
    beat = store.heartbeat(["mine"], 60, 3600)
    assert beat.renewed == 1 and beat.expired_owners == ("theirs",)
    assert [w.id for w in store.claim("w", 5, 60)] == [b]  # only the lease that was not renewed


def _queue_now(store: Store):  # type: ignore[no-untyped-def]
    """Now on the clock the queue runs by (the database's on PostgreSQL)."""
    if store.engine.dialect.name == "sqlite":
        return store.clock()
    with store.engine.connect() as c:
        return c.execute(text("select timezone('UTC', now())")).scalar_one().replace(tzinfo=utcnow().tzinfo)


def _set(store: Store, sql: str, **times) -> None:  # type: ignore[no-untyped-def]
    with store.engine.begin() as c:
        c.execute(text(sql), {k: v.replace(tzinfo=None) for k, v in times.items()})


def test_a_clock_set_back_does_not_freeze_the_queue(store: Store) -> None:
    """The clock the queue runs by was set back an hour (the high-water mark a heartbeat left
    is an hour ahead): a retry that was due in 5 s is due in 5 s, not in an hour and 5 s,
    and a dead worker's lease ends when it would have."""
    rid = store.add_recipient("A", email="a@example.org")
    waiting, held = store.enqueue([rid, rid], "x", bodies=["waiting", "held"])
    now = _queue_now(store)
    store.heartbeat([], 60, 4000)  # the mark exists
    hour = timedelta(hours=1)
    _set(store, "update queue_clock set high_water = :t", t=now + hour)
    _set(store, "update notifications set next_attempt_at = :t where id = %d" % waiting, t=now + hour + timedelta(seconds=5))
    _set(store, "update notifications set state = 'sending', lease_owner = 'gone/1/1/0', lease_expires_at = :t "
                "where id = %d" % held, t=now + hour + timedelta(seconds=30))
    beat = store.heartbeat([], 60, 4000)
    assert 3590 < beat.clock_step < 3610
    due = store.next_due()
    assert due is not None and abs((due - (now + timedelta(seconds=5))).total_seconds()) < 5
    from notifier_gui.core.storage.schema import NOTIFICATIONS

    with store.engine.connect() as c:
        lease = c.execute(select(NOTIFICATIONS.c.lease_expires_at).where(NOTIFICATIONS.c.id == held)).scalar_one()
    assert abs((lease - (now + timedelta(seconds=30))).total_seconds()) < 5
    assert store.heartbeat([], 60, 4000).clock_step == 0  # shifted once, not at every beat


def test_a_wait_longer_than_any_policy_asks_is_cut(store: Store) -> None:
    """A retry time written by a clock that was days ahead (with no heartbeat to see the step)
    waits at most the policy's longest wait."""
    rid = store.add_recipient("A", email="a@example.org")
    (nid,) = store.enqueue([rid], "x")
    now = _queue_now(store)
    _set(store, "update notifications set next_attempt_at = :t", t=now + timedelta(days=3))
    assert store.heartbeat([], 60, 4320).capped == 1
    due = store.next_due()
    assert due is not None and abs((due - (now + timedelta(seconds=4320))).total_seconds()) < 5


def test_the_sqlite_insert_stores_exactly_what_sqlalchemys_insert_stores(sqlite_store: Store) -> None:
    """queue._insert_sqlite (a plain multi-row INSERT, each column's bind processing applied
    once per distinct value) stores every column as SQLAlchemy's own insert does, gives the
    ids in the rows' order, and leaves rows without a defaulted column to SQLAlchemy."""
    from sqlalchemy import insert

    from notifier_gui.core.delivery.states import Cursor, cursor_values
    from notifier_gui.core.storage.queue import _insert_sqlite
    from notifier_gui.core.storage.schema import NOTIFICATIONS

    a = sqlite_store.add_recipient("Анна", email="a@example.org")
    now = utcnow()

    def row(n: int) -> dict[str, object]:  # rows n and n + 3 differ only in their dedupe key
        m = n % 3
        return {"recipient_id": a, "recipient_name": "Анна", "subject": "s", "body": f"тело {m}",
                "html_body": None, "channels": "sms,email", "state": "queued", "next_attempt_at": now,
                "created_at": now, "queued_at": now + timedelta(microseconds=m), "queued_by": "test",
                "smtp_user": None, "smtp_secret_ref": None, "dedupe_key": f"k{n}", **cursor_values(Cursor())}

    rows = [row(n) for n in range(3)]
    with sqlite_store.engine.begin() as c:
        fast = _insert_sqlite(c, rows)
        slow = [c.execute(insert(NOTIFICATIONS), row(n)).inserted_primary_key[0] for n in range(3, 6)]
        partial = {k: v for k, v in row(6).items() if k not in ("state", "cursor_tries")}  # defaulted columns left out
        (defaulted,) = _insert_sqlite(c, [partial])
    assert fast == [slow[0] - 3, slow[0] - 2, slow[0] - 1]
    columns = [col.name for col in NOTIFICATIONS.c if col.name not in ("id", "dedupe_key")]
    raw = ", ".join(f"typeof({name}), {name}" for name in columns)
    with sqlite_store.engine.connect() as c:
        stored = {r[0]: r[1:] for r in c.exec_driver_sql(f"SELECT id, {raw} FROM notifications")}
    for i in range(3):
        assert stored[fast[i]] == stored[slow[i]]
    assert len({stored[n] for n in fast}) == 3  # the varying values were each processed
    got = sqlite_store.notification(defaulted)
    assert got is not None and got["state"] == "queued"
