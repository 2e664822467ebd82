"""The CLI as an HTTP client, against a small real local server that records what it gets and
answers as told: the control token, JSON bodies on writes, answers that are not JSON, and the
handsets list in the shape the control API gives it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ringback.testing.receiver import WebhookReceiver

HANDSETS = {
    "count": 2,
    "handsets": [
        {
            "msisdn": "447700900123",
            "last_at": "2026-12-01T23:10:00Z",
            "received": 3,
            "sent": 1,
            "channels": {"sms": 4},
        },
        {
            "msisdn": "447700900456",
            "last_at": "2026-11-30T08:00:05Z",
            "received": 0,
            "sent": 2,
            "channels": {"sms": 2},
        },
    ],
}


@pytest.fixture
def stub() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver(body=b'{"reset": "all"}').start()
    yield server
    server.stop()


def ringback(
    *args: str, data_dir: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RINGBACK_")}
    return subprocess.run(
        [sys.executable, "-m", "ringback.cli.main", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=30,
        env={**clean, **(env or {})},
    )


def test_writes_are_json_and_carry_the_token_from_the_environment(
    stub: WebhookReceiver, tmp_path: Path
) -> None:
    env = {"RINGBACK_URL": stub.url, "RINGBACK_CONTROL_TOKEN": "from-env"}
    assert ringback("reset", data_dir=tmp_path, env=env).returncode == 0
    behaviour = ["phone", "+447700900123", "behaviour", "--set", '{"sms": "failed"}']
    ringback(*behaviour, data_dir=tmp_path, env=env)
    ringback("accounts", "list", data_dir=tmp_path, env=env)
    reset, put, get = stub.wait_for(3)
    assert (reset.method, reset.path) == ("POST", "/_ringback/reset")
    assert reset.headers["content-type"] == "application/json" and reset.json == {}
    assert (put.method, put.json) == ("PUT", {"sms": "failed"})
    assert put.headers["content-type"] == "application/json"
    assert get.method == "GET" and get.body == b""
    assert {r.headers["authorization"] for r in (reset, put, get)} == {"Bearer from-env"}


def test_the_token_comes_from_the_flag_then_server_json(
    stub: WebhookReceiver, tmp_path: Path
) -> None:
    runtime = tmp_path / "server.json"
    runtime.write_text(json.dumps({"http_port": int(stub.url.rsplit(":", 1)[1]),
                                   "control_token": "from-file"}))  # fmt: skip
    ringback("reset", data_dir=tmp_path)
    ringback("reset", "--control-token", "from-flag", data_dir=tmp_path)
    runtime.write_text(json.dumps({"http_port": int(stub.url.rsplit(":", 1)[1]),
                                   "control_token": None}))  # fmt: skip
    ringback("reset", data_dir=tmp_path)
    from_file, from_flag, none = stub.wait_for(3)
    assert from_file.headers["authorization"] == "Bearer from-file"
    assert from_flag.headers["authorization"] == "Bearer from-flag"
    assert "authorization" not in none.headers


@pytest.mark.parametrize(
    ("status", "body", "said"),
    [
        (502, b"<html><body>Bad gateway</body></html>", "error 502: <html><body>Bad gateway"),
        (500, b"", "error 500: Internal Server Error"),
        (200, b"hello, I am not Ringback", "answered 200 with a body that is not JSON"),
        (404, b'["not", "a", "problem"]', 'error 404: ["not"'),
    ],
)
def test_answers_that_are_not_a_problem_body_are_reported_not_a_traceback(
    tmp_path: Path, status: int, body: bytes, said: str
) -> None:
    server = WebhookReceiver(statuses=[status], body=body).start()
    try:
        done = ringback("accounts", "list", "--url", server.url, data_dir=tmp_path)
    finally:
        server.stop()
    assert done.returncode == 1
    assert said in done.stderr and "Traceback" not in done.stderr


def test_handsets_are_listed_newest_first_in_local_time(tmp_path: Path) -> None:
    server = WebhookReceiver(body=json.dumps(HANDSETS).encode()).start()
    try:
        args = ("handsets", "--url", server.url, "--limit", "5")
        piped = ringback(*args, data_dir=tmp_path, env={"TZ": "Asia/Kolkata"})
        raw = ringback(*args, "--json", data_dir=tmp_path)
        first = server.wait_for(2)[0]
    finally:
        server.stop()
    assert (first.path, first.query) == ("/_ringback/handsets", {"limit": "5"})
    assert piped.returncode == 0, piped.stderr
    rows = [line.split() for line in piped.stdout.splitlines() if "44770090" in line]
    assert rows == [
        ["447700900123", "2026-12-02", "04:40:00", "3", "1", "sms", "4"],
        ["447700900456", "2026-11-30", "13:30:05", "0", "2", "sms", "2"],
    ]
    assert "local times, IST (UTC+05:30)" in piped.stdout
    assert json.loads(raw.stdout) == HANDSETS


def test_an_empty_list_says_so(tmp_path: Path) -> None:
    server = WebhookReceiver(body=b'{"count": 0, "handsets": []}').start()
    try:
        done = ringback("handsets", "--url", server.url, data_dir=tmp_path)
    finally:
        server.stop()
    assert done.stdout == "Handsets: no traffic yet\n"
