"""Every way a receiver can fail is recorded as an attempt and retried; answers are bounded."""

from __future__ import annotations

from typing import Any

import pytest

from ringback.testing.receiver import CLOSE
from ringback.webhooks.sender import EXCERPT_BYTES

from .conftest import Outbox, run


def attempt_then_retry(box: Outbox, delivery_id: int, **settings: Any) -> dict[str, Any]:
    """One attempt, then the retry 5 s later (on the clock); the delivery after both."""

    async def go() -> None:
        dispatcher = box.dispatcher(**settings)
        await dispatcher.drain()
        box.clock.advance(5)
        await dispatcher.drain()
        await dispatcher.stop()

    run(go())
    return box.delivery(delivery_id)


def test_a_receiver_slower_than_the_response_timeout(box: Outbox) -> None:
    """The attempt ends at the 0.15 s timeout, not when the receiver answers (5 s later): the
    bound on its latency leaves seconds for a loaded machine's scheduling, not the 5 s."""
    receiver = box.receiver(delay=5.0, statuses=[200])
    delivery_id = box.enqueue(receiver.url)

    async def go() -> None:
        dispatcher = box.dispatcher(response_timeout=0.15)
        await dispatcher.drain()
        receiver.delay = 0
        box.clock.advance(5)
        await dispatcher.drain()
        await dispatcher.stop()

    run(go())
    found = box.delivery(delivery_id)
    first, second = found["attempts"]
    assert first["error"] == "response timeout: no answer within 0.15 s"
    assert first["response_status"] is None
    assert 150 <= first["latency_ms"] < 2500
    assert second["response_status"] == 200
    assert found["status"] == "delivered"


def test_a_connection_that_is_never_accepted_times_out(box: Outbox, black_hole: str) -> None:
    delivery_id = box.enqueue(black_hole)
    found = attempt_then_retry(box, delivery_id, connect_timeout=0.15)
    assert [a["error"] for a in found["attempts"]] == [
        "connect timeout: no connection within 0.15 s"
    ] * 2
    assert found["status"] == "pending"


def test_a_connection_closed_without_an_answer_is_retried(box: Outbox) -> None:
    receiver = box.receiver(statuses=[CLOSE])
    delivery_id = box.enqueue(receiver.url)
    found = attempt_then_retry(box, delivery_id)
    first, second = found["attempts"]
    assert first["error"].startswith("connection closed")
    assert (second["response_status"], found["status"]) == (200, "delivered")


def test_connection_refused(box: Outbox, closed_port: str) -> None:
    delivery_id = box.enqueue(closed_port)
    found = attempt_then_retry(box, delivery_id)
    assert found["last_error"] == "connection failed: connection refused"
    assert found["attempt_count"] == 2 and found["status"] == "pending"


def test_a_name_that_does_not_resolve(box: Outbox) -> None:
    delivery_id = box.enqueue("http://no-such-host.invalid/hook")
    found = attempt_then_retry(box, delivery_id)
    assert found["attempt_count"] == 2
    assert found["last_error"].startswith("connection failed: DNS lookup failed")


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "http://[::1/x", "not a url", "http://example.com:99999/"]
)
def test_an_invalid_url_is_recorded_and_retried(box: Outbox, url: str) -> None:
    delivery_id = box.enqueue(url)
    found = attempt_then_retry(box, delivery_id)
    assert found["attempt_count"] == 2
    assert found["last_error"].startswith("invalid URL: ")
    assert found["status"] == "pending"


def test_a_tls_failure(box: Outbox) -> None:
    receiver = box.receiver()  # plain HTTP: the TLS handshake cannot succeed
    delivery_id = box.enqueue(receiver.url.replace("http://", "https://"))
    found = attempt_then_retry(box, delivery_id)
    assert found["last_error"].startswith("TLS failure: ")
    assert found["attempt_count"] == 2


def test_the_response_excerpt_is_bounded(box: Outbox) -> None:
    receiver = box.receiver(body="é".encode() * 3000)
    first = box.enqueue(receiver.url)
    second = box.enqueue(receiver.url)
    run(drain_once(box))
    for delivery_id in (first, second):
        (attempt,) = box.delivery(delivery_id)["attempts"]
        assert attempt["response_status"] == 200
        assert attempt["response_excerpt"] == "é" * (EXCERPT_BYTES // 2)


def test_a_huge_answer_is_cut_off_and_the_next_delivery_still_goes(box: Outbox) -> None:
    receiver = box.receiver(body=b"x" * (3 << 20))
    ids = [box.enqueue(receiver.url), box.enqueue(receiver.url)]
    run(drain_once(box))
    for delivery_id in ids:
        found = box.delivery(delivery_id)
        assert found["status"] == "delivered"
        assert found["attempts"][0]["response_excerpt"] == "x" * EXCERPT_BYTES


def test_a_huge_payload_is_sent_and_recorded_whole(box: Outbox) -> None:
    receiver = box.receiver()
    payload = {"data": "y" * (4 << 20)}
    delivery_id = box.enqueue(receiver.url, payload)
    run(drain_once(box))
    (got,) = receiver.received
    assert got.json == payload
    (attempt,) = box.delivery(delivery_id)["attempts"]
    assert attempt["request_body"] == got.body.decode()


def test_a_url_with_spaces_and_accents_is_sent_percent_encoded(box: Outbox) -> None:
    receiver = box.receiver()
    box.enqueue(receiver.url + "/wébhook path?q=a b")
    run(drain_once(box))
    (got,) = receiver.received
    assert got.path == "/w%C3%A9bhook%20path"
    assert got.query == {"q": "a b"}


async def drain_once(box: Outbox) -> None:
    dispatcher = box.dispatcher()
    await dispatcher.drain()
    await dispatcher.stop()
