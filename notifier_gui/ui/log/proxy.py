"""The delivery log's filter state: what the operator picked, as the core's :class:`LogQuery`.

Filtering happens in SQL (see ``core/storage/history.py``); this only keeps the choices of
the filter bar and turns them into a query.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from ...core.storage.history import LogQuery
from .model import OUTCOME_GROUPS


class LogFilter:
    """Outcome group, channel, search text (words, or ``#id``) and a date range."""

    def __init__(self) -> None:
        self.query = LogQuery()

    def set_outcome_group(self, group: str | None) -> LogQuery:
        self.query = replace(self.query, outcomes=OUTCOME_GROUPS.get(group) if group else None)
        return self.query

    def set_channel(self, channel: str | None) -> LogQuery:
        self.query = replace(self.query, channel=channel or None)
        return self.query

    def set_text(self, text: str) -> LogQuery:
        self.query = self.query.with_search(text)
        return self.query

    def set_dates(self, since: datetime | None, until: datetime | None) -> LogQuery:
        self.query = replace(self.query, since=since, until=until)
        return self.query
