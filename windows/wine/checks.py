"""The Linux side of windows/wine-build.sh: what is checked from outside the Wine prefix.

Runs in the script's own small host venv (aiosmtpd, trustme, pefile, packaging), never in
the Windows Python. Each subcommand exits non-zero with one line saying what is wrong.

    checks.py requirements PYPROJECT        the Windows pins, read from pyproject.toml
    checks.py smtp-sink DIR                 an aiosmtpd sink (STARTTLS, test CA, AUTH) on loopback
    checks.py report FILE LABEL [--keyring NAME]   a self-test JSON report passed
    checks.py delivered FILE                a `notifier-cli show --json` says delivered via email
    checks.py version EXE PYPROJECT         the version resource matches pyproject.toml
    checks.py no-secret DIR SECRET_FILE     no file under DIR holds the secret
"""
from __future__ import annotations

import json
import sys
import threading
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The Windows build's target, for evaluating pyproject.toml's environment markers.
WINDOWS_ENV = {
    "python_version": "3.12", "python_full_version": "3.12.9", "sys_platform": "win32",
    "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64",
    "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": "",
}
# pip evaluates dependency markers for the *host* while downloading, so the dependencies
# that exist only on Windows are named here (keyring -> pywin32-ctypes; PyInstaller ->
# pywin32-ctypes, pefile). pip inside Wine installs with --no-index: anything missing
# fails there, loudly.
WINDOWS_ONLY = ["pywin32-ctypes>=0.2.1", "pefile>=2022.5.30,!=2024.8.26", "colorama"]


def fail(message: str) -> None:
    print(f"FAILED: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def pyproject(path: str) -> dict:
    with open(path, "rb") as f:
        return tomllib.load(f)


def requirements(path: str) -> None:
    from packaging.requirements import Requirement

    project = pyproject(path)["project"]
    lines = []
    for spec in project["dependencies"] + project["optional-dependencies"]["build"]:
        req = Requirement(spec)
        if req.marker is None or req.marker.evaluate(WINDOWS_ENV):
            req.marker = None
            lines.append(str(req))
    for line in lines + WINDOWS_ONLY:
        print(line)


def smtp_sink(folder: str, timeout: float = 600.0) -> None:
    """Serve until one message arrives (or DIR/stop appears); record it in DIR/received.json."""
    import trustme

    sys.path.insert(0, str(ROOT))
    from tests.servers.smtp import PASSWORD, USER, SMTPServer

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(out / "ca.pem"))
    server = SMTPServer(ca).start()
    (out / "login").write_text(f"{USER}\n{PASSWORD}\n", encoding="utf-8")
    (out / "port").write_text(str(server.port), encoding="utf-8")
    try:
        deadline = time.monotonic() + timeout
        while not server.handler.wait_for(1, timeout=1.0):
            if (out / "stop").exists() or time.monotonic() > deadline:
                fail("the SMTP sink received no message")
        msg = server.messages[0]
        body = msg.get_body(preferencelist=("plain",))
        record = {"from": str(msg["From"]), "to": str(msg["To"]), "subject": str(msg["Subject"]),
                  "body": body.get_content() if body else "", "logins": server.handler.logins,
                  "envelope": server.handler.envelopes[0]}
        (out / "received.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"SMTP sink: received '{record['subject']}' for {record['to']} after STARTTLS + AUTH as {record['logins']}")
    finally:
        server.stop()


def report(path: str, label: str, keyring: str | None) -> None:
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    start = text.find("{")
    try:
        data = json.loads(text[start:]) if start >= 0 else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        fail(f"{label}: no JSON report in its output:\n{text[-2000:]}")
    for name, check in data.get("checks", {}).items():
        print(f"  {label}: {name}: {'ok' if check['ok'] else 'FAILED'} - {check['detail']}")
    if not data.get("ok"):
        fail(f"{label}: the self-test reported a failure")
    if not data.get("frozen"):
        fail(f"{label}: the report is not from a frozen build")
    if keyring and keyring not in data["checks"].get("keyring", {}).get("detail", ""):
        fail(f"{label}: the credential store is not {keyring}")


def delivered(path: str) -> None:
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    data = json.loads(text[text.find("{"):])
    if data.get("state") != "delivered" or data.get("delivered_via") != "email":
        fail(f"the notification was not delivered by email: {text[-1500:]}")
    print(f"  notification {data.get('id')}: {data['state']} via {data['delivered_via']}")


def version(exe: str, project_file: str) -> None:
    import pefile

    want = pyproject(project_file)["project"]["version"]
    pe = pefile.PE(exe, fast_load=True)
    pe.parse_data_directories(directories=[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_RESOURCE"]])
    strings: dict[str, str] = {}
    for info in getattr(pe, "FileInfo", None) or []:
        for entry in info:
            for table in getattr(entry, "StringTable", []):
                strings.update({k.decode(): v.decode() for k, v in table.entries.items()})
    fixed = pe.VS_FIXEDFILEINFO[0] if getattr(pe, "VS_FIXEDFILEINFO", None) else None
    if fixed is None or not strings:
        fail(f"{exe} has no version resource")
    numbers = (fixed.FileVersionMS >> 16, fixed.FileVersionMS & 0xFFFF, fixed.FileVersionLS >> 16, fixed.FileVersionLS & 0xFFFF)
    wanted = tuple(int(x) for x in want.split(".")[:3]) + (0,) * (4 - len(want.split(".")[:3]))
    # The product name is the one the installer registers (installer.iss AppName).
    iss = (ROOT / "windows" / "installer.iss").read_text(encoding="utf-8")
    app_name = next(line.split("=", 1)[1].strip() for line in iss.splitlines() if line.startswith("AppName="))
    problems = [f"{k} is {strings.get(k)!r}, expected {v!r}" for k, v in
                (("FileVersion", want), ("ProductVersion", want), ("ProductName", app_name)) if strings.get(k) != v]
    if numbers != wanted:
        problems.append(f"the fixed file version is {numbers}, expected {wanted}")
    if problems:
        fail(f"{Path(exe).name}: " + "; ".join(problems))
    print(f"  {Path(exe).name}: FileVersion {strings['FileVersion']} ({'.'.join(map(str, numbers))}), "
          f"ProductName {strings['ProductName']!r}, as pyproject.toml and installer.iss say")


def no_secret(folder: str, secret_file: str) -> None:
    secret = Path(secret_file).read_text(encoding="utf-8").splitlines()[1].encode()
    found = [str(p) for p in Path(folder).rglob("*") if p.is_file() and secret in p.read_bytes()]
    if found:
        fail(f"the SMTP password was written to {found}")
    print(f"  no file under {Path(folder).name}\\ holds the SMTP password")


def main(argv: list[str]) -> None:
    if not argv:
        fail(__doc__ or "")
    cmd, args = argv[0], argv[1:]
    if cmd == "requirements":
        requirements(args[0])
    elif cmd == "smtp-sink":
        smtp_sink(args[0])
    elif cmd == "report":
        keyring = args[args.index("--keyring") + 1] if "--keyring" in args else None
        report(args[0], args[1], keyring)
    elif cmd == "delivered":
        delivered(args[0])
    elif cmd == "version":
        version(args[0], args[1])
    elif cmd == "no-secret":
        no_secret(args[0], args[1])
    else:
        fail(f"unknown subcommand {cmd}")


if __name__ == "__main__":
    threading.current_thread().name = "checks"
    main(sys.argv[1:])
