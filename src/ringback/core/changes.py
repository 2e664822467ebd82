"""Wake-ups for long-polls: a handset's inbox, a webhook's attempts. In-process only; `notify`
may be called from any thread (PostgreSQL's worker threads: `core/wakeup.py`)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict

from ringback.core.wakeup import LoopAffinity


class Changes:
    def __init__(self) -> None:
        self._events: dict[str, set[asyncio.Event]] = defaultdict(set)
        self.closed = False
        self._owner = LoopAffinity()

    def close(self) -> None:
        """The server is stopping: every wait ends now, and later ones do not start, so a
        long-poll answers with what there is instead of being cut off at the grace period."""
        self.closed = True
        for events in self._events.values():
            for event in events:
                event.set()

    def notify(self, topic: str) -> None:
        self._owner.call(lambda: self._notify(topic))

    def _notify(self, topic: str) -> None:
        for event in self._events.get(topic, ()):
            event.set()

    async def wait(self, topic: str, timeout: float) -> bool:
        """True if `topic` changed within `timeout` seconds. Check state, then wait, then check
        again: a change between the check and the wait is not lost, because the caller
        re-reads state whatever this returns. Callers stop polling once `closed`."""
        if self.closed:
            return False
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
