"""Per-listener limits uvicorn's httptools protocol does not have.

- A request head (request line and headers) must arrive within `head_timeout` seconds of the
  connection opening or of the previous response ending; otherwise the connection is closed.
  (uvicorn's own keep-alive timeout, 5 s, still closes a connection that sends nothing at all
  after a response; this timer also catches one that sends a few bytes and stops: slowloris.)
- Headers over `max_header_bytes` get 431, a request target over the same size 414; both close
  the connection. httptools itself buffers a header of any size.
- At most `max_connections` are open per listener. A new connection beyond that closes the
  oldest *idle* one (waiting for a request head, none in progress); only when every connection
  is busy is the new one refused. So a flood of idle sockets cannot lock out a health check.
- An absolute-form target (`GET http://name/path`) names the request's host, as RFC 9112 asks.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from http import HTTPStatus
from typing import Any, ClassVar

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from ringback.access_log import log_request

log = logging.getLogger("ringback.server")

# slack for the method, the HTTP version and line ends around the request target
_REQUEST_LINE_SLACK = 64


class ConnectionGuard:
    """The open and idle connections of one listener, and its limits.

    Idle connections (waiting for a request head) are kept oldest first with the time they
    started waiting; one sweep every half second closes those past the head timeout. (A timer
    per request, armed and cancelled, cost ~9 µs a request; this costs well under 1.)
    """

    def __init__(
        self, name: str, max_connections: int, head_timeout: float, max_header_bytes: int
    ) -> None:
        self.name = name
        self.max_connections = max_connections
        self.head_timeout = head_timeout
        self.max_header_bytes = max_header_bytes
        self.open: set[GuardedHttpToolsProtocol] = set()
        # waiting for a request head since (loop time), the longest-waiting first
        self.idle: OrderedDict[GuardedHttpToolsProtocol, float] = OrderedDict()
        self._sweep_every = max(0.05, min(0.5, head_timeout / 10))
        self._sweeper: asyncio.TimerHandle | None = None
        self._warned = False

    def opened(self, connection: GuardedHttpToolsProtocol) -> None:
        self.open.add(connection)
        self.waiting(connection)
        if len(self.open) <= self.max_connections:
            return
        if not self._warned:
            self._warned = True
            log.warning(
                "%s: %d connections open (the limit): closing the oldest idle ones",
                self.name,
                self.max_connections,
            )
        victim = next(iter(self.idle))
        if victim is connection:  # every other connection has a request in progress
            log.debug("%s: connection limit reached, all busy: refusing one", self.name)
        victim.drop()

    def busy(self, connection: GuardedHttpToolsProtocol) -> None:
        self.idle.pop(connection, None)

    def waiting(self, connection: GuardedHttpToolsProtocol) -> None:
        self.idle.pop(connection, None)
        self.idle[connection] = connection.loop.time()
        if self._sweeper is None:
            self._sweeper = connection.loop.call_later(self._sweep_every, self._sweep)

    def closed(self, connection: GuardedHttpToolsProtocol) -> None:
        self.open.discard(connection)
        self.idle.pop(connection, None)

    def _sweep(self) -> None:
        self._sweeper = None
        if not self.idle:
            return
        loop = next(iter(self.idle)).loop
        too_old = loop.time() - self.head_timeout
        while self.idle:
            connection, since = next(iter(self.idle.items()))
            if since > too_old:
                break
            log.debug("%s: no request head in %ss: closing", self.name, self.head_timeout)
            connection.drop()
        if self.idle:
            self._sweeper = loop.call_later(self._sweep_every, self._sweep)


class _HeadTooLarge(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    guard: ClassVar[ConnectionGuard]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_pending = True
        self._raw_head_bytes = 0
        self._url_bytes = 0
        self._header_bytes = 0

    # -- the connection's life

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.guard.opened(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.guard.closed(self)
        super().connection_lost(exc)

    def drop(self) -> None:
        """Close at once: closing TLS politely would wait for the client's close_notify."""
        self.guard.closed(self)
        if not self.transport.is_closing():
            self.transport.abort()

    def handle_websocket_upgrade(self) -> None:
        self.guard.closed(self)
        super().handle_websocket_upgrade()

    # -- the request head

    def data_received(self, data: bytes) -> None:
        self._unset_keepalive_if_required()
        if self._head_pending:
            self._raw_head_bytes += len(data)
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserCallbackError as error:
            if isinstance(error.__context__, _HeadTooLarge):
                self._refuse(error.__context__.status)
            else:
                self._bad_request()
            return
        except httptools.HttpParserError:
            self._bad_request()
            return
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return
        if (
            self._head_pending
            and self._raw_head_bytes - self._url_bytes
            > self.guard.max_header_bytes + _REQUEST_LINE_SLACK
        ):
            self._refuse(431)  # one unfinished header, larger than the limit

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._url_bytes = 0
        self._header_bytes = 0

    def on_url(self, url: bytes) -> None:
        self._url_bytes += len(url)
        if self._url_bytes > self.guard.max_header_bytes:
            raise _HeadTooLarge(414)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_bytes += len(name) + len(value) + 4
        if self._header_bytes > self.guard.max_header_bytes:
            raise _HeadTooLarge(431)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._head_pending = False
        self._raw_head_bytes = 0
        self.guard.busy(self)
        self._host_from_absolute_target()
        super().on_headers_complete()

    def _host_from_absolute_target(self) -> None:
        """`GET http://name/path` names its host in the target, and RFC 9112 3.2.2 says the
        Host header is then ignored: so the app sees that name as `Host` (uvicorn keeps only
        the path), and the control guard checks the name the request really asked for."""
        if self.url[:1] in (b"/", b"*"):
            return
        target = httptools.parse_url(self.url)
        if not target.host:
            return
        host = b"[" + target.host + b"]" if b":" in target.host else target.host
        if target.port is not None:
            host += b":" + str(target.port).encode("ascii")
        self.headers[:] = [(name, value) for name, value in self.headers if name != b"host"]
        self.headers.append((b"host", host))  # the list the scope holds, changed in place

    def on_message_complete(self) -> None:
        self._head_pending = True  # what comes next is the next request's head
        super().on_message_complete()

    def on_response_complete(self) -> None:
        queued = bool(self.pipeline)
        super().on_response_complete()
        if not queued and not self.transport.is_closing():
            self.guard.waiting(self)

    # -- refusals

    def _bad_request(self) -> None:
        # as uvicorn's HttpToolsProtocol.data_received
        msg = "Invalid HTTP request received."
        self.logger.warning(msg)
        self.send_400_response(msg)

    def _refuse(self, status: int) -> None:
        phrase = HTTPStatus(status).phrase.encode("ascii")
        self.transport.write(
            b"".join(
                [
                    STATUS_LINE[status],
                    b"content-type: text/plain; charset=utf-8\r\n",
                    b"content-length: " + str(len(phrase)).encode("ascii") + b"\r\n",
                    b"connection: close\r\n\r\n",
                    phrase,
                ]
            )
        )
        log_request("-", "-", status, 0.0, None, None)
        self.guard.busy(self)  # closing: the sweep need not see it
        self.transport.close()


def guarded_protocol(guard: ConnectionGuard) -> type[GuardedHttpToolsProtocol]:
    """A protocol class bound to one listener's guard (uvicorn instantiates the class)."""

    class ListenerProtocol(GuardedHttpToolsProtocol):
        pass

    ListenerProtocol.guard = guard
    return ListenerProtocol
