"""One declaration per setting (#15 item 6): a setting's rules live beside its type and
default in ``config.Settings``, and every check reads them; its errors name it by key; the
README's table lists exactly the declared settings with their declared defaults."""
from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path
from typing import Any

import pytest

from notifier_gui.core import config, settings_store
from notifier_gui.core import setting_rules as r
from notifier_gui.core.config import ConfigError, Settings
from notifier_gui.core.messages import Msg

ROOT = Path(__file__).resolve().parents[1]
FIELDS = {f.metadata["env"]: f for f in dataclasses.fields(Settings)}


def _breaking(rule: r.Rule) -> Any:
    """A value that ``rule`` refuses."""
    if isinstance(rule, r.Seconds):
        return 0.0 if rule.positive else -1.0
    if isinstance(rule, r.SecondsList):
        return (float(r.MAX_SECONDS + 1),)
    if isinstance(rule, r.Between):
        return rule.high + 1
    if isinstance(rule, r.AtLeast):
        return rule.low - 1
    if isinstance(rule, r.Fraction):
        return 1.0
    if isinstance(rule, r.Choice):
        return "no-such-choice"
    if isinstance(rule, r.Channels):
        return ("fax",)
    if isinstance(rule, r.NotBlank):
        return " "
    if isinstance(rule, r.HeaderSafe):
        return "a\nb"
    if isinstance(rule, r.Host):
        return "smtp.example.org:587"
    if isinstance(rule, r.HttpUrl):
        return "ftp://example.org"
    if isinstance(rule, r.EmailAddress):
        return "not an address"
    raise AssertionError(f"no breaking value for {rule!r}")


DECLARED = [(env, rule) for env, f in FIELDS.items() for rule in config.rules(f)]


def test_settings_declare_their_rules() -> None:
    """The rules the old code kept in tables in config._check and settings_store.validate."""
    declared = {env for env, _ in DECLARED}
    assert {"SMTP_TIMEOUT", "NOTIFIER_LIFETIME", "SMS_RATE", "SMTP_PORT", "NOTIFIER_API_PORT", "SMS_PROVIDER",
            "SMTP_HOST", "TELEGRAM_API_BASE", "TWILIO_API_BASE", "SMSRU_API_BASE", "NOTIFIER_CHANNELS",
            "DEFAULT_FROM_EMAIL", "NOTIFIER_KEEP_DAYS", "IMAP_FOLDER", "ANDROID_SMS_URL"} <= declared
    assert len(DECLARED) > 40


@pytest.mark.parametrize(("env", "rule"), DECLARED, ids=[f"{env}-{type(rule).__name__}" for env, rule in DECLARED])
def test_each_declared_rule_is_what_the_checks_apply(env: str, rule: r.Rule, tmp_path: Path) -> None:
    """Loading refuses what the declaration refuses (load-time rules), and the Settings dialog's
    check files the problem under the setting's own key, whatever its words."""
    value = _breaking(rule)
    base = Settings(data_dir=tmp_path)
    if rule.on_load:
        with pytest.raises(ConfigError) as info:
            config.with_overrides(base, **{FIELDS[env].name: value})
        assert info.value.setting == env and isinstance(info.value.msg, Msg)
    else:  # checked for what the dialog saves only: an existing .env keeps loading
        config.with_overrides(base, **{FIELDS[env].name: value})
    problems = settings_store.validate(base, {env: value})
    assert list(problems) == [env] and isinstance(problems[env], Msg), problems


def test_dialog_problems_are_keyed_by_setting_not_by_their_words(tmp_path: Path) -> None:
    """The old validate found the field by a setting name at the start of the message; these
    messages name none, and still land on their field."""
    base = Settings(data_dir=tmp_path)
    problems = settings_store.validate(base, {"SMTP_HOST": "smtp example", "NOTIFIER_BACKOFF": (),
                                              "NOTIFIER_CHANNELS": (), "TWILIO_API_BASE": "x"})
    assert set(problems) == {"SMTP_HOST", "NOTIFIER_BACKOFF", "NOTIFIER_CHANNELS", "TWILIO_API_BASE"}
    for env, message in problems.items():
        assert env not in message
    assert str(problems["NOTIFIER_BACKOFF"]) == "give at least one number of seconds, e.g. 2, 10"
    assert str(problems["NOTIFIER_CHANNELS"]) == "choose at least one channel"


