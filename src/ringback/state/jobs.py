"""Scheduled jobs (`jobs`): a row per job, due on Ringback's clock."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, or_, select, update

from ringback.state.prepared import Prepared, PreparedInsert
from ringback.state.store import Tx
from ringback.state.tables import jobs


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    due_at: float
    payload: dict[str, Any]
    api_key: str | None
    attempts: int
    last_error: str | None


# built once: jobs are added and finished on hot paths (one per SMS part)
_ADD = PreparedInsert(jobs, jobs.c.id)
_FINISH = Prepared(delete(jobs).where(jobs.c.id == bindparam("job_id")))
_JOB_COLUMNS = [jobs.c[name] for name in Job.__dataclass_fields__]
# bindparam names must differ from the columns an UPDATE sets
_RETRY = (
    update(jobs)
    .where(jobs.c.id == bindparam("b_id"))
    .values(
        due_at=bindparam("b_due_at"),
        attempts=jobs.c.attempts + 1,
        last_error=bindparam("b_error"),
        claimed_by=None,
        lease_until=None,
    )
)
# Due on Ringback's clock and not leased to a worker (leases run on the wall clock). On
# PostgreSQL the rows are locked until the transaction ends and rows another worker has locked
# are skipped: each due job goes to one worker, and a worker that dies mid-transaction (even
# SIGKILL) releases its rows with its connection. SQLite compiles FOR UPDATE to nothing.
_DUE = Prepared(
    select(*_JOB_COLUMNS)
    .where(
        jobs.c.due_at <= bindparam("now"),
        or_(jobs.c.lease_until.is_(None), jobs.c.lease_until < bindparam("wall")),
    )
    .order_by(jobs.c.due_at, jobs.c.id)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True)
)
_LEASE = (
    update(jobs)
    .where(jobs.c.id == bindparam("b_id"))
    .values(claimed_by=bindparam("b_worker"), lease_until=bindparam("b_until"))
)
_RENEW = (
    update(jobs)
    .where(jobs.c.id == bindparam("b_id"), jobs.c.claimed_by == bindparam("b_worker"))
    .values(lease_until=bindparam("b_until"))
)


def _job(row: Any) -> Job:
    return Job(
        id=row.id,
        kind=row.kind,
        due_at=row.due_at,
        payload=json.loads(row.payload),
        api_key=row.api_key,
        attempts=row.attempts,
        last_error=row.last_error,
    )


def add_job(
    tx: Tx,
    kind: str,
    due_at: float,
    payload: dict[str, Any],
    api_key: str | None,
    now: float,
) -> int:
    return _ADD.new_id(
        tx,
        {
            "kind": kind,
            "due_at": due_at,
            "payload": json.dumps(payload),
            "api_key": api_key,
            "attempts": 0,
            "last_error": None,
            "created_at": now,
        },
    )


def due_jobs(tx: Tx, now: float, limit: int = 100, wall: float = 0.0) -> list[Job]:
    """Due jobs in due order, none leased past `wall` (the wall clock); on PostgreSQL locked
    for this transaction, skipping those another transaction holds."""
    rows = _DUE.all(tx, {"now": now, "limit": limit, "wall": wall})
    return [Job(r[0], r[1], r[2], json.loads(r[3]), *r[4:]) for r in rows]


def list_jobs(tx: Tx, api_key: str | None = None) -> list[Job]:
    query = select(jobs).order_by(jobs.c.due_at, jobs.c.id)
    if api_key is not None:
        query = query.where(jobs.c.api_key == api_key)
    return [_job(r) for r in tx.conn.execute(query)]


def finish_job(tx: Tx, job_id: int) -> None:
    _FINISH.run(tx, {"job_id": job_id})


def finish_jobs(tx: Tx, job_ids: list[int]) -> None:
    """Several jobs ended in one executemany (a batch the scheduler landed together)."""
    _FINISH.run_many(tx, [{"job_id": job_id} for job_id in job_ids])


def retry_job(tx: Tx, job_id: int, due_at: float, error: str | None) -> None:
    tx.conn.execute(_RETRY, {"b_id": job_id, "b_due_at": due_at, "b_error": error})


def lease_job(tx: Tx, job_id: int, worker: str, until: float) -> None:
    """`worker` runs the job outside this transaction until `until` (wall clock)."""
    tx.conn.execute(_LEASE, {"b_id": job_id, "b_worker": worker, "b_until": until})


def renew_lease(tx: Tx, job_id: int, worker: str, until: float) -> None:
    tx.conn.execute(_RENEW, {"b_id": job_id, "b_worker": worker, "b_until": until})


def delete_jobs_of(tx: Tx, kind: str, key: str, value: str) -> None:
    """Drop pending jobs of a kind whose payload names a value, e.g. renewals of a number."""
    for job in list_jobs(tx):
        if job.kind == kind and job.payload.get(key) == value:
            finish_job(tx, job.id)
