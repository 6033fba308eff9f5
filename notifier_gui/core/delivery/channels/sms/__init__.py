"""SMS: one channel in front of interchangeable providers (DESIGN.md "Channels").

- ``core/sms_providers.py`` (beside ``config.py``) declares the providers: names, settings,
  secrets, API base, limits, and the module here that implements each.
- :mod:`.provider` is what a provider implements (:class:`~.provider.SmsProvider`) and the text
  rules (composition, length limits) the preview shares; no network.
- :mod:`.http` is the plumbing the HTTP providers share (session, transport failures, redaction).
- :mod:`.channel` is the ``sms`` channel, building the chosen provider and its connection check.
- :mod:`.twilio`, :mod:`.smsru`, :mod:`.android`: one module per provider, each with ``build``.

Importing this package imports none of them. The names below are kept for callers of the
package as a whole and load their module on first use.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .channel import PROVIDERS, SmsChannel, _off_reason, build_sms, check_sms
    from .provider import ProviderConfigError, SmsProvider, compose_text, length_problem, provider_limits
    from ....sms_providers import SmsLimits

_WHERE = {
    "PROVIDERS": "channel", "SmsChannel": "channel", "_off_reason": "channel", "build_sms": "channel",
    "check_sms": "channel", "ProviderConfigError": "provider", "SmsProvider": "provider",
    "compose_text": "provider", "length_problem": "provider", "provider_limits": "provider",
    "SmsLimits": "provider",
}

__all__ = sorted(n for n in _WHERE if not n.startswith("_"))


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
