#!/usr/bin/env python3
"""One entry point that sets everything up on a fresh machine (Linux, macOS, Windows).

    python3 dev.py run      # create .venv, install, check Qt's system libraries (Linux), start the window
    python3 dev.py test     # create .venv, install with test extras, ruff, then the whole test suite
    python3 dev.py build    # PyInstaller one-folder bundle in dist/Notifier, then its frozen self-tests

Without arguments `test` runs the whole suite as several pytest processes at once (twice as
many as there are cores, and four), the Qt tests in two of them; extra arguments after `test`
go to one pytest instead. Test processes write bytecode (test_environment). ruff checks the
whole tree first either way; the run fails if either fails. The virtual environment is rebuilt only when pyproject.toml changes
(a stamp file records its hash), so repeated runs start fast. It is `.venv` under Python
3.11 (CI's first Python/Qt pair) and `.venv-3.N` under any other, so the second pair
(`python3.12 dev.py test`: Python 3.12 with PySide6 6.12, what the Windows build ships)
lives beside it. Only the standard library is used here: this script runs before anything
is installed.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
VENV = ROOT / (".venv" if sys.version_info[:2] == (3, 11) else f".venv-{sys.version_info[0]}.{sys.version_info[1]}")


def _venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def _ensure_venv(extras: str) -> Path:
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    py = _venv_python()
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed-{extras or 'base'}"
    if py.exists() and stamp.exists() and stamp.read_text() == digest:
        return py
    if not py.exists():
        print(f"Creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    target = f".[{extras}]" if extras else "."
    print(f"Installing {target} into {VENV}", flush=True)
    subprocess.run(
        [str(py), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target],
        cwd=ROOT,
        check=True,
    )
    stamp.write_text(digest)
    return py


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "build"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    py = _ensure_venv({"test": "test", "build": "build"}.get(command, ""))
    # The assets are built from resources/ into notifier_gui/resources/ (never committed).
    subprocess.run([str(py), str(ROOT / "tools" / "i18n.py"), "build"], cwd=ROOT, check=True)
    if command == "test":
        lint = subprocess.call([str(py), "-m", "ruff", "check", "--quiet", "--output-format", "concise", "."], cwd=ROOT)
        if lint:
            print("ruff found the problems above (`ruff check --fix` sorts imports); the tests run anyway",
                  flush=True)
        env = test_environment()
        # Compiled once here, not in each test process and each program a test starts.
        subprocess.run([str(py), "-m", "compileall", "-q", "notifier_gui"], cwd=ROOT, env=env, check=True)
        if rest:
            return subprocess.call([str(py), "-m", "pytest", *rest], cwd=ROOT, env=env) or lint
        return test_in_shards(py, env) or lint
    if command == "build":
        return build(py)
    if sys.platform.startswith("linux"):
        # Qt's xcb plugin needs system libraries pip cannot install: name the missing
        # ones and the exact apt-get line before Qt aborts with a misleading hint.
        status = subprocess.call([str(py), "-m", "notifier_gui.platform_check"], cwd=ROOT)
        if status:
            return status
    return subprocess.call([str(py), "-m", "notifier_gui", *rest], cwd=ROOT)


def test_environment() -> dict[str, str]:
    """The test processes' environment: Python writes bytecode (to __pycache__, git-ignored)
    even where PYTHONDONTWRITEBYTECODE is set. Without it every program a test starts compiled
    the program's modules again, and every pytest process its test files (assertion
    rewriting): 8 s of CPU to collect the suite instead of 3, and the suite's CPU is what its
    time is made of on two cores. (Not PYTHONPYCACHEPREFIX: Python then ignores every
    __pycache__ beside the sources, and a fresh clone compiled its whole .venv again.)"""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


# The whole suite is mostly waiting (servers that answer slowly on purpose, leases, real
# processes), so it runs as more pytest processes than there are cores.
SHARDS = max(2, min(9, 2 * (os.cpu_count() or 1) + 4))
DURATIONS = ROOT / "tests" / "durations.json"  # seconds per test file (tools/test_durations.py)
REPORTS = ROOT / ".test-reports"  # each process's JUnit XML, the input of tools/test_durations.py


def test_in_shards(py: Path, env: dict[str, str], shards: int = SHARDS) -> int:
    """The whole suite as ``shards`` pytest processes at once, each given whole test files,
    balanced by the times in tests/durations.json (longest first, each to the least loaded
    process). The Qt tests (tests/ui) run in processes of their own, each in file order:
    one QApplication (pytest-xdist's workers crashed inside Qt here, twice in two runs; a Qt
    process given other test files too segfaulted in a QMainWindow() twice in four runs, cause
    not found). Each process's report is printed when it ends, then one line per process and
    the verdict."""
    import json
    import tempfile
    import time

    known: dict[str, float] = json.loads(DURATIONS.read_text(encoding="utf-8")) if DURATIONS.exists() else {}
    default = 2.0  # a file not timed yet
    qt: list[str] = []  # the Qt test files: only in Qt processes
    weight: dict[str, float] = {}  # every other test file: its own unit
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name.startswith("tests/ui/"):
            qt.append(name)
        else:
            weight[name] = known.get(name, default)
    # [seconds, index, files]: the Qt files in Qt processes of their own (nothing else in a
    # process that owns a QApplication), two of them when there are processes enough (the Qt
    # files alone were the longest process, 105 s of a 110 s suite), the rest shared out.
    qt_processes = 2 if shards >= 5 else 1
    loads: list[list[Any]] = [[0.0, i, []] for i in range(qt_processes)]
    for name in sorted(qt, key=lambda f: (-known.get(f, default), f)):
        least = min(loads)
        least[0] += known.get(name, default)
        least[2].append(name)
    for load in loads:
        load[2].sort()  # each Qt process runs its files in file order
    others = [[0.0, i, []] for i in range(qt_processes, max(shards, qt_processes + 1))]
    for unit in sorted(weight, key=lambda u: (-weight[u], u)):
        least = min(others)
        least[0] += weight[unit]
        least[2].append(unit)
    loads += [load for load in others if load[2]]
    REPORTS.mkdir(exist_ok=True)
    for old in REPORTS.glob("shard-*.xml"):
        old.unlink()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        running = {}
        for _, i, chosen in loads:
            out = open(Path(tmp) / f"shard{i}.txt", "w+", encoding="utf-8")
            cmd = [str(py), "-m", "pytest", "-q", f"--junitxml={REPORTS / f'shard-{i}.xml'}", *chosen]
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
            running[proc] = (i, chosen, out)
        print(f"== {len(running)} pytest processes at once: tests/ui in {qt_processes}, the other test "
              f"files spread by tests/durations.json ==", flush=True)
        results = []
        while running:
            proc = next((p for p in running if p.poll() is not None), None)
            if proc is None:
                time.sleep(0.2)
                continue
            i, chosen, out = running.pop(proc)
            out.seek(0)
            report = out.read()
            out.close()
            last = (report.strip().splitlines() or ["(no output)"])[-1].strip("= ")
            verdict = "passed" if proc.returncode == 0 else f"FAILED (exit status {proc.returncode})"
            results.append((i, proc.returncode, last))
            print(f"== process {i + 1} {verdict} after {time.monotonic() - started:.0f} s: "
                  f"{' '.join(chosen)} ==\n{report}", flush=True)
    failed = [i for i, code, _ in results if code]
    for i, code, last in sorted(results):
        print(f"process {i + 1}: {'passed' if code == 0 else 'FAILED'}: {last}", flush=True)
    total = f"{time.monotonic() - started:.0f} s"
    print(f"== the whole suite {'FAILED in process ' + ', '.join(str(i + 1) for i in failed) if failed else 'passed'}"
          f" ({len(results)} processes, {total}) ==", flush=True)
    return 1 if failed else 0


def build(py: Path) -> int:
    """Bundle with the spec, then prove the bundle works: both executables' self-tests."""
    import json
    import tempfile
    import time

    dist, work = ROOT / "dist", ROOT / ".pyinstaller-work"  # work folder outside build/ (the spec lives there)
    started = time.monotonic()
    subprocess.run([str(py), "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--distpath", str(dist),
                    "--workpath", str(work), str(ROOT / "build" / "pyinstaller.spec")], cwd=ROOT, check=True)
    print(f"bundle built in {time.monotonic() - started:.0f} s", flush=True)
    bundle = dist / "Notifier"
    exe = ".exe" if os.name == "nt" else ""
    env = dict(os.environ)
    if sys.platform.startswith("linux") and not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        report_file = Path(tmp) / "gui-report.json"
        for label, cmd in (("notifier-cli self-test", [str(bundle / f"notifier-cli{exe}"), "self-test"]),
                           ("Notifier --self-test", [str(bundle / f"Notifier{exe}"), "--self-test",
                                                     "--report", str(report_file)])):
            print(f"== frozen {label} ==", flush=True)
            result = subprocess.run(cmd, env=env, cwd=tmp, capture_output=True, text=True, timeout=300)
            text = result.stdout.strip() or (report_file.read_text(encoding="utf-8") if report_file.exists() else "")
            print(text or result.stderr, flush=True)
            if result.returncode != 0:
                print(result.stderr, flush=True)
                failures += 1
        # Start-up time of the frozen window with an existing database (the second start
        # is the one an operator sees every day: the database is already migrated).
        data = Path(tmp) / "data"
        env["NOTIFIER_DATA_DIR"] = str(data)
        for attempt in ("first start", "next start"):
            r = subprocess.run([str(bundle / f"Notifier{exe}"), "--quit-after", "0.2"], env=env, cwd=tmp,
                               capture_output=True, text=True, timeout=120)
            line = next((ln for ln in r.stdout.splitlines() if ln.startswith("startup:")), r.stderr.strip()[-300:])
            print(f"frozen {attempt}: {line}", flush=True)
            failures += r.returncode != 0
    size = sum(f.stat().st_size for f in bundle.rglob("*") if f.is_file())
    print(f"bundle: {bundle} ({size / 2**20:.0f} MiB)", flush=True)
    print(json.dumps({"bundle_mib": round(size / 2**20), "failures": failures}), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
