"""Messages of the core as data: a stable code, named parameters, and the English text.

The core speaks to three audiences: the log of record and the ``notifier`` command (whose
user sets the environment variables the text names) read the English; the window says the
same thing in the operator's language and names the field in Settings instead of the
variable. So a message is made from a :class:`Template` (its code and its English wording
with named fields) and its parameters, and the window renders it by code
(``ui/core_text.py``), never by reading the English back.

:class:`Msg` *is* the English ``str`` (faces that only want English, from a log line to
``"; ".join(...)``, need nothing new) and carries ``code`` and ``params`` beside it. Text
that has passed through a plain string (a database column, ``str(exc)``) can be turned back
into a ``Msg`` with :meth:`Template.parse` by the template's own English, so a reworded
template is one edit here and one translation in the window.

A message that is stored (an attempt's detail: core/delivery/details.py) keeps its English
in the text column and its code and parameters beside it (:func:`stored`: the parameters as
the English shows them, a nested message as its own code and parameters, JSON text);
:func:`from_stored` makes the message again, or reads a row stored before the codes back by
its English. :meth:`Msg.redacted` redacts the parameters with the English, so a secret
reaches neither. A template formats its values itself (no ``{x:g}``: pass ``f"{x:g}"``), so
the parameters say exactly what the English says.

Every template registers itself by code; a code is used by one template only.
"""
from __future__ import annotations

import json
import re
import string
from collections.abc import Callable, Mapping
from typing import Any

_REGISTRY: dict[str, Template] = {}
_FORMATTER = string.Formatter()


class Template:
    """One message the core can say: ``Template("config.port", "{env} must be a port number, got {value}")``."""

    __slots__ = ("code", "english", "fields", "literal_length", "_pattern")
    code: str
    english: str
    fields: dict[str, str]
    literal_length: int
    _pattern: re.Pattern[str] | None

    def __init__(self, code: str, english: str) -> None:
        if code in _REGISTRY and _REGISTRY[code].english != english:
            raise ValueError(f"message code {code} is already used for another text")
        self.code = code
        self.english = english
        # field name -> conversion ("r" for {raw!r}, "" for none), in order of appearance
        self.fields: dict[str, str] = {name: conv or "" for _, name, _, conv in _FORMATTER.parse(english)
                                       if name is not None}
        if any(spec for _, name, spec, _ in _FORMATTER.parse(english) if name is not None):
            raise ValueError(f"message {code}: format the value before passing it, not in the template")
        self.literal_length = sum(len(literal) for literal, *_ in _FORMATTER.parse(english))
        self._pattern = None
        _REGISTRY[code] = self

    def __call__(self, **params: Any) -> Msg:
        missing = self.fields.keys() - params.keys()
        if missing:
            raise TypeError(f"{self.code} needs {', '.join(sorted(missing))}")
        return Msg(self, params, self.english.format(**params))

    def parse(self, text: str) -> Msg | None:
        """``text`` read back as this message (its parameters as shown), or None if it is not one."""
        if self._pattern is None:
            seen: set[str] = set()
            regex = ""
            for literal, name, _, _ in _FORMATTER.parse(self.english):
                regex += re.escape(literal)
                if name is not None:  # a field named twice says the same both times
                    regex += f"(?P={name})" if name in seen else f"(?P<{name}>.*?)"
                    seen.add(name)
            self._pattern = re.compile(regex, re.DOTALL)
        m = self._pattern.fullmatch(text)
        if m is None:
            return None
        return Msg(self, m.groupdict(), text, shown=True)

    def __repr__(self) -> str:
        return f"Template({self.code!r}, {self.english!r})"


