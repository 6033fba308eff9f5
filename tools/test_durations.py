"""Refresh tests/durations.json, the seconds each test file takes, from the JUnit reports of the
last `python3 dev.py test` (.test-reports/shard-*.xml). dev.py balances its pytest processes by
these times, so refresh them when test files are added or their times change much:

    python3 dev.py test && .venv/bin/python tools/test_durations.py

Only the standard library is used. A file missing from the reports keeps its old time."""
from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DURATIONS = ROOT / "tests" / "durations.json"


def file_of(classname: str) -> str | None:
    """``tests.ui.test_log`` (or ``tests.ui.test_log.TestClass``) -> ``tests/ui/test_log.py``."""
    parts = classname.split(".")
    while parts:
        path = "/".join(parts) + ".py"
        if (ROOT / path).is_file():
            return path
        parts.pop()
    return None


def main(reports: list[Path]) -> int:
    if not reports:
        print("no reports: run `python3 dev.py test` first (it writes .test-reports/shard-*.xml)", file=sys.stderr)
        return 2
    seconds: dict[str, float] = defaultdict(float)
    for report in reports:
        for case in ET.parse(report).iter("testcase"):
            path = file_of(case.get("classname", ""))
            if path:
                seconds[path] += float(case.get("time", "0"))
    old = json.loads(DURATIONS.read_text(encoding="utf-8")) if DURATIONS.exists() else {}
    merged = {**old, **{path: round(t, 1) for path, t in seconds.items()}}
    merged = {path: t for path, t in sorted(merged.items()) if (ROOT / path).is_file()}
    DURATIONS.write_text(json.dumps(merged, indent=1) + "\n", encoding="utf-8")
    print(f"{DURATIONS.relative_to(ROOT)}: {len(merged)} files, {sum(merged.values()):.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main([Path(a) for a in sys.argv[1:]] or sorted((ROOT / ".test-reports").glob("shard-*.xml"))))
