"""The history at scale: pages, search, live counts (and their plans), on SQLite and PostgreSQL."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import insert

from notifier_gui.core.storage.engine import open_database
from notifier_gui.core.storage.history import Cancelled, History, LogQuery
from notifier_gui.core.storage.repository import Store
from notifier_gui.core.storage.schema import ATTEMPTS, RECIPIENTS, utcnow


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(open_database(db_url))
    yield s
    s.engine.dispose()


def fill(store: Store, n: int = 60) -> list[int]:
    """``n`` attempts over three recipients, one notification each; returns the notification ids."""
    rids = [store.add_recipient("Анна Смирнова", email="anna@example.org"),
            store.add_recipient("Boris Becker", phone="+79161234567"),
            store.add_recipient("Clara")]
    nids = store.enqueue([rids[i % 3] for i in range(n)], "hello")
    t0 = utcnow() - timedelta(days=10)
    with store.engine.begin() as c:
        c.execute(insert(ATTEMPTS), [
            {"notification_id": nid, "channel": ("email", "sms", "telegram")[i % 3],
             "started_at": t0 + timedelta(hours=i), "finished_at": None if i == n - 1 else t0 + timedelta(hours=i),
             "outcome": None if i == n - 1 else ("delivered", "transient", "permanent")[i % 3],
             "detail": ("SMTP 552 Mailbox FULL" if i % 10 == 4 else f"accepted {i}"), "round_no": 0, "try_no": 1}
            for i, nid in enumerate(nids)])
    return nids


def ids(rows: list) -> list[int]:  # type: ignore[type-arg]
    return [r.id for r in rows]


def test_pages_by_keyset_both_ways(store: Store) -> None:
    fill(store)
    h = History(store.engine)
    assert ids(h.page(LogQuery(), 5)) == [56, 57, 58, 59, 60]
    assert ids(h.page(LogQuery(), 5, before=56)) == [51, 52, 53, 54, 55]
    assert ids(h.page(LogQuery(), 5, after=0)) == [1, 2, 3, 4, 5]
    assert ids(h.page(LogQuery(), 5, after=58)) == [59, 60]
    assert ids(h.page(LogQuery(outcomes=frozenset({"sending"})), 5)) == [60]
    assert ids(h.page(LogQuery(channel="sms", outcomes=frozenset({"transient"})), 3)) == [53, 56, 59]


def test_search_finds_words_in_the_name_or_detail_whatever_the_case(store: Store) -> None:
    nids = fill(store)
    h = History(store.engine)

    def found(text: str, **kw: object) -> list[int]:
        return ids(h.page(LogQuery.from_search(text, **kw), 100))  # type: ignore[arg-type]

    assert found("mailbox") == [5, 15, 25, 35, 45, 55]
    assert found("MAILBOX full") == [5, 15, 25, 35, 45, 55]
    assert found("смирнова") == list(range(1, 61, 3))  # Cyrillic, case-folded
    assert found("смирнова mailbox") == [25, 55]
    assert found("cker 55") == [5, 35, 56]  # a substring of the name, a short word (552, 55)
    assert found(f"#{nids[7]}") == [8]
    assert found("nobody-has-this") == []
    assert found("50%") == []  # LIKE's wildcards are searched for, not obeyed
    t = utcnow() - timedelta(days=10)
    assert found("mailbox", since=t + timedelta(hours=20), until=t + timedelta(hours=40)) == [25, 35]


def test_live_events_are_judged_like_the_sql(store: Store) -> None:
    fill(store)
    h = History(store.engine)
    for text in ("mailbox", "смирнова full", "cker", "#7", "accepted 1"):
        q = LogQuery.from_search(text)
        every = h.page(LogQuery(), 100)
        assert [r.id for r in every if q.matches(r.notification_id, r.recipient_name, r.channel, r.outcome,
                                                   r.detail, r.started_at)] == ids(h.page(q, 100)), text


def test_search_follows_inserts_and_updates(store: Store) -> None:
    fill(store, 3)
    h = History(store.engine)
    with store.engine.begin() as c:
        c.execute(ATTEMPTS.update().where(ATTEMPTS.c.id == 2).values(detail="550 no such user"))
    assert ids(h.page(LogQuery.from_search("such user"), 10)) == [2]
    assert ids(h.page(LogQuery.from_search("accepted"), 10)) == [1, 3]


def test_recipient_search(store: Store) -> None:
    fill(store, 3)
    h = History(store.engine)
    assert h.recipient_ids_matching("смир") == [1]
    assert h.recipient_ids_matching("ANNA@example") == [1]
    assert h.recipient_ids_matching("916123") == [2]
    assert h.recipient_ids_matching("r") == [1, 2, 3]
    store.update_recipient(3, name="Clara Schumann")
    assert h.recipient_ids_matching("schumann") == [3]
    assert h.recipient_ids_matching("") == [1, 2, 3]



def test_recipients_pages_sort_and_search_in_sql(store: Store) -> None:
    """The recipients table's pages: ordered by a column (empty cells last ascending, first
    descending, the id breaking ties), searched like recipient_ids_matching, counted."""
    fill(store, 3)  # Анна Смирнова (email), Boris Becker (phone), Clara (nothing)
    store.add_recipient("anna B", email="b@example.org")
    h = History(store.engine)

    def names(*a: object) -> list[str]:
        return [r.name for r in h.recipients_page(*a)]  # type: ignore[arg-type]

    assert names("", "id", False, 0, 10) == ["Анна Смирнова", "Boris Becker", "Clara", "anna B"]
    assert names("", "email", False, 0, 10) == ["Анна Смирнова", "anna B", "Boris Becker", "Clara"]
    assert names("", "email", True, 0, 10) == ["Clara", "Boris Becker", "anna B", "Анна Смирнова"]
    assert names("", "name", False, 1, 2) == ["Boris Becker", "Clara"]  # case-blind: "anna B" first
    assert names("example", "name", False, 0, 10) == ["anna B", "Анна Смирнова"]
    assert names("b", "name", True, 0, 10) == ["Boris Becker", "anna B"]
    assert [h.recipients_count(t) for t in ("", "example", "b", "nobody")] == [4, 2, 2, 0]
    with pytest.raises(Cancelled):
        h.recipients_page("", "name", False, 0, 10, cancelled=lambda: True)

def test_recipients_sort_by_name_as_people_read_it_and_through_the_index(store: Store) -> None:
    """Names sort case-blind, "Ё" among the "Е"s, numbers by value (what the window's collator
    did), from the sort_name column the store keeps; renaming moves the row; an ORDER BY name
    page is read through ix_recipients_sort_name, never by sorting the table."""
    names = ["item 10", "Ёлкин Пётр", "Ежов", "item 9", "Item 2", "Иван", "Йога", "Émile", "Eva"]
    ids = [store.add_recipient(n) for n in names]
    h = History(store.engine)
    page = [r.name for r in h.recipients_page("", "name", False, 0, 20)]
    assert page == ["Émile", "Eva", "Item 2", "item 9", "item 10", "Ежов", "Ёлкин Пётр", "Иван", "Йога"]
    assert [r.name for r in h.recipients_page("", "name", True, 0, 3)] == ["Йога", "Иван", "Ёлкин Пётр"]
    store.update_recipient(ids[0], name="Aaron")
    assert h.recipients_page("", "name", False, 0, 1)[0].name == "Aaron"
    store.add_recipients([{"name": "Ёж"}])
    store.add_recipient_batches([[{"name": "item 1"}]])
    page = [r.name for r in h.recipients_page("", "name", False, 0, 20)]
    assert page.index("item 1") < page.index("Item 2") and page.index("Ёж") < page.index("Ежов")
    if store.engine.dialect.name == "sqlite":
        with store.engine.connect() as c:
            stmt = h._recipients_where("", RECIPIENTS.c.id).order_by(
                *h._recipients_order("name", False, None)).offset(5).limit(2)
            plan = " ".join(str(r[-1]) for r in c.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + str(stmt.compile(store.engine, compile_kwargs={"literal_binds": True}))))
        assert "ix_recipients_sort_name" in plan and "TEMP B-TREE" not in plan


def test_recipient_ids_positions_and_reach_order_in_sql(store: Store) -> None:
    fill(store, 3)  # Анна Смирнова (email), Boris Becker (phone), Clara (nothing)
    d = store.add_recipient("Dora", email="d@example.org", phone="+14155550100", telegram_chat_id=7)
    h = History(store.engine)
    # the ids of the same rows a page holds, for a selection of rows not read yet
    assert h.recipient_ids_page("", "name", False, 1, 2) == [r.id for r in h.recipients_page("", "name", False, 1, 2)]
    assert h.recipient_position("", "name", False, d) == 2  # Boris, Clara, Dora, Анна
    assert h.recipient_position("", "name", True, d) == 1
    assert h.recipient_position("", "email", False, d) == 1  # anna@…, d@…
    assert h.recipient_position("becker", "name", False, d) is None
    assert h.recipients_among("example", [d, 2, 1, 999]) == [d, 1]
    # "Reachable via": channels with an address that are set up first, then which addresses
    assert [r.name for r in h.recipients_page("", "reach", True, 0, 4)] == [
        "Dora", "Boris Becker", "Анна Смирнова", "Clara"]
    assert [r.name for r in h.recipients_page("", "reach", True, 0, 4, configured=["email"])] == [
        "Dora", "Анна Смирнова", "Boris Becker", "Clara"]


def test_live_counts(store: Store) -> None:
    fill(store, 6)  # six queued notifications
    h = History(store.engine)
    store.claim("me", 2, 60)
    assert h.live_counts(utcnow() - timedelta(hours=1)) == {"queued": 4, "sending": 2, "failed": 0}


def test_every_per_tick_query_reads_live_rows_through_an_index(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The status bar's counts and the worker's idle tick (claim, pending, next due) as SQLite
    plans them: index searches only, never a scan of the history."""
    from sqlalchemy import event

    store = Store(open_database(f"sqlite:///{tmp_path / 'n.db'}"))
    fill(store, 30)
    with store.engine.begin() as c:  # mostly finished history, a little live work
        c.exec_driver_sql("UPDATE notifications SET state = 'delivered', finished_at = created_at WHERE id > 3")
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(("SELECT", "UPDATE")):
            seen.append((statement, params))

    event.listen(store.engine, "before_cursor_execute", capture)
    History(store.engine).live_counts(utcnow() - timedelta(hours=3))
    store.confirmation_rates(utcnow() - timedelta(hours=3))  # the status bar's tooltip
    store.pending()
    store.next_due()
    store.claim("w", 4, 60)
    event.remove(store.engine, "before_cursor_execute", capture)
    checked = 0
    with store.engine.connect() as c:
        for statement, params in seen:
            plan = [str(r[-1]) for r in c.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]  # type: ignore[arg-type]
            tables = [p for p in plan if "notifications" in p or "attempts" in p]
            assert all(p.startswith("SEARCH") for p in tables), (statement, plan)
            checked += bool(tables)
    assert checked >= 7


