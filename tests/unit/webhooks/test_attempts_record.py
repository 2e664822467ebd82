"""Recording a batch of attempts when some of their deliveries were deleted meanwhile (an
account reset while they were in flight): the others' attempts and states are kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ringback.core.clock import Clock
from ringback.core.ids import Ids
from ringback.platform.provisioning import create_account
from ringback.state import webhook_attempts as attempt_state
from ringback.state import webhook_deliveries as delivery_state
from ringback.state.store import Store
from ringback.testing.backends import new_store
from ringback.webhooks import outbox
from ringback.webhooks.attempts import Attempt, record
from ringback.webhooks.sender import Outcome
from ringback.webhooks.wire import build

URL = "http://127.0.0.1:9/webhooks/delivery-receipt"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = new_store(tmp_path)
    yield store
    store.close()


def owe(store: Store, api_key: str, n: int) -> int:
    with store.begin() as tx:
        return outbox.enqueue(tx, 1.0, api_key=api_key, kind="sms-dlr", url=URL, payload={"n": n})


def attempts_of(store: Store, ids: list[int]) -> list[Attempt]:
    with store.begin() as tx:
        deliveries = delivery_state.due_for(tx, "http://127.0.0.1:9", 5.0, 10)
    found = []
    for delivery in deliveries:
        if delivery.id in ids:
            outgoing = build(delivery, None, 2.0)
            found.append(Attempt(delivery, 2.0, outgoing, Outcome(200, "ok", None, 1.0, {})))
    return found


def test_attempts_of_deleted_deliveries_are_skipped_and_the_rest_kept(store: Store) -> None:
    with store.begin() as tx:
        ids = Ids(1)
        for key in ("keep0001", "gone0001"):
            create_account(tx, ids, Clock(), api_key=key)
    kept = [owe(store, "keep0001", 1), owe(store, "keep0001", 2)]
    gone = owe(store, "gone0001", 3)
    attempts = attempts_of(store, [kept[0], gone, kept[1]])
    assert len(attempts) == 3
    store.reset("gone0001")  # deletes that account's deliveries

    with store.begin() as tx:
        assert record(tx, attempts) == 2
    with store.begin() as tx:
        recorded = attempt_state.of_deliveries(tx, [*kept, gone])
        states = {d: delivery_state.get(tx, d) for d in [*kept, gone]}
    assert sorted(recorded) == sorted(kept)
    assert all(len(recorded[d]) == 1 for d in kept)
    assert states[gone] is None
    assert all(
        s is not None and s.status == "delivered" and s.attempts == 1
        for d, s in states.items()
        if d in kept
    )


def test_a_batch_of_live_deliveries_is_recorded_whole(store: Store) -> None:
    ids = [owe(store, None, n) for n in range(5)]  # type: ignore[arg-type]
    with store.begin() as tx:
        assert record(tx, attempts_of(store, ids)) == 5
        recorded = attempt_state.of_deliveries(tx, ids)
    assert sorted(recorded) == ids
