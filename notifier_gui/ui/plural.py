"""English plurals without an English translation file.

The sources are English and say "%n recipient(s)"; Qt picks the Russian plural forms from
the .ts, but the English window runs without a translator, so "(s)" would reach the screen.
:func:`counted` picks the English form instead; a translated text has no "(s)" left and
passes unchanged.
"""
from __future__ import annotations

import re

_MAYBE_PLURAL = re.compile(r"(\w+)\(s\)")


def counted(text: str, n: int) -> str:
    """``"1 part(s)"`` → ``"1 part"``, ``"2 part(s)"`` → ``"2 parts"``."""
    return _MAYBE_PLURAL.sub(lambda m: m.group(1) if n == 1 else m.group(1) + "s", text)
