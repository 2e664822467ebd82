"""The numbers behind the store's choices (docs/architecture.md, "State"), measured in-process.

1. Per transaction: a small request-sized transaction (read an account and its balance, add
   an auth-log row) run inline, and through `Store.run`, on SQLite and on PostgreSQL; and on
   SQLite through a thread as PostgreSQL does (what "inline on SQLite" saves).
2. The loop while a slow statement runs (PostgreSQL): short transactions run back to back
   while one 200 ms statement runs, once inline on the loop and once through the worker pool;
   their worst latency shows whether the loop was blocked.
3. Snapshots: save and restore of a test-sized world and of a 10k-message world, both backends.
4. Concurrent writers (PostgreSQL): CALLERS callers each `await`ing request-sized transactions
   back to back for a few seconds, once through the commit group (`store.transact`) and once
   with a transaction and a COMMIT of its own each (what `transact` did before group commit):
   transactions per second, the p99 wait, and the group sizes.

    .venv/bin/python bench/db_backends.py [--rounds 2000] [--only concurrent]

Needs Debian's postgresql package (a throwaway cluster is started, durable: fsync on).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, text

from ringback.core.clock import Clock
from ringback.core.ids import Ids
from ringback.platform.provisioning import create_account
from ringback.state import accounts as account_state
from ringback.state import auth_log, charges, tables
from ringback.state.backend import open_store
from ringback.state.postgres import PostgresStore
from ringback.state.store import Store, Tx
from ringback.testing.postgres import ThrowawayPostgres

API_KEY = "bench001"


def request_sized(tx: Tx) -> None:
    account_state.get_account(tx, API_KEY)
    charges.balance_units(tx, API_KEY)
    auth_log.record(
        tx,
        at=time.time(),
        api="account",
        method="GET",
        path="/account/get-balance",
        api_key=API_KEY,
        reason="bench",
        mode="strict",
        level="warning",
    )


def send_sized(tx: Tx) -> None:
    """What an SMS send writes on the account: the balance (one row every send locks until its
    transaction commits) and a ledger row."""
    request_sized(tx)
    charges.take(tx, API_KEY, 1)


def micros(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    return f"median {statistics.median(ordered) * 1e6:7.0f} µs   p99 {p99 * 1e6:7.0f} µs"


def in_tx(store: Store) -> Callable[[], None]:
    def run() -> None:
        with store.begin() as tx:
            request_sized(tx)

    return run


async def per_transaction(name: str, store: Store, rounds: int) -> None:
    work = in_tx(store)
    for _ in range(100):
        work()
    inline = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        inline.append(time.perf_counter() - started)
    through_run = []
    for _ in range(rounds):
        started = time.perf_counter()
        await store.run(work)
        through_run.append(time.perf_counter() - started)
    print(f"{name:11} inline on the loop      {micros(inline)}")
    print(f"{name:11} await store.run(...)    {micros(through_run)}")
    if store.kind == "sqlite":
        pool = ThreadPoolExecutor(1)
        loop = asyncio.get_running_loop()
        hopped = []
        for _ in range(rounds):
            started = time.perf_counter()
            await loop.run_in_executor(pool, work)
            hopped.append(time.perf_counter() - started)
        pool.shutdown()
        print(f"{name:11} through a thread        {micros(hopped)}")


async def blocked_loop(store: Store) -> None:
    """A probe sends a short transaction every 5 ms while one 200 ms statement runs: inline
    on the loop, every request due meanwhile waits for it; in the pool, none does."""

    def slow() -> None:
        with store.begin() as tx:
            tx.conn.execute(text("SELECT pg_sleep(0.2)"))

    work = in_tx(store)

    async def probe(seconds: float) -> list[float]:
        """Open loop: a request is due every 5 ms; its latency counts from when it was due,
        as a client's would (a blocked loop delays the start too)."""
        latencies = []
        begun = time.perf_counter()
        for n in range(int(seconds / 0.005)):
            due = begun + n * 0.005
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            await store.run(work)
            latencies.append(time.perf_counter() - due)
        return latencies

    for label, offload in (("inline on the loop", False), ("in the worker pool", True)):
        probing = asyncio.create_task(probe(0.4))
        await asyncio.sleep(0.05)
        if offload:
            await store.run(slow)
        else:
            slow()
        latencies = await probing
        print(
            f"postgresql  short transactions while a 200 ms statement runs {label}: "
            f"median {statistics.median(latencies) * 1000:.1f} ms, "
            f"max {max(latencies) * 1000:.1f} ms"
        )


async def _caller(
    through: Callable[[Callable[[Tx], None]], Awaitable[None]],
    work: Callable[[Tx], None],
    deadline: float,
    waits: list[float],
) -> None:
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        await through(work)
        waits.append(time.perf_counter() - start)


