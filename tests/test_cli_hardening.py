"""The command line under hostile or unlucky conditions: raw control characters, start-up faults."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from notifier_gui.cli import main
from notifier_gui.core.runtime import Runtime


def run(*argv: str, stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out, stdin=io.StringIO(stdin))
    return code, out.getvalue()


def test_users_list_and_show_never_print_raw_control_characters(data_dir: Path) -> None:
    rt = Runtime.open()
    try:  # an older row, written before names were checked: the store takes it as it is
        rid = rt.store.add_recipient(name="Eve\x1b]0;pwned\x07\x1b[2J\u202e", email="eve@example.org", phone=None,
                                     telegram_chat_id=None, channels=(), notes="")
        (nid,) = rt.store.enqueue([rid], "hi", subject="s")
    finally:
        rt.close()
    code, text = run("users", "list")
    assert code == 0 and "Eve" in text
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "\\x1b" in text
    code, text = run("show", str(nid))
    assert code == 0 and "\x1b" not in text and "\\x1b" in text
    code, text = run("--sandbox", "worker", "--until-done")
    assert code == 0 and "Eve" in text and "\x1b" not in text


@pytest.mark.parametrize("args", [
    ["users", "add", "--name", "Ann\u202eevil"],
    ["users", "add", "--name", "A\x00B"],
    ["send", "--user", "1", "--message", "a\x1b[2Jb"],
    ["send", "--user", "1", "--message", "hi", "--subject", "=?utf-8?q?Alert=0D=0AReply-To:_x@evil.example?="],
])
def test_control_characters_and_encoded_line_breaks_are_bad_input(
        data_dir: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(*args)
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "must not contain" in err
