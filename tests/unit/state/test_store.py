"""The store, the same tests on a SQLite file and in memory."""

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
from ringback.state.store import Store


@pytest.fixture(params=["file", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    path = str(tmp_path / "ringback.db") if request.param == "file" else ":memory:"
    store = Store(path)
    store.migrate()
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
    store.save_snapshot(tmp_path / "snaps" / "one.db")
    with store.begin() as tx:
        create_account(tx, Ids(4), clock, api_key="snap0002")
        account_state.delete_account(tx, "snap0001")
    store.restore_snapshot(tmp_path / "snaps" / "one.db")
    with store.begin() as tx:
        keys = {a.api_key for a in account_state.list_accounts(tx)}
    assert keys == {"snap0001"}


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


def test_committed_writes_survive_reopening(tmp_path: Path) -> None:
    path = str(tmp_path / "durable.db")
    first = Store(path)
    first.migrate()
    with first.begin() as tx:
        create_account(tx, Ids(7), Clock(), api_key="dura0001")
    first.close()
    second = Store(path)
    second.migrate()
    with second.begin() as tx:
        assert account_state.get_account(tx, "dura0001") is not None
    second.close()
