"""Nothing is lost: across a restart, a stop with attempts in flight, a replay, a reset."""

from __future__ import annotations

import asyncio

import pytest

from ringback.webhooks import outbox

from .conftest import Outbox, run


def test_pending_retries_survive_a_restart_and_resume_on_the_clock(box: Outbox) -> None:
    receiver = box.receiver(statuses=[500])
    delivery_id = box.enqueue(receiver.url, {"n": "1"})

    async def first_life() -> None:
        dispatcher = box.dispatcher()
        await dispatcher.drain()
        await dispatcher.stop()

    run(first_life())
    box.reopen()

    async def second_life() -> None:
        dispatcher = box.dispatcher()
        await dispatcher.drain()
        assert len(receiver.received) == 1  # not due yet
        box.clock.advance(5)
        await dispatcher.drain()
        await dispatcher.stop()

    run(second_life())
    found = box.delivery(delivery_id)
    assert found["status"] == "delivered"
    assert [a["response_status"] for a in found["attempts"]] == [500, 200]


def test_stopping_waits_for_an_attempt_in_flight_and_records_it(box: Outbox) -> None:
    receiver = box.receiver(delay=0.4)
    delivery_id = box.enqueue(receiver.url)

    async def go() -> None:
        dispatcher = box.dispatcher()
        await dispatcher.run_due()
        await asyncio.to_thread(receiver.wait_started, 1)
        await dispatcher.stop(grace=3)
        assert await dispatcher.run_due() == 0  # nothing new starts once stopping

    run(go())
    found = box.delivery(delivery_id)
    assert found["status"] == "delivered"
    assert found["attempts"][0]["latency_ms"] >= 400


def test_an_attempt_cut_short_by_a_stop_is_recorded_and_retried_later(box: Outbox) -> None:
    receiver = box.receiver(delay=1.0)
    delivery_id = box.enqueue(receiver.url)

    async def go() -> None:
        dispatcher = box.dispatcher(response_timeout=5)
        await dispatcher.run_due()
        await asyncio.to_thread(receiver.wait_started, 1)
        await dispatcher.stop(grace=0.1)

    run(go())
    found = box.delivery(delivery_id)
    (attempt,) = found["attempts"]
    assert attempt["error"] == "interrupted: Ringback stopped before the receiver answered"
    assert found["status"] == "pending"
    assert found["next_attempt_at"] == pytest.approx(attempt["at"] + 5)
    box.reopen()
    receiver.delay = 0
    box.clock.advance(5)

    async def again() -> None:
        dispatcher = box.dispatcher()
        await dispatcher.drain()
        await dispatcher.stop()

    run(again())
    assert box.delivery(delivery_id)["status"] == "delivered"


def test_replay_sends_again_with_a_fresh_window_and_keeps_the_history(box: Outbox) -> None:
    receiver = box.receiver(statuses=[500])
    delivery_id = box.enqueue(receiver.url, retry_window=0)  # one attempt, then failed

    async def go() -> None:
        dispatcher = box.dispatcher()
        await dispatcher.drain()
        assert box.delivery(delivery_id)["status"] == "failed"
        box.clock.advance(3600)
        with box.store.begin() as tx:
            replayed = outbox.replay(tx, delivery_id, box.clock.now())
        assert replayed is not None
        assert (replayed.status, replayed.attempts) == ("pending", 0)
        assert replayed.next_attempt_at == box.clock.now()
        assert replayed.give_up_at == box.clock.now() + replayed.retry_window
        await dispatcher.drain()
        with box.store.begin() as tx:
            outbox.replay(tx, delivery_id, box.clock.now())  # a delivered one too
        await dispatcher.drain()
        await dispatcher.stop()

    run(go())
    found = box.delivery(delivery_id)
    assert found["status"] == "delivered"
    assert [a["response_status"] for a in found["attempts"]] == [500, 200, 200]
    with box.store.begin() as tx:
        assert outbox.replay(tx, 999, box.clock.now()) is None


def test_deliveries_deleted_while_in_flight_are_dropped_quietly(box: Outbox) -> None:
    receiver = box.receiver(delay=0.2)
    for n in range(3):
        box.enqueue(receiver.url, {"n": str(n)})

    async def go() -> None:
        dispatcher = box.dispatcher()
        task = asyncio.ensure_future(dispatcher.drain())
        await asyncio.to_thread(receiver.wait_started, 1)
        box.store.reset()  # what a full reset does
        await task
        await dispatcher.stop()

    run(go())
    assert box.deliveries() == []


def test_enqueue_refuses_what_it_cannot_send(box: Outbox) -> None:
    with pytest.raises(ValueError):
        box.enqueue("http://x", method="PUT")
    with pytest.raises(ValueError):
        box.enqueue("http://x", content_type="xml")
    with pytest.raises(ValueError):
        box.enqueue("http://x", signing="rsa")
    # an unparseable URL is still owed (its attempts will say why it failed)
    assert box.enqueue("http://x:notaport/")
