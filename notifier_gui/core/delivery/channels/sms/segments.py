"""SMS segment counting for the compose preview and the providers' length limits.

Pure functions, no I/O. The rules (reference/twilio-sms.md "Limits"):

- A text made only of GSM 03.38 characters is sent as GSM-7: 160 septets in a single SMS,
  153 per part once it must be split (the User Data Header takes the rest). Characters of
  the extension table (``^ { } \\ [ ] ~ | €`` and form feed) take two septets (escape + char).
- Any other character (Cyrillic, most emoji, ...) switches the *whole* text to UCS-2:
  70 units in a single SMS, 67 per part. UCS-2 is counted in UTF-16 code units, so a
  character outside the Basic Multilingual Plane (most emoji) costs two.
- Phones and gateways never split an escape sequence or a surrogate pair between two parts,
  so a part may carry one unit less than ``per_segment``; parts are packed greedily here
  to count exactly that.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]
GSM7: Encoding = "GSM-7"
UCS2: Encoding = "UCS-2"

# GSM 03.38 default alphabet (the escape 0x1B itself is not a character one can type).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table: escape + one septet each. Form feed is in the standard table as well.
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

SINGLE = {GSM7: 160, UCS2: 70}
PER_PART = {GSM7: 153, UCS2: 67}


@dataclass(frozen=True)
class SegmentInfo:
    """What the preview shows: how a text will be encoded and how many SMS it costs."""

    encoding: Encoding
    units: int  # GSM-7 septets, or UTF-16 code units for UCS-2
    segments: int  # 0 for an empty text
    per_segment: int  # 160/70 while the text fits one SMS, 153/67 once it is split
    remaining_in_segment: int  # units still free in the last segment
    ucs2_chars: tuple[str, ...] = ()  # distinct characters that forced UCS-2, in order of appearance

    @property
    def characters_note(self) -> str:
        """A short human line for the preview, e.g. ``'2 SMS, UCS-2 (because of "ё"), 61 left'``."""
        why = ""
        if self.ucs2_chars:
            shown = " ".join(repr(c)[1:-1] if not c.isprintable() else c for c in self.ucs2_chars[:5])
            why = f' (because of "{shown}")'
        return f"{self.segments} SMS, {self.encoding}{why}, {self.remaining_in_segment} left in this part"


def unit_cost(ch: str, encoding: Encoding) -> int:
    """Units one character takes in ``encoding`` (it must be encodable in it)."""
    if encoding == GSM7:
        return 2 if ch in GSM7_EXTENSION else 1
    return 2 if ord(ch) > 0xFFFF else 1


def is_gsm7(ch: str) -> bool:
    return ch in GSM7_BASIC or ch in GSM7_EXTENSION


def encoding_of(text: str) -> Encoding:
    return GSM7 if all(is_gsm7(c) for c in text) else UCS2


def max_units(encoding: Encoding, segments: int) -> int:
    """Most units ``segments`` SMS can carry (an upper bound once the text is split)."""
    if segments <= 0:
        return 0
    if segments == 1:
        return SINGLE[encoding]
    return PER_PART[encoding] * segments


def count(text: str) -> SegmentInfo:
    """Encoding, units and segments of ``text`` as a phone or gateway would send it."""
    non_gsm: dict[str, None] = {}
    for c in text:
        if not is_gsm7(c):
            non_gsm.setdefault(c, None)
    encoding = UCS2 if non_gsm else GSM7
    costs = [unit_cost(c, encoding) for c in text]
    units = sum(costs)
    single = SINGLE[encoding]
    if units <= single:
        segments = 1 if units else 0
        return SegmentInfo(encoding, units, segments, single, single - units, tuple(non_gsm))
    part = PER_PART[encoding]
    segments, used = 1, 0
    for cost in costs:  # greedy: a two-unit character never straddles two parts
        if used + cost > part:
            segments += 1
            used = 0
        used += cost
    return SegmentInfo(encoding, units, segments, part, part - used, tuple(non_gsm))
