"""Number Insight's throttling: Basic 150 requests a second per key, Standard and Advanced 125,
answered the legacy way (HTTP 200, status 1), in each endpoint's own shape.

Plain httpx on a Ringback of its own with rate limits on (the rules are changed here).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from ringback.testing.server import RingbackProcess

BUSY = {"status": 1, "status_message": "Busy (Throttled) Please re-try"}
NUMBER = {"number": "447500123456"}


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    server = RingbackProcess(Path(tmp_path_factory.mktemp("insight-limits")))  # limits on
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def http(limited: RingbackProcess) -> Iterator[httpx.Client]:
    """A client authenticated as a fresh account: limits are per API key."""
    with httpx.Client(base_url=limited.http_url, auth=limited.new_account(), timeout=10) as client:
        yield client


def test_the_default_limits_are_vonages(limited: RingbackProcess) -> None:
    limits = limited.control("GET", "/rate-limits").json()["limits"]
    assert (limits["ni-basic"], limits["ni-standard"], limits["ni-advanced"]) == (
        "150 per 1 second",
        "125 per 1 second",
        "125 per 1 second",
    )


def fill_basic_window(http: httpx.Client) -> list[httpx.Response] | None:
    """151 Basic lookups sent at once (16 at a time); None when they took more than the 1 s
    window (a loaded machine), so the count would not be the limit's."""
    started = time.monotonic()
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda _: http.get("/ni/basic/json", params=NUMBER), range(151)))
    return answers if time.monotonic() - started < 1.0 else None


def test_basic_allows_150_requests_a_second(http: httpx.Client) -> None:
    for _ in range(5):
        answers = fill_basic_window(http)
        if answers is not None:
            break
        time.sleep(1.05)  # an empty window for the next try
    assert answers is not None, "too slow to fill the window in a second, five times"
    statuses = sorted(a.json()["status"] for a in answers)
    assert statuses == [0] * 150 + [1]
    (throttled,) = [a for a in answers if a.json()["status"] == 1]
    assert throttled.status_code == 200
    assert throttled.json() == BUSY
    xml = http.get("/ni/basic/xml", params=NUMBER)
    assert xml.text.endswith('<error code="1">Busy (Throttled) Please re-try</error></lookup>')
    # Standard and Advanced count apart
    assert http.get("/ni/standard/json", params=NUMBER).json()["status"] == 0
    time.sleep(1.05)
    assert http.get("/ni/basic/json", params=NUMBER).json()["status"] == 0


def test_sync_and_async_advanced_share_a_limit(
    limited: RingbackProcess, http: httpx.Client
) -> None:
    limited.control("PUT", "/rate-limits", json={"limits": {"ni-advanced": "2/second"}})
    try:
        callback = {**NUMBER, "callback": "http://127.0.0.1:9/insight"}
        assert http.get("/ni/advanced/json", params=NUMBER).json()["status"] == 0
        assert http.get("/ni/advanced/async/json", params=callback).json()["status"] == 0
        assert http.get("/ni/advanced/json", params=NUMBER).json() == BUSY
        busy = http.get("/ni/advanced/async/json", params=callback)
        assert busy.json() == {"status": 1, "error_text": "Busy (Throttled) Please re-try"}
    finally:
        limited.control("PUT", "/rate-limits", json={"limits": {"ni-advanced": "125/second"}})
