"""The webhook outbox through a real Ringback: test pings, list and filters, long-poll, replay,
settings, a whole retry schedule on the clock, restarts, and the CLI."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from vonage_http_client import Auth

from ringback.testing.receiver import WebhookReceiver
from ringback.testing.server import RingbackProcess


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    process = RingbackProcess(tmp_path_factory.mktemp("webhooks")).start()
    yield process
    process.stop()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    made = WebhookReceiver().start()
    yield made
    made.stop()


@pytest.fixture
def frozen(server: RingbackProcess) -> Iterator[None]:
    server.control("POST", "/clock", json={"freeze": True}).raise_for_status()
    yield
    server.control("POST", "/clock", json={"freeze": False}).raise_for_status()


def ping(server: RingbackProcess, url: str, **body: Any) -> dict[str, Any]:
    response = server.control("POST", "/webhooks/test", json={"url": url, **body})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def listed(server: RingbackProcess, **params: Any) -> list[dict[str, Any]]:
    response = server.control("GET", "/webhooks", params=params)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["deliveries"]
    return found


def test_a_test_ping_is_delivered_recorded_and_found_by_filters(
    server: RingbackProcess, receiver: WebhookReceiver
) -> None:
    created = ping(server, receiver.url + "/hooks/ping")
    assert (created["kind"], created["method"], created["content_type"]) == ("test", "POST", "json")
    (got,) = receiver.wait_for(1)
    assert got.json["type"] == "ping"
    (found,) = listed(server, url=receiver.url, status="delivered", wait=5)
    assert found["id"] == created["id"]
    (attempt,) = found["attempts"]
    assert set(attempt) >= {
        "at", "url", "method", "request_headers", "request_body", "response_status",
        "response_excerpt", "latency_ms", "error",
    }  # fmt: skip
    assert attempt["request_body"] == got.body.decode()
    assert (attempt["response_status"], attempt["error"]) == (200, None)
    assert server.control("GET", f"/webhooks/{created['id']}").json() == found
    assert listed(server, url=receiver.url, status="failed") == []
    assert listed(server, url=receiver.url, kind="sms-dlr") == []
    assert [d["id"] for d in listed(server, url=receiver.url + "/hooks", kind="test")] == [
        created["id"]
    ]


def test_a_form_get_and_signed_ping(server: RingbackProcess, receiver: WebhookReceiver) -> None:
    api_key, _ = server.new_account()
    server.control(
        "PATCH",
        f"/accounts/{api_key}",
        json={"signs_webhooks": True, "signature_method": "sha256"},
    ).raise_for_status()
    secret = server.control("GET", f"/accounts/{api_key}").json()["signature_secret"]
    ping(server, receiver.url, api_key=api_key, method="GET", content_type="form")
    (got,) = receiver.wait_for(1)
    fields = got.fields
    assert got.method == "GET" and fields["api-key"] == api_key
    auth = Auth(api_key=api_key, signature_secret=secret, signature_method="sha256")
    assert auth.check_signature(dict(fields))


def test_the_routes_are_in_the_openapi_document(server: RingbackProcess) -> None:
    paths = server.control("GET", "/openapi.json").json()["paths"]
    assert "get" in paths["/_ringback/webhooks"]
    assert "get" in paths["/_ringback/webhooks/{id}"]
    assert "post" in paths["/_ringback/webhooks/{id}/replay"]
    assert "post" in paths["/_ringback/webhooks/test"]
    assert {"get", "put"} <= set(paths["/_ringback/webhooks/settings"])


def test_a_long_poll_with_nothing_matching_answers_empty_when_the_wait_ends(
    server: RingbackProcess,
) -> None:
    started = time.monotonic()
    assert listed(server, url="http://nothing.invalid/", wait=0.3) == []
    assert 0.3 <= time.monotonic() - started < 3


@pytest.mark.parametrize(
    "query",
    ["status=lost", "limit=0", "limit=x", "wait=61", "wait=-1", "since=yesterday", "colour=red"],
)
def test_bad_filters_are_400(server: RingbackProcess, query: str) -> None:
    response = server.control("GET", f"/webhooks?{query}")
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"url": "localhost:3000/hook"},
        {"url": "ftp://example.com/"},
        {"url": "http://example.com", "method": "DELETE"},
        {"url": "http://example.com", "content_type": "xml"},
        {"url": "http://example.com", "signing": "jwt"},
        {"url": "http://example.com", "payload": [1]},
        {"url": "http://example.com", "retry_window": -1},
    ],
)
def test_bad_test_pings_are_400(server: RingbackProcess, body: dict[str, Any]) -> None:
    assert server.control("POST", "/webhooks/test", json=body).status_code == 400


def test_unknown_deliveries_and_accounts_are_404(server: RingbackProcess) -> None:
    for method, path in [
        ("GET", "/webhooks/99999"),
        ("GET", "/webhooks/nope"),
        ("POST", "/webhooks/99999/replay"),
    ]:
        response = server.control(method, path)
        assert response.status_code == 404
        assert response.json()["title"] == "Not Found"
    unknown = {"url": "http://example.com", "api_key": "nobody00"}
    assert server.control("POST", "/webhooks/test", json=unknown).status_code == 404


def test_retries_on_the_clock_then_failed_then_replayed(
    server: RingbackProcess, frozen: None
) -> None:
    receiver = WebhookReceiver(statuses=[500, 503]).start()
    try:
        created = ping(server, receiver.url, retry_window=10)
        listed(server, url=receiver.url, min_attempts=1, wait=5)
        server.control("POST", "/clock", json={"advance_seconds": 5})
        (failed,) = listed(server, url=receiver.url, status="failed", wait=5)
        assert [a["response_status"] for a in failed["attempts"]] == [500, 503]
        assert failed["attempts"][1]["at"] - failed["attempts"][0]["at"] == pytest.approx(5)
        replayed = server.control("POST", f"/webhooks/{created['id']}/replay").json()
        assert replayed["status"] in ("pending", "delivered")
        (done,) = listed(server, url=receiver.url, status="delivered", wait=5)
        assert [a["response_status"] for a in done["attempts"]] == [500, 503, 200]
    finally:
        receiver.stop()


def closed_url() -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}/never"


def test_a_whole_day_of_retries_fast_forwarded(server: RingbackProcess, frozen: None) -> None:
    url = closed_url()
    created = ping(server, url)
    attempts = 0
    with httpx.Client(base_url=f"{server.http_url}/_ringback", timeout=30) as control:
        while True:
            query = {"url": url, "min_attempts": attempts + 1, "wait": 5}
            (found,) = control.get("/webhooks", params=query).json()["deliveries"]
            attempts = found["attempt_count"]
            if found["status"] != "pending":
                break
            now = control.get("/clock").json()["now"]
            control.post("/clock", json={"advance_seconds": found["next_attempt_at"] - now})
    assert (found["id"], found["status"], attempts) == (created["id"], "failed", 103)
    span = found["attempts"][-1]["at"] - found["attempts"][0]["at"]
    assert 85000 < span <= 86400
    assert found["last_error"] == "connection failed: connection refused"


def test_settings_change_the_timeouts(server: RingbackProcess) -> None:
    assert server.control("GET", "/webhooks/settings").json() == {
        "concurrency": 16,
        "connect_timeout": 3.0,
        "response_timeout": 15.0,
        "pipeline": 64,
    }
    for bad in [
        {"response_timeout": 0},
        {"concurrency": 1.5},
        {"connect_timeout": "1"},
        {"pipeline": 0},
        {"pipeline": 257},
        {"x": 1},
    ]:
        assert server.control("PUT", "/webhooks/settings", json=bad).status_code == 400
    slow = WebhookReceiver(delay=0.6).start()
    try:
        server.control("PUT", "/webhooks/settings", json={"response_timeout": 0.2})
        ping(server, slow.url)
        (found,) = listed(server, url=slow.url, min_attempts=1, wait=5)
        assert found["attempts"][0]["error"] == "response timeout: no answer within 0.2 s"
    finally:
        server.control("PUT", "/webhooks/settings", json={"response_timeout": 15})
        slow.stop()


def test_pending_retries_survive_a_restart(server: RingbackProcess, frozen: None) -> None:
    receiver = WebhookReceiver(statuses=[500]).start()
    try:
        created = ping(server, receiver.url)
        listed(server, url=receiver.url, min_attempts=1, wait=5)
        server.restart()
        assert server.control("GET", "/clock").json()["frozen"] is True
        server.control("POST", "/clock", json={"advance_seconds": 5})
        receiver.wait_for(2)
        (found,) = listed(server, url=receiver.url, status="delivered", wait=5)
        assert found["id"] == created["id"]
        assert [a["response_status"] for a in found["attempts"]] == [500, 200]
    finally:
        receiver.stop()


def test_an_attempt_in_flight_at_shutdown_is_recorded(server: RingbackProcess) -> None:
    slow = WebhookReceiver(delay=1.0).start()
    try:
        created = ping(server, slow.url)
        slow.wait_started(1)
        server.stop()  # SIGTERM: graceful, waits for the attempt
        server.start()
        found = server.control("GET", f"/webhooks/{created['id']}").json()
        assert found["status"] == "delivered"
        assert found["attempts"][0]["latency_ms"] >= 1000
    finally:
        slow.stop()


def cli(server: RingbackProcess, *args: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "ringback.cli.main", "webhooks", *args,
         "--data-dir", str(server.data_dir), "--json"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_cli_sends_lists_shows_and_replays(
    server: RingbackProcess, receiver: WebhookReceiver
) -> None:
    created = cli(server, "test", receiver.url + "/cli", "--content-type", "form")
    assert (created["kind"], created["content_type"]) == ("test", "form")
    receiver.wait_for(1)
    listed(server, url=receiver.url, status="delivered", wait=5)
    found = cli(server, "list", "--status", "delivered", "--webhook-url", receiver.url)
    assert [d["id"] for d in found["deliveries"]] == [created["id"]]
    assert cli(server, "replay", str(created["id"]))["id"] == created["id"]
    receiver.wait_for(2)
    listed(server, url=receiver.url, min_attempts=2, wait=5)
    shown = cli(server, "show", str(created["id"]))
    assert [a["response_status"] for a in shown["attempts"]] == [200, 200]
    human = subprocess.run(
        [sys.executable, "-m", "ringback.cli.main", "webhooks", "show", str(created["id"]),
         "--url", server.http_url],
        capture_output=True, text=True, timeout=30,
    ).stdout  # fmt: skip
    assert f"webhook delivery {created['id']}" in human and f"POST {receiver.url}/cli" in human
    attempt_ids = {str(a["id"]) for a in shown["attempts"]}
    rows = [line.split() for line in human.splitlines()]
    assert [row[3] for row in rows if row and row[0] in attempt_ids] == ["200", "200"]
