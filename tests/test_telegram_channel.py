"""Telegram channel against the loopback Bot API imitation (tests/servers/telegram.py).

The real client code runs; only TELEGRAM_API_BASE points at 127.0.0.1. Pacing uses a fake
clock, so waits are measured, not slept.
"""
from __future__ import annotations

import json
import traceback
from collections.abc import Iterator

import pytest
import requests
from hypothesis import assume, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from notifier_gui.core.config import Settings
from notifier_gui.core.delivery.channels.base import Message
from notifier_gui.core.delivery.channels.botapi import normalize_token
from notifier_gui.core.delivery.channels.telegram import TelegramChannel, build_telegram, check_telegram
from notifier_gui.core.delivery.channels.telegram_text import TEXT_LIMIT, format_parts, split_text, telegram_length
from notifier_gui.core.delivery.errors import Permanent, Transient, Unavailable
from notifier_gui.core.delivery.pacing import Pacers, RateLimiter
from notifier_gui.core.records import RecipientData
from notifier_gui.core.secrets import CredentialStore, Redactor, SecretStoreError

from tests.servers.telegram import DEFAULT_TOKEN, FakeTelegram, parse_html, refused_base_url, silent_server

TOKEN = DEFAULT_TOKEN
SECRET_PART = TOKEN.split(":", 1)[1]
CHAT = 123456789
OTHER_CHAT = 555000111


