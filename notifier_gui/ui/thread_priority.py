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

Linux only: there a thread's nice value is its own, and a thread inherits its creator's,
so lowering the worker's thread and the API's thread covers the delivery threads, the
API's writer and its thread pool they start. Elsewhere this does nothing (Windows
threads do not inherit a priority; not measured there). ``notifier serve`` does not call
it: a headless process has no GUI thread to yield to.
"""
from __future__ import annotations

import logging
import os
import sys
import threading

log = logging.getLogger("notifier.ui")

BACKGROUND_NICE = 10  # CFS weight 110 against the GUI thread's 1024 (nice 0)


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
