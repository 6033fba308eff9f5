"""Where the window's operator finds a setting the core names by its environment variable or
secret id: the Settings page and the field's label, as the dialog shows them.

The core (and the CLI, whose user sets those variables) writes ``SMTP_HOST`` or
``smsru_api_id``; the window says "“SMTP server” in Settings → Email" instead
(:func:`notifier_gui.ui.core_text.core_text` rewrites every name it knows). The labels are
the dialog's own strings in the dialog's translation contexts, so they stay one translation.
Settings the dialog does not show get a short name and are marked as set outside the window.
tests/ui/test_core_text.py checks that every option and secret of the core has an entry.
"""
from __future__ import annotations

from typing import cast

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

_S = "SettingsDialog"
_EMAIL = cast(str, QT_TRANSLATE_NOOP("SettingsDialog", "Email"))
_SMS = cast(str, QT_TRANSLATE_NOOP("SettingsDialog", "SMS"))
_TELEGRAM = cast(str, QT_TRANSLATE_NOOP("SettingsDialog", "Telegram"))
_DELIVERY = cast(str, QT_TRANSLATE_NOOP("SettingsDialog", "Delivery policy"))
_GENERAL = cast(str, QT_TRANSLATE_NOOP("SettingsDialog", "General"))
_API = cast(str, QT_TRANSLATE_NOOP("SettingsDialog", "API"))
_HISTORY = cast(str, QT_TRANSLATE_NOOP("SettingsDialog", "History"))

