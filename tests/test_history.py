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
    assert found("cker") == list(range(2, 61, 3))  # a substring of the name
    assert found("cker 55") == []  # a short word matches the name only: "SMTP 552 …" is no "55"
    assert found("ck mailbox") == [5, 35]  # a short word in the name, a long one in the detail
    assert found(f"#{nids[7]}") == [8]
    assert found("nobody-has-this") == []
    assert found("50%") == []  # LIKE's wildcards are searched for, not obeyed
    t = utcnow() - timedelta(days=10)
    assert found("mailbox", since=t + timedelta(hours=20), until=t + timedelta(hours=40)) == [25, 35]


def test_live_events_are_judged_like_the_sql(store: Store) -> None:
    fill(store)
    h = History(store.engine)
    for text in ("mailbox", "смирнова full", "cker", "#7", "accepted 1", "cker 55", "ck", "5", "ANNA 52"):
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
    assert h.recipient_ids_matching("(916) 123") == [2]  # a phone as people write it: its digits
    assert h.recipient_ids_matching("r") == [1, 2, 3]
    store.update_recipient(3, name="Clara Schumann")
    assert h.recipient_ids_matching("schumann") == [3]
    assert h.recipient_ids_matching("") == [1, 2, 3]
    # words shorter than the text index's three letters, in any script and case
    assert h.recipient_ids_matching("ан") == [1] and h.recipient_ids_matching("АН СМ") == [1]
    assert h.recipients_count("ан") == 1 and [r.id for r in h.recipients_page("aН", "name", False, 0, 5)] == []
    assert h.recipient_ids_page("см", "name", False, 0, 5) == [1] and h.recipients_among("ан", [1, 2]) == [1]
    assert h.recipient_position("ан", "name", False, 1) == 0



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


# -- the search's two plans (migration 0007): name first, or the text index -------------------------
PEOPLE = ("Anna Smirnova 10", "Anna Smirnova 1040", "anna smirnova 7", "Анна Смирнова 10", "АННА ПЕТРОВА 210",
          "Boris Becker", "Clara")
DETAILS = ("250 accepted", "552 mailbox full", "mailbox of anna.smirnova@example.org is full",
           "code 10, try later", "Ёлка: chat not found")
QUERIES = ("Anna Smirnova 10", "anna smirnova 1040", "анна смирнова 10", "АННА", "анна 10", "mailbox", "anna mailbox",
           "smirnova full", "anna.smirnova", "becker anna", "10", "1", "a", "zz", "ёлка", "ЁЛКА becker", "chat 10",
           "1040 mailbox", "petrova 21", "smirnova 7 accepted", "nobody-has-this")


