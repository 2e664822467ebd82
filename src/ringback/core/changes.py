"""Wake-ups for long-polls: a handset's inbox, a webhook's attempts. In-process only; `notify`
may be called from any thread (PostgreSQL's worker threads: `core/wakeup.py`, which also holds
a worker thread's wake-ups until its transaction has committed)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Callable

from ringback.core.wakeup import LoopAffinity


class Changes:
    def __init__(self) -> None:
        self._events: dict[str, set[asyncio.Event]] = defaultdict(set)
        self.closed = False
        self._owner = LoopAffinity()
        # counts every notification (any topic): a caller that read state off the loop (a
        # worker thread) passes what it saw before reading, so a change announced while the
        # read was away is not lost
        self.version = 0
        # with several workers (cluster.py): tells the others, whose listeners call
        # `notify_here`, so a long-poll on one worker wakes for a change made on another
        self.forward: Callable[[str], None] | None = None

    def close(self) -> None:
        """The server is stopping: every wait ends now, and later ones do not start, so a
        long-poll answers with what there is instead of being cut off at the grace period."""
        self.closed = True
        for events in self._events.values():
            for event in events:
                event.set()

    @property
    def waiting(self) -> int:
        """Long-polls waiting now, in this process (health shows it: a test waits for its polls
        to be in the server instead of sleeping)."""
        return sum(len(events) for events in self._events.values())

    def notify(self, topic: str) -> None:
        self._owner.call(lambda: self._notify(topic))
        if self.forward is not None:
            self.forward(topic)

    def notify_here(self, topic: str) -> None:
        """A change another worker announced: wake this process's waiters only."""
        self._owner.call(lambda: self._notify(topic))

    def _notify(self, topic: str) -> None:
        self.version += 1
        for event in self._events.get(topic, ()):
            event.set()

    async def wait(self, topic: str, timeout: float, since: int | None = None) -> bool:
        """True if `topic` changed within `timeout` seconds. Take `version`, check state, then
        wait with `since=` that version, then check again: a change between the check and the
        wait is not lost (this returns at once, and the caller re-reads state). Callers stop
        polling once `closed`."""
        if self.closed:
            return False
        if since is not None and since != self.version:
            return True
        self._owner.adopt()
        event = asyncio.Event()
        self._events[topic].add(event)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout)
            return event.is_set()
        finally:
            self._events[topic].discard(event)
            if not self._events[topic]:
                del self._events[topic]
