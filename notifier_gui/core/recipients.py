"""Recipient input: validation of one record, CSV import with a per-line report, CSV export."""
from __future__ import annotations

import csv
import io
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from . import validation as v
from .config import CHANNEL_NAMES
from .records import RecipientData
from .spreadsheet import from_cell, spreadsheet_cell
from .storage.repository import Store, email_key

CSV_COLUMNS = ("name", "email", "phone", "telegram_chat_id")


def clean_recipient(
    name: str,
    email: str | None = None,
    phone: str | None = None,
    telegram_chat_id: str | int | None = None,
    channels: Iterable[str] = (),
    notes: str = "",
    region: str = "",
) -> dict[str, Any]:
    """Validated, normalised recipient fields. Raises ValidationError for the first bad field."""
    out: dict[str, Any] = {"name": v.name(name)}
    out["email"] = v.email(email) if email and email.strip() else None
    out["phone"] = v.phone(phone, region) if phone and phone.strip() else None
    tg = str(telegram_chat_id).strip() if telegram_chat_id not in (None, "") else ""
    out["telegram_chat_id"] = v.telegram_chat_id(tg) if tg else None
    order = [c.strip() for c in channels if c.strip()]
    bad = [c for c in order if c not in CHANNEL_NAMES]
    if bad or len(set(order)) != len(order):
        raise v.ValidationError("channels", f"must be distinct names from {', '.join(CHANNEL_NAMES)}")
    out["channels"] = tuple(order)
    out["notes"] = notes
    return out


MAX_REPORTED = 1000  # rejected lines listed one by one; the rest are counted
IMPORT_CHUNK = 5000  # rows validated and written per step (bounded memory, progress between)


@dataclass
class ImportReport:
    """What an import did. All or nothing: with any rejected line, nothing was imported;
    duplicates are skipped, not rejected."""

    imported: list[int] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason), the first MAX_REPORTED
    rejected_total: int = 0
    # Lines that are only duplicates (already in the list, or earlier in the file): skipped,
    # not errors, so importing the same file again imports nothing and fails nothing, and a
    # re-import's thousands of "already exists" never bury five real errors.
    skipped: list[tuple[int, str]] = field(default_factory=list)  # the first MAX_REPORTED
    skipped_total: int = 0
    checked: int = 0  # data rows read

    @property
    def errors(self) -> list[tuple[int, str]]:
        return self.rejected

    @property
    def duplicates(self) -> list[tuple[int, str]]:
        return self.skipped

    def skip(self, line: int, reason: str) -> None:
        self.skipped_total += 1
        if len(self.skipped) < MAX_REPORTED:
            self.skipped.append((line, reason))

    @property
    def ok(self) -> bool:
        return not self.rejected_total

    def reject(self, line: int, reason: str) -> None:
        self.rejected_total += 1
        if len(self.rejected) < MAX_REPORTED:
            self.rejected.append((line, reason))


Progress = Callable[[str, int], None]  # (stage "checking" | "importing", rows so far)


def import_csv(store: Store, data: bytes | Path, region: str = "", progress: Progress | None = None) -> ImportReport:
    """Import a CSV with header name,email,phone,telegram_chat_id (UTF-8, BOM allowed).

    All or nothing: every line is checked first (invalid values, a wrong number of fields,
    CSV syntax errors, each reported by the line where its row starts); only when none is
    rejected are the rows written, in one transaction. A line that only repeats a stored
    recipient or an earlier line (email compared ignoring case, or phone) is skipped, not
    rejected: importing the same file again imports nothing and fails nothing. The
    file is read as a stream and the checked rows wait in a temporary SQLite file, so a
    million rows need no more memory than a thousand.
    """
    report = ImportReport()
    with tempfile.TemporaryDirectory(prefix="notifier-import-") as tmp:
        scratch = sqlite3.connect(Path(tmp) / "import.db", isolation_level=None)
        try:
            scratch.execute("PRAGMA journal_mode = OFF")
            scratch.execute("PRAGMA synchronous = OFF")
            scratch.execute("CREATE TABLE seen (key TEXT PRIMARY KEY) WITHOUT ROWID")
            scratch.execute("CREATE TABLE rows (name TEXT, email TEXT, phone TEXT, telegram_chat_id INTEGER)")
            scratch.execute("BEGIN")
            for key in store.contact_keys():
                scratch.execute("INSERT OR IGNORE INTO seen VALUES (?)", (key,))
            opened = _open_text(data)
            try:
                _check_rows(opened, scratch, report, region, progress)
            finally:
                opened.close()
            scratch.execute("COMMIT")
            if report.ok and report.checked:
                report.imported = store.add_recipient_batches(_batches(scratch), progress)
        finally:
            scratch.close()
    return report


