"""A fast local webhook receiver for bench/sms_run.py: answers 200 to anything and counts.

It runs in its own process on the same stack as the baseline (uvicorn with uvloop and
httptools, one worker, Starlette, access log off), so it costs Ringback's dispatcher as little
as a receiver can. Every POST or GET to any path except the two below is a receipt: the body
(JSON, form or query string) is read, the `messageId` picked out when there is one, and the
request counted. `sms_run.py` measures its capacity with wrk in every run, to show it is
not the bottleneck.

    GET  /count   {"count": n, "unique": ids seen, "duplicates": ..., "first_at": unix time,
                   "last_at": unix time of the latest receipt, "statuses": {"delivered": n}}
    POST /reset   zero the counters

By hand:

    .venv/bin/python bench/receiver_app.py --port-file /tmp/receiver.json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
import uvloop
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


class Tally:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.count = 0
        self.ids: set[str] = set()
        self.without_id = 0
        self.statuses: Counter[str] = Counter()
        self.first_at: float | None = None
        self.last_at: float | None = None

    def add(self, fields: dict[str, Any]) -> None:
        now = time.time()
        self.count += 1
        if self.first_at is None:
            self.first_at = now
        self.last_at = now
        message_id = fields.get("messageId")
        if isinstance(message_id, str):
            self.ids.add(message_id)
        else:
            self.without_id += 1
        status = fields.get("status")
        if isinstance(status, str):
            self.statuses[status] += 1

    def view(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "unique": len(self.ids),
            "duplicates": self.count - self.without_id - len(self.ids),
            "without_id": self.without_id,
            "statuses": dict(self.statuses),
            "first_at": self.first_at,
            "last_at": self.last_at,
            "now": time.time(),
        }


tally = Tally()


def _fields(body: bytes, query: str) -> dict[str, Any]:
    if body[:1] == b"{":
        try:
            parsed = json.loads(body)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    text = body.decode("utf-8", "replace") if body else query
    return dict(parse_qsl(text, keep_blank_values=True))


async def receipt(request: Request) -> Response:
    body = await request.body()
    tally.add(_fields(body, request.url.query))
    return Response(b"", status_code=200)


async def count(request: Request) -> JSONResponse:
    return JSONResponse(tally.view())


async def reset(request: Request) -> JSONResponse:
    tally.reset()
    return JSONResponse(tally.view())


app = Starlette(
    routes=[
        Route("/count", count, methods=["GET"]),
        Route("/reset", reset, methods=["POST"]),
        Route("/{path:path}", receipt, methods=["GET", "POST"]),
    ]
)


async def serve(host: str, port_file: Path) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    sock.listen(2048)
    config = uvicorn.Config(
        app,
        lifespan="off",
        log_level="warning",
        access_log=False,
        server_header=False,
        date_header=False,
        http="httptools",
    )
    server = uvicorn.Server(config)
    running = asyncio.ensure_future(server.serve(sockets=[sock]))
    while not server.started:
        if running.done():
            break
        await asyncio.sleep(0.01)
    tmp = port_file.with_suffix(".tmp")
    tmp.write_text(
        json.dumps(
            {
                "pid": os.getpid(),
                "http_port": sock.getsockname()[1],
                "https_port": None,
                "loop": type(asyncio.get_running_loop()).__module__,
                "http": config.http_protocol_class.__name__,
            }
        )
    )
    tmp.replace(port_file)
    await running


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port-file", type=Path, required=True)
    args = parser.parse_args()
    with (
        asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner,
        contextlib.suppress(KeyboardInterrupt),
    ):
        runner.run(serve(args.host, args.port_file))


if __name__ == "__main__":
    main()
