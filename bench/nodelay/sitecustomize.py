"""Diagnostic for `bench/run.py --diagnose` only: Ringback with TCP_NODELAY on its sockets.

`ringback.server._bind` creates its listening sockets with `socket.socket(family, SOCK_STREAM)`,
so their `proto` is 0; accepted connections inherit it, and asyncio only sets TCP_NODELAY on a
connection whose `sock.proto == IPPROTO_TCP` (asyncio/base_events.py `_set_nodelay`). Without
it, a response written as two segments (uvicorn writes the head and the body separately) waits
for the client's delayed ACK, about 40 ms on Linux.

This module is put on PYTHONPATH of the benchmarked Ringback process (never installed, never
imported by anything else) and re-labels the sockets Ringback's own `_bind` returns as
IPPROTO_TCP, so everything else about `ringback serve` stays as it is. It lets the benchmark
show what Ringback's request handling costs once that one line is fixed in src/.
"""

from __future__ import annotations

import socket

import ringback.server as _server

_original_bind = _server._bind


def _bind_tcp(host: str, port: int) -> socket.socket:
    sock = _original_bind(host, port)
    return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())


_server._bind = _bind_tcp
