"""The window's busy background threads yield the CPU to its GUI thread.

With the REST API taking 500 requests a second and the delivery worker sending each of
them, the window's process runs seven busy Python threads besides the GUI thread, and on
a machine with few cores the GUI thread's largest stalls were mostly time spent *ready to
run but waiting for a core* (Linux's per-thread scheduler statistics: e.g. 72 ms of a
138 ms gap), more than waiting for the GIL or working. So the threads that deliver
and serve lower their own scheduling priority: when the cores are busy the GUI thread
runs first; when they are idle nothing changes. See docs/PERFORMANCE.md, "The window"
(it helps the median and the worst runs on a shared machine; it does not meet the 50 ms
target there, and a lower-priority thread holding the GIL can make a rare gap longer).

On Linux a thread's nice value is its own, and a thread inherits its creator's, so
lowering the worker's thread and the API's thread covers the delivery threads, the API's
writer and its thread pool they start (raising the GUI thread instead would need
privileges).

On Windows threads do not inherit a priority, and any thread may raise its own within its
process's class, so it is the other way round: the GUI thread runs at
``THREAD_PRIORITY_ABOVE_NORMAL`` (:func:`raise_gui_thread`, called once at start), which
puts it before every thread the program starts, whoever starts them. Windows schedules by
strict priority, and the GUI thread sleeps until an event, so it takes a core only while it
has work. The frozen self-test checks the priority took (under Wine here; not measured on
a real Windows desk). ``notifier serve`` calls neither: a headless process has no GUI
thread to favour.
"""
from __future__ import annotations

import logging
import os
import sys
import threading
from typing import Any

log = logging.getLogger("notifier.ui")

BACKGROUND_NICE = 10  # CFS weight 110 against the GUI thread's 1024 (nice 0)
THREAD_PRIORITY_ABOVE_NORMAL = 1  # winbase.h; the GUI thread's on Windows


def lower_this_thread(step: int = BACKGROUND_NICE) -> bool:
    """Raise the calling thread's nice value by ``step`` (capped at 19); True if it did."""
    if not sys.platform.startswith("linux"):
        return False
    tid = threading.get_native_id()
    try:
        now = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(19, now + step))
    except OSError as exc:  # a sandbox that forbids it: the window works all the same
        log.debug("thread priority unchanged: %s", exc)
        return False
    return True


def raise_gui_thread() -> bool:
    """Windows: the calling thread (the GUI thread) runs above normal priority; True if it
    does now. Elsewhere nothing changes (see the module's text)."""
    if sys.platform == "win32":
        kernel32 = _kernel32()
        if kernel32.SetThreadPriority(kernel32.GetCurrentThread(), THREAD_PRIORITY_ABOVE_NORMAL):
            return True
        import ctypes

        log.debug("GUI thread priority unchanged: Windows error %d", ctypes.get_last_error())
    return False


def windows_thread_priority() -> int | None:
    """The calling thread's Windows priority (``GetThreadPriority``); None elsewhere."""
    if sys.platform == "win32":
        kernel32 = _kernel32()
        return int(kernel32.GetThreadPriority(kernel32.GetCurrentThread()))
    return None


def _kernel32() -> Any:
    """kernel32 with the three functions used here typed (handles are pointer-sized)."""
    if sys.platform != "win32":
        raise OSError("kernel32 is Windows only")
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.GetCurrentThread.restype = wintypes.HANDLE
    kernel32.SetThreadPriority.argtypes = (wintypes.HANDLE, ctypes.c_int)
    kernel32.SetThreadPriority.restype = wintypes.BOOL
    kernel32.GetThreadPriority.argtypes = (wintypes.HANDLE,)
    kernel32.GetThreadPriority.restype = ctypes.c_int
    return kernel32
