"""One HTTP attempt: send, wait within the timeouts, and say what happened.

Success is any 2xx. Redirects are not followed (a 3xx is an answer like any other non-2xx).
Only the first EXCERPT_BYTES of the response body are kept. Every failure that is not an
answer — a timeout, a refused or reset connection, a DNS or TLS failure, an invalid URL —
becomes an `error` text instead of a status: nothing here raises for a bad receiver.

The connect timeout covers name resolution, TCP and the TLS handshake; the response timeout
runs from the request being written to the whole answer being read. TLS receivers are checked
against the system's trusted CAs (`SSL_CERT_FILE` / `SSL_CERT_DIR` add more).
"""

from __future__ import annotations

import socket
import ssl
import time
from dataclasses import dataclass

from ringback.webhooks import http1
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

    async def send(self, outgoing: Outgoing, connection: http1.Connection) -> Outcome:
        started = time.perf_counter()
        status, excerpt, error = None, None, None
        headers = outgoing.headers
        try:
            target = http1.target_of(outgoing.url)
            request, headers = http1.encode_request(
                outgoing.method, target, outgoing.headers, outgoing.body
            )
            response = await connection.request(
                target, request, self.connect_timeout, self.response_timeout, self._tls_context()
            )
            status, excerpt = response.status, response.excerpt()
        except http1.InvalidURL as exc:
            error = f"invalid URL: {exc}"
        except http1.ConnectTimeout:
            error = f"connect timeout: no connection within {self.connect_timeout:g} s"
        except http1.ResponseTimeout:
            error = f"response timeout: no answer within {self.response_timeout:g} s"
        except ssl.SSLError as exc:
            error = f"TLS failure: {exc}"
        except http1.ClosedEarly as exc:
            error = f"connection closed: {exc}"
        except http1.BadResponse as exc:
            error = f"invalid response: {exc}"
        except OSError as exc:
            error = f"connection failed: {_reason(exc)}"
        latency = (time.perf_counter() - started) * 1000
        return Outcome(status, excerpt, error, round(latency, 3), headers)


def _reason(exc: OSError) -> str:
    if isinstance(exc, socket.gaierror):
        return f"DNS lookup failed: {exc}"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "connection reset by the receiver"
    return str(exc) or type(exc).__name__
