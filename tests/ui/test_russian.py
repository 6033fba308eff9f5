"""The Russian translation: the .qm builds from the .ts, installs, and the main window and the
Settings dialog come up in Russian (screenshots: main-window-ru.png, settings-ru.png).

The translators are removed again after each test, so the other tests keep seeing English.
"""
from __future__ import annotations

import importlib.util
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLabel, QLineEdit, QTabWidget, QWidget

from notifier_gui.ui import i18n
from notifier_gui.ui.context import AppContext
from notifier_gui.ui.main_window import MainWindow
from notifier_gui.ui.settings import SettingsDialog

from tests.ui.conftest import shot

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "notifier_ru.ts"


def _tools_i18n() -> ModuleType:
    spec = importlib.util.spec_from_file_location("notifier_tools_i18n", ROOT / "tools" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _english_only() -> set[str]:
    """Source texts whose Russian translation differs (so seeing them on screen means "not translated")."""
    out = set()
    for message in ET.parse(TS).getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None
        forms = [f.text or "" for f in translation.findall("numerusform")] or [translation.text or ""]
        if source not in forms:
            out.add(source.replace("&", ""))
    return out


def _shown_texts(root: QWidget) -> set[str]:
    """Texts of labels, buttons, actions, tabs, combo items and placeholders under ``root``."""
    texts = {root.windowTitle()}
    for label in root.findChildren(QLabel):
        texts.add(label.text())
    for button in root.findChildren(QAbstractButton):
        texts.update((button.text(), button.toolTip()))
    for action in root.findChildren(QAction):
        texts.update((action.text(), action.toolTip()))
    for tabs in root.findChildren(QTabWidget):
        texts.update(tabs.tabText(i) for i in range(tabs.count()))
    for combo in root.findChildren(QComboBox):
        texts.update(combo.itemText(i) for i in range(combo.count()))
    for edit in root.findChildren(QLineEdit):
        texts.add(edit.placeholderText())
    return {t.replace("&", "") for t in texts if t}


@pytest.fixture
def russian(qapp: QApplication) -> Iterator[None]:
    qms = _tools_i18n().build(quiet=True)
    assert [q.name for q in qms] == ["notifier_ru.qm"] and qms[0].stat().st_size > 0
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    installed = i18n.install(app, "ru")
    try:
        assert installed, "no translator was installed"
        assert QCoreApplication.translate("MainWindow", "&Compose") == "&Новое сообщение"
        yield
    finally:
        for translator in installed:
            app.removeTranslator(translator)
        assert QCoreApplication.translate("MainWindow", "&Compose") == "&Compose"


def test_pick_language_follows_the_locale() -> None:
    assert i18n.pick_language("", QLocale("ru_RU")) == "ru"
    assert i18n.pick_language("", QLocale("en_US")) == "en"
    assert i18n.pick_language(None, QLocale("ru_RU")) == "ru"
    assert i18n.pick_language("en", QLocale("ru_RU")) == "en"  # the setting wins over the locale
    assert i18n.pick_language("ru", QLocale("en_US")) == "ru"


def test_every_message_is_translated() -> None:
    root = ET.parse(TS).getroot()
    messages = list(root.iter("message"))
    assert len(messages) >= 446  # every source message has a finished translation (count at 01b52e5)
    for message in messages:
        translation = message.find("translation")
        assert translation is not None and translation.get("type") is None, message.findtext("source")
        if message.get("numerus") == "yes":
            forms = [f.text or "" for f in translation.findall("numerusform")]
            assert len(forms) == 3 and all("%n" in f for f in forms), message.findtext("source")
        else:
            assert (translation.text or "").strip(), message.findtext("source")


def test_main_window_in_russian(qtbot, ctx: AppContext, russian: None) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1180, 800)
    window.show()
    try:
        assert window.tabs.tabText(0) == "&Получатели"
        assert window.tabs.tabText(1) == "&Новое сообщение"
        assert window.pause_action.text() == "&Приостановить отправку"
        assert window.settings_action.text() == "На&стройки…"
        qtbot.waitUntil(lambda: "режим песочницы" in window.windowTitle())  # read off the GUI thread

        log = window.log
        assert [log.outcome.itemText(i) for i in range(log.outcome.count())] == [
            "Все результаты", "Доставлено", "Все ошибки", "Отправляется", "Временные ошибки",
            "Постоянные ошибки", "Канал недоступен", "Принято, не подтверждено"]
        assert [log.channel.itemText(i) for i in range(log.channel.count())] == [
            "Все каналы", "Email", "SMS", "Telegram"]
        assert log.export_button.text() == "Экспорт CSV…"
        headers = [str(log.model.headerData(c, Qt.Orientation.Horizontal)) for c in range(log.model.columnCount())]
        assert headers == ["Время", "Уведомл.", "Получатель", "Канал", "Результат", "Подробности", "Длит."]

        assert window.banner.isVisibleTo(window)
        assert window.banner.text.text().startswith("<b>Режим песочницы</b>:")
        assert "папку исходящих" in window.banner.text.text()
        assert window.banner.outbox_button.text() == "Открыть папку исходящих"
        assert window.banner.settings_button.text() == "Открыть настройки…"

        store = ctx.runtime.store
        people = [("Анна Смирнова", "anna@example.org", "+79161234567", 123456789),
                  ("Борис Петров", None, "+79031112233", None),
                  ("Clara Jones", "clara@example.com", None, 555000111),
                  ("Дмитрий Орлов", None, None, None),
                  ("Екатерина Волкова", "kate@example.org", "+79265550123", None)]
        ids = [store.add_recipient(n, email=e, phone=p, telegram_chat_id=t) for n, e, p, t in people]
        window.recipients.refresh()
        qtbot.waitUntil(lambda: window.recipients.model.rowCount() == len(people), timeout=5000)
        store.enqueue(ids, "Сервер в стойке 4 перегрелся: 31 °C.", subject="Тревога")
        ctx.bridge.start()
        qtbot.waitUntil(lambda: store.pending() == 0, timeout=15000)
        model = log.model
        qtbot.waitUntil(lambda: model.rowCount() >= len(people)
                        and "sending" not in {model.outcome_at(r) for r in range(model.rowCount())}, timeout=10000)
        qtbot.waitUntil(lambda: window.failed_label.text() == "Не доставлено сегодня: 1", timeout=5000)
        assert window.queued_label.text() == "В очереди: 0"
        details = {str(model.index(r, 5).data()) for r in range(model.rowCount())}  # the core's words, translated
        assert "у получателя нет адреса эл. почты" in details
        assert any(d.startswith("песочница: записано в ") for d in details)
        assert window.worker_label.text() == "Обработчик очереди: работает"
        window.log.select_notification(ids[0])
        heading = f"Уведомление #{ids[0]}, получатель: Анна Смирнова"
        qtbot.waitUntil(lambda: heading in window.log.details.toPlainText(), timeout=5000)
        window.recipients.table.selectRow(0)
        window.compose.set_recipients(ids[:2])
        qtbot.waitUntil(lambda: window.compose.audience.recipient_count.text() == "(выбрано 2)", timeout=5000)

        leftovers = _shown_texts(window) & _english_only()
        assert not leftovers, f"untranslated on screen: {sorted(leftovers)}"

        assert shot(window, "main-window-ru.png")
    finally:
        ctx.bridge.stop()
        window.quit_for_real(confirm=False)


def test_settings_dialog_in_russian(qtbot, ctx: AppContext, russian: None) -> None:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: all(f.status for f in dialog.secret_fields.values()), timeout=5000)
    assert dialog.windowTitle() == "Настройки"
    assert [dialog.pages.item(i).text() for i in range(dialog.pages.count())] == [
        "Email", "SMS", "Telegram", "Правила доставки", "Общие", "API", "История"]
    assert dialog.save_button.text() == "Сохранить"
    assert {p.button.text() for p in dialog.checks.values()} == {"Проверить подключение"}
    leftovers = _shown_texts(dialog) & _english_only()
    assert not leftovers, f"untranslated on screen: {sorted(leftovers)}"
    assert shot(dialog, "settings-ru.png")
    dialog.reject()
