"""A real IMAP server for the bounce tests: Debian's Dovecot, an instance of its own.

Listens on 127.0.0.1 on a free port with implicit TLS only (``ssl = required``; the
certificate from the test's trustme CA), one user from a passwd-file, maildir storage, its
own base and state folders and a log file; started in the foreground (``dovecot -F -c``)
and stopped by its PID. Run as root (CI), Dovecot refuses to serve mail as uid 0 and runs
its login processes as its own users (``dovenull``, ``dovecot``): the mailbox then belongs
to ``nobody`` in a folder those users can reach. A wrong password is refused at once
(``auth_failure_delay = 0``, not Dovecot's 2 s).
"""
from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import trustme

from .smtp import free_port

USER = "bounces@example.org"
PASSWORD = "imap-Pa55-word-for-tests"


def binary() -> str | None:
    return shutil.which("dovecot") or next((p for p in ("/usr/sbin/dovecot",) if os.path.exists(p)), None)


class _PortTaken(Exception):
    pass


def _end(proc: subprocess.Popen[bytes] | None, shared: Path | None) -> None:
    if proc is not None:
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    if shared is not None:
        shutil.rmtree(shared, ignore_errors=True)


class Dovecot:
    def __init__(self, ca: trustme.CA, workdir: Path) -> None:
        self.ca = ca
        self.workdir = workdir
        self.port = free_port()
        self.host = "127.0.0.1"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = workdir / "dovecot.log"
        self._shared: Path | None = None
        self._stopping: threading.Thread | None = None

    def start(self) -> Dovecot:
        """Start on ``self.port``. The port was free when chosen, but another process may bind
        it before Dovecot does (another pytest process of the same run): then a new port."""
        for _ in range(5):
            try:
                return self._start()
            except _PortTaken:
                self.port = free_port()
        raise RuntimeError(f"dovecot found no free port: {self.log_text()[-2000:]}")

    def _start(self) -> Dovecot:
        exe = binary()
        assert exe, "dovecot is not installed"
        self.workdir.mkdir(parents=True, exist_ok=True)
        root = os.geteuid() == 0
        if root:  # a folder the unprivileged mail and login processes can reach
            self._shared = Path(tempfile.mkdtemp(prefix="notifier-dovecot-"))
            self._shared.chmod(0o755)
            base = self._shared
            mail_user = pwd.getpwnam("nobody")
            login_user, internal_user = "dovenull", "dovecot"
        else:
            base = self.workdir
            mail_user = pwd.getpwuid(os.getuid())
            login_user = internal_user = mail_user.pw_name
        home = base / "home"
        home.mkdir(exist_ok=True)
        os.chown(home, mail_user.pw_uid, mail_user.pw_gid)
        cert = self.ca.issue_cert("localhost", "127.0.0.1")
        cert.private_key_pem.write_to_path(str(self.workdir / "key.pem"))
        cert.cert_chain_pems[0].write_to_path(str(self.workdir / "cert.pem"))
        passwd = base / "passwd"  # read by the auth process (Dovecot's own user when started as root)
        passwd.write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{mail_user.pw_uid}:{mail_user.pw_gid}::{home}\n",
                          encoding="utf-8")
        conf = self.workdir / "dovecot.conf"
        conf.write_text(f"""\
protocols = imap
listen = 127.0.0.1
instance_name = notifier-test-{self.port}
base_dir = {base / "run"}
state_dir = {base / "state"}
log_path = {self.log}
ssl = required
ssl_cert = <{self.workdir / "cert.pem"}
ssl_key = <{self.workdir / "key.pem"}
auth_mechanisms = plain
auth_failure_delay = 0
mail_location = maildir:~/Maildir
first_valid_uid = 1
default_login_user = {login_user}
default_internal_user = {internal_user}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {passwd}
}}
userdb {{
  driver = passwd-file
  args = {passwd}
}}
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {self.port}
    ssl = yes
  }}
}}
""", encoding="utf-8")
        self.proc = subprocess.Popen([exe, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL,
                                     stderr=open(self.workdir / "dovecot.stderr", "wb"))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                if f"{self.port}) failed: Address already in use" in self.log_text():
                    self.log.unlink(missing_ok=True)
                    if self._shared is not None:
                        shutil.rmtree(self._shared, ignore_errors=True)
                    raise _PortTaken
                raise RuntimeError(f"dovecot stopped at start: {self.log_text()[-2000:]}")
            if self._greets():
                return self
            time.sleep(0.05)  # polling for the listening port (no event to await from another process)
        self.stop()
        self.wait_stopped()
        raise RuntimeError(f"dovecot did not listen on {self.port}: {self.log_text()[-2000:]}")

    def _greets(self) -> bool:
        """Whether Dovecot answers on the port: its IMAP greeting over TLS, not just any listener
        (another process may hold the port; Dovecot then stops at start, seen above)."""
        try:
            with socket.create_connection((self.host, self.port), timeout=2) as raw, \
                    self._tls().wrap_socket(raw, server_hostname=self.host) as conn:
                return conn.recv(64).startswith(b"* OK")
        except OSError:
            return False

    def _tls(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(cafile=None)
        ctx.load_verify_locations(cadata=self.ca.cert_pem.bytes().decode())
        return ctx

    def log_text(self) -> str:
        parts = [p.read_text(encoding="utf-8", errors="replace") for p in
                 (self.log, self.workdir / "dovecot.stderr") if p.exists()]
        return "\n".join(parts)

    def stop(self) -> None:
        """SIGTERM now; the wait for Dovecot's end and the removal of its folder in a thread."""
        proc, shared = self.proc, self._shared
        if proc is not None and proc.poll() is None:
            proc.terminate()
        self._stopping = threading.Thread(target=_end, args=(proc, shared), name=f"dovecot-stop-{self.port}")
        self._stopping.start()

    def wait_stopped(self) -> None:
        if self._stopping is not None:
            self._stopping.join()

    def __enter__(self) -> Dovecot:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the mailbox, as a second client -----------------------------------------------------
    def client(self) -> imaplib.IMAP4_SSL:
        conn = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=self._tls(), timeout=10)
        # AUTHENTICATE PLAIN, not LOGIN: a failing test's traceback then shows no password argument.
        conn.authenticate("PLAIN", lambda _: f"\0{USER}\0{PASSWORD}".encode())
        return conn

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        conn = self.client()
        try:
            typ, data = conn.append(folder, None, None, raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
            assert typ == "OK", data
        finally:
            conn.logout()

    def flags(self, folder: str = "INBOX") -> list[set[str]]:
        """The flags of every message in ``folder``, in UID order (nothing is ever deleted)."""
        conn = self.client()
        try:
            conn.select(folder, readonly=True)
            typ, data = conn.uid("FETCH", "1:*", "(FLAGS)")
            out = []
            for item in data:
                if isinstance(item, bytes) and b"FLAGS (" in item:
                    inner = item.split(b"FLAGS (", 1)[1].split(b")", 1)[0].decode()
                    out.append(set(inner.split()))
            return out
        finally:
            conn.logout()
