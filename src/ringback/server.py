"""`ringback serve`: one process, one app, an HTTPS and an HTTP listener, the scheduler."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import sys
from collections.abc import Generator
from pathlib import Path

import uvicorn

from ringback import __version__
from ringback.app import bootstrap_default_account, build_services, create_app
from ringback.config import Settings
from ringback.core.tls import ensure_tls

log = logging.getLogger("ringback")


class _Server(uvicorn.Server):
    """Signals are handled once for both listeners, by `run`."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # An idle keep-alive connection is dropped at once: closing a TLS one politely waits
        # for the client's close_notify, which a pooled client never sends, and held every
        # shutdown for the whole grace period. Connections mid-request still finish.
        for connection in list(self.server_state.connections):
            cycle = getattr(connection, "cycle", None)
            transport = getattr(connection, "transport", None)
            if transport is not None and (cycle is None or cycle.response_complete):
                transport.abort()
        await super().shutdown(sockets)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets that say they are TCP
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def banner(
    settings: Settings, api_key: str, api_secret: str, http_port: int, https_port: int, ca: Path
) -> str:
    host = settings.host
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return "\n".join(
        [
            f"Ringback {__version__}: a local Vonage",
            f"  account    api_key {api_key}   api_secret {api_secret}",
            f"  https      https://{shown}:{https_port}   "
            f"(Python SDK: HttpClientOptions(api_host='{shown}:{https_port}', "
            f"rest_host='{shown}:{https_port}'))",
            f"  http       http://{shown}:{http_port}    "
            f"(Node SDK: apiHost/restHost 'http://{shown}:{http_port}')",
            f"  CA         {ca}",
            f"             export REQUESTS_CA_BUNDLE={ca}",
            f"             export NODE_EXTRA_CA_CERTS={ca}",
            f"  dashboard  http://{shown}:{http_port}/",
            f"  control    http://{shown}:{http_port}/_ringback/openapi.json",
            f"  data       {settings.data_dir.resolve()}",
            "",
        ]
    )


async def run(settings: Settings) -> None:
    services = build_services(settings)
    account, secret = bootstrap_default_account(services)
    tls = ensure_tls(settings.data_dir, settings.host)
    app = create_app(services)
    http_sock = _bind(settings.host, settings.http_port)
    https_sock = _bind(settings.host, settings.https_port)
    common = {
        "lifespan": "off",
        # uvicorn's start-up lines repeat per listener and say less than the banner
        "log_level": "debug" if settings.log_level == "debug" else "warning",
        "access_log": False,
        "timeout_graceful_shutdown": 5,
        "server_header": False,
    }
    http = _Server(uvicorn.Config(app, **common))  # type: ignore[arg-type]
    https = _Server(
        uvicorn.Config(
            app,
            ssl_certfile=str(tls.cert),
            ssl_keyfile=str(tls.key),
            **common,  # type: ignore[arg-type]
        )
    )
    http_port = http_sock.getsockname()[1]
    https_port = https_sock.getsockname()[1]

    loop = asyncio.get_running_loop()

    def stop() -> None:
        log.info("shutting down")
        http.should_exit = https.should_exit = True
        services.scheduler.stop()
        services.changes.close()  # long-polls answer now, with what they have

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)

    scheduler_task = asyncio.create_task(services.scheduler.run_forever())
    webhooks_task = asyncio.create_task(services.webhooks.run_forever())
    servers = asyncio.gather(http.serve(sockets=[http_sock]), https.serve(sockets=[https_sock]))
    await asyncio.sleep(0)
    while not (http.started and https.started):
        if servers.done():
            break
        await asyncio.sleep(0.01)
    runtime = settings.data_dir / "server.json"
    runtime.write_text(
        json.dumps(
            {
                "pid": os.getpid(),
                "host": settings.host,
                "http_port": http_port,
                "https_port": https_port,
                "ca": str(tls.ca_cert.resolve()),
                "api_key": account.api_key,
            }
        )
    )
    sys.stdout.write(
        banner(settings, account.api_key, secret, http_port, https_port, tls.ca_cert.resolve())
    )
    sys.stdout.flush()
    try:
        await servers
    finally:
        services.scheduler.stop()
        await scheduler_task
        # attempts in flight finish (or time out) and are recorded; the rest stay pending
        await services.webhooks.stop()
        await webhooks_task
        runtime.unlink(missing_ok=True)
        services.store.close()
