"""SMS: one channel in front of interchangeable providers (DESIGN.md "Channels").

- ``core/sms_providers.py`` (beside ``config.py``) declares the providers: names, settings,
  secrets, API base, limits, and the module here that implements each.
- :mod:`.provider` is what a provider implements (:class:`~.provider.SmsProvider`) and the text
  rules (composition, length limits) the preview shares; no network.
- :mod:`.http` is the plumbing the HTTP providers share (session, transport failures, redaction).
- :mod:`.channel` is the ``sms`` channel, building the chosen provider and its connection check.
- :mod:`.twilio`, :mod:`.smsru`, :mod:`.android`: one module per provider, each with ``build``.

Importing this package imports none of them: import the module you need.
"""
