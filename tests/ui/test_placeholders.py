"""Unknown placeholders ({nmae}, {Name}) are refused by the CLI (exit 2, known names listed)
and warned about in the window before sending (#13 item 6)."""
from __future__ import annotations

import pytest

from notifier_gui.core.templates import unknown_placeholders

from notifier_gui.ui.compose import ComposeView
from notifier_gui.ui.context import AppContext

from tests.ui.conftest import shot

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def test_unknown_placeholders_are_found_but_braces_in_text_are_not() -> None:
    assert unknown_placeholders("Hi {nmae}, {Name}!", "{name} {phone} {email}") == ["{nmae}", "{Name}"]
    assert unknown_placeholders('JSON {"a": 1}, set {1, 2}, {}', "{ name }") == []


def test_window_warns_before_sending(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    view = ComposeView(ctx)
    qtbot.addWidget(view)
    view.resize(1000, 650)
    view.show()
    view.message.setPlainText("Hello {nmae}")
    qtbot.waitUntil(lambda: view.placeholder_warning.isVisible())
    shot(view, "compose-unknown-placeholder.png")
    assert "{nmae}" in view.placeholder_warning.text() and "{name}, {email}, {phone}" in view.placeholder_warning.text()
    view.message.setPlainText("Hello {name}")
    qtbot.waitUntil(lambda: not view.placeholder_warning.isVisible())
