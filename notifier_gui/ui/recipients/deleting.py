"""Delete on the recipients page: ask first (naming the one person, or the count), then delete
on the worker thread one by one, so one refusal (queued notifications) keeps the others going."""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal

from ...core.storage.repository import Store
from ...core.validation import ValidationError
from ..context import AppContext
from ..core_text import core_text
from ..tasks import alive

log = logging.getLogger("notifier.ui.recipients")

Confirm = Callable[[str, str], bool]          # (title, text) -> go ahead?


def _delete_each(store: Store, ids: Sequence[int]) -> list[tuple[str, str]]:
    """Delete one by one; returns (name, reason) of each refused one."""
    refused = []
    for rid in ids:
        try:
            store.delete_recipient(rid)
        except ValidationError as exc:
            r = store.get_recipient(rid)
            refused.append((r.name if r else str(rid), core_text(exc.message)))
    return refused


class Deleter(QObject):
    """Signals:
        busy(object): a message while deleting; None when done.
        said(str): how many were deleted, for the page's status line.
        deleted(int): the deleting ended (the count deleted; the page reads again).
        failed(str, str): a title and a text to show the operator.
    """

    busy = Signal(object)
    said = Signal(str)
    deleted = Signal(int)
    failed = Signal(str, str)

    def __init__(self, ctx: AppContext, confirm: Confirm, busy_now: Callable[[], bool],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.confirm, self.busy_now = ctx, confirm, busy_now

    def delete(self, ids: list[int], name: str | None) -> None:
        """Ask, then delete ``ids``; ``name``: the one person's, None when it is not in memory."""
        if len(ids) == 1 and name is None:  # scrolled out of memory: its name is read on the worker
            self.ctx.tasks.start(self._read_name_then_delete(ids[0]))
        else:
            self._confirm_delete(ids, name or "")

    async def _read_name_then_delete(self, rid: int) -> None:
        r = await self.ctx.tasks.run(self.ctx.runtime.store.get_recipient, rid)
        if alive(self) and not self.busy_now():
            self._confirm_delete([rid], r.name if r else str(rid))

    def _confirm_delete(self, ids: list[int], name: str) -> None:
        if len(ids) == 1:
            text = self.tr("Delete “{name}”?").format(name=name)
        else:
            text = self.tr("Delete the %n selected recipients?", "", len(ids))  # n >= 2 here
        text += "\n\n" + self.tr("Their past deliveries stay in the delivery log.")
        if self.confirm(self.tr("Delete recipients"), text):
            self.ctx.tasks.start(self._delete_ids(ids))

    async def _delete_ids(self, ids: list[int]) -> None:
        self.busy.emit(self.tr("Deleting…"))
        try:
            refused = await self.ctx.tasks.run(_delete_each, self.ctx.runtime.store, ids)
        except Exception:
            log.exception("deleting recipients failed")
            if alive(self):
                self.busy.emit(None)
                self.deleted.emit(0)
                self.failed.emit(self.tr("Delete recipients"),
                                 self.tr("The recipients could not be deleted; the log has the details."))
            return
        if not alive(self):
            return
        self.busy.emit(None)
        deleted = len(ids) - len(refused)
        self.said.emit(self.tr("Recipients deleted: %n.", "", deleted))
        self.deleted.emit(deleted)
        if refused:
            lines = [f"{name}: {message}" for name, message in refused]
            self.failed.emit(self.tr("Not deleted"), "\n".join(lines))
