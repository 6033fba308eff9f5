"""Reads of the delivery history that cost what one page costs, not what the database holds.

The delivery log is a window onto the ``attempts`` table: pages by keyset on the attempt id
(newest first or oldest first), filters as SQL, text search through migration 0003's
search objects (SQLite FTS5 trigram tables, PostgreSQL pg_trgm indexes) and 0007's
(the names in the history, a text index of the details alone). Both dialects answer "every
word appears in the recipient's name, or, for a word of three characters or more, in the
name or the detail, ignoring case" (a shorter word would match most details by chance, and
no trigram index can look it up). The status bar's counts read only unfinished work and
today's failures through indexes.

Kept apart from :mod:`.repository` (the writers and the claim path): nothing here writes.
(A little over 450 lines: the log's and the recipients' searches share their SQL helpers.)
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Engine,
    Select,
    String,
    and_,
    case,
    cast,
    column,
    func,
    literal,
    or_,
    select,
    table,
)
from sqlalchemy.exc import OperationalError

from ..records import AttemptRow, RecipientData
from .reads import recipient_from_row
from .schema import ATTEMPTS, HISTORY_NAMES, NOTIFICATIONS, RECIPIENTS

IN_FLIGHT = "sending"  # how a filter names attempts whose outcome is still NULL
_MIN_TRIGRAM = 3  # shorter words cannot use a trigram index: in the log they match the name only
# History._name_first gathers and sorts the attempts of the names holding the words: only
# while they are few. A word is looked up in the details' index while few attempts hold it.
_NAME_FIRST_NOTIFICATIONS = 5_000
_NAME_FIRST_NAMES = 1_000
_RARE_IN_DETAILS = 1_000
_ID_SEARCH = re.compile(r"#(\d{1,18})")

_ATTEMPTS_FTS = table("attempts_fts", column("rowid"), column("attempts_fts"))
_RECIPIENTS_FTS = table("recipients_fts", column("rowid"), column("recipients_fts"))
_DETAILS_FTS = table("attempt_details_fts", column("rowid"), column("attempt_details_fts"))


def _contains(text: str | None, word: str) -> bool:
    """SQLite's ``notifier_contains``: ``word`` (case-folded) is in ``text`` ignoring case, as
    :meth:`LogQuery.matches` tests a live row (SQLite's ``LIKE`` folds ASCII letters only)."""
    return text is not None and word in text.casefold()


class Cancelled(Exception):
    """A read was given up because a newer one replaced it."""


@dataclass(frozen=True)
class LogQuery:
    """What the operator filters the delivery log by; the default shows everything."""

    outcomes: frozenset[str] | None = None  # attempt outcomes; IN_FLIGHT: not finished yet
    channel: str | None = None
    words: tuple[str, ...] = ()  # each in the recipient's name, or (3+ characters) in the name or the detail
    notification_id: int | None = None
    since: datetime | None = None  # started at or after
    until: datetime | None = None  # started before

    @classmethod
    def from_search(cls, text: str, **kw: Any) -> LogQuery:
        """The search box's text: ``#42`` picks notification 42, anything else is words."""
        words = text.split()
        nid = None
        rest = []
        for w in words:
            m = _ID_SEARCH.fullmatch(w)
            if m and nid is None:
                nid = int(m.group(1))
            else:
                rest.append(w.casefold())
        return cls(words=tuple(rest), notification_id=nid, **kw)

    def with_search(self, text: str) -> LogQuery:
        parsed = LogQuery.from_search(text)
        return replace(self, words=parsed.words, notification_id=parsed.notification_id)

    @property
    def active(self) -> bool:
        return self != LogQuery()

    def matches(self, notification_id: int, recipient: str, channel: str, outcome: str | None,
                detail: str, started: datetime) -> bool:
        """The same question in Python, for a live row that arrives while a filter is set."""
        if self.outcomes is not None and (outcome or IN_FLIGHT) not in self.outcomes:
            return False
        if self.channel is not None and channel != self.channel:
            return False
        if self.notification_id is not None and notification_id != self.notification_id:
            return False
        if self.since is not None and started < self.since:
            return False
        if self.until is not None and started >= self.until:
            return False
        if self.words:
            name = recipient.casefold()
            hay = f"{name}\n{detail.casefold()}"
            return all(w in (hay if len(w) >= _MIN_TRIGRAM else name) for w in self.words)
        return True


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_PHONE_LIKE = re.compile(r"[\d\s()+\-.]*\d[\d\s()+\-.]*")


def recipient_search_words(text: str) -> list[str]:
    """The words a recipients' search looks for, case-folded; text that looks like a phone
    number as people write it ("+7 (916) 123-45") is its digits, one word (phones are
    stored E.164). The window, the API and the CLI all search through this."""
    if _PHONE_LIKE.fullmatch(text.strip()):
        return ["".join(c for c in text if c.isdigit())]
    return [w.casefold() for w in text.split()]


def _case_variants(word: str) -> list[str]:
    """Every way of writing ``word``'s letters in upper or lower case (for a short word)."""
    return sorted({"".join(p) for p in itertools.product(*({ch.lower(), ch.upper()} for ch in word))})


def _fts_phrase(words: list[str], op: str = "AND") -> str:
    return f" {op} ".join('"' + w.replace('"', '""') + '"' for w in words)


class History:
    """Read-only queries over the history; every method is one short read."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._pg = engine.dialect.name == "postgresql"

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A connection for the log's queries (on SQLite with ``notifier_contains`` registered)."""
        with self.engine.connect() as conn:
            if not self._pg:
                raw: Any = conn.connection.dbapi_connection
                raw.create_function("notifier_contains", 2, _contains, deterministic=True)
            yield conn

    # -- the log's pages ------------------------------------------------------------------
    def _in_name(self, word: str, name: Any = NOTIFICATIONS.c.recipient_name) -> ColumnElement[bool]:
        if self._pg:
            return name.ilike(_like(word), escape="\\")  # type: ignore[no-any-return]
        return func.notifier_contains(name, word, type_=Boolean)

    def _word(self, word: str) -> ColumnElement[bool]:
        """One word of the search, tested on each row."""
        if len(word) < _MIN_TRIGRAM:
            return self._in_name(word)
        detail = ATTEMPTS.c.detail
        in_detail = (detail.ilike(_like(word), escape="\\") if self._pg
                     else func.notifier_contains(detail, word, type_=Boolean))
        return or_(in_detail, self._in_name(word))

    def _filtered(self, q: LogQuery, start: Any = None) -> tuple[Select[Any], Any]:
        """The page query without order and limit, and the id column that orders it (``start``:
        a CTE of the attempt ids to read, PostgreSQL)."""
        A, N = ATTEMPTS, NOTIFICATIONS
        cols = (A.c.id, A.c.notification_id, A.c.channel, A.c.outcome, A.c.detail, A.c.started_at,
                A.c.finished_at, A.c.provider_message_id, N.c.recipient_name, A.c.receipt_at, A.c.receipt_detail,
                A.c.detail_code, A.c.detail_params, A.c.receipt_code, A.c.receipt_params)
        conds: list[ColumnElement[bool]] = []
        if q.outcomes is not None:
            finished = [o for o in q.outcomes if o != IN_FLIGHT]
            parts: list[ColumnElement[bool]] = []
            if finished:
                parts.append(A.c.outcome.in_(finished))
            if IN_FLIGHT in q.outcomes:
                parts.append(A.c.outcome.is_(None))
            conds.append(or_(*parts) if parts else A.c.id < 0)
        if q.channel is not None:
            conds.append(A.c.channel == q.channel)
        if q.notification_id is not None:
            conds.append(A.c.notification_id == q.notification_id)
        if q.since is not None:
            conds.append(A.c.started_at >= q.since)
        if q.until is not None:
            conds.append(A.c.started_at < q.until)
        long_words = [w for w in q.words if len(w) >= _MIN_TRIGRAM]
        # pg_trgm answers ILIKE '%word%' from its GIN indexes (name and detail); on SQLite the
        # FTS table below answers the long words, and a short one is tested on the name.
        conds.extend(self._word(w) for w in q.words if self._pg or len(w) < _MIN_TRIGRAM)
        if long_words and not self._pg:
            # The FTS table drives: it hands out matching rowids in rowid order and stops at
            # the page's LIMIT, instead of building the whole set of matches first.
            F = _ATTEMPTS_FTS
            stmt = (select(*cols).select_from(F)
                    .join(A, A.c.id == F.c.rowid).join(N, N.c.id == A.c.notification_id)
                    .where(F.c.attempts_fts.op("MATCH")(_fts_phrase(long_words)), *conds))
            return stmt, F.c.rowid
        rows = A if start is None else start.join(A, A.c.id == start.c.id)
        stmt = select(*cols).select_from(rows).join(N, N.c.id == A.c.notification_id).where(*conds)
        return stmt, A.c.id

    def page(self, q: LogQuery, limit: int, before: int | None = None, after: int | None = None,
             cancelled: Callable[[], bool] | None = None) -> list[AttemptRow]:
        """Up to ``limit`` matching attempts in ascending id order: the newest ones below
        ``before`` (or the newest of all), or, with ``after``, the oldest ones above it.

        ``cancelled`` is polled while SQLite works; when it turns true the read stops and
        :class:`Cancelled` is raised (a newer filter replaced this one)."""
        found: dict[int, AttemptRow] = {}
        with self.connection() as conn:
            plan = self._name_first(conn, q)
            for stmt, key in plan if plan is not None else [self._filtered(q)]:
                if after is not None:
                    stmt = stmt.where(key > after).order_by(key.asc()).limit(limit)
                else:
                    if before is not None:
                        stmt = stmt.where(key < before)
                    stmt = stmt.order_by(key.desc()).limit(limit)
                found.update((r[0], AttemptRow(*r)) for r in self._execute(conn, stmt, cancelled))
        rows = sorted(found.values(), key=lambda r: r.id)
        return rows[:limit] if after is not None else rows[-limit:]

    def _name_first(self, conn: Connection, q: LogQuery) -> list[tuple[Select[Any], Any]] | None:
        """The page's statements with the words looked up by name first (None: the text index's
        plan, :meth:`_filtered`, which walks the rows holding the long words newest first —
        quick while matches are many, but "Anna Smirnova 10" walked every Anna Smirnova).

        The long words few details hold (``rare``: at most _RARE_IN_DETAILS attempts in the
        details' own index) and the short words are looked up in ``history_names``. A matching
        row either holds them all in its name (an attempt of those names) or lacks a rare word
        there, which its detail then holds (one of that word's few attempts in the details).
        Both sets are read with the page's limit and checked for every word: the same rows as
        the other plan. Chosen while those names have at most _NAME_FIRST_NOTIFICATIONS."""
        if not q.words:
            return None
        H, N, A = HISTORY_NAMES, NOTIFICATIONS, ATTEMPTS
        long_words = [w for w in q.words if len(w) >= _MIN_TRIGRAM]
        rare = [w for w in long_words if self._in_details(conn, w) <= _RARE_IN_DETAILS]
        by_name = rare + [w for w in q.words if len(w) < _MIN_TRIGRAM]
        if not by_name:
            return None  # every word is in many details
        names = list(conn.execute(select(H.c.name).where(*(self._in_name(w, H.c.name) for w in by_name))
                                  .limit(_NAME_FIRST_NAMES + 1)).scalars())
        if len(names) > _NAME_FIRST_NAMES:
            return None
        if names:  # counted in the name index alone, up to the budget
            theirs = select(N.c.id).where(N.c.recipient_name.in_(names)).limit(_NAME_FIRST_NOTIFICATIONS + 1)
            if int(conn.execute(select(func.count()).select_from(theirs.subquery())).scalar_one()) > _NAME_FIRST_NOTIFICATIONS:
                return None
        base, key = self._filtered(replace(q, words=()))
        out = []
        if names:
            out.append((base.where(N.c.recipient_name.in_(names),
                                   *(self._word(w) for w in long_words if w not in rare)), key))
        if rare:
            if self._pg:  # from the ids the trigram index finds, not along the primary key
                D = ATTEMPTS.alias("d")
                holding = (select(D.c.id).where(or_(*(D.c.detail.ilike(_like(w), escape="\\") for w in rare)))
                           .cte("holding").prefix_with("MATERIALIZED"))
                base = self._filtered(replace(q, words=()), holding)[0]
            else:
                F = _DETAILS_FTS
                base = base.where(A.c.id.in_(select(F.c.rowid).where(
                    F.c.attempt_details_fts.op("MATCH")(_fts_phrase(rare, "OR")))))
            out.append((base.where(*(self._word(w) for w in q.words)), key))
        return out

    def _in_details(self, conn: Connection, word: str) -> int:
        """How many attempts hold ``word`` in their detail, counted up to _RARE_IN_DETAILS + 1."""
        if self._pg:
            holding = select(ATTEMPTS.c.id).where(ATTEMPTS.c.detail.ilike(_like(word), escape="\\"))
        else:
            F = _DETAILS_FTS
            holding = select(F.c.rowid).where(F.c.attempt_details_fts.op("MATCH")(_fts_phrase([word])))
        limited = holding.limit(_RARE_IN_DETAILS + 1).subquery()
        return int(conn.execute(select(func.count()).select_from(limited)).scalar_one())

    def _execute(self, conn: Connection, stmt: Select[Any], cancelled: Callable[[], bool] | None) -> list[Any]:
        if cancelled is None:
            return list(conn.execute(stmt))
        if cancelled():
            raise Cancelled
        raw: Any = conn.connection.dbapi_connection
        if self._pg:
            return list(conn.execute(stmt))
        raw.set_progress_handler(lambda: 1 if cancelled() else 0, 2000)
        try:
            return list(conn.execute(stmt))
        except OperationalError:
            if cancelled():
                conn.rollback()
                raise Cancelled from None
            raise
        finally:
            raw.set_progress_handler(None, 0)

    def count(self, q: LogQuery) -> int:
        """How many attempts match (for an export's progress; a scan, so never per tick)."""
        stmt, _ = self._filtered(q)
        with self.connection() as conn:
            return int(conn.execute(select(func.count()).select_from(stmt.subquery())).scalar() or 0)

    def stream(self, q: LogQuery, batch: int = 2000,
               cancelled: Callable[[], bool] = lambda: False) -> Iterator[list[AttemptRow]]:
        """Every matching attempt, newest first, in keyset batches (each its own short read,
        so an export never holds a transaction open against the workers)."""
        before: int | None = None
        while not cancelled():
            rows = self.page(q, batch, before=before)
            if not rows:
                return
            rows.reverse()
            yield rows
            before = rows[-1].id

    def newest_id(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.max(ATTEMPTS.c.id))).scalar() or 0)

    # -- the status bar ---------------------------------------------------------------------
    def live_counts(self, failed_since: datetime) -> dict[str, int]:
        """Queued, sending and failed-since counts. Each reads one index range of live rows
        (ix_notifications_due for the unfinished states, ix_notifications_finished for
        today's failures): never the finished history."""
        N = NOTIFICATIONS
        out = {"queued": 0, "sending": 0, "failed": 0}
        with self.engine.connect() as conn:
            for state in ("queued", "sending"):
                out[state] = int(conn.execute(select(func.count()).select_from(N).where(N.c.state == state)).scalar() or 0)
            out["failed"] = int(conn.execute(select(func.count()).select_from(N).where(
                N.c.state == "failed", N.c.finished_at >= failed_since)).scalar() or 0)
        return out

    # -- recipients -------------------------------------------------------------------------
    def _recipients_where(self, text: str, *cols: Any) -> Select[Any]:
        """``cols`` of the recipients whose name, email or phone contains every word of ``text``."""
        R = RECIPIENTS
        words = recipient_search_words(text)
        conds: list[ColumnElement[bool]] = []
        long_words = [w for w in words if len(w) >= _MIN_TRIGRAM]
        for w in words:
            if self._pg or len(w) < _MIN_TRIGRAM:
                # Words too short for the text index (one or two letters). SQLite's LIKE folds
                # ASCII letters only: a word with other letters is looked for (instr) in each way
                # of writing it ("ан", "Ан", "аН", "АН": at most four), so "ан" finds "Анна".
                # Counting 100,000 people that way took 3.4 times an ASCII word's LIKE; through
                # notifier_contains (a Python call per row) 5.2 times, LIKE per way 4.2 times.
                fields = (R.c.name, R.c.email, R.c.phone)
                if self._pg:
                    conds.append(or_(*(c.ilike(_like(w), escape="\\") for c in fields)))
                elif w.isascii():
                    conds.append(or_(*(c.like(_like(w), escape="\\") for c in fields)))
                else:
                    conds.append(or_(*(func.instr(c, v) > 0 for v in _case_variants(w) for c in fields)))
        if long_words and not self._pg:
            F = _RECIPIENTS_FTS
            return (select(*cols).select_from(F).join(R, R.c.id == F.c.rowid)
                    .where(F.c.recipients_fts.op("MATCH")(_fts_phrase(long_words)), *conds))
        return select(*cols).where(and_(*conds) if conds else R.c.id > 0)

    def recipient_ids_matching(self, text: str, limit: int | None = None) -> list[int]:
        """Recipients whose name, email or phone contains every word of ``text`` (ignoring case)."""
        stmt = self._recipients_where(text, RECIPIENTS.c.id).order_by(RECIPIENTS.c.id)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            return [int(i) for i in conn.execute(stmt).scalars()]

    def recipient_ids_with_chat_id(self, digits: str) -> list[int]:
        """Recipients whose Telegram chat id, written out, contains ``digits`` (the CLI's
        search adds these for a number)."""
        R = RECIPIENTS
        stmt = (select(R.c.id).where(cast(R.c.telegram_chat_id, String).like(_like(digits), escape="\\"))
                .order_by(R.c.id))
        with self.engine.connect() as conn:
            return [int(i) for i in conn.execute(stmt).scalars()]

    def recipients_count(self, text: str = "") -> int:
        """How many recipients :meth:`recipients_page` pages through for this search."""
        words = recipient_search_words(text)
        if words and not self._pg and all(len(w) >= _MIN_TRIGRAM for w in words):
            # every word is in the FTS index: count its matches there, without the join
            F = _RECIPIENTS_FTS
            with self.engine.connect() as conn:
                return int(conn.execute(select(func.count()).select_from(F).where(
                    F.c.recipients_fts.op("MATCH")(_fts_phrase(words)))).scalar() or 0)
        stmt = self._recipients_where(text, RECIPIENTS.c.id)
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(stmt.subquery())).scalar() or 0)

    def _recipients_order(self, sort: str, descending: bool, configured: Sequence[str] | None) -> tuple[Any, ...]:
        R = RECIPIENTS
        if sort == "name":  # NOT NULL and indexed with the id: a page at any offset walks the index
            return (R.c.sort_name.desc(), R.c.id.desc()) if descending else (R.c.sort_name.asc(), R.c.id.asc())
        key: Any
        if sort == "reach":
            key = _reach_key(configured)
        else:
            key = {"email": func.lower(R.c.email), "phone": R.c.phone,
                   "telegram_chat_id": R.c.telegram_chat_id, "id": R.c.id}[sort]
        return ((key.desc().nulls_first(), R.c.id.desc()) if descending
                else (key.asc().nulls_last(), R.c.id.asc()))

    def recipients_page(self, text: str, sort: str, descending: bool, offset: int, limit: int,
                        cancelled: Callable[[], bool] | None = None,
                        configured: Sequence[str] | None = None) -> list[RecipientData]:
        """One page of the recipients table, searched like :meth:`recipient_ids_matching`, ordered by ``sort``
        with empty cells last when ascending, first when descending, the id breaking ties;
        ``offset``/``limit`` pick the page.

        ``sort``: "name" (``sort_name``: case-blind, "Ё" with "Е", numbers by value; indexed),
        "email" (case-blind), "phone", "telegram_chat_id", "id", or "reach": how many of the
        ``configured`` channels (None: all) have an address, then which addresses exist."""
        R = RECIPIENTS
        stmt = (self._recipients_where(text, R.c.id, R.c.name, R.c.email, R.c.phone, R.c.telegram_chat_id,
                                       R.c.channels, R.c.notes)
                .order_by(*self._recipients_order(sort, descending, configured)).offset(offset).limit(limit))
        with self.engine.connect() as conn:
            return [recipient_from_row(r) for r in self._execute(conn, stmt, cancelled)]

    def recipient_ids_page(self, text: str, sort: str, descending: bool, offset: int, limit: int,
                           configured: Sequence[str] | None = None) -> list[int]:
        """The ids of the rows :meth:`recipients_page` gives for the same arguments (a selection
        of rows the window has not read, e.g. Shift+click far below or Ctrl+A)."""
        R = RECIPIENTS
        stmt = (self._recipients_where(text, R.c.id)
                .order_by(*self._recipients_order(sort, descending, configured)).offset(offset).limit(limit))
        with self.engine.connect() as conn:
            return [int(i) for i in conn.execute(stmt).scalars()]

    def recipients_among(self, text: str, ids: Sequence[int]) -> list[int]:
        """Those of ``ids`` that still exist and match the search ``text`` (in the order given)."""
        found: set[int]
        R = RECIPIENTS
        if recipient_search_words(text) and len(ids) > 500:
            # many ids (Ctrl+A): one pass over the search's matches, not a search per chunk
            found = set(self.recipient_ids_matching(text))
            return [i for i in ids if i in found]
        found = set()
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                chunk = list(ids[i:i + 500])
                found.update(int(r) for r in conn.execute(
                    self._recipients_where(text, R.c.id).where(R.c.id.in_(chunk))).scalars())
        return [i for i in ids if i in found]

    def recipient_position(self, text: str, sort: str, descending: bool, recipient_id: int,
                           configured: Sequence[str] | None = None) -> int | None:
        """The row ``recipient_id`` has among :meth:`recipients_page`'s rows (None: it does
        not match). Sorted by name it is one count over the index; other orders count a scan."""
        R = RECIPIENTS
        order = self._recipients_order(sort, descending, configured)
        with self.engine.connect() as conn:
            if conn.execute(self._recipients_where(text, R.c.id).where(R.c.id == recipient_id)).first() is None:
                return None
            if sort == "name":
                mine = conn.execute(select(R.c.sort_name).where(R.c.id == recipient_id)).scalar_one()
                before = (or_(R.c.sort_name < mine, and_(R.c.sort_name == mine, R.c.id < recipient_id))
                          if not descending else
                          or_(R.c.sort_name > mine, and_(R.c.sort_name == mine, R.c.id > recipient_id)))
                stmt = self._recipients_where(text, R.c.id).where(before)
                return int(conn.execute(select(func.count()).select_from(stmt.subquery())).scalar() or 0)
            # any other order: number the matching rows in that order and find ours
            ranked = self._recipients_where(text, R.c.id.label("rid"),
                                            func.row_number().over(order_by=order).label("pos")).subquery()
            pos = conn.execute(select(ranked.c.pos).where(ranked.c.rid == recipient_id)).scalar()
            return None if pos is None else int(pos) - 1


def _reach_key(configured: Sequence[str] | None) -> Any:
    """The "Reachable via" column's order in SQL: 8 × the number of configured channels with
    an address, plus 1 (email), 2 (phone), 4 (Telegram chat) — what the window's model shows."""
    R = RECIPIENTS
    has = {"email": R.c.email.is_not(None), "sms": R.c.phone.is_not(None),
           "telegram": R.c.telegram_chat_id.is_not(None)}
    bits = {"email": 1, "sms": 2, "telegram": 4}
    total: Any = literal(0)
    for channel, cond in has.items():
        weight = bits[channel] + (8 if configured is None or channel in configured else 0)
        total = total + case((cond, weight), else_=0)
    return total
