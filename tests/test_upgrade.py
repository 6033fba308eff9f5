"""A database made by migration 0001, holding data, upgrades in place: only additions."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, inspect, select, text

from notifier_gui.core.storage.engine import HEAD_REVISION, create, current_revision, migrations_config, open_database
from notifier_gui.core.storage.history import History, LogQuery
from notifier_gui.core.storage.schema import ATTEMPTS, NOTIFICATIONS, RECIPIENTS
from notifier_gui.core.storage.sortkey import name_sort_key

N_ATTEMPTS = 12_000  # above the size from which the upgrade reports progress
NAMES = ("Анна Смирнова", "Boris Becker", "Clara")


def make_0001(url: str) -> Engine:
    from alembic import command

    engine = create(url)
    command.upgrade(migrations_config(engine), "0001")
    t0 = datetime(2025, 1, 1)
    with engine.begin() as c:
        # Written with raw rows: the 0001 schema, not the program's current one.
        c.execute(text("INSERT INTO recipients (id, name, email, notes, created_at, updated_at) "
                       "VALUES (:id, :name, :email, '', :t, :t)"),
                  [{"id": i + 1, "name": name, "email": f"p{i}@example.org", "t": t0} for i, name in enumerate(NAMES)])
        c.execute(text(
            "INSERT INTO notifications (id, recipient_id, recipient_name, subject, body, channels, state, created_at, "
            "queued_at, finished_at, queued_by, cursor_channel, cursor_tries, round_no, round_transient, dead_channels) "
            "VALUES (:id, :rid, :name, '', 'hello', 'email', :state, :t, :t, :t, '', 0, 0, 0, false, '')"),
            [{"id": i, "rid": i % 3 + 1, "name": NAMES[i % 3],
              "state": "delivered" if i % 5 else "queued", "t": t0 + timedelta(minutes=i)} for i in range(1, 4001)])
        c.execute(text(
            "INSERT INTO attempts (id, notification_id, channel, started_at, finished_at, outcome, detail, round_no, try_no) "
            "VALUES (:id, :nid, 'email', :t, :t, 'delivered', :detail, 0, 1)"),
            [{"id": i, "nid": (i - 1) % 4000 + 1, "t": t0 + timedelta(seconds=i),
              "detail": "552 mailbox full" if i % 1000 == 0 else f"accepted {i}"} for i in range(1, N_ATTEMPTS + 1)])
    return engine


def snapshot(engine: Engine) -> dict[str, list[Any]]:
    """Every row of the three tables, in the columns migration 0001 made (later migrations
    add columns; the rows must keep every value they had)."""
    with engine.connect() as c:
        out = {}
        for t in (RECIPIENTS, NOTIFICATIONS, ATTEMPTS):
            old = [c.name for c in t.columns if c.name in ORIGINAL_COLUMNS[t.name]]
            out[t.name] = [tuple(r) for r in c.execute(select(*(t.c[n] for n in old)).order_by(t.c.id))]
        return out


ORIGINAL_COLUMNS: dict[str, set[str]] = {}


def test_a_0001_database_with_data_upgrades_in_place(empty_db_url: str) -> None:
    old = make_0001(empty_db_url)
    ORIGINAL_COLUMNS.update({t: {c["name"] for c in inspect(old).get_columns(t)}
                             for t in ("recipients", "notifications", "attempts")})
    assert current_revision(old) == "0001"
    before = snapshot(old)
    old_indexes = {t: {i["name"] for i in inspect(old).get_indexes(t)} for t in ("notifications", "attempts")}
    old.dispose()

    progress: list[tuple[int, int]] = []
    engine = open_database(empty_db_url, lambda done, total: progress.append((done, total)))
    assert current_revision(engine) == HEAD_REVISION
    assert snapshot(engine) == before  # nothing changed but the additions
    new_indexes = {i["name"] for i in inspect(engine).get_indexes("notifications")}
    added = {"ix_notifications_finished", "ix_notifications_created_at", "ix_notifications_secret_ref",
             "ix_notifications_recipient_name"}
    if engine.dialect.name == "postgresql":
        added.add("ix_notifications_recipient_name_trgm")
    assert new_indexes - old_indexes["notifications"] == added
    h = History(engine)
    assert [r.id for r in h.page(LogQuery.from_search("mailbox"), 100)] == list(range(1000, N_ATTEMPTS + 1, 1000))
    anna = [i for i in range(1000, N_ATTEMPTS + 1, 1000) if ((i - 1) % 4000 + 1) % 3 == 0]
    assert anna and [r.id for r in h.page(LogQuery.from_search("смирнова mailbox"), 100)] == anna
    assert h.recipient_ids_matching("becker") == [2]
    # 0007: the names in the history, and (SQLite) the details' own index, filled for the old rows
    with engine.connect() as c:
        assert set(c.exec_driver_sql("SELECT name FROM history_names").scalars()) == set(NAMES)
        if engine.dialect.name == "sqlite":
            c.exec_driver_sql("INSERT INTO attempt_details_fts(attempt_details_fts) VALUES ('integrity-check')")
    q = LogQuery.from_search("clara mailbox")
    with h.connection() as c:
        assert h._name_first(c, q) is not None  # "mailbox" is in few details: looked up there
    clara = [i for i in range(1000, N_ATTEMPTS + 1, 1000) if ((i - 1) % 4000 + 1) % 3 == 2]
    assert clara and [r.id for r in h.page(q, 100)] == clara
    # 0005 filled every existing row's name order key: the names sort as the window sorts them
    assert [r.name for r in h.recipients_page("", "name", False, 0, 10)] == sorted(NAMES, key=name_sort_key)
    if engine.dialect.name == "sqlite":
        assert progress and progress[-1] == (N_ATTEMPTS, N_ATTEMPTS)
    engine.dispose()
    again = open_database(empty_db_url)  # a second start: nothing to do
    assert snapshot(again) == before
    again.dispose()
