"""``notifier``: the command-line face of the core (automation and scripting).

Exit status: 0 done, 1 failure while running (message on stderr, details in the log),
2 bad input (one line on stderr, nothing written).

Longer than ~450 lines on purpose: this file is the command line's whole contract, the
parser beside the short handler of each command (most under 30 lines, each calling one
core function), read together when a command or an option changes; the work itself is in
core/.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from . import __version__
from .core import validation as v
from .core.config import CHANNEL_NAMES, ConfigError, StartupError, default_data_dir
from .core.permissions import private_umask
from .core.recipients import clean_recipient, import_csv
from .core.records import RecipientData
from .core.runtime import Runtime, current_user
from .core.secrets import SECRET_NAMES, SecretStoreError, configure_frozen_backend
from .core.sending import enqueue_send, plan_send
from .core.templates import known_names, render, unknown_placeholders

log = logging.getLogger("notifier.cli")


_QUIET = logging.NullHandler()
ID_MAX = 2**63 - 1  # database ids are 64-bit


def _record_id(text: str) -> int:
    """A database id from the command line (argparse type): out-of-range numbers are bad input."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an id (a whole number)") from None
    if not 1 <= value <= ID_MAX:
        raise argparse.ArgumentTypeError(f"{text} is not an id (ids are 1 to {ID_MAX})")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse with one line on stderr for a usage error (exit 2), like every other bad input."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


class BadInput(Exception):
    """Exit status 2: the user's input is wrong; nothing was written."""


def _channels(text: str | None) -> list[str] | None:
    if text is None:
        return None
    order = [c.strip() for c in text.split(",") if c.strip()]
    bad = [c for c in order if c not in CHANNEL_NAMES]
    if not order or bad or len(set(order)) != len(order):
        raise BadInput(f"--channels must list distinct channels from {','.join(CHANNEL_NAMES)}; got {text!r}")
    return order


def _emit(out: TextIO, as_json: bool, data: Any, human: str) -> None:
    out.write((json.dumps(data, ensure_ascii=False) if as_json else human) + "\n")
    out.flush()


# -- commands ---------------------------------------------------------------------------

def cmd_users_add(rt: Runtime, a: argparse.Namespace, out: TextIO) -> int:
    row = clean_recipient(a.name, a.email, a.phone, a.telegram_chat_id,
                          _channels(a.channels) or (), region=rt.settings.phone_region)
    rid = rt.store.add_recipient(**row)
    if row["email"] and v.needs_smtputf8(row["email"]):
        sys.stderr.write(f"warning: {row['email']} has non-ASCII characters before the @: only SMTP servers that "
                         "offer SMTPUTF8 can take it (notifier check email tells whether yours does)\n")
    _emit(out, a.json, {"id": rid}, f"added recipient {rid}")
    return 0


def _write_people(out: TextIO, as_json: bool, people: Sequence[RecipientData]) -> None:
    if as_json:
        keys = ("id", "name", "email", "phone", "telegram_chat_id")
        _emit(out, True, [{k: r.as_dict()[k] for k in keys} for r in people], "")
        return
    esc = v.escape_for_terminal  # names and addresses were typed by people: never raw to a terminal
    for r in people:
        out.write(f"{r.id:>5}  {esc(r.name):<24} {esc(r.email or '-'):<28} {r.phone or '-':<16} "
                  f"{r.telegram_chat_id or '-'}\n")


def cmd_users_list(rt: Runtime, a: argparse.Namespace, out: TextIO) -> int:
    _write_people(out, a.json, rt.store.list_recipients())
    return 0


def cmd_users_search(rt: Runtime, a: argparse.Namespace, out: TextIO) -> int:
    """The window's search (every word, ignoring case, in the name, email or phone: History),
    and for a number also the people whose Telegram chat id contains it."""
    from .core.storage.history import History

    text = a.text.strip()
    if not text:
        raise BadInput("search text is empty")
    h = History(rt.store.engine)
    ids = set(h.recipient_ids_matching(text))
    if text.lstrip("-").isdigit():
        ids.update(h.recipient_ids_with_chat_id(text))
    people = rt.store.recipients_by_id(sorted(ids))
    _write_people(out, a.json, [people[i] for i in sorted(ids) if i in people])
    return 0


