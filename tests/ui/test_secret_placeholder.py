"""#13 item 22: the secret field's placeholder is never cut off, in English or Russian."""
from __future__ import annotations

import pytest

from notifier_gui.ui.settings import SecretField

from tests.ui.test_russian import russian  # noqa: F401


def _fits(field: SecretField) -> bool:
    edit = field.edit
    return edit.minimumWidth() >= edit.fontMetrics().horizontalAdvance(edit.placeholderText())


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_secret_placeholder_fits(qtbot, request, language: str) -> None:  # type: ignore[no-untyped-def]
    if language == "ru":
        request.getfixturevalue("russian")
    field = SecretField("smtp_password")
    qtbot.addWidget(field)
    for status in ("keyring", "missing", "unreadable", "environment", ""):
        field.set_status(status, "environment")
        field.show()
        assert _fits(field), field.edit.placeholderText()
        assert field.edit.width() >= field.edit.minimumWidth()
