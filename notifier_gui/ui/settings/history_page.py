"""Settings → History: how long finished history is kept, and pruning it now (with an archive).

A page of the settings dialog like the others (:mod:`.page`). The keep-days value is a normal setting
(``NOTIFIER_KEEP_DAYS``), saved with the dialog; "Prune now…" runs the core's
:func:`~notifier_gui.core.retention.prune` off the GUI thread with a progress dialog
(count + Cancel).
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ...core.retention import ArchiveMismatch, PruneCancelled, PruneResult, prune
from ..context import AppContext
from ..tasks import alive
from .page import SettingsPage


class HistoryPage(SettingsPage):
    """Signals: ``pruned(int)`` with the number of notifications removed by "Prune now"."""

    pruned = Signal(int)

    def __init__(self, ctx: AppContext, index: int, original: dict[str, Any], overridden: dict[str, str],
                 parent: QWidget | None = None, ask_archive: Callable[[], str] | None = None) -> None:
        self._ask_archive = ask_archive or self._default_archive_path
        self._progress_state = ("", 0, 0)
        self._cancel = threading.Event()
        self.progress: QProgressDialog | None = None
        super().__init__(ctx, index, original, overridden, parent)

    def build(self, form: QFormLayout) -> None:
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        keep = self.ctx.runtime.settings.keep_days
        self.keep_all = QCheckBox(self.tr("Keep everything"))
        self.keep_days = QSpinBox()
        self.keep_days.setRange(1, 36500)
        self.keep_days.setSuffix(self.tr(" days"))
        self.keep_days.setValue(keep or 365)
        self.keep_all.setChecked(keep is None)
        self.keep_days.setEnabled(keep is not None)
        self.keep_all.toggled.connect(lambda on: self.keep_days.setEnabled(not on))
        box = QWidget()
        line = QHBoxLayout(box)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.keep_days)
        line.addWidget(self.keep_all)
        line.addStretch(1)
        self.row(form, self.tr("Keep finished history for"), box, "NOTIFIER_KEEP_DAYS",
                 lambda: None if self.keep_all.isChecked() else self.keep_days.value())
        note = QLabel(self.tr("Older delivered, failed and cancelled notifications are removed at start "
                              "and daily. Queued and sending ones are never removed."))
        note.setWordWrap(True)
        form.addRow(note)
        self.prune_days = QSpinBox()
        self.prune_days.setRange(0, 36500)
        self.prune_days.setSuffix(self.tr(" days"))
        self.prune_days.setValue(keep or 365)
        self.archive = QCheckBox(self.tr("Write an archive first (.jsonl.gz)"))
        self.archive.setChecked(True)
        self.prune_button = QPushButton(self.tr("Prune now…"))
        self.prune_button.clicked.connect(self.prune_now)
        now = QWidget()
        nl = QHBoxLayout(now)
        nl.setContentsMargins(0, 0, 0, 0)
        nl.addWidget(self.prune_days)
        nl.addStretch(1)
        form.addRow(self.tr("Remove finished history older than"), now)
        form.addRow("", self.archive)
        form.addRow("", self.prune_button)
        form.addRow(self.result_label)

    def _default_archive_path(self) -> str:
        path, _ = QFileDialog.getSaveFileName(self.window(), self.tr("Archive the removed history"),
                                              "notifier-history.jsonl.gz", self.tr("Archives (*.jsonl.gz)"))
        return path

    @Slot()
    def prune_now(self) -> None:
        archive: Path | None = None
        if self.archive.isChecked():
            chosen = self._ask_archive()
            if not chosen:
                return
            archive = Path(chosen if chosen.endswith(".jsonl.gz") else chosen + ".jsonl.gz")
            if archive.exists():
                self.result_label.setText(self.tr("%1 already exists; choose a new file.").replace("%1", str(archive)))
                return
        self._cancel = threading.Event()
        self._progress_state = ("", 0, 0)
        self.progress = QProgressDialog(self.tr("Pruning the history…"), self.tr("Cancel"), 0, 0, self.window())
        self.progress.setWindowTitle(self.tr("History"))
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.canceled.connect(self._cancel.set)
        self.prune_button.setEnabled(False)
        self._poll = QTimer(self)
        self._poll.setInterval(100)
        self._poll.timeout.connect(self._show_progress)
        self._poll.start()
        self.ctx.tasks.start(self._run(float(self.prune_days.value()), archive))

    def _report(self, step: str, done: int, total: int) -> None:  # worker thread: just store it
        self._progress_state = (step, done, total)

    @Slot()
    def _show_progress(self) -> None:
        step, done, total = self._progress_state
        if self.progress is None or not step:
            return
        names = {"archive": self.tr("Archiving"), "verify": self.tr("Verifying the archive"),
                 "remove": self.tr("Removing"), "vacuum": self.tr("Giving space back")}
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        self.progress.setLabelText(self.tr("%1: %2 of %3").replace("%1", names.get(step, step))
                                   .replace("%2", f"{done:,}").replace("%3", f"{total:,}"))

    async def _run(self, days: float, archive: Path | None) -> None:
        text = ""
        removed = 0
        try:
            result: PruneResult = await self.ctx.tasks.run(
                prune, self.ctx.runtime.store, days, archive, self._report, self._cancel.is_set)
            removed = result.notifications
            text = self.tr("Removed %1 notifications and %2 attempts.").replace(
                "%1", str(result.notifications)).replace("%2", str(result.attempts))
        except PruneCancelled:
            text = self.tr("Stopped. What was removed so far stays removed (and archived).")
        except ArchiveMismatch:
            text = self.tr("The archive could not be verified; nothing was removed.")
        except OSError as exc:
            text = self.tr("Could not write the archive: %1").replace("%1", exc.strerror or str(exc))
        if not alive(self):
            return
        self._poll.stop()
        if self.progress is not None:
            self.progress.close()
        self.prune_button.setEnabled(True)
        self.result_label.setText(text)
        self.pruned.emit(removed)
