"""Add or edit one recipient, with the core's validation messages shown under each field."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...core import validation as v
from ...core.recipients import clean_recipient
from ...core.records import RecipientData
from ..context import AppContext
from ..core_text import core_text
from ..tasks import alive

log = logging.getLogger("notifier.ui.recipients")

FIELDS = ("name", "email", "phone", "telegram_chat_id")
"""The line-edit fields, named as the core's ValidationError.field names them."""
FORM = "form"
"""Errors that belong to no single field (the store refused for another reason)."""

_ERROR_STYLE = "color: #b3261e;"


def _optional(check: Callable[[str], object]) -> Callable[[str], object]:
    """An empty optional field is "no address", exactly as ``clean_recipient`` treats it."""
    return lambda text: check(text) if text.strip() else None


class RecipientDialog(QDialog):
    """Add (``recipient=None``) or edit a recipient; saves through the store off the GUI thread.

    Each field is checked with the core validator when the operator leaves it, re-checked
    on every keystroke while it shows an error (so the message goes away as soon as it is
    fixed), and all are checked when OK is pressed; OK is refused while anything is wrong.
    Duplicates are found by the store and shown under the field it names.

    Signals:
        saved(int): the recipient id, after the store accepted the record (before closing).
    """

    saved = Signal(int)

    def __init__(self, ctx: AppContext, recipient: RecipientData | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._recipient = recipient
        self._region = ctx.runtime.settings.phone_region
        self._saving = False
        self._checks: dict[str, Callable[[str], object]] = {
            "name": v.name,
            "email": _optional(v.email),
            "phone": _optional(lambda text: v.phone(text, self._region)),
            "telegram_chat_id": _optional(v.telegram_chat_id),
        }
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self._build()
        if recipient is not None:
            self._fill(recipient)

    # -- building ---------------------------------------------------------------------
    def _build(self) -> None:
        new = self._recipient is None
        self.setWindowTitle(self.tr("Add recipient") if new else self.tr("Edit recipient"))
        self.setMinimumWidth(480)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        labels = {
            "name": self.tr("&Name:"),
            "email": self.tr("&Email:"),
            "phone": self.tr("&Phone:"),
            "telegram_chat_id": self.tr("&Telegram chat id:"),
        }
        placeholders = {
            "name": self.tr("Full name, as it appears in greetings"),
            "email": self.tr("name@example.com"),
            "phone": (self.tr("e.g. 8 916 123-45-67 or +7 916 123-45-67") if self._region
                      else self.tr("With the country code, e.g. +7 916 123-45-67")),
            "telegram_chat_id": self.tr("Filled in by “Link Telegram…”"),
        }
        for name in FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"{name}Edit")
            edit.setPlaceholderText(placeholders[name])
            edit.setClearButtonEnabled(name != "name")
            edit.editingFinished.connect(self._on_editing_finished)
            edit.textEdited.connect(self._on_text_edited)
            self.edits[name] = edit
            form.addRow(labels[name], self._with_error(edit, name))

        self.notes = QPlainTextEdit()
        self.notes.setObjectName("notesEdit")
        self.notes.setPlaceholderText(self.tr("Anything the operators should know (not sent)"))
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 4 + 12)
        form.addRow(self.tr("N&otes:"), self.notes)

        self.errors[FORM] = self._error_label(FORM)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Add") if new else self.tr("Save"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors[FORM])
        layout.addWidget(self.buttons)

    def _error_label(self, field: str) -> QLabel:
        label = QLabel()
        label.setObjectName(f"{field}Error")
        label.setStyleSheet(_ERROR_STYLE)
        label.setWordWrap(True)
        label.setVisible(False)
        self.errors[field] = label
        return label

    def _with_error(self, edit: QLineEdit, field: str) -> QWidget:
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        col.addWidget(edit)
        col.addWidget(self._error_label(field))
        return box

    def _fill(self, r: RecipientData) -> None:
        self.edits["name"].setText(r.name)
        self.edits["email"].setText(r.email or "")
        self.edits["phone"].setText(r.phone or "")
        self.edits["telegram_chat_id"].setText(str(r.telegram_chat_id) if r.telegram_chat_id else "")
        self.notes.setPlainText(r.notes)

    # -- inline messages --------------------------------------------------------------
    def error_text(self, field: str) -> str:
        """The message shown under ``field`` ("" when none): what tests and screen readers read."""
        label = self.errors[field]
        return label.text() if not label.isHidden() else ""

    def show_error(self, field: str, message: str) -> None:
        if field not in self.errors:  # e.g. "recipient: no recipient with id 7"
            field, message = FORM, f"{field}: {message}" if message else ""
        label = self.errors[field]
        label.setText(message)
        label.setVisible(bool(message))
        edit = self.edits.get(field)
        if edit is not None:
            edit.setAccessibleDescription(message)
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow when error lines appear: a dialog sized once would cut them off and draw the
        buttons over the Notes box. Wrapped labels need the height for the current width."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = max(layout.totalMinimumSize().height(),
                     layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else 0)
        if needed > self.height():
            self.resize(self.width(), needed)

    def _check_field(self, field: str) -> bool:
        try:
            self._checks[field](self.edits[field].text())
        except v.ValidationError as exc:
            self.show_error(field, core_text(exc.message))
            return False
        self.show_error(field, "")
        return True

    def _field_of(self, edit: object) -> str | None:
        return next((name for name, e in self.edits.items() if e is edit), None)

    @Slot()
    def _on_editing_finished(self) -> None:
        field = self._field_of(self.sender())
        if field is not None and not self._saving:
            self._check_field(field)

    @Slot(str)
    def _on_text_edited(self, _text: str) -> None:
        self.show_error(FORM, "")
        field = self._field_of(self.sender())
        if field is not None and self.error_text(field):
            self._check_field(field)

    # -- OK / Cancel ------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The record as ``clean_recipient`` expects it (validated there)."""
        return {
            "name": self.edits["name"].text(),
            "email": self.edits["email"].text(),
            "phone": self.edits["phone"].text(),
            "telegram_chat_id": self.edits["telegram_chat_id"].text(),
            "channels": self._recipient.channels if self._recipient else (),
            "notes": self.notes.toPlainText(),
        }

    def accept(self) -> None:
        """Refuse while a field is invalid; otherwise save off the GUI thread, then close."""
        if self._saving:
            return
        bad = [f for f in FIELDS if not self._check_field(f)]
        if bad:
            self.edits[bad[0]].setFocus()
            return
        try:
            row = clean_recipient(**self.values(), region=self._region)
        except v.ValidationError as exc:
            self.show_error(exc.field, core_text(exc.message))
            return
        self.ctx.tasks.start(self._save(row))

    def reject(self) -> None:
        if not self._saving:  # the write is on its way; closing now would hide its outcome
            super().reject()

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.buttons.setEnabled(not saving)

    async def _save(self, row: dict[str, Any]) -> None:
        store = self.ctx.runtime.store
        self._set_saving(True)
        try:
            if self._recipient is None:
                rid = await self.ctx.tasks.run(store.add_recipient, **row)
            else:
                rid = self._recipient.id
                await self.ctx.tasks.run(store.update_recipient, rid, **row)
        except v.ValidationError as exc:
            if alive(self):
                self._set_saving(False)
                self.show_error(exc.field, core_text(exc.message))
                if exc.field in self.edits:
                    self.edits[exc.field].setFocus()
            return
        except Exception:
            log.exception("saving a recipient failed")
            if alive(self):
                self._set_saving(False)
                self.show_error(FORM, self.tr("The recipient could not be saved; the log has the details."))
            return
        if not alive(self):
            return
        self._set_saving(False)
        self.saved.emit(rid)
        self.done(QDialog.DialogCode.Accepted)
