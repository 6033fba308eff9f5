"""Commands that do not deliver import only what they use: no dispatcher, channels, psutil or
requests; ``users list`` (no secret, no ``.env``) not even keyring or python-dotenv (checked
in a fresh process, from ``sys.modules`` after the command ran)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_helpers import as_json, env_for, notifier

HEAVY = ("notifier_gui.core.delivery.dispatcher", "notifier_gui.core.delivery.channels", "psutil", "requests")
NO_SECRETS = ("keyring", "dotenv")  # imported on first use of a secret / when a .env exists
PROBE = """
import io, json, sys
from notifier_gui import cli
code = cli.main(sys.argv[1:], out=io.StringIO())
print(json.dumps({"code": code, "modules": sorted(m for m in sys.modules if m.split(".")[0] in
                  ("notifier_gui", "psutil", "requests", "keyring", "dotenv"))}))
"""


@pytest.mark.parametrize("args", [["users", "list", "--json"], ["send", "--user", "1", "--message", "hi"],
                                  ["show", "1"]])
def test_commands_that_do_not_deliver_import_no_delivery_code(data_dir: Path, args: list[str]) -> None:
    as_json(notifier(data_dir, "users", "add", "--name", "Anna", "--email", "anna@example.org", "--json"))
    if args[0] == "show":
        as_json(notifier(data_dir, "send", "--user", "1", "--message", "first", "--json"))
    r = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                       env=env_for(data_dir), cwd=data_dir.parent, timeout=60)
    report = json.loads(r.stdout.strip().splitlines()[-1])
    assert report["code"] == 0, r.stderr
    loaded = [m for m in report["modules"] if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert loaded == []
    if args[0] == "users":
        assert [m for m in report["modules"] if m.split(".")[0] in NO_SECRETS] == []


def test_the_worker_still_has_everything(data_dir: Path) -> None:
    r = subprocess.run([sys.executable, "-c", PROBE, "worker", "--until-done", "--max-seconds", "5"],
                       capture_output=True, text=True, env=env_for(data_dir), cwd=data_dir.parent, timeout=60)
    report = json.loads(r.stdout.strip().splitlines()[-1])
    assert "notifier_gui.core.delivery.dispatcher" in report["modules"]
