"""Who holds a lease: the machine (for real, not its host name), the process, the worker slot.

A lease owner reads ``<machine>/<pid>/<process start>/<slot>``. Cloned VMs, containers and
lab desks often share a host name, so the machine part is the operating system's own
machine id (``/etc/machine-id``, Windows' ``MachineGuid``, macOS' ``IOPlatformUUID``), or
else a random id kept in the data folder. Liveness is decided in two ways only:

- an owner on *this* machine is alive while its process is (pid + start time, so a reused
  pid is not mistaken);
- an owner on another machine is alive while its heartbeat keeps its leases from expiring
  on the database's clock. A local pid lookup is never used for another machine's owner.
"""
from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import psutil

log = logging.getLogger("notifier.identity")

INSTANCE_ID_FILE = "instance-id"
_ID = re.compile(r"[0-9A-Za-z-]{8,64}")


def _clean(value: str | None) -> str | None:
    value = (value or "").strip().strip("{}").lower()
    return value if _ID.fullmatch(value) else None


def _os_machine_id() -> str | None:
    if sys.platform == "win32":
        try:
            import winreg

            key = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, r"SOFTWARE\Microsoft\Cryptography", 0,
                                 winreg.KEY_READ | winreg.KEY_WOW64_64KEY)
            with key:
                return _clean(str(winreg.QueryValueEx(key, "MachineGuid")[0]))
        except OSError:
            return None
    if sys.platform == "darwin":
        try:
            out = subprocess.run(["ioreg", "-rd1", "-c", "IOPlatformExpertDevice"], capture_output=True,
                                 text=True, timeout=5).stdout
        except (OSError, subprocess.SubprocessError):
            return None
        m = re.search(r'"IOPlatformUUID"\s*=\s*"([^"]+)"', out)
        return _clean(m.group(1)) if m else None
    for path in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        try:
            found = _clean(Path(path).read_text(encoding="ascii", errors="replace"))
        except OSError:
            continue
        if found:
            return found
    return None


@lru_cache(maxsize=8)
def machine_id(data_dir: Path | None = None) -> str:
    """This machine's id; without an OS one, a random id stored once in ``data_dir``."""
    found = _os_machine_id()
    if found:
        return found
    if data_dir is not None:
        path = data_dir / INSTANCE_ID_FILE
        try:
            stored = _clean(path.read_text(encoding="ascii"))
            if stored:
                return stored
        except OSError:
            pass
        new = uuid.uuid4().hex
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(new + "\n", encoding="ascii")
            return new
        except OSError as exc:
            log.warning("cannot store the instance id in %s: %s", path, exc)
    return uuid.uuid4().hex  # this process only: its leases recover by expiry


def process_instance(data_dir: Path | None = None) -> str:
    """``<machine>/<pid>/<process start>``: the prefix of every lease this process holds."""
    created = int(psutil.Process(os.getpid()).create_time())
    return f"{machine_id(data_dir)}/{os.getpid()}/{created}"


@dataclass(frozen=True)
class Owner:
    machine: str
    pid: int
    created: int
    slot: str

    @property
    def instance(self) -> str:
        return f"{self.machine}/{self.pid}/{self.created}"


def parse_owner(owner: str) -> Owner | None:
    """An owner written by this version; None for anything else (an older version's)."""
    parts = owner.split("/")
    if len(parts) != 4:
        return None
    try:
        return Owner(parts[0], int(parts[1]), int(parts[2]), parts[3])
    except ValueError:
        return None


def process_alive(pid: int, created: int) -> bool:
    """Whether the process ``pid`` started at ``created`` still runs on this machine."""
    try:
        return int(psutil.Process(pid).create_time()) == created
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return False
    except psutil.Error:
        return True  # cannot tell (access denied): never take work from a maybe-live owner
