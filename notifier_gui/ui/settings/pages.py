"""Settings → Delivery policy and General (language, phone region, sandbox, tray)."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QWidget

from ..channel_order import ChannelOrderList
from ..secret_store_panel import store_description
from ..tray import KEEP_RUNNING_KEY, keep_running_in_tray
from .fields import hint
from .page import SettingsPage

LANGUAGE_KEY = "language"  # ui_state: "" (follow the system), "en", "ru"; applied at the next start


def ui_language(state: QSettings) -> str:
    """The language chosen in Settings ("" = the system's), for the translator at start-up."""
    return str(state.value(LANGUAGE_KEY, "") or "")


def parse_backoff(text: str) -> tuple[float, ...] | None:
    """"2, 10" → (2.0, 10.0); None when it is not a list of 0…86400 seconds."""
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        return None
    return values if all(0 <= v <= 86400 for v in values) else None


class DeliveryPage(SettingsPage):
    """``channel_order``: the same control as Compose's order for one send, without its Reset."""

    def build(self, form: QFormLayout) -> None:
        order = ChannelOrderList(per_send=False)
        order.set_default(list(self.original["NOTIFIER_CHANNELS"]))
        order.list.setCurrentRow(0)
        self.channel_order = order
        self.row(form, self.tr("Channel order"), order, "NOTIFIER_CHANNELS", lambda: tuple(order.channels()))
        self.bindings["NOTIFIER_CHANNELS"].widget = order.list
        form.addRow("", hint(self.tr("Tick the channels to use; the first is tried first. "
                                     "Drag or use the buttons to reorder.")))
        self.spin(form, self.tr("Tries per channel"), "NOTIFIER_MAX_TRIES", 1, 20)
        backoff = QLineEdit(", ".join(f"{b:g}" for b in tuple(self.original["NOTIFIER_BACKOFF"])))
        backoff.setPlaceholderText("2, 10")
        self.backoff_edit = backoff
        self.row(form, self.tr("Waits between tries (s)"), backoff, "NOTIFIER_BACKOFF",
                 lambda: parse_backoff(backoff.text()) or ())
        self.dspin(form, self.tr("Give up after"), "NOTIFIER_LIFETIME", 0.1, 24 * 90, self.tr(" h"), scale=3600.0)
        self.spin(form, self.tr("Concurrent sends"), "NOTIFIER_CONCURRENCY", 1, 64)

    def check(self) -> dict[str, str]:
        if parse_backoff(self.backoff_edit.text()) is None:
            return {"NOTIFIER_BACKOFF": self.tr("numbers of seconds separated by commas, e.g. 2, 10")}
        return {}


class GeneralPage(SettingsPage):
    """Besides settings, two window preferences (``ui_values``) kept in the window's own state."""

    def build(self, form: QFormLayout) -> None:
        folder = QLineEdit(str(self.ctx.runtime.config.settings.data_dir))
        folder.setReadOnly(True)
        open_button = QPushButton(self.tr("Open folder"))
        open_button.clicked.connect(self.open_data_folder)
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(folder, 1)
        row.addWidget(open_button)
        self.row(form, self.tr("Data folder"), box, None)

        self.language = self.combo([(self.tr("System"), ""), ("English", "en"), ("Русский", "ru")],
                                   ui_language(self.ctx.ui_state))
        self.row(form, self.tr("Language"), self.language, None)
        form.addRow("", hint(self.tr("The language changes at the next start.")))
        # A new language needs a new start: offer it instead of leaving the operator to find Quit.
        self.restart_button = QPushButton(self.tr("Save and restart now"))
        self.restart_button.setVisible(False)
        self.language.currentIndexChanged.connect(
            lambda: self.restart_button.setVisible(self.language.currentData() != ui_language(self.ctx.ui_state)))
        form.addRow("", self.restart_button)

        import phonenumbers  # the regions it knows are the ones a number can be read for

        region = self.combo([(self.tr("None — numbers need their +country code"), ""),
                             *[(code, code) for code in sorted(phonenumbers.SUPPORTED_REGIONS)]],
                            self.original["NOTIFIER_PHONE_REGION"] or "")
        self.row(form, self.tr("Phone region"), region, "NOTIFIER_PHONE_REGION", region.currentData)
        form.addRow("", hint(self.tr("Numbers typed without +country code (8 916 …) are read for this "
                                     "region, in the window, the CLI and imports.")))

        sandbox = self.combo([(self.tr("Auto — when no channel is configured"), None),
                              (self.tr("On — write to the outbox, send nothing"), True),
                              (self.tr("Off — really send"), False)], self.original["NOTIFIER_SANDBOX"])
        self.row(form, self.tr("Sandbox mode"), sandbox, "NOTIFIER_SANDBOX", sandbox.currentData)
        self.keep_in_tray = QCheckBox(self.tr("Keep running in the tray when the window is closed"))
        self.keep_in_tray.setChecked(keep_running_in_tray(self.ctx.ui_state))
        self.row(form, "", self.keep_in_tray, None)
        store = hint(self.tr("Secrets are kept in: {backend}").format(
            backend=store_description(self.ctx.runtime.secrets)))
        form.addRow(self.tr("Credential store"), store)

    def ui_values(self) -> dict[str, Any]:
        """The window's own preferences, written to ``ctx.ui_state`` when the settings are saved."""
        return {LANGUAGE_KEY: self.language.currentData(), KEEP_RUNNING_KEY: self.keep_in_tray.isChecked()}

    @Slot()
    def open_data_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.ctx.runtime.config.settings.data_dir)))
