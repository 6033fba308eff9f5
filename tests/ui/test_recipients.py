"""The Recipients page driven through real widgets over a real core (temporary data dir)."""
from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QWidget

from notifier_gui.core.storage.history import History

from notifier_gui.ui.context import AppContext
from notifier_gui.ui.recipients import (
    ImportReportDialog,
    RecipientDialog,
    RecipientsModel,
    RecipientsView,
    SortRole,
)
from notifier_gui.ui.recipients.model import Column

from .conftest import SHOTS, shot

# The offscreen platform plugin says this whenever a top-level window is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

PEOPLE = [
    # name, email, phone, telegram chat id
    ("Анна Смирнова", "anna.smirnova@example.ru", "+79161234567", 123456789),
    ("Иван Петров", "ivan.petrov@example.ru", "+79031112233", None),
    ("Ёлкин Пётр", None, "+79265554433", None),
    ("Olga Kuznetsova", "olga.k@example.com", None, 555000111),
    ("John Smith", "john.smith@example.com", "+442079460958", 987654321),
    ("Мария Волкова", "m.volkova@example.ru", None, None),
    ("Dmitry Orlov", None, None, 444333222),
    ("Emily Carter", "emily.carter@example.org", "+14155550123", None),
]


class Prompts:
    """Stands in for the file dialogs and message boxes, recording what was asked."""

    def __init__(self, confirm: bool = True) -> None:
        self.answer = confirm
        self.open_path: Path | None = None
        self.save_path: Path | None = None
        self.confirmations: list[str] = []
        self.errors: list[tuple[str, str]] = []

    def confirm(self, title: str, text: str) -> bool:
        self.confirmations.append(text)
        return self.answer

    def show_error(self, title: str, text: str) -> None:
        self.errors.append((title, text))

    def kwargs(self) -> dict[str, Callable[..., object]]:
        return {"ask_open_path": lambda: self.open_path, "ask_save_path": lambda: self.save_path,
                "confirm": self.confirm, "show_error": self.show_error}


def add_people(ctx: AppContext, people: list[tuple[str, str | None, str | None, int | None]] = PEOPLE) -> list[int]:
    store = ctx.runtime.store
    return [store.add_recipient(name, email, phone, tg) for name, email, phone, tg in people]


def settle(qtbot: QtBot, view: RecipientsView | RecipientsModel) -> None:
    """Wait until the table's reads (run on a worker thread) are in."""
    qtbot.waitUntil(lambda: not view.loading, timeout=5000)


def make_view(qtbot: QtBot, ctx: AppContext, prompts: Prompts | None = None) -> RecipientsView:
    view = RecipientsView(ctx, **(prompts or Prompts()).kwargs())  # type: ignore[arg-type]
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    qtbot.waitExposed(view)
    settle(qtbot, view)
    return view


def make_model(qtbot: QtBot, ctx: AppContext, **kw: int) -> RecipientsModel:
    model = RecipientsModel(ctx.tasks, History(ctx.runtime.store.engine), **kw)
    model.reload()
    settle(qtbot, model)
    return model


def wait_dialog(qtbot: QtBot, view: QWidget, cls: type[QDialog]) -> QDialog:
    found: list[QDialog] = []

    def opened() -> bool:
        found[:] = [d for d in view.findChildren(cls) if d.isVisible()]
        return len(found) == 1

    qtbot.waitUntil(opened, timeout=5000)
    return found[0]


def type_text(edit: QLineEdit, text: str) -> None:
    """Key presses carrying ``text``, one per character.

    QTest.keyClicks only knows Latin-1 and aborts the process on Cyrillic, so the events
    are built here; QLineEdit inserts their text and emits textEdited like for a person.
    """
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(edit, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))


def type_into(qtbot: QtBot, dialog: RecipientDialog, field: str, text: str) -> None:
    edit = dialog.edits[field]
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    type_text(edit, text)


def table_column(view: RecipientsView, column: int) -> list[str]:
    """The column as shown, once every read is in (the few rows of these tests: one page)."""
    model = view.model
    for row in range(model.rowCount()):
        model.index(row, column).data()  # asks for pages not held yet
    while view.loading:
        QApplication.processEvents()
    return [model.index(row, column).data() for row in range(model.rowCount())]


