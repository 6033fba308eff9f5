#!/usr/bin/env python3
"""Notifier benchmarks: the program side by side with what an operator would use instead,
on this machine, in one run. See docs/PERFORMANCE.md.

    python3 bench/run.py                      # everything (about 15 minutes on 2 cores)
    python3 bench/run.py --only smtp,enqueue  # a subset
    python3 bench/run.py --runs 5             # more runs per figure

The first start creates bench/.venv (the program installed editable + bench/requirements.txt)
and re-runs itself inside it; later starts reuse it until either file changes. Only the
standard library is used before that point.

Sections (--only): smtp, enqueue, sqlite, pacing, window, scale, api; and profile (not in the
default set: one extra end-to-end run of the program under py-spy).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV = BENCH / ".venv"
SECTIONS = ("smtp", "enqueue", "sqlite", "pacing", "window", "scale", "api")
EXTRA_SECTIONS = ("profile", "history")  # history: ~1 GB database, built once and cached


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv() -> Path:
    """Create/refresh bench/.venv when requirements.txt or pyproject.toml changed."""
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    py = venv_python()
    digest = hashlib.sha256((BENCH / "requirements.txt").read_bytes()
                            + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = VENV / ".installed"
    if py.exists() and stamp.exists() and stamp.read_text() == digest:
        return py
    if not py.exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    print(f"installing the program (editable) and bench/requirements.txt into {VENV}", flush=True)
    subprocess.run([str(py), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", str(ROOT),
                    "-r", str(BENCH / "requirements.txt")], cwd=ROOT, check=True)
    stamp.write_text(digest)
    return py


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Notifier benchmarks (see docs/PERFORMANCE.md)")
    p.add_argument("--only", help=f"comma-separated sections: {', '.join(SECTIONS + EXTRA_SECTIONS)}")
    p.add_argument("--runs", type=int, default=3, help="runs per figure (default 3)")
    p.add_argument("--messages", type=int, default=2000, help="emails per delivery run (default 2000)")
    p.add_argument("--tls", default="starttls,plain", help="sink modes for delivery: starttls, plain")
    p.add_argument("--concurrency", default="4,8", help="the program's worker threads to try (default 4,8)")
    p.add_argument("--celery-concurrency", type=int, default=8,
                   help="Celery prefork pool size (default 8: I/O-bound tasks; the fastest of 2, 4, 8 here)")
    p.add_argument("--pacing-serial", dest="pacing_parallel", action="store_false",
                   help="run the pacing runs one after another (default: side by side; they are rate-bound)")
    p.add_argument("--scale-k", type=int, default=10_000,
                   help="scale curve: deliver at most this many of each queue (default 10,000)")
    p.add_argument("--profile", action="store_true", help="also run the profile section")
    p.add_argument("--history-n", type=int, default=1_000_000,
                   help="notifications in the history section's big database (2 attempts each; default 1,000,000)")
    p.add_argument("--history-prune-big", action="store_true",
                   help="history section: also prune the big database (a copy) with workers beside it for the "
                        "whole run, step by step (~25 min on a loaded 2-core machine)")
    p.add_argument("--no-install", action="store_true", help="use the current interpreter as it is")
    p.add_argument("--results", default=str(BENCH / "results"), help="folder for the JSON results")
    a = p.parse_args(argv)
    a.sections = [s.strip() for s in (a.only or ",".join(SECTIONS)).split(",") if s.strip()]
    if a.profile and "profile" not in a.sections:
        a.sections.append("profile")
    bad = [s for s in a.sections if s not in SECTIONS + EXTRA_SECTIONS]
    if bad:
        p.error(f"unknown section(s): {', '.join(bad)}")
    return a


def main() -> int:
    args = parse_args(sys.argv[1:])
    inside = Path(sys.prefix).resolve() == VENV.resolve()
    if not inside and not args.no_install:
        py = ensure_venv()
        return subprocess.call([str(py), str(Path(__file__).resolve()), *sys.argv[1:]])
    sys.path.insert(0, str(BENCH))
    from harness import run_all

    return run_all(args)


if __name__ == "__main__":
    sys.exit(main())
