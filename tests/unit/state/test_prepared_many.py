"""`Prepared.run_many`: one executemany on the DBAPI connection, rows in order, each row's
values processed as Core would, a failure raised as the store's error (both backends)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import bindparam, select

from ringback.core.clock import Clock
from ringback.core.ids import Ids
from ringback.platform.provisioning import create_account
from ringback.state import jobs as job_state
from ringback.state import sms_parts as part_state
from ringback.state import webhook_deliveries as delivery_state
from ringback.state.prepared import Prepared, PreparedIn
from ringback.state.store import DatabaseError, Store
from ringback.state.tables import accounts
from ringback.testing.backends import new_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = new_store(tmp_path)
    yield store
    store.close()


def owed(n: int, kind: str | None = "test") -> dict[str, object]:
    return {
        "api_key": None,
        "kind": kind,
        "url": "http://hooks.example/x",
        "method": "POST",
        "content_type": "json",
        "payload": {"n": n, "text": "héllo"},
        "signing": None,
        "application_id": None,
        "destination": "http://hooks.example:80",
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": float(n),
        "give_up_at": 100.0,
        "retry_window": 100.0,
        "created_at": 0.0,
        "last_status": None,
        "last_error": None,
        "reference": f"r{n}",
    }


def test_rows_are_written_in_order_as_single_inserts_would(store: Store) -> None:
    with store.begin() as tx:
        first = delivery_state.add(tx, owed(0))
        delivery_state.add_many(tx, [owed(n) for n in range(1, 5)])
        written = delivery_state.due_for(tx, "http://hooks.example:80", 10.0, 10)
    assert [d.id for d in written] == list(range(first, first + 5))
    assert [(d.reference, d.payload) for d in written] == [
        (f"r{n}", {"n": n, "text": "héllo"}) for n in range(5)
    ]


def test_bind_processors_apply_to_every_row(store: Store) -> None:
    """A Boolean goes to SQLite as 0/1 and comes back a bool, as through Core."""
    ids, clock = Ids(1), Clock()
    with store.begin() as tx:
        for key in ("flag0001", "flag0002"):
            create_account(tx, ids, clock, api_key=key)
    update = Prepared(
        accounts.update()
        .where(accounts.c.api_key == bindparam("b_key"))
        .values(auto_reload=bindparam("b_on"))
    )
    with store.begin() as tx:
        update.run_many(tx, [{"b_key": "flag0001", "b_on": True}, {"b_key": "flag0002", "b_on": 0}])
        rows = tx.conn.execute(
            select(accounts.c.api_key, accounts.c.auto_reload).order_by(accounts.c.api_key)
        )
        assert [tuple(r) for r in rows] == [("flag0001", True), ("flag0002", False)]


def test_several_jobs_end_in_one_call_and_parts_finish_together(store: Store) -> None:
    with store.begin() as tx:
        ids = [job_state.add_job(tx, "k", 0.0, {"n": n}, None, 0.0) for n in range(4)]
        job_state.finish_jobs(tx, [ids[0], ids[2]])
        assert [job.payload["n"] for job in job_state.list_jobs(tx)] == [1, 3]
        part_state.finish_many(tx, [], 1.0)  # nothing to do is fine


def test_a_failing_row_raises_the_stores_error_and_the_transaction_undoes_all(
    store: Store,
) -> None:
    with pytest.raises(DatabaseError), store.begin() as tx:  # a kind is NOT NULL
        delivery_state.add_many(tx, [owed(1), owed(2, kind=None)])
    with store.begin() as tx:
        assert delivery_state.due_for(tx, "http://hooks.example:80", 10.0, 10) == []


def test_an_in_list_query_answers_alike_at_every_length(store: Store) -> None:
    """Compiled per length up to `most`, through Core's expanding `IN` beyond it."""
    query = PreparedIn(
        lambda keys: select(accounts.c.api_key).where(accounts.c.api_key.in_(keys)), most=3
    )
    ids, clock = Ids(1), Clock()
    with store.begin() as tx:
        keys = [f"inlist{n:02d}" for n in range(5)]
        for key in keys:
            create_account(tx, ids, clock, api_key=key)
        for length in range(6):
            assert sorted(row[0] for row in query.all(tx, keys[:length])) == keys[:length]
            with_a_stranger = [*keys[:length], "missing0"]
            assert sorted(row[0] for row in query.all(tx, with_a_stranger)) == keys[:length]
