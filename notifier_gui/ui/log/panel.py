"""The always-visible delivery log: filters, the table, a timeline of the selected
notification, and the operator's actions on it (retry, cancel, copy, export).

The table is a window onto the database (see :mod:`.model`): the panel loads a page at
whichever end the operator scrolls to, runs every filter as SQL off the GUI thread (a newer
filter cancels the older one), and exports by streaming pages from SQL.

(A little over 450 lines: paging at both ends, keeping the view still while rows come and go
and following new rows are one piece with the table they move.)
"""
from __future__ import annotations

import collections
from collections.abc import Callable
from datetime import datetime, time, timezone
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QEvent, QItemSelection, QModelIndex, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.storage.history import Cancelled, History, LogQuery
from ...core.storage.repository import Store
from ..context import AppContext
from ..core_text import load_templates
from ..tasks import alive
from .details import DetailsPane
from .export import LogExport
from .model import COL_DETAIL, COL_TIME, AttemptLogModel
from .proxy import LogFilter
from .shown import ShownRows


def _first_read(history: History, query: LogQuery, size: int, newest: bool, stale: Callable[[], bool]) -> Any:
    """On the worker: a page, after the core's message templates are loaded (once; their
    import would otherwise stall the GUI thread when the first old detail is shown)."""
    load_templates()
    return history.page(query, size, None, None if newest else 0, stale)


# Column widths at start (Time shows the time only for today: timefmt.py; resizable for older dates).
DEFAULT_WIDTHS = ((COL_TIME, 105), (1, 90), (2, 170), (3, 80), (4, 100), (6, 80))
# On a narrow table these give way, in this order and down to these widths, so that Detail's
# header shows whole ("Подробности" was cut to "одробност" at 1024x600).
NARROWEST = ((2, 110), (1, 70), (4, 80), (COL_TIME, 80))
DETAIL_HEADER_PADDING = 24  # the header's margins and the sort indicator's room

NO_DATE = QDate(2000, 1, 1)  # a date edit at its minimum means "no bound"


# The folder CSV files last went to or came from; the same key as the Recipients page.
CSV_DIR_KEY = "recipients/lastDir"


HELD_MAX = 100_000  # live events held while a page is read (older ones are in the database anyway)

