"""Statements run on the DBAPI connection (state/prepared.py) answer as Core's would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ringback.core.clock import Clock
from ringback.core.ids import Ids
from ringback.platform.provisioning import create_account
from ringback.state import accounts as account_state
from ringback.state import charges
from ringback.state.store import DatabaseError, Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(str(tmp_path / "ringback.db"))
    store.migrate()
    yield store
    store.close()


def test_rows_come_back_typed_as_through_core(store: Store) -> None:
    with store.begin() as tx:
        create_account(tx, Ids(1), Clock(), api_key="bool0001")
        account_state.update_account(tx, "bool0001", auto_reload=True)
        prepared = account_state.get_account(tx, "bool0001")
        (core,) = [a for a in account_state.list_accounts(tx) if a.api_key == "bool0001"]
    assert prepared == core
    assert prepared is not None
    assert prepared.auto_reload is True and prepared.is_default is False


def test_a_failing_statement_raises_the_stores_error(store: Store) -> None:
    with pytest.raises(DatabaseError), store.begin() as tx:  # no such account: foreign key
        charges.record(tx, "nobody00", "sms", 1, "ref", 0, 0.0)
    with store.begin() as tx:
        assert charges.balance_units(tx, "nobody00") is None
