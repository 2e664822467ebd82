"""One worker of `ringback serve --workers N`: what it shares with the others through the
PostgreSQL database, and nothing else (no other server).

- jobs and webhook destinations are claimed (the scheduler's and dispatcher's `worker`);
- rate limits count in the database (`state/rate_windows.py`);
- the clock (`meta.clock`) and the settings the control API changes (`control/shared.py`) are
  re-read when another worker announces a change, over LISTEN/NOTIFY (`state/notices.py`);
- long-poll wake-ups (`core/changes.py`) are forwarded the same way.

Announcements are batched: those made within BATCH_SECONDS go out in one transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections.abc import Callable

from ringback.apis.services import Services
from ringback.control.shared import TOPICS, meta_key
from ringback.core.clock import ClockState
from ringback.core.wakeup import LoopAffinity
from ringback.state import notices
from ringback.state.postgres import PostgresStore
from ringback.state.rate_windows import SharedWindows

log = logging.getLogger("ringback.workers")

# notices made within this time go out in one transaction: a flood of receipts wakes the
# webhooks topic hundreds of times a second, and each NOTIFY transaction is a durable commit;
# long-polls re-check every 250 ms anyway. Control API changes do not wait: `settle()`.
BATCH_SECONDS = 0.05
CHANGE = "change"  # a core/changes.py topic changed (a long-poll's wake-up)


def worker_seed(seed: int | None, index: int) -> int | None:
    """Each worker draws its own ids: the same seed in two workers would repeat them."""
    return None if seed is None else seed + index * 1_000_003


class Notices:
    """Sends announcements as NOTIFY, a batch at a time, after the caller's transaction."""

    def __init__(self, store: PostgresStore, origin: str) -> None:
        self.store = store
        self.origin = origin
        self._pending: dict[str, None] = {}
        self._owner = LoopAffinity()
        self._flushing = asyncio.Lock()
        self._scheduled = False
        self._tasks: set[asyncio.Task[None]] = set()

    def send(self, message: str) -> None:
        # from a worker thread inside a transaction, this runs on the loop after the commit
        self._owner.call(lambda: self._queue(message))

    def _queue(self, message: str) -> None:
        self._pending[message] = None
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_later(BATCH_SECONDS, self._start_flush)

    def _start_flush(self) -> None:
        self._scheduled = False
        task = asyncio.get_running_loop().create_task(self.flush())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def flush(self) -> None:
        # One flush at a time, in the order they asked, so notices keep their order. (Waiting
        # in a loop on the running flush's future spun forever: a finished future is awaited
        # without yielding, so the flush that owned it never ran on to clear it.)
        async with self._flushing:
            if not self._pending:
                return
            payloads = [f"{self.origin}|{m}" for m in self._pending]
            self._pending.clear()
            try:
                await self.store.transact(notices.send, payloads)
            except Exception as exc:  # an outage: the others re-read later (long-polls, restarts)
                log.warning("could not tell the other workers (%s)", exc)


class Cluster:
    def __init__(self, services: Services) -> None:
        store = services.store
        assert isinstance(store, PostgresStore), "several workers need PostgreSQL"
        self.services = services
        self.store = store
        settings = services.settings
        self.name = f"{settings.worker_index}.{os.getpid()}"
        self.notices = Notices(store, self.name)
        self.listener = notices.Listener(store, self._heard)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def join(self) -> None:
        """Before serving, on the worker's event loop."""
        services, settings = self.services, self.services.settings
        self._loop = asyncio.get_running_loop()
        services.scheduler.worker = self.name
        services.scheduler.lease_seconds = settings.lease_seconds
        services.webhooks.worker = self.name
        services.webhooks.lease_seconds = settings.lease_seconds
        services.limits.shared = SharedWindows(self.store)
        services.ids.seed(worker_seed(settings.seed, settings.worker_index))
        broadcast = services.broadcast
        broadcast.send = self.notices.send
        broadcast.flush = self.notices.flush
        for topic, apply in (
            ("clock", self._apply_clock),
            ("rate-limits", self._apply_rate_limits),
            ("webhook-settings", self._apply_webhook_settings),
            ("seed", self._apply_seed),
        ):
            broadcast.on(topic, self._reloading(topic, apply))
        broadcast.on(CHANGE, services.changes.notify_here)
        services.changes.forward = lambda topic: broadcast.announce(CHANGE, topic)
        # a worker started (or restarted) after a change uses what the others use
        self._apply_rate_limits(self._read("rate-limits"))
        self._apply_webhook_settings(self._read("webhook-settings"))
        if settings.worker_index:
            self._apply_seed(self._read("seed"))
        self.listener.start()

    def leave(self) -> None:
        self.listener.stop()

    def _heard(self, payload: str) -> None:
        """On the listener's thread: another worker's notice, handed to the loop."""
        origin, _, message = payload.partition("|")
        if origin == self.name or self._loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop has closed
            self._loop.call_soon_threadsafe(self.services.broadcast.received, message)

    def _reloading(self, topic: str, apply: Callable[[object], None]) -> Callable[[str], None]:
        """A handler that re-reads `topic` on a database thread, then applies it on the loop."""

        async def reload() -> None:
            try:
                value = await self.store.run(self._read, topic)
            except Exception:
                log.exception("could not read another worker's change (%s)", topic)
                return
            apply(value)

        def handler(_: str) -> None:
            task = asyncio.get_running_loop().create_task(reload())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        return handler

    def _read(self, topic: str) -> object:
        saved = self.store.get_meta("clock" if topic == "clock" else meta_key(topic))
        return json.loads(saved) if saved else None

    def _apply_clock(self, value: object) -> None:
        if isinstance(value, dict):
            self.services.clock.set_state(ClockState(**value))
        self.services.scheduler.wake()

    def _apply_rate_limits(self, value: object) -> None:
        if isinstance(value, dict):
            self.services.limits.configure(value)

    def _apply_webhook_settings(self, value: object) -> None:
        if isinstance(value, dict):
            self.services.webhooks.configure(
                concurrency=int(value["concurrency"]),
                pipeline=int(value["pipeline"]),
                connect_timeout=float(value["connect_timeout"]),
                response_timeout=float(value["response_timeout"]),
            )

    def _apply_seed(self, value: object) -> None:
        seed = value if isinstance(value, int) and not isinstance(value, bool) else None
        self.services.ids.seed(worker_seed(seed, self.services.settings.worker_index))


def clear_shared(services: Services) -> None:
    """At a server's start (the supervisor, before any worker): settings start from the flags,
    as they do with one process."""
    for topic in TOPICS:
        services.store.set_meta(meta_key(topic), "")
