"""Runs due jobs on Ringback's clock. Jobs live in the store, so a restart resumes them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from ringback.core.clock import Clock
from ringback.core.wakeup import Wakeup
from ringback.scheduler.jobs import Reschedule
from ringback.state import jobs as job_state
from ringback.state.jobs import Job
from ringback.state.store import Outage, Store, Tx, unavailable

log = logging.getLogger("ringback.scheduler")

JobHandler = Callable[[Job], Awaitable[None]]
# runs inside the transaction that also deletes the job: its writes and the job's end are one
SyncJobHandler = Callable[[Tx, Job], None]
# lands several consecutive due jobs of one kind together, in one savepoint; the jobs end
# together if it returns, and run one by one through the kind's SyncJobHandler if it raises
SyncBatchHandler = Callable[[Tx, list[Job]], None]
# Sync jobs per transaction; the event loop gets a turn between batches. 200 delivery jobs
# at ~1 ms each held every request for 0.2 s (bench/README.md, SMS finding 3); a time budget
# of 10 ms let the jobs fall behind the requests that create them (receipts drained in 6-7 s
# instead of 0.1 s). 32 jobs is ~40 ms at worst, and still more than a turn's requests add.
SYNC_BATCH = 32
MAX_BACKOFF_SECONDS = 3600.0
# how often a pass is tried while the database is unavailable
OUTAGE_RETRY_SECONDS = 1.0
# how long a worker holds an async job it took (wall clock), renewed every third of it
LEASE_SECONDS = 15.0


def failure_backoff(attempts: int) -> float:
    """2 s, doubling, at most an hour. The exponent is capped first: 2.0 ** 1024 overflows,
    and a job that fails on every pass must never end up due at once."""
    return min(MAX_BACKOFF_SECONDS, 2.0 ** min(attempts + 1, 12))


class Scheduler:
    def __init__(self, store: Store, clock: Clock, interval: float = 0.05) -> None:
        self.store = store
        self.clock = clock
        self.interval = interval
        self.handlers: dict[str, JobHandler] = {}
        self.sync_handlers: dict[str, SyncJobHandler] = {}
        self.batch_handlers: dict[str, SyncBatchHandler] = {}
        self._wake = Wakeup()  # set from worker threads too (PostgreSQL)
        self._stopping = False
        self._outage = Outage(log, "scheduler")
        # one pass at a time (run_forever's, a clock move's): on PostgreSQL a pass waits on a
        # worker thread, and two at once would both take the same due jobs
        self._pass = asyncio.Lock()
        # set when several workers share the database (cluster.py): async jobs, which run
        # outside the transaction that took them, are leased to this worker meanwhile
        self.worker: str | None = None
        self.lease_seconds = LEASE_SECONDS

    def register(self, kind: str, handler: JobHandler) -> None:
        self.handlers[kind] = handler

    def register_sync(
        self, kind: str, handler: SyncJobHandler, batch: SyncBatchHandler | None = None
    ) -> None:
        """For jobs that only change state (deliver a message, write a receipt): a batch of
        them runs in one transaction, one commit for up to SYNC_BATCH jobs. With `batch`, the
        consecutive due jobs of the kind are landed together by it (fewer statements); if it
        raises, its writes are undone and those jobs run one by one through `handler`, so a
        failing or rescheduled job undoes only its own writes."""
        self.sync_handlers[kind] = handler
        if batch is None:
            self.batch_handlers.pop(kind, None)
        else:
            self.batch_handlers[kind] = batch

    def schedule(
        self,
        tx: Tx,
        kind: str,
        due_at: float,
        payload: dict[str, Any],
        api_key: str | None = None,
    ) -> int:
        """Add a job inside the caller's transaction: it exists exactly when the write does."""
        job_id = job_state.add_job(tx, kind, due_at, payload, api_key, self.clock.now())
        self.wake()
        return job_id

    def wake(self) -> None:
        self._wake.set()

    async def run_due(self) -> int:
        async with self._pass:
            return await self._run_due()

    async def _run_due(self) -> int:
        ran = 0
        while True:
            # on SQLite the batch shares its commit with the requests of the same turn
            due, count = await self.store.transact(self._sync_batch)
            ran += count
            if not due:
                return ran
            pending = [job for job in due if job.kind not in self.sync_handlers]
            for job in pending:
                await self._run(job)
                ran += 1
            await asyncio.sleep(0)  # requests waiting on the loop get a turn
            if len(due) < SYNC_BATCH and not pending:
                return ran

    def _sync_batch(self, tx: Tx) -> tuple[list[Job], int]:
        # on PostgreSQL the due rows stay locked until this transaction ends, so a sync job's
        # effects and its end commit together and no other worker runs it meanwhile
        wall = time.time()
        due = job_state.due_jobs(tx, self.clock.now(), limit=SYNC_BATCH, wall=wall)
        if self.worker is not None:
            for job in due:
                if job.kind not in self.sync_handlers:
                    job_state.lease_job(tx, job.id, self.worker, wall + self.lease_seconds)
        return due, self._run_sync(tx, due)

    def _run_sync(self, tx: Tx, due: list[Job]) -> int:
        ran = 0
        for kind, jobs in _runs_of_kind(due):
            if kind not in self.sync_handlers:
                continue
            batch = self.batch_handlers.get(kind)
            if batch is None or len(jobs) < 2 or not self._landed_together(tx, batch, jobs):
                for job in jobs:
                    self._run_one(tx, job)
            ran += len(jobs)
        return ran

    def _landed_together(self, tx: Tx, batch: SyncBatchHandler, jobs: list[Job]) -> bool:
        try:
            with Store.savepoint(tx):
                batch(tx, jobs)
        except Exception as exc:
            if unavailable(exc):
                raise  # the whole batch is undone and stays due
            # a Reschedule or an error of one of them: each on its own, to see which
            log.debug("batch of %d %s jobs undone (%r); one by one", len(jobs), jobs[0].kind, exc)
            return False
        job_state.finish_jobs(tx, [job.id for job in jobs])
        return True

    def _run_one(self, tx: Tx, job: Job) -> None:
        handler = self.sync_handlers[job.kind]
        try:
            with Store.savepoint(tx):
                handler(tx, job)
        except Reschedule as again:
            job_state.retry_job(tx, job.id, again.due_at, again.reason or None)
        except Exception as exc:
            if unavailable(exc):
                raise  # the whole batch is undone and stays due
            log.exception("job %s (%s) failed", job.id, job.kind)
            backoff = failure_backoff(job.attempts)
            job_state.retry_job(tx, job.id, self.clock.now() + backoff, repr(exc))
        else:
            job_state.finish_job(tx, job.id)

    async def _run(self, job: Job) -> None:
        handler = self.handlers.get(job.kind)
        if handler is None:
            log.warning("no handler for job kind %s; job %s deferred an hour", job.kind, job.id)
            later = self.clock.now() + MAX_BACKOFF_SECONDS
            await self.store.transact(job_state.retry_job, job.id, later, "no handler")
            return
        renewing = self._renewing(job) if self.worker is not None else None
        try:
            await handler(job)
        except Reschedule as again:
            await self.store.transact(
                job_state.retry_job, job.id, again.due_at, again.reason or None
            )
            return
        except Exception as exc:
            if self._outage.failed(exc):
                raise  # the job stays due; run_forever waits for the database
            log.exception("job %s (%s) failed", job.id, job.kind)
            backoff = failure_backoff(job.attempts)
            await self.store.transact(
                job_state.retry_job, job.id, self.clock.now() + backoff, repr(exc)
            )
            return
        finally:
            if renewing is not None:
                renewing.cancel()
        await self.store.transact(job_state.finish_job, job.id)

    def _renewing(self, job: Job) -> asyncio.Task[None]:
        """Keeps the job's lease while its handler runs, so no other worker takes it over."""
        worker = self.worker
        assert worker is not None

        async def renew() -> None:
            while True:
                await asyncio.sleep(self.lease_seconds / 3)
                until = time.time() + self.lease_seconds
                with contextlib.suppress(Exception):  # an outage: the handler will see it too
                    await self.store.transact(job_state.renew_lease, job.id, worker, until)

        return asyncio.create_task(renew())

    async def run_forever(self) -> None:
        while not self._stopping:
            interval = self.interval
            try:
                await self.run_due()
            except Exception as exc:
                if self._outage.failed(exc):
                    interval = max(interval, OUTAGE_RETRY_SECONDS)
                else:
                    log.exception("scheduler pass failed")
            else:
                self._outage.ok()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=interval)

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()


def _runs_of_kind(due: list[Job]) -> list[tuple[str, list[Job]]]:
    """The due jobs cut into runs of consecutive jobs of one kind, in due order."""
    runs: list[tuple[str, list[Job]]] = []
    for job in due:
        if runs and runs[-1][0] == job.kind:
            runs[-1][1].append(job)
        else:
            runs.append((job.kind, [job]))
    return runs
