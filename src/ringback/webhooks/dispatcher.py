"""Sends what the outbox owes: in due order per destination, a bounded number at once, every
attempt recorded, failures retried with backoff on Ringback's clock until their window ends.

One worker per destination (scheme://host:port) with something due. It reads a batch of that
destination's due deliveries in due order and sends them in that order over one kept-alive
connection: one at a time while only one is due; when a backlog builds up, up to `pipeline`
at once on a connection that has already answered with keep-alive (HTTP/1.1 pipelining, the
answers come back in order). A delivery that fails is rescheduled and does not hold back the
ones after it. Attempts are recorded in batches (one transaction for up to FLUSH_SIZE, or
every FLUSH_SECONDS), together with reading the next batch. A shared semaphore bounds the
destinations being sent to at once, so a slow receiver holds one slot, never the others' turns.

With several workers on one database (`worker` set, cluster.py) a worker sends to a destination
only while it holds that destination's claim (`state/webhook_claims.py`): a lease on the wall
clock, renewed with every batch and every third of the lease, released in the transaction that
finds nothing more due there. So each destination has one sender at a time, which records its
attempts before another can read them; a worker killed outright hands its destinations over
once its leases run out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import TypeVar

from ringback.core.changes import Changes
from ringback.core.clock import Clock
from ringback.core.wakeup import Wakeup
from ringback.state import accounts as account_state
from ringback.state import webhook_claims as claim_state
from ringback.state import webhook_deliveries as delivery_state
from ringback.state.accounts import Account
from ringback.state.store import Outage, Store, Tx
from ringback.state.webhook_deliveries import Delivery
from ringback.webhooks import wire
from ringback.webhooks.attempts import Attempt, interrupted, record
from ringback.webhooks.http1 import Connection
from ringback.webhooks.sender import Outcome, Sender
from ringback.webhooks.wire import Outgoing

log = logging.getLogger("ringback.webhooks")

TOPIC = "webhooks"  # core/changes.py topic notified whenever attempts are recorded
BATCH = 200
FLUSH_SIZE = 200
FLUSH_SECONDS = 0.05
STOP_GRACE_SECONDS = 5.0
# requests in flight at once to one destination, sent in order on one kept-alive connection
# (HTTP/1.1 pipelining); 1 sends one at a time
PIPELINE = 64
WINDOW_BYTES = 256 * 1024
# how often a pass is tried while the database is unavailable
OUTAGE_RETRY_SECONDS = 1.0
# how long a worker holds a destination (wall clock) without renewing it
LEASE_SECONDS = 15.0

T = TypeVar("T")


class Dispatcher:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        concurrency: int = 16,
        connect_timeout: float = 3.0,
        response_timeout: float = 15.0,
        interval: float = 0.05,
        changes: Changes | None = None,
        pipeline: int = PIPELINE,
    ) -> None:
        self.store = store
        self.clock = clock
        self.interval = interval
        self.changes = changes
        self.concurrency = concurrency
        self.pipeline = pipeline
        self._slots = asyncio.Semaphore(concurrency)
        self._sender = Sender(connect_timeout, response_timeout)
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._wake = Wakeup()  # set from worker threads too (PostgreSQL)
        self._stopping = False
        self._outage = Outage(log, "webhooks")
        # set when several workers share the database: destinations are claimed (see above)
        self.worker: str | None = None
        self.lease_seconds = LEASE_SECONDS
        self._renewed = 0.0

    @property
    def connect_timeout(self) -> float:
        return self._sender.connect_timeout

    @property
    def response_timeout(self) -> float:
        return self._sender.response_timeout

    def configure(
        self,
        concurrency: int | None = None,
        connect_timeout: float | None = None,
        response_timeout: float | None = None,
        pipeline: int | None = None,
    ) -> None:
        """Change the limits at run time (control API); attempts in flight keep the old ones."""
        if concurrency is not None and concurrency != self.concurrency:
            self.concurrency = concurrency
            self._slots = asyncio.Semaphore(concurrency)
        if pipeline is not None:
            self.pipeline = pipeline
        if connect_timeout is not None:
            self._sender.connect_timeout = connect_timeout
        if response_timeout is not None:
            self._sender.response_timeout = response_timeout

    def wake(self) -> None:
        """Something was enqueued (or replayed): look now, and wake long-polls."""
        self._wake.set()
        self._notify()

    async def run_due(self) -> int:
        """Start a worker for each destination with something due and none running yet."""
        if self._stopping:
            return 0
        destinations = await self.store.transact(self._due_destinations)
        started = 0
        for destination in destinations:
            if destination not in self._workers:
                self._workers[destination] = asyncio.create_task(self._work(destination))
                started += 1
        return started

    def _due_destinations(self, tx: Tx) -> list[str]:
        due = delivery_state.due_destinations(tx, self.clock.now())
        if self.worker is None:
            return due
        wanted = [d for d in due if d not in self._workers]
        wall = time.time()
        return claim_state.claim(tx, wanted, self.worker, wall + self.lease_seconds, wall)

    async def drain(self, timeout: float = 10.0) -> None:
        """Until nothing is due or in flight (for tests, benchmarks and clock moves)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            started = await self.run_due()
            if not started and not self._workers:
                return
            if self._workers:
                await asyncio.wait(
                    set(self._workers.values()), timeout=max(0.0, deadline - time.monotonic())
                )

    async def _work(self, destination: str) -> None:
        done: list[Attempt] = []
        connection = self._sender.connection()
        try:
            while not self._stopping:
                # on SQLite this shares its commit with the requests of the same turn
                recorded, batch, accounts = await self._recording(
                    done, lambda tx, attempts: self._record_and_claim(tx, destination, attempts)
                )
                if recorded:
                    self._notify()
                if not batch:
                    return
                flushed = time.monotonic()
                queue = deque(batch)
                while queue and not self._stopping:
                    await self._send_window(queue, accounts, connection, done)
                    if len(done) >= FLUSH_SIZE or time.monotonic() - flushed >= FLUSH_SECONDS:
                        await self._recording(done, self._record)
                        self._notify()
                        flushed = time.monotonic()
        except Exception as exc:
            if not self._outage.failed(exc):
                log.exception(
                    "webhooks to %s: worker failed; pending deliveries stay due", destination
                )
        finally:
            connection.close()
            try:
                if done:
                    await self._recording(done, self._record)
                    self._notify()
            except Exception as exc:
                # not lost: unrecorded, those deliveries are still pending and due, so sent again
                if not self._outage.failed(exc):
                    log.exception("webhooks to %s: attempts could not be recorded", destination)
            finally:
                self._workers.pop(destination, None)
                self.wake()

    async def _send_window(
        self,
        queue: deque[Delivery],
        accounts: dict[str | None, Account],
        connection: Connection,
        done: list[Attempt],
    ) -> None:
        """Send the next deliveries of `queue` in one go (up to `pipeline` of them, pipelined
        on a kept-alive connection) and add their attempts to `done`, even when cancelled
        midway (a stop); those the receiver did not get to go back to the front of `queue`."""
        async with self._slots:
            at = self.clock.now()
            window: list[tuple[Delivery, Outgoing]] = []
            size = 0
            while queue and len(window) < self.pipeline and size < WINDOW_BYTES:
                delivery = queue.popleft()
                try:
                    outgoing = wire.build(delivery, accounts.get(delivery.api_key), at)
                except Exception as exc:  # a bug of ours must not lose the delivery either
                    log.exception("webhook %s: could not be built", delivery.id)
                    failed = Outgoing(delivery.method, delivery.url, {}, b"")
                    error = Outcome(None, None, f"internal error: {exc!r}", 0.0, {})
                    done.append(Attempt(delivery, at, failed, error))
                    continue
                window.append((delivery, outgoing))
                size += len(outgoing.body)
            if not window:
                return
            outcomes: list[Outcome] = []
            started = time.perf_counter()
            try:
                await self._sender.exchange(connection, [o for _, o in window], outcomes)
            except asyncio.CancelledError:
                latency = (time.perf_counter() - started) * 1000
                for delivery, outgoing in window[len(outcomes) :]:
                    done.append(interrupted(delivery, at, outgoing, latency))  # _work records
                raise
            except Exception as exc:
                log.exception("webhooks to %s: sending failed unexpectedly", window[0][0].url)
                outcomes.append(Outcome(None, None, f"internal error: {exc!r}", 0.0, {}))
            finally:
                for (delivery, outgoing), outcome in zip(window, outcomes, strict=False):
                    done.append(Attempt(delivery, at, outgoing, outcome))
        queue.extendleft(reversed([delivery for delivery, _ in window[len(outcomes) :]]))

    def _record_and_claim(
        self, tx: Tx, destination: str, attempts: list[Attempt]
    ) -> tuple[bool, list[Delivery], dict[str | None, Account]]:
        """Record the attempts made so far, and read what is due next and who signs it."""
        recorded = self._record(tx, attempts)
        if self.worker is not None:
            wall = time.time()
            until = wall + self.lease_seconds
            if not claim_state.claim(tx, [destination], self.worker, until, wall):
                return recorded, [], {}  # another worker took it over (our lease ran out)
        batch = delivery_state.due_for(tx, destination, self.clock.now(), BATCH)
        if not batch and self.worker is not None:
            # in the transaction that saw nothing due: another worker may take it from here
            claim_state.release(tx, destination, self.worker)
        return recorded, batch, self._accounts(tx, batch)

    def _accounts(self, tx: Tx, batch: list[Delivery]) -> dict[str | None, Account]:
        """The accounts whose secrets sign this batch; one read per account, none if unsigned."""
        keys = {d.api_key for d in batch if d.signing is not None and d.api_key}
        found: dict[str | None, Account] = {}
        for key in keys:
            account = account_state.get_account(tx, key)
            if account is not None:
                found[key] = account
        return found

    async def _recording(self, done: list[Attempt], work: Callable[[Tx, list[Attempt]], T]) -> T:
        """`work(tx, attempts)` in a transaction, with a copy of `done`, emptied once `work` has
        recorded it. A copy, because PostgreSQL's group commit runs a member that waited on a
        lock a second time, which must record them again; emptied there, so that a caller
        cancelled meanwhile (a stop) does not record them twice; back in `done` if the
        transaction fails."""
        attempts = done[:]

        def recording(tx: Tx) -> T:
            result = work(tx, attempts)
            done.clear()
            return result

        try:
            return await self.store.transact(recording)
        except Exception:
            done[:] = attempts
            raise

    def _record(self, tx: Tx, attempts: list[Attempt]) -> bool:
        if not attempts:
            return False
        record(tx, attempts)
        return True

    def _notify(self) -> None:
        if self.changes is not None:
            self.changes.notify(TOPIC)

    async def _renew_claims(self) -> None:
        """Every third of the lease: a receiver may hold a batch for its whole response timeout."""
        if self.worker is None or time.monotonic() - self._renewed < self.lease_seconds / 3:
            return
        self._renewed = time.monotonic()
        until = time.time() + self.lease_seconds
        await self.store.transact(claim_state.renew_all, self.worker, until)

    async def run_forever(self) -> None:
        while not self._stopping:
            interval = self.interval
            try:
                await self._renew_claims()
                await self.run_due()
            except Exception as exc:
                if self._outage.failed(exc):
                    interval = max(interval, OUTAGE_RETRY_SECONDS)
                else:
                    log.exception("webhook dispatch pass failed")
            else:
                self._outage.ok()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=interval)

    async def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Attempts in flight may finish within `grace` and are recorded; the rest are cut
        short and recorded as interrupted (so retried after a restart); nothing new starts."""
        self._stopping = True
        self._wake.set()
        workers = set(self._workers.values())
        if workers:
            _, late = await asyncio.wait(workers, timeout=grace)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late, timeout=1.0)
        if self.worker is not None:
            # what is still pending is another worker's to send at once, not after a lease
            with contextlib.suppress(Exception):
                await self.store.transact(claim_state.release_all, self.worker)
