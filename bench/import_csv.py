#!/usr/bin/env python3
"""`notifier users import` of a large CSV: wall time and the process's peak memory (max RSS).

    .venv/bin/python bench/import_csv.py            # 1,000,000 rows
    .venv/bin/python bench/import_csv.py --rows 100000

Runs the real command in a child process on a fresh data folder; prints one JSON line.

Measured here (2 cores shared with other work, run at nice 19): 1,000,000 rows (56 MiB)
imported in 839 s with a peak RSS of 109 MiB; 100,000 rows: 74 MiB. Before streaming,
a million rows held 840 MB and had not finished after 25 minutes.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=1_000_000)
    a = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="notifier-bench-import-") as tmp:
        csv_path = Path(tmp) / "people.csv"
        with open(csv_path, "w", encoding="utf-8") as fh:
            fh.write("name,email,phone,telegram_chat_id\n")
            for i in range(a.rows):
                fh.write(f"Person {i},person{i}@example.org,+7916{i:07d},{1000 + i}\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTIFIER_", "DATABASE_URL"))}
        env.update(NOTIFIER_DATA_DIR=str(Path(tmp) / "data"), PYTHONPATH=str(ROOT))
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "notifier_gui.cli", "users", "import", str(csv_path)],
                              env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(json.dumps({"rows": a.rows, "exit": done.returncode, "stdout": done.stdout.strip(),
                          "seconds": round(seconds, 1), "rows_per_second": round(a.rows / seconds),
                          "max_rss_mib": round(peak_kib / 1024, 1),
                          "csv_mib": round(csv_path.stat().st_size / 2**20, 1)}))


if __name__ == "__main__":
    main()
