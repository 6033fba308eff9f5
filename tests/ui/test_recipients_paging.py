"""The Recipients page over 20,000 people: a window onto the database, not a copy of it.

Twenty thousand is ten times the rows the model may hold and a hundred of its pages: every
path that drops and reads pages again runs here. The 100,000 people of the issue are the
bench's (``bench/history.py``); writing them cost this suite 10 s of CPU.

Rows are written straight into the table (the store's bulk path is for CSV files), with the
name order key the store keeps; the page reads them through ``History`` on a worker thread.
The rows are written once for the module, into a database of their own, and copied
into each test's database by SQL (cheaper than writing them for each test).
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from pytestqt.qtbot import QtBot
from sqlalchemy import MetaData, Table, insert

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication

from notifier_gui.core.storage.engine import open_database
from notifier_gui.core.storage.history import History
from notifier_gui.core.storage.schema import RECIPIENTS, utcnow
from notifier_gui.core.storage.sortkey import name_sort_key

from notifier_gui.ui.context import AppContext
from notifier_gui.ui.recipients import RecipientsModel, RecipientsView
from notifier_gui.ui.recipients.model import Column

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

N = 20_000


def person(i: int) -> str:
    return f"Person {i}"  # "Person 9" sorts before "Person 10": numbers by value


def fill(ctx: AppContext, n: int) -> None:
    write(ctx.runtime.store.engine, n)


def write(engine: Any, n: int, staged: bool = False) -> None:
    """``staged``: through a temporary table without the recipients' indexes, then one INSERT
    ... SELECT (the same rows; a quarter of the time for 100,000 of them)."""
    now = utcnow()
    rows = [{"name": person(i), "sort_name": name_sort_key(person(i)), "notes": "",
             "email": f"p{i}@example.org" if i % 2 else None, "created_at": now, "updated_at": now}
            for i in range(1, n + 1)]
    with engine.begin() as c:
        if not staged:
            c.execute(insert(RECIPIENTS), rows)
            return
        columns = [sqlalchemy.Column(col.name, col.type) for col in RECIPIENTS.c if col.name in rows[0]]
        staging = Table("staging", MetaData(), *columns, prefixes=["TEMPORARY"])
        staging.create(c)
        c.execute(insert(staging), rows)
        names = ", ".join(rows[0])
        c.exec_driver_sql(f"INSERT INTO recipients ({names}) SELECT {names} FROM staging ORDER BY rowid")


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file holding the N people, written as :func:`fill` writes them."""
    path = tmp_path_factory.mktemp("people") / "people.db"
    engine = open_database(f"sqlite:///{path}")
    try:
        write(engine, N, staged=True)
    finally:
        engine.dispose()
    return path


def copy_people(ctx: AppContext, people: Path) -> None:
    """The N people into the test's (empty) database, rows and ids as they are in ``people``."""
    columns = ", ".join(c.name for c in RECIPIENTS.c)
    raw = ctx.runtime.store.engine.raw_connection()
    try:
        con = raw.driver_connection  # sqlite3 in autocommit (engine.py): ATTACH is outside a transaction
        con.execute("ATTACH DATABASE ? AS people", (str(people),))
        con.execute("BEGIN IMMEDIATE")
        con.execute(f"INSERT INTO main.recipients ({columns}) SELECT {columns} FROM people.recipients")
        con.execute("COMMIT")
        con.execute("DETACH DATABASE people")
    finally:
        raw.close()


def settle(qtbot: QtBot, view: RecipientsView | RecipientsModel) -> None:
    qtbot.waitUntil(lambda: not view.loading, timeout=60_000)  # a busy machine


def show(qtbot: QtBot, view: RecipientsView, row: int) -> None:
    """Scroll so ``row`` is on screen and wait for its page."""
    view.table.scrollTo(view.model.index(row, 0))
    QApplication.processEvents()
    view.model.index(row, 0).data()
    settle(qtbot, view)


@pytest.fixture
def view(qtbot: QtBot, ctx: AppContext, people: Path) -> RecipientsView:
    copy_people(ctx, people)
    assert History(ctx.runtime.store.engine).recipients_count() == N
    v = RecipientsView(ctx)
    qtbot.addWidget(v)
    v.resize(900, 500)
    v.show()
    qtbot.waitExposed(v)
    settle(qtbot, v)
    return v


