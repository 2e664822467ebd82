"""Statements run on the DBAPI connection (state/prepared.py) answer as Core's would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from ringback.core.clock import Clock
from ringback.core.ids import Ids
from ringback.platform.provisioning import create_account
from ringback.state import accounts as account_state
from ringback.state import charges, tables
from ringback.state import jobs as job_state
from ringback.state.accounts import Account
from ringback.state.store import DatabaseError, Store, Tx
from ringback.testing.backends import new_store
from ringback.testing.postgres import ThrowawayPostgres, server_binaries


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = new_store(tmp_path)
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


def test_an_insert_gives_the_new_rows_own_id(store: Store) -> None:
    """From `lastrowid` on SQLite, `RETURNING` on PostgreSQL: the id the row really has."""
    with store.begin() as tx:
        given = [job_state.add_job(tx, "k", float(n), {"n": n}, None, 0.0) for n in range(3)]
        stored = {job.payload["n"]: job.id for job in job_state.due_jobs(tx, 5.0, 10)}
    assert given == [stored[0], stored[1], stored[2]]
    assert len(set(given)) == 3


@pytest.mark.skipif(server_binaries() is None, reason="no PostgreSQL server binaries here")
def test_the_same_statements_run_on_postgresql() -> None:
    """Compiled for psycopg's dialect: named parameters, its numeric result processors."""
    pg = ThrowawayPostgres().start()
    try:
        engine = create_engine(pg.url.replace("postgresql://", "postgresql+psycopg://"))
        tables.metadata.create_all(engine)
        with engine.begin() as conn:
            tx = Tx(conn)
            account = Account(
                "pgacct01", "n", 1000, True, 0, "s", "md5hash", False, "", "", "POST", False, 1.5
            )
            account_state.insert_account(tx, account)
            assert account_state.get_account(tx, "pgacct01") == account
            assert charges.take(tx, "pgacct01", 10) == 990
            job_id = job_state.add_job(tx, "k", 1.0, {"a": 1}, "pgacct01", 0.5)
            (job,) = job_state.due_jobs(tx, 5.0, 10)
            assert (job.id, job.payload, job.due_at) == (job_id, {"a": 1}, 1.0)
            job_state.finish_job(tx, job_id)
            assert job_state.due_jobs(tx, 5.0, 10) == []
            with pytest.raises(DatabaseError):
                charges.record(tx, "pgacct01", None, 1, "r", 0, 0.0)  # type: ignore[arg-type]
        engine.dispose()
    finally:
        pg.stop()