async def concurrent(
    store: PostgresStore, callers: int, seconds: float, work: Callable[[Tx], None]
) -> None:
    """Request-sized writers at once: through the commit group, then one COMMIT each."""

    async def one_each(work: Callable[[Tx], None]) -> None:
        await Store.transact(store, work)  # the store's base: begin() on a worker thread

    for label, through in (
        ("commit group", store.transact),
        ("one COMMIT each", one_each),
        ("commit group", store.transact),
        ("one COMMIT each", one_each),
    ):
        waits: list[float] = []
        groups, members = store.commits.groups, store.commits.members
        deadline = time.perf_counter() + seconds

        started = time.perf_counter()
        await asyncio.gather(*(_caller(through, work, deadline, waits) for _ in range(callers)))
        elapsed = time.perf_counter() - started
        made = store.commits.groups - groups
        per_group = (store.commits.members - members) / made if made else 0.0
        print(
            f"postgresql  {work.__name__} x{callers}, {label:15}: "
            f"{len(waits) / elapsed:7.0f} tx/s, "
            f"wait {micros(waits)}, {per_group:.1f} members per group"
        )


def fill(store: Store, messages: int) -> None:
    clock, ids = Clock(), Ids(1)
    with store.begin() as tx:
        for n in range(3):
            create_account(tx, ids, clock, api_key=f"snap{n:04d}", balance=Decimal("10"))
        if not messages:
            return
        now = time.time()
        conn = tx.conn
        conn.execute(
            insert(tables.sms_messages),
            [
                {
                    "message_id": f"m{n:08d}",
                    "api_key": "snap0000",
                    "to_msisdn": "447700900123",
                    "sender": "Acme",
                    "part": 1,
                    "parts": 1,
                    "encoding": "text",
                    "body": "Your code is 123456",
                    "status_report_req": True,
                    "ttl_ms": 259200000,
                    "price_units": 5000000,
                    "status": "delivered",
                    "submitted_at": now,
                }
                for n in range(messages)
            ],
        )
        conn.execute(
            insert(tables.handset_messages),
            [
                {
                    "msisdn": "447700900123",
                    "direction": "received",
                    "channel": "sms",
                    "peer": "Acme",
                    "text": "Your code is 123456",
                    "encoding": "text",
                    "parts": 1,
                    "api_key": "snap0000",
                    "reference": f"m{n:08d}",
                    "created_at": now,
                }
                for n in range(messages)
            ],
        )
        conn.execute(
            insert(tables.charges),
            [
                {
                    "api_key": "snap0000",
                    "product": "sms",
                    "reference": f"m{n:08d}",
                    "amount_units": 5000000,
                    "balance_after_units": 0,
                    "created_at": now,
                }
                for n in range(messages)
            ],
        )
        conn.execute(
            insert(tables.webhook_deliveries),
            [
                {
                    "api_key": "snap0000",
                    "kind": "sms-dlr",
                    "url": "http://127.0.0.1:9/receipts",
                    "method": "POST",
                    "content_type": "json",
                    "payload": f'{{"messageId": "m{n:08d}", "status": "delivered"}}',
                    "destination": "http://127.0.0.1:9",
                    "status": "delivered",
                    "attempts": 1,
                    "next_attempt_at": now,
                    "give_up_at": now + 86400,
                    "retry_window": 86400.0,
                    "created_at": now,
                    "reference": f"m{n:08d}",
                }
                for n in range(messages)
            ],
        )


def snapshots(name: str, make: Callable[[], Store], messages: int) -> None:
    store = make()
    try:
        fill(store, messages)
        timings: dict[str, list[float]] = {"save": [], "restore": []}
        for _ in range(5):
            started = time.perf_counter()
            store.save_snapshot("bench")
            timings["save"].append(time.perf_counter() - started)
            started = time.perf_counter()
            store.restore_snapshot("bench")
            timings["restore"].append(time.perf_counter() - started)
        world = f"{messages // 1000}k-message world" if messages else "test-sized world"
        print(
            f"{name:11} snapshot of a {world:17}: save "
            f"{statistics.median(timings['save']) * 1000:6.1f} ms, restore "
            f"{statistics.median(timings['restore']) * 1000:6.1f} ms"
        )
    finally:
        store.close()


async def main(rounds: int, only: str | None) -> None:
    cluster = ThrowawayPostgres(durable=True).start()
    work = Path(tempfile.mkdtemp(prefix="ringback-bench-"))
    try:
        if only in (None, "concurrent"):
            for lanes in (1, 2, 4):
                store = PostgresStore(cluster.create_database(), lanes=lanes)
                store.migrate()
                with store.begin() as tx:
                    create_account(tx, Ids(2), Clock(), api_key=API_KEY)
                print(f"postgresql  commit group of {lanes} lane(s)")
                for work in (request_sized, send_sized):
                    for callers in (1, 16):
                        await concurrent(store, callers, 3.0, work)
                store.close()
        if only == "concurrent":
            return

        def sqlite() -> Store:
            path = work / f"{time.monotonic_ns()}.db"
            store = open_store(str(path), snapshot_dir=work / "snapshots")
            store.migrate()
            return store

        def postgres() -> Store:
            store = open_store(cluster.create_database())
            store.migrate()
            return store

        for name, make in (("sqlite", sqlite), ("postgresql", postgres)):
            store = make()
            with store.begin() as tx:
                create_account(tx, Ids(2), Clock(), api_key=API_KEY)
            await per_transaction(name, store, rounds)
            if store.kind == "postgresql":
                await blocked_loop(store)
            store.close()
        for messages in (0, 10_000):
            for name, make in (("sqlite", sqlite), ("postgresql", postgres)):
                snapshots(name, make, messages)
    finally:
        cluster.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--only", choices=["concurrent"], help="only the concurrent writers")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.rounds, arguments.only))
