"""Attempt details as data (#15 item 5): what the core writes onto an attempt is a message
with a code and parameters, stored beside its English; read back as the same message; a row
stored before the codes still reads; no secret in the parameters; a 0006 database upgrades."""
from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update

from notifier_gui.core import messages
from notifier_gui.core.delivery import details
from notifier_gui.core.delivery.channels import smtp_transport
from notifier_gui.core.delivery.channels.base import Channel, Message, Sent
from notifier_gui.core.delivery.dispatcher import Dispatcher
from notifier_gui.core.delivery.errors import Permanent, Transient
from notifier_gui.core.delivery.policy import Policy
from notifier_gui.core.delivery.states import Delivered
from notifier_gui.core.messages import Msg
from notifier_gui.core.secrets import CredentialStore, Redactor
from notifier_gui.core.storage.engine import HEAD_REVISION, create, current_revision, migrations_config, open_database
from notifier_gui.core.storage.history import History, LogQuery
from notifier_gui.core.storage.repository import Store
from notifier_gui.core.storage.schema import ATTEMPTS

SECRET = "hunter2-very-secret"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(open_database(db_url))
    yield s
    s.engine.dispose()


def _refused() -> Msg:
    """A real detail of the SMTP channel, with a nested message (the step it failed at)."""
    return smtp_transport.REJECTED_WHILE(where=smtp_transport.WHERE["send"](), reply="554 5.7.1 spam")


def _one_attempt(store: Store, detail: str) -> int:
    rid = store.add_recipient("Анна", email="anna@example.org")
    (nid,) = store.enqueue([rid], "hello")
    (work,) = store.claim("test/1/1/q", 1, 60)
    aid, _ = store.start_attempt(work, "email", 60, work.owner)
    store.finish_attempt(work, aid, "email", "permanent", detail, Delivered("email"))
    return nid


def test_a_stored_detail_round_trips_its_code_and_parameters(store: Store) -> None:
    nid = _one_attempt(store, _refused())
    (row,) = History(store.engine).page(LogQuery(), 10)
    assert row.detail == "the server rejected the message while sending: 554 5.7.1 spam"  # the English stays
    assert row.detail_code == "smtp.rejected_while"
    back = details.attempt_detail(row)
    assert isinstance(back, Msg) and back.code == "smtp.rejected_while" and str(back) == row.detail
    where = back.params["where"]
    assert isinstance(where, Msg) and where.code == "smtp.where.send" and back.params["reply"] == "554 5.7.1 spam"
    shown = store.notification(nid)
    assert shown is not None
    (a,) = shown["attempts"]
    assert (a["detail_code"], a["detail_params"]) == (
        "smtp.rejected_while", {"where": {"code": "smtp.where.send", "params": {}}, "reply": "554 5.7.1 spam"})
    assert details.attempt_detail(a).code == "smtp.rejected_while"  # type: ignore[attr-defined]


def test_a_row_stored_before_the_codes_is_read_back_by_its_english(store: Store) -> None:
    _one_attempt(store, _refused())
    with store.engine.begin() as c:  # as migration 0008 leaves the rows it found
        c.execute(update(ATTEMPTS).values(detail_code=None, detail_params=None))
    (row,) = History(store.engine).page(LogQuery(), 10)
    plain = details.attempt_detail(row)
    assert not isinstance(plain, Msg) and plain == row.detail  # the window reads it back by its wording
    found = messages.as_msg(plain)
    assert found is not None and found.code == "smtp.rejected_while" and found.params["where"] == "sending"


def test_a_code_this_version_does_not_know_falls_back_to_the_english() -> None:
    back = messages.from_stored("the recipient has no phone number", "gone.code", "{}")
    assert back.code == "recipient.no_phone"
    odd = messages.from_stored("something a newer version said", "gone.code", "not json")
    assert odd.code == "plain" and str(odd) == "something a newer version said"


def test_redaction_reaches_the_parameters_and_keeps_the_code() -> None:
    leaky = Permanent(smtp_transport.RECIPIENT_REFUSED(reply=f"550 unknown user {SECRET}"))
    clean = leaky.redacted(Redactor([SECRET]))
    assert isinstance(clean.detail, Msg) and clean.detail.code == "smtp.recipient_refused"
    assert SECRET not in str(clean.detail) and SECRET not in json.dumps(clean.detail.data())
    assert SECRET not in str(clean) and "***" in clean.detail.params["reply"]


class _LeakyChannel(Channel):
    """A channel that forgets to redact: what it raises names the secret in a parameter."""

    name = "email"

    def send(self, msg: Message) -> Sent:
        raise Transient(smtp_transport.LATER_WHILE(where=smtp_transport.WHERE["login"](),
                                                   reply=f"454 4.7.0 {SECRET} rejected"))


