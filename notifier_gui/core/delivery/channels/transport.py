"""What went wrong under an HTTP call: one reading of a ``requests`` failure for every HTTP channel.

The Telegram client and the SMS providers word their messages differently (and the Telegram
client keeps its own failure kinds), but what happened is read here once: :func:`root_os_error`
walks the exception chain to the socket-level error, and :func:`transport_fault` names the
failure. Nothing here formats a message, so nothing here can leak a URL or a token.
"""
from __future__ import annotations

import errno
import socket
from dataclasses import dataclass
from typing import Literal

import requests

FaultKind = Literal[
    "invalid_url",  # the URL cannot be used at all (not http(s), malformed)
    "invalid_header",  # a header value requests refuses
    "tls_untrusted",  # the server's certificate is not trusted
    "tls",  # any other TLS failure
    "connect_timeout",  # no connection within the connect timeout: nothing was sent
    "read_timeout",  # no answer within the read timeout: the request may have been processed
    "dns",  # the host name cannot be resolved
    "refused",  # the connection was refused
    "timeout",  # a socket timeout below requests' own timeouts
    "reset",  # the connection was reset
    "dropped",  # the server closed the connection without answering
    "connection",  # another connection failure
    "other",  # any other requests failure
]

_DNS_WORDS = ("name or service not known", "nodename nor servname", "getaddrinfo", "name resolution", "resolve")


@dataclass(frozen=True)
class TransportFault:
    kind: FaultKind
    root: OSError | None  # the socket-level error, when there is one


def root_os_error(exc: BaseException) -> OSError | None:
    """The socket-level error buried in a requests/urllib3 exception chain, if any.

    Breadth first over ``reason`` (urllib3), ``__cause__``, ``__context__`` and ``args``;
    requests' own exceptions are OSErrors too and are passed over.
    """
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        e = todo.pop(0)
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, OSError) and not isinstance(e, requests.RequestException) and (
            e.errno is not None or isinstance(e, (socket.gaierror, TimeoutError, ConnectionError))
        ):
            return e
        for nxt in (getattr(e, "reason", None), e.__cause__, e.__context__, *e.args):
            if isinstance(nxt, BaseException):
                todo.append(nxt)
    return None


def transport_fault(exc: requests.RequestException) -> TransportFault:
    """Name the failure of one ``requests`` call."""
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema)):
        return TransportFault("invalid_url", None)
    if isinstance(exc, requests.exceptions.InvalidHeader):
        return TransportFault("invalid_header", None)
    if isinstance(exc, requests.exceptions.SSLError):
        untrusted = "CERTIFICATE_VERIFY_FAILED" in str(exc)
        return TransportFault("tls_untrusted" if untrusted else "tls", root_os_error(exc))
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return TransportFault("connect_timeout", None)
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return TransportFault("read_timeout", None)
    if not isinstance(exc, requests.exceptions.ConnectionError):
        return TransportFault("other", None)
    return connection_fault(exc)


def connection_fault(exc: BaseException) -> TransportFault:
    """Name a failure to connect (or to keep a connection) from the error under ``exc``."""
    root = root_os_error(exc)
    text = str(root if root is not None else exc).lower()
    if isinstance(root, socket.gaierror) or any(w in text for w in _DNS_WORDS):
        return TransportFault("dns", root)
    if isinstance(root, ConnectionRefusedError) or (root is not None and root.errno == errno.ECONNREFUSED) \
            or "refused" in text:
        return TransportFault("refused", root)
    if isinstance(root, TimeoutError):
        return TransportFault("timeout", root)
    if isinstance(root, ConnectionResetError) or "reset" in text:
        return TransportFault("reset", root)
    if "remotedisconnected" in text or "closed connection" in text or "aborted" in text:
        return TransportFault("dropped", root)
    return TransportFault("connection", root)