def test_the_model_holds_at_most_its_budget_wherever_the_operator_scrolls_or_sorts(qtbot: QtBot, view: RecipientsView) -> None:
    model = view.model
    assert model.rowCount() == N and model.total == N
    assert model.rows_held <= model.page_size  # only the first page was read
    assert model.index(0, 0).data() == "Person 1"
    held = []
    for row in (N - 1, N // 2, 0, 14_623, N - 1, 10, N // 3):
        show(qtbot, view, row)
        assert model.index(row, 0).data() == person(row + 1)  # the right page, in name order
        held.append(model.rows_held)
    for row in range(0, N, N // 25):  # many more pages than the budget holds
        model.index(row, 0).data()
        settle(qtbot, view)
        held.append(model.rows_held)
    assert max(held) <= model.budget < N
    assert view.counts.text() == f"Recipients: {N}"

    # a click on a header sorts in SQL: one page is read, the budget holds
    view.table.sortByColumn(Column.NAME, Qt.SortOrder.DescendingOrder)
    settle(qtbot, view)
    assert model.index(0, 0).data() == person(N) and model.rows_held <= model.page_size
    view.table.sortByColumn(Column.EMAIL, Qt.SortOrder.AscendingOrder)
    settle(qtbot, view)
    # emails as text (so "p10001@…" before "p1@…"); the half without one last
    assert model.index(0, Column.EMAIL).data() == min(f"p{i}@example.org" for i in range(1, N + 1, 2))
    show(qtbot, view, N - 1)
    assert model.index(N - 1, Column.EMAIL).data() == ""
    assert model.rows_held <= model.budget


def test_selection_survives_pages_leaving_memory(qtbot: QtBot, view: RecipientsView) -> None:
    model, table = view.model, view.table
    far = next(r.id for r in History(view.ctx.runtime.store.engine).recipients_page("", "name", False, N // 2, 1))
    view.select_ids([far])
    settle(qtbot, view)
    assert model.row_of(far) == N // 2  # the answer read its page and showed it
    assert [i.row() for i in table.selectionModel().selectedRows()] == [N // 2]
    show(qtbot, view, 0)  # scrolled away (the rows on screen stay held)...
    for row in range(0, N, N // 25):  # ...and far more pages read than the budget: its page leaves memory
        model.index(row, 0).data()
        settle(qtbot, view)
    assert model.row_of(far) is None and view.selected_ids() == [far]
    show(qtbot, view, N // 2)  # back again: the row is selected when its page arrives
    assert [i.row() for i in table.selectionModel().selectedRows()] == [N // 2]

    # Ctrl+click adds a row; the one far away stays selected whether or not it is held
    show(qtbot, view, 3)
    table.selectionModel().select(model.index(3, 0), QItemSelectionModel.SelectionFlag.Select
                                  | QItemSelectionModel.SelectionFlag.Rows)
    assert view.selected_ids() == [far, model.recipient_at(3).id]  # type: ignore[union-attr]

    # a range over rows never read: its ids come from SQL, in the table's order
    table.selectionModel().select(QItemSelection(model.index(0, 0), model.index(4_999, len(Column) - 1)),
                                  QItemSelectionModel.SelectionFlag.ClearAndSelect)
    settle(qtbot, view)  # read on the worker thread, never the GUI's
    ids = view.selected_ids()
    assert far not in ids  # the rows selected before are replaced
    assert sorted(ids) == sorted(History(view.ctx.runtime.store.engine).recipient_ids_page("", "name", False, 0, 5_000))
    table.selectAll()  # Ctrl+A: everyone, most of them never read (their ids on the worker)
    settle(qtbot, view)
    assert len(view.selected_ids()) == N and str(N) in view.act_compose.text()
    table.selectRow(7)  # a click: just that one
    assert view.selected_ids() == [model.recipient_at(7).id]  # type: ignore[union-attr]
    table.selectAll()
    settle(qtbot, view)

    # a search keeps the selected people it matches, and the count says so
    type_search(view, "person 777")
    settle(qtbot, view)
    matching = History(view.ctx.runtime.store.engine).recipient_ids_matching("person 777")
    assert model.rowCount() == len(matching) < N and sorted(view.selected_ids()) == matching
    assert view.counts.text() == f"Shown: {len(matching)} of {N} · Selected: {len(matching)}"


def type_search(view: RecipientsView, text: str) -> None:
    view.search.setText(text)


class GatedHistory(History):
    """The real queries, but the first answer for ``gate_text`` waits until released: a slow
    search that a newer one overtakes. Records the thread and the texts of page reads."""

    def __init__(self, engine: Any, gate_text: str) -> None:
        super().__init__(engine)
        self.gate_text = gate_text
        self.entered = threading.Event()
        self.release = threading.Event()
        self.count_threads: list[int] = []
        self.page_texts: list[str] = []

    def recipients_count(self, text: str = "") -> int:
        self.count_threads.append(threading.get_ident())
        if text == self.gate_text:
            self.entered.set()
            self.release.wait(10)
        return super().recipients_count(text)

    def recipients_page(self, text: str, *a: Any, **kw: Any) -> Any:
        self.page_texts.append(text)
        return super().recipients_page(text, *a, **kw)


def test_a_newer_search_cancels_an_older_one_off_the_gui_thread(qtbot: QtBot, ctx: AppContext) -> None:
    fill(ctx, 2_000)
    history = GatedHistory(ctx.runtime.store.engine, "person 1")
    model = RecipientsModel(ctx.tasks, history)
    model.reload()
    settle(qtbot, model)
    model.set_search("person 1")  # its count waits on the worker
    qtbot.waitUntil(history.entered.is_set, timeout=5000)
    assert model.loading and model.rowCount() == 2_000  # the previous answer stays meanwhile
    model.set_search("person 2")
    matches = History(ctx.runtime.store.engine).recipients_count("person 2")  # 2, 20…29, 200…299, 2000
    wait: Callable[[], bool] = lambda: model.rowCount() == matches  # noqa: E731
    qtbot.waitUntil(wait, timeout=5000)  # the newer search answers while the older still waits
    assert not history.release.is_set()
    history.release.set()
    settle(qtbot, model)
    assert model.rowCount() == matches and model.index(0, 0).data() == "Person 2"
    assert "person 1" not in history.page_texts  # the older read stopped before its page
    assert threading.get_ident() not in history.count_threads  # every read ran on a worker
