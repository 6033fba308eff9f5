"""A start-up fault is one dialog in the window (never a traceback)."""
from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from notifier_gui import app as app_module

from tests.cli_helpers import newer_database
from tests.ui.conftest import shot


@pytest.mark.parametrize("case, words", [
    ("file", "is a file, not a folder"),
    ("not sqlite", "не может запуститься"),
    ("newer", "newer version of Notifier"),
    ("setting", "“Concurrent sends” in Settings → Delivery policy must be between 1 and 64"),
])
def test_start_up_faults_are_one_dialog(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        case: str, words: str) -> None:
    data = tmp_path / "data"
    details: list[str] = []
    if case == "setting":  # #13 item 20: the window names the field; the details keep the variable
        data.mkdir()
        monkeypatch.setenv("NOTIFIER_CONCURRENCY", "0")
    elif case == "file":
        data.write_text("not a folder")
    else:
        data.mkdir()
        if case == "not sqlite":
            (data / "notifier.db").write_bytes(b"this is not a database " * 100)
        else:
            newer_database(data)
    monkeypatch.delenv("NOTIFIER_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    seen: list[str] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            details.append(box.detailedText())
            shot(box, f"startup-fault-{case.replace(' ', '-')}.png")
            box.accept()
        else:
            QTimer.singleShot(20, close_box)

    QTimer.singleShot(0, close_box)
    language = "ru" if case == "not sqlite" else "en"
    assert app_module.main(["--data-dir", str(data), "--language", language]) == 2
    assert len(seen) == 1 and words in seen[0]
    assert "Traceback" not in seen[0]
    if case == "setting":
        assert "NOTIFIER_CONCURRENCY" not in seen[0] and "NOTIFIER_CONCURRENCY must be" in details[0]


def test_withheld_secrets_are_told_without_blocking(qtbot: QtBot) -> None:
    reasons = {"smtp_password": "/work/.env sets SMTP_HOST='evil.example' (otherwise 'smtp.example.org'); the stored "
                                "smtp_password is not sent there. To use it, save SMTP_HOST in Settings, or run with "
                                "--env-file /work/.env"}
    box = app_module.show_withheld(None, reasons)
    qtbot.addWidget(box)
    assert box.isVisible() and not box.isModal()
    assert "would send stored secrets" in box.text() and "evil.example" in box.text()
    shot(box, "withheld-secrets.png")
