"""Link a recipient to their Telegram chat: show a one-time ``/start`` deep link (and its QR
code), wait in the background for the person to press Start, store the chat id.

A bot cannot write first, so the person has to open the link. The waiting is the core's
:class:`~notifier_gui.core.telegram_link.TelegramLinker` long-polling ``getUpdates`` on a
``ctx.tasks`` worker thread. Closing the dialog stops it at once: the stop event is set and
the in-flight long poll's socket is shut down, so no thread outlives the dialog by more
than the moment it takes to notice.

Signals of TelegramLinkDialog:
    linked(int recipient_id, int chat_id): the chat id was stored on the recipient.
"""
from __future__ import annotations

import io
import logging
import socket
import threading
import weakref
from collections.abc import Callable
from typing import Any

import requests
import segno
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.records import RecipientData
from ..core.runtime import current_user
from ..core.telegram_link import Binding, LinkError, TelegramLinker, link_url, make_payload
from ..core.validation import ValidationError
from .context import AppContext
from .core_text import core_text
from .tasks import alive

log = logging.getLogger("notifier.ui.link")

LINK_SECONDS = 15 * 60  # how long one link is waited for
POLL_SECONDS = 10.0  # one long poll; bounds the stop delay when the socket cannot be cut (proxies)
QR_SCALE = 6
OK_STYLE = "color: #1b7a2e;"
ERROR_STYLE = "color: #b3261e;"


class AbortableSession(requests.Session):
    """A session whose in-flight requests another thread can cut short with :meth:`abort`.

    Long polls block in ``recv``; shutting the socket down wakes them with an error, which
    the linker treats as a network hiccup and then sees the stop event. Only direct
    connections are tracked (a proxy's pool is urllib3's own); those stop at the next poll.
    """

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._conns: weakref.WeakSet[HTTPConnection] = weakref.WeakSet()
        self.aborted = False
        session = self

        class Conn(HTTPConnection):
            def connect(self) -> None:
                super().connect()
                session._track(self)

        class SConn(HTTPSConnection):
            def connect(self) -> None:
                super().connect()
                session._track(self)

        class Pool(HTTPConnectionPool):
            ConnectionCls = Conn

        class SPool(HTTPSConnectionPool):
            ConnectionCls = SConn

        for adapter in self.adapters.values():
            manager = getattr(adapter, "poolmanager", None)
            if manager is not None:
                manager.pool_classes_by_scheme = {"http": Pool, "https": SPool}

    def _track(self, conn: HTTPConnection) -> None:
        with self._lock:
            self._conns.add(conn)
            aborted = self.aborted
        if aborted:
            _shut(conn)

    def abort(self) -> None:
        """Cut every open connection (any thread); later connections are cut as they open."""
        with self._lock:
            self.aborted = True
            conns = list(self._conns)
        for conn in conns:
            _shut(conn)


def _shut(conn: HTTPConnection) -> None:
    sock: Any = getattr(conn, "sock", None)
    if sock is None:
        return
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain fd, also under a TLS wrapper
    except OSError:
        pass


