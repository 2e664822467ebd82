"""Hostile input to every handset route: always a problem object with the right status."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ringback.testing.asgi import InProcessRingback

PHONE = "+447700900950"
BAD_NUMBERS = ["garbage", "+1", "123", "4477009000011111111", "+999123456789", "%20", "+44%0a"]
ROUTES = [
    ("GET", "messages"),
    ("POST", "messages"),
    ("GET", "behaviour"),
    ("PUT", "behaviour"),
    ("DELETE", "behaviour"),
    ("GET", "codes/latest"),
]


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert {"type", "title", "detail", "instance"} <= set(body)
    return body


@pytest.mark.parametrize("number", BAD_NUMBERS)
@pytest.mark.parametrize(("method", "tail"), ROUTES)
def test_a_bad_number_in_the_path(
    ringback: InProcessRingback, number: str, method: str, tail: str
) -> None:
    body = {"to": PHONE, "text": "hi"} if method == "POST" else {}
    response = ringback.control(method, f"/handsets/{number}/{tail}", json=body)
    assert problem(response, 400)["invalid_parameters"][0]["name"] == "msisdn"


@pytest.mark.parametrize(
    ("content", "bad"),
    [
        (b"{", None),
        (b"[]", None),
        (b'"text"', None),
        (b"{}", {"to", "text"}),
        (b'{"to": 447700900901, "text": "hi"}', {"to"}),
        (b'{"to": null, "text": "hi"}', {"to"}),
        (b'{"to": "garbage", "text": "hi"}', {"to"}),
        (b'{"to": "+447700900901", "text": 5}', {"text"}),
        (b'{"to": "+447700900901", "text": ["hi"]}', {"text"}),
        (b'{"to": "+447700900901", "text": ""}', {"text"}),
        # a handset writes on WhatsApp only to a registered business sender
        (b'{"to": "+447700900901", "text": "hi", "channel": "whatsapp"}', {"to"}),
        (b'{"to": "+447700900901", "text": "hi", "channel": "fax"}', {"channel"}),
        (b'{"to": "+447700900901", "channel": "whatsapp", "message_type": {}}', {"message_type"}),
        (b'{"to": "+447700900901", "text": "hi", "channel": ["sms"]}', {"channel"}),
        (b'{"to": "+447700900901", "text": "hi", "message": "typo"}', {"message"}),
        (b'{"to": "+447700900901", "text": "' + b"x" * 3201 + b'"}', {"text"}),
        (b'{"to": "+447700900901", "text": "lone \\ud800 surrogate"}', {"text"}),
    ],
)
def test_a_bad_message(ringback: InProcessRingback, content: bytes, bad: set[str] | None) -> None:
    response = ringback.control("POST", f"/handsets/{PHONE}/messages", content=content)
    body = problem(response, 400)
    if bad is not None:
        assert {p["name"] for p in body["invalid_parameters"]} == bad


def test_the_longest_message_is_accepted_and_a_huge_body_is_refused(
    ringback: InProcessRingback,
) -> None:
    longest = {"to": "+447700900951", "text": "y" * 3200}
    answer = ringback.control("POST", f"/handsets/{PHONE}/messages", json=longest)
    assert answer.status_code == 201 and answer.json()["parts"] == 21
    huge = b'{"to": "+447700900951", "text": "' + b"z" * (3 * 1024 * 1024) + b'"}'
    response = ringback.control("POST", f"/handsets/{PHONE}/messages", content=huge)
    assert response.status_code in (400, 413)
    problem(response, response.status_code)


@pytest.mark.parametrize(
    ("tail", "query", "name"),
    [
        ("messages", "direction=sideways", "direction"),
        ("messages", "wait=-1", "wait"),
        ("messages", "wait=soon", "wait"),
        ("messages", "wait=nan", "wait"),
        ("messages", "wait=inf", "wait"),
        ("messages", "since=yesterday", "since"),
        ("messages", "since=nan", "since"),
        ("messages", "after=-1", "after"),
        ("messages", "after=1.5", "after"),
        ("messages", "after=" + "9" * 40, "after"),
        ("messages", "limit=0", "limit"),
        ("messages", "limit=1001", "limit"),
        ("messages", "channel=SMS!", "channel"),
        ("messages", "channel=sm", "channel"),  # a channel no strategy is registered for
        ("messages", "from=" + "x" * 65, "from"),
        ("codes/latest", "wait=-5", "wait"),
        ("codes/latest", "after=abc", "after"),
        ("codes/latest", "since=2024-13-45", "since"),
    ],
)
def test_bad_query_parameters(
    ringback: InProcessRingback, tail: str, query: str, name: str
) -> None:
    response = ringback.control("GET", f"/handsets/{PHONE}/{tail}?{query}")
    assert problem(response, 400)["invalid_parameters"][0]["name"] == name


def test_good_query_parameters_in_every_form(ringback: InProcessRingback) -> None:
    for query in [
        "since=2024-01-01T00:00:00Z",
        "since=2024-01-01T00:00:00+01:00",
        "since=2024-01-01 00:00:00",
        "since=1700000000.5",
        "wait=0&after=0&limit=1&direction=all&channel=sms&from=%2B447700900901",
        "from=AcmeInc",
        "wait=",
    ]:
        response = ringback.control("GET", f"/handsets/{PHONE}/messages?{query}")
        assert response.status_code == 200, (query, response.text)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"{", None),
        (b"[1]", None),
        (b'{"profile": "no-such-profile"}', "profile"),
        (b'{"profile": 5}', "profile"),
        (b'{"profile": null}', "profile"),
        (b'{"sms": "lost"}', "sms"),
        (b'{"err_code": "7"}', "err_code"),
        (b'{"delay_seconds": -3}', "delay_seconds"),
        (b'{"profile": "slow", "delay_seconds": true}', "delay_seconds"),
        (b'{"colour": "red"}', "colour"),
        (b'{"name": "\\udc00"}', "name"),
        (b'{"delay_seconds": NaN}', "delay_seconds"),
        (b'{"err_code": 1e999}', "err_code"),
        (b'{"delay_seconds": 99999999999999999999' + b"9" * 400 + b"}", "delay_seconds"),
    ],
)
def test_a_bad_behaviour(ringback: InProcessRingback, content: bytes, name: str | None) -> None:
    response = ringback.control("PUT", f"/handsets/{PHONE}/behaviour", content=content)
    body = problem(response, 400)
    if name is not None:
        assert body["invalid_parameters"][0]["name"] == name
    assert ringback.control("GET", f"/handsets/{PHONE}/behaviour").json()["source"] == "default"


def test_no_code_and_wrong_methods(ringback: InProcessRingback) -> None:
    problem(ringback.control("GET", f"/handsets/{PHONE}/codes/latest?wait=0.1"), 404)
    problem(ringback.control("PATCH", f"/handsets/{PHONE}/messages", json={}), 405)
    problem(ringback.control("POST", "/magic-numbers", json={}), 405)
    problem(ringback.control("GET", f"/handsets/{PHONE}/nothing"), 404)