def _existing(rt: Runtime, recipient_id: int) -> RecipientData:
    person = rt.store.get_recipient(recipient_id)
    if person is None:
        raise BadInput(f"no recipient with id {recipient_id}")
    return person


def cmd_users_edit(rt: Runtime, a: argparse.Namespace, out: TextIO) -> int:
    """Change the given fields only; an empty value (--email "") removes an optional one."""
    old = _existing(rt, a.id)
    given = {k: getattr(a, k) for k in ("name", "email", "phone", "telegram_chat_id", "channels", "notes")}
    if all(v is None for v in given.values()):
        raise BadInput("nothing to change: give --name, --email, --phone, --telegram-chat-id, --channels or --notes")

    def pick(key: str, current: Any) -> Any:
        return current if given[key] is None else given[key]

    channels = old.channels if a.channels is None else ((_channels(a.channels) or ()) if a.channels else ())
    row = clean_recipient(pick("name", old.name), pick("email", old.email), pick("phone", old.phone),
                          pick("telegram_chat_id", old.telegram_chat_id), channels, pick("notes", old.notes),
                          region=rt.settings.phone_region)
    rt.store.update_recipient(old.id, **row)
    _emit(out, a.json, {"id": old.id}, f"updated recipient {old.id}")
    return 0


def cmd_users_delete(rt: Runtime, a: argparse.Namespace, out: TextIO) -> int:
    person = _existing(rt, a.id)
    rt.store.delete_recipient(person.id)  # refuses (status 2) while notifications to them are queued
    _emit(out, a.json, {"id": person.id}, f"deleted recipient {person.id} ({person.name})")
    return 0


def cmd_users_import(rt: Runtime, a: argparse.Namespace, out: TextIO) -> int:
    """All or nothing: with any rejected line nothing is imported (exit 2, every line on stderr)."""
    path = Path(a.file)
    if not path.is_file():
        raise BadInput(f"cannot read {a.file}: no such file")
    progress = _progress_line(sys.stderr) if sys.stderr.isatty() else None
    try:
        report = import_csv(rt.store, path, rt.settings.phone_region, progress)
    except OSError as exc:
        raise BadInput(f"cannot read {a.file}: {exc.strerror}") from None
    finally:
        if progress:
            sys.stderr.write("\r\x1b[K")
    skipped = (f"; skipped {report.skipped_total} line(s) already in the list (or earlier in the file)"
               if report.skipped_total else "")
    if report.ok:
        out.write(f"imported {len(report.imported)} recipient(s){skipped}\n")
        return 0
    for line, reason in report.rejected:
        sys.stderr.write(v.escape_for_terminal(f"line {line}: {reason}") + "\n")
    if report.rejected_total > len(report.rejected):
        sys.stderr.write(f"... and {report.rejected_total - len(report.rejected)} more rejected line(s)\n")
    sys.stderr.write(f"notifier: nothing imported: {report.rejected_total} line(s) rejected{skipped}; "
                     "fix them and import the file again\n")
    return 2


def _progress_line(stream: TextIO) -> Callable[[str, int], None]:
    """A progress line rewritten in place on a terminal ("checking 120,000 rows")."""
    def show(stage: str, count: int) -> None:
        stream.write(f"\r{stage} {count:,} rows\x1b[K")
        stream.flush()
    return show