class _Poll:
    """The state a background wait shares with the dialog; holds no widget, so it may outlive it."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.session = AbortableSession()
        self.running = False
        self.on_done: Callable[[], object] | None = None

    def finished(self) -> None:
        self.running = False
        if self.on_done is not None:
            self.on_done()
            self.on_done = None

    def cancel(self) -> None:
        self.stop.set()
        self.session.abort()


def qr_pixmap(text: str, scale: int = QR_SCALE) -> QPixmap:
    """A QR code of ``text`` as a pixmap (segno → PNG bytes → QPixmap)."""
    buf = io.BytesIO()
    segno.make(text).save(buf, kind="png", scale=scale)
    pixmap = QPixmap()
    pixmap.loadFromData(buf.getvalue(), "PNG")
    return pixmap


class TelegramLinkDialog(QDialog):
    """Shows the deep link for one recipient and binds their chat id; see the module docstring."""

    linked = Signal(int, "qlonglong")  # type: ignore[arg-type]  # chat ids are 64-bit
    settingsRequested = Signal()  # "Open Settings": no bot token, or a wrong one

    def __init__(self, ctx: AppContext, recipient_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.recipient_id = recipient_id
        self.recipient: RecipientData | None = None  # read on the worker when linking starts
        self._looked_up = False
        self.url: str | None = None
        self.chat_id: int | None = None
        self._poll: _Poll | None = None
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.qr_label = QLabel(self.tr("Preparing the link…"), self)
        self.qr_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr_label.setMinimumSize(260, 260)
        self.link_edit = QLineEdit(self)
        self.link_edit.setReadOnly(True)
        self.link_edit.setPlaceholderText(self.tr("the link appears here"))
        self.copy_button = QPushButton(self.tr("Copy"), self)
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self.copy_link)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setFixedWidth(80)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.send_button = QPushButton(self.tr("Send this link by email / SMS"), self)
        self.send_button.setToolTip(self.tr("Queue a message with the link to this recipient (email, then SMS)"))
        self.send_button.setEnabled(False)
        self.send_button.clicked.connect(self.send_link)
        self.retry_button = QPushButton(self.tr("Try again"), self)
        self.retry_button.hide()
        self.retry_button.clicked.connect(self.start)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.clicked.connect(self.reject)
        self.settings_button = QPushButton(self.tr("Open Settings…"), self)
        self.settings_button.hide()
        self.settings_button.clicked.connect(self._open_settings)

        link_row = QHBoxLayout()
        link_row.addWidget(self.link_edit, 1)
        link_row.addWidget(self.copy_button)
        status_row = QHBoxLayout()
        status_row.addWidget(self.busy, 0, Qt.AlignmentFlag.AlignTop)
        status_row.addWidget(self.status_label, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addStretch(1)
        buttons.addWidget(self.settings_button)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.qr_label, 1)
        layout.addLayout(link_row)
        layout.addLayout(status_row)
        layout.addLayout(buttons)
        self.resize(620, 540)  # wide enough for the whole link
        self._show_name("…")
        self.start()

    def _show_name(self, name: str) -> None:
        self.setWindowTitle(self.tr("Link Telegram — {name}").format(name=name))
        self.intro.setText(self.tr(
            "Ask {name} to open this link on a phone or computer with Telegram (or scan the code) "
            "and press Start. Keep this window open until then.").format(name=name))

    # -- state shown -------------------------------------------------------------------
    @property
    def polling(self) -> bool:
        """True while a background request or long poll for this dialog is running."""
        return self._poll is not None and self._poll.running

    def _status(self, text: str, style: str = "", busy: bool = False) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet(style)
        self.busy.setVisible(busy)

    def _fail(self, text: str, retry: bool = True) -> None:
        self._status(text, ERROR_STYLE)
        self.retry_button.setVisible(retry)
        if self.url is None:  # no link came: the picture must not keep saying "Preparing…"
            self.qr_label.setText(self.tr("No link"))

    @Slot()
    def _open_settings(self) -> None:
        self.reject()
        self.settingsRequested.emit()

    # -- linking ---------------------------------------------------------------------------
    @Slot()
    def start(self) -> None:
        """Make a fresh one-time link and wait for Start in the background."""
        if self.polling:
            return
        self.retry_button.hide()
        poll = self._poll = _Poll()
        # Stop waiting whatever ends first: this dialog, or the program.
        self.destroyed.connect(poll.cancel)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(poll.cancel)
            poll.on_done = lambda: app.aboutToQuit.disconnect(poll.cancel)
        self._status(self.tr("Asking Telegram for the bot's name…"), busy=True)
        self.ctx.tasks.start(self._link(poll))

    async def _link(self, poll: _Poll) -> None:
        ctx, rid = self.ctx, self.recipient_id
        secrets = ctx.runtime.secrets
        linker = TelegramLinker(ctx.runtime.settings, lambda: secrets.get("telegram_bot_token"),
                                secrets.redactor, ctx.runtime.store, session=poll.session)
        poll.running = True
        try:
            if not self._looked_up:  # the database is read on the worker, never here
                recipient = await ctx.tasks.run(ctx.runtime.store.get_recipient, rid)
                if poll.stop.is_set() or not alive(self):
                    return
                self.recipient, self._looked_up = recipient, True
                self._show_name(recipient.name if recipient else str(rid))
                if recipient is None:
                    self._fail(self.tr("This recipient no longer exists."), retry=False)
                    return
            username = await ctx.tasks.run(linker.bot_username)
            if poll.stop.is_set() or not alive(self):
                return
            payload = make_payload()
            self._show_link(link_url(username, payload))
            name = self.recipient.name if self.recipient else ""
            self._status(self.tr("Waiting for {name} to press Start in Telegram…").format(name=name), busy=True)
            binding = await ctx.tasks.run(linker.wait_for_start, rid, payload, LINK_SECONDS, poll.stop, POLL_SECONDS)
        except LinkError as exc:
            if not poll.stop.is_set() and alive(self):
                self._fail(self._explain(exc))
            return
        finally:
            poll.finished()
            linker.close()
        if poll.stop.is_set() or not alive(self):
            return
        if binding is None:
            self._fail(self.tr("Nobody pressed Start within {minutes} minutes; the link has expired.").format(
                minutes=LINK_SECONDS // 60))
            return
        self._bound(binding)

    def _explain(self, exc: LinkError) -> str:
        text = core_text(exc.message)
        if "not configured" in exc.message or "token" in exc.message:  # the core's words, any language shown
            text += "\n" + self.tr("Check the bot token in Settings → Telegram.")
            self.settings_button.show()
        return text

    def _show_link(self, url: str) -> None:
        self.url = url
        self.link_edit.setText(url)
        self.link_edit.setCursorPosition(0)
        self.copy_button.setEnabled(True)
        self.qr_label.setPixmap(qr_pixmap(url))
        self.send_button.setEnabled(bool(self.recipient and (self.recipient.email or self.recipient.phone)))

    def _bound(self, binding: Binding) -> None:
        self.chat_id = binding.chat_id
        who = f" — {binding.display_name}" if binding.display_name else ""
        self._status(self.tr("Linked: chat id {chat_id}").format(chat_id=binding.chat_id) + who, OK_STYLE)
        self.close_button.setText(self.tr("Done"))
        self.close_button.setDefault(True)
        self.linked.emit(binding.recipient_id, binding.chat_id)

    @Slot()
    def copy_link(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if self.url and clipboard is not None:
            clipboard.setText(self.url)

    # -- sending the link --------------------------------------------------------------------
    @Slot()
    def send_link(self) -> None:
        """Queue the link to this recipient over email and SMS (Telegram cannot reach them yet)."""
        if not self.url:
            return
        self.send_button.setEnabled(False)
        subject = self.tr("Connect to our Telegram notifications")
        body = self.tr("To receive our notifications in Telegram, open this link and press Start:\n{url}").format(
            url=self.url)
        self.ctx.tasks.start(self._send(subject, body))

    async def _send(self, subject: str, body: str) -> None:
        ctx = self.ctx
        try:
            await ctx.tasks.run(ctx.runtime.store.enqueue, [self.recipient_id], body, subject=subject,
                                channels=["email", "sms"], queued_by=current_user())
        except ValidationError as exc:
            if alive(self):
                self.send_button.setEnabled(True)
                self.send_button.setToolTip(core_text(exc.message))
            return
        ctx.bridge.wake()
        if alive(self):
            self.send_button.setText(self.tr("Link queued for email / SMS"))

    # -- closing -----------------------------------------------------------------------
    def done(self, result: int) -> None:
        if self._poll is not None:
            self._poll.cancel()
        super().done(result)
