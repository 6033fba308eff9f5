"""Cyclic garbage holding Qt objects is collected on the GUI thread, never in a worker."""
from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject, Qt


def test_qt_objects_in_cycles_die_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    assert not gc.isenabled()  # the guard (tests/ui/conftest.py, as app.py) owns collection
    destroyed_in: list[int] = []

    class Holder:
        pass

    holder = Holder()
    holder.obj = QObject()  # type: ignore[attr-defined]
    holder.me = holder  # type: ignore[attr-defined]  # a cycle: only the cyclic collector frees it
    holder.obj.destroyed.connect(lambda *_: destroyed_in.append(threading.get_ident()),  # type: ignore[attr-defined]
                                 Qt.ConnectionType.DirectConnection)
    del holder

    def allocate() -> None:  # what would trigger an automatic collection in this thread
        junk = [[] for _ in range(200_000)]
        for a, b in zip(junk, junk[1:]):
            a.append(b)

    worker = threading.Thread(target=allocate)
    worker.start()
    worker.join()
    assert destroyed_in == []  # the worker thread did not collect it
    qtbot.waitUntil(lambda: bool(destroyed_in), timeout=5000)
    assert destroyed_in == [threading.main_thread().ident]
