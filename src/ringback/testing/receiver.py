"""A real HTTP server that receives webhooks in a test, records them, and answers as told."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def fields(self) -> dict[str, Any]:
        """The callback's fields however they were sent: query, form or JSON."""
        if self.method == "GET":
            return dict(self.query)
        if self.headers.get("content-type", "").startswith("application/json"):
            parsed = self.json
            return parsed if isinstance(parsed, dict) else {"_": parsed}
        return self.form


CLOSE = 0  # in `statuses`: close the connection without answering


@dataclass
class WebhookReceiver:
    """Answers `statuses` in turn (then 200), after `delay` seconds each, with `body`.

    A status of `CLOSE` (0) drops the connection without an answer. `started` counts requests
    as they arrive (before the delay); `received` lists them once answered.
    """

    statuses: list[int] = field(default_factory=list)
    delay: float = 0.0
    body: bytes = b"ok"
    received: list[Received] = field(default_factory=list)
    started: int = 0
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _server: ThreadingHTTPServer | None = None
    _sockets: set[socket.socket] = field(default_factory=set)

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body are written apart: without this each keep-alive answer waits
            # ~40 ms for the client's delayed ACK (Nagle)
            disable_nagle_algorithm = True

            def setup(self) -> None:
                super().setup()
                with receiver._lock:
                    receiver._sockets.add(self.connection)

            def finish(self) -> None:
                with receiver._lock:
                    receiver._sockets.discard(self.connection)
                super().finish()

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urlsplit(self.path)
                entry = Received(
                    method=self.command,
                    path=url.path,
                    query=dict(parse_qsl(url.query, keep_blank_values=True)),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                    at=time.time(),
                )
                with receiver._lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.started += 1
                    receiver._lock.notify_all()
                if receiver.delay:
                    time.sleep(receiver.delay)
                if status == CLOSE:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                with receiver._lock:
                    receiver.received.append(entry)
                    receiver._lock.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", str(len(receiver.body)))
                self.end_headers()
                self.wfile.write(receiver.body)

            do_GET = do_POST = do_PUT = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # a short poll: stop() waits for serve_forever to notice, every test teardown
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def wait_for(
        self,
        count: int = 1,
        timeout: float = 10.0,
        where: Callable[[Received], bool] | None = None,
    ) -> list[Received]:
        """At least `count` requests (matching `where`), or AssertionError after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                matching = [r for r in self.received if where is None or where(r)]
                if len(matching) >= count:
                    return matching
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} webhooks, got {len(matching)}: {self.received!r}"
                    )
                self._lock.wait(remaining)

    def wait_started(self, count: int = 1, timeout: float = 10.0) -> None:
        """At least `count` requests have arrived (answered or not)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self.started < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} requests, {self.started} arrived")
                self._lock.wait(remaining)

    def stop(self) -> None:
        """Stop listening and drop kept-alive connections: the port then refuses."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            with self._lock:
                sockets = list(self._sockets)
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def __iter__(self) -> Iterator[Received]:
        return iter(list(self.received))
