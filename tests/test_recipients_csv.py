"""Recipient CSV export: nothing a spreadsheet would run as a formula, and it imports back."""
from __future__ import annotations

import csv
from pathlib import Path

from notifier_gui.core.recipients import export_csv, import_csv
from notifier_gui.core.spreadsheet import spreadsheet_cell
from notifier_gui.core.storage.engine import open_database
from notifier_gui.core.storage.repository import Store


def test_cells_that_start_like_formulas_get_a_text_marker() -> None:
    assert spreadsheet_cell("=HYPERLINK(\"http://evil.example\",\"x\")").startswith("'=")
    assert spreadsheet_cell("+79161234567") == "'+79161234567"
    assert spreadsheet_cell("-1001234567890") == "'-1001234567890"
    assert spreadsheet_cell("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_cell("\tcmd") == "'\tcmd"
    assert spreadsheet_cell("Анна") == "Анна"
    assert spreadsheet_cell(None) == "" and spreadsheet_cell(42) == "42"


def test_export_is_inert_in_a_spreadsheet_and_imports_back_unchanged(tmp_path: Path) -> None:
    source = Store(open_database(f"sqlite:///{tmp_path / 'a.db'}"))
    source.add_recipient("=HYPERLINK(\"http://evil.example\",\"click\")", email="anna@example.org",
                         phone="+79161234567", telegram_chat_id=-1001234567890)
    source.add_recipient("Boris", email="boris@example.org")
    out = tmp_path / "recipients.csv"
    assert export_csv(source.list_recipients(), out) == 2

    with open(out, encoding="utf-8-sig", newline="") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells), cells

    target = Store(open_database(f"sqlite:///{tmp_path / 'b.db'}"))
    report = import_csv(target, out.read_bytes())
    assert report.rejected == []
    strip = [(r.name, r.email, r.phone, r.telegram_chat_id) for r in source.list_recipients()]
    assert [(r.name, r.email, r.phone, r.telegram_chat_id) for r in target.list_recipients()] == strip


def test_import_skips_an_email_that_differs_only_in_case(tmp_path: Path) -> None:
    store = Store(open_database(f"sqlite:///{tmp_path / 'a.db'}"))
    store.add_recipient("Anna", email="anna@example.org")
    data = "name,email\nAnna again,ANNA@example.org\nBoris,boris@example.org\nBoris twice,Boris@Example.org\n"
    report = import_csv(store, data.encode())
    assert report.ok and report.rejected == []
    assert [line for line, _ in report.skipped] == [2, 4]
    assert all("already exists" in why for _, why in report.skipped)
    assert [r.name for r in store.list_recipients()] == ["Anna", "Boris"]