def cmd_send(rt: Runtime, a: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    body = v.message(a.message or "")
    subject = v.subject(a.subject or "")
    unknown = unknown_placeholders(subject, body)
    if unknown:  # a typo would go out literally to every recipient
        raise BadInput(f"unknown placeholder {', '.join(unknown)}; known: {known_names()}")
    order = _channels(a.channels)
    smtp_user = v.header_value(a.smtp_user, "smtp-user") if a.smtp_user else None
    if a.smtp_password_stdin and not smtp_user:
        raise BadInput("--smtp-password-stdin needs --smtp-user")
    if smtp_user and not a.smtp_password_stdin:
        raise BadInput("--smtp-user needs --smtp-password-stdin (the password is read from standard input)")
    password = None
    if a.smtp_password_stdin:
        password = stdin.readline().rstrip("\r\n")
        if not password:
            raise BadInput("no SMTP password on standard input")
        rt.secrets.redactor.add(password)
    # The same send as the window's (placeholders per person, per-send password entries),
    # without its double-send question: a script that repeats itself means to.
    plan = plan_send(rt.store, a.user, subject, body, repeat_window=None)
    if plan.missing:
        raise BadInput(f"no recipient with id {', '.join(map(str, plan.missing))}")
    nids = enqueue_send(rt, plan, subject, body, order, smtp_user, password)
    _emit(out, a.json, {"ids": nids}, "queued " + ", ".join(f"#{n}" for n in nids))
    if not a.json:  # queued is not sent: say who sends it
        out.write("A worker delivers them: run `notifier worker` (or keep the window open); "
                  "`notifier show ID` follows one.\n")
    return 0


if TYPE_CHECKING:  # commands that do not deliver never import the dispatcher (start-up time)
    from .core.delivery.dispatcher import Dispatcher, Event


def local_time(iso: str) -> str:
    """A stored UTC ISO time as the operator reads it: local time zone, to the second, with
    the zone's offset (JSON output keeps the UTC ISO string)."""
    return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M:%S %z")


def _event_line(e: Event) -> str:
    from .core.delivery.dispatcher import (
        AttemptFinished,
        AttemptStarted,
        ChannelHeld,
        NotificationUpdated,
        WorkerStatus,
    )

    if isinstance(e, AttemptStarted):
        return f"#{e.notification_id} {e.recipient}: {e.channel} ..."
    if isinstance(e, AttemptFinished):
        secs = (e.finished_at - e.started_at).total_seconds()
        return f"#{e.notification_id} {e.recipient}: {e.channel} {e.outcome} ({secs:.2f}s) {e.detail}"
    if isinstance(e, ChannelHeld):
        then = "wait" if e.waits else "go on to the next channel"
        return f"{e.channel} held: {e.reason}; its messages {then} until the credentials change or the worker restarts"
    if isinstance(e, WorkerStatus):
        if e.state == "storage_full":
            return "worker paused: the database cannot be written (is the disk full?); retrying by itself, nothing is lost"
        return "worker resumed: the database takes writes again"
    assert isinstance(e, NotificationUpdated)
    if e.awaiting_receipt and e.next_attempt_at:
        return (f"#{e.notification_id} {e.recipient}: accepted; waiting for its delivery report until "
                f"{e.next_attempt_at.astimezone():%H:%M:%S}")
    if e.state == "queued" and e.next_attempt_at:
        return f"#{e.notification_id} {e.recipient}: waiting until {e.next_attempt_at.astimezone():%H:%M:%S}"
    extra = f" via {e.delivered_via}" if e.delivered_via else (f": {e.reason}" if e.reason else "")
    how = f" ({e.how})" if e.how else ""
    return f"#{e.notification_id} {e.recipient}: {e.state}{extra}{how}"


def run_worker(rt: Runtime, out: TextIO, concurrency: int | None, until_done: bool,
               max_seconds: float | None, quiet: bool = False,
               on_dispatcher: Callable[[Dispatcher], None] | None = None) -> int:
    lock = threading.Lock()

    from .core.delivery.dispatcher import AttemptStarted

    def on_event(e: Event) -> None:
        if quiet or isinstance(e, AttemptStarted):
            return
        with lock:
            out.write(v.escape_for_terminal(_event_line(e)) + "\n")
            out.flush()

    stop = threading.Event()
    previous: dict[signal.Signals, Any] = {}
    if threading.current_thread() is threading.main_thread():
        def handler(signum: int, frame: Any) -> None:
            stop.set()
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, handler)
    try:
        mode = "sandbox (writing to the outbox)" if rt.sandbox() else "live"
        if not quiet:
            out.write(f"worker started: {mode}, data in {rt.settings.data_dir}\n")
            out.flush()
        dispatcher = rt.dispatcher(on_event, concurrency)
        if on_dispatcher is not None:
            on_dispatcher(dispatcher)
        dispatcher.run(stop, until_done=until_done, max_seconds=max_seconds)
    finally:
        for sig, h in previous.items():
            signal.signal(sig, h)
    return 0


