"""Times as the operator reads them: the local time zone, formatted by the locale.

The core stores and reports UTC (aware datetimes, ISO strings, epoch seconds); every face
converts at the edge. The window converts here, in one place, so the log table and the
timeline can never disagree about the same attempt. Today's times show the time only
(the date would cost the Time column 150 pixels to say "today"); older ones add the
locale's short date.
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QLocale, QTime


def to_local(value: datetime | float | str) -> datetime:
    """An aware UTC datetime, epoch seconds or an ISO string, in the local time zone."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value.astimezone()
    return datetime.fromtimestamp(value).astimezone()


def _time_format(locale: QLocale) -> str:
    fmt = locale.timeFormat(QLocale.FormatType.ShortFormat)
    return fmt if "ss" in fmt else fmt.replace("mm", "mm:ss", 1)  # the log needs the seconds


def format_time(value: datetime | float | str, now: datetime | None = None, locale: QLocale | None = None) -> str:
    """``23:12:38`` today, ``01.12.2026 23:12:38`` (per the locale) on other days."""
    loc = locale or QLocale()
    local = to_local(value)
    today = (now or datetime.now().astimezone()).date()
    qtime = QTime(local.hour, local.minute, local.second)
    text = loc.toString(qtime, _time_format(loc))
    if local.date() == today:
        return text
    qdate = QDate(local.year, local.month, local.day)
    return f"{loc.toString(qdate, QLocale.FormatType.ShortFormat)} {text}"


def format_datetime(value: datetime | float | str, locale: QLocale | None = None) -> str:
    """Always with the date (for "Next try" and other one-off times)."""
    loc = locale or QLocale()
    local = to_local(value)
    qdt = QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute, local.second))
    return f"{loc.toString(qdt.date(), QLocale.FormatType.ShortFormat)} {loc.toString(qdt.time(), _time_format(loc))}"
