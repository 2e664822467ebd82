"""GET /_ringback/handsets: the numbers that have had traffic, newest first, with counts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from vonage_sms import SmsMessage

from ringback.testing.server import RingbackProcess

A, B, C = "447700900123", "447700900124", "447400123456"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    """Its own server: the total counts every number that ever had traffic."""
    process = RingbackProcess(tmp_path_factory.mktemp("listing"), "--no-rate-limits").start()
    yield process
    process.stop()


def listing(server: RingbackProcess, **params: object) -> dict[str, object]:
    response = server.control("GET", "/handsets", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def text(server: RingbackProcess, sender: str, to: str) -> None:
    sent = server.control("POST", f"/handsets/{sender}/messages", json={"to": to, "text": "hi"})
    assert sent.status_code == 201, sent.text


def advance(server: RingbackProcess, seconds: float) -> float:
    now: float = server.control("POST", "/clock", json={"advance_seconds": seconds}).json()["now"]
    return now


def test_numbers_with_traffic_newest_first(server: RingbackProcess) -> None:
    assert listing(server) == {"count": 0, "handsets": []}
    server.control("POST", "/clock", json={"freeze": True}).raise_for_status()
    text(server, A, B)  # A sent 1, B received 1
    advance(server, 60)
    client = server.client(*server.default_credentials())
    (part,) = client.sms.send(SmsMessage(to=C, from_="Acme", text="hello")).messages
    assert part.status == "0"
    delivered_at = advance(server, 2)  # the default handset takes 1 s: C received 1
    last = advance(server, 60)
    text(server, B, A)  # B sent 1, A received 1: the same moment, A's row recorded last

    body = listing(server)
    assert body["count"] == 3
    assert body["handsets"] == [
        {"msisdn": A, "last_at": stamp(last), "received": 1, "sent": 1, "channels": {"sms": 2}},
        {"msisdn": B, "last_at": stamp(last), "received": 1, "sent": 1, "channels": {"sms": 2}},
        {
            "msisdn": C,
            "last_at": stamp(delivered_at),
            "received": 1,
            "sent": 0,
            "channels": {"sms": 1},
        },
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", str(stamp(last)))
    limited = listing(server, limit=1)
    assert limited["count"] == 3
    assert [h["msisdn"] for h in limited["handsets"]] == [A]  # type: ignore[attr-defined]

    server.control("POST", "/reset").raise_for_status()
    assert listing(server) == {"count": 0, "handsets": []}


@pytest.mark.parametrize("limit", ["0", "1001", "-1", "x", "1.5", "1e3"])
def test_a_bad_limit_is_a_400_problem(server: RingbackProcess, limit: str) -> None:
    response = server.control("GET", "/handsets", params={"limit": limit})
    assert response.status_code == 400
    assert response.json()["invalid_parameters"][0]["name"] == "limit"


def stamp(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
