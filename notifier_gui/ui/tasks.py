"""The one way the window runs blocking core calls: awaited coroutines on the qasync loop.

``tasks.start(coro)`` keeps a reference to every task (asyncio only keeps weak ones) and logs
failures; inside a coroutine ``await tasks.run(fn, *args)`` runs ``fn`` on a worker thread
and resumes on the GUI thread. Widgets awaiting a result must check ``alive(self)`` before
touching themselves: the operator may have closed them meanwhile.

The worker thread never holds the last reference to ``fn`` or its arguments: they are kept
here and let go on the loop's thread once the call has ended. Otherwise a task cancelled while
its call runs (a closed window) leaves the worker the last owner of, say, a widget's bound
method, and the widget is destroyed on the worker thread when the call ends: a Qt object
deleted in the wrong thread, seen as a segfault in a later ``QMainWindow()``.
"""
from __future__ import annotations

import asyncio
import functools
import itertools
import logging
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, cast

import shiboken6

log = logging.getLogger("notifier.ui")
T = TypeVar("T")


def alive(obj: Any) -> bool:
    return bool(shiboken6.isValid(obj))


class Tasks:
    def __init__(self, loop: asyncio.AbstractEventLoop, executor: ThreadPoolExecutor | None = None) -> None:
        self.loop = loop
        self.executor = executor or ThreadPoolExecutor(max_workers=4, thread_name_prefix="notifier-ui")
        self._running: set[asyncio.Task[Any]] = set()
        self._calls: dict[int, Callable[[], Any]] = {}
        self._keys = itertools.count()

    def start(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = self.loop.create_task(coro)
        self._running.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._running.discard(task)
        exc = None if task.cancelled() else task.exception()
        if exc is not None:
            log.error("background task failed", exc_info=(type(exc), exc, exc.__traceback__))

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        key = next(self._keys)
        self._calls[key] = functools.partial(fn, *args, **kwargs)
        future = self.executor.submit(self._call, key)
        future.add_done_callback(lambda _: self._release(key))
        return cast(T, await asyncio.wrap_future(future, loop=self.loop))

    def _call(self, key: int) -> Any:
        return self._calls[key]()  # on the worker: its reference ends before the future is done

    def _release(self, key: int) -> None:
        try:
            self.loop.call_soon_threadsafe(self._calls.pop, key, None)
        except RuntimeError:  # the loop is closed: the call goes when this object does
            pass

    @property
    def pending(self) -> int:
        return len(self._running)

    def shutdown(self) -> None:
        for task in list(self._running):
            task.cancel()
        self.executor.shutdown(wait=True, cancel_futures=True)
