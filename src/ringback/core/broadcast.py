"""What one worker tells the other workers of the same server (`ringback serve --workers N`).

With one process (`send` unset) `announce` does nothing. With several, `cluster.py` sets `send`
(a PostgreSQL NOTIFY) and calls `received` for each topic another worker announced, which runs
the handler registered for it (reload the clock, the settings, wake the dispatcher).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable


class Broadcast:
    def __init__(self) -> None:
        self.send: Callable[[str], None] | None = None
        # sends what was announced now, instead of with the next batch
        self.flush: Callable[[], Awaitable[None]] | None = None
        self._handlers: dict[str, Callable[[str], None]] = {}

    @property
    def shared(self) -> bool:
        """True when other workers share the database and must be told of changes."""
        return self.send is not None

    def announce(self, topic: str, argument: str = "") -> None:
        if self.send is not None:
            self.send(f"{topic}:{argument}")

    async def settle(self) -> None:
        """Returns once what was announced so far has been sent (a control API change answers
        after the other workers have been told)."""
        if self.flush is not None:
            await self.flush()

    def on(self, topic: str, handler: Callable[[str], None]) -> None:
        self._handlers[topic] = handler

    def received(self, message: str) -> None:
        topic, _, argument = message.partition(":")
        handler = self._handlers.get(topic)
        if handler is not None:
            handler(argument)
