"""The server's own limits, against a real `ringback serve`: header size, the 10 s request
head timer, and the bound on open connections (idle sockets cannot starve a health check)."""

from __future__ import annotations

import resource
import select
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ringback.testing.server import RingbackProcess

IDLE_SOCKETS = 1_100
MAX_CONNECTIONS = 1_024  # the default, per listener
HEAD_TIMEOUT = 10.0  # the default


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < IDLE_SOCKETS + 200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] >= IDLE_SOCKETS + 200
    process = RingbackProcess(tmp_path_factory.mktemp("limits")).start()
    yield process
    process.stop()


def port(server: RingbackProcess) -> int:
    return int(server.info["http_port"])


def closed_by_server(sock: socket.socket, timeout: float) -> bool:
    """The server closed the connection (EOF or reset) within `timeout` seconds."""
    sock.settimeout(timeout)
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


class ClosedWatch:
    """Which of many sockets the server has closed (poll: select cannot take fds > 1023)."""

    def __init__(self, sockets: list[socket.socket]) -> None:
        self.poll = select.poll()
        self.closed: set[int] = set()
        self.total = len(sockets)
        for sock in sockets:
            self.poll.register(sock, select.POLLIN | select.POLLHUP | select.POLLERR)

    def wait_until(self, deadline: float) -> None:
        while time.monotonic() < deadline and len(self.closed) < self.total:
            for fd, _event in self.poll.poll(100):
                self.closed.add(fd)
                self.poll.unregister(fd)


def status_of(raw: bytes) -> int:
    return int(raw.split(b" ", 2)[1])


def test_headers_over_64_kib_get_431(server: RingbackProcess) -> None:
    url = f"{server.http_url}/_ringback/health"
    assert httpx.get(url, headers={"X-Big": "a" * 60 * 1024}).status_code == 200
    response = httpx.get(url, headers={"X-Big": "a" * 70 * 1024})
    assert response.status_code == 431
    assert response.headers["connection"] == "close"
    # many small headers count together
    many = {f"X-H{i}": "b" * 1000 for i in range(70)}
    assert httpx.get(url, headers=many).status_code == 431
    # the HTTPS listener has the same limit
    over_tls = httpx.get(
        f"{server.https_url}/_ringback/health",
        headers={"X-Big": "a" * 70 * 1024},
        verify=server.tls,
    )
    assert over_tls.status_code == 431


def test_a_header_that_never_ends_is_refused_without_waiting_for_it(
    server: RingbackProcess,
) -> None:
    with socket.create_connection(("127.0.0.1", port(server))) as sock:
        sock.sendall(
            b"GET /_ringback/health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 100 * 1024
        )
        sock.settimeout(5)
        answer = sock.recv(4096)
        assert status_of(answer) == 431
        assert closed_by_server(sock, 5)


def test_a_request_target_over_64_kib_gets_414(server: RingbackProcess) -> None:
    with socket.create_connection(("127.0.0.1", port(server))) as sock:
        sock.sendall(b"GET /" + b"a" * 70 * 1024 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n")
        sock.settimeout(5)
        assert status_of(sock.recv(4096)) == 414
        assert closed_by_server(sock, 5)


def test_a_connection_without_a_complete_request_head_is_closed_after_10_s(
    server: RingbackProcess,
) -> None:
    """From the connection opening, and from the end of the previous response (keep-alive)."""
    address = ("127.0.0.1", port(server))
    silent = socket.create_connection(address)
    slowloris = socket.create_connection(address)
    slowloris.sendall(b"GET /_ringback/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
    kept_alive = socket.create_connection(address)
    kept_alive.sendall(b"GET /_ringback/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert status_of(kept_alive.recv(4096)) == 200
    started = time.monotonic()
    # past uvicorn's 5 s keep-alive timeout, which any byte cancels
    kept_alive.sendall(b"GET /_ringback/he")

    closed_at: dict[str, float] = {}

    def watch(name: str, sock: socket.socket) -> None:
        if closed_by_server(sock, HEAD_TIMEOUT + 5):
            closed_at[name] = time.monotonic() - started

    watchers = [
        threading.Thread(target=watch, args=(name, sock))
        for name, sock in [("silent", silent), ("slowloris", slowloris), ("kept", kept_alive)]
    ]
    for watcher in watchers:
        watcher.start()
    for watcher in watchers:
        watcher.join()
    for sock in (silent, slowloris, kept_alive):
        sock.close()
    assert set(closed_at) == {"silent", "slowloris", "kept"}, closed_at
    for name, after in closed_at.items():
        assert HEAD_TIMEOUT - 1 <= after <= HEAD_TIMEOUT + 3, (name, after)


def test_1100_idle_sockets_cannot_starve_the_health_check(server: RingbackProcess) -> None:
    # a request in progress (a long poll) is never closed to make room
    long_poll: dict[str, int] = {}

    def poll() -> None:
        response = server.control("GET", "/webhooks", params={"wait": "6"})
        long_poll["status"] = response.status_code

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.5)

    opened = time.monotonic()
    idle = [socket.create_connection(("127.0.0.1", port(server))) for _ in range(IDLE_SOCKETS)]
    try:
        asked = time.monotonic()
        health = httpx.get(f"{server.http_url}/_ringback/health", timeout=5)
        answered_in = time.monotonic() - asked
        assert health.status_code == 200
        assert answered_in < 2.0, answered_in

        # beyond the limit, the oldest idle connections made room at once
        closed = ClosedWatch(idle)
        closed.wait_until(time.monotonic() + 1)
        assert len(closed.closed) >= IDLE_SOCKETS + 2 - MAX_CONNECTIONS, len(closed.closed)

        # and every idle one is closed once it has sent no request for 10 s
        poller.join()
        assert long_poll == {"status": 200}
        closed.wait_until(opened + HEAD_TIMEOUT + 4)
        still_open = IDLE_SOCKETS - len(closed.closed)
        assert still_open == 0, f"{still_open} idle sockets open after {HEAD_TIMEOUT + 4} s"
        assert httpx.get(f"{server.http_url}/_ringback/health").status_code == 200
    finally:
        for sock in idle:
            sock.close()


def test_the_server_logged_no_traceback(server: RingbackProcess) -> None:
    """All of the above left no traceback in the server's output."""
    assert "Traceback" not in Path(server.log_path).read_text()