def _open_text(data: bytes | Path) -> TextIO:
    raw: BinaryIO = io.BytesIO(data) if isinstance(data, bytes) else open(data, "rb")
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def _check_rows(text: TextIO, scratch: sqlite3.Connection, report: ImportReport, region: str,
                progress: Progress | None) -> None:
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        report.reject(1, "the file is empty; expected a header name,email,phone,telegram_chat_id")
        return
    except csv.Error as exc:
        report.reject(1, f"broken CSV: {exc}")
        return
    except UnicodeDecodeError as exc:
        report.reject(0, f"the file is not UTF-8 (byte {exc.start})")
        return
    columns = [h.strip().lower() for h in header]
    if "name" not in columns or not set(columns) <= set(CSV_COLUMNS):
        report.reject(1, f"header must be {','.join(CSV_COLUMNS)} (got {','.join(header)})")
        return
    doubled = sorted({c for c in columns if columns.count(c) > 1})
    if doubled:
        report.reject(1, f"the header names {', '.join(doubled)} more than once")
        return
    chunk: list[tuple[str, str | None, str | None, int | None]] = []
    while True:
        line = reader.line_num + 1  # where this row starts (a quoted field may span lines)
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # Reported, and reading goes on with the next line: nothing after it is dropped.
            report.reject(line, f"broken CSV: {exc}")
            continue
        except UnicodeDecodeError as exc:
            report.reject(line, f"the file is not UTF-8 (byte {exc.start})")
            return
        if not any(x.strip() for x in values):
            continue
        report.checked += 1
        if len(values) != len(columns):
            report.reject(line, f"expected {len(columns)} fields, found {len(values)}")
            continue
        record: Mapping[str, str] = dict(zip(columns, (from_cell(x) for x in values)))
        try:
            row = clean_recipient(record.get("name", ""), record.get("email"), record.get("phone"),
                                  record.get("telegram_chat_id"), region=region)
        except v.ValidationError as exc:
            report.reject(line, str(exc))
            continue
        if row["email"] and not _first(scratch, "e:" + email_key(row["email"])):
            report.skip(line, f"email: {row['email']} already exists")
            continue
        if row["phone"] and not _first(scratch, "p:" + row["phone"]):
            report.skip(line, f"phone: {row['phone']} already exists")
            continue
        chunk.append((row["name"], row["email"], row["phone"], row["telegram_chat_id"]))
        if len(chunk) >= IMPORT_CHUNK:
            _stash(scratch, chunk, report, progress)
    _stash(scratch, chunk, report, progress)


def _first(scratch: sqlite3.Connection, key: str) -> bool:
    """Record ``key``; False if it was there already (a stored recipient or an earlier line)."""
    return scratch.execute("INSERT OR IGNORE INTO seen VALUES (?)", (key,)).rowcount == 1


def _stash(scratch: sqlite3.Connection, chunk: list[tuple[str, str | None, str | None, int | None]],
           report: ImportReport, progress: Progress | None) -> None:
    if report.ok and chunk:  # after a rejection nothing will be written: only keep checking
        scratch.executemany("INSERT INTO rows VALUES (?, ?, ?, ?)", chunk)
    chunk.clear()
    if progress:
        progress("checking", report.checked)


def _batches(scratch: sqlite3.Connection) -> Iterator[list[dict[str, Any]]]:
    cur = scratch.execute("SELECT name, email, phone, telegram_chat_id FROM rows ORDER BY rowid")
    while batch := cur.fetchmany(IMPORT_CHUNK):
        yield [{"name": n, "email": e, "phone": p, "telegram_chat_id": t, "channels": (), "notes": ""}
               for n, e, p, t in batch]


def export_csv(recipients: Iterable[RecipientData], path: Path) -> int:
    count = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(CSV_COLUMNS)
        for r in recipients:
            w.writerow([spreadsheet_cell(x) for x in (r.name, r.email, r.phone, r.telegram_chat_id)])
            count += 1
    return count
