"""Add… in Compose (ui/compose/picker.py): the picker shows at most its limit of the people
a search matches, read by SQL on a worker thread, newest search only; it says what it
leaves out and why a list is empty."""
from __future__ import annotations

import pytest

from notifier_gui.core.storage.history import History

from notifier_gui.ui.compose import RecipientPicker
from notifier_gui.ui.context import AppContext

from tests.ui.gui_thread import statements_on_gui_thread

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def _picker(qtbot, ctx: AppContext, exclude: list[int] | None = None) -> RecipientPicker:  # type: ignore[no-untyped-def]
    picker = RecipientPicker(ctx.tasks, History(ctx.runtime.store.engine), exclude or [])
    qtbot.addWidget(picker)
    picker.show()
    qtbot.waitUntil(lambda: not picker.loading)
    return picker


def _names(picker: RecipientPicker) -> list[str]:
    return [picker.model.item(r).text().split(" — ")[0] for r in range(picker.model.rowCount())]


def test_many_people_show_a_bounded_list_read_off_the_gui_thread(
        qtbot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(RecipientPicker, "limit", 50)
    store = ctx.runtime.store
    store.add_recipients({"name": f"Person {i:04d}", "email": f"p{i}@example.org"} for i in range(1200))
    store.add_recipient("Виктор Ёлкин", phone="+79161234567")
    with statements_on_gui_thread(store.engine) as seen:
        picker = _picker(qtbot, ctx)
        assert picker.model.rowCount() == 50  # not 1,201
        assert _names(picker)[:2] == ["Person 0000", "Person 0001"]  # by name
        assert "50 of 1,201" in picker.note.text() and picker.note.isVisibleTo(picker)
        picker.search.setText("Person 11")  # the Recipients tab's search: both words, anywhere in a name
        qtbot.waitUntil(lambda: not picker.loading)
        matching = sorted(f"Person {i:04d}" for i in range(1200) if "11" in f"{i:04d}")
        assert _names(picker) == matching[:50]
        assert f"50 of {len(matching)}" in picker.note.text()
        picker.search.setText("916 123-45")  # a phone as people write it
        qtbot.waitUntil(lambda: not picker.loading)
        assert _names(picker) == ["Виктор Ёлкин"] and not picker.note.isVisibleTo(picker)
        assert picker.list.currentIndex().row() == 0  # Enter adds the person found
        picker.search.setText("nobody-like-this")
        qtbot.waitUntil(lambda: not picker.loading)
        assert picker.model.rowCount() == 0 and "nobody-like-this" in picker.note.text()
    assert seen == []


def test_only_the_newest_search_is_shown(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    store = ctx.runtime.store
    for name in ("Anna", "Boris", "Clara"):
        store.add_recipient(name, email=f"{name.lower()}@example.org")
    picker = _picker(qtbot, ctx)
    for text in ("ann", "bor", "cla"):  # typed faster than the searches are answered
        picker.search.setText(text)
    qtbot.waitUntil(lambda: not picker.loading)
    assert _names(picker) == ["Clara"]


def test_people_already_chosen_are_not_offered(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    store = ctx.runtime.store
    a, b = (store.add_recipient(n, email=f"{n.lower()}@example.org") for n in ("Anna", "Boris"))
    picker = _picker(qtbot, ctx, [a])
    assert _names(picker) == ["Boris"]
    picker.search.setText("anna")
    qtbot.waitUntil(lambda: not picker.loading)
    assert picker.model.rowCount() == 0 and picker.note.text() == "Everyone who matches is already chosen."
    everyone = _picker(qtbot, ctx, [a, b])
    assert everyone.note.text() == "Everyone is already chosen."


def test_an_empty_address_book_says_where_people_come_from(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    picker = _picker(qtbot, ctx)
    assert picker.model.rowCount() == 0
    assert picker.note.text() == "No recipients yet. Add them on the Recipients tab first."
