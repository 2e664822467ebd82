"""A small HTTP/1.1 client for webhooks: one kept-alive connection per destination.

The dispatcher sends a destination's callbacks in order on one connection, so it needs no
pool, no HTTP/2 and no redirects; what it needs is little overhead per request, because a flood
of receipts to one local receiver is the heavy case. httpx costs ~1 ms of CPU per request
there; an asyncio protocol with httptools' C parser (installed with uvicorn[standard]) costs a
tenth. Requests may be pipelined: written together, their answers matched in order.

A response is read to its end (so the connection can be kept) but only the first
`excerpt_bytes` of its body are kept; past `DISCARD_LIMIT` bytes the connection is dropped.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
import time
from collections import deque
from dataclasses import dataclass, field
from typing import cast
from urllib.parse import quote, urlsplit

import httptools

from ringback.webhooks.http_errors import (
    BadResponse,
    ClosedEarly,
    ConnectTimeout,
    InvalidURL,
    ResponseTimeout,
    Unanswered,
)

DISCARD_LIMIT = 1 << 20
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"


NO_ANSWER = "the receiver closed the connection without answering"


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # IDNA-encoded, as written in the Host header (IPv6 in brackets)
    connect_host: str
    port: int
    path: str  # path and query, percent-encoded

    @property
    def authority(self) -> str:
        default = 443 if self.scheme == "https" else 80
        return self.host if self.port == default else f"{self.host}:{self.port}"


@functools.lru_cache(maxsize=1024)
def target_of(url: str) -> Target:
    """Parsed once per URL: a flood of receipts goes to the same few (an invalid URL raises
    each time; exceptions are not cached)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(str(exc)) from exc
    if parts.scheme not in ("http", "https"):
        raise InvalidURL(f"the scheme must be http or https, not {parts.scheme!r}")
    if not parts.hostname:
        raise InvalidURL("there is no host")
    try:
        connect_host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise InvalidURL(f"the host cannot be encoded: {exc}") from exc
    host = f"[{connect_host}]" if ":" in connect_host else connect_host
    path = quote(parts.path or "/", safe=_SAFE_PATH)
    if parts.query:
        path += "?" + quote(parts.query, safe=_SAFE_QUERY)
    default = 443 if parts.scheme == "https" else 80
    return Target(parts.scheme, host, connect_host, port or default, path)


@dataclass
class Response:
    status: int = 0
    content_type: str = ""
    body: bytearray = field(default_factory=bytearray)
    size: int = 0
    keep_alive: bool = False

    def excerpt(self) -> str:
        charset = "utf-8"
        for param in self.content_type.split(";")[1:]:
            name, _, value = param.strip().partition("=")
            if name.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return bytes(self.body).decode(charset, "replace")
        except LookupError:
            return bytes(self.body).decode("utf-8", "replace")


