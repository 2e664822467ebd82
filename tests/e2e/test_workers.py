"""`ringback serve --workers 2` on PostgreSQL: two processes on the same ports, one server.

The database comes from the session's throwaway PostgreSQL (`ringback.testing.backends`), so
these run in both CI phases. Which worker answers a connection is the kernel's choice; a test
that needs both opens connections until it has seen both pids (`/_ringback/health` names the
answering worker, and a kept-alive connection stays with it).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from vonage_sms import SmsMessage

from ringback.testing import backends
from ringback.testing.receiver import WebhookReceiver
from ringback.testing.server import RingbackProcess

MAGIC = "447700900900"  # delivered after 0.5 s, a receipt follows


def two_workers(data_dir: Path, *args: str) -> RingbackProcess:
    database = backends.new_database()  # PostgreSQL whatever the suite's backend
    server = RingbackProcess(data_dir, "--database", database, "--workers", "2", *args)
    server.database = database
    return server.start(timeout=60)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    running = two_workers(tmp_path_factory.mktemp("workers") / "rb")
    try:
        yield running
    finally:
        running.stop()


def by_worker(server: RingbackProcess, read: Callable[[httpx.Client], Any]) -> dict[int, Any]:
    """`read` over a connection to each worker: {pid: what it read}."""
    seen: dict[int, Any] = {}
    deadline = time.monotonic() + 10
    while len(seen) < 2:
        assert time.monotonic() < deadline, f"only one worker answered: {seen}"
        with httpx.Client(base_url=server.http_url, timeout=10) as client:
            pid = client.get("/_ringback/health").json()["worker"]
            seen[pid] = read(client)
    return seen


def worker_clients(server: RingbackProcess, count: int) -> list[httpx.Client]:
    """`count` kept-alive HTTP clients, connected to both workers."""
    clients: list[httpx.Client] = []
    pids: set[int] = set()
    while len(clients) < count or len(pids) < 2:
        assert len(clients) < 40, "the kernel gave every connection to one worker"
        client = httpx.Client(base_url=server.http_url, timeout=10)
        pids.add(client.get("/_ringback/health").json()["worker"])
        clients.append(client)
    return clients


def test_both_workers_answer_health(server: RingbackProcess) -> None:
    healths = by_worker(server, lambda c: c.get("/_ringback/health").json())
    assert len(healths) == 2
    for pid, health in healths.items():
        assert health["database"] == "postgresql"
        assert health["workers"] == 2
        assert health["worker"] == pid
    assert {h["worker_index"] for h in healths.values()} == {0, 1}
    assert server.info["workers"] == 2 and server.info["pid"] not in healths


def test_the_clock_moved_through_one_worker_is_every_workers(server: RingbackProcess) -> None:
    before = server.control("GET", "/clock").json()["offset_seconds"]
    server.control("POST", "/clock", json={"advance_seconds": 7200}).raise_for_status()
    deadline = time.monotonic() + 5
    while True:
        offsets = by_worker(server, lambda c: c.get("/_ringback/clock").json()["offset_seconds"])
        if all(o == before + 7200 for o in offsets.values()) or time.monotonic() > deadline:
            break
    assert list(offsets.values()) == [before + 7200] * 2


def test_sms_round_trip_every_receipt_exactly_once(server: RingbackProcess) -> None:
    server.control("PUT", "/rate-limits", json={"enabled": False}).raise_for_status()
    key, secret = server.new_account(balance="100")
    receiver = WebhookReceiver().start()
    try:
        local = threading.local()

        def send(n: int) -> str:
            if not hasattr(local, "client"):  # one SDK client (and connection) per thread
                local.client = server.client(key, secret)
            sent = local.client.sms.send(
                SmsMessage(to=MAGIC, from_="Acme", text=f"m{n}", callback=receiver.url)
            )
            return str(sent.messages[0].message_id)

        with ThreadPoolExecutor(8) as pool:
            ids = list(pool.map(send, range(200)))
        assert len(set(ids)) == 200
        receiver.wait_for(200, timeout=30)
        time.sleep(0.5)  # a second sending of any receipt would have arrived by now
        counts = Counter(r.fields["messageId"] for r in receiver.received)
        assert set(counts) == set(ids)
        assert set(counts.values()) == {1}
        balance = server.client(key, secret).account.get_balance()
        assert float(balance.value) < 100
    finally:
        receiver.stop()
        server.control("PUT", "/rate-limits", json={"enabled": True}).raise_for_status()


def test_thirty_sms_a_second_per_key_across_both_workers(server: RingbackProcess) -> None:
    limits = by_worker(server, lambda c: c.get("/_ringback/rate-limits").json())
    assert all(v["enabled"] and v["limits"]["sms"] == "30 per 1 second" for v in limits.values())
    # Vonage's 30 SMS, over 5 s instead of 1: the same moving window and statement, and the
    # count stays exact on a loaded machine (60 sends took 1.4 s at a load average of 16)
    server.control(
        "PUT", "/rate-limits", json={"enabled": True, "limits": {"sms": "30/5 seconds"}}
    ).raise_for_status()
    # the other worker applies the change when its NOTIFY arrives, a moment later
    deadline = time.monotonic() + 10
    while True:
        limits = by_worker(server, lambda c: c.get("/_ringback/rate-limits").json())
        if all(v["limits"]["sms"] == "30 per 5 second" for v in limits.values()):
            break
        assert time.monotonic() < deadline, f"a worker kept the old limit: {limits}"
        time.sleep(0.05)
    key, secret = server.new_account(balance="100")
    clients = worker_clients(server, 6)
    form = {"api_key": key, "api_secret": secret, "to": MAGIC, "from": "Acme", "text": "hi"}
    try:
        for client in clients:  # connections open before the clock starts
            client.get("/_ringback/health")
        started = time.monotonic()
        with ThreadPoolExecutor(len(clients)) as pool:
            statuses = list(
                pool.map(
                    lambda n: (
                        clients[n % len(clients)]
                        .post("/sms/json", data=form)
                        .json()["messages"][0]["status"]
                    ),
                    range(60),
                )
            )
        elapsed = time.monotonic() - started
    finally:
        for client in clients:
            client.close()
    assert elapsed < 5.0, f"60 sends took {elapsed:.2f} s: the window moved on"
    assert Counter(statuses) == {"0": 30, "1": 30}  # 1: Throttled
    server.control("PUT", "/rate-limits", json={"limits": {"sms": "30/second"}})


def test_workers_on_sqlite_are_refused_in_one_line(tmp_path: Path) -> None:
    args = ["--database", str(tmp_path / "x.db"), "--workers", "2", "--http-port", "0"]
    done = subprocess.run(
        [sys.executable, "-m", "ringback.cli.main", "serve", "--data-dir", str(tmp_path), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "ringback: --workers 2 needs PostgreSQL (--database postgresql://...): "
        "on SQLite one process serves"
    ]


class HoldingReceiver:
    """Holds every request unanswered until `drop()`, which closes those connections; after
    that it answers 200 and counts each receipt's message id."""

    def __init__(self) -> None:
        self.answered: Counter[str] = Counter()
        self.held = 0
        self.dropping = threading.Event()
        self.lock = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if not receiver.dropping.is_set():
                    with receiver.lock:
                        receiver.held += 1
                        receiver.lock.notify_all()
                    receiver.dropping.wait()
                    self.close_connection = True
                    return  # no answer: the sender never learns it arrived
                with receiver.lock:
                    receiver.answered[json.loads(body)["messageId"]] += 1
                    receiver.lock.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def wait(self, check: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self.lock:
            while not check():
                assert time.monotonic() < deadline, (self.held, self.answered)
                self.lock.wait(0.1)


def claim_holder(database: str) -> int:
    """The pid of the worker holding a webhook destination's claim."""
    with psycopg.connect(database) as conn:
        row = conn.execute("SELECT worker FROM webhook_claims").fetchone()
    assert row is not None, "no worker holds the destination"
    return int(str(row[0]).split(".")[1])


def test_a_killed_workers_receipts_are_delivered_by_the_other(tmp_path: Path) -> None:
    lease = 2.0
    server = two_workers(tmp_path / "rb", "--no-rate-limits", "--lease-seconds", str(lease))
    receiver = HoldingReceiver()
    try:
        key, secret = server.new_account(balance="100")
        client = server.client(key, secret)
        ids = [
            str(
                client.sms.send(
                    SmsMessage(to=MAGIC, from_="Acme", text=f"k{n}", callback=receiver.url)
                )
                .messages[0]
                .message_id
            )
            for n in range(20)
        ]
        receiver.wait(lambda: receiver.held >= 1, timeout=10)  # a worker is sending them
        assert server.database is not None
        holder = claim_holder(server.database)
        os.kill(holder, signal.SIGKILL)
        killed_at = time.monotonic()
        receiver.dropping.set()  # the held requests were never answered
        receiver.wait(lambda: len(receiver.answered) == 20, timeout=lease + 10)
        taken_over = time.monotonic() - killed_at
        time.sleep(0.5)
        assert set(receiver.answered) == set(ids)
        assert set(receiver.answered.values()) == {1}
        assert taken_over < lease + 5
        # the supervisor started another worker in the killed one's place
        pids = by_worker(server, lambda c: c.get("/_ringback/health").json()["worker"])
        assert holder not in pids
    finally:
        server.stop()
        receiver.server.shutdown()
