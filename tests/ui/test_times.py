"""Local time, consistently, formatted by the locale (#13 item 18): the log table and the
timeline show the same time for the same attempt in a non-UTC zone; "Next try" is no ISO
string; the export keeps the date. Run with TZ set."""
from __future__ import annotations

import csv
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from PySide6.QtCore import QLocale

from notifier_gui.ui.context import AppContext
from notifier_gui.ui.log.model import COL_TIME
from notifier_gui.ui.log.panel import LogPanel
from notifier_gui.ui.timefmt import format_datetime, format_time

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Tokyo")  # UTC+9, no daylight saving: a fixed, non-UTC zone
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_format_is_local_and_follows_the_locale(tokyo: None) -> None:
    at = datetime(2026, 12, 1, 22, 12, 38, tzinfo=timezone.utc)  # 07:12:38 on 2 December in Tokyo
    same_day = datetime(2026, 12, 2, 12, 0, tzinfo=timezone(__import__("datetime").timedelta(hours=9)))
    english, russian = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates), QLocale(QLocale.Language.Russian)
    assert format_time(at, now=same_day, locale=russian) == "07:12:38"
    assert "7:12:38" in format_time(at, now=same_day, locale=english)
    assert format_time(at.isoformat(), now=same_day, locale=russian) == "07:12:38"  # ISO strings too
    assert format_time(at.timestamp(), now=same_day, locale=russian) == "07:12:38"  # and epoch seconds
    assert format_datetime(at, locale=russian) == "02.12.2026 07:12:38"
    assert format_time(at, now=datetime(2026, 12, 5, tzinfo=timezone.utc), locale=russian) == "02.12.2026 07:12:38"


def test_log_table_and_timeline_agree(qtbot, ctx: AppContext, tokyo: None) -> None:  # type: ignore[no-untyped-def]
    store = ctx.runtime.store
    rid = store.add_recipient("Anna", email="anna@example.org")
    (nid,) = store.enqueue([rid], "hello")
    ctx.runtime.dispatcher().run(threading.Event(), until_done=True, max_seconds=30)  # sandbox: the outbox
    export = Path(ctx.runtime.settings.data_dir) / "log.csv"
    panel = LogPanel(ctx, ask_save_path=lambda: str(export))
    qtbot.addWidget(panel)
    panel.show()
    panel.load_history()
    qtbot.waitUntil(lambda: panel.history_loaded)
    shown = panel.model.data(panel.model.index(0, COL_TIME))
    started = store.notification(nid)["attempts"][0]["started_at"]  # type: ignore[index]
    expected = datetime.fromisoformat(started).astimezone().strftime("%H:%M:%S")  # Tokyo time
    assert expected in shown and len(shown) <= 11  # today: the time only
    assert panel.select_notification(nid)
    qtbot.waitUntil(lambda: "Notification #" in panel.details.toPlainText())
    timeline = panel.details.toPlainText()
    assert f"\n{shown}  email" in timeline  # the same text as the table, not a slice of UTC ISO
    assert "+00:00" not in timeline

    panel.export_csv()
    qtbot.waitUntil(lambda: panel.status.text().startswith("Exported"))
    with open(export, encoding="utf-8-sig", newline="") as fh:
        row = list(csv.reader(fh))[1]
    assert row[COL_TIME] == datetime.fromisoformat(started).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    float(row[-1])  # the duration is a number a spreadsheet can add up
