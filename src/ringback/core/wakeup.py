"""An `asyncio.Event` any thread may set.

On PostgreSQL the handlers run in the store's worker threads (`state/postgres.py`), and what
they do wakes things that wait on the event loop: the scheduler (a job was added), the webhook
dispatcher (a delivery was enqueued), long-polls (`core/changes.py`). asyncio's own objects are
not thread-safe, so a wake-up from another thread is handed to the loop with
`call_soon_threadsafe`; on the loop's own thread it happens at once, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Iterator

_held = threading.local()


@contextlib.contextmanager
def held_until_done() -> Iterator[None]:
    """Wake-ups asked for on this (worker) thread inside the block are sent to the loop when
    it ends. The PostgreSQL store wraps each transaction in it, so whatever a wake-up starts
    (a long-poll's re-read, a scheduler pass) runs after the commit and sees the change."""
    calls: list[tuple[asyncio.AbstractEventLoop, Callable[[], object]]] = []
    outer = getattr(_held, "calls", None)
    if outer is not None:  # a nested transaction: the outer one sends them
        yield
        return
    _held.calls = calls
    try:
        yield
    finally:
        _held.calls = None
        for loop, fn in calls:
            with contextlib.suppress(RuntimeError):  # the loop has closed
                loop.call_soon_threadsafe(fn)


class LoopAffinity:
    """The loop (and its thread) that owns some asyncio objects, learnt when first used."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread: int | None = None
        self.adopt()

    def adopt(self) -> None:
        """Called on the loop (at construction if it runs, and by every waiter)."""
        if self.loop is not None:
            return
        try:
            self.loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self.thread = threading.get_ident()

    def call(self, fn: Callable[[], object]) -> None:
        """`fn()` now if on the loop's thread (or no loop is known yet), else soon, on it."""
        loop = self.loop
        if loop is None or self.thread == threading.get_ident():
            fn()
            return
        held = getattr(_held, "calls", None)
        if held is not None:
            held.append((loop, fn))
            return
        # a loop that has closed raises RuntimeError: nobody is waiting any more
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(fn)


class Wakeup:
    def __init__(self) -> None:
        self._event = asyncio.Event()
        self._owner = LoopAffinity()

    def set(self) -> None:
        self._owner.call(self._event.set)

    def clear(self) -> None:
        self._event.clear()

    def is_set(self) -> bool:
        return self._event.is_set()

    async def wait(self) -> None:
        self._owner.adopt()
        await self._event.wait()