def test_double_send_guard_is_one_query_for_any_number_of_recipients(store: Store) -> None:
    from sqlalchemy import event

    from notifier_gui.core.sending import plan_send

    ids = [store.add_recipient(f"Person {i}") for i in range(300)]
    store.enqueue(ids[:5], "x", subject="S", bodies=[f"Hello, Person {i}!" for i in range(5)])
    store.enqueue(ids[5:6], "Hello, somebody else!", subject="S")
    statements: list[str] = []

    def capture(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        if "FROM notifications" in statement:
            statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", capture)
    plan = plan_send(store, ids, "S", "Hello, {name}!")
    event.remove(store.engine, "before_cursor_execute", capture)
    assert plan.repeats == [f"Person {i}" for i in range(5)]  # each got their own text; Person 5 another
    assert len(statements) == 1
    assert plan_send(store, ids, "S", "Hello, {name}!", repeat_window=None).repeats == []


def test_the_start_up_secret_sweep_reads_only_rows_holding_a_secret(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    store = Store(open_database(f"sqlite:///{tmp_path / 'n.db'}"))
    rid = store.add_recipient("A", email="a@example.org")
    done, live = store.enqueue([rid, rid], "x", smtp_user="u", smtp_secret_refs=["ref-1", "ref-2"])
    with store.engine.begin() as c:
        c.exec_driver_sql(f"UPDATE notifications SET state = 'delivered', finished_at = created_at WHERE id = {done}")
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        seen.append((statement, params))

    event.listen(store.engine, "before_cursor_execute", capture)
    assert store.finished_secret_refs() == [(done, "ref-1")]
    event.remove(store.engine, "before_cursor_execute", capture)
    (statement, params), = [s for s in seen if "smtp_secret_ref" in s[0]]
    with store.engine.connect() as c:
        plan = [str(r[-1]) for r in c.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]  # type: ignore[arg-type]
    assert plan == ["SEARCH notifications USING INDEX ix_notifications_secret_ref (smtp_secret_ref>?)"], plan


def test_a_search_with_a_short_word_walks_the_text_index_newest_first_and_stops_at_the_page(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """"smirnova 55": the long word's FTS table hands out rowids newest first and the page's
    LIMIT stops it; the short word is checked on each candidate through the primary keys —
    no scan of attempts or notifications, no sort of the matches. (Its cost is the number of
    candidates the long words match before a page is full: docs/PERFORMANCE.md.)"""
    from sqlalchemy import event

    store = Store(open_database(f"sqlite:///{tmp_path / 'n.db'}"))
    fill(store, 30)
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        seen.append((statement, params))

    event.listen(store.engine, "before_cursor_execute", capture)
    rows = History(store.engine).page(LogQuery.from_search("смирнова 55"), 5)
    event.remove(store.engine, "before_cursor_execute", capture)
    assert [r.id for r in rows] == [25]  # Анна Смирнова's attempt 25 has "SMTP 552 …"
    (statement, params), = [(s, p) for s, p in seen if "attempts_fts" in s]
    with store.engine.connect() as c:
        plan = [str(r[-1]) for r in c.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]  # type: ignore[arg-type]
    store.engine.dispose()
    assert plan[0].startswith("SCAN") and "attempts_fts VIRTUAL TABLE" in plan[0], plan
    assert all(p.startswith("SEARCH") and "PRIMARY KEY" in p for p in plan[1:]), plan
    assert not any("TEMP B-TREE" in p for p in plan), plan