class Msg(str):
    """The English text of a message, with its ``code`` and ``params`` (see the module's docstring)."""

    template: Template
    params: Mapping[str, Any]
    _shown: bool

    def __new__(cls, template: Template, params: Mapping[str, Any], text: str, shown: bool = False) -> Msg:
        self = super().__new__(cls, text)
        self.template = template
        self.params = dict(params)
        self._shown = shown
        return self

    @property
    def code(self) -> str:
        return self.template.code

    def shown_params(self) -> dict[str, Any]:
        """Each parameter as the English shows it (``{raw!r}`` -> ``'x'``); a nested Msg stays a Msg."""
        if self._shown:
            return dict(self.params)
        out: dict[str, Any] = {}
        for name, conversion in self.template.fields.items():
            value = self.params[name]
            if not isinstance(value, Msg):
                value = _FORMATTER.convert_field(value, conversion or None)
                value = value if isinstance(value, str) else str(value)
            out[name] = value
        return out

    def redacted(self, redact: Callable[[str], str]) -> Msg:
        """This message with ``redact`` applied to its English *and* to every parameter (a
        secret must reach neither the ``detail`` column nor the parameters stored beside it)."""
        params: dict[str, Any] = {}
        for name, value in self.shown_params().items():
            params[name] = value.redacted(redact) if isinstance(value, Msg) else redact(str(value))
        return Msg(self.template, params, redact(str(self)), shown=True)

    def data(self) -> dict[str, Any]:
        """Code and parameters as JSON-ready data (parameters as the English shows them; a
        nested message as its own ``{"code", "params"}``)."""
        return {"code": self.code, "params": {name: value.data() if isinstance(value, Msg) else value
                                              for name, value in self.shown_params().items()}}

    def __reduce__(self) -> tuple[Any, ...]:  # pickles (process pools, copies) as the plain English
        return (str, (str(self),))


def stored(text: str | None) -> tuple[str | None, str | None]:
    """(code, parameters as JSON text) to store beside ``text``'s English; (None, None) for
    plain text (read back by its English: :func:`from_stored`)."""
    if not isinstance(text, Msg):
        return None, None
    data = text.data()
    return data["code"], json.dumps(data["params"], ensure_ascii=False, separators=(",", ":"))


def from_stored(english: str, code: str | None, params: str | Mapping[str, Any] | None) -> Msg:
    """A stored text as a message again: by its code and parameters (JSON text, or already
    read) where they were stored and the code is still known; otherwise (a row older than the
    codes, a template since removed) read back by the English of the registered templates,
    else as plain English."""
    if code is not None and params is not None:
        try:
            found = _from_data(code, json.loads(params) if isinstance(params, str) else params, english)
        except (ValueError, TypeError, AttributeError):
            found = None
        if found is not None:
            return found
    return as_msg(english) or PLAIN(text=english)


def _from_data(code: str, params: Any, english: str | None = None) -> Msg | None:
    template = _REGISTRY.get(code)
    if template is None or not isinstance(params, dict) or template.fields.keys() - params.keys():
        return None
    shown: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, dict):
            nested = _from_data(str(value.get("code")), value.get("params"))
            if nested is None:
                return None
            value = nested
        shown[name] = value if isinstance(value, Msg) else str(value)
    if english is None:  # a nested message: its English from its template and shown parameters
        english = "".join(literal + (str(shown[name]) if name is not None else "")
                          for literal, name, _, _ in _FORMATTER.parse(template.english))
    return Msg(template, shown, english, shown=True)


def as_msg(text: str, accept: Callable[[Msg], bool] = lambda _msg: True) -> Msg | None:
    """``text`` as a message of the core: itself if it carries its code, else read back by the
    English of a registered template that ``accept`` takes (None: no template says this).

    The template with the most fixed words is tried first, so "{field}: {message}" does not
    take a sentence that a more specific template says; one with no fixed words never matches.
    """
    if isinstance(text, Msg):
        return text
    for template in _by_specificity():
        found = template.parse(text)
        if found is not None and accept(found):
            return found
    return None


def _by_specificity() -> list[Template]:
    global _ORDERED
    if _ORDERED[0] != len(_REGISTRY):  # templates register as their modules are imported
        found = [t for t in _REGISTRY.values() if t.literal_length]
        _ORDERED = (len(_REGISTRY), sorted(found, key=lambda t: -t.literal_length))
    return _ORDERED[1]


_ORDERED: tuple[int, list[Template]] = (0, [])


# English from no template of ours (a library's exception text), carried as a message.
PLAIN = Template("plain", "{text}")