def row_index(view: RecipientsView, rid: int, column: int = Column.NAME):  # type: ignore[no-untyped-def]
    row = view.model.row_of(rid)
    assert row is not None
    return view.model.index(row, column)


# -- model and proxy ---------------------------------------------------------------------
def test_model_passes_the_model_tester(qtmodeltester, qtbot: QtBot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    add_people(ctx)
    model = make_model(qtbot, ctx)
    qtmodeltester.check(model, force_py=True)
    ids = [r.id for r in ctx.runtime.store.list_recipients()]
    for rid in ids[3:]:
        ctx.runtime.store.delete_recipient(rid)
    model.reload()  # a reset under the tester's eyes
    settle(qtbot, model)
    assert model.rowCount() == 3


def test_search_and_sort_pass_the_model_tester(qtmodeltester, qtbot: QtBot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    add_people(ctx)
    model = make_model(qtbot, ctx)
    model.sort(Column.REACHABLE, Qt.SortOrder.DescendingOrder)
    settle(qtbot, model)
    qtmodeltester.check(model, force_py=True)
    model.set_search("example")  # a new answer: a reset
    settle(qtbot, model)
    assert model.rowCount() == 6 and model.total == len(PEOPLE)
    model.set_search("")
    settle(qtbot, model)
    assert model.rowCount() == len(PEOPLE)


def test_reachable_column_names_the_channels_with_an_address(qtbot: QtBot, ctx: AppContext) -> None:
    ids = add_people(ctx)
    model = make_model(qtbot, ctx)
    reach = {rid: model.index(model.row_of(rid), Column.REACHABLE) for rid in ids}  # type: ignore[arg-type]
    assert reach[ids[0]].data() == "Email · SMS · Telegram"
    assert reach[ids[1]].data() == "Email · SMS"
    assert reach[ids[2]].data() == "SMS"
    assert reach[ids[3]].data() == "Email · Telegram"
    assert reach[ids[6]].data() == "Telegram"
    assert "Telegram is not linked" in reach[ids[1]].data(Qt.ItemDataRole.ToolTipRole)
    assert reach[ids[0]].data(Qt.ItemDataRole.ToolTipRole) is None
    # full reach sorts above partial reach
    assert reach[ids[0]].data(SortRole) > reach[ids[1]].data(SortRole) > reach[ids[2]].data(SortRole)

    nobody = ctx.runtime.store.add_recipient("Без контактов")
    model.reload()
    settle(qtbot, model)
    cell = model.index(model.row_of(nobody), Column.REACHABLE)  # type: ignore[arg-type]
    assert cell.data() == "No channel"
    assert cell.data(Qt.ItemDataRole.ForegroundRole) is not None


def test_table_sorts_on_raw_values_with_empty_cells_last(qtbot: QtBot, ctx: AppContext) -> None:
    add_people(ctx)
    view = make_view(qtbot, ctx)
    names = table_column(view, Column.NAME)
    assert names.index("Анна Смирнова") < names.index("Ёлкин Пётр") < names.index("Иван Петров")
    assert names.index("Dmitry Orlov") < names.index("John Smith")

    view.table.sortByColumn(Column.EMAIL, Qt.SortOrder.AscendingOrder)
    settle(qtbot, view)
    emails = table_column(view, Column.EMAIL)
    assert emails[-2:] == ["", ""]  # Ёлкин and Orlov have no email
    assert emails[0] == "anna.smirnova@example.ru"

    view.table.sortByColumn(Column.TELEGRAM, Qt.SortOrder.AscendingOrder)
    settle(qtbot, view)
    chats = [int(c) for c in table_column(view, Column.TELEGRAM) if c]
    assert chats == sorted(chats)  # numerically, not as text


def test_sort_keeps_selection_numeric_order_and_survives_reload(qtbot: QtBot, ctx: AppContext) -> None:
    store = ctx.runtime.store
    ids = add_people(ctx, [("item 10", "b@example.com", None, None), ("item 9", None, None, None),
                           ("Item 2", "a@example.com", None, None)])
    view = make_view(qtbot, ctx)
    assert table_column(view, Column.NAME) == ["Item 2", "item 9", "item 10"]  # numeric, case-blind

    view.select_ids([ids[1]])  # "item 9", the one without email
    settle(qtbot, view)
    view.table.sortByColumn(Column.EMAIL, Qt.SortOrder.DescendingOrder)
    settle(qtbot, view)
    assert table_column(view, Column.EMAIL) == ["", "b@example.com", "a@example.com"]  # empty first
    assert view.selected_ids() == [ids[1]]  # the selection followed its row
    assert view.table.selectionModel().selectedRows()[0].row() == 0

    view.table.sortByColumn(Column.NAME, Qt.SortOrder.DescendingOrder)
    store.add_recipient("item 11", None, None, None)
    view.refresh()  # a reload keeps the order the header shows
    settle(qtbot, view)
    assert table_column(view, Column.NAME) == ["item 11", "item 10", "item 9", "Item 2"]
    assert view.selected_ids() == [ids[1]]


# -- add / edit -----------------------------------------------------------------------
def test_add_with_bad_email_shows_inline_error_and_saves_nothing_until_fixed(
        qtbot: QtBot, ctx: AppContext) -> None:
    view = make_view(qtbot, ctx)
    assert view.empty.isVisible()
    view.act_add.trigger()
    dialog = wait_dialog(qtbot, view, RecipientDialog)
    assert isinstance(dialog, RecipientDialog)

    type_into(qtbot, dialog, "name", "Анна Смирнова")
    type_into(qtbot, dialog, "email", "anna@@example")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "not a valid email address" in dialog.error_text("email")
    assert dialog.errors["email"].isVisible()
    assert dialog.error_text("name") == ""
    assert dialog.isVisible()
    assert ctx.runtime.store.list_recipients() == []

    # the message goes away while typing, as soon as the address is valid
    type_into(qtbot, dialog, "email", "anna@example.ru")
    assert dialog.error_text("email") == ""
    with qtbot.waitSignal(view.selectionChanged, timeout=5000) as selection:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    saved = ctx.runtime.store.list_recipients()
    assert [(r.name, r.email) for r in saved] == [("Анна Смирнова", "anna@example.ru")]
    assert selection.args == [[saved[0].id]]
    qtbot.waitUntil(lambda: not dialog.isVisible())
    settle(qtbot, view)
    assert table_column(view, Column.NAME) == ["Анна Смирнова"]
    assert view.table.isVisible()


def test_every_bad_field_is_marked_and_ok_is_refused(qtbot: QtBot, ctx: AppContext) -> None:
    view = make_view(qtbot, ctx)
    view.act_add.trigger()
    dialog = wait_dialog(qtbot, view, RecipientDialog)
    assert isinstance(dialog, RecipientDialog)
    type_into(qtbot, dialog, "phone", "12")
    type_into(qtbot, dialog, "telegram_chat_id", "chat")
    qtbot.keyClick(dialog.edits["telegram_chat_id"], Qt.Key.Key_Return)  # Enter = OK
    assert dialog.error_text("name") == "must not be empty"
    assert "not a" in dialog.error_text("phone") and "phone number" in dialog.error_text("phone")
    assert "not a Telegram chat id" in dialog.error_text("telegram_chat_id")
    assert dialog.error_text("email") == ""  # empty optional field: no address, not an error
    assert dialog.isVisible()
    assert ctx.runtime.store.list_recipients() == []


def test_leaving_a_field_checks_it(qtbot: QtBot, ctx: AppContext) -> None:
    view = make_view(qtbot, ctx)
    view.act_add.trigger()
    dialog = wait_dialog(qtbot, view, RecipientDialog)
    assert isinstance(dialog, RecipientDialog)
    type_into(qtbot, dialog, "email", "no-at-sign")
    assert dialog.error_text("email") == ""  # not while typing a fresh value
    dialog.edits["email"].editingFinished.emit()  # what focus-out and Enter emit
    assert "not a valid email address" in dialog.error_text("email")


def test_duplicate_email_from_the_store_is_shown_under_the_field(qtbot: QtBot, ctx: AppContext) -> None:
    add_people(ctx, PEOPLE[:1])
    view = make_view(qtbot, ctx)
    view.act_add.trigger()
    dialog = wait_dialog(qtbot, view, RecipientDialog)
    assert isinstance(dialog, RecipientDialog)
    type_into(qtbot, dialog, "name", "Anna S.")
    type_into(qtbot, dialog, "email", "anna.smirnova@example.ru")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "already belongs" in dialog.error_text("email"), timeout=5000)
    assert dialog.isVisible() and dialog.ok_button.isEnabled()

    # the same phone written another way is the same E.164 number
    type_into(qtbot, dialog, "email", "anna.s@example.ru")
    assert dialog.error_text("email") == ""
    type_into(qtbot, dialog, "phone", "+7 (916) 123-45-67")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "already belongs" in dialog.error_text("phone"), timeout=5000)
    assert dialog.isVisible()
    assert len(ctx.runtime.store.list_recipients()) == 1


