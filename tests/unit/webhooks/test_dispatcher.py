"""Delivery against real receivers: bodies, the retry schedule on the clock, giving up, order
per destination and concurrency across destinations."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from ringback.webhooks.dispatcher import Dispatcher

from .conftest import Outbox, run


def drain(box: Outbox, **settings: Any) -> None:
    async def go() -> None:
        dispatcher = box.dispatcher(**settings)
        await dispatcher.drain()
        await dispatcher.stop()

    run(go())


def test_a_delivery_is_sent_once_recorded_and_marked_delivered(box: Outbox) -> None:
    receiver = box.receiver()
    payload = {"messageId": "0A00000001", "status": "delivered"}
    delivery_id = box.enqueue(receiver.url + "/dlr", payload, reference="0A00000001")
    drain(box)
    (got,) = receiver.received
    assert (got.method, got.path, got.json) == ("POST", "/dlr", payload)
    found = box.delivery(delivery_id)
    assert found["status"] == "delivered"
    assert found["next_attempt_at"] is None
    (attempt,) = found["attempts"]
    assert attempt["at"] == box.clock.now()
    assert attempt["url"] == receiver.url + "/dlr"
    assert attempt["method"] == "POST"
    assert attempt["request_body"] == got.body.decode()
    assert attempt["request_headers"]["Content-Type"] == "application/json"
    # every header recorded is one the receiver saw, with the same value
    for name, value in attempt["request_headers"].items():
        assert got.headers[name.lower()] == value
    assert (attempt["response_status"], attempt["response_excerpt"]) == (200, "ok")
    assert attempt["error"] is None
    assert attempt["latency_ms"] > 0


PAYLOAD = {"text": "héllo & = ?", "count": 3, "flag": True, "gone": None, "nested": {"a": 1}}
AS_TEXT = {"text": "héllo & = ?", "count": "3", "flag": "true", "nested": '{"a":1}'}


def test_get_sends_a_query_string_after_the_urls_own(box: Outbox) -> None:
    receiver = box.receiver()
    delivery_id = box.enqueue(receiver.url + "/in?token=abc", PAYLOAD, method="GET")
    drain(box)
    (got,) = receiver.received
    assert got.method == "GET" and got.body == b""
    assert got.query == {"token": "abc", **AS_TEXT}
    (attempt,) = box.delivery(delivery_id)["attempts"]
    assert attempt["url"].startswith(receiver.url + "/in?token=abc&")
    assert attempt["request_body"] == ""


def test_post_form_sends_text_fields(box: Outbox) -> None:
    receiver = box.receiver()
    box.enqueue(receiver.url + "/in", PAYLOAD, content_type="form")
    drain(box)
    (got,) = receiver.received
    assert got.headers["content-type"] == "application/x-www-form-urlencoded"
    assert got.form == AS_TEXT


def test_post_json_sends_the_payload_as_it_is(box: Outbox) -> None:
    receiver = box.receiver()
    box.enqueue(receiver.url + "/in", PAYLOAD)
    drain(box)
    (got,) = receiver.received
    assert got.headers["content-type"] == "application/json"
    assert got.json == PAYLOAD


def test_retries_back_off_from_5_s_doubling_to_15_minutes(box: Outbox, closed_port: str) -> None:
    delivery_id = box.enqueue(closed_port)
    gaps: list[float] = []

    async def go() -> None:
        dispatcher = box.dispatcher()
        await dispatcher.drain()
        for _ in range(11):
            found = box.delivery(delivery_id)
            gaps.append(found["next_attempt_at"] - found["attempts"][-1]["at"])
            box.clock.advance(found["next_attempt_at"] - box.clock.now() - 0.01)
            await dispatcher.drain()
            assert box.delivery(delivery_id)["attempt_count"] == len(gaps)  # not due yet
            box.clock.advance(0.01)
            await dispatcher.drain()
        await dispatcher.stop()

    run(go())
    assert gaps == pytest.approx([5, 10, 20, 40, 80, 160, 320, 640, 900, 900, 900])
    found = box.delivery(delivery_id)
    assert found["status"] == "pending"
    assert {a["error"] for a in found["attempts"]} == {"connection failed: connection refused"}


def fast_forward(box: Outbox, dispatcher: Dispatcher, delivery_id: int) -> Any:
    async def go() -> None:
        await dispatcher.drain()
        while (found := box.delivery(delivery_id))["status"] == "pending":
            box.clock.advance(max(0.0, found["next_attempt_at"] - box.clock.now()))
            await dispatcher.drain()
        await dispatcher.stop()

    return go()


def test_a_delivery_fails_when_its_24_hour_window_ends(box: Outbox, closed_port: str) -> None:
    start = box.clock.now()
    delivery_id = box.enqueue(closed_port)
    run(fast_forward(box, box.dispatcher(), delivery_id))
    found = box.delivery(delivery_id)
    assert found["status"] == "failed"
    assert found["next_attempt_at"] is None
    times = [a["at"] - start for a in found["attempts"]]
    # 0, 5, 15, … 635, 1275, then every 900 s while the next one still falls in the window
    assert times[:9] == pytest.approx([0, 5, 15, 35, 75, 155, 315, 635, 1275])
    assert times[-1] == pytest.approx(85875)
    assert len(times) == 103
    assert found["last_error"] == "connection failed: connection refused"
    assert [d["id"] for d in box.deliveries(status="failed")] == [delivery_id]


def test_a_short_window_gives_up_sooner_and_non_2xx_answers_are_retried(box: Outbox) -> None:
    receiver = box.receiver(statuses=[302, 404, 500, 503])
    delivery_id = box.enqueue(receiver.url + "/hook", retry_window=60)
    run(fast_forward(box, box.dispatcher(), delivery_id))
    found = box.delivery(delivery_id)
    # at 0, 5, 15 and 35 s; the next (75 s) would be past the window
    assert [a["response_status"] for a in found["attempts"]] == [302, 404, 500, 503]
    assert (found["status"], found["last_status"]) == ("failed", 503)
    assert len(receiver.received) == 4  # a redirect is an answer, not followed


@pytest.mark.parametrize("status", [200, 201, 202, 204, 299])
def test_any_2xx_is_success(box: Outbox, status: int) -> None:
    receiver = box.receiver(statuses=[status])
    delivery_id = box.enqueue(receiver.url)
    drain(box)
    assert box.delivery(delivery_id)["status"] == "delivered"


def test_one_destination_gets_one_request_at_a_time_in_order(box: Outbox) -> None:
    receiver = box.receiver(delay=0.02)
    for n in range(12):  # different paths on one server: one destination
        box.enqueue(f"{receiver.url}/path{n % 3}", {"n": str(n)})
    drain(box)
    assert [r.fields["n"] for r in receiver.received] == [str(n) for n in range(12)]
    arrivals = [r.at for r in receiver.received]
    assert all(b - a >= 0.018 for a, b in itertools.pairwise(arrivals))


def test_a_failing_delivery_is_rescheduled_and_does_not_hold_back_the_next(box: Outbox) -> None:
    receiver = box.receiver(statuses=[500])
    for n in range(4):
        box.enqueue(receiver.url, {"n": str(n)})

    async def go() -> None:
        dispatcher = box.dispatcher()
        await dispatcher.drain()
        box.clock.advance(5)
        await dispatcher.drain()
        await dispatcher.stop()

    run(go())
    assert [r.fields["n"] for r in receiver.received] == ["0", "1", "2", "3", "0"]
    assert {d["status"] for d in box.deliveries()} == {"delivered"}


def test_a_slow_receiver_does_not_stall_other_destinations(box: Outbox) -> None:
    slow = box.receiver(delay=0.4)
    fast = box.receiver()
    for n in range(2):
        box.enqueue(slow.url, {"n": str(n)})
    for n in range(20):
        box.enqueue(fast.url, {"n": str(n)})
    drain(box)
    assert len(fast.received) == 20 and len(slow.received) == 2
    # every fast one arrived before the slow receiver had answered even once
    assert max(r.at for r in fast.received) < min(r.at for r in slow.received) + slow.delay


def test_requests_in_flight_are_bounded_across_destinations(box: Outbox) -> None:
    receivers = [box.receiver(delay=0.3) for _ in range(4)]
    for receiver in receivers:
        box.enqueue(receiver.url)
    drain(box, concurrency=2)
    arrivals = sorted(r.at for receiver in receivers for r in receiver.received)
    assert len(arrivals) == 4
    assert arrivals[1] - arrivals[0] < 0.25  # two at once…
    assert arrivals[2] - arrivals[0] >= 0.25  # …and the others only when a slot frees
