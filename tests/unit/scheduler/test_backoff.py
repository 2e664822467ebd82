"""Retry backoffs stay finite and in the future whatever the clock says and however often a
job has failed: no overflow, no job due again at once (the scheduler would spin)."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

from sqlalchemy import update

from ringback.core.clock import MAX_ADVANCE_SECONDS, Clock
from ringback.scheduler.runner import MAX_BACKOFF_SECONDS, Scheduler, failure_backoff
from ringback.state import jobs as job_state
from ringback.state.jobs import Job
from ringback.state.store import Tx
from ringback.state.tables import jobs
from ringback.testing.backends import new_store
from ringback.webhooks.attempts import MAX_RETRY_SECONDS, retry_delay


def test_backoffs_are_capped_for_any_attempt_count() -> None:
    for attempts in (0, 1, 11, 12, 1023, 1024, 5000, 10**9):
        assert 0 < failure_backoff(attempts) <= MAX_BACKOFF_SECONDS
        assert 0 < retry_delay(attempts) <= MAX_RETRY_SECONDS
    assert failure_backoff(10**9) == MAX_BACKOFF_SECONDS
    assert retry_delay(10**9) == MAX_RETRY_SECONDS


def test_a_job_failing_forever_ten_years_on_is_retried_an_hour_later(tmp_path: Path) -> None:
    store = new_store(tmp_path, "jobs.db")
    clock = Clock()
    clock.freeze()
    clock.advance(MAX_ADVANCE_SECONDS)
    scheduler = Scheduler(store, clock)
    calls: list[int] = []

    async def broken(job: Job) -> None:
        calls.append(job.attempts)
        raise RuntimeError("always")

    def broken_sync(tx: Tx, job: Job) -> None:
        calls.append(job.attempts)
        raise RuntimeError("always")

    scheduler.register("broken", broken)
    scheduler.register_sync("broken-sync", broken_sync)
    now = clock.now()
    with store.begin() as tx:
        for kind in ("broken", "broken-sync"):
            job_id = scheduler.schedule(tx, kind, now, {})
            tx.conn.execute(update(jobs).where(jobs.c.id == job_id).values(attempts=5000))
    assert asyncio.run(scheduler.run_due()) == 2
    assert calls == [5000, 5000]
    with store.begin() as tx:
        for job in job_state.list_jobs(tx):
            assert math.isfinite(job.due_at)
            assert job.due_at == now + MAX_BACKOFF_SECONDS
    assert asyncio.run(scheduler.run_due()) == 0  # nothing due again: no spinning
    store.close()
