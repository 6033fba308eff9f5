"""The recipients page: a search box, the table, and the actions on the selected rows.

The table is a window onto the database (:mod:`.model`): search and sort are SQL, read on a
worker thread a page at a time, so 100,000 people cost what one screen costs. The selection
is kept here as recipient ids (:meth:`RecipientsView.selected_ids`), not as rows: it survives
pages coming and going, a new sort, and a reload; a search keeps only the selected people it
matches. Every write, import and export runs through ``ctx.tasks`` as well.
File dialogs and message boxes are constructor arguments, so tests never open native ones.
(Just over 450 lines: the selection by id is most of it, and it spans every action here.)
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from PySide6.QtCore import (
    QByteArray,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.records import RecipientData
from ...core.storage.history import History
from ..context import AppContext
from ..keyboard import select_with_keys
from ..tasks import alive
from .csv_transfer import AskPath, CsvTransfer
from .deleting import Confirm, Deleter
from .dialog import RecipientDialog
from .model import Column, Loaded, RecipientsModel
from .selection import IdSelection

log = logging.getLogger("notifier.ui.recipients")

ShowError = Callable[[str, str], None]        # (title, text)

_HEADER_KEY = "recipients/header"
_DEFAULT_WIDTHS = {Column.NAME: 210, Column.EMAIL: 250, Column.PHONE: 150, Column.TELEGRAM: 130}


# -- worker-thread helpers: plain functions, no widgets ---------------------------------
class RecipientsView(QWidget):
    """Search, table and actions over the stored recipients.

    Signals:
        selectionChanged(list): ids of the selected recipients, in the order they were selected.
        composeRequested(list): ids the operator wants to write to ("Compose to selected").
        linkTelegramRequested(int): id of the recipient whose Telegram chat should be linked.
        recipientsChanged(): recipients were added, edited, deleted or imported here.
    """

    selectionChanged = Signal(list)
    composeRequested = Signal(list)
    linkTelegramRequested = Signal(int)
    recipientsChanged = Signal()

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        ask_open_path: AskPath | None = None,
        ask_save_path: AskPath | None = None,
        confirm: Confirm | None = None,
        show_error: ShowError | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.csv = CsvTransfer(ctx, self, ask_open_path, ask_save_path, busy_now=lambda: self._busy)
        self._confirm: Confirm = confirm or self._confirm_box
        self._show_error: ShowError = show_error or self._error_box
        self._busy = False
        self._last_selection: list[int] = []
        self._reveal: int | None = None  # just saved: clear a search that hides it
        self._answered = False  # the first answer is in (until then the page shows no empty state)

        self._telegram_ready = False  # until the main window knows whether a bot token is saved
        self.model = RecipientsModel(ctx.tasks, History(ctx.runtime.store.engine), self)

        self._build_actions()
        self._build()
        self._restore_state()
        self._connect()
        self.refresh()

    # -- building ---------------------------------------------------------------------
    def _action(self, text: str, tip: str, slot: Callable[[], None]) -> QAction:
        act = QAction(text, self)
        # buttons show iconText, which Qt derives by dropping "…" (and the mnemonic): keep the
        # ellipsis that says "a dialog follows"; no mnemonic, so no clash with the window's menus
        act.setIconText(text.replace("&", ""))
        act.setToolTip(tip)
        act.setStatusTip(tip)
        act.triggered.connect(slot)
        return act

    def _build_actions(self) -> None:
        self.act_add = self._action(self.tr("&Add…"), self.tr("Add a recipient"), self._add)
        self.act_edit = self._action(self.tr("&Edit…"), self.tr("Edit the selected recipient"), self._edit)
        self.act_delete = self._action(self.tr("&Delete"), self.tr("Delete the selected recipients"), self._delete)
        self.act_link = self._action(self.tr("Link &Telegram…"),
                                     self.tr("Link the selected recipient's Telegram chat through the bot"),
                                     self._link_telegram)
        self.act_import = self._action(self.tr("&Import CSV…"),
                                       self.tr("Add recipients from a CSV file (name,email,phone,telegram_chat_id)"),
                                       self.csv.import_file)
        self.act_export = self._action(self.tr("E&xport CSV…"), self.tr("Save all recipients to a CSV file"),
                                       self.csv.export_file)
        self.act_compose = self._action(self.tr("&Compose to selected"),
                                        self.tr("Write a message to the selected recipients"), self._compose)
        self.act_edit.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        self.act_delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        for act in (self.act_edit, self.act_delete):
            act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # only while the table has focus

    def _button(self, action: QAction) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setObjectName(f"{action.objectName() or 'action'}Button")
        return button

    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("recipientSearch")
        self.search.setPlaceholderText(self.tr("Search name, email or phone"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self._focus_search,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.table = QTableView()
        self.table.setObjectName("recipientsTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        for col, width in _DEFAULT_WIDTHS.items():
            header.resizeSection(col, width)
        self.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        separator = QAction(self)
        separator.setSeparator(True)
        separator2 = QAction(self)
        separator2.setSeparator(True)
        self.table.addActions([self.act_edit, self.act_delete, separator, self.act_link, self.act_compose,
                               separator2, self.act_add])

        self.empty = QLabel()
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setEnabled(False)  # drawn in the disabled (muted) colour
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        top = QHBoxLayout()
        for act in (self.act_add, self.act_edit, self.act_delete, None, self.act_link, None,
                    self.act_import, self.act_export):
            if act is None:
                top.addSpacing(12)
            else:
                top.addWidget(self._button(act))
        top.addStretch(1)
        top.addWidget(self.search)

        self.status = QLabel()
        self.status.setObjectName("recipientsStatus")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.counts = QLabel()
        self.counts.setObjectName("recipientsCounts")
        compose = self._button(self.act_compose)
        compose.setMinimumWidth(180)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.counts)
        bottom.addSpacing(12)
        bottom.addWidget(compose)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        layout.addLayout(bottom)

    def _connect(self) -> None:
        self.search.textChanged.connect(self._on_search)
        self.model.loaded.connect(self._on_loaded)
        self.model.pageLoaded.connect(self._on_page)
        select_with_keys(self.table)
        self.selection = IdSelection(self.table, self.model, self.ctx.tasks, self)
        self.selection.changed.connect(self._sync_selection)
        self.deleter = Deleter(self.ctx, self._confirm, lambda: self._busy, self)
        for part in (self.csv, self.deleter):
            part.busy.connect(self._set_busy)
            part.said.connect(self.status.setText)
            part.failed.connect(self._show_error)
        self.deleter.deleted.connect(self._on_deleted)

        self.csv.imported.connect(self._on_imported)
        self.table.doubleClicked.connect(self._on_double_click)
        header = self.table.horizontalHeader()
        header.sectionResized.connect(self._save_header)
        header.sectionMoved.connect(self._save_header)
        header.sortIndicatorChanged.connect(self._save_header)

    def _restore_state(self) -> None:
        state = self.ctx.ui_state.value(_HEADER_KEY)
        header = self.table.horizontalHeader()
        if isinstance(state, QByteArray) and header.restoreState(state):
            self.table.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())

    @Slot()
    def _save_header(self) -> None:
        self.ctx.ui_state.setValue(_HEADER_KEY, self.table.horizontalHeader().saveState())

    # -- public API -------------------------------------------------------------------
    @property
    def loading(self) -> bool:
        """A search, sort, reload, page read or a selection's ids read is under way."""
        return self.model.loading or self.selection.reading

    def selected_ids(self) -> list[int]:
        return self.selection.ids()

    def select_ids(self, ids: Iterable[int]) -> None:
        """Select these recipients (those the search hides, or deleted meanwhile, drop out when
        the table's answer comes) and show the first."""
        wanted = list(dict.fromkeys(ids))
        self.selection.held = dict.fromkeys(wanted)
        self.selection.show(clear=True)
        self.model.reload(wanted, wanted[0] if wanted else None)
        self._sync_selection()

    def set_configured(self, channels: list[str] | None, telegram_ready: bool = False) -> None:
        """Channels set up in Settings (None: sandbox) for "Reachable via"; the selection stays.
        ``telegram_ready``: a bot token is saved, so "Link Telegram…" can work."""
        self._telegram_ready = telegram_ready
        self.act_link.setToolTip(self.tr("Link the selected recipient's Telegram chat through the bot")
                                 if telegram_ready else
                                 self.tr("Set up Telegram (the bot token) in Settings first"))
        self.model.set_configured(channels)
        self._update_actions(self.selected_ids())

    def refresh(self) -> None:
        """Read the counts and the visible page again (on the worker), keeping the selection."""
        self.model.reload(self.selected_ids())

    # -- answers from the model ---------------------------------------------------------
    @Slot(object)
    def _on_loaded(self, answer: Loaded) -> None:
        """A new answer (search, sort, reload): the selection keeps the ids that still match."""
        self._answered = True
        kept = set(answer.kept)
        asked = set(answer.asked)
        held = self.selection.held
        self.selection.held = dict.fromkeys(i for i in held if i in kept or i not in asked)
        if self._reveal is not None:
            rid, self._reveal = self._reveal, None
            if rid not in kept and self.search.text():
                self.selection.held[rid] = None
                self.search.clear()  # the search hides what was just saved: show it
                return
        self.selection.show(clear=True)
        if answer.focus_row is not None:
            index = self.model.index(answer.focus_row, 0)
            self.table.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.table.scrollTo(index)
        elif answer.new_order:
            self.table.scrollToTop()
        self._update_view()
        self._sync_selection()

    @Slot(int, int)
    def _on_page(self, first: int, last: int) -> None:
        self.selection.show(first, last)

    # -- selection and search ---------------------------------------------------------
    @Slot()
    def _sync_selection(self) -> None:
        ids = self.selected_ids()
        self.model.selected = ids  # plain data, not a call back into the view (no reference cycle)
        self._update_actions(ids)
        self._update_counts(ids)
        if ids != self._last_selection:
            self._last_selection = ids
            self.selectionChanged.emit(ids)

    @Slot(str)
    def _on_search(self, text: str) -> None:
        self.model.set_search(text, self.selected_ids())

    @Slot()
    def _focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _update_view(self) -> None:
        if self.model.rowCount() > 0 or not self._answered:
            self.stack.setCurrentWidget(self.table)
        else:
            if self.model.total == 0:
                self.empty.setText(self.tr("No recipients yet.\nAdd one with “Add…”, or bring a list in "
                                           "with “Import CSV…” (columns name, email, phone, telegram_chat_id)."))
            else:
                self.empty.setText(self.tr("Nobody matches “{text}”.").format(text=self.model.search_text().strip()))
            self.stack.setCurrentWidget(self.empty)
        self._update_counts(self.selected_ids())
        self._update_actions(self.selected_ids())

    def _update_counts(self, ids: list[int]) -> None:
        total, shown = self.model.total, self.model.rowCount()
        if shown == total:
            text = self.tr("Recipients: %n", "", total)
        else:
            text = self.tr("Shown: {shown} of {total}").format(shown=shown, total=total)
        if ids:
            text += " · " + self.tr("Selected: %n", "", len(ids))
        self.counts.setText(text)

    def _update_actions(self, ids: list[int]) -> None:
        n = len(ids)
        self.act_edit.setEnabled(n == 1)
        self.act_link.setEnabled(n == 1 and self._telegram_ready)
        self.act_delete.setEnabled(n >= 1 and not self._busy)
        self.act_compose.setEnabled(n >= 1)
        self.act_compose.setText(self.tr("&Compose to selected (%n)", "", n) if n else self.tr("&Compose to selected"))
        self.act_compose.setIconText(self.act_compose.text().replace("&", ""))
        self.act_import.setEnabled(not self._busy)
        self.act_export.setEnabled(not self._busy and self.model.total > 0)

    def _set_busy(self, message: str | None) -> None:
        """Imports, exports and deletes write the database: one at a time from this page."""
        self._busy = message is not None
        if message is not None:
            self.status.setText(message)
        self._update_actions(self.selected_ids())

    # -- add / edit -------------------------------------------------------------------
    @Slot()
    def _add(self) -> None:
        self._open_dialog(None)

    @Slot()
    def _edit(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 1:
            return
        self.ctx.tasks.start(self._edit_fresh(ids[0]))

    async def _edit_fresh(self, rid: int) -> None:
        recipient = await self.ctx.tasks.run(self.ctx.runtime.store.get_recipient, rid)  # a link may have changed it
        if not alive(self):
            return
        if recipient is None:
            self.refresh()
            self._show_error(self.tr("Edit recipient"), self.tr("This recipient was deleted meanwhile."))
            return
        self._open_dialog(recipient)

    @Slot(QModelIndex)
    def _on_double_click(self, _index: QModelIndex) -> None:
        self._edit()

    def _open_dialog(self, recipient: RecipientData | None) -> None:
        dialog = RecipientDialog(self.ctx, recipient, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_saved)
        dialog.open()

    @Slot(int)
    def _on_saved(self, rid: int) -> None:
        self._reveal = rid  # if the search hides it, the answer clears the search
        self.select_ids([rid])
        self.status.setText("")
        self.recipientsChanged.emit()
        self.ctx.tasks.start(self._say_saved(rid))

    async def _say_saved(self, rid: int) -> None:
        r = await self.ctx.tasks.run(self.ctx.runtime.store.get_recipient, rid)
        if alive(self) and r is not None:
            self.status.setText(self.tr("Saved “{name}”.").format(name=r.name))

    # -- delete -----------------------------------------------------------------------
    @Slot()
    def _delete(self) -> None:
        ids = self.selected_ids()
        if not ids or self._busy:
            return
        row = self.model.row_of(ids[0])
        held = self.model.recipient_at(row) if row is not None else None
        self.deleter.delete(ids, held.name if held else (None if len(ids) == 1 else ""))

    @Slot(int)
    def _on_deleted(self, count: int) -> None:
        self.refresh()
        if count:
            self.recipientsChanged.emit()

    @Slot(list)
    def _on_imported(self, ids: list[int]) -> None:
        self.refresh()
        if ids:
            self.select_ids(ids)
            self.recipientsChanged.emit()

    # -- requests for other parts of the window ---------------------------------------
    @Slot()
    def _compose(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.composeRequested.emit(ids)

    @Slot()
    def _link_telegram(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.linkTelegramRequested.emit(ids[0])

    # -- default prompts (replaced in tests through the constructor) ------------------
    def _confirm_box(self, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, self)
        delete = box.addButton(self.tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        return box.clickedButton() is delete

    def _error_box(self, title: str, text: str) -> None:
        # open(), not exec(): this is called from coroutines, where a nested loop must not run
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
