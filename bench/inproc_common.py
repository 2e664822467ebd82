"""What the in-process benchmarks (sms_inproc.py, messages_inproc.py) share: a request through
the ASGI app as uvicorn would make it, and the handsets' delay."""

from __future__ import annotations

import asyncio
from typing import Any

from ringback.network.behaviours import Behaviour, set_behaviour

DELAY = 2.0  # seconds: more than a handset's default delay
HANDSETS = [f"4477009{n:05d}" for n in range(100)]


async def call(
    app: Any, method: str, path: str, body: bytes, headers: list[tuple[bytes, bytes]]
) -> tuple[int, bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1:4280"),
            (b"content-length", str(len(body)).encode()),
            *headers,
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 4280),
    }
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


def set_delay(services: Any, delay: float | None) -> float:
    """The handsets' delay (`--delay`; None keeps their default of 1 s); how far the clock
    must go for every delivery to be due."""
    if delay is None:
        return DELAY
    with services.store.begin() as tx:
        for msisdn in HANDSETS:
            set_behaviour(tx, msisdn, Behaviour(delay_seconds=delay), services.clock.now())
    return delay


def advance(services: Any, seconds: float) -> None:
    if seconds > 0:  # a delay of 0: the deliveries are due already
        services.clock.advance(seconds)