class _Protocol(asyncio.Protocol):
    """Answers are matched to requests in order (HTTP/1.1 pipelining): one waiter each."""

    def __init__(self, excerpt_bytes: int) -> None:
        self.excerpt_bytes = excerpt_bytes
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._parser = httptools.HttpResponseParser(self)
        self._waiters: deque[asyncio.Future[Response]] = deque()
        self._response = Response()
        self._started = False  # a byte of the head waiter's answer has arrived
        self._headers_done = False

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's are not subclasses

    def data_received(self, data: bytes) -> None:
        if self.closed or not self._waiters:
            return  # nothing was asked: an unsolicited answer is not anybody's
        self._started = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._complete(keep_alive=False)
        except httptools.HttpParserError as exc:
            self._fail_head(BadResponse(f"not an HTTP/1.x answer: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._waiters and self._headers_done:
            self._complete(keep_alive=False)  # a body delimited by the end of the connection
        elif self._waiters and self._started:
            self._fail_head(ClosedEarly("the receiver closed the connection mid-answer"))
        self._fail_rest()

    # httptools callbacks
    def on_message_begin(self) -> None:
        self._response = Response()
        self._started = True
        self._headers_done = False

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() == b"content-type":
            self._response.content_type = value.decode("latin-1")

    def on_headers_complete(self) -> None:
        self._response.status = self._parser.get_status_code()
        self._headers_done = self._response.status >= 200

    def on_body(self, body: bytes) -> None:
        response = self._response
        room = self.excerpt_bytes - len(response.body)
        if room > 0:
            response.body += body[:room]
        response.size += len(body)
        if response.size > DISCARD_LIMIT and not self.closed:
            self._complete(keep_alive=False)

    def on_message_complete(self) -> None:
        if self._response.status < 200:  # 1xx: an interim answer; the real one follows
            return
        self._complete(keep_alive=self._parser.should_keep_alive())

    # the request side
    def send(self, requests: bytes, count: int) -> list[asyncio.Future[Response]]:
        assert self.transport is not None
        loop = asyncio.get_running_loop()
        waiters = [loop.create_future() for _ in range(count)]
        self._waiters.extend(waiters)
        self.transport.write(requests)
        return waiters

    def _complete(self, keep_alive: bool) -> None:
        if self.closed and not self._waiters:
            return
        if self._waiters:
            waiter = self._waiters.popleft()
            self._response.keep_alive = keep_alive
            if not waiter.done():
                waiter.set_result(self._response)
        self._response = Response()
        self._started = self._headers_done = False
        if not keep_alive:
            self.close()

    def _fail_head(self, exc: Exception) -> None:
        if self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(exc)
        self.close()

    def _fail_rest(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(Unanswered())

    def close(self) -> None:
        self.closed = True
        self._fail_rest()
        if self.transport is not None:
            self.transport.close()


Result = Response | Exception
Timed = tuple[Result, float]  # and when it came (time.perf_counter())


class Connection:
    """A kept-alive connection to one scheme://host:port, reopened when it is lost.

    `exchange` sends several requests at once only on a connection that has already answered
    with keep-alive; a fresh connection carries one request first, so a receiver that closes
    after every answer is never sent requests it will not read.
    """

    def __init__(self, excerpt_bytes: int) -> None:
        self.excerpt_bytes = excerpt_bytes
        self._protocol: _Protocol | None = None
        self._key: tuple[str, str, int] | None = None

    async def exchange(
        self,
        target: Target,
        requests: list[bytes],
        connect_timeout: float,
        response_timeout: float,
        tls: ssl.SSLContext,
        results: list[Timed],
    ) -> None:
        """Append to `results` the outcome of each request answered, in order: a Response or
        the error to record. The requests after the last outcome were not answered (the
        connection closed first) and are to be sent again. At least one outcome is given
        unless cancelled: a connection error, or the single request of a fresh connection."""
        fresh = not self._usable(target)
        if fresh:
            try:
                await self._open(target, connect_timeout, tls)
            except (OSError, ConnectTimeout) as exc:
                results.append((exc, time.perf_counter()))
                return
            requests = requests[:1]
        protocol = self._protocol
        assert protocol is not None
        waiters = protocol.send(b"".join(requests), len(requests))
        complete = False
        try:
            for waiter in waiters:
                try:
                    async with asyncio.timeout(response_timeout):
                        response = await waiter
                    results.append((response, time.perf_counter()))
                except TimeoutError:
                    results.append((ResponseTimeout(), time.perf_counter()))
                    return
                except Unanswered:
                    if fresh:
                        results.append((ClosedEarly(NO_ANSWER), time.perf_counter()))
                    return
                except (ClosedEarly, BadResponse) as exc:
                    results.append((exc, time.perf_counter()))
                    return
            complete = True
        finally:
            if protocol.closed or not complete:
                self.close()
            for waiter in waiters:  # every outcome is looked at, so none is logged as lost
                if waiter.done() and not waiter.cancelled():
                    waiter.exception()

    def _usable(self, target: Target) -> bool:
        protocol = self._protocol
        return (
            protocol is not None
            and not protocol.closed
            and protocol.transport is not None
            and not protocol.transport.is_closing()
            and self._key == (target.scheme, target.connect_host, target.port)
        )

    async def _open(self, target: Target, timeout: float, tls: ssl.SSLContext) -> None:
        self.close()
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                _, protocol = await loop.create_connection(
                    lambda: _Protocol(self.excerpt_bytes),
                    target.connect_host,
                    target.port,
                    ssl=tls if target.scheme == "https" else None,
                    server_hostname=target.connect_host if target.scheme == "https" else None,
                )
        except TimeoutError as exc:
            raise ConnectTimeout() from exc
        self._protocol = protocol
        self._key = (target.scheme, target.connect_host, target.port)

    def close(self) -> None:
        if self._protocol is not None:
            self._protocol.close()
        self._protocol = None
        self._key = None


def encode_request(
    method: str, target: Target, headers: dict[str, str], body: bytes
) -> tuple[bytes, dict[str, str]]:
    """The request's bytes, and every header in it (what the attempt records)."""
    sent = {"Host": target.authority, **headers}
    if method != "GET" or body:
        sent["Content-Length"] = str(len(body))
    head = f"{method} {target.path} HTTP/1.1\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in sent.items()
    )
    return head.encode("latin-1") + b"\r\n" + body, sent