# name -> (page, (label context, label)); page None: not in the dialog (an advanced setting).
PLACES = cast(dict[str, tuple[str | None, tuple[str, str]]], {
    "SMTP_HOST": (_EMAIL, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "SMTP server"))),
    "SMTP_PORT": (_EMAIL, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Port"))),
    "SMTP_USE_TLS": (_EMAIL, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Security"))),
    "SMTP_USE_SSL": (_EMAIL, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Security"))),
    "SMTP_DEFAULT_USER": (_EMAIL, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Login"))),
    "smtp_password": (_EMAIL, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Password"))),
    "SMTP_DEFAULT_PASSWORD": (_EMAIL, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Password"))),
    "DEFAULT_FROM_EMAIL": (_EMAIL, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "From address"))),
    "DEFAULT_FROM_NAME": (_EMAIL, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "From name"))),
    "SMTP_TIMEOUT": (_EMAIL, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Timeout"))),
    "SMTP_AUTH_FAILURE": (_EMAIL, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Login rejected"))),
    "IMAP_HOST": (_EMAIL, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "IMAP server"))),
    "IMAP_PORT": (_EMAIL, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Port (TLS)"))),
    "IMAP_USER": (_EMAIL, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Login"))),
    "imap_password": (_EMAIL, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Password"))),
    "IMAP_PASSWORD": (_EMAIL, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Password"))),
    "IMAP_FOLDER": (_EMAIL, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Folder"))),
    "EMAIL_CONFIRM_TIMEOUT": (_EMAIL, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Wait for a bounce"))),
    "SMS_PROVIDER": (_SMS, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Provider"))),
    "TWILIO_ACCOUNT_SID": (_SMS, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Account SID"))),
    "twilio_auth_token": (_SMS, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Auth token"))),
    "TWILIO_AUTH_TOKEN": (_SMS, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Auth token"))),
    "TWILIO_FROM": (_SMS, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "From number"))),
    "TWILIO_MESSAGING_SERVICE_SID": (_SMS, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Messaging service SID"))),
    "TWILIO_API_BASE": (_SMS, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "API base"))),
    "smsru_api_id": (_SMS, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "API key (api_id)"))),
    "SMSRU_API_ID": (_SMS, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "API key (api_id)"))),
    "SMSRU_FROM": (_SMS, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Sender name"))),
    "SMSRU_API_BASE": (_SMS, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "API base"))),
    "ANDROID_SMS_URL": (_SMS, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Gateway address"))),
    "ANDROID_SMS_USER": (_SMS, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Username"))),
    "android_sms_password": (_SMS, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Password"))),
    "ANDROID_SMS_PASSWORD": (_SMS, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Password"))),
    "SMS_TIMEOUT": (_SMS, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Timeout"))),
    "SMS_CONFIRM_TIMEOUT": (_SMS, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Wait for the delivery report"))),
    "telegram_bot_token": (_TELEGRAM, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Bot token"))),
    "TELEGRAM_BOT_TOKEN": (_TELEGRAM, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Bot token"))),
    "TELEGRAM_PARSE_MODE": (_TELEGRAM, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Parse mode"))),
    "TELEGRAM_DISABLE_WPP": (_TELEGRAM, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Disable link previews"))),
    "TELEGRAM_TIMEOUT": (_TELEGRAM, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Timeout"))),
    "TELEGRAM_API_BASE": (_TELEGRAM, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "API base"))),
    "NOTIFIER_CHANNELS": (_DELIVERY, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Channel order"))),
    "NOTIFIER_MAX_TRIES": (_DELIVERY, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Tries per channel"))),
    "NOTIFIER_BACKOFF": (_DELIVERY, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Waits between tries (s)"))),
    "NOTIFIER_LIFETIME": (_DELIVERY, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Give up after"))),
    "NOTIFIER_CONCURRENCY": (_DELIVERY, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Concurrent sends"))),
    "NOTIFIER_DATA_DIR": (_GENERAL, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Data folder"))),
    "NOTIFIER_PHONE_REGION": (_GENERAL, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Phone region"))),
    "NOTIFIER_SANDBOX": (_GENERAL, (_S, QT_TRANSLATE_NOOP("SettingsDialog", "Sandbox mode"))),
    "NOTIFIER_API": (_API, ("ApiPage", QT_TRANSLATE_NOOP("ApiPage", "Serve the REST API (the original service's "
                                                                   "/api/users/ and /api/notifications/)"))),
    "NOTIFIER_API_HOST": (_API, ("ApiPage", QT_TRANSLATE_NOOP("ApiPage", "Address"))),
    "NOTIFIER_API_PORT": (_API, ("ApiPage", QT_TRANSLATE_NOOP("ApiPage", "Port"))),
    "NOTIFIER_API_ALLOW_REMOTE": (_API, ("ApiPage", QT_TRANSLATE_NOOP("ApiPage", "Allow other computers to connect "
                                                                                 "(plain HTTP: only the token "
                                                                                 "protects it)"))),
    "NOTIFIER_KEEP_DAYS": (_HISTORY, ("HistoryPage", QT_TRANSLATE_NOOP("HistoryPage", "Keep finished history for"))),
    # not in the dialog: set in the environment, a .env file or settings.json (see the README)
    "api_token": (None, ("SettingNames", QT_TRANSLATE_NOOP("SettingNames", "API token"))),
    "NOTIFIER_API_TOKEN": (None, ("SettingNames", QT_TRANSLATE_NOOP("SettingNames", "API token"))),
    "NOTIFIER_API_RATE": (None, ("SettingNames", QT_TRANSLATE_NOOP("SettingNames", "API requests per second"))),
    "NOTIFIER_JITTER": (None, ("SettingNames", QT_TRANSLATE_NOOP("SettingNames", "jitter of the waits"))),
    "NOTIFIER_ROUND_DELAY": (None, ("SettingNames", QT_TRANSLATE_NOOP("SettingNames", "wait before a new round"))),
    "NOTIFIER_ROUND_DELAY_MAX": (None, ("SettingNames", QT_TRANSLATE_NOOP("SettingNames", "longest wait before a "
                                                                                          "new round"))),
    "NOTIFIER_LEASE_SECONDS": (None, ("SettingNames", QT_TRANSLATE_NOOP("SettingNames", "claim lease"))),
    "NOTIFIER_RECEIPT_POLL": (None, ("SettingNames", QT_TRANSLATE_NOOP("SettingNames", "delivery report polling"))),
    "NOTIFIER_LOG_LEVEL": (None, ("SettingNames", QT_TRANSLATE_NOOP("SettingNames", "log level"))),
    "DATABASE_URL": (None, ("SettingNames", QT_TRANSLATE_NOOP("SettingNames", "database address"))),
    "NOTIFIER_ENV_FILE": (None, ("SettingNames", QT_TRANSLATE_NOOP("SettingNames", ".env file"))),
    "NOTIFIER_SECRETS_PASSPHRASE": (None, ("SettingNames", QT_TRANSLATE_NOOP("SettingNames", "passphrase of the "
                                                                                             "secrets file"))),
    "SMS_RATE": (None, ("SettingNames", QT_TRANSLATE_NOOP("SettingNames", "SMS per second"))),
    "TELEGRAM_RATE": (None, ("SettingNames", QT_TRANSLATE_NOOP("SettingNames", "Telegram messages per second"))),
    "TELEGRAM_CHAT_RATE": (None, ("SettingNames", QT_TRANSLATE_NOOP("SettingNames", "Telegram messages per second "
                                                                                    "per chat"))),
    "TWILIO_API_KEY_SID": (None, ("SettingNames", QT_TRANSLATE_NOOP("SettingNames", "Twilio API key SID"))),
    "ANDROID_SMS_SIM": (None, ("SettingNames", QT_TRANSLATE_NOOP("SettingNames", "SIM slot of the gateway phone"))),
})

_IN_SETTINGS = cast(str, QT_TRANSLATE_NOOP("SettingNames", "“{field}” in Settings → {page}"))
_OUTSIDE = cast(str, QT_TRANSLATE_NOOP("SettingNames", "the setting “{field}” (not in this window: the "
                                                       "environment, a .env file or settings.json)"))


def place(name: str) -> str | None:
    """Where the window shows setting ``name`` (an environment name or a secret id), in the
    window's language; None for a name that is no setting."""
    found = PLACES.get(name)
    if found is None:
        return None
    page, (context, label) = found
    field = QCoreApplication.translate(context, label)
    if page is None:
        return QCoreApplication.translate("SettingNames", _OUTSIDE).format(field=field)
    return QCoreApplication.translate("SettingNames", _IN_SETTINGS).format(
        field=field, page=QCoreApplication.translate(_S, page))
