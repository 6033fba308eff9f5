"""Settings: the dialog (:mod:`.dialog`), one class per page (:mod:`.page` and the page modules),
and the field widgets the pages share (:mod:`.fields`)."""
from .dialog import SettingsDialog
from .fields import CheckPanel, SecretField
from .pages import LANGUAGE_KEY, ui_language

__all__ = ["LANGUAGE_KEY", "CheckPanel", "SecretField", "SettingsDialog", "ui_language"]