def test_a_config_error_is_english_for_the_cli_and_data_for_the_window(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        config.load(environ={"NOTIFIER_DATA_DIR": str(tmp_path), "NOTIFIER_CONCURRENCY": "0"}, cwd=tmp_path)
    assert str(info.value) == "NOTIFIER_CONCURRENCY must be between 1 and 64, got 0"
    assert info.value.setting == "NOTIFIER_CONCURRENCY"
    assert info.value.msg.code == "config.between"
    assert info.value.msg.params == {"env": "NOTIFIER_CONCURRENCY", "low": 1, "high": 64, "value": 0}


def test_the_sms_provider_check_reads_one_list() -> None:
    """The provider names are given by one call (config.sms_provider_names), not typed in the check."""
    assert config.problem("SMS_PROVIDER", "") is None
    for name in config.sms_provider_names():
        assert config.problem("SMS_PROVIDER", name) is None
    assert "pigeon" in str(config.problem("SMS_PROVIDER", "pigeon"))


# -- the README's table -------------------------------------------------------------------
def _readme_rows() -> list[tuple[list[str], list[str]]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("| Name | Default | Meaning |")
    table = text[start:text.index("\n\n", start)].splitlines()[2:]
    rows = []
    for line in table:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append((re.findall(r"`([A-Z][A-Z0-9_]+)`", cells[0]), re.split(r", | / ", cells[1])))
    return rows


def _declared_names() -> set[str]:
    return {*config.option_names(), *config.SECRET_ENV_NAMES.values(), config.SECRETS_PASSPHRASE_ENV}


def test_the_readme_table_lists_every_declared_setting_once() -> None:
    listed = [name for names, _ in _readme_rows() for name in names]
    assert sorted(set(listed) - _declared_names()) == [], "in the README but not declared"
    assert sorted(_declared_names() - set(listed)) == [], "declared but not in the README's table"
    assert len(listed) == len(set(listed))


def _matches(cell: str, default: Any) -> bool:
    cell = cell.strip("`")
    if default in ("", None) or isinstance(default, Path):  # no value: said in words ("–", "login", "auto")
        return not re.search(r"\d", cell) or cell == "–"
    if isinstance(default, bool):
        return cell == str(int(default))
    if isinstance(default, (int, float)):
        return re.fullmatch(r"[\d.]+", cell) is not None and math.isclose(float(cell), default)
    if isinstance(default, tuple):
        return cell == ",".join(f"{x:g}" if isinstance(x, float) else x for x in default)
    return cell == default or default.endswith("//" + cell)  # a URL's host for short


def test_the_readme_table_gives_the_declared_defaults() -> None:
    defaults = {f.metadata["env"]: f.default for f in dataclasses.fields(Settings)}
    wrong = []
    for names, cells in _readme_rows():
        if len(cells) == 1 and len(names) > 1:
            cells = cells * len(names)  # one "–" for a group without values
        assert len(cells) == len(names), (names, cells)
        for name, cell in zip(names, cells):
            if name in defaults and not _matches(cell, defaults[name]):
                wrong.append((name, cell, defaults[name]))
    assert wrong == []


def test_where_a_secret_is_sent_is_declared_by_the_setting() -> None:
    """An implicit ./.env must not redirect a stored secret: the settings that say where it goes
    declare it (``sends``), with the host setting without which nothing is sent (``host``)."""
    for f in dataclasses.fields(Settings):
        assert f.metadata["sends"] in ("", *config.SECRET_ENV_NAMES), f.name
        assert f.metadata["host"] in ("", *config.option_names()), f.name
    assert config.SECRET_ENDPOINTS["smtp_password"] == ("SMTP_HOST", "SMTP_PORT", "SMTP_USE_TLS", "SMTP_USE_SSL")
    assert config.SECRET_ENDPOINTS["twilio_auth_token"] == ("TWILIO_API_BASE",)


def test_the_android_gateway_address_is_an_http_address_or_empty(tmp_path: Path) -> None:
    """It was never checked: "192.168.1.5:8080" (no scheme) was saved and every SMS then failed."""
    base = Settings(data_dir=tmp_path)
    for bad in ("192.168.1.5:8080", "ftp://192.168.1.5", "http://phone .lan:8080"):
        problems = settings_store.validate(base, {"ANDROID_SMS_URL": bad})
        assert list(problems) == ["ANDROID_SMS_URL"] and problems["ANDROID_SMS_URL"].code == "settings.http_url"
    for good in ("", "http://192.168.1.5:8080", "https://gateway.example.org/api/3rdparty/v1"):
        assert settings_store.validate(base, {"ANDROID_SMS_URL": good}) == {}
