"""Telegram text, pure (no network, no ``requests``): length, splitting, escaping, formatting.

The compose preview shows exactly what the channel sends because both call :func:`format_parts`.

* The operator's text is plain text. In HTML mode it is escaped with
  ``html.escape(text, quote=False)`` (the only three characters Telegram requires), so a
  ``<b>`` typed by the operator arrives as ``&lt;b&gt;`` instead of breaking the request.
* Texts over 4096 characters are split on the *plain* text (paragraph, then line, then
  word boundaries), counting UTF-16 code units (safe under either reading of "character"),
  and each chunk is escaped afterwards, so no tag or ``&...;`` entity is ever cut in half.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

TEXT_LIMIT = 4096
"""Longest text Telegram accepts in one message, after entity parsing."""

STYLED_MODES = ("HTML", "MarkdownV2", "Markdown")

_MDV2_SPECIAL = re.compile(r"([_*\[\]()~`>#+\-=|{}.!\\])")
_MD_SPECIAL = re.compile(r"([_*`\[])")


def telegram_length(text: str) -> int:
    """Length as Telegram may count it: UTF-16 code units (an emoji outside the BMP is 2).

    Never smaller than the code-point count, so a text that fits by this measure fits
    whichever unit Telegram really uses.
    """
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _fit(text: str, limit: int) -> int:
    """The largest ``n`` such that ``text[:n]`` is at most ``limit`` UTF-16 units."""
    if len(text) * 2 <= limit:
        return len(text)
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return i
    return len(text)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split plain ``text`` into chunks of at most ``limit`` UTF-16 units, in order.

    A cut goes at the last paragraph break (blank line) in the second half of the window,
    else the last line break there, else the last whitespace anywhere in the window, and
    only when a single "word" is longer than the limit, in the middle of it. Whitespace at
    a cut is dropped; everything else is kept, so joining the chunks loses no visible text.
    Whitespace-only chunks are never produced (Telegram rejects empty texts); an empty or
    blank ``text`` gives ``[]``.
    """
    if limit < 2:
        raise ValueError("limit must be at least 2 (one character outside the BMP takes 2 units)")
    chunks: list[str] = []
    rest = text
    while rest.strip():
        n = _fit(rest, limit)
        if n >= len(rest):
            chunks.append(rest.rstrip())
            break
        cut: tuple[int, int] | None = None
        for sep in ("\n\n", "\n"):
            # start <= n, so rest[:start] fits; prefer cuts that use at least half the window
            i = rest.rfind(sep, 0, n + len(sep))
            if i >= max(1, n // 2):
                cut = (i, i + len(sep))
                break
        if cut is None:
            for i in range(n, 0, -1):
                if rest[i].isspace():
                    cut = (i, i + 1)
                    break
        if cut is None:
            cut = (n, n)  # one unbroken run longer than the limit: cut it hard
        head = rest[: cut[0]].rstrip()
        if head.strip():
            chunks.append(head)
        rest = rest[cut[1]:].lstrip()
    return chunks


def escape(text: str, parse_mode: str) -> str:
    """Make operator text literal under ``parse_mode`` (no formatting can sneak in)."""
    if parse_mode == "HTML":
        return html.escape(text, quote=False)
    if parse_mode == "MarkdownV2":
        return _MDV2_SPECIAL.sub(r"\\\1", text)
    if parse_mode == "Markdown":
        return _MD_SPECIAL.sub(r"\\\1", text)
    return text


def _bold(text: str, parse_mode: str) -> str | None:
    if parse_mode == "HTML":
        return f"<b>{html.escape(text, quote=False)}</b>"
    if parse_mode == "MarkdownV2":
        return f"*{escape(text, parse_mode)}*"
    if parse_mode == "Markdown" and not _MD_SPECIAL.search(text):
        return f"*{text}*"  # legacy Markdown cannot escape inside an entity
    return None


@dataclass(frozen=True)
class Part:
    """One message to send: ``text`` as formatted for Telegram, ``plain`` as the operator wrote it."""

    text: str
    plain: str


def format_parts(subject: str, body: str, parse_mode: str, limit: int = TEXT_LIMIT) -> list[Part]:
    """The messages for one notification: subject as a bold first line, body escaped, split.

    Splitting happens on the plain text, before escaping and before the bold tags are
    added, so each part stays within ``limit`` visible characters and no markup is cut.
    """
    subject = subject.strip()
    styled = parse_mode in STYLED_MODES
    sep = "\n" if styled else "\n\n"
    if subject and body.strip():
        plain = f"{subject}{sep}{body}"
    else:
        plain = subject or body
    parts: list[Part] = []
    for i, chunk in enumerate(split_text(plain, limit)):
        text: str | None = None
        if i == 0 and subject and styled and chunk.startswith(subject):
            bold = _bold(subject, parse_mode)
            if bold is not None:
                text = bold + escape(chunk[len(subject):], parse_mode)
        parts.append(Part(text if text is not None else escape(chunk, parse_mode), chunk))
    return parts
