"""Group commit on a real SQLite file: what members of one group see, and what is durable.

Durability is checked through a second sqlite3 connection, which sees only committed rows."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from ringback.core.clock import Clock
from ringback.core.errors import InternalError
from ringback.core.ids import Ids
from ringback.platform.provisioning import create_account
from ringback.state.sqlite import SqliteStore
from ringback.state.store import Tx


@pytest.fixture
def path(tmp_path: Path) -> str:
    return str(tmp_path / "ringback.db")


@pytest.fixture
def store(path: str) -> Iterator[SqliteStore]:
    store = SqliteStore(path)
    store.migrate()
    yield store
    store.close()


def committed_accounts(path: str) -> set[str]:
    other = sqlite3.connect(path)
    try:
        return {row[0] for row in other.execute("SELECT api_key FROM accounts")}
    finally:
        other.close()


def creating(api_key: str, seed: int) -> Callable[[Tx], str]:
    def work(tx: Tx) -> str:
        create_account(tx, Ids(seed), Clock(), api_key=api_key)
        return api_key

    return work


def test_members_that_arrive_together_share_one_commit(store: SqliteStore, path: str) -> None:
    async def scenario() -> list[str]:
        return await asyncio.gather(
            *(store.commits.run(creating(f"group00{n}", n)) for n in range(5))
        )

    before = store.commits.groups
    assert asyncio.run(scenario()) == [f"group00{n}" for n in range(5)]
    assert store.commits.groups == before + 1
    assert committed_accounts(path) >= {f"group00{n}" for n in range(5)}


def test_an_answer_waits_until_its_write_is_committed(store: SqliteStore, path: str) -> None:
    async def scenario() -> None:
        member = asyncio.create_task(store.commits.run(creating("wait0001", 1)))
        await asyncio.sleep(0)  # the member has written and waits for the group's commit
        assert not member.done()
        assert "wait0001" not in committed_accounts(path)
        assert await member == "wait0001"
        assert "wait0001" in committed_accounts(path)

    asyncio.run(scenario())


def test_a_failing_member_undoes_only_its_own_writes(store: SqliteStore, path: str) -> None:
    def failing(tx: Tx) -> str:
        create_account(tx, Ids(9), Clock(), api_key="fail0001")
        raise ValueError("refused after writing")

    async def scenario() -> list[object]:
        return await asyncio.gather(
            store.commits.run(creating("keep0001", 1)),
            store.commits.run(failing),
            store.commits.run(creating("keep0002", 2)),
            return_exceptions=True,
        )

    first, failed, last = asyncio.run(scenario())
    assert (first, last) == ("keep0001", "keep0002")
    assert isinstance(failed, ValueError)
    accounts = committed_accounts(path)
    assert {"keep0001", "keep0002"} <= accounts
    assert "fail0001" not in accounts


def test_a_failed_commit_answers_every_member_with_an_error(store: SqliteStore, path: str) -> None:
    def poisoning(tx: Tx) -> str:
        # a secret of no account, its foreign key checked only at COMMIT: the COMMIT fails
        tx.conn.execute(text("PRAGMA defer_foreign_keys = ON"))
        tx.conn.execute(
            text(
                "INSERT INTO api_secrets (id, api_key, salt, digest, created_at) "
                "VALUES ('s1', 'nobody00', 'salt', 'digest', 0)"
            )
        )
        return "poisoned"

    async def scenario() -> list[object]:
        return await asyncio.gather(
            store.commits.run(creating("lost0001", 1)),
            store.commits.run(poisoning),
            store.commits.run(creating("lost0002", 2)),
            return_exceptions=True,
        )

    outcomes = asyncio.run(scenario())
    assert all(isinstance(outcome, InternalError) for outcome in outcomes), outcomes
    assert not committed_accounts(path) & {"lost0001", "lost0002"}

    # the store is usable afterwards, and the next group commits
    async def again() -> str:
        return await store.commits.run(creating("next0001", 3))

    assert asyncio.run(again()) == "next0001"
    assert "next0001" in committed_accounts(path)


def test_a_transaction_of_its_own_commits_the_open_group_first(
    store: SqliteStore, path: str
) -> None:
    async def scenario() -> None:
        member = asyncio.create_task(store.commits.run(creating("early001", 1)))
        await asyncio.sleep(0)
        assert "early001" not in committed_accounts(path)
        with store.begin() as tx:  # e.g. the control API: its block is its own transaction
            create_account(tx, Ids(2), Clock(), api_key="own00001")
        assert {"early001", "own00001"} <= committed_accounts(path)
        assert await member == "early001"

    asyncio.run(scenario())


def test_members_arriving_during_a_commit_wait_for_it_and_form_the_next_group(
    store: SqliteStore, path: str
) -> None:
    async def scenario() -> list[str]:
        first = [asyncio.create_task(store.commits.run(creating(f"one0000{n}", n))) for n in (1, 2)]
        await asyncio.sleep(0)  # the members have written
        await asyncio.sleep(0)  # the group's COMMIT has gone to the committer thread
        second = [store.commits.run(creating(f"two0000{n}", n)) for n in (3, 4)]
        return await asyncio.gather(*first, *second)

    before = store.commits.groups
    assert asyncio.run(scenario()) == ["one00001", "one00002", "two00003", "two00004"]
    assert store.commits.groups == before + 2
    assert committed_accounts(path) >= {"one00001", "one00002", "two00003", "two00004"}


def test_a_transaction_of_its_own_waits_for_a_commit_in_flight(
    store: SqliteStore, path: str
) -> None:
    async def scenario() -> None:
        member = asyncio.create_task(store.commits.run(creating("flight01", 1)))
        await asyncio.sleep(0)
        await asyncio.sleep(0)  # its COMMIT runs on the committer thread
        with store.begin() as tx:
            assert "flight01" in committed_accounts(path)
            create_account(tx, Ids(2), Clock(), api_key="after001")
        assert "after001" in committed_accounts(path)
        assert await member == "flight01"

    asyncio.run(scenario())


def test_savepoint_journals_stay_in_memory(store: SqliteStore) -> None:
    """Every member (and each inline landing inside one) is a savepoint in a transaction
    that is already writing: with temp files, SQLite spilled each one's journal of
    original pages past 64 KiB to a file of its own under /var/tmp (bench/README.md,
    s14-inline)."""
    with store.begin() as tx:
        assert tx.conn.execute(text("PRAGMA temp_store")).scalar_one() == 2  # MEMORY
