"""Vonage's Numbers limits: 3 requests/s per key, the owned-numbers list 1 request/s.

Plain httpx: the SDK retries a GET that got 429 with `Retry-After`, which would hide the 429.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ringback.testing.server import RingbackProcess

RATE_LIMITED = {"error-code": "429", "error-code-label": "Rate Limit Hit"}


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    server = RingbackProcess(Path(tmp_path_factory.mktemp("numbers-limits")))  # limits on
    server.start()
    try:
        # generate the GB offer once, so that the timed requests below are all fast
        httpx.get(f"{server.http_url}/number/search?country=GB", auth=server.new_account())
        yield server
    finally:
        server.stop()


@pytest.fixture
def http(limited: RingbackProcess) -> Iterator[httpx.Client]:
    """A client authenticated as a fresh account: limits are per API key."""
    with httpx.Client(base_url=limited.http_url, auth=limited.new_account(), timeout=10) as client:
        yield client


def assert_rate_limited(response: httpx.Response) -> None:
    assert response.status_code == 429
    assert response.json() == RATE_LIMITED
    assert response.headers["retry-after"] == "1"
    assert response.headers["content-type"] == "application/json"


def test_search_allows_three_requests_a_second(http: httpx.Client) -> None:
    started = time.monotonic()
    statuses = [http.get("/number/search", params={"country": "GB"}) for _ in range(4)]
    assert time.monotonic() - started < 1.0
    assert [r.status_code for r in statuses[:3]] == [200, 200, 200]
    assert_rate_limited(statuses[3])
    time.sleep(1.05)
    assert http.get("/number/search", params={"country": "GB"}).status_code == 200


def test_buy_cancel_update_share_the_numbers_limit(http: httpx.Client) -> None:
    number = {"country": "GB", "msisdn": "447400123456"}
    assert http.post("/number/cancel", data=number).status_code == 420  # refused, but counted
    assert http.post("/number/update", data=number).status_code == 420
    assert http.get("/number/search", params={"country": "GB"}).status_code == 200
    assert_rate_limited(http.post("/number/buy", data=number))
    # the owned-numbers list has a limit of its own
    assert http.get("/account/numbers").status_code == 200


def test_the_owned_list_allows_one_request_a_second(http: httpx.Client) -> None:
    first = http.get("/account/numbers")
    assert first.status_code == 200 and first.json() == {"count": 0}
    assert_rate_limited(http.get("/account/numbers", params={"size": 5}))
    time.sleep(1.05)
    assert http.get("/account/numbers").status_code == 200
