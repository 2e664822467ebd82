"""The scheduler runs jobs on Ringback's clock, keeps failures, and resumes after a restart."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from ringback.core.clock import Clock
from ringback.scheduler.jobs import Reschedule
from ringback.scheduler.runner import Scheduler
from ringback.state import jobs as job_state
from ringback.state.jobs import Job
from ringback.state.store import Store, Tx
from ringback.testing.backends import new_store, reopen


def make(tmp_path: Path) -> tuple[Store, Clock, Scheduler]:
    store = new_store(tmp_path, "jobs.db")
    clock = Clock()
    clock.freeze()
    return store, clock, Scheduler(store, clock)


def test_jobs_run_when_due_in_due_order(tmp_path: Path) -> None:
    store, clock, scheduler = make(tmp_path)
    ran: list[str] = []

    async def record(job: Job) -> None:
        ran.append(job.payload["name"])

    scheduler.register("record", record)
    now = clock.now()
    with store.begin() as tx:
        scheduler.schedule(tx, "record", now + 20, {"name": "later"})
        scheduler.schedule(tx, "record", now + 10, {"name": "sooner"})
    assert asyncio.run(scheduler.run_due()) == 0
    clock.advance(15)
    asyncio.run(scheduler.run_due())
    assert ran == ["sooner"]
    clock.advance(10)
    asyncio.run(scheduler.run_due())
    assert ran == ["sooner", "later"]
    with store.begin() as tx:
        assert job_state.list_jobs(tx) == []


def test_a_failing_job_is_kept_and_retried_with_backoff(tmp_path: Path) -> None:
    store, clock, scheduler = make(tmp_path)
    calls = 0

    async def flaky(job: Job) -> None:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise ConnectionError("down")

    scheduler.register("flaky", flaky)
    with store.begin() as tx:
        scheduler.schedule(tx, "flaky", clock.now(), {})
    asyncio.run(scheduler.run_due())
    with store.begin() as tx:
        (job,) = job_state.list_jobs(tx)
    assert job.attempts == 1
    assert job.last_error is not None and "down" in job.last_error
    assert job.due_at == clock.now() + 2
    clock.advance(2)
    asyncio.run(scheduler.run_due())
    clock.advance(4)
    asyncio.run(scheduler.run_due())
    assert calls == 3
    with store.begin() as tx:
        assert job_state.list_jobs(tx) == []


def test_reschedule_moves_a_job(tmp_path: Path) -> None:
    store, clock, scheduler = make(tmp_path)
    seen: list[int] = []

    async def twice(job: Job) -> None:
        seen.append(job.attempts)
        if job.attempts == 0:
            raise Reschedule(clock.now() + 60, "again")

    scheduler.register("twice", twice)
    with store.begin() as tx:
        scheduler.schedule(tx, "twice", clock.now(), {})
    asyncio.run(scheduler.run_due())
    clock.advance(60)
    asyncio.run(scheduler.run_due())
    assert seen == [0, 1]


def test_a_job_written_in_a_rolled_back_transaction_never_exists(tmp_path: Path) -> None:
    store, clock, scheduler = make(tmp_path)
    try:
        with store.begin() as tx:
            scheduler.schedule(tx, "x", clock.now(), {})
            raise ValueError
    except ValueError:
        pass
    with store.begin() as tx:
        assert job_state.list_jobs(tx) == []


def test_pending_jobs_survive_a_restart(tmp_path: Path) -> None:
    store, clock, scheduler = make(tmp_path)
    with store.begin() as tx:
        scheduler.schedule(tx, "later", clock.now() + 5, {"n": 1}, api_key="k")
    reopened = reopen(store)
    ran: list[dict[str, object]] = []

    async def later(job: Job) -> None:
        ran.append(job.payload)

    again = Scheduler(reopened, clock)
    again.register("later", later)
    clock.advance(5)
    asyncio.run(again.run_due())
    assert ran == [{"n": 1}]


def test_a_failing_sync_job_undoes_only_its_own_writes(tmp_path: Path) -> None:
    """Sync jobs share one transaction; each one's writes stand or fall with it alone."""
    store, clock, scheduler = make(tmp_path)

    def write(tx: Tx, job: Job) -> None:
        tx.conn.execute(
            text("INSERT INTO meta (key, value) VALUES (:k, 'x')"), {"k": job.payload["k"]}
        )
        if job.payload.get("fail"):
            raise ValueError("broken")
        if job.payload.get("later") and job.attempts == 0:
            raise Reschedule(clock.now() + 30, "not yet")

    scheduler.register_sync("write", write)
    now = clock.now()
    with store.begin() as tx:
        for n, extra in enumerate([{}, {"fail": True}, {"later": True}, {}]):
            scheduler.schedule(tx, "write", now + n / 1000, {"k": f"job{n}", **extra})
    clock.advance(1)
    assert asyncio.run(scheduler.run_due()) == 4
    assert [store.get_meta(f"job{n}") for n in range(4)] == ["x", None, None, "x"]
    with store.begin() as tx:
        failed, later = job_state.list_jobs(tx)
    assert failed.payload["k"] == "job1" and failed.attempts == 1
    assert failed.last_error is not None and "broken" in failed.last_error
    assert later.payload["k"] == "job2" and later.due_at == clock.now() + 30
    clock.advance(30)
    asyncio.run(scheduler.run_due())
    assert store.get_meta("job2") == "x"
