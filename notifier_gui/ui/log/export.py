"""Export CSV: every attempt matching the log's filter, streamed from SQL page by page off
the GUI thread, with a progress dialog (count + Cancel). Cells never start a formula."""
from __future__ import annotations

import csv

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ...core.records import AttemptRow
from ...core.spreadsheet import spreadsheet_cell
from ...core.storage.history import History, LogQuery
from ..context import AppContext
from ..tasks import alive
from .model import AttemptLogModel

EXPORT_BATCH = 2000


class LogExport(QObject):
    """Signals: ``said(str)``: how the export ended (or why it failed), for the panel's status."""

    said = Signal(str)

    def __init__(self, ctx: AppContext, history: History, model: AttemptLogModel, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx, self.history, self.model, self._parent = ctx, history, model, parent
        self.dialog: QProgressDialog | None = None

    async def run(self, path: str, query: LogQuery) -> None:
        total = await self.ctx.tasks.run(self.history.count, query)
        if not alive(self._parent):
            return
        dialog = QProgressDialog(self.tr("Exporting the delivery log…"), self.tr("Cancel"), 0, max(total, 1), self._parent)
        dialog.setWindowTitle(self.tr("Export CSV"))
        dialog.setMinimumDuration(300)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog = dialog
        headers = [str(self.model.headerData(c, Qt.Orientation.Horizontal)) for c in range(self.model.columnCount())]
        written = 0
        try:
            fh = await self.ctx.tasks.run(open, path, "w", encoding="utf-8-sig", newline="")
        except OSError as exc:
            dialog.close()
            self._failed(path, exc)
            return
        try:
            writer = csv.writer(fh)
            await self.ctx.tasks.run(writer.writerow, headers)
            before: int | None = None
            while True:
                rows: list[AttemptRow] = await self.ctx.tasks.run(self.history.page, query, EXPORT_BATCH, before)
                if not alive(self._parent) or dialog.wasCanceled() or not rows:
                    break
                rows.reverse()
                cells = [[spreadsheet_cell(c) for c in self.model.values_of(r)] for r in rows]  # never a formula
                await self.ctx.tasks.run(writer.writerows, cells)
                written += len(rows)
                before = rows[-1].id
                if not alive(self._parent):
                    break
                dialog.setLabelText(self.tr("Exported %1 of %2 rows…").replace("%1", str(written)).replace("%2", str(total)))
                dialog.setValue(min(written, max(total, 1) - 1) if written < total else written)
        except OSError as exc:
            if alive(self._parent):
                self._failed(path, exc)
            return
        finally:
            await self.ctx.tasks.run(fh.close)
        if not alive(self._parent):
            return
        cancelled = dialog.wasCanceled()
        dialog.close()
        self.said.emit(self.tr("Export cancelled after %1 rows.").replace("%1", str(written)) if cancelled
                       else self.tr("Exported %1 rows.").replace("%1", str(written)))

    def _failed(self, path: str, exc: OSError) -> None:
        self.said.emit(self.tr("Could not write %1: %2").replace("%1", path).replace("%2", exc.strerror or ""))
