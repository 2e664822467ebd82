"""The attempts a webhook worker records are recorded once: also when PostgreSQL's group commit
runs the recording transaction a second time (the claim after them in the same transaction
waited too long on another worker's lock: state/pg_commit_group.py), and when the worker is
cancelled (a stop) while its transaction commits."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from ringback.core.clock import Clock
from ringback.state import webhook_attempts as attempt_state
from ringback.state import webhook_deliveries as delivery_state
from ringback.state.postgres import PostgresStore
from ringback.state.store import Store, Tx
from ringback.testing import backends
from ringback.testing.postgres import server_binaries
from ringback.webhooks import outbox
from ringback.webhooks.attempts import Attempt
from ringback.webhooks.dispatcher import Dispatcher
from ringback.webhooks.sender import Outcome
from ringback.webhooks.wire import build

DESTINATION = "http://127.0.0.1:9"
needs_postgres = pytest.mark.skipif(
    server_binaries() is None, reason="needs Debian's postgresql package (initdb, pg_ctl)"
)


@pytest.fixture
def postgres() -> Iterator[PostgresStore]:
    store = PostgresStore(backends.new_database(migrated=True), lanes=1)
    yield store
    store.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = backends.new_store(tmp_path)
    yield store
    store.close()


def owed_attempt(store: Store) -> Attempt:
    with store.begin() as tx:
        outbox.enqueue(
            tx, 1.0, api_key=None, kind="sms-dlr", url=f"{DESTINATION}/dlr", payload={"n": 1}
        )
        (delivery,) = delivery_state.due_for(tx, DESTINATION, 5.0, 10)
    return Attempt(delivery, 2.0, build(delivery, None, 2.0), Outcome(200, "ok", None, 1.0, {}))


def recorded(store: Store, attempt: Attempt) -> int:
    with store.begin() as tx:
        found = attempt_state.of_deliveries(tx, [attempt.delivery.id])
        state = delivery_state.get(tx, attempt.delivery.id)
    assert state is not None and state.status == "delivered"
    return len(found.get(attempt.delivery.id, []))


@needs_postgres
def test_attempts_survive_a_claim_run_again_after_a_lock_wait(postgres: PostgresStore) -> None:
    attempt = owed_attempt(postgres)
    dispatcher = Dispatcher(postgres, Clock())
    dispatcher.worker = "worker-1"
    # another worker's transaction taking the destination's claim, not yet committed
    locker = postgres.engine.connect()
    locker.begin()
    locker.execute(
        text("INSERT INTO webhook_claims (destination, worker, lease_until) VALUES (:d, 'w2', 0)"),
        {"d": DESTINATION},
    )
    done = [attempt]

    def claiming(tx: Tx, attempts: list[Attempt]) -> object:
        return dispatcher._record_and_claim(tx, DESTINATION, attempts)

    release = threading.Timer(0.5, lambda: (locker.rollback(), locker.close()))
    release.start()
    try:
        asyncio.run(dispatcher._recording(done, claiming))
    finally:
        release.join()
    assert postgres.commits.rerun_alone == 1
    assert done == []
    assert recorded(postgres, attempt) == 1


def test_a_worker_cancelled_while_its_attempts_commit_records_them_once(store: Store) -> None:
    attempt = owed_attempt(store)
    dispatcher = Dispatcher(store, Clock())
    done = [attempt]

    ran = threading.Event()

    def record(tx: Tx, attempts: list[Attempt]) -> bool:
        kept = dispatcher._record(tx, attempts)
        ran.set()
        return kept

    async def scenario() -> None:
        recording = asyncio.create_task(dispatcher._recording(done, record))
        while not ran.is_set():  # until the transaction has recorded them, not yet committed
            await asyncio.sleep(0)
        recording.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await recording
        if done:  # what the worker's `finally` does with what is left
            await dispatcher._recording(done, dispatcher._record)

    asyncio.run(scenario())
    assert recorded(store, attempt) == 1
