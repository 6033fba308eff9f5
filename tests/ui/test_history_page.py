"""Settings → History: the keep-days setting is saved like any other; "Prune now" archives and
removes old finished history off the GUI thread, with progress."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from PySide6.QtCore import Qt

from notifier_gui.ui.context import AppContext
from notifier_gui.ui.settings import SettingsDialog

from tests.test_retention import counts, history
from tests.ui.conftest import shot


def open_dialog(ctx: AppContext, qtbot) -> SettingsDialog:  # type: ignore[no-untyped-def]
    dlg = SettingsDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: all(f.status for f in dlg.secret_fields.values()), timeout=5000)
    dlg.show_page("history")
    return dlg


def test_keep_days_is_saved_as_a_setting(ctx: AppContext, qtbot, keyring_backend) -> None:  # type: ignore[no-untyped-def]
    dlg = open_dialog(ctx, qtbot)
    page = dlg.history_page
    assert page.keep_all.isChecked() and not page.keep_days.isEnabled()  # the default: keep everything
    page.keep_all.setChecked(False)
    page.keep_days.setValue(90)
    with qtbot.waitSignal(dlg.saved, timeout=10_000):
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    saved = json.loads((Path(ctx.runtime.settings.data_dir) / "settings.json").read_text(encoding="utf-8"))
    assert saved == {"NOTIFIER_KEEP_DAYS": 90} and ctx.runtime.settings.keep_days == 90


def test_prune_now_archives_and_removes_with_progress(ctx: AppContext, qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                      keyring_backend) -> None:
    store = ctx.runtime.store
    groups = history(store, old=1200)
    dlg = open_dialog(ctx, qtbot)
    page = dlg.history_page
    archive = tmp_path / "old.jsonl.gz"
    page._ask_archive = lambda: str(archive)
    page.prune_days.setValue(30)
    assert shot(dlg, "settings-history.png")
    with qtbot.waitSignal(page.pruned, timeout=30_000) as done:
        page.prune_button.click()
        assert page.progress is not None and not page.prune_button.isEnabled()
    assert done.args == [1200]
    assert counts(store) == (7, 14) and "1200" in page.result_label.text()
    with gzip.open(archive, "rt", encoding="utf-8") as fh:
        assert [json.loads(line)["id"] for line in fh] == groups["old"]
    assert page.prune_button.isEnabled()


def test_the_window_applies_keep_days_without_an_archive(ctx: AppContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from notifier_gui.ui.retention import RetentionTimer

    store = ctx.runtime.store
    history(store, old=30)
    idle = RetentionTimer(ctx, first_delay_ms=0)  # keep everything (the default): nothing happens
    qtbot.waitUntil(lambda: idle._timer.interval() == RetentionTimer.DAY_MS)  # it fired: next run in a day
    assert counts(store) == (37, 74)
    ctx.runtime.config = replace(ctx.runtime.config, settings=replace(ctx.runtime.settings, keep_days=30))
    with qtbot.waitSignal(idle.pruned, timeout=10_000) as done:
        idle.run_now()
    assert done.args == [30] and counts(store) == (7, 14)
