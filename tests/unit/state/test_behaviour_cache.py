"""The handsets' behaviour rows kept in memory (state/behaviour_cache.py): every read after a
write sees it, on the test backend (SQLite, or PostgreSQL without the cache), and a write that
is undone leaves nothing behind in the cache."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from ringback.network.behaviours import (
    DEFAULT,
    Behaviour,
    behaviour_for,
    clear_behaviour,
    set_behaviour,
)
from ringback.state.behaviour_cache import MISS, BehaviourCache
from ringback.state.sqlite import SqliteStore
from ringback.state.store import Store, Tx
from ringback.testing.backends import new_store, on_postgres

HANDSET = "447400100200"
BARRED = Behaviour(name="custom", submit_status=7)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = new_store(tmp_path)
    yield store
    store.close()


def read(store: Store, msisdn: str = HANDSET) -> Behaviour:
    with store.begin() as tx:
        return behaviour_for(tx, msisdn)


def put(store: Store, behaviour: Behaviour, msisdn: str = HANDSET) -> None:
    with store.begin() as tx:
        set_behaviour(tx, msisdn, behaviour, 1.0)


def test_a_read_after_a_write_sees_it(store: Store) -> None:
    assert read(store) == DEFAULT  # kept: no row
    put(store, BARRED)
    assert read(store) == BARRED
    assert read(store) == BARRED  # kept: the row
    with store.begin() as tx:
        clear_behaviour(tx, HANDSET)
    assert read(store) == DEFAULT


def test_a_write_rolled_back_is_not_kept(store: Store) -> None:
    assert read(store) == DEFAULT
    with pytest.raises(RuntimeError), store.begin() as tx:
        set_behaviour(tx, HANDSET, BARRED, 1.0)
        assert behaviour_for(tx, HANDSET) == BARRED  # this transaction sees its own write
        raise RuntimeError("undone")
    assert read(store) == DEFAULT


def test_a_clear_rolled_back_is_not_kept(store: Store) -> None:
    put(store, BARRED)
    assert read(store) == BARRED
    with pytest.raises(RuntimeError), store.begin() as tx:
        clear_behaviour(tx, HANDSET)
        assert behaviour_for(tx, HANDSET) == DEFAULT
        raise RuntimeError("undone")
    assert read(store) == BARRED


def test_a_member_rolled_back_to_its_savepoint_leaves_the_cache_as_it_was(store: Store) -> None:
    def failing(tx: Tx) -> None:
        set_behaviour(tx, HANDSET, BARRED, 1.0)
        assert behaviour_for(tx, HANDSET) == BARRED
        raise ValueError("refused after writing")

    def reading(tx: Tx) -> Behaviour:
        return behaviour_for(tx, HANDSET)

    async def scenario() -> Behaviour:
        with pytest.raises(ValueError):
            await store.transact(failing)
        return await store.transact(reading)  # in the same group, on SQLite

    assert read(store) == DEFAULT
    assert asyncio.run(scenario()) == DEFAULT
    assert read(store) == DEFAULT


def test_a_reset_forgets_every_profile(store: Store) -> None:
    put(store, BARRED)
    assert read(store) == BARRED
    store.reset()
    assert read(store) == DEFAULT


def test_a_reset_rolled_back_keeps_the_profiles(store: Store) -> None:
    put(store, BARRED)
    assert read(store) == BARRED
    with pytest.raises(RuntimeError), store.begin() as tx:
        store.reset()  # joins this transaction
        assert behaviour_for(tx, HANDSET) == DEFAULT
        raise RuntimeError("undone")
    assert read(store) == BARRED


def test_a_restored_snapshot_brings_back_its_profiles(store: Store) -> None:
    assert read(store) == DEFAULT
    store.save_snapshot("before")
    put(store, BARRED)
    assert read(store) == BARRED
    assert store.restore_snapshot("before")
    assert read(store) == DEFAULT


@pytest.mark.skipif(on_postgres(), reason="the cache is SQLite's: one process owns the file")
def test_a_profile_read_once_runs_no_query_afterwards(store: Store) -> None:
    put(store, BARRED)
    assert read(store) == BARRED
    assert read(store, "447400100201") == DEFAULT
    with store.begin() as tx:  # behind the repository's back: only the cache still knows
        tx.conn.execute(text("DELETE FROM handset_behaviours"))
        tx.conn.execute(
            text("INSERT INTO handset_behaviours VALUES ('447400100201', :p, 2.0)"),
            {"p": '{"name": "custom", "submit_status": 7}'},
        )
    assert read(store) == BARRED
    assert read(store, "447400100201") == DEFAULT


@pytest.mark.skipif(on_postgres(), reason="the cache is SQLite's: one process owns the file")
def test_a_failed_group_commit_forgets_everything(store: Store) -> None:
    assert isinstance(store, SqliteStore) and store.behaviours is not None
    assert read(store) == DEFAULT
    assert store.behaviours.lookup(HANDSET, lambda: None) is None
    for hook in store.commits.on_failure:
        hook()
    assert store.behaviours.lookup(HANDSET, lambda: None) is MISS


@pytest.mark.skipif(not on_postgres(), reason="PostgreSQL: several processes share the data")
def test_postgres_keeps_nothing_in_memory(store: Store) -> None:
    assert store.behaviours is None
    with store.begin() as tx:
        assert tx.behaviours is None
    put(store, BARRED)
    assert read(store) == BARRED


def test_the_cache_is_bounded() -> None:
    cache = BehaviourCache(size=3)
    for n in range(5):
        cache.keep(f"44740010020{n}", None, lambda: None)
    assert cache.lookup("447400100200", lambda: None) is MISS
    assert cache.lookup("447400100204", lambda: None) is None
