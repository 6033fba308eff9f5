"""Notifier: deliver a message through an Email -> SMS -> Telegram fallback chain."""

__version__ = "0.1.0"
