"""What a CSV import did: how many rows went in, and every rejected line with its reason."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Slot
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.recipients import ImportReport
from ..core_text import core_text

_Index = QModelIndex | QPersistentModelIndex


class RejectedLinesModel(QAbstractTableModel):
    """(line number, reason) pairs of an :class:`ImportReport`; line 0 means the whole file."""

    def __init__(self, rejected: list[tuple[int, str]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = list(rejected)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        line, reason = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return str(line) if line > 0 else self.tr("file")
            return core_text(reason)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1:
            return core_text(reason)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < 2:
            return (self.tr("Line"), self.tr("Reason"))[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def as_text(self) -> str:
        return "\n".join(f"{line}\t{reason}" for line, reason in self._rows)


class ImportReportDialog(QDialog):
    """Shown after every import so the operator can fix the rejected lines and import them again."""

    def __init__(self, report: ImportReport, file_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.setWindowTitle(self.tr("Import from {file}").format(file=file_name))
        self.resize(640, 380 if report.rejected or report.skipped else 140)

        imported = len(report.imported)
        errors, duplicates = report.errors, report.duplicates
        self.summary = QLabel()
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        if report.rejected_total:
            # All or nothing (core.recipients.import_csv): nothing was written. Errors are
            # listed first: a re-import's thousands of "already exists" never bury them.
            text = self.tr("Nothing was imported: %n line(s) need fixing. Fix them in the file and "
                           "import it again.", "", report.rejected_total)
            if report.rejected_total > len(report.rejected):
                text += " " + self.tr("The first %n are listed.", "", len(report.rejected))
        else:
            text = self.tr("Recipients imported: %1.").replace("%1", str(imported))
        if report.skipped_total:
            text += " " + self.tr("Already in the list, skipped: %1.").replace("%1", str(report.skipped_total))
        if not report.rejected_total and not report.skipped_total:
            text = self.tr("Recipients imported: %n. Every line was accepted.", "", imported)
        self.summary.setText(text)

        self.model = RejectedLinesModel(errors + duplicates, self)
        self.table = QTableView()
        self.table.setObjectName("rejectedTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        # wrapped reasons: rows follow their text as the column width changes
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setVisible(bool(errors or duplicates))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self._close = buttons.button(QDialogButtonBox.StandardButton.Close)
        self._close.setDefault(True)
        self.copy_button = QPushButton(self.tr("&Copy lines with errors"))
        self.copy_button.setToolTip(self.tr("Copy line numbers and reasons to the clipboard"))
        self.copy_button.clicked.connect(self._copy)
        self.copy_button.setVisible(bool(errors))  # nothing to fix: nothing to copy
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._close.setFocus()  # Enter/Esc close; the table is there to read

    @Slot()
    def _copy(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(f"{line}\t{reason}" for line, reason in self.report.errors))