def test_edit_changes_the_stored_recipient(qtbot: QtBot, ctx: AppContext) -> None:
    ids = add_people(ctx)
    view = make_view(qtbot, ctx)
    view.select_ids([ids[1]])
    assert view.selected_ids() == [ids[1]]
    settle(qtbot, view)
    view.act_edit.trigger()
    dialog = wait_dialog(qtbot, view, RecipientDialog)
    assert isinstance(dialog, RecipientDialog)
    assert dialog.edits["name"].text() == "Иван Петров"
    assert dialog.edits["phone"].text() == "+79031112233"

    type_into(qtbot, dialog, "phone", "+7 903 111-22-44")
    type_into(qtbot, dialog, "telegram_chat_id", "777000")
    dialog.notes.setPlainText("Дежурный по выходным")
    with qtbot.waitSignal(view.recipientsChanged, timeout=5000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    r = ctx.runtime.store.get_recipient(ids[1])
    assert r is not None
    assert (r.phone, r.telegram_chat_id, r.notes) == ("+79031112244", 777000, "Дежурный по выходным")
    settle(qtbot, view)
    row = row_index(view, ids[1])
    assert row.siblingAtColumn(Column.PHONE).data() == "+79031112244"
    assert row.siblingAtColumn(Column.REACHABLE).data() == "Email · SMS · Telegram"
    assert view.selected_ids() == [ids[1]]


# -- delete ---------------------------------------------------------------------------
def test_delete_asks_first_and_deletes_on_yes(qtbot: QtBot, ctx: AppContext) -> None:
    ids = add_people(ctx)
    prompts = Prompts(confirm=False)
    view = make_view(qtbot, ctx, prompts)
    view.select_ids(ids[:2])
    view.act_delete.trigger()
    assert len(prompts.confirmations) == 1 and "2 selected recipients" in prompts.confirmations[0]
    assert len(ctx.runtime.store.list_recipients()) == len(PEOPLE)

    prompts.answer = True
    view.select_ids([ids[0]])
    with qtbot.waitSignal(view.recipientsChanged, timeout=5000):
        view.act_delete.trigger()
    assert "Анна Смирнова" in prompts.confirmations[-1]
    assert ctx.runtime.store.get_recipient(ids[0]) is None
    settle(qtbot, view)
    assert view.model.rowCount() == len(PEOPLE) - 1
    assert view.selected_ids() == []
    assert prompts.errors == []


def test_delete_refused_for_queued_notifications_shows_the_store_message(qtbot: QtBot, ctx: AppContext) -> None:
    ids = add_people(ctx, PEOPLE[:2])
    ctx.runtime.store.enqueue([ids[0]], "Сервер недоступен", subject="Авария")
    prompts = Prompts()
    view = make_view(qtbot, ctx, prompts)
    view.select_ids(ids)
    view.act_delete.trigger()
    qtbot.waitUntil(lambda: bool(prompts.errors), timeout=5000)
    title, text = prompts.errors[0]
    assert "Анна Смирнова" in text and "still queued" in text
    assert ctx.runtime.store.get_recipient(ids[0]) is not None  # refused
    assert ctx.runtime.store.get_recipient(ids[1]) is None      # the other one went
    settle(qtbot, view)
    assert view.selected_ids() == [ids[0]]


# -- search ---------------------------------------------------------------------------
def test_search_filters_on_name_email_and_phone(qtbot: QtBot, ctx: AppContext) -> None:
    add_people(ctx)
    view = make_view(qtbot, ctx)
    assert view.model.rowCount() == len(PEOPLE)

    type_text(view.search, "ИВАН")
    settle(qtbot, view)
    assert table_column(view, Column.NAME) == ["Иван Петров"]
    view.search.clear()
    qtbot.keyClicks(view.search, "EXAMPLE.COM")
    settle(qtbot, view)
    assert sorted(table_column(view, Column.NAME)) == ["John Smith", "Olga Kuznetsova"]
    view.search.clear()
    qtbot.keyClicks(view.search, "916 123-45")  # as people write it; stored as +79161234567
    settle(qtbot, view)
    assert table_column(view, Column.NAME) == ["Анна Смирнова"]
    view.search.clear()
    type_text(view.search, "петров ivan")  # every word, anywhere
    settle(qtbot, view)
    assert table_column(view, Column.NAME) == ["Иван Петров"]
    assert view.counts.text() == "Shown: 1 of 8"

    view.search.clear()
    qtbot.keyClicks(view.search, "nobody-like-this")
    settle(qtbot, view)
    assert view.model.rowCount() == 0
    assert view.empty.isVisible() and "nobody-like-this" in view.empty.text()
    view.search.clear()
    settle(qtbot, view)
    assert view.model.rowCount() == len(PEOPLE) and view.table.isVisible()


def test_selection_drives_actions_and_requests(qtbot: QtBot, ctx: AppContext) -> None:
    ids = add_people(ctx)
    view = make_view(qtbot, ctx)
    view.set_configured(None, telegram_ready=True)  # a bot token is saved: linking can work
    assert not view.act_edit.isEnabled() and not view.act_compose.isEnabled()

    with qtbot.waitSignal(view.selectionChanged) as changed:
        view.select_ids([ids[4], ids[0]])
    assert sorted(changed.args[0]) == sorted([ids[0], ids[4]])
    assert view.act_compose.isEnabled() and view.act_delete.isEnabled()
    assert not view.act_edit.isEnabled() and not view.act_link.isEnabled()
    assert view.counts.text() == "Recipients: 8 · Selected: 2"
    assert view.act_compose.text() == "&Compose to selected (2)"
    with qtbot.waitSignal(view.composeRequested) as compose:
        view.act_compose.trigger()
    assert sorted(compose.args[0]) == sorted([ids[0], ids[4]])

    settle(qtbot, view)
    row = row_index(view, ids[1])
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.table.visualRect(row).center())
    assert view.selected_ids() == [ids[1]]
    with qtbot.waitSignal(view.linkTelegramRequested) as link:
        view.act_link.trigger()
    assert link.args == [ids[1]]


