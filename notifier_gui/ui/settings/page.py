"""The base of every Settings page (Picard's ``OptionsPage`` is the model).

A page builds its rows showing the loaded values (:meth:`SettingsPage.build`), hands back what
it edits (:meth:`SettingsPage.save`) and finds its own problems (:meth:`SettingsPage.check`);
the core's validation and the writing stay in :mod:`notifier_gui.core.settings_store`, called by
the dialog. The row helpers here are the shared field widgets: each registers a
:class:`~.fields.Binding` so the dialog can show an error next to its field.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.secrets import SECRET_NAMES
from ..context import AppContext
from .fields import Binding, CheckPanel, SecretField, error_label, hint


class SettingsPage(QWidget):
    """One page: ``bindings`` (setting → field), ``secret_fields`` and ``checks`` (channel →
    connection test panel, which the dialog wires) are filled while it builds."""

    def __init__(self, ctx: AppContext, index: int, original: dict[str, Any], overridden: dict[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.index = index
        self.original = original
        self.overridden = overridden
        self.bindings: dict[str, Binding] = {}
        self.secret_fields: dict[str, SecretField] = {}
        self.checks: dict[str, CheckPanel] = {}
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.build(self.form)

    # -- what a page does ------------------------------------------------------------
    def build(self, form: QFormLayout) -> None:
        """Add the page's rows, showing ``self.original`` (the values as loaded)."""
        raise NotImplementedError

    def save(self, values: dict[str, Any]) -> None:
        """Put this page's settings, as edited, into ``values`` (by environment name)."""
        for env, binding in self.bindings.items():
            values[env] = binding.get()

    def check(self) -> dict[str, str]:
        """Problems the core cannot see (text that does not parse), by setting."""
        return {}

    # -- shared rows --------------------------------------------------------------------
    def row(self, form: QFormLayout, label: str, widget: QWidget, env: str | None,
            get: Callable[[], Any] | None = None) -> None:
        """Add ``widget`` with an (initially hidden) error line and, if set elsewhere, a hint."""
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        col.addWidget(widget)
        error = error_label(box)
        col.addWidget(error)
        if env and env in self.overridden:
            col.addWidget(hint(self._override_text(env), box))
        form.addRow(label, box)
        if env and get is not None:
            self.bindings[env] = Binding(env, widget, get, self.index, error)

    def _override_text(self, env: str) -> str:
        source = self.overridden[env]
        if source == "environment":
            return self.tr("{name} is set in the environment and wins over what you save here.").format(name=env)
        if source == "command line":
            return self.tr("{name} is set on the command line and wins over what you save here.").format(name=env)
        return self.tr("{name} is set in {file} and wins over what you save here.").format(name=env, file=source)

    def line(self, form: QFormLayout, label: str, env: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(str(self.original.get(env, "") or ""))
        edit.setPlaceholderText(placeholder)
        self.row(form, label, edit, env, lambda: edit.text().strip())
        return edit

    def spin(self, form: QFormLayout, label: str, env: str, lo: int, hi: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(lo, hi)
        spin.setValue(int(self.original[env]))
        self.row(form, label, spin, env, spin.value)
        return spin

    def dspin(self, form: QFormLayout, label: str, env: str, lo: float, hi: float,
              suffix: str, scale: float = 1.0, decimals: int = 1) -> QDoubleSpinBox:
        """A float setting shown in ``scale`` units; an untouched value is returned unrounded."""
        original = float(self.original[env])
        spin = QDoubleSpinBox()
        spin.setDecimals(decimals)
        spin.setRange(lo, hi)
        spin.setSuffix(suffix)
        spin.setValue(original / scale)
        shown = spin.value()
        self.row(form, label, spin, env, lambda: original if spin.value() == shown else spin.value() * scale)
        return spin

    def tick(self, form: QFormLayout, text: str, env: str) -> QCheckBox:
        box = QCheckBox(text)
        box.setChecked(bool(self.original[env]))
        self.row(form, "", box, env, box.isChecked)
        return box

    @staticmethod
    def combo(items: list[tuple[str, Any]], current: Any) -> QComboBox:
        combo = QComboBox()
        for text, value in items:
            combo.addItem(text, value)
        index = next((i for i, (_t, v) in enumerate(items) if v == current), 0)
        combo.setCurrentIndex(index)
        return combo

    def secret(self, form: QFormLayout, label: str, name: str) -> SecretField | None:
        if name not in SECRET_NAMES:
            return None
        field = SecretField(name)
        self.secret_fields[name] = field
        self.row(form, label, field, None)  # the field itself says where a value comes from
        return field

    def check_panel(self, form: QFormLayout, channel: str) -> CheckPanel:
        panel = CheckPanel()
        self.checks[channel] = panel
        form.addRow(panel)
        return panel
