""""Open outbox" on the first start creates the folder, then opens it (#13 item 13)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from notifier_gui.ui.context import AppContext
from notifier_gui.ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


class FileManager(QObject):
    """Stands in for the desktop's file manager through Qt's own URL-handler hook."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toLocalFile())


@pytest.fixture
def file_manager() -> Iterator[FileManager]:
    fm = FileManager()
    QDesktopServices.setUrlHandler("file", fm, "open")
    yield fm
    QDesktopServices.unsetUrlHandler("file")


def test_open_outbox_creates_the_folder_first(qtbot, ctx: AppContext, file_manager: FileManager) -> None:  # type: ignore[no-untyped-def]
    outbox = Path(ctx.runtime.settings.outbox_dir)
    assert not outbox.exists()  # first start: nothing was sent yet
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.modeShown, timeout=5000):
        w.show()
    qtbot.mouseClick(w.banner.outbox_button, Qt.MouseButton.LeftButton)
    assert outbox.is_dir()
    assert file_manager.opened == [str(outbox)]
    w.quit_for_real(confirm=False)


def test_email_preview_shows_the_subject_as_plain_text(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    """#13 item 15: the real subject is plain text, so "<b>x</b>" is shown as written."""
    from notifier_gui.ui.compose import ComposeView

    rid = ctx.runtime.store.add_recipient("Anna", email="anna@example.org")
    view = ComposeView(ctx)
    qtbot.addWidget(view)
    view.resize(1000, 650)
    view.show()
    view.set_recipients([rid])
    view.subject.setText("<b>x</b>")
    view.message.setPlainText("hi")
    label = view.preview.email_subject
    qtbot.waitUntil(lambda: "x" in label.text())
    assert label.textFormat() == Qt.TextFormat.PlainText and "<b>x</b>" in label.text()
