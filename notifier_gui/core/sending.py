"""One send: a message to chosen recipients, queued the same way by the window and the CLI.

:func:`plan_send` fills the placeholders per recipient and asks the store's double-send
guard; :func:`enqueue_send` stores a per-send SMTP password (one keyring entry per
send, never in the database) and queues everything in one transaction, removing
those entries again if queuing fails.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .records import EnqueueRequest, RecipientData
from .runtime import Runtime, current_user
from .secrets import SecretStoreError
from .storage.repository import Store
from .templates import has_placeholders, render

log = logging.getLogger("notifier.send")

REPEAT_WINDOW_SECONDS = 300  # the double-send guard looks this far back


@dataclass(frozen=True)
class Queued:
    """Event: a face other than the window queued notifications (the delivery log shows
    them with their source, e.g. "API 127.0.0.1")."""

    notification_ids: tuple[int, ...]
    recipients: tuple[str, ...]
    source: str
    at: float  # time.time()


@dataclass(frozen=True)
class SendPlan:
    """The per-recipient texts of one send, and who already got exactly this recently."""

    ids: list[int]
    subjects: list[str] | None  # None: the same subject for everyone (no placeholders)
    bodies: list[str] | None
    repeats: list[str]  # names of recipients sent the same text within the window
    missing: list[int]  # chosen ids that do not exist (any more)


def plan_send(store: Store, ids: Sequence[int], subject: str, body: str,
              repeat_window: float | None = REPEAT_WINDOW_SECONDS) -> SendPlan:
    """Fill placeholders per recipient; ``repeat_window`` None skips the double-send guard."""
    people = store.recipients_by_id(ids)
    plan = plan_among(people, ids, subject, body)
    if repeat_window is None:
        return plan
    # one query, whatever the number of recipients and texts
    repeated = store.recent_repeats(
        [(rid, plan.subjects[n] if plan.subjects else subject, plan.bodies[n] if plan.bodies else body)
         for n, rid in enumerate(plan.ids)], within_seconds=repeat_window)
    repeats = [people[i].name for i in dict.fromkeys(plan.ids) if i in repeated]
    return SendPlan(plan.ids, plan.subjects, plan.bodies, repeats, plan.missing)


def plan_among(people: Mapping[int, RecipientData], ids: Sequence[int], subject: str, body: str) -> SendPlan:
    """:func:`plan_send` over recipients already read (no double-send guard): the HTTP
    API's batcher reads the people of many sends at once and plans each from them."""
    missing = [i for i in dict.fromkeys(ids) if i not in people]
    ids = [i for i in ids if i in people]
    subjects = [render(subject, people[i]) for i in ids] if has_placeholders(subject) else None
    bodies = [render(body, people[i]) for i in ids] if has_placeholders(body) else None
    return SendPlan(ids, subjects, bodies, [], missing)


def enqueue_send(runtime: Runtime, plan: SendPlan, subject: str, body: str, channels: Sequence[str] | None,
                 smtp_user: str | None, smtp_password: str | None, *, queued_by: str | None = None,
                 dedupe_keys: Sequence[str] | None = None, shared_commit: bool = False) -> list[int]:
    """Queue ``plan`` in one transaction; returns the notification ids.

    A per-send password is one keyring entry for the whole send, written under an intent
    (see ``CredentialStore.put_per_send``), so a crash before the notifications are queued
    leaves nothing the next start's sweep does not remove. ``queued_by`` names the source
    (default: the OS user); ``dedupe_keys`` (one per id) make a repeated request fail
    instead of queuing twice; ``shared_commit`` lets concurrent small sends share a group
    commit (the HTTP API).
    """
    ref: str | None = None
    try:
        if smtp_user and smtp_password:
            ref = runtime.secrets.put_per_send(smtp_password)
        return runtime.store.enqueue_request(enqueue_args(runtime, plan, subject, body, channels, smtp_user, ref,
                                                          queued_by=queued_by, dedupe_keys=dedupe_keys),
                                             shared_commit=shared_commit)
    except BaseException:
        if ref:
            try:
                runtime.secrets.drop_per_send(ref)
            except SecretStoreError:
                log.warning("could not remove an unused per-send SMTP password from the credential store")
        raise


def enqueue_args(runtime: Runtime, plan: SendPlan, subject: str, body: str, channels: Sequence[str] | None,
                 smtp_user: str | None, secret_ref: str | None, *, queued_by: str | None = None,
                 dedupe_keys: Sequence[str] | None = None) -> EnqueueRequest:
    """What ``Store.enqueue_request`` queues for ``plan`` (also one entry of
    ``Store.enqueue_batch``); ``secret_ref`` is a per-send password's keyring entry."""
    return EnqueueRequest(
        plan.ids, body, subject, channels=list(channels) if channels else None,
        default_channels=runtime.settings.channels, smtp_user=smtp_user,
        smtp_secret_refs=[secret_ref] * len(plan.ids) if secret_ref else None,
        queued_by=current_user() if queued_by is None else queued_by,
        bodies=plan.bodies, subjects=plan.subjects, dedupe_keys=dedupe_keys)
