"""Languages: English (source strings) and Russian. The system locale picks one; the
settings (ui_state "language": "", "en" or "ru") can override it.

``.ts`` sources live in ``notifier_gui/resources/translations``; the ``.qm`` files are built
from them with ``pyside6-lrelease`` (see ``tools/i18n.py``) and loaded through
``importlib.resources``, so they work from source, from a wheel and from a frozen build.
"""
from __future__ import annotations

import logging
from importlib import resources

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger("notifier.ui")

LANGUAGES = {"en": "English", "ru": "Русский"}


def pick_language(setting: str | None, locale: QLocale | None = None) -> str:
    if setting in LANGUAGES:
        return str(setting)
    name = (locale or QLocale.system()).name()  # e.g. "ru_RU"
    return "ru" if name.startswith("ru") else "en"


def qm_bytes(language: str) -> bytes | None:
    try:
        return (resources.files("notifier_gui.resources") / "translations" / f"notifier_{language}.qm").read_bytes()
    except (FileNotFoundError, OSError):
        return None


def install(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Install our and Qt's own translators for ``language``; return them (keep references)."""
    installed: list[QTranslator] = []
    if language == "en":
        return installed
    qt = QTranslator(app)
    if qt.load(QLocale(language), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    data = qm_bytes(language)
    ours = QTranslator(app)
    if data and ours.load(data):
        app.installTranslator(ours)
        installed.append(ours)
        # QTranslator.load(bytes) does not copy the data; keep it alive with the translator.
        _KEEP.append(data)
    else:
        log.warning("no %s translation found; showing English", language)
    return installed


_KEEP: list[bytes] = []