class LogPanel(QWidget):
    """Signals: ``notificationSelected(int)`` when the operator picks a row."""

    notificationSelected = Signal(int)

    def __init__(self, ctx: AppContext, ask_save_path: Callable[[], str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.store: Store = ctx.runtime.store
        self._ask_save_path = ask_save_path or self._default_save_path
        self.history = History(self.store.engine)
        self.model = AttemptLogModel(self)
        self.filter = LogFilter()
        self._follow = True
        self._selected: int | None = None
        self.history_loaded = False  # the first page of the current filter is shown
        self._generation = 0  # bumped by every new filter; older reads give up
        # Live events kept while the newest page is read (from the start: until the first
        # page is in, nothing is shown, and an event would be lost).
        self._held: collections.deque[Any] | None = collections.deque(maxlen=HELD_MAX)
        self._loading = False  # a page at one end is being read
        self.exporter = LogExport(ctx, self.history, self.model, self)
        self._build()
        self._connect()

    # -- construction -----------------------------------------------------------------
    def _build(self) -> None:
        self.outcome = QComboBox()
        for label, key in ((self.tr("All outcomes"), ""), (self.tr("Delivered"), "delivered"),
                           (self.tr("Failed (any)"), "failed"), (self.tr("Sending"), "sending"),
                           (self.tr("Transient"), "transient"), (self.tr("Permanent"), "permanent"),
                           (self.tr("Unavailable"), "unavailable"),
                           (self.tr("Accepted, not confirmed yet"), "accepted")):
            self.outcome.addItem(label, key)
        self.channel = QComboBox()
        for label, key in ((self.tr("All channels"), ""), (self.tr("Email"), "email"),
                           (self.tr("SMS"), "sms"), (self.tr("Telegram"), "telegram")):
            self.channel.addItem(label, key)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Filter by recipient, #id or detail…"))
        self.search.setToolTip(self.tr("Every word in the recipient's name or the detail, ignoring case; "
                                       "a word shorter than three characters in the name only. #42: notification 42."))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self.since = self._date_edit(self.tr("From"))
        self.until = self._date_edit(self.tr("To"))
        self.newest_button = QPushButton(self.tr("Newest"))
        self.oldest_button = QPushButton(self.tr("Oldest"))
        self.follow_label = QLabel()
        self.export_button = QPushButton(self.tr("Export CSV…"))

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Delivery log")))
        bar.addWidget(self.outcome)
        bar.addWidget(self.channel)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.export_button)
        # Second row: where in time the window looks (a date range, the two ends of history).
        when = QHBoxLayout()
        when.addWidget(QLabel(self.tr("From")))
        when.addWidget(self.since)
        when.addWidget(QLabel(self.tr("to")))
        when.addWidget(self.until)
        when.addWidget(self.newest_button)
        when.addWidget(self.oldest_button)
        when.addWidget(self.follow_label, 1)

        # The table shows a C++ copy of the model's rows: painting never calls into Python
        # (shown.py says why); the panel reads and changes ``self.model`` only.
        self.table = QTableWidget()
        self.shown = ShownRows(self.model, self.table, self._visible_rows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)  # a log, read-only
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)  # value = first row
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(False)  # attempt order is the story, newest first
        vh = self.table.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # uniform rows: no per-row measuring
        vh.setDefaultSectionSize(self.fontMetrics().height() + 6)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(False)
        hh.setSectionResizeMode(COL_DETAIL, QHeaderView.ResizeMode.Stretch)
        self._fitting = False
        self._widths_by_hand = False
        self._fit_columns()
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        side = self.pane = DetailsPane(self.ctx, self.model.outcome_name)
        for a in side.menu_actions:
            self.table.addAction(a)
        # the pane's parts, by the names the window and the tests use
        self.details, self.status = side.details, side.status
        self.retry_button, self.cancel_button, self.copy_button = side.retry_button, side.cancel_button, side.copy_button

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addLayout(when)
        layout.addWidget(self.splitter, 1)
        self._bars = (bar, when)
        self._side = side
        self._update_follow_label()
        self.table.installEventFilter(self)
        hh.sectionResized.connect(self._section_resized)

    # -- fitting small screens ----------------------------------------------------------------
    def compact_height(self, rows: int = 2) -> int:
        """The height that shows the filter bars, the table's header and ``rows`` rows (and
        the details' buttons beside them): the log's share of a small screen."""
        layout = self.layout()
        assert layout is not None  # set in _build
        margins = layout.contentsMargins()
        table = (self.table.horizontalHeader().sizeHint().height() + 2 * self.table.frameWidth()
                 + rows * self.table.verticalHeader().defaultSectionSize()
                 + self.table.horizontalScrollBar().sizeHint().height())
        lower = max(table, self._side.minimumSizeHint().height())
        return (margins.top() + margins.bottom() + sum(b.sizeHint().height() for b in self._bars)
                + 2 * layout.spacing() + lower)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.Resize:
            self._fit_columns()
            self.shown.fill_visible()
        return super().eventFilter(watched, event)

    @Slot(int, int, int)
    def _section_resized(self, column: int, _old: int, _new: int) -> None:
        if not self._fitting and column != COL_DETAIL:  # Detail stretches with the table itself
            self._widths_by_hand = True

    def _fit_columns(self) -> None:
        """The default column widths, narrowed where the table is narrow (a 1024-pixel screen)
        so that Detail, the stretching column, keeps room for its header: the recipient column
        gives way first. Widths the operator set by hand stay."""
        if self._widths_by_hand:
            return
        widths = dict(DEFAULT_WIDTHS)
        hh = self.table.horizontalHeader()
        title = str(self.model.headerData(COL_DETAIL, Qt.Orientation.Horizontal))
        need = hh.fontMetrics().horizontalAdvance(title) + DETAIL_HEADER_PADDING
        room = self.table.viewport().width() - self.table.verticalScrollBar().sizeHint().width()
        deficit = need - (room - sum(widths.values()))
        for col, narrowest in NARROWEST:
            give = max(0, min(deficit, widths[col] - narrowest))
            widths[col] -= give
            deficit -= give
        self._fitting = True
        try:
            for col, width in widths.items():
                self.table.setColumnWidth(col, width)
        finally:
            self._fitting = False

    def _connect(self) -> None:
        self.outcome.currentIndexChanged.connect(
            lambda: self.set_query(self.filter.set_outcome_group(self.outcome.currentData())))
        self.channel.currentIndexChanged.connect(lambda: self.set_query(self.filter.set_channel(self.channel.currentData())))
        self.search.textChanged.connect(self._search_timer.start)
        self._search_timer.timeout.connect(lambda: self.set_query(self.filter.set_text(self.search.text())))
        self.since.dateChanged.connect(self._dates_changed)
        self.until.dateChanged.connect(self._dates_changed)
        self.newest_button.clicked.connect(lambda: self.set_query(self.filter.query))
        self.oldest_button.clicked.connect(self.go_oldest)
        self.export_button.clicked.connect(self.export_csv)
        scroll = self.table.verticalScrollBar()
        scroll.valueChanged.connect(self._scrolled)
        self.model.rowsInserted.connect(self._rows_inserted)
        self.model.rowsRemoved.connect(self._rows_removed)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.ctx.bridge.eventsReady.connect(self.apply_events)
        self.exporter.said.connect(self.status.setText)

    def _date_edit(self, tip: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText(self.tr("any date"))
        edit.setDate(NO_DATE)
        edit.setToolTip(tip)
        return edit

    @Slot()
    def _dates_changed(self) -> None:
        def moment(d: QDate, plus_days: int = 0) -> datetime | None:
            if d == NO_DATE:
                return None
            day = d.addDays(plus_days)
            return datetime.combine(datetime(day.year(), day.month(), day.day()).date(), time()).astimezone()
        self.set_query(self.filter.set_dates(moment(self.since.date()), moment(self.until.date(), 1)))

    # -- feeding -------------------------------------------------------------------------
    @Slot(list)
    def apply_events(self, events: list[Any]) -> None:
        if self._held is not None:
            self._held.extend(events)
        else:
            self.model.apply(events)
        if self._selected is not None and any(getattr(e, "notification_id", None) == self._selected for e in events):
            self.pane.reload()

    def load_history(self) -> None:
        """Show the newest page of the current filter (called once the window is up)."""
        self.set_query(self.filter.query)

    def set_query(self, query: LogQuery) -> None:
        """Show the newest attempts matching ``query``; a read for an older filter gives up."""
        self._generation += 1
        self.history_loaded = False
        if self._held is None:
            # Live events that arrive while the page is read are kept and applied after it:
            # the read may see an attempt in flight whose finish arrives before the page does.
            self._held = collections.deque(maxlen=HELD_MAX)
        self.ctx.tasks.start(self._reload(self._generation, query, newest=True))

    @Slot()
    def go_oldest(self) -> None:
        """Show the oldest attempts of the current filter (the far end of history)."""
        self._generation += 1
        self.ctx.tasks.start(self._reload(self._generation, self.filter.query, newest=False))

    def _stale(self, generation: int) -> Callable[[], bool]:
        return lambda: generation != self._generation

    async def _reload(self, generation: int, query: LogQuery, newest: bool) -> None:
        size = self.model.page_size
        stale = self._stale(generation)
        try:
            rows = await self.ctx.tasks.run(_first_read, self.history, query, size, newest, stale)
        except Cancelled:
            return  # a newer read replaces this one (and applies what was held)
        except Exception:
            self._release_held()
            raise
        if not alive(self) or stale():
            return
        full = len(rows) == size
        self.model.reset(query, rows, at_newest=newest or not full, at_oldest=not newest or not full)
        self._follow = newest
        self._update_follow_label()
        if newest == self.model.newest_first:
            self.table.scrollToTop()
        else:
            self.table.scrollToBottom()
        if newest and (query.until is None or query.until > datetime.now(timezone.utc)):
            # Rows committed after that read and before live events reached the model (none
            # can match a date range that has ended).
            await self._load_end(generation, newer=True)
        self._release_held()
        self.history_loaded = True
        self._maybe_load_more()

    def _release_held(self) -> None:
        held, self._held = self._held, None
        if held:
            self.model.apply(list(held))

    async def _load_end(self, generation: int, newer: bool) -> None:
        """One more page at the newer or the older end of the window."""
        m = self.model
        size = m.page_size
        stale = self._stale(generation)
        self._loading = True
        try:
            if newer:
                rows = await self.ctx.tasks.run(self.history.page, m.query, size, None, m.newest_id or 0, stale)
            else:
                rows = await self.ctx.tasks.run(self.history.page, m.query, size, m.oldest_id, None, stale)
        except Cancelled:
            return
        finally:
            if generation == self._generation:
                self._loading = False
        if not alive(self) or stale():
            return
        if newer:
            m.add_newer(rows, reached_newest=len(rows) < size)
        else:
            m.add_older(rows, reached_oldest=len(rows) < size)

    def _maybe_load_more(self) -> None:
        """Load a page when the operator has scrolled near an end the window does not reach."""
        if self._loading or not self.history_loaded or not alive(self):
            return
        bar = self.table.verticalScrollBar()
        margin = 20
        near_top = bar.value() <= bar.minimum() + margin
        near_bottom = bar.value() >= bar.maximum() - margin
        top_is_newer = self.model.newest_first
        want_newer = (near_top if top_is_newer else near_bottom) and not self.model.at_newest
        want_older = (near_bottom if top_is_newer else near_top) and not self.model.at_oldest
        if want_newer or want_older:
            self.ctx.tasks.start(self._load_then_check(self._generation, newer=want_newer))

    async def _load_then_check(self, generation: int, newer: bool) -> None:
        await self._load_end(generation, newer)
        if alive(self) and generation == self._generation:
            self._maybe_load_more()

    # -- keeping the view still while rows come and go at the ends ------------------------
    def _keeps_position(self, first: int) -> bool:
        """Rows added or dropped above the first visible row move the view unless we follow."""
        return first <= self.table.verticalScrollBar().value() and not (self._follow and self.model.newest_first)

    @Slot(QModelIndex, int, int)
    def _rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        bar = self.table.verticalScrollBar()
        if self._keeps_position(first):
            bar.setMaximum(bar.maximum() + last - first + 1)
            bar.setValue(bar.value() + last - first + 1)
        elif self._follow and not self.model.newest_first:
            QTimer.singleShot(0, self.table.scrollToBottom)

    @Slot(QModelIndex, int, int)
    def _rows_removed(self, _parent: QModelIndex, first: int, last: int) -> None:
        bar = self.table.verticalScrollBar()
        if self._keeps_position(first):
            bar.setValue(max(bar.value() - (last - first + 1), 0))

    def _visible_rows(self) -> range:
        """The rows the table shows now (scrolling is per row: the bar's value is the first)."""
        first = self.table.verticalScrollBar().value()
        height = max(self.table.verticalHeader().defaultSectionSize(), 1)
        return range(first, first + self.table.viewport().height() // height + 2)

    # -- follow new rows unless the operator scrolled away from the newest -------------------
    @Slot(int)
    def _scrolled(self, value: int) -> None:
        self.shown.fill_visible()
        bar = self.table.verticalScrollBar()
        at_newest_end = value <= bar.minimum() if self.model.newest_first else value >= bar.maximum()
        follow = at_newest_end and self.model.at_newest
        if follow != self._follow:
            self._follow = follow
            self._update_follow_label()
        self._maybe_load_more()

    def _update_follow_label(self) -> None:
        self.follow_label.setText(self.tr("Following new attempts") if self._follow
                                  else self.tr("Paused: scrolled away"))

    @property
    def following(self) -> bool:
        return self._follow

    # -- selection --------------------------------------------------------------------------
    @Slot(QItemSelection, QItemSelection)
    def _selection_changed(self, *_: Any) -> None:
        rows = self.table.selectionModel().selectedRows()
        self._selected = self.model.notification_at(rows[0].row()) if rows else None
        if self._selected is not None:
            self.notificationSelected.emit(self._selected)
        self.pane.show_notification(self._selected)

    def select_notification(self, nid: int) -> bool:
        """Select the newest attempt of notification ``nid`` if the window holds one."""
        row = self.model.row_for_notification(nid)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    @property
    def export_dialog(self) -> QProgressDialog | None:
        """The progress dialog of the export under way (or the last one)."""
        return self.exporter.dialog

    @Slot()
    def export_csv(self) -> None:
        """Every attempt matching the current filter, streamed from SQL page by page, with a
        progress dialog (count + Cancel)."""
        path = self._ask_save_path()
        if path:
            self.ctx.tasks.start(self.exporter.run(path, self.filter.query))

    def _default_save_path(self) -> str:
        # The folder CSV files last came from or went to (shared with Recipients), else the
        # home folder: never the program's own folder, which a bare file name would mean.
        folder = Path(str(self.ctx.ui_state.value(CSV_DIR_KEY, str(Path.home()))))
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the delivery log"),
                                              str(folder / "delivery-log.csv"), self.tr("CSV files (*.csv)"))
        if path:
            self.ctx.ui_state.setValue(CSV_DIR_KEY, str(Path(path).parent))
        return path
