"""A small HTTP/1.1 client for webhooks: one connection per destination, one request at a time.

The dispatcher sends a destination's callbacks one by one, so it needs no pool, no HTTP/2 and
no redirects; what it needs is little overhead per request, because a flood of receipts to one
local receiver is the heavy case. httpx costs ~1 ms of CPU per request there; an asyncio
protocol with httptools' C parser (already installed with uvicorn[standard]) costs a tenth.

A response is read to its end (so the connection can be kept) but only the first
`excerpt_bytes` of its body are kept; past `DISCARD_LIMIT` bytes the connection is dropped.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass, field
from typing import cast
from urllib.parse import quote, urlsplit

import httptools

DISCARD_LIMIT = 1 << 20
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"


class InvalidURL(ValueError):
    pass


class ClosedEarly(ConnectionError):
    """The connection closed before a complete status line and headers arrived."""


class BadResponse(ConnectionError):
    pass


class ConnectTimeout(TimeoutError):
    pass


class ResponseTimeout(TimeoutError):
    pass


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


def target_of(url: str) -> Target:
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
    def __init__(self, excerpt_bytes: int) -> None:
        self.excerpt_bytes = excerpt_bytes
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._parser = httptools.HttpResponseParser(self)
        self._response = Response()
        self._headers_done = False
        self._waiter: asyncio.Future[Response] | None = None

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's are not subclasses

    def data_received(self, data: bytes) -> None:
        if self._waiter is None or self._waiter.done():
            return  # nothing was asked: an unsolicited answer; the request will not use it
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._finish(keep_alive=False)
        except httptools.HttpParserError as exc:
            self._fail(BadResponse(f"not an HTTP/1.x answer: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._headers_done:
            self._finish(keep_alive=False)  # a body delimited by the end of the connection
        else:
            self._fail(ClosedEarly("the receiver closed the connection without answering"))

    # httptools callbacks
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
        if response.size > DISCARD_LIMIT:
            self._finish(keep_alive=False)

    def on_message_complete(self) -> None:
        if self._response.status < 200:  # 1xx: an interim answer; the real one follows
            return
        self._finish(keep_alive=self._parser.should_keep_alive())

    # the request side
    def start(self, request: bytes) -> asyncio.Future[Response]:
        assert self.transport is not None
        self._response = Response()
        self._headers_done = False
        self._parser = httptools.HttpResponseParser(self)
        self._waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return self._waiter

    def _finish(self, keep_alive: bool) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._response.keep_alive = keep_alive
            self._waiter.set_result(self._response)

    def _fail(self, exc: Exception) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(exc)


class Connection:
    """A kept-alive connection to one scheme://host:port, reopened when it is lost."""

    def __init__(self, excerpt_bytes: int) -> None:
        self.excerpt_bytes = excerpt_bytes
        self._protocol: _Protocol | None = None
        self._key: tuple[str, str, int] | None = None

    async def request(
        self,
        target: Target,
        request: bytes,
        connect_timeout: float,
        response_timeout: float,
        tls: ssl.SSLContext,
    ) -> Response:
        reused = self._usable(target)
        if not reused:
            await self._open(target, connect_timeout, tls)
        try:
            return await self._exchange(request, response_timeout)
        except ClosedEarly:
            if not reused:
                raise
        # the receiver closed the kept-alive connection as we reused it: once more, afresh
        await self._open(target, connect_timeout, tls)
        return await self._exchange(request, response_timeout)

    def _usable(self, target: Target) -> bool:
        protocol = self._protocol
        return (
            protocol is not None
            and not protocol.closed
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

    async def _exchange(self, request: bytes, timeout: float) -> Response:
        protocol = self._protocol
        assert protocol is not None
        try:
            async with asyncio.timeout(timeout):
                response = await protocol.start(request)
        except TimeoutError as exc:
            self.close()
            raise ResponseTimeout() from exc
        except BaseException:
            self.close()
            raise
        if not response.keep_alive:
            self.close()
        return response

    def close(self) -> None:
        if self._protocol is not None and self._protocol.transport is not None:
            self._protocol.transport.close()
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