def fill_people(store: Store) -> None:
    """Attempts of PEOPLE with DETAILS in every combination (35 notifications, 70 attempts)."""
    rids = [store.add_recipient(name) for name in PEOPLE]
    nids = store.enqueue([rids[i % len(rids)] for i in range(35)], "hello")
    t0 = utcnow() - timedelta(days=3)
    with store.engine.begin() as c:
        c.execute(insert(ATTEMPTS), [
            {"notification_id": nid, "channel": ("email", "sms")[k], "started_at": t0 + timedelta(minutes=i),
             "finished_at": t0 + timedelta(minutes=i), "outcome": "transient" if k == 0 else "delivered",
             "detail": DETAILS[(i + k * 2 + i // len(PEOPLE)) % len(DETAILS)], "round_no": 0, "try_no": 1}
            for i, nid in enumerate(nids) for k in (0, 1)])


def by_hand(h: History, q: LogQuery) -> list[int]:
    """The rows LogQuery.matches (the live rows' test) picks out of every row."""
    every = h.page(LogQuery(), 1000)
    return [r.id for r in every if q.matches(r.notification_id, r.recipient_name, r.channel, r.outcome,
                                             r.detail, r.started_at)]


def test_both_plans_and_live_rows_answer_a_search_the_same(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every query, paged three rows at a time both ways, gives the same rows through the name-first
    plan, through the text index's plan, and by LogQuery.matches: names in any case and
    script, words only in the detail, short words (the name only), many names."""
    from notifier_gui.core.storage import history

    fill_people(store)
    h = History(store.engine)

    def pages(q: LogQuery) -> tuple[list[int], list[int]]:
        newest: list[int] = []
        before = None
        while rows := h.page(q, 3, before=before):
            newest = ids(rows) + newest
            before = rows[0].id
        oldest: list[int] = []
        while rows := h.page(q, 3, after=oldest[-1] if oldest else 0):
            oldest += ids(rows)
        return newest, oldest

    wanted = {text: by_hand(h, LogQuery.from_search(text)) for text in QUERIES}
    name_first = 0
    for text in QUERIES:  # as planned here: by name for most
        q = LogQuery.from_search(text)
        with h.connection() as c:
            name_first += h._name_first(c, q) is not None
        assert pages(q) == (wanted[text], wanted[text]), text
        assert h.count(q) == len(wanted[text]), text
    assert name_first >= len(QUERIES) - 3  # "mailbox", "smirnova full", "chat 10": words in many details
    monkeypatch.setattr(history, "_RARE_IN_DETAILS", 0)  # no word is rare in the details: fewer by name
    monkeypatch.setattr(history, "_NAME_FIRST_NAMES", 2)  # many names: the text index
    for text in QUERIES:
        assert pages(LogQuery.from_search(text)) == (wanted[text], wanted[text]), text
    monkeypatch.setattr(History, "_name_first", lambda *_: None)  # the text index's plan alone
    for text in QUERIES:
        assert pages(LogQuery.from_search(text)) == (wanted[text], wanted[text]), text
    # the answers themselves, for a few: the search is not just consistent but right
    every = h.page(LogQuery(), 100)
    found = {t: [every[i - 1].recipient_name for i in wanted[t]] for t in ("Anna Smirnova 10", "10", "chat 10", "anna.smirnova")}
    tens = {"Anna Smirnova 10", "Anna Smirnova 1040", "Анна Смирнова 10", "АННА ПЕТРОВА 210"}
    assert set(found["10"]) == tens  # "code 10, try later" in a detail is not enough
    # the last two through "anna.smirnova@example.org" in the detail only
    assert set(found["Anna Smirnova 10"]) == tens
    assert found["Anna Smirnova 10"].count("Anna Smirnova 10") == 10 > found["Anna Smirnova 10"].count("Анна Смирнова 10")
    assert set(found["chat 10"]) <= set(found["10"]) and found["chat 10"]
    assert found["anna.smirnova"] and "Clara" in found["anna.smirnova"]  # in the detail only


def plans(store: Store, q: LogQuery, *, name_first: bool) -> list[tuple[str, list[str]]]:
    """Each statement a page of ``q`` runs that reads attempts, with its plan (SQLite's EXPLAIN
    QUERY PLAN; PostgreSQL's EXPLAIN with sequential scans discouraged, as on a big table)."""
    from sqlalchemy import event

    h = History(store.engine)
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        if "FROM attempts" in statement or "JOIN attempts" in statement:
            seen.append((statement, params))

    event.listen(store.engine, "before_cursor_execute", capture)
    with h.connection() as c:
        assert (h._name_first(c, q) is not None) == name_first
    h.page(q, 5)
    event.remove(store.engine, "before_cursor_execute", capture)
    out = []
    with h.connection() as c:
        pg = store.engine.dialect.name == "postgresql"
        if pg:
            c.exec_driver_sql("SET enable_seqscan = off")
        for statement, params in seen:
            rows = c.exec_driver_sql(("EXPLAIN " if pg else "EXPLAIN QUERY PLAN ") + statement, params)  # type: ignore[arg-type]
            out.append((statement, [str(r[-1]) for r in rows]))
    return out


def test_name_first_reads_the_names_and_the_details_index_never_the_history(store: Store) -> None:
    """"Anna Smirnova 10": the names holding the words lead through ix_notifications_recipient_name
    to their attempts; the rows where a word is only in the detail come from the details' own
    index (SQLite: attempt_details_fts; PostgreSQL: the pg_trgm index on attempts.detail)."""
    fill_people(store)
    pg = store.engine.dialect.name == "postgresql"
    seen = plans(store, LogQuery.from_search("Anna Smirnova 10"), name_first=True)
    by_names = [p for s, p in seen if "recipient_name IN" in s and "LIMIT" in s and "ORDER BY" in s]
    by_details = [p for s, p in seen if ("attempt_details_fts" in s or "detail ILIKE" in s) and "ORDER BY" in s]
    assert len(by_names) == 1 and len(by_details) == 1, seen
    assert any("ix_notifications_recipient_name" in line for line in by_names[0]), by_names
    if pg:
        assert any("ix_attempts_detail_trgm" in line for line in by_details[0]), by_details
    else:
        assert any("ix_attempts_notification_id" in line for line in by_names[0]), by_names
        assert any("attempt_details_fts VIRTUAL TABLE" in line for line in by_details[0]), by_details
        for statement, plan in seen:  # the history is never scanned, only searched by key
            assert not any(line.startswith("SCAN") and ("attempts " in line + " " or "notifications" in line)
                           for line in plan if "VIRTUAL TABLE" not in line), (statement, plan)


def test_the_text_index_plan_walks_it_newest_first_and_stops_at_the_page(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """When many names match, the FTS table hands out rowids newest first and the page's LIMIT
    stops it; a short word is checked on each candidate's name through the primary keys — no
    scan of attempts or notifications, no sort of the matches."""
    from notifier_gui.core.storage import history

    store = Store(open_database(f"sqlite:///{tmp_path / 'n.db'}"))
    fill_people(store)
    monkeypatch.setattr(history, "_NAME_FIRST_NOTIFICATIONS", 0)  # as if these names had a year of attempts
    seen = plans(store, LogQuery.from_search("smirnova 10"), name_first=False)
    store.engine.dispose()
    (plan,) = [p for s, p in seen if "attempts_fts" in s]
    assert plan[0].startswith("SCAN") and "attempts_fts VIRTUAL TABLE" in plan[0], plan
    assert all(p.startswith("SEARCH") and "PRIMARY KEY" in p for p in plan[1:]), plan
    assert not any("TEMP B-TREE" in p for p in plan), plan


def test_names_and_details_indexes_follow_every_write(store: Store) -> None:
    """history_names gains a name when a notification is written or renamed; the details' index
    follows attempts inserted, rewritten and deleted (SQLite: FTS5's own integrity check)."""
    from sqlalchemy import delete, select, update

    from notifier_gui.core.storage.schema import HISTORY_NAMES, NOTIFICATIONS

    fill_people(store)
    h = History(store.engine)

    def names() -> set[str]:
        with store.engine.connect() as c:
            return set(c.execute(select(HISTORY_NAMES.c.name)).scalars())

    assert names() == set(PEOPLE)
    with store.engine.begin() as c:
        c.execute(update(NOTIFICATIONS).where(NOTIFICATIONS.c.id == 1).values(recipient_name="Zoe Quinn"))
        c.execute(update(ATTEMPTS).where(ATTEMPTS.c.id == 4).values(detail="550 zebra unknown"))
        c.execute(delete(ATTEMPTS).where(ATTEMPTS.c.id == 6))
    assert names() == set(PEOPLE) | {"Zoe Quinn"}
    assert ids(h.page(LogQuery.from_search("zoe"), 10)) == [1, 2]
    assert ids(h.page(LogQuery.from_search("zebra"), 10)) == [4]
    assert 6 not in ids(h.page(LogQuery(), 100))
    if store.engine.dialect.name == "sqlite":
        with store.engine.begin() as c:
            c.exec_driver_sql("INSERT INTO attempt_details_fts(attempt_details_fts) VALUES ('integrity-check')")
