"""Paged, filtered reads for the list endpoints of the HTTP API (people are searched and
paged by :class:`~.history.History`, as in the window and the CLI).

Each answers exactly one page (``LIMIT``/``OFFSET`` plus one ``COUNT``), never the whole table.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from .repository import Store
from .schema import NOTIFICATIONS


def notifications_page(store: Store, state: str | None, recipient_id: int | None,
                       limit: int, offset: int) -> tuple[int, list[int]]:
    """Ids of notifications (newest first) in ``state`` for ``recipient_id``, if given."""
    N = NOTIFICATIONS
    where: list[Any] = []
    if state:
        where.append(N.c.state == state)
    if recipient_id is not None:
        where.append(N.c.recipient_id == recipient_id)
    with store.engine.connect() as s:
        count = int(s.scalar(select(func.count()).select_from(N).where(*where)) or 0)
        ids = list(s.scalars(select(N.c.id).where(*where).order_by(N.c.id.desc()).limit(limit).offset(offset)))
        return count, ids


def ids_by_dedupe_keys(store: Store, keys: Sequence[str]) -> dict[str, tuple[int, int | None]]:
    """dedupe key -> (notification id, recipient id) for the keys that exist."""
    N = NOTIFICATIONS
    with store.engine.connect() as s:
        rows = s.execute(select(N.c.dedupe_key, N.c.id, N.c.recipient_id).where(N.c.dedupe_key.in_(list(keys))))
        return {k: (i, r) for k, i, r in rows}
