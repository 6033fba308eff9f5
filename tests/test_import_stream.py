"""``users import`` semantics: all or nothing, honest line numbers, no silently dropped lines,
and a large file in bounded memory."""
from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from notifier_gui.core import recipients
from notifier_gui.core.recipients import import_csv
from notifier_gui.core.storage.engine import open_database
from notifier_gui.core.storage.repository import Store


def store(tmp_path: Path) -> Store:
    return Store(open_database(f"sqlite:///{tmp_path / 'n.db'}"))


def test_a_csv_syntax_error_does_not_drop_the_lines_after_it(tmp_path: Path) -> None:
    s = store(tmp_path)
    data = ("name,email\n"
            "Anna,anna@example.org\n"
            'Broken,"boris@example.org"x\n'  # 3: text after a closing quote
            "Clara,clara@example.org\n"
            "Dora,not-an-email\n").encode()
    report = import_csv(s, data)
    assert [line for line, _ in report.rejected] == [3, 5]
    assert "broken CSV" in report.rejected[0][1] and "email" in report.rejected[1][1]
    assert report.imported == [] and s.list_recipients() == []


def test_line_numbers_are_where_a_row_starts(tmp_path: Path) -> None:
    data = ('name,email\n'
            '"Anna\nSmirnova",anna@example.org\n'  # 2-3: a quoted name over two lines (refused: a line break)
            'Boris,boris@\n').encode()               # 4
    report = import_csv(store(tmp_path), data)
    assert [line for line, _ in report.rejected] == [2, 4]


def test_a_header_naming_a_column_twice_is_an_error(tmp_path: Path) -> None:
    report = import_csv(store(tmp_path), b"name,email,email\nAnna,a@example.org,b@example.org\n")
    assert report.rejected == [(1, "the header names email more than once")]


def test_all_or_nothing_and_then_everything(tmp_path: Path) -> None:
    s = store(tmp_path)
    bad = tmp_path / "people.csv"
    bad.write_text("name,email\nAnna,anna@example.org\nAnna twin,ANNA@example.org\nNo at,nope\n", encoding="utf-8")
    report = import_csv(s, bad)
    assert not report.ok and [line for line, _ in report.rejected] == [4]
    assert report.skipped == [(3, "email: ANNA@example.org already exists")]  # a duplicate: skipped, not an error
    assert s.list_recipients() == []
    bad.write_text("name,email\nAnna,anna@example.org\nBoris,boris@example.org\n", encoding="utf-8")
    report = import_csv(s, bad)
    assert report.ok and len(report.imported) == 2
    assert [r.name for r in s.list_recipients()] == ["Anna", "Boris"]


def test_rejections_are_counted_past_the_listed_ones(tmp_path: Path) -> None:
    data = ("name,email\n" + "".join(f"P{i},bad-{i}\n" for i in range(1500))).encode()
    report = import_csv(store(tmp_path), data)
    assert len(report.rejected) == 1000 and report.rejected_total == 1500


def test_memory_does_not_grow_with_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Python allocations while importing 2,500 rows are about those of 500 (chunks of 250
    here): what grows is the list of new ids, 36 bytes a row. Holding the rows, as before,
    cost ~1 KB a row, 2 MB more for the larger file. bench/import_csv.py measures a million
    rows."""
    monkeypatch.setattr(recipients, "IMPORT_CHUNK", 250)
    s = store(tmp_path)
    import_csv(s, b"name,email\nWarm,warm@example.org\n")  # modules and caches loaded once

    def peak(n: int, first: int) -> int:
        path = tmp_path / f"people-{n}.csv"
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("name,email,phone,telegram_chat_id\n")
            for i in range(first, first + n):
                fh.write(f"Person {i},person{i}@example.org,,{1000 + i}\n")
        seen: list[tuple[str, int]] = []
        tracemalloc.start()
        try:
            report = import_csv(s, path, progress=lambda stage, done: seen.append((stage, done)))
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            assert report.ok and len(report.imported) == n
            assert ("checking", n) in seen and ("importing", n) in seen and ("checking", 250) in seen

    small, large = peak(500, 0), peak(2_500, 10_000)
    assert large - small < 1_000_000, (small, large)
