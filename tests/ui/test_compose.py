"""ComposeView against the real core (sandbox mode, temporary data dir)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import Row, select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from notifier_gui.core.storage.schema import NOTIFICATIONS

from notifier_gui.ui.compose import ComposeView, RecipientPicker
from notifier_gui.ui.context import AppContext
from notifier_gui.ui.preview import PreviewPane

from .conftest import shot

TIMEOUT = 5000
# The offscreen platform says this whenever a top-level window is shown; it is not ours.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


class Answers:
    """An injected confirmation: records what it was asked and answers ``reply``."""

    def __init__(self, reply: bool) -> None:
        self.reply = reply
        self.asked: list[Any] = []

    def __call__(self, arg: Any) -> bool:
        self.asked.append(arg)
        return self.reply


def rows(ctx: AppContext) -> list[Row[Any]]:
    with ctx.runtime.engine.connect() as c:
        return list(c.execute(select(NOTIFICATIONS).order_by(NOTIFICATIONS.c.id)))


@pytest.fixture
def people(ctx: AppContext) -> list[int]:
    store = ctx.runtime.store
    return [
        store.add_recipient("Анна", email="anna@example.com", phone="+79161234567", telegram_chat_id=1001),
        store.add_recipient("Boris", email="boris@example.com", phone="+79161234568"),
    ]


@pytest.fixture
def view(ctx: AppContext, qtbot: QtBot) -> ComposeView:
    v = ComposeView(ctx, confirm_many=Answers(True), confirm_repeat=Answers(True))
    qtbot.addWidget(v)
    v.resize(1000, 650)
    v.show()  # the preview renders only while it can be seen
    return v


def choose(qtbot: QtBot, view: ComposeView, ids: list[int]) -> None:
    view.set_recipients(ids)
    qtbot.waitUntil(lambda: view.preview.current_recipient() is not None, timeout=TIMEOUT)


def send_and_wait(qtbot: QtBot, view: ComposeView) -> list[int]:
    with qtbot.waitSignal(view.sent, timeout=TIMEOUT) as blocker:
        qtbot.mouseClick(view.send_button, Qt.MouseButton.LeftButton)
    return list(blocker.args[0])


def idle(qtbot: QtBot, view: ComposeView) -> None:
    qtbot.waitUntil(lambda: view.send_button.isEnabled(), timeout=TIMEOUT)


def test_send_to_two_recipients_fills_name_and_uses_chosen_order(
        ctx: AppContext, qtbot: QtBot, view: ComposeView, people: list[int]) -> None:
    choose(qtbot, view, people)
    view.subject.setText("Hello {name}")
    view.message.setPlainText("Dear {name}, your order is ready.")
    assert view.channels.channels() == ["email", "sms", "telegram"]
    view.channels.list.setCurrentRow(2)       # telegram to the top
    view.channels.move_current(-1)
    view.channels.move_current(-1)
    view.channels.list.item(2).setCheckState(Qt.CheckState.Unchecked)  # sms off
    assert view.channels.channels() == ["telegram", "email"]

    nids = send_and_wait(qtbot, view)

    assert len(nids) == 2
    got = rows(ctx)
    assert [n.id for n in got] == nids
    assert [n.body for n in got] == ["Dear Анна, your order is ready.", "Dear Boris, your order is ready."]
    assert [n.subject for n in got] == ["Hello Анна", "Hello Boris"]
    assert all(n.channels == "telegram,email" for n in got)
    assert all(n.state == "queued" and n.smtp_secret_ref is None for n in got)
    assert view.status.text() == "Queued 2 notifications."
    assert view.message.toPlainText() == ""        # message cleared, ready for the next one
    idle(qtbot, view)


def test_default_order_leaves_recipients_preferences(ctx: AppContext, qtbot: QtBot, view: ComposeView) -> None:
    store = ctx.runtime.store
    picky = store.add_recipient("Pavel", phone="+79161234569", channels=("sms", "email"))
    plain = store.add_recipient("Olga", email="olga@example.com")
    choose(qtbot, view, [picky, plain])
    view.message.setPlainText("Hi")
    assert not view.channels.is_custom()
    send_and_wait(qtbot, view)
    assert [n.channels for n in rows(ctx)] == ["sms,email", ",".join(ctx.runtime.settings.channels)]


def test_empty_message_shows_inline_error_and_queues_nothing(
        ctx: AppContext, qtbot: QtBot, view: ComposeView, people: list[int]) -> None:
    choose(qtbot, view, people)
    view.message.setPlainText("   \n  ")
    qtbot.mouseClick(view.send_button, Qt.MouseButton.LeftButton)
    assert view.message_error.isVisibleTo(view)
    assert "empty" in view.message_error.text()
    assert view.send_button.isEnabled()
    assert rows(ctx) == []


def test_no_recipient_and_no_channel_are_inline_errors(ctx: AppContext, qtbot: QtBot, view: ComposeView) -> None:
    view.message.setPlainText("Hello")
    for row in range(view.channels.list.count()):
        view.channels.list.item(row).setCheckState(Qt.CheckState.Unchecked)
    qtbot.mouseClick(view.send_button, Qt.MouseButton.LeftButton)
    assert view.audience.recipients_error.isVisibleTo(view)
    assert view.channels_error.isVisibleTo(view)
    assert rows(ctx) == []


def test_line_break_in_subject_is_an_inline_error(
        ctx: AppContext, qtbot: QtBot, view: ComposeView, people: list[int]) -> None:
    choose(qtbot, view, people)
    view.subject.setText("Hello\nBcc: evil@example.com")
    view.message.setPlainText("Text")
    qtbot.mouseClick(view.send_button, Qt.MouseButton.LeftButton)
    assert view.subject_error.isVisibleTo(view)
    assert "line breaks" in view.subject_error.text()
    assert not view.message_error.isVisibleTo(view)
    assert rows(ctx) == []


def test_encoded_line_breaks_and_control_characters_are_inline_errors(
        ctx: AppContext, qtbot: QtBot, view: ComposeView, people: list[int]) -> None:
    choose(qtbot, view, people)
    view.subject.setText("=?utf-8?q?Alert=0D=0AReply-To:_x@evil.example?=")
    view.message.setPlainText("Text \x1b[2J")
    qtbot.mouseClick(view.send_button, Qt.MouseButton.LeftButton)
    assert view.subject_error.isVisibleTo(view) and "encoded word" in view.subject_error.text()
    view.subject.setText("Alert")
    qtbot.mouseClick(view.send_button, Qt.MouseButton.LeftButton)
    assert view.message_error.isVisibleTo(view) and "control characters" in view.message_error.text()
    assert rows(ctx) == []


def test_more_than_ten_recipients_asks_and_decline_queues_nothing(
        ctx: AppContext, qtbot: QtBot, view: ComposeView) -> None:
    store = ctx.runtime.store
    ids = [store.add_recipient(f"Person {i}", email=f"p{i}@example.com") for i in range(11)]
    view.confirm_many = ask = Answers(False)
    choose(qtbot, view, ids)
    view.message.setPlainText("Meeting at 10")
    qtbot.mouseClick(view.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ask.asked == [11] and view.send_button.isEnabled(), timeout=TIMEOUT)
    assert rows(ctx) == []
    assert view.message.toPlainText() == "Meeting at 10"   # kept for a second try

    ask.reply = True
    assert len(send_and_wait(qtbot, view)) == 11
    assert ask.asked == [11, 11]


def test_ten_recipients_are_not_asked(ctx: AppContext, qtbot: QtBot, view: ComposeView) -> None:
    store = ctx.runtime.store
    ids = [store.add_recipient(f"Person {i}", email=f"p{i}@example.com") for i in range(10)]
    view.confirm_many = ask = Answers(False)
    choose(qtbot, view, ids)
    view.message.setPlainText("Meeting at 10")
    assert len(send_and_wait(qtbot, view)) == 10
    assert ask.asked == []


def test_second_identical_send_asks_first(
        ctx: AppContext, qtbot: QtBot, view: ComposeView, people: list[int]) -> None:
    view.confirm_repeat = again = Answers(False)
    choose(qtbot, view, people)
    view.subject.setText("Reminder")
    view.message.setPlainText("Dear {name}, see you at 10.")
    send_and_wait(qtbot, view)
    idle(qtbot, view)
    assert again.asked == []

    view.message.setPlainText("Dear {name}, see you at 10.")    # the same again, seconds later
    qtbot.mouseClick(view.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(again.asked) and view.send_button.isEnabled(), timeout=TIMEOUT)
    assert again.asked == [["Анна", "Boris"]]
    assert len(rows(ctx)) == 2                              # declined: nothing new

    again.reply = True
    send_and_wait(qtbot, view)
    assert len(rows(ctx)) == 4

    view.message.setPlainText("Something else")             # a different text is not a repeat
    again.asked.clear()
    send_and_wait(qtbot, view)
    assert again.asked == []


def test_the_repeat_question_is_a_real_box_that_says_no_by_default(
        ctx: AppContext, qtbot: QtBot, people: list[int]) -> None:
    view = ComposeView(ctx, confirm_many=Answers(True))  # the program's own repeat question
    qtbot.addWidget(view)
    view.show()
    choose(qtbot, view, people)
    view.message.setPlainText("Same text")
    send_and_wait(qtbot, view)
    idle(qtbot, view)
    view.message.setPlainText("Same text")
    qtbot.mouseClick(view.send_button, Qt.MouseButton.LeftButton)

    def box() -> QMessageBox | None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        return found[0] if found else None

    qtbot.waitUntil(lambda: box() is not None, timeout=TIMEOUT)
    question = box()
    assert question is not None
    assert "within the last 5 minutes" in question.text() and "Анна, Boris" in question.text()
    assert question.defaultButton() is question.button(QMessageBox.StandardButton.No)
    question.button(QMessageBox.StandardButton.No).click()
    qtbot.waitUntil(lambda: view.send_button.isEnabled(), timeout=TIMEOUT)
    assert len(rows(ctx)) == 2  # declined: nothing new


def test_send_button_is_disabled_while_queuing(
        ctx: AppContext, qtbot: QtBot, view: ComposeView, people: list[int]) -> None:
    choose(qtbot, view, people)
    view.message.setPlainText("Once")
    with qtbot.waitSignal(view.sent, timeout=TIMEOUT):
        view.send()
        assert not view.send_button.isEnabled()
        view.send()                                          # a double click does nothing more
    idle(qtbot, view)
    assert len(rows(ctx)) == 2


def test_per_send_password_goes_to_keyring_only(
        ctx: AppContext, qtbot: QtBot, view: ComposeView, people: list[int], data_dir: Path) -> None:
    secret = "s3cret-Pass-Word-42"
    choose(qtbot, view, people)
    view.message.setPlainText("Invoice attached")
    view.smtp_group.setChecked(True)
    assert view.smtp_fields.isVisibleTo(view)
    assert view.smtp_password.echoMode() == view.smtp_password.EchoMode.Password
    view.smtp_login.setText("billing@example.com")
    view.smtp_password.setText(secret)

    send_and_wait(qtbot, view)

    got = rows(ctx)
    refs = [n.smtp_secret_ref for n in got]
    assert all(refs) and len(set(refs)) == 1                 # one keyring entry per send
    assert all(n.smtp_user == "billing@example.com" for n in got)
    assert [ctx.runtime.secrets.get(r) for r in refs if r] == [secret, secret]
    assert view.smtp_password.text() == ""                   # not kept in the widget
    ctx.runtime.engine.dispose()
    for path in (data_dir / "notifier.db", data_dir / "notifier.db-wal"):
        if path.exists():
            assert secret.encode() not in path.read_bytes()


def test_per_send_login_without_password_is_an_inline_error(
        ctx: AppContext, qtbot: QtBot, view: ComposeView, people: list[int]) -> None:
    choose(qtbot, view, people)
    view.message.setPlainText("Hi")
    view.smtp_group.setChecked(True)
    view.smtp_login.setText("billing@example.com")
    qtbot.mouseClick(view.send_button, Qt.MouseButton.LeftButton)
    assert view.smtp_error.isVisibleTo(view)
    assert rows(ctx) == []


def test_preview_sms_segments_and_encoding(qtbot: QtBot, view: ComposeView, people: list[int]) -> None:
    choose(qtbot, view, people)
    view.preview.tabs.setCurrentIndex(PreviewPane.SMS)
    view.message.setPlainText("a" * 160)
    qtbot.waitUntil(lambda: view.preview.sms_summary.text() == "160 characters · GSM-7 · 1 segment",
                    timeout=TIMEOUT)
    view.message.setPlainText("a" * 161)
    qtbot.waitUntil(lambda: view.preview.sms_summary.text() == "161 characters · GSM-7 · 2 segments",
                    timeout=TIMEOUT)
    view.message.setPlainText("Привет, {name}!")
    qtbot.waitUntil(lambda: view.preview.sms_text.toPlainText() == "Привет, Анна!", timeout=TIMEOUT)
    assert view.preview.sms_summary.text() == "13 characters · UCS-2 · 1 segment"
    assert "UCS-2 because of" in view.preview.sms_note.text()


def test_hidden_preview_renders_when_shown(qtbot: QtBot, view: ComposeView, people: list[int]) -> None:
    view.hide()
    choose(qtbot, view, people)
    view.message.setPlainText("Привет, {name}!")
    qtbot.waitUntil(lambda: view.preview._input.body == "Привет, {name}!", timeout=TIMEOUT)
    assert view.preview.sms_text.toPlainText() == ""  # nothing rendered while hidden
    view.show()
    qtbot.waitUntil(lambda: view.preview.sms_text.toPlainText() == "Привет, Анна!", timeout=TIMEOUT)
    assert view.preview.email_to.text() == "Анна <anna@example.com>"


def test_preview_follows_the_chosen_person(qtbot: QtBot, view: ComposeView, people: list[int]) -> None:
    choose(qtbot, view, people)
    view.subject.setText("Hi {name}")
    view.message.setPlainText("Text for {email}")
    qtbot.waitUntil(lambda: view.preview.email_subject.text() == "Hi Анна", timeout=TIMEOUT)
    assert view.preview.email_to.text() == "Анна <anna@example.com>"
    assert view.preview.email_body.toPlainText() == "Text for anna@example.com"
    assert view.preview.email_from.text()                    # sandbox sender or configured one
    view.preview.person.setCurrentIndex(1)
    assert view.preview.email_to.text() == "Boris <boris@example.com>"
    assert "Boris has no linked Telegram chat" in view.preview.telegram_note.text()


def test_preview_escapes_telegram_html(qtbot: QtBot, view: ComposeView, people: list[int]) -> None:
    assert view.ctx.runtime.settings.telegram_parse_mode == "HTML"
    choose(qtbot, view, people)
    view.subject.setText("News & <updates>")
    view.message.setPlainText("Tom & Jerry <b>not bold</b>")
    # shown as Telegram shows it (#13 item 21): the subject bold, the operator's tags as text
    qtbot.waitUntil(lambda: "Tom & Jerry" in view.preview.telegram_text.toPlainText(), timeout=TIMEOUT)
    shown = view.preview.telegram_text.toPlainText().replace("\u2028", "\n")
    assert shown == "News & <updates>\nTom & Jerry <b>not bold</b>"
    document = view.preview.telegram_text.document()
    first = document.firstBlock().begin()
    assert first.fragment().charFormat().fontWeight() >= 700  # the subject: <b> rendered
    assert "&lt;b&gt;not bold&lt;/b&gt;" in document.toHtml()  # the operator's <b> stays literal text
    view.preview.tabs.setCurrentWidget(view.preview.telegram_text.parentWidget())
    shot(view, "compose-telegram-preview.png")
    assert view.preview.telegram_summary.text().endswith("1 part · HTML")


def test_preview_telegram_long_text_in_parts(qtbot: QtBot, view: ComposeView, people: list[int]) -> None:
    choose(qtbot, view, people)
    view.message.setPlainText(("word " * 700 + "\n\n") * 2)
    qtbot.waitUntil(lambda: "2 parts" in view.preview.telegram_summary.text(), timeout=TIMEOUT)
    assert "part 2 of 2" in view.preview.telegram_text.toPlainText()


def test_placeholder_buttons_insert_into_last_field(qtbot: QtBot, view: ComposeView) -> None:
    view.message.setPlainText("Hi ")
    view.message.moveCursor(view.message.textCursor().MoveOperation.End)
    view.insert_placeholder("name")
    assert view.message.toPlainText() == "Hi {name}"
    view.show()
    qtbot.waitExposed(view)
    view.subject.setFocus()
    qtbot.waitUntil(lambda: view.subject.hasFocus(), timeout=TIMEOUT)
    qtbot.mouseClick(view.placeholder_buttons["phone"], Qt.MouseButton.LeftButton)
    assert view.subject.text() == "{phone}"


def test_picker_searches_and_adds(ctx: AppContext, qtbot: QtBot, view: ComposeView, people: list[int]) -> None:
    extra = ctx.runtime.store.add_recipient("Viktor", email="viktor@example.com")
    choose(qtbot, view, [people[0]])
    qtbot.mouseClick(view.audience.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(view.audience, "picker", None) is not None and view.audience.picker.isVisible(), timeout=TIMEOUT)
    picker: RecipientPicker = view.audience.picker
    qtbot.waitUntil(lambda: not picker.loading, timeout=TIMEOUT)
    assert picker.model.rowCount() == 2                      # the chosen one is not offered again
    picker.search.setText("VIKT")
    qtbot.waitUntil(lambda: not picker.loading, timeout=TIMEOUT)
    assert picker.model.rowCount() == 1
    picker.list.selectAll()
    picker.accept()
    qtbot.waitUntil(lambda: view.audience.recipient_model.rowCount() == 2
                    and view.audience.recipient_model.item(1).text().startswith("Viktor"), timeout=TIMEOUT)
    assert view.recipient_ids() == [people[0], extra]

    view.audience.recipient_list.selectionModel().select(
        view.audience.recipient_model.index(0, 0), view.audience.recipient_list.selectionModel().SelectionFlag.Select)
    qtbot.mouseClick(view.audience.remove_button, Qt.MouseButton.LeftButton)
    assert view.recipient_ids() == [extra]


def test_default_confirmation_is_a_message_box(ctx: AppContext, qtbot: QtBot) -> None:
    view = ComposeView(ctx)
    qtbot.addWidget(view)
    store = ctx.runtime.store
    ids = [store.add_recipient(f"Person {i}", email=f"p{i}@example.com") for i in range(12)]
    choose(qtbot, view, ids)
    view.message.setPlainText("Hello all")
    view.send()
    qtbot.waitUntil(lambda: view.findChild(QMessageBox) is not None
                    and view.findChild(QMessageBox).isVisible(), timeout=TIMEOUT)
    box = view.findChild(QMessageBox)
    assert "12 recipient" in box.text()
    box.button(QMessageBox.StandardButton.No).click()
    qtbot.waitUntil(lambda: view.send_button.isEnabled(), timeout=TIMEOUT)
    assert rows(ctx) == []


def test_screenshot(ctx: AppContext, qtbot: QtBot, view: ComposeView, people: list[int]) -> None:
    choose(qtbot, view, people)
    view.subject.setText("Напоминание о встрече")
    view.message.setPlainText("Здравствуйте, {name}!\n\nНапоминаем: встреча завтра в 10:00, "
                              "переговорная 3. Пожалуйста, возьмите с собой паспорт.")
    view.preview.tabs.setCurrentIndex(PreviewPane.SMS)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: "Здравствуйте, Анна!" in view.preview.sms_text.toPlainText(), timeout=TIMEOUT)
    assert shot(view, "compose.png")