def test_no_secret_reaches_the_stored_parameters_even_from_a_careless_channel(store: Store, tmp_path: Path) -> None:
    secrets = CredentialStore({"SMTP_DEFAULT_PASSWORD": SECRET})
    secrets.redactor.add(SECRET)
    rid = store.add_recipient("Anna", email="anna@example.org")
    (nid,) = store.enqueue([rid], "hello", channels=["email"])
    policy = Policy(max_tries=1, backoff=(0.01,), jitter=0, round_delay=0.01, round_delay_max=0.01, lifetime=0.05)
    seen: list[Any] = []
    d = Dispatcher(store, lambda: {"email": _LeakyChannel()}, secrets, policy, concurrency=1,
                   on_event=seen.append, rng=random.Random(1), poll_interval=0.1, data_dir=tmp_path)
    stop = threading.Event()
    d.run(stop, until_done=True, max_seconds=20)
    with store.engine.connect() as c:
        rows = c.execute(select(ATTEMPTS.c.detail, ATTEMPTS.c.detail_code, ATTEMPTS.c.detail_params)
                         .where(ATTEMPTS.c.notification_id == nid)).all()
    assert rows and all(code == "smtp.later_while" for _, code, _ in rows)
    for english, _, params in rows:
        assert SECRET not in english and SECRET not in params and "***" in params
    finished = [e for e in seen if type(e).__name__ == "AttemptFinished"]
    assert finished and all(isinstance(e.detail, Msg) and SECRET not in json.dumps(e.detail.data())
                            for e in finished)  # the live event carries the redacted message


def test_a_late_report_keeps_both_messages(store: Store) -> None:
    from notifier_gui.core.delivery.receipts import NO_REPORT

    _one_attempt(store, _refused())
    with store.engine.begin() as c:
        c.execute(update(ATTEMPTS).values(outcome="undelivered"))
        aid = c.execute(select(ATTEMPTS.c.id)).scalar_one()
    with store.engine.begin() as c:
        c.execute(update(ATTEMPTS).values(receipt_detail="no delivery report within 600 s of acceptance"))
    store.record_receipts([(aid, "confirmed", None, smtp_transport.NO_ANSWER(where=smtp_transport.WHERE["send"]()))])
    (row,) = History(store.engine).page(LogQuery(), 10)
    back = details.attempt_detail(row, "receipt")
    assert isinstance(back, Msg) and back.code == "receipt.and_then"
    assert back.params["before"].code == NO_REPORT.code  # the old plain one, read back by its English
    assert back.params["after"].code == "receipt.late" and back.params["after"].params["outcome"].code == \
        "receipt.outcome.confirmed"
    assert str(back) == ("no delivery report within 600 s of acceptance; confirmed (reported after the chain moved "
                         "on): the SMTP server did not answer in time while sending")


def test_a_0006_database_with_attempts_upgrades_and_keeps_their_details(empty_db_url: str) -> None:
    from alembic import command

    engine = create(empty_db_url)
    command.upgrade(migrations_config(engine), "0006")
    t0 = datetime(2025, 1, 1)
    with engine.begin() as c:  # raw rows: the 0006 schema, not the program's current one
        c.execute(text("INSERT INTO recipients (id, name, sort_name, email, notes, created_at, updated_at) "
                       "VALUES (1, 'Анна', 'анна', 'a@example.org', '', :t, :t)"), {"t": t0})
        c.execute(text(
            "INSERT INTO notifications (id, recipient_id, recipient_name, subject, body, channels, state, created_at, "
            "queued_at, finished_at, queued_by, cursor_channel, cursor_tries, round_no, round_transient, dead_channels) "
            "VALUES (1, 1, 'Анна', '', 'hello', 'email', 'delivered', :t, :t, :t, '', 0, 0, 0, false, '')"), {"t": t0})
        c.execute(text(
            "INSERT INTO attempts (id, notification_id, channel, started_at, finished_at, outcome, detail, round_no, "
            "try_no, receipt_detail) VALUES (1, 1, 'email', :t, :t, 'delivered', :d, 0, 1, :r)"),
            {"t": t0, "d": "the recipient has no email address", "r": "no bounce within 600 s"})
    engine.dispose()
    store = Store(open_database(empty_db_url))
    try:
        assert current_revision(store.engine) == HEAD_REVISION
        (row,) = History(store.engine).page(LogQuery(), 10)
        assert (row.detail, row.receipt_detail) == ("the recipient has no email address", "no bounce within 600 s")
        assert (row.detail_code, row.detail_params, row.receipt_code, row.receipt_params) == (None, None, None, None)
        assert details.attempt_detail(row) == "the recipient has no email address"
        assert messages.as_msg(details.attempt_detail(row, "receipt")).code == "receipt.no_bounce"  # type: ignore[union-attr]
        assert History(store.engine).page(LogQuery(words=("email",)), 10)  # the full-text search still finds it
    finally:
        store.engine.dispose()


def test_every_code_is_declared_once_and_formats() -> None:
    """Every template an attempt detail can be made from formats with its own fields (a
    broken one would raise in a channel, not here)."""
    found = details.templates()
    assert len(found) > 200
    for code, template in found.items():
        msg = template(**{name: "x" for name in template.fields})
        assert msg.code == code and messages.from_stored(str(msg), *messages.stored(msg)).code == code

