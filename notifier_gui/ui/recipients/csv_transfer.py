"""Import CSV… and Export CSV… on the recipients page. Reading, importing and writing all scale
with the file, so they run on the worker thread (streamed); the page shows what happened.
The file dialogs are constructor arguments, so tests never open native ones."""
from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QWidget

from ...core.recipients import ImportReport, export_csv, import_csv
from ...core.storage.repository import Store
from ..context import AppContext
from ..tasks import alive
from .import_dialog import ImportReportDialog

log = logging.getLogger("notifier.ui.recipients")

AskPath = Callable[[], "Path | str | None"]
_DIR_KEY = "recipients/lastDir"


# -- worker-thread helpers: plain functions, no widgets ---------------------------------
def _import_file(store: Store, path: Path, region: str) -> ImportReport:
    return import_csv(store, path, region)


def _export_all(store: Store, path: Path) -> int:
    return export_csv(store.list_recipients(), path)


class CsvTransfer(QObject):
    """One import or export at a time, and none while the page writes otherwise (``busy_now``).

    Signals:
        busy(object): a message while the file is read or written; None when done.
        said(str): the result, for the page's status line.
        failed(str, str): a title and a text to show the operator.
        imported(list): ids of the recipients just imported (maybe none).
    """

    busy = Signal(object)
    said = Signal(str)
    failed = Signal(str, str)
    imported = Signal(list)

    def __init__(self, ctx: AppContext, page: QWidget, ask_open_path: AskPath | None = None,
                 ask_save_path: AskPath | None = None, busy_now: Callable[[], bool] = lambda: False) -> None:
        super().__init__(page)
        self.ctx, self._page, self.busy_now = ctx, page, busy_now
        self._ask_open: AskPath = ask_open_path or self._ask_open_path
        self._ask_save: AskPath = ask_save_path or self._ask_save_path

    @Slot()
    def import_file(self) -> None:
        path = self._ask_open()
        if path and not self.busy_now():
            self._remember_dir(Path(path))
            self.ctx.tasks.start(self._import_from(Path(path)))

    async def _import_from(self, path: Path) -> None:
        self.busy.emit(self.tr("Importing {file}…").format(file=path.name))
        try:
            report = await self.ctx.tasks.run(_import_file, self.ctx.runtime.store, path,
                                              self.ctx.runtime.settings.phone_region)
        except OSError as exc:
            if alive(self):
                self._fail(self.tr("Import CSV"), self.tr("Could not read {file}: {reason}").format(
                    file=path.name, reason=exc.strerror or exc))
            return
        except Exception:
            log.exception("importing %s failed", path.name)
            if alive(self):
                self._fail(self.tr("Import CSV"), self.tr("The import failed; nothing was saved. The log has the details."))
            return
        if not alive(self):
            return
        self.busy.emit(None)
        self.said.emit(self.tr("Recipients imported from {file}: %n.", "", len(report.imported)).format(file=path.name))
        self.imported.emit(list(report.imported))
        dialog = ImportReportDialog(report, path.name, self._page)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @Slot()
    def export_file(self) -> None:
        path = self._ask_save()
        if path and not self.busy_now():
            self._remember_dir(Path(path))
            self.ctx.tasks.start(self._export_to(Path(path)))

    async def _export_to(self, path: Path) -> None:
        self.busy.emit(self.tr("Exporting to {file}…").format(file=path.name))
        try:
            count = await self.ctx.tasks.run(_export_all, self.ctx.runtime.store, path)
        except OSError as exc:
            if alive(self):
                self._fail(self.tr("Export CSV"), self.tr("Could not write {file}: {reason}").format(
                    file=path.name, reason=exc.strerror or exc))
            return
        if not alive(self):
            return
        self.busy.emit(None)
        self.said.emit(self.tr("Recipients exported to {file}: %n.", "", count).format(file=path.name))

    def _fail(self, title: str, text: str) -> None:
        self.busy.emit(None)
        self.said.emit("")
        self.failed.emit(title, text)

    # -- default file dialogs (replaced in tests through the constructor) ------------------
    def _last_dir(self) -> str:
        return str(self.ctx.ui_state.value(_DIR_KEY, str(Path.home())))

    def _remember_dir(self, path: Path) -> None:
        self.ctx.ui_state.setValue(_DIR_KEY, str(path.parent))

    def _csv_filter(self) -> str:
        return self.tr("CSV files (*.csv);;All files (*)")

    def _ask_open_path(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self._page, self.tr("Import recipients"), self._last_dir(),
                                              self._csv_filter())
        return Path(name) if name else None

    def _ask_save_path(self) -> Path | None:
        start = str(Path(self._last_dir()) / "recipients.csv")
        name, _ = QFileDialog.getSaveFileName(self._page, self.tr("Export recipients"), start, self._csv_filter())
        if not name:
            return None
        path = Path(name)
        return path if path.suffix else path.with_suffix(".csv")
