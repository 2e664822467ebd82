"""Group commit on PostgreSQL (state/pg_commit_group.py), on a throwaway cluster: what members of
one group share, what a failing member or a failed COMMIT does, and that a member waiting on a
lock never holds the group's other members.

What is committed is read on a connection of its own, which sees only committed rows. The lane
is held inside a first member (`Gate`) while the members under test queue up behind it, so they
form exactly one group."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import text

from ringback.core.clock import Clock
from ringback.core.errors import InternalError
from ringback.core.ids import Ids
from ringback.platform.provisioning import create_account
from ringback.state import charges
from ringback.state.postgres import PostgresStore
from ringback.state.store import Tx, unavailable
from ringback.testing import backends
from ringback.testing.postgres import server_binaries

pytestmark = pytest.mark.skipif(
    server_binaries() is None, reason="needs Debian's postgresql package (initdb, pg_ctl)"
)


@pytest.fixture
def store() -> Iterator[PostgresStore]:
    store = PostgresStore(backends.new_database(migrated=True), lanes=1)
    yield store
    store.close()


@pytest.fixture
def two_lanes() -> Iterator[PostgresStore]:
    store = PostgresStore(backends.new_database(migrated=True), lanes=2)
    yield store
    store.close()


def committed_accounts(store: PostgresStore) -> set[str]:
    with store.engine.connect() as conn:
        return {row[0] for row in conn.execute(text("SELECT api_key FROM accounts"))}


def creating(api_key: str, seed: int) -> Callable[[Tx], str]:
    def work(tx: Tx) -> str:
        create_account(tx, Ids(seed), Clock(), api_key=api_key)
        return api_key

    return work


class Gate:
    """A member that holds its lane until opened (after `before`, if given)."""

    def __init__(self, before: Callable[[Tx], object] | None = None) -> None:
        self.running = threading.Event()
        self.opened = threading.Event()
        self.before = before

    def __call__(self, tx: Tx) -> str:
        if self.before is not None:
            self.before(tx)
        self.running.set()
        assert self.opened.wait(10)
        return "gate"

    async def hold(self, store: PostgresStore) -> asyncio.Task[str]:
        task = asyncio.create_task(store.commits.run(self))
        assert await asyncio.to_thread(self.running.wait, 10)
        return task


async def queued(
    store: PostgresStore, *works: Callable[[Tx], object]
) -> list[asyncio.Task[object]]:
    tasks = [asyncio.create_task(store.commits.run(work)) for work in works]
    await asyncio.sleep(0)  # each has reached the lane's queue
    return tasks


def test_members_that_arrive_together_share_one_commit(store: PostgresStore) -> None:
    async def scenario() -> list[object]:
        gate = Gate()
        held = await gate.hold(store)
        tasks = await queued(store, *(creating(f"group00{n}", n) for n in range(5)))
        before = store.commits.groups + 1  # the gate's own group
        gate.opened.set()
        await held
        results = await asyncio.gather(*tasks)
        assert store.commits.groups == before + 1
        return results

    assert asyncio.run(scenario()) == [f"group00{n}" for n in range(5)]
    assert committed_accounts(store) >= {f"group00{n}" for n in range(5)}


def test_an_answer_waits_until_its_write_is_committed(store: PostgresStore) -> None:
    async def scenario() -> None:
        gate = Gate()
        held = await gate.hold(store)
        inside = Gate()  # the second member of the next group: the first has written by then
        first, second = await queued(store, creating("wait0001", 1), inside)
        gate.opened.set()
        await held
        assert await asyncio.to_thread(inside.running.wait, 10)
        assert not first.done()
        assert "wait0001" not in committed_accounts(store)
        inside.opened.set()
        assert await first == "wait0001"
        assert await second == "gate"
        assert "wait0001" in committed_accounts(store)

    asyncio.run(scenario())


def test_a_failing_member_undoes_only_its_own_writes(store: PostgresStore) -> None:
    def failing(tx: Tx) -> str:
        create_account(tx, Ids(9), Clock(), api_key="fail0001")
        raise ValueError("refused after writing")

    def failing_statement(tx: Tx) -> str:
        create_account(tx, Ids(8), Clock(), api_key="fail0002")
        tx.conn.execute(text("SELECT 1 / 0"))  # PostgreSQL aborts the transaction here
        return "unreachable"

    async def scenario() -> list[object]:
        gate = Gate()
        held = await gate.hold(store)
        tasks = await queued(
            store,
            failing,  # the first member: no savepoint, the transaction starts afresh
            creating("keep0001", 1),
            failing,
            failing_statement,
            creating("keep0002", 2),
        )
        gate.opened.set()
        await held
        return await asyncio.gather(*tasks, return_exceptions=True)

    failed, first, failed_again, aborted, last = asyncio.run(scenario())
    assert (first, last) == ("keep0001", "keep0002")
    assert isinstance(failed, ValueError) and isinstance(failed_again, ValueError)
    assert isinstance(aborted, Exception) and not unavailable(aborted)
    accounts = committed_accounts(store)
    assert {"keep0001", "keep0002"} <= accounts
    assert not accounts & {"fail0001", "fail0002"}


def test_a_failed_commit_answers_every_member_with_an_error(store: PostgresStore) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("CREATE TABLE poison (n INT UNIQUE DEFERRABLE INITIALLY DEFERRED)"))

    def poisoning(tx: Tx) -> str:
        # two equal values of a deferred unique constraint: checked only at COMMIT, which fails
        tx.conn.execute(text("INSERT INTO poison VALUES (1), (1)"))
        return "poisoned"

    async def scenario() -> list[object]:
        gate = Gate()
        held = await gate.hold(store)
        tasks = await queued(store, creating("lost0001", 1), poisoning, creating("lost0002", 2))
        gate.opened.set()
        await held
        return await asyncio.gather(*tasks, return_exceptions=True)

    outcomes = asyncio.run(scenario())
    assert all(isinstance(outcome, InternalError) for outcome in outcomes), outcomes
    assert not committed_accounts(store) & {"lost0001", "lost0002"}

    async def again() -> str:
        return await store.commits.run(creating("next0001", 3))

    assert asyncio.run(again()) == "next0001"  # the lane goes on
    assert "next0001" in committed_accounts(store)


def test_a_member_waiting_on_a_lock_runs_alone_after_the_group(store: PostgresStore) -> None:
    """Another transaction (here the test's own connection; a `begin()` or another worker)
    holds a lock a member wants: the group does not wait for it with its other members' locks
    held; the member runs again alone and waits there, as a transaction of its own would."""
    locker = store.engine.connect()
    locker.begin()
    locker.execute(text("SELECT pg_advisory_xact_lock(4242)"))

    def locking(tx: Tx) -> str:
        tx.conn.execute(text("SELECT pg_advisory_xact_lock(4242)"))
        create_account(tx, Ids(5), Clock(), api_key="lock0001")
        return "lock0001"

    async def scenario() -> None:
        gate = Gate()
        held = await gate.hold(store)
        first, waiting, last = await queued(
            store, creating("free0001", 1), locking, creating("free0002", 2)
        )
        gate.opened.set()
        await held
        assert await first == "free0001"
        assert await last == "free0002"
        assert {"free0001", "free0002"} <= committed_accounts(store)
        await asyncio.sleep(0.1)
        assert not waiting.done()  # waiting alone, on the lock only
        await asyncio.to_thread(locker.commit)
        assert await waiting == "lock0001"

    try:
        asyncio.run(scenario())
    finally:
        locker.close()
    assert "lock0001" in committed_accounts(store)
    assert store.commits.rerun_alone == 1


def test_a_connection_lost_between_groups_is_replaced(store: PostgresStore) -> None:
    def backend_pid(tx: Tx) -> int:
        return int(tx.conn.execute(text("SELECT pg_backend_pid()")).scalar_one())

    async def first() -> int:
        return await store.commits.run(backend_pid)

    pid = asyncio.run(first())
    with store.engine.begin() as conn:  # as a PostgreSQL restart would
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    async def then() -> str:
        return await store.commits.run(creating("back0001", 1))

    assert asyncio.run(then()) == "back0001"
    assert "back0001" in committed_accounts(store)


def test_begin_inside_a_member_joins_it(store: PostgresStore) -> None:
    def nested(tx: Tx) -> bool:
        with store.begin() as inner:
            return inner is tx

    async def scenario() -> bool:
        return await store.transact(nested)

    assert asyncio.run(scenario())


def test_two_lanes_each_run_a_group(two_lanes: PostgresStore) -> None:
    """While both lanes are busy the members queue up, and the first lane free takes them all."""
    store = two_lanes

    async def scenario() -> list[object]:
        gates = [Gate(), Gate()]
        held = [await gate.hold(store) for gate in gates]
        tasks = await queued(store, *(creating(f"lane000{n}", n) for n in range(5)))
        before = store.commits.groups + 2  # the gates' own groups
        for gate in gates:
            gate.opened.set()
        await asyncio.gather(*held)
        results = await asyncio.gather(*tasks)
        assert store.commits.groups == before + 1
        return results

    assert asyncio.run(scenario()) == [f"lane000{n}" for n in range(5)]


def test_lanes_waiting_on_each_others_rows_do_not_deadlock(two_lanes: PostgresStore) -> None:
    """One lane's group holds an account's row (a charge) and stays open; in the other lane a
    member charging the same account waits too long, is rolled back, and runs again alone once
    its group's other members have committed; it succeeds when the first group commits."""
    store = two_lanes
    asyncio.run(store.transact(creating("shared01", 1)))
    with store.begin() as tx:
        start = charges.balance_units(tx, "shared01")
    assert start is not None and start >= 2

    def charging(tx: Tx) -> int | None:
        return charges.take(tx, "shared01", 1)

    async def scenario() -> None:
        holder = Gate(before=charging)  # takes the row lock, then holds its lane
        held = await holder.hold(store)
        other, waiting, last = await queued(
            store, creating("free0001", 2), charging, creating("free0002", 3)
        )
        assert await other == "free0001"
        assert await last == "free0002"
        assert not waiting.done()
        holder.opened.set()
        assert await held == "gate"
        assert isinstance(await waiting, int)

    asyncio.run(scenario())
    assert store.commits.rerun_alone == 1
    with store.begin() as tx:
        assert charges.balance_units(tx, "shared01") == start - 2  # both charges kept
