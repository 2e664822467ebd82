"""A webhook worker's attempts are recorded even when PostgreSQL's group commit runs the
transaction that records them a second time: the claim that follows them in the same transaction
waited too long on another worker's lock, so the first run was rolled back
(state/pg_commit_group.py)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from ringback.core.clock import Clock
from ringback.state import webhook_attempts as attempt_state
from ringback.state import webhook_deliveries as delivery_state
from ringback.state.postgres import PostgresStore
from ringback.testing import backends
from ringback.testing.postgres import server_binaries
from ringback.webhooks import outbox
from ringback.webhooks.attempts import Attempt
from ringback.webhooks.dispatcher import Dispatcher
from ringback.webhooks.sender import Outcome
from ringback.webhooks.wire import build

pytestmark = pytest.mark.skipif(
    server_binaries() is None, reason="needs Debian's postgresql package (initdb, pg_ctl)"
)

DESTINATION = "http://127.0.0.1:9"


@pytest.fixture
def store() -> Iterator[PostgresStore]:
    store = PostgresStore(backends.new_database(migrated=True), lanes=1)
    yield store
    store.close()


def test_attempts_survive_a_claim_run_again_after_a_lock_wait(store: PostgresStore) -> None:
    with store.begin() as tx:
        delivery_id = outbox.enqueue(
            tx, 1.0, api_key=None, kind="sms-dlr", url=f"{DESTINATION}/dlr", payload={"n": 1}
        )
        (delivery,) = delivery_state.due_for(tx, DESTINATION, 5.0, 10)
    attempt = Attempt(delivery, 2.0, build(delivery, None, 2.0), Outcome(200, "ok", None, 1.0, {}))
    dispatcher = Dispatcher(store, Clock())
    dispatcher.worker = "worker-1"
    # another worker's transaction taking the destination's claim, not yet committed
    locker = store.engine.connect()
    locker.begin()
    locker.execute(
        text("INSERT INTO webhook_claims (destination, worker, lease_until) VALUES (:d, 'w2', 0)"),
        {"d": DESTINATION},
    )
    done = [attempt]
    release = threading.Timer(0.5, lambda: (locker.rollback(), locker.close()))
    release.start()
    try:
        asyncio.run(store.transact(dispatcher._record_and_claim, DESTINATION, done))
    finally:
        release.join()
    assert store.commits.rerun_alone == 1
    with store.begin() as tx:
        recorded = attempt_state.of_deliveries(tx, [delivery_id])
        state = delivery_state.get(tx, delivery_id)
    assert len(recorded.get(delivery_id, [])) == 1
    assert state is not None and state.status == "delivered"
