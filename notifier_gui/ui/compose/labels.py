"""The small labels Compose's parts share: a bold heading, a red error line, the colours."""
from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel

ERROR_STYLE = "color: #b00020;"
OK_STYLE = "color: #1b7a2f;"
WARNING_STYLE = "color: #8a5a00;"


def error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def heading(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    return label