class FakeClock:
    """Clock + sleep for RateLimiter: sleeping advances virtual time and is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        server.add_chat(CHAT)
        server.add_chat(OTHER_CHAT, first_name="Olga")
        yield server


def conf(base: str, **kw: object) -> Settings:
    kw.setdefault("telegram_timeout", 5.0)
    return Settings(telegram_api_base=base, **kw)  # type: ignore[arg-type]


def channel(base: str, token: str | None = TOKEN, limiter: RateLimiter | None = None,
            **kw: object) -> TelegramChannel:
    return TelegramChannel(conf(base, **kw), lambda: token, Redactor(),
                           limiter or RateLimiter(1000.0, 1000.0))


def message(body: str = "hello", subject: str = "", chat_id: int | None = CHAT, nid: int = 1) -> Message:
    return Message(nid, RecipientData(id=7, name="Ivan", telegram_chat_id=chat_id), subject, body)


def assert_no_token(exc: BaseException) -> None:
    texts = [getattr(exc, "detail", ""), "".join(traceback.format_exception(exc))]
    seen: BaseException | None = exc
    while seen is not None:  # the whole chain, even the suppressed part a crash reporter might walk
        texts += [str(seen), repr(seen)]
        seen = seen.__cause__ or seen.__context__
    for text in texts:
        assert SECRET_PART not in text
    # the requests exception (whose message holds the URL) must not be chained either
    assert exc.__cause__ is None and exc.__suppress_context__


# -- delivery and formatting -----------------------------------------------------------------
def test_delivers_escaped_html_with_bold_subject_and_link_preview_options(tg: FakeTelegram) -> None:
    ch = channel(tg.base_url)
    sent = ch.send(message("Disk <b>95%</b> & rising https://example.org", subject="Alert <1>"))
    (m,) = tg.messages
    assert m.chat_id == CHAT
    assert m.parse_mode == "HTML"
    assert m.text == "<b>Alert &lt;1&gt;</b>\nDisk &lt;b&gt;95%&lt;/b&gt; &amp; rising https://example.org"
    assert m.visible_text == "Alert <1>\nDisk <b>95%</b> & rising https://example.org"
    assert m.link_preview_options == {"is_disabled": True}
    assert m.disable_web_page_preview is None  # the removed parameter is not sent
    assert sent.provider_message_id == str(m.message_id)
    assert str(CHAT) in sent.detail


def test_request_is_a_json_body(tg: FakeTelegram) -> None:
    channel(tg.base_url).send(message("x"))
    (call,) = tg.calls_of("sendMessage")
    assert call.params == {"chat_id": CHAT, "text": "x", "parse_mode": "HTML",
                           "link_preview_options": {"is_disabled": True}}


def test_plain_mode_omits_parse_mode_and_previews_when_enabled(tg: FakeTelegram) -> None:
    ch = channel(tg.base_url, telegram_parse_mode="", telegram_disable_wpp=False)
    ch.send(message("a <b> & c", subject="Subj"))
    (call,) = tg.calls_of("sendMessage")
    assert "parse_mode" not in call.params
    assert "link_preview_options" not in call.params
    assert call.params["text"] == "Subj\n\na <b> & c"


def test_markdown_v2_text_is_escaped(tg: FakeTelegram) -> None:
    ch = channel(tg.base_url, telegram_parse_mode="MarkdownV2")
    ch.send(message("v1.5 * (beta) - done!"))
    (m,) = tg.messages
    assert m.text == r"v1\.5 \* \(beta\) \- done\!"
    assert m.visible_text == "v1.5 * (beta) - done!"


def test_token_pasted_with_bot_prefix_is_normalised(tg: FakeTelegram) -> None:
    assert normalize_token(f" bot{TOKEN}\n") == TOKEN
    assert normalize_token(f"https://api.telegram.org/bot{TOKEN}/getMe") == TOKEN
    channel(tg.base_url, token=f"bot{TOKEN}").send(message())
    assert len(tg.messages) == 1


def test_one_keep_alive_connection_per_channel(tg: FakeTelegram) -> None:
    ch = channel(tg.base_url)
    for n in range(3):
        ch.send(message(f"m{n}", nid=n))
    assert [m.text for m in tg.messages] == ["m0", "m1", "m2"]
    assert tg.connections == 1
    ch.close()
    ch.send(message("after close"))  # usable again after close()
    assert tg.connections == 2


def test_long_text_is_split_on_words_in_order_and_paced_per_chunk(tg: FakeTelegram) -> None:
    # "<" expands to "&lt;" when escaped: the limit is on visible text, counted before escaping
    words = [f"w{i}<{i % 7}" for i in range(3000)]
    body = " ".join(words)
    assert len(body) > 3 * TEXT_LIMIT
    clock = FakeClock()
    limiter = RateLimiter(25.0, 1.0, clock=clock.clock, sleep=clock.sleep)
    sent = channel(tg.base_url, limiter=limiter).send(message(body, subject="Report"))
    msgs = tg.messages
    assert len(msgs) >= 4
    assert all(telegram_length(m.visible_text) <= TEXT_LIMIT for m in msgs)
    assert any(len(m.text) > TEXT_LIMIT for m in msgs)  # escaped text is longer; still accepted
    assert msgs[0].text.startswith("<b>Report</b>\n")
    texts = [m.visible_text for m in msgs]
    texts[0] = texts[0].removeprefix("Report\n")
    assert " ".join(texts) == body  # in order, cut only at spaces, nothing lost
    for t in texts:
        assert t.split(" ")[0] in words and t.split(" ")[-1] in words
    # every chunk after the first waited for its per-chat slot (1 message/s)
    assert clock.sleeps == pytest.approx([1.0] * (len(msgs) - 1))
    assert sent.provider_message_id == ",".join(str(m.message_id) for m in msgs)
    assert f"in {len(msgs)} parts" in sent.detail


def test_format_parts_bolds_subject_only_once() -> None:
    parts = format_parts("S & P", "x " * 3000, "HTML", limit=100)
    assert parts[0].text.startswith("<b>S &amp; P</b>\n")
    assert all("<b>" not in p.text for p in parts[1:])
    assert all(telegram_length(p.plain) <= 100 for p in parts)


def test_empty_message_is_permanent_without_a_request(tg: FakeTelegram) -> None:
    with pytest.raises(Permanent, match="empty"):
        channel(tg.base_url).send(message("  \n ", subject=""))
    assert tg.calls == []


# -- rate limits -----------------------------------------------------------------------------
def test_429_is_transient_with_exact_retry_after_and_pauses_every_worker(tg: FakeTelegram) -> None:
    clock = FakeClock()
    shared = RateLimiter(1000.0, 1000.0, clock=clock.clock, sleep=clock.sleep)
    worker_a = channel(tg.base_url, limiter=shared)
    worker_b = channel(tg.base_url, limiter=shared)
    tg.fail_next(429, retry_after=35)

    with pytest.raises(Transient) as info:
        worker_a.send(message("a", chat_id=CHAT))
    assert info.value.retry_after == 35
    assert "35" in info.value.detail
    assert shared.paused_for() == pytest.approx(35.0)

    # another worker, another chat: it does not even call Telegram while the pause lasts
    with pytest.raises(Transient) as info_b:
        worker_b.send(message("b", chat_id=OTHER_CHAT))
    assert info_b.value.retry_after == pytest.approx(35.0)
    assert len(tg.calls_of("sendMessage")) == 1
    assert clock.sleeps == []  # no worker blocked on the pause

    clock.now += 35
    worker_b.send(message("b", chat_id=OTHER_CHAT))
    assert [m.text for m in tg.messages] == ["b"]


def test_server_rate_limit_answers_429_with_retry_after_header(tg: FakeTelegram) -> None:
    tg.rate_limit = 2
    ch = channel(tg.base_url)
    ch.send(message("1", nid=1))
    ch.send(message("2", nid=2))
    with pytest.raises(Transient) as info:
        ch.send(message("3", nid=3))
    assert info.value.retry_after == 1
    raw = requests.post(f"{tg.base_url}/bot{TOKEN}/sendMessage", json={"chat_id": CHAT, "text": "x"}, timeout=5)
    assert raw.status_code == 429 and raw.headers["Retry-After"] == "1"
    assert raw.json()["parameters"] == {"retry_after": 1}


def test_429_in_the_middle_of_a_split_message_resumes_without_repeating(tg: FakeTelegram) -> None:
    clock = FakeClock()
    limiter = RateLimiter(1000.0, 1.0, clock=clock.clock, sleep=clock.sleep)
    body = "\n\n".join(f"paragraph {i} " + "x" * 3000 for i in range(3))
    tg.fail_next(429, retry_after=3, after=1)  # the second part is refused
    ch = channel(tg.base_url, limiter=limiter)
    with pytest.raises(Transient) as info:
        ch.send(message(body, nid=42))
    assert info.value.retry_after == 3
    assert len(tg.messages) == 1
    clock.now += 3
    # the retry may run on another worker thread's channel instance
    sent = channel(tg.base_url, limiter=limiter).send(message(body, nid=42))
    assert [m.visible_text.split(" ")[1] for m in tg.messages] == ["0", "1", "2"]
    assert "1 already sent" in sent.detail


def test_pacing_saturation_is_transient_with_the_wait(tg: FakeTelegram) -> None:
    clock = FakeClock()
    limiter = RateLimiter(1000.0, 0.5, clock=clock.clock, sleep=clock.sleep)  # 2 s per chat
    ch = TelegramChannel(conf(tg.base_url), lambda: TOKEN, Redactor(), limiter, max_wait=0.5)
    ch.send(message("first", nid=1))
    with pytest.raises(Transient) as info:
        ch.send(message("second", nid=2))
    assert info.value.retry_after == pytest.approx(2.0)
    assert len(tg.messages) == 1


# -- failure classification ------------------------------------------------------------------
def test_403_blocked_is_permanent_and_mentions_start(tg: FakeTelegram) -> None:
    tg.add_chat(CHAT, blocked=True)
    with pytest.raises(Permanent) as info:
        channel(tg.base_url).send(message())
    assert "Start" in info.value.detail and "blocked" in info.value.detail


def test_403_never_started_is_permanent_and_mentions_start(tg: FakeTelegram) -> None:
    tg.add_chat(CHAT, started=False)
    with pytest.raises(Permanent) as info:
        channel(tg.base_url).send(message())
    assert "press Start" in info.value.detail


def test_400_chat_not_found_is_permanent(tg: FakeTelegram) -> None:
    with pytest.raises(Permanent, match="chat not found"):
        channel(tg.base_url).send(message(chat_id=999))


def test_other_400_is_permanent_with_description(tg: FakeTelegram) -> None:
    tg.fail_next(400, description="Bad Request: PEER_ID_INVALID")
    with pytest.raises(Permanent, match="PEER_ID_INVALID"):
        channel(tg.base_url).send(message())


def test_401_wrong_token_is_unavailable(tg: FakeTelegram) -> None:
    with pytest.raises(Unavailable, match="token") as info:
        channel(tg.base_url, token="987654:WrongTokenValue").send(message())
    assert "WrongTokenValue" not in str(info.value)


def test_404_wrong_base_url_is_unavailable(tg: FakeTelegram) -> None:
    with pytest.raises(Unavailable, match="TELEGRAM_API_BASE") as info:
        channel(tg.base_url + "/nothing-here").send(message())
    assert_no_token(info.value)


def test_404_from_a_non_bot_api_server_is_unavailable(tg: FakeTelegram) -> None:
    tg.fail_next(404, raw_body=b"<html>404 Not Found</html>")
    with pytest.raises(Unavailable):
        channel(tg.base_url).send(message())


def test_500_is_transient(tg: FakeTelegram) -> None:
    tg.fail_next(500)
    with pytest.raises(Transient, match="500"):
        channel(tg.base_url).send(message())


def test_non_json_body_is_transient(tg: FakeTelegram) -> None:
    tg.fail_next(502, raw_body=b"<html>Bad Gateway</html>")
    with pytest.raises(Transient, match="not Bot API JSON"):
        channel(tg.base_url).send(message())
    tg.fail_next(200, raw_body=b"not json at all")
    with pytest.raises(Transient):
        channel(tg.base_url).send(message())


def test_unparsable_formatting_falls_back_to_plain_text_once(tg: FakeTelegram) -> None:
    tg.fail_next(400, description="Bad Request: can't parse entities: Unsupported start tag \"p\" at byte offset 3")
    sent = channel(tg.base_url).send(message("a & b", subject="S"))
    (m,) = tg.messages
    assert m.parse_mode is None and m.text == "S\na & b"
    assert "plain text" in sent.detail


def test_group_migrated_to_supergroup_is_resent_and_reported(tg: FakeTelegram) -> None:
    tg.add_chat(-100, migrated_to=-1001234567890)
    tg.add_chat(-1001234567890)
    seen: list[tuple[int, int, int]] = []
    ch = TelegramChannel(conf(tg.base_url), lambda: TOKEN, Redactor(), RateLimiter(1000.0, 1000.0),
                         on_chat_migrated=lambda rid, old, new: seen.append((rid, old, new)))
    sent = ch.send(message(chat_id=-100))
    assert [m.chat_id for m in tg.messages] == [-1001234567890]
    assert seen == [(7, -100, -1001234567890)]
    assert "-1001234567890" in sent.detail


def test_server_description_is_redacted(tg: FakeTelegram) -> None:
    tg.fail_next(500, description=f"Internal Server Error: /bot{TOKEN}/sendMessage {SECRET_PART}")
    with pytest.raises(Transient) as info:
        channel(tg.base_url).send(message())
    assert_no_token(info.value)


def test_refused_connection_is_transient_and_leaks_no_token() -> None:
    with pytest.raises(Transient) as info:
        channel(refused_base_url()).send(message())
    assert "refused" in info.value.detail
    assert_no_token(info.value)


def test_timeout_is_transient_and_leaks_no_token() -> None:
    with silent_server() as base:
        with pytest.raises(Transient) as info:
            channel(base, telegram_timeout=0.3).send(message())
    assert "did not answer" in info.value.detail and "twice" in info.value.detail
    assert_no_token(info.value)


def test_invalid_base_url_is_unavailable_and_leaks_no_token() -> None:
    with pytest.raises(Unavailable) as info:
        channel("not a url").send(message())
    assert_no_token(info.value)


# -- availability ----------------------------------------------------------------------------
def test_no_token_is_unavailable_without_network(tg: FakeTelegram) -> None:
    ch = channel(tg.base_url, token=None)
    assert "no bot token" in (ch.unavailable_reason(message()) or "")
    with pytest.raises(Unavailable):
        ch.send(message())
    assert tg.calls == []


def test_recipient_without_chat_is_unavailable(tg: FakeTelegram) -> None:
    ch = channel(tg.base_url)
    assert "Start" in (ch.unavailable_reason(message(chat_id=None)) or "")
    assert ch.unavailable_reason(message()) is None
    with pytest.raises(Unavailable):
        ch.send(message(chat_id=None))


def test_unreadable_credential_store_is_unavailable(tg: FakeTelegram) -> None:
    def broken() -> str | None:
        raise SecretStoreError("the credential store (x) cannot be read: KeyringLocked")

    ch = TelegramChannel(conf(tg.base_url), broken, Redactor(), RateLimiter(1000.0))
    assert "cannot be read" in (ch.unavailable_reason(message()) or "")
    with pytest.raises(Unavailable):
        ch.send(message())


def test_build_telegram_reads_the_token_from_the_environment(tg: FakeTelegram) -> None:
    secrets = CredentialStore(environ={"TELEGRAM_BOT_TOKEN": f"bot{TOKEN}"})
    ch = build_telegram(conf(tg.base_url), secrets, Pacers())
    assert isinstance(ch, TelegramChannel) and ch.name == "telegram"
    ch.send(message())
    assert len(tg.messages) == 1


def test_build_telegram_reads_the_token_from_the_keyring(tg: FakeTelegram, keyring_backend: object) -> None:
    secrets = CredentialStore()
    secrets.set("telegram_bot_token", TOKEN)
    ch = build_telegram(conf(tg.base_url), secrets, Pacers())
    assert ch.unavailable_reason(message()) is None
    ch.send(message())
    assert len(tg.messages) == 1


# -- connection check ------------------------------------------------------------------------
def test_check_ok_names_the_bot(tg: FakeTelegram) -> None:
    result = check_telegram(conf(tg.base_url), f"bot{TOKEN}", Redactor())
    assert result.ok and "@notifier_test_bot" in result.message


@pytest.mark.parametrize("token, expect", [
    ("987654:WrongTokenValue", "rejected"),
    ("", "no bot token"),
    ("123 456", "spaces"),
])
def test_check_reports_token_problems(tg: FakeTelegram, token: str, expect: str) -> None:
    result = check_telegram(conf(tg.base_url), token, Redactor())
    assert not result.ok and expect in result.message
    assert "WrongTokenValue" not in result.message


def test_check_reports_network_problems_without_raising() -> None:
    for base in (refused_base_url(), "not a url", "http://127.0.0.1:1/\x00"):
        result = check_telegram(conf(base), TOKEN, Redactor())
        assert not result.ok and result.message
        assert SECRET_PART not in result.message


def test_check_reports_wrong_base_url(tg: FakeTelegram) -> None:
    result = check_telegram(conf(tg.base_url + "/x"), TOKEN, Redactor())
    assert not result.ok and "TELEGRAM_API_BASE" in result.message


# -- split_text ------------------------------------------------------------------------------
def test_telegram_length_counts_utf16_units() -> None:
    assert telegram_length("abc") == 3
    assert telegram_length("Привет") == 6
    assert telegram_length("😀") == 2


def test_split_prefers_paragraphs_then_lines_then_words() -> None:
    para = "a" * 60 + "\n\n" + "b" * 30 + "\n" + "c" * 30
    assert split_text(para, 100) == ["a" * 60, "b" * 30 + "\n" + "c" * 30]
    lines = "a" * 60 + "\n" + "b" * 30 + " " + "c" * 30
    assert split_text(lines, 100) == ["a" * 60, "b" * 30 + " " + "c" * 30]
    assert split_text("x" * 70 + "\n\n" + "y" * 70, 100) == ["x" * 70, "y" * 70]
    assert split_text("one two three", 8) == ["one two", "three"]
    assert split_text("abcdefghij", 4) == ["abcd", "efgh", "ij"]
    assert split_text("", 10) == [] and split_text(" \n ", 10) == []
    assert split_text("short", 10) == ["short"]


def test_split_never_cuts_a_surrogate_pair() -> None:
    assert split_text("😀" * 5, 4) == ["😀😀", "😀😀", "😀"]


def _visible(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


_alphabet = st.sampled_from(list("ab cd\n\tЖ😀&<") + ["\n\n"])


@hsettings(max_examples=300, deadline=None)
@given(st.lists(_alphabet, max_size=300).map("".join), st.integers(min_value=2, max_value=40))
def test_split_properties(text: str, limit: int) -> None:
    chunks = split_text(text, limit)
    assert all(telegram_length(c) <= limit for c in chunks)
    assert all(c.strip() for c in chunks)
    assert "".join(_visible(c) for c in chunks) == _visible(text)


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="abcЖ😀", min_size=1, max_size=8), min_size=1, max_size=80),
       st.lists(st.sampled_from([" ", "\n", "\n\n", "  "]), min_size=80, max_size=80),
       st.integers(min_value=16, max_value=60))
def test_split_keeps_words_whole_when_they_fit(words: list[str], seps: list[str], limit: int) -> None:
    assume(all(telegram_length(w) <= limit for w in words))
    text = "".join(w + s for w, s in zip(words, seps))
    chunks = split_text(text, limit)
    assert [w for c in chunks for w in c.split()] == words


# -- the imitation itself (so the tests above mean something) -----------------------------
def test_imitation_validates_like_the_reference(tg: FakeTelegram) -> None:
    url = f"{tg.base_url}/bot{TOKEN}"

    def post(method: str, **params: object) -> tuple[int, dict[str, object]]:
        r = requests.post(f"{url}/{method}", json=params, timeout=5)
        assert r.headers["Content-Type"] == "application/json"
        return r.status_code, r.json()

    assert post("sendMessage", chat_id=CHAT, text="<b>open")[0] == 200  # not HTML mode: literal
    code, body = post("sendMessage", chat_id=CHAT, text="<p>x</p>", parse_mode="HTML")
    assert (code, body["error_code"]) == (400, 400) and "can't parse entities" in str(body["description"])
    assert post("sendMessage", chat_id=CHAT, text="a < b", parse_mode="HTML")[0] == 400
    assert post("sendMessage", chat_id=CHAT, text="<b>x", parse_mode="HTML")[0] == 400
    assert post("sendMessage", chat_id=CHAT, text="x" * 4097)[1]["description"] == "Bad Request: message is too long"
    assert post("sendMessage", chat_id=CHAT, text="<b>" + "x" * 4096 + "</b>", parse_mode="HTML")[0] == 200
    assert post("sendMessage", chat_id=CHAT, text="")[1]["description"] == "Bad Request: message text is empty"
    assert post("sendMessage", chat_id=1, text="x")[1]["description"] == "Bad Request: chat not found"
    assert post("SENDMESSAGE", chat_id=CHAT, text="&lt;ok&gt;", parse_mode="HTML")[0] == 200
    assert tg.messages[-1].visible_text == "<ok>"
    assert post("noSuchMethod")[0] == 404
    assert requests.get(f"{tg.base_url}/getMe", timeout=5).json() == {
        "ok": False, "error_code": 404, "description": "Not Found"}
    assert requests.get(f"{tg.base_url}/botbot{TOKEN}/getMe", timeout=5).status_code == 404
    assert requests.get(f"{tg.base_url}/bot/getMe", timeout=5).status_code == 404
    assert requests.get(f"{tg.base_url}/bot1:wrong/getMe", timeout=5).status_code == 401
    assert requests.get(f"{url}/getMe", timeout=5).json()["result"]["username"] == "notifier_test_bot"
    form = requests.post(f"{url}/sendMessage", timeout=5, data={
        "chat_id": str(CHAT), "text": "form", "link_preview_options": json.dumps({"is_disabled": True})})
    assert form.status_code == 200 and tg.messages[-1].link_preview_options == {"is_disabled": True}
    assert parse_html("<a href=\"x\">l</a> &amp; &#65;") == "l & A"