def cmd_worker(rt: Runtime, a: argparse.Namespace, out: TextIO) -> int:
    if a.concurrency is not None and not 1 <= a.concurrency <= 64:
        raise BadInput("--concurrency must be between 1 and 64")
    return run_worker(rt, out, a.concurrency, a.until_done, a.max_seconds)


def cmd_serve(rt: Runtime, a: argparse.Namespace, out: TextIO) -> int:
    """The REST API and the queue worker in one process (the original's web server + Celery)."""
    from .api import ApiContext, ApiServer, ApiStartError, TokenSource

    s = rt.settings
    host = a.host if a.host is not None else s.api_host
    port = a.port if a.port is not None else s.api_port
    if not 0 <= port <= 65535:
        raise BadInput(f"--port must be a port number, got {port}")
    running = threading.Event()
    workers: list[Dispatcher] = []

    def wake(sends: list[Any]) -> None:  # once per batch the API committed
        for d in workers:  # claim what the API queued now, not at the next poll
            d.wake()

    ctx = ApiContext(rt, TokenSource(rt.secrets), worker_running=running.is_set, on_queued=wake, rate=s.api_rate)
    server = ApiServer(ctx, host, port, allow_remote=s.api_allow_remote)
    try:
        server.start()
    except ApiStartError as exc:
        sys.stderr.write(f"notifier: {exc}\n")
        return 1
    try:
        if server.warning:
            sys.stderr.write(f"notifier: warning: {server.warning}\n")
        out.write(f"API on http://{server.address}/api/ (docs: /api/docs/); its token is the secret api_token "
                  "in the credential store (choose your own: notifier secrets set api_token)\n")
        out.flush()
        running.set()
        return run_worker(rt, out, None, False, a.max_seconds, on_dispatcher=workers.append)
    finally:
        running.clear()
        server.stop()


def cmd_show(rt: Runtime, a: argparse.Namespace, out: TextIO) -> int:
    n = rt.store.notification(a.id)
    if n is None:
        raise BadInput(f"no notification with id {a.id}")
    if a.json:
        # attempts carry the Message-ID and both stages (accepted -> confirmed/undelivered, receipt_at)
        keys = ("id", "recipient_id", "state", "delivered_via", "delivered_how", "awaiting_receipt", "attempts")
        _emit(out, True, {k: n[k] for k in keys}, "")
        return 0
    esc = v.escape_for_terminal  # names and servers' replies: never raw to a terminal
    waiting = n["awaiting_receipt"]
    out.write(esc(f"#{n['id']} to {n['recipient_name']} (recipient {n['recipient_id']}): {n['state']}"
                  + (f" via {n['delivered_via']}" if n["delivered_via"] else "")
                  + (f" ({n['delivered_how']})" if n["delivered_how"] else "")
                  + (f", accepted; waiting for its delivery report until {local_time(n['next_attempt_at'])}" if waiting else "")
                  + (f", next try {local_time(n['next_attempt_at'])}" if n["next_attempt_at"] and not waiting else "")
                  + (f" - {n['last_error']}" if n["last_error"] else "")) + "\n")
    for at in n["attempts"]:
        outcome = at["outcome"] or "in flight"
        if at["receipt_at"]:  # the second stage: accepted -> confirmed/undelivered, and how long it took
            took = datetime.fromisoformat(at["receipt_at"]) - datetime.fromisoformat(at["finished_at"] or at["receipt_at"])
            outcome = f"accepted -> {outcome} after {took.total_seconds():.0f} s"
            detail = f"{at['detail']}; {at['receipt_detail']}" if at["receipt_detail"] else at["detail"]
        else:
            detail = at["detail"]
        out.write(esc(f"  {local_time(at['started_at'])}  {at['channel']:<9} {outcome:<12} {detail}") + "\n")
    return 0


