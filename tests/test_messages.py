"""Messages as data (#15 item 5): a core message is its English text and its code with parameters."""
from __future__ import annotations

import copy
import pickle

import pytest

from notifier_gui.core.messages import Msg, Template, as_msg

GOT = Template("test.got", "{env} must be a test value, got {value!r}")
FIELD = Template("test.field", "{field} - {message}")
WORD = Template("test.word", "a test word")


def test_a_message_is_its_english_and_carries_code_and_params() -> None:
    msg = GOT(env="SMTP_PORT", value="x")
    assert msg == "SMTP_PORT must be a test value, got 'x'" and isinstance(msg, str)
    assert msg.code == "test.got" and msg.params == {"env": "SMTP_PORT", "value": "x"}
    assert msg.shown_params() == {"env": "SMTP_PORT", "value": "'x'"}  # as the English shows them
    assert f"notifier: {msg}" == "notifier: SMTP_PORT must be a test value, got 'x'"  # the CLI's line


def test_a_nested_message_stays_data() -> None:
    msg = FIELD(field="name", message=WORD())
    assert msg == "name - a test word"
    assert isinstance(msg.shown_params()["message"], Msg) and msg.shown_params()["message"].code == "test.word"


def test_a_template_needs_all_its_fields_and_a_code_has_one_wording() -> None:
    with pytest.raises(TypeError, match="value"):
        GOT(env="SMTP_PORT")
    Template("test.got", GOT.english)  # the same declaration again (a re-imported module) is fine
    with pytest.raises(ValueError, match="test.got"):
        Template("test.got", "reworded without a new code")


def test_plain_english_is_read_back_by_the_templates_own_wording() -> None:
    back = as_msg("SMTP_PORT must be a test value, got 'x'")
    assert back is not None and back.code == "test.got"
    assert back.shown_params() == {"env": "SMTP_PORT", "value": "'x'"}
    field = as_msg("name - a test word", accept=lambda m: m.code == "test.field")
    assert field is not None and field.params == {"field": "name", "message": "a test word"}
    assert as_msg("nothing the core says") is None
    msg = GOT(env="A", value=1)
    assert as_msg(msg) is msg


def test_a_message_survives_copies_and_pickles_as_its_english() -> None:
    msg = GOT(env="SMTP_PORT", value=0)
    assert copy.copy(msg) == msg and copy.deepcopy(msg) == msg
    assert pickle.loads(pickle.dumps(msg)) == str(msg)


def test_a_field_named_twice_reads_back_once() -> None:
    twice = Template("test.twice", "{path} sets a test {env}; save {env} or name {path}")
    msg = twice(path="/w/.env", env="SMTP_HOST")
    back = as_msg(str(msg))
    assert back is not None and back.code == "test.twice" and back.params == {"path": "/w/.env", "env": "SMTP_HOST"}
