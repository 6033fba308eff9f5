"""Recipient input: validation of one record, CSV import with a per-line report, CSV export."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import validation as v
from .config import CHANNEL_NAMES
from .spreadsheet import from_cell, spreadsheet_cell
from .storage.repository import RecipientData, Store, email_key

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


@dataclass
class ImportReport:
    imported: list[int] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)
    # Lines of ``rejected`` that are only duplicates (already in the list, or earlier in the
    # file): a re-import reports them apart from the real errors.
    duplicate_lines: set[int] = field(default_factory=set)

    @property
    def errors(self) -> list[tuple[int, str]]:
        return [r for r in self.rejected if r[0] not in self.duplicate_lines]

    @property
    def duplicates(self) -> list[tuple[int, str]]:
        return [r for r in self.rejected if r[0] in self.duplicate_lines]

    @property
    def ok(self) -> bool:
        return not self.rejected


def import_csv(store: Store, data: bytes, region: str = "") -> ImportReport:
    """Import rows with header name,email,phone,telegram_chat_id (UTF-8, BOM allowed).

    Valid rows go in (one transaction); each invalid row is reported by its line number.
    Duplicates of existing recipients or of earlier rows in the file are invalid rows.
    """
    report = ImportReport()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.rejected.append((0, f"the file is not UTF-8 (byte {exc.start})"))
        return report
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        report.rejected.append((1, "the file is empty; expected a header name,email,phone,telegram_chat_id"))
        return report
    except csv.Error as exc:
        report.rejected.append((1, f"broken CSV: {exc}"))
        return report
    columns = [h.strip().lower() for h in header]
    if "name" not in columns or not set(columns) <= set(CSV_COLUMNS):
        report.rejected.append((1, f"header must be {','.join(CSV_COLUMNS)} (got {','.join(header)})"))
        return report
    emails, phones = store.existing_contacts()
    rows: list[dict[str, Any]] = []
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.rejected.append((reader.line_num, f"broken CSV: {exc}"))
            break
        line = reader.line_num
        if not any(x.strip() for x in values):
            continue
        if len(values) != len(columns):
            report.rejected.append((line, f"expected {len(columns)} fields, found {len(values)}"))
            continue
        record: Mapping[str, str] = dict(zip(columns, (from_cell(x) for x in values)))
        try:
            row = clean_recipient(record.get("name", ""), record.get("email"), record.get("phone"),
                                  record.get("telegram_chat_id"), region=region)
        except v.ValidationError as exc:
            report.rejected.append((line, str(exc)))
            continue
        if row["email"] and email_key(row["email"]) in emails:
            report.rejected.append((line, f"email: {row['email']} already exists"))
            report.duplicate_lines.add(line)
            continue
        if row["phone"] and row["phone"] in phones:
            report.rejected.append((line, f"phone: {row['phone']} already exists"))
            report.duplicate_lines.add(line)
            continue
        if row["email"]:
            emails.add(email_key(row["email"]))
        if row["phone"]:
            phones.add(row["phone"])
        rows.append(row)
    if rows:
        report.imported = store.add_recipients(rows)
    return report


def export_csv(recipients: Iterable[RecipientData], path: Path) -> int:
    count = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(CSV_COLUMNS)
        for r in recipients:
            w.writerow([spreadsheet_cell(x) for x in (r.name, r.email, r.phone, r.telegram_chat_id)])
            count += 1
    return count