def cmd_history_prune(rt: Runtime, a: argparse.Namespace, out: TextIO) -> int:
    from .core.retention import ArchiveMismatch, prune

    if a.older_than is None:
        if rt.settings.keep_days is None:
            raise BadInput("give --older-than DAYS (or set NOTIFIER_KEEP_DAYS)")
        days = float(rt.settings.keep_days)
    else:
        try:
            days = float(a.older_than)
        except ValueError:
            raise BadInput(f"--older-than must be a number of days, got {a.older_than!r}") from None
        if not 0 <= days < 100_000:
            raise BadInput(f"--older-than must be a number of days from 0, got {a.older_than}")
    archive = Path(a.archive) if a.archive else None
    if archive is not None:
        if not archive.name.endswith(".jsonl.gz"):
            raise BadInput("--archive must name a .jsonl.gz file")
        if archive.exists():
            raise BadInput(f"--archive {archive} already exists; choose a new file")
        if not archive.parent.is_dir():
            raise BadInput(f"--archive: no folder {archive.parent}")
    err = sys.stderr
    tty = err.isatty()
    names = {"archive": "archiving", "verify": "verifying the archive", "remove": "removing", "vacuum": "giving space back"}

    def progress(step: str, done: int, total: int) -> None:  # one line, rewritten in place on a terminal
        line = f"{names.get(step, step)}: {done:,}/{total:,}"
        err.write(f"\r{line:<60}" if tty else line + "\n")
        err.flush()

    try:
        result = prune(rt.store, days, archive, progress)
    except ArchiveMismatch as exc:
        if tty:
            err.write("\n")
        raise BadInput(f"{exc}; nothing was deleted") from None
    if tty:
        err.write("\n")
    _emit(out, a.json, {"notifications": result.notifications, "attempts": result.attempts,
                        "archive": str(archive) if archive else None, "cut": result.cut.isoformat()},
          f"pruned {result.notifications} notifications and {result.attempts} attempts finished before "
          f"{result.cut:%Y-%m-%d %H:%M} UTC" + (f"; archived in {archive}" if archive else ""))
    return 0


