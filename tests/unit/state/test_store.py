"""The store, the same tests on the test backend (a SQLite file, or PostgreSQL with
RINGBACK_TEST_BACKEND=postgresql) and on SQLite in memory."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from ringback.core.clock import Clock
from ringback.core.errors import InsufficientCredit
from ringback.core.ids import Ids
from ringback.core.prices import PriceList
from ringback.platform.billing import Billing
from ringback.platform.provisioning import create_account
from ringback.state import accounts as account_state
from ringback.state.migrations import MIGRATIONS
from ringback.state.sqlite import SqliteStore
from ringback.state.store import Store
from ringback.testing.backends import new_store, reopen


@pytest.fixture(params=["backend", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "memory":
        store: Store = SqliteStore(":memory:", snapshot_dir=tmp_path / "snapshots")
        store.migrate()
    else:
        store = new_store(tmp_path)
    yield store
    store.close()


def test_migrations_are_recorded_and_idempotent(store: Store) -> None:
    latest = MIGRATIONS[-1][0]
    assert store.get_meta("schema_version") == str(latest)
    assert store.migrate() == latest


def test_a_failed_transaction_leaves_nothing(store: Store) -> None:
    ids, clock = Ids(1), Clock()
    with pytest.raises(RuntimeError), store.begin() as tx:
        create_account(tx, ids, clock, api_key="half0001")
        raise RuntimeError("boom")
    with store.begin() as tx:
        assert account_state.get_account(tx, "half0001") is None


def test_charges_are_atomic_and_never_go_below_zero(store: Store) -> None:
    clock = Clock()
    billing = Billing(PriceList.load(), clock)
    with store.begin() as tx:
        create_account(tx, Ids(2), clock, api_key="pay00001", balance=Decimal("1.00"))
        after = billing.charge(tx, "pay00001", "test", Decimal("0.4"), "r1")
        assert after == 60_000_000
    with pytest.raises(InsufficientCredit), store.begin() as tx:
        billing.charge(tx, "pay00001", "test", Decimal("0.61"), "r2")
    with store.begin() as tx:
        assert billing.balance_units(tx, "pay00001") == 60_000_000
        rows = tx.conn.execute(text("SELECT amount_units FROM charges")).all()
        assert [r[0] for r in rows] == [40_000_000]


def test_snapshot_round_trip(store: Store, tmp_path: Path) -> None:
    clock = Clock()
    with store.begin() as tx:
        create_account(tx, Ids(3), clock, api_key="snap0001")
    store.save_snapshot("one")
    with store.begin() as tx:
        create_account(tx, Ids(4), clock, api_key="snap0002")
        account_state.delete_account(tx, "snap0001")
    assert store.restore_snapshot("one")
    with store.begin() as tx:
        keys = {a.api_key for a in account_state.list_accounts(tx)}
    assert keys == {"snap0001"}


def test_snapshots_are_listed_replaced_and_deleted(store: Store) -> None:
    clock = Clock()
    assert store.list_snapshots() == []
    assert not store.restore_snapshot("none")
    store.save_snapshot("a.b-c_1")
    with store.begin() as tx:
        create_account(tx, Ids(11), clock, api_key="snap0011")
    store.save_snapshot("a.b-c_1")  # the same name again: replaced
    store.save_snapshot("x" * 64)
    found = store.list_snapshots()
    assert [info.name for info in found] == ["a.b-c_1", "x" * 64]
    assert all(info.bytes > 0 and info.saved_at > 0 for info in found)
    with store.begin() as tx:
        account_state.delete_account(tx, "snap0011")
    assert store.restore_snapshot("a.b-c_1")
    with store.begin() as tx:
        assert account_state.get_account(tx, "snap0011") is not None
    assert store.delete_snapshot("a.b-c_1")
    assert not store.delete_snapshot("a.b-c_1")
    assert [info.name for info in store.list_snapshots()] == ["x" * 64]


def test_ids_after_a_restore_continue_from_the_snapshot(store: Store) -> None:
    """Sequences are part of a snapshot: what is written after a restore gets the ids it
    would have got right after the save (ids are never reused on SQLite either)."""
    clock = Clock()
    billing = Billing(PriceList.load(), clock)
    with store.begin() as tx:
        create_account(tx, Ids(12), clock, api_key="seq00001")
        billing.charge(tx, "seq00001", "test", Decimal("0.1"), "r1")
    store.save_snapshot("ids")
    with store.begin() as tx:
        billing.charge(tx, "seq00001", "test", Decimal("0.1"), "r2")
        billing.charge(tx, "seq00001", "test", Decimal("0.1"), "r3")
    store.restore_snapshot("ids")
    with store.begin() as tx:
        billing.charge(tx, "seq00001", "test", Decimal("0.1"), "r4")
        rows = tx.conn.execute(text("SELECT id, reference FROM charges ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [(1, "r1"), (2, "r4")]


def test_reset_one_account_keeps_its_credentials(store: Store) -> None:
    clock = Clock()
    with store.begin() as tx:
        _, secret = create_account(tx, Ids(5), clock, api_key="keep0001")
        create_account(tx, Ids(6), clock, api_key="keep0002")
    store.reset("keep0001")
    with store.begin() as tx:
        assert account_state.secret_is_valid(tx, "keep0001", secret)
    store.reset()
    with store.begin() as tx:
        assert {a.api_key for a in account_state.list_accounts(tx)} == {"keep0001", "keep0002"}
        assert account_state.secret_is_valid(tx, "keep0001", secret)


def test_committed_writes_and_snapshots_survive_reopening(tmp_path: Path) -> None:
    first = new_store(tmp_path, "durable.db")
    with first.begin() as tx:
        create_account(tx, Ids(7), Clock(), api_key="dura0001")
    first.save_snapshot("kept")
    second = reopen(first)
    with second.begin() as tx:
        assert account_state.get_account(tx, "dura0001") is not None
    assert [info.name for info in second.list_snapshots()] == ["kept"]
    second.close()


def test_outages_are_told_from_failed_statements() -> None:
    """What becomes a 503 (the database is away or full) and what stays a 500 (a bug)."""
    import psycopg.errors
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    from ringback.state.store import unavailable

    def wrapped(orig: Exception) -> DBAPIError:
        return DBAPIError("SELECT 1", {}, orig)

    for outage in (
        psycopg.OperationalError("connection refused"),
        psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
        psycopg.errors.TooManyConnections("sorry, too many clients already"),
        psycopg.InterfaceError("the connection is closed"),
    ):
        assert unavailable(wrapped(outage)), outage
    assert unavailable(PoolTimeout("QueuePool limit reached"))
    for bug in (
        psycopg.errors.UniqueViolation("duplicate key"),
        psycopg.errors.UndefinedTable("no such table"),
        ValueError("not a database error"),
    ):
        assert not unavailable(wrapped(bug) if isinstance(bug, psycopg.Error) else bug), bug
