"""The baseline: a bare Starlette app on the standard uvicorn stack, for bench/run.py.

The server is what `uvicorn[standard]` gives a Starlette app by default: uvicorn with uvloop and
httptools, one worker, one process, lifespan off, access log off, no Server header, TCP
sockets (so TCP_NODELAY is set on connections), an HTTP listener and (when a certificate is
given) an HTTPS listener on the same app in the same event loop, as `ringback serve` has.

`--loop asyncio --socket ringback` serves it instead as Ringback was served before it moved to
uvloop (commit 7247f20): `uvicorn.Server.serve()` awaited inside a plain `asyncio.run()`, on
listening sockets made as src/ringback/server.py `_bind` still makes them,
`socket.socket(family, SOCK_STREAM)`, whose proto is 0, so the stdlib loop does not set
TCP_NODELAY on the connections (asyncio/base_events.py `_set_nodelay`; uvloop sets it
regardless). `bench/run.py --diagnose` measures that, to show what leaving uvloop would cost.

It answers what the benchmarked Ringback endpoints answer, without doing any of their work:

    GET  /balance        200 {"value": 10.0, "autoReload": false}
    POST /applications   reads the JSON body, 201 {"id": ..., "name": <name from the body>}
    POST /sms/json       parses the urlencoded form (as Ringback does, `parse_qsl`), checks
                         api_key, api_secret, from, to and text are there, and answers 200 with
                         the shape of an SMS API success: {"message-count": "1", "messages":
                         [{"to", "message-id", "status": "0", "remaining-balance",
                         "message-price", "network"}]} (bench/sms_run.py)
    POST /v1/messages    reads the JSON body, checks channel, message_type, to and from are
                         there, and answers 202 {"message_uuid": ...} (bench/messages_run.py)

Run by bench/run.py; by hand:

    .venv/bin/python bench/baseline_app.py --port-file /tmp/baseline.json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import uuid
from collections.abc import Generator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def balance(request: Request) -> JSONResponse:
    return JSONResponse({"value": 10.0, "autoReload": False})


async def create_application(request: Request) -> JSONResponse:
    body: Any = await request.json()
    name = body.get("name") if isinstance(body, dict) else None
    return JSONResponse({"id": str(uuid.uuid4()), "name": name}, status_code=201)


SMS_FIELDS = ("api_key", "api_secret", "from", "to", "text")


async def send_sms(request: Request) -> JSONResponse:
    body = await request.body()
    form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    missing = next((name for name in SMS_FIELDS if not form.get(name)), None)
    if missing is not None:
        entry = {"status": "2", "error-text": f"Missing {missing} param"}
    else:
        entry = {
            "to": form["to"].lstrip("+"),
            "message-id": str(uuid.uuid4()),
            "status": "0",
            "remaining-balance": "999999.95000000",
            "message-price": "0.05000000",
            "network": "23410",
        }
    return JSONResponse({"message-count": "1", "messages": [entry]})


MESSAGE_FIELDS = ("channel", "message_type", "to", "from")


async def send_message(request: Request) -> JSONResponse:
    """The Messages API's shape (bench/messages_run.py): a JSON object with the fields every
    message has, 202 {"message_uuid"}; else 422."""
    body: Any = await request.json()
    if not isinstance(body, dict) or any(not body.get(name) for name in MESSAGE_FIELDS):
        return JSONResponse({"title": "Invalid params"}, status_code=422)
    return JSONResponse({"message_uuid": str(uuid.uuid4())}, status_code=202)


app = Starlette(
    routes=[
        Route("/balance", balance, methods=["GET"]),
        Route("/v1/messages", send_message, methods=["POST"]),
        Route("/applications", create_application, methods=["POST"]),
        Route("/sms/json", send_sms, methods=["POST"]),
    ]
)


class _Server(uvicorn.Server):
    """Signals are handled once for both listeners, as in Ringback."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def _bind(host: str, port: int, proto: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


async def serve(
    host: str,
    port_file: Path,
    certfile: str | None,
    keyfile: str | None,
    log_level: str,
    proto: int,
) -> None:
    common: dict[str, Any] = {
        "lifespan": "off",
        "log_level": log_level,
        "access_log": False,
        "timeout_graceful_shutdown": 5,
        "server_header": False,
    }
    servers: list[tuple[_Server, socket.socket]] = []
    http_sock = _bind(host, 0, proto)
    servers.append((_Server(uvicorn.Config(app, **common)), http_sock))
    https_port: int | None = None
    if certfile and keyfile:
        https_sock = _bind(host, 0, proto)
        https_port = https_sock.getsockname()[1]
        config = uvicorn.Config(app, ssl_certfile=certfile, ssl_keyfile=keyfile, **common)
        servers.append((_Server(config), https_sock))

    loop = asyncio.get_running_loop()

    def stop() -> None:
        for server, _ in servers:
            server.should_exit = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)

    running = asyncio.gather(*(server.serve(sockets=[sock]) for server, sock in servers))
    while not all(server.started for server, _ in servers):
        if running.done():
            break
        await asyncio.sleep(0.01)
    tmp = port_file.with_suffix(".tmp")
    tmp.write_text(
        json.dumps(
            {
                "pid": os.getpid(),
                "http_port": http_sock.getsockname()[1],
                "https_port": https_port,
                # what uvicorn's "auto" picked, so the results can show the two stacks match
                "loop": type(asyncio.get_running_loop()).__module__,
                "http": servers[0][0].config.http_protocol_class.__name__,
            }
        )
    )
    tmp.replace(port_file)
    await running


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port-file", type=Path, required=True)
    parser.add_argument("--ssl-certfile")
    parser.add_argument("--ssl-keyfile")
    parser.add_argument("--log-level", default="warning")
    parser.add_argument("--loop", choices=["asyncio", "uvloop"], default="uvloop")
    parser.add_argument("--socket", choices=["ringback", "tcp"], default="tcp")
    args = parser.parse_args()
    proto = socket.IPPROTO_TCP if args.socket == "tcp" else 0
    server = serve(
        args.host, args.port_file, args.ssl_certfile, args.ssl_keyfile, args.log_level, proto
    )
    if args.loop == "uvloop":
        import uvloop

        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            runner.run(server)
    else:
        asyncio.run(server)  # as `ringback serve` does (the stdlib loop)


if __name__ == "__main__":
    main()
