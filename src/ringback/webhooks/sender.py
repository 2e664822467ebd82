"""HTTP attempts: send, wait within the timeouts, and say what happened to each.

Success is any 2xx. Redirects are not followed (a 3xx is an answer like any other non-2xx).
Only the first EXCERPT_BYTES of the response body are kept. Every failure that is not an
answer — a timeout, a refused or reset connection, a DNS or TLS failure, an invalid URL —
becomes an `error` text instead of a status: nothing here raises for a bad receiver.

The connect timeout covers name resolution, TCP and the TLS handshake; the response timeout
runs from the request being written (pipelined: from the previous answer) to the whole answer
being read. TLS receivers are checked
against the system's trusted CAs (`SSL_CERT_FILE` / `SSL_CERT_DIR` add more).
"""

from __future__ import annotations

import socket
import ssl
import time
from dataclasses import dataclass

from ringback.webhooks import http1, http_errors
from ringback.webhooks.wire import Outgoing

EXCERPT_BYTES = 1024


@dataclass(frozen=True)
class Outcome:
    status: int | None
    excerpt: str | None
    error: str | None
    latency_ms: float
    headers: dict[str, str]  # every request header, as sent

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class Sender:
    def __init__(self, connect_timeout: float, response_timeout: float) -> None:
        self.connect_timeout = connect_timeout
        self.response_timeout = response_timeout
        self._tls: ssl.SSLContext | None = None

    def connection(self) -> http1.Connection:
        return http1.Connection(EXCERPT_BYTES)

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = ssl.create_default_context()
        return self._tls

    async def exchange(
        self, connection: http1.Connection, outgoings: list[Outgoing], outcomes: list[Outcome]
    ) -> None:
        """Send `outgoings` (one destination's, in order) on `connection`, pipelined when it is
        kept alive, and append an Outcome for each one answered or failed, in order, even when
        cancelled midway. Those after the last outcome were not answered: send them again.
        There is at least one outcome unless cancelled."""
        targets: list[http1.Target] = []
        for outgoing in outgoings:
            try:
                targets.append(http1.target_of(outgoing.url))
            except http_errors.InvalidURL as exc:
                if not targets:
                    error = f"invalid URL: {exc}"
                    outcomes.append(Outcome(None, None, error, 0.0, outgoing.headers))
                    return
                break
        encoded = [
            http1.encode_request(o.method, t, o.headers, o.body)
            for o, t in zip(outgoings, targets, strict=False)
        ]
        results: list[tuple[http1.Result, float]] = []
        started = time.perf_counter()
        try:
            await connection.exchange(
                targets[0],
                [request for request, _ in encoded],
                self.connect_timeout,
                self.response_timeout,
                self._tls_context(),
                results,
            )
        finally:
            for (result, at), (_, headers) in zip(results, encoded, strict=False):
                outcomes.append(self._outcome(result, round((at - started) * 1000, 3), headers))

    def _outcome(self, result: http1.Result, latency: float, headers: dict[str, str]) -> Outcome:
        if isinstance(result, http1.Response):
            return Outcome(result.status, result.excerpt(), None, latency, headers)
        return Outcome(None, None, self._error(result), latency, headers)

    def _error(self, exc: Exception) -> str:
        if isinstance(exc, http_errors.ConnectTimeout):
            return f"connect timeout: no connection within {self.connect_timeout:g} s"
        if isinstance(exc, http_errors.ResponseTimeout):
            return f"response timeout: no answer within {self.response_timeout:g} s"
        if isinstance(exc, ssl.SSLError):
            return f"TLS failure: {exc}"
        if isinstance(exc, http_errors.ClosedEarly):
            return f"connection closed: {exc}"
        if isinstance(exc, http_errors.BadResponse):
            return f"invalid response: {exc}"
        if isinstance(exc, OSError):
            return f"connection failed: {_reason(exc)}"
        return f"error: {exc!r}"


def _reason(exc: OSError) -> str:
    if isinstance(exc, socket.gaierror):
        return f"DNS lookup failed: {exc}"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "connection reset by the receiver"
    return str(exc) or type(exc).__name__