# -- CSV ------------------------------------------------------------------------------
def test_import_with_bad_rows_reports_line_numbers_and_imports_nothing(
        qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    add_people(ctx, PEOPLE[:1])
    path = tmp_path / "people.csv"
    path.write_text(
        "name,email,phone,telegram_chat_id\n"           # 1
        "Пётр Иванов,petr@example.ru,+79160001122,\n"     # 2 ok
        "Bad Email,not-an-email,,\n"                      # 3 bad email
        ",nobody@example.com,,\n"                         # 4 no name
        "Copy of Anna,anna.smirnova@example.ru,,\n"       # 5 duplicate of existing
        "Kate Brown,kate@example.com,,42\n"               # 6 ok
        "Short row,x@example.com\n",                      # 7 wrong field count
        encoding="utf-8")
    prompts = Prompts()
    prompts.open_path = path
    view = make_view(qtbot, ctx, prompts)
    view.act_import.trigger()
    report = wait_dialog(qtbot, view, ImportReportDialog)
    assert isinstance(report, ImportReportDialog)

    assert "Nothing was imported: 3 line(s) need fixing." in report.summary.text()
    assert "Already in the list, skipped: 1." in report.summary.text()
    lines = [report.model.index(r, 0).data() for r in range(report.model.rowCount())]
    reasons = [report.model.index(r, 1).data() for r in range(report.model.rowCount())]
    assert lines == ["3", "4", "7", "5"]  # errors first, then the duplicates
    assert "email" in reasons[0] and "name" in reasons[1] and "already exists" in reasons[3]
    assert "expected 4 fields" in reasons[2]
    assert report.table.isVisible()

    shot(report, "import-report-rejected.png")
    names = {r.name for r in ctx.runtime.store.list_recipients()}
    assert names == {"Анна Смирнова"}  # all or nothing: fix the lines, import the file again
    assert view.model.rowCount() == 1 and report.report.imported == []
    assert "Recipients imported from people.csv: 0." in view.status.text()
    settle(qtbot, view)
    report.close()


def test_export_writes_a_csv_that_imports_back(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    add_people(ctx)
    before = {(r.name, r.email, r.phone, r.telegram_chat_id) for r in ctx.runtime.store.list_recipients()}
    prompts = Prompts()
    prompts.save_path = prompts.open_path = tmp_path / "export.csv"
    view = make_view(qtbot, ctx, prompts)
    view.act_export.trigger()
    qtbot.waitUntil(lambda: "Recipients exported to export.csv: 8." in view.status.text(), timeout=5000)
    with open(prompts.save_path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["name", "email", "phone", "telegram_chat_id"]
    assert len(rows) == 1 + len(PEOPLE)

    for r in ctx.runtime.store.list_recipients():
        ctx.runtime.store.delete_recipient(r.id)
    view.refresh()
    settle(qtbot, view)
    assert view.model.rowCount() == 0
    view.act_import.trigger()
    report = wait_dialog(qtbot, view, ImportReportDialog)
    assert isinstance(report, ImportReportDialog)
    assert report.report.rejected == [] and not report.table.isVisible()
    after = {(r.name, r.email, r.phone, r.telegram_chat_id) for r in ctx.runtime.store.list_recipients()}
    assert after == before
    settle(qtbot, view)
    assert view.model.rowCount() == len(PEOPLE)
    report.close()


def test_unreadable_import_file_is_reported(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    prompts = Prompts()
    prompts.open_path = tmp_path / "missing.csv"
    view = make_view(qtbot, ctx, prompts)
    view.act_import.trigger()
    qtbot.waitUntil(lambda: bool(prompts.errors), timeout=5000)
    assert "missing.csv" in prompts.errors[0][1]
    assert view.act_import.isEnabled()


def test_column_widths_and_sort_are_remembered(qtbot: QtBot, ctx: AppContext) -> None:
    add_people(ctx)
    view = make_view(qtbot, ctx)
    view.table.horizontalHeader().resizeSection(Column.EMAIL, 321)
    view.table.sortByColumn(Column.PHONE, Qt.SortOrder.DescendingOrder)
    settle(qtbot, view)
    again = make_view(qtbot, ctx)
    header = again.table.horizontalHeader()
    assert header.sectionSize(Column.EMAIL) == 321
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (Column.PHONE,
                                                                            Qt.SortOrder.DescendingOrder)


# -- screenshots ------------------------------------------------------------------------
def render_screenshots(qtbot: QtBot, ctx: AppContext, folder: Path) -> list[Path]:
    """The page with realistic data, and the dialog showing an inline error."""
    folder.mkdir(parents=True, exist_ok=True)
    ids = add_people(ctx)
    view = make_view(qtbot, ctx)
    view.select_ids([ids[0], ids[4]])
    settle(qtbot, view)
    QApplication.processEvents()
    page = folder / "recipients.png"
    assert view.grab().save(str(page))

    view.select_ids([ids[1]])
    settle(qtbot, view)
    view.act_edit.trigger()
    dialog = wait_dialog(qtbot, view, RecipientDialog)
    assert isinstance(dialog, RecipientDialog)
    type_into(qtbot, dialog, "email", "ivan.petrov@example")
    type_into(qtbot, dialog, "phone", "8 903 111")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error_text("email") and dialog.error_text("phone")
    QApplication.processEvents()
    # #13 item 7: the dialog grew by itself; nothing overlaps, no error line is cut
    assert dialog.buttons.geometry().top() >= dialog.notes.mapTo(dialog, dialog.notes.rect().bottomLeft()).y()
    for field in ("email", "phone"):
        label = dialog.errors[field]
        assert label.height() >= label.heightForWidth(label.width())
    dialog_shot = folder / "recipient-dialog.png"
    assert dialog.grab().save(str(dialog_shot))
    dialog.reject()

    csv_path = Path(tempfile.mkdtemp()) / "staff.csv"
    csv_path.write_text("name,email,phone,telegram_chat_id\n"
                        "Сергей Новиков,s.novikov@example.ru,+79167770011,\n"
                        "Bad Email,bad-address,,\n"
                        "Иван Петров (copy),ivan.petrov@example.ru,,\n"
                        "Laura Green,laura@example.com,+1 415 555 0199,\n", encoding="utf-8")
    prompts = Prompts()
    prompts.open_path = csv_path
    importer = make_view(qtbot, ctx, prompts)
    importer.act_import.trigger()
    report = wait_dialog(qtbot, importer, ImportReportDialog)
    QApplication.processEvents()
    report_shot = folder / "recipients-import-report.png"
    assert report.grab().save(str(report_shot))
    report.close()
    shutil.rmtree(csv_path.parent)
    return [page, dialog_shot, report_shot]


def test_screenshots(qtbot: QtBot, ctx: AppContext) -> None:
    for path in render_screenshots(qtbot, ctx, SHOTS):
        assert path.stat().st_size > 0


def test_import_report_model_passes_the_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    from notifier_gui.ui.recipients.import_dialog import RejectedLinesModel

    model = RejectedLinesModel([(0, "the file is not UTF-8"), (3, "email: 'x' is not valid"), (7, "fields")])
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 3 and model.index(1, 0).data() == "3"


def test_reimport_reports_duplicates_apart_and_errors_first(qtbot: QtBot, ctx: AppContext, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """#13 item 10: a re-import of 200 lines with 5 real errors at the end leads with the 5,
    though the report lists only the first 20 lines it skips (1,000 in the program)."""
    from notifier_gui.core import recipients

    monkeypatch.setattr(recipients, "MAX_REPORTED", 20)
    path = tmp_path / "many.csv"
    good = "".join(f"Person {n},p{n}@example.org,,\n" for n in range(195))
    bad = "".join(f"Broken {n},not-an-email-{n},,\n" for n in range(5))
    path.write_text("name,email,phone,telegram_chat_id\n" + good, encoding="utf-8")  # imported first
    prompts = Prompts()
    prompts.open_path = path
    view = make_view(qtbot, ctx, prompts)
    view.act_import.trigger()
    first = wait_dialog(qtbot, view, ImportReportDialog)
    assert isinstance(first, ImportReportDialog)
    first.close()
    qtbot.waitUntil(lambda: not first.isVisible())
    path.write_text("name,email,phone,telegram_chat_id\n" + good + bad, encoding="utf-8")
    view.act_import.trigger()  # the same people again, and five broken lines
    qtbot.waitUntil(lambda: any(isinstance(w, ImportReportDialog) and w is not first and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=15_000)
    report = next(w for w in QApplication.topLevelWidgets()
                  if isinstance(w, ImportReportDialog) and w is not first and w.isVisible())
    text = report.summary.text()
    assert "Nothing was imported: 5 line(s) need fixing." in text  # all or nothing
    assert "Already in the list, skipped: 195." in text
    assert [report.model.index(r, 1).data() for r in range(5)] == [
        report.model.index(r, 1).data() for r in range(5) if "already exists" not in report.model.index(r, 1).data()]
    assert report.copy_button.isVisible() and report.copy_button.text() == "&Copy lines with errors"
    shot(report, "recipients-reimport-report.png")
    report.close()


def test_link_telegram_waits_for_a_bot_token(qtbot: QtBot, ctx: AppContext) -> None:
    """#13 item 14: without a bot token "Link Telegram…" is off and says why."""
    ids = add_people(ctx)
    view = make_view(qtbot, ctx)
    view.set_configured(["email"], telegram_ready=False)
    view.select_ids([ids[0]])
    assert view.act_edit.isEnabled() and not view.act_link.isEnabled()
    assert "Settings" in view.act_link.toolTip()
    view.set_configured(["email", "telegram"], telegram_ready=True)
    assert view.act_link.isEnabled()
