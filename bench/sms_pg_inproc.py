"""SMS on PostgreSQL inside one process: POST /sms/json through the ASGI app, 16 at a time, then
the delivery jobs (as bench/sms_inproc.py does on SQLite), on a durable throwaway PostgreSQL.
Each mode in turn on a fresh database, alternated:

- `group`: `store.transact` through the commit group (state/pg_commit_group.py);
- `lanes1`: the same with one lane;
- `each`: a transaction and a COMMIT of its own per call on the worker threads (what
  `transact` did before group commit: `Store.transact`, the base class's).

Wall time per message (what the account row's lock and the round trips cost) and this
process's CPU time per message (`time.process_time`: robust to a loaded machine).

    .venv/bin/python bench/sms_pg_inproc.py [--messages 1600] [--modes group,each,group,each]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import uvloop
from sms_inproc import CONCURRENCY, DELAY, post

from ringback.app import bootstrap_default_account, build_services, create_app
from ringback.config import Settings
from ringback.state import accounts as account_state
from ringback.state.pg_commit_group import PgCommitGroup
from ringback.state.postgres import PostgresStore
from ringback.state.store import Store, Tx
from ringback.testing.postgres import ThrowawayPostgres


def one_commit_each(store: PostgresStore) -> Callable[..., Awaitable[Any]]:
    def transact(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Awaitable[Any]:
        return Store.transact(store, fn, *args, **kwargs)

    return transact


async def scenario(url: str, data_dir: Path, mode: str, messages: int) -> dict[str, float]:
    settings = Settings(
        data_dir=data_dir,
        database=url,
        rate_limits=False,
        default_balance="1000000",
        log_level="warning",
    )
    services = build_services(settings)
    store = services.store
    assert isinstance(store, PostgresStore)
    if mode == "each":
        store.transact = one_commit_each(store)  # type: ignore[method-assign]
    elif mode == "lanes1":
        store.commits = PgCommitGroup(store, lanes=1)
    account, secret = bootstrap_default_account(services)

    def dr_url(tx: Tx) -> None:
        account_state.update_account(tx, account.api_key, dr_callback_url="http://127.0.0.1:9/dr")

    with store.begin() as tx:
        dr_url(tx)
    app = create_app(services)
    auth = b"Basic " + base64.b64encode(f"{account.api_key}:{secret}".encode())
    bodies = [
        f"from=Ringback&to=4477009{n % 100:05d}&text=Hello+number+{n}".encode()
        for n in range(messages)
    ]

    async def run(chunk: list[bytes]) -> None:
        statuses = await asyncio.gather(*(post(app, b, auth) for b in chunk))
        assert set(statuses) == {200}, statuses

    await run(bodies[:CONCURRENCY])  # warm: statements compiled, connections made
    services.clock.advance(DELAY)
    await services.scheduler.run_due()
    groups, members = store.commits.groups, store.commits.members
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(CONCURRENCY, len(bodies), CONCURRENCY):
        await run(bodies[i : i + CONCURRENCY])
    sent_wall, sent_cpu = time.perf_counter(), time.process_time()
    services.clock.advance(DELAY)
    await services.scheduler.run_due()
    done_wall, done_cpu = time.perf_counter(), time.process_time()
    n = len(bodies) - CONCURRENCY
    made = store.commits.groups - groups
    figures = {
        "send_wall": (sent_wall - wall) / n * 1000,
        "send_cpu": (sent_cpu - cpu) / n * 1000,
        "job_wall": (done_wall - sent_wall) / n * 1000,
        "job_cpu": (done_cpu - sent_cpu) / n * 1000,
        "members_per_group": (store.commits.members - members) / made if made else 0.0,
        "rerun_alone": store.commits.rerun_alone,
    }
    store.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1600)
    parser.add_argument("--modes", default="group,each,group,each")
    args = parser.parse_args()
    cluster = ThrowawayPostgres(durable=True).start()
    try:
        for mode in args.modes.split(","):
            with tempfile.TemporaryDirectory() as tmp:
                f = uvloop.run(scenario(cluster.create_database(), Path(tmp), mode, args.messages))
            print(
                f"{mode:6}  ms per message: send wall {f['send_wall']:.3f} CPU {f['send_cpu']:.3f}"
                f" | delivery jobs wall {f['job_wall']:.3f} CPU {f['job_cpu']:.3f}"
                f" | {f['members_per_group']:.1f} members per group,"
                f" {f['rerun_alone']:.0f} run again alone",
                flush=True,
            )
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
