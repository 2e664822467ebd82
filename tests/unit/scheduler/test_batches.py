"""Sync jobs with a batch handler: consecutive due jobs of the kind land together in one
savepoint, and when the batch raises they run one by one, each undoing only its own writes."""

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
from ringback.testing.backends import new_store


class Writes:
    """A job kind whose handlers write a meta row per job and remember how they were called."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.batches: list[list[str]] = []
        self.singles: list[str] = []

    def write(self, tx: Tx, job: Job) -> None:
        tx.conn.execute(
            text("INSERT INTO meta (key, value) VALUES (:k, 'x')"), {"k": job.payload["k"]}
        )
        if job.payload.get("fail"):
            raise ValueError("broken")
        if job.payload.get("later") and job.attempts == 0:
            raise Reschedule(self.clock.now() + 30, "not yet")

    def single(self, tx: Tx, job: Job) -> None:
        self.singles.append(job.payload["k"])
        self.write(tx, job)

    def batch(self, tx: Tx, jobs: list[Job]) -> None:
        self.batches.append([job.payload["k"] for job in jobs])
        for job in jobs:
            self.write(tx, job)


def make(tmp_path: Path) -> tuple[Store, Clock, Scheduler, Writes]:
    store = new_store(tmp_path, "jobs.db")
    clock = Clock()
    clock.freeze()
    scheduler = Scheduler(store, clock)
    writes = Writes(clock)
    scheduler.register_sync("write", writes.single, batch=writes.batch)
    return store, clock, scheduler, writes


def schedule(store: Store, clock: Clock, scheduler: Scheduler, *extras: dict[str, object]) -> None:
    now = clock.now()
    with store.begin() as tx:
        for n, extra in enumerate(extras):
            scheduler.schedule(tx, "write", now + n / 1000, {"k": f"job{n}", **extra})
    clock.advance(1)


def test_consecutive_jobs_of_a_kind_land_together_and_end_together(tmp_path: Path) -> None:
    store, clock, scheduler, writes = make(tmp_path)
    schedule(store, clock, scheduler, {}, {}, {})
    assert asyncio.run(scheduler.run_due()) == 3
    assert writes.batches == [["job0", "job1", "job2"]] and writes.singles == []
    assert [store.get_meta(f"job{n}") for n in range(3)] == ["x", "x", "x"]
    with store.begin() as tx:
        assert job_state.list_jobs(tx) == []


def test_a_job_failing_in_a_batch_is_retried_alone_and_the_others_land(tmp_path: Path) -> None:
    store, clock, scheduler, writes = make(tmp_path)
    schedule(store, clock, scheduler, {}, {"fail": True}, {})
    assert asyncio.run(scheduler.run_due()) == 3
    # the batch's writes were undone, then each job ran on its own
    assert writes.batches == [["job0", "job1", "job2"]]
    assert writes.singles == ["job0", "job1", "job2"]
    assert [store.get_meta(f"job{n}") for n in range(3)] == ["x", None, "x"]
    with store.begin() as tx:
        (failed,) = job_state.list_jobs(tx)
    assert failed.payload["k"] == "job1" and failed.attempts == 1
    assert failed.last_error is not None and "broken" in failed.last_error
    assert failed.due_at == clock.now() + 2


def test_a_reschedule_in_a_batch_moves_only_that_job(tmp_path: Path) -> None:
    store, clock, scheduler, writes = make(tmp_path)
    schedule(store, clock, scheduler, {}, {}, {"later": True}, {})
    assert asyncio.run(scheduler.run_due()) == 4
    assert [store.get_meta(f"job{n}") for n in range(4)] == ["x", "x", None, "x"]
    with store.begin() as tx:
        (later,) = job_state.list_jobs(tx)
    assert later.payload["k"] == "job2" and later.due_at == clock.now() + 30
    assert later.attempts == 1 and later.last_error == "not yet"
    clock.advance(30)
    asyncio.run(scheduler.run_due())
    assert store.get_meta("job2") == "x"
    assert writes.singles[-1] == "job2"  # a lone due job takes the one-by-one path


def test_jobs_of_other_kinds_cut_the_batches_and_keep_due_order(tmp_path: Path) -> None:
    store, clock, scheduler, writes = make(tmp_path)
    order: list[str] = []

    def other(tx: Tx, job: Job) -> None:
        order.append(f"other{job.payload['n']}")

    def single(tx: Tx, job: Job) -> None:
        order.append(job.payload["k"])
        writes.single(tx, job)

    def batch(tx: Tx, jobs: list[Job]) -> None:
        order.append("+".join(job.payload["k"] for job in jobs))
        writes.batch(tx, jobs)

    scheduler.register_sync("write", single, batch=batch)
    scheduler.register_sync("other", other)
    now = clock.now()
    with store.begin() as tx:
        for n, kind in enumerate(["write", "write", "other", "write", "other", "write", "write"]):
            payload = {"k": f"job{n}", "n": n}
            scheduler.schedule(tx, kind, now + n / 1000, payload)
    clock.advance(1)
    assert asyncio.run(scheduler.run_due()) == 7
    assert order == ["job0+job1", "other2", "job3", "other4", "job5+job6"]
    assert [store.get_meta(f"job{n}") for n in (0, 1, 3, 5, 6)] == ["x"] * 5
    with store.begin() as tx:
        assert job_state.list_jobs(tx) == []


def test_registering_again_without_a_batch_handler_drops_it(tmp_path: Path) -> None:
    store, clock, scheduler, writes = make(tmp_path)
    scheduler.register_sync("write", writes.single)
    schedule(store, clock, scheduler, {}, {})
    asyncio.run(scheduler.run_due())
    assert writes.batches == [] and writes.singles == ["job0", "job1"]