def cmd_secrets(rt: Runtime, a: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    if a.action == "status":
        _emit(out, a.json, rt.secrets.status(),
              "\n".join(f"{k:<20} {s}" for k, s in rt.secrets.status().items())
              + f"\nbackend: {rt.secrets.backend_name()}")
        return 0
    if a.name not in SECRET_NAMES:
        raise BadInput(f"unknown secret {a.name!r}; known: {', '.join(SECRET_NAMES)}")
    if a.action == "set":
        value = stdin.readline().rstrip("\r\n")
        if not value:
            raise BadInput("no value on standard input")
        rt.secrets.set(a.name, value)
        out.write(f"{a.name} saved to the credential store\n")
        return 0
    removed = rt.secrets.delete(a.name)
    out.write(f"{a.name} {'deleted' if removed else 'was not stored'}\n")
    return 0


def cmd_check(rt: Runtime, a: argparse.Namespace, out: TextIO) -> int:
    from .core.checks import check_channel

    names = [a.channel] if a.channel else list(CHANNEL_NAMES)
    results = {name: check_channel(name, rt.settings, rt.secrets) for name in names}
    if a.json:
        _emit(out, True, {n: {"ok": r.ok, "message": r.message} for n, r in results.items()}, "")
    else:
        for name, r in results.items():
            out.write(f"{name:<9} {'ok' if r.ok else 'FAILED':<7} {r.message}\n")
    return 0 if all(r.ok for r in results.values()) else 1


def cmd_telegram_link(rt: Runtime, a: argparse.Namespace, out: TextIO) -> int:
    from .core.telegram_link import LinkError, TelegramLinker, link_url, make_payload

    person = rt.store.get_recipient(a.recipient_id)
    if person is None:
        raise BadInput(f"no recipient with id {a.recipient_id}")
    if a.wait is not None and not 0 < a.wait <= 86400:
        raise BadInput("--wait must be between 1 and 86400 seconds")
    linker = TelegramLinker(rt.settings, lambda: rt.secrets.get("telegram_bot_token"), rt.secrets.redactor, rt.store)
    try:
        payload = make_payload()
        url = link_url(linker.bot_username(), payload)
        out.write(f"Send this link to {person.name}; they must open it and press Start:\n{url}\n")
        out.flush()
        if a.wait is None:
            return 0
        binding = linker.wait_for_start(person.id, payload, a.wait)
    except LinkError as exc:
        sys.stderr.write(f"notifier: {exc}\n")
        return 1
    finally:
        linker.close()
    if binding is None:
        sys.stderr.write(f"notifier: nobody pressed Start within {a.wait:g} s\n")
        return 1
    out.write(f"linked {person.name} to Telegram chat {binding.chat_id}"
              + (f" ({binding.display_name})" if binding.display_name else "") + "\n")
    return 0


DEMO_PEOPLE = (
    ("Анна Иванова", "anna@example.org", None, None),
    ("Boris (no email)", None, "+79161234567", None),
    ("Clara (Telegram only)", None, None, "123456789"),
)


def cmd_demo(rt: Runtime, a: argparse.Namespace, out: TextIO) -> int:
    out.write(f"Sandbox demo in {rt.settings.data_dir}: nothing leaves this computer.\n")
    ids = []
    existing = {r.name: r.id for r in rt.store.list_recipients()}
    for name, email, phone, tg in DEMO_PEOPLE:
        if name in existing:
            ids.append(existing[name])
            continue
        row = clean_recipient(name, email, phone, tg)
        ids.append(rt.store.add_recipient(**row))
    text = "Привет, {name}! The server room is above 30 °C."
    people = [rt.store.get_recipient(i) for i in ids]
    nids = rt.store.enqueue(ids, text, subject="Проверка уведомлений", default_channels=rt.settings.channels,
                            queued_by=current_user(), bodies=[render(text, p) for p in people if p])
    out.write(f"queued {len(nids)} notifications; running the worker until they are done\n")
    run_worker(rt, out, None, True, 60)
    for nid in nids:
        cmd_show(rt, argparse.Namespace(id=nid, json=False), out)
    out.write(f"Outbox: {rt.settings.outbox_dir}\n")
    return 0


# -- parser and entry point ------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="notifier", description="Deliver notifications by Email -> SMS -> Telegram.")
    p.add_argument("--version", action="version", version=f"notifier {__version__}")
    p.add_argument("--data-dir", help="data folder (default: NOTIFIER_DATA_DIR or the per-user data folder)")
    p.add_argument("--sandbox", action="store_true", help="write to the outbox instead of sending")
    p.add_argument("--env-file", help="read this .env instead of the current folder's, and trust it "
                                      "(its endpoints may receive the stored secrets)")
    sub = p.add_subparsers(dest="command", required=True)

    users = sub.add_parser("users", help="manage recipients").add_subparsers(dest="action", required=True)
    add = users.add_parser("add", help="add a recipient")
    add.add_argument("--name", required=True)
    add.add_argument("--email")
    add.add_argument("--phone", help="E.164, e.g. +79161234567")
    add.add_argument("--telegram-chat-id")
    add.add_argument("--channels", help="preferred order for this person, e.g. telegram,email")
    add.add_argument("--json", action="store_true")
    lst = users.add_parser("list", help="list recipients")
    lst.add_argument("--json", action="store_true")
    edit = users.add_parser("edit", help="change a recipient's fields (an empty value removes an optional one)")
    edit.add_argument("id", type=int)
    edit.add_argument("--name")
    edit.add_argument("--email")
    edit.add_argument("--phone", help="E.164, e.g. +79161234567")
    edit.add_argument("--telegram-chat-id")
    edit.add_argument("--channels", help="preferred order for this person, e.g. telegram,email (\"\" for none)")
    edit.add_argument("--notes")
    edit.add_argument("--json", action="store_true")
    delete = users.add_parser("delete", help="delete a recipient (refused while messages to them are queued)")
    delete.add_argument("id", type=int)
    delete.add_argument("--json", action="store_true")
    search = users.add_parser("search", help="recipients with every word of TEXT in their name, email or phone (any case); a number also matches chat ids")
    search.add_argument("text")
    search.add_argument("--json", action="store_true")
    imp = users.add_parser("import", help="import recipients from CSV (name,email,phone,telegram_chat_id)")
    imp.add_argument("file")

    send = sub.add_parser("send", help="queue one notification per recipient")
    send.add_argument("--user", type=_record_id, action="append", required=True, help="recipient id (repeatable)")
    send.add_argument("--message", required=True,
                      help="the text; {name}, {email}, {phone} are filled in per recipient")
    send.add_argument("--subject", default="", help="email subject and first line of SMS and Telegram")
    send.add_argument("--channels", help="channel order for this send, e.g. email,sms,telegram")
    send.add_argument("--smtp-user", help="SMTP login for this send only")
    send.add_argument("--smtp-password-stdin", action="store_true", help="read that login's password from stdin")
    send.add_argument("--json", action="store_true")

    worker = sub.add_parser("worker", help="deliver queued notifications")
    worker.add_argument("--concurrency", type=int)
    worker.add_argument("--until-done", action="store_true", help="exit when nothing is queued or waiting")
    worker.add_argument("--max-seconds", type=float)

    serve = sub.add_parser("serve", help="serve the REST API and deliver what it queues (headless)")
    serve.add_argument("--host", help="address to listen on (default NOTIFIER_API_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default NOTIFIER_API_PORT, 8000; 0: any free port)")
    serve.add_argument("--max-seconds", type=float, help=argparse.SUPPRESS)  # tests and the bench

    show = sub.add_parser("show", help="a notification and its attempts")
    show.add_argument("id", type=_record_id)
    show.add_argument("--json", action="store_true")

    sec = sub.add_parser("secrets", help="secrets in the OS credential store").add_subparsers(dest="action", required=True)
    sset = sec.add_parser("set", help="store a secret read from standard input")
    sset.add_argument("name", help=", ".join(SECRET_NAMES))
    sdel = sec.add_parser("delete", help="remove a stored secret")
    sdel.add_argument("name", help=", ".join(SECRET_NAMES))
    sst = sec.add_parser("status", help="where each secret comes from (never the values)")
    sst.add_argument("--json", action="store_true")

    check = sub.add_parser("check", help="test the connection of each channel (nothing is sent)")
    check.add_argument("channel", nargs="?", choices=CHANNEL_NAMES)
    check.add_argument("--json", action="store_true")

    tg = sub.add_parser("telegram", help="Telegram helpers").add_subparsers(dest="action", required=True)
    link = tg.add_parser("link", help="print a t.me link that binds a recipient's chat when they press Start")
    link.add_argument("recipient_id", type=_record_id)
    link.add_argument("--wait", type=float, help="wait up to this many seconds for the Start and store the chat id")

    hist = sub.add_parser("history", help="the delivery history").add_subparsers(dest="action", required=True)
    prn = hist.add_parser("prune", help="archive (optionally) and remove finished notifications older than DAYS")
    prn.add_argument("--older-than", metavar="DAYS", help="days of history to keep (default: NOTIFIER_KEEP_DAYS)")
    prn.add_argument("--archive", metavar="FILE.jsonl.gz", help="write what is removed here first (verified before deleting)")
    prn.add_argument("--json", action="store_true")

    sub.add_parser("demo", help="sandbox demo: three recipients, one message, the whole chain")
    sub.add_parser("self-test", help="check this installation in a temporary folder; JSON report")
    return p


def _dispatch(rt: Runtime, a: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    table: dict[tuple[str, str | None], Callable[[], int]] = {
        ("users", "add"): lambda: cmd_users_add(rt, a, out),
        ("users", "list"): lambda: cmd_users_list(rt, a, out),
        ("users", "import"): lambda: cmd_users_import(rt, a, out),
        ("users", "edit"): lambda: cmd_users_edit(rt, a, out),
        ("users", "delete"): lambda: cmd_users_delete(rt, a, out),
        ("users", "search"): lambda: cmd_users_search(rt, a, out),
        ("send", None): lambda: cmd_send(rt, a, out, stdin),
        ("worker", None): lambda: cmd_worker(rt, a, out),
        ("serve", None): lambda: cmd_serve(rt, a, out),
        ("show", None): lambda: cmd_show(rt, a, out),
        ("secrets", "set"): lambda: cmd_secrets(rt, a, out, stdin),
        ("secrets", "delete"): lambda: cmd_secrets(rt, a, out, stdin),
        ("secrets", "status"): lambda: cmd_secrets(rt, a, out, stdin),
        ("demo", None): lambda: cmd_demo(rt, a, out),
        ("check", None): lambda: cmd_check(rt, a, out),
        ("telegram", "link"): lambda: cmd_telegram_link(rt, a, out),
        ("history", "prune"): lambda: cmd_history_prune(rt, a, out),
    }
    key = (a.command, getattr(a, "action", None) if a.command in {"users", "secrets", "telegram", "history"} else None)
    return table[key]()


def _upgrade_line(done: int, total: int) -> None:
    """Progress of a database upgrade (only a large one takes long enough to notice)."""
    err = sys.stderr
    end = "\n" if done >= total or not err.isatty() else ""
    err.write(f"\rupgrading the database: search index {done:,}/{total:,} attempts{end}")
    err.flush()


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, stdin: TextIO | None = None) -> int:
    out = out or sys.stdout
    stdin = stdin or sys.stdin
    # Until the log file is set up, records have nowhere to go: never Python's last-resort
    # handler, which prints tracebacks on the terminal.
    logging.getLogger("notifier").addHandler(_QUIET)
    a = build_parser().parse_args(argv)
    configure_frozen_backend()
    if a.command == "self-test":  # needs no configuration and must not touch the operator's data
        from .core import selftest

        report = selftest.run()
        out.write(selftest.dumps(report) + "\n")
        return 0 if report["ok"] else 1
    overrides: dict[str, Any] = {}
    if a.data_dir:
        overrides["NOTIFIER_DATA_DIR"] = a.data_dir
    if a.sandbox:
        overrides["NOTIFIER_SANDBOX"] = "1"
    if a.env_file:
        overrides["NOTIFIER_ENV_FILE"] = a.env_file
    if a.command == "demo":
        overrides["NOTIFIER_SANDBOX"] = "1"
        if not a.data_dir:  # keep the demo away from the operator's real database
            base = os.environ.get("NOTIFIER_DATA_DIR") or str(default_data_dir())
            overrides["NOTIFIER_DATA_DIR"] = str(Path(base) / "demo")
    private_umask()  # the outbox, exports and everything else this run writes: the operator's only
    rt: Runtime | None = None
    try:
        rt = Runtime.open(overrides=overrides, upgrade_progress=_upgrade_line)
        for reason in rt.config.withheld.values():
            sys.stderr.write(f"notifier: warning: {v.escape_for_terminal(reason)}\n")
        return _dispatch(rt, a, out, stdin)
    except (BadInput, v.ValidationError, ConfigError, StartupError) as exc:
        msg = rt.secrets.redactor(str(exc)) if rt else str(exc)
        sys.stderr.write(f"notifier: {msg}\n")
        return 2
    except SecretStoreError as exc:
        sys.stderr.write(f"notifier: {exc}\n")
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `notifier users list | head -3`: the reader has all it wanted. Point stdout at
        # devnull so the interpreter's final flush does not fail again; 141 = 128 + SIGPIPE,
        # what a shell reports for a tool stopped by a closed pipe.
        if out is sys.stdout:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 141
    except Exception as exc:
        log.exception("notifier %s failed", a.command)
        where = f" (details in {rt.log_path})" if rt else ""
        text = rt.secrets.redactor(str(exc)) if rt else type(exc).__name__
        sys.stderr.write(f"notifier: {type(exc).__name__}: {text.splitlines()[0] if text else ''}{where}\n")
        return 1
    finally:
        if rt is not None:
            rt.close()


if __name__ == "__main__":
    sys.exit(main())
