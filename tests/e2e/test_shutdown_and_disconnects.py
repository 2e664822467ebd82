"""A client vanishing mid-upload is one log line; a long-poll in flight when the server stops
gets a normal answer, and the server still exits promptly."""

from __future__ import annotations

import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from ringback.testing.server import RingbackProcess


def test_a_client_gone_mid_upload_is_one_log_line(tmp_path: Path) -> None:
    server = RingbackProcess(tmp_path / "d", "--log-level", "info").start()
    try:
        paths = ["/sms/json", "/v2/applications", "/_ringback/accounts"]
        for path in paths:
            with socket.create_connection(("127.0.0.1", server.info["http_port"])) as raw:
                raw.sendall(
                    f"POST {path} HTTP/1.1\r\nHost: localhost\r\n"
                    "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n".encode()
                    + b'{"a": "123'
                )
        # the server is fine, and has logged each disconnect by the time it answers this
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            assert server.control("GET", "/clock").status_code == 200
            lines = server.log_path.read_text().splitlines()
            gone = [line for line in lines if "client disconnected during the upload" in line]
            if len(gone) == len(paths):
                break
            time.sleep(0.05)
    finally:
        assert server.stop() == 0
    log = server.log_path.read_text()
    assert "Traceback" not in log and "ClientDisconnect" not in log
    for path in paths:
        (line,) = [line for line in gone if f"POST {path} " in line]
        assert "(10 of 100000 bytes)" in line


def test_a_long_poll_in_flight_at_shutdown_gets_a_normal_answer(tmp_path: Path) -> None:
    server = RingbackProcess(tmp_path / "d").start()
    base = f"{server.http_url}/_ringback"
    polls = {
        "handset": f"{base}/handsets/447700900123/messages?wait=30",
        "code": f"{base}/handsets/447700900123/codes/latest?wait=30",
        "webhooks": f"{base}/webhooks?kind=nothing&wait=30",
    }
    with ThreadPoolExecutor(len(polls)) as pool:
        futures = {name: pool.submit(httpx.get, url, timeout=40) for name, url in polls.items()}
        # the polls are in the server and waiting (not a fixed sleep: a loaded machine may
        # take seconds to start the threads and connect)
        deadline = time.monotonic() + 20
        while server.control("GET", "/health").json()["long_polls"] < len(polls):
            assert time.monotonic() < deadline, "the long polls never reached the server"
            assert not any(f.done() for f in futures.values())
            time.sleep(0.02)
        assert not any(f.done() for f in futures.values())
        started = time.monotonic()
        assert server.stop() == 0
        stopped_in = time.monotonic() - started
        answers = {name: f.result(timeout=10) for name, f in futures.items()}
    assert stopped_in < 2.5
    assert answers["handset"].status_code == 200
    assert answers["handset"].json() == {"msisdn": "447700900123", "messages": []}
    assert answers["code"].status_code == 404  # no code yet: the route's normal answer
    assert answers["code"].json()["title"] == "Not Found"
    assert answers["webhooks"].status_code == 200
    assert answers["webhooks"].json() == {"deliveries": []}
