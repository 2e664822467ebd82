"""`ringback serve`: one process, one app, an HTTPS and an HTTP listener, the scheduler."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable, Generator
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import uvicorn
import uvloop

from ringback import __version__
from ringback.access_log import AccessLog
from ringback.app import bootstrap_default_account, build_services, create_app
from ringback.cluster import Cluster
from ringback.config import Settings
from ringback.connection_guard import ConnectionGuard, GuardedHttpToolsProtocol, guarded_protocol
from ringback.control.token import resolve_control_token
from ringback.core.errors import RingbackError
from ringback.core.private_files import restrict_umask, write_private
from ringback.core.tls import ensure_tls
from ringback.server_lock import RUNTIME_FILE, ServerLock
from ringback.startup import (
    bind,
    check_settings,
    connections_per_listener,
    network_warning,
    prepare_data_dir,
    raise_fd_limit,
    url_host,
)
from ringback.startup_errors import StartupError
from ringback.state.store import DatabaseError, DatabaseUnreachable

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


def banner(
    settings: Settings,
    api_key: str,
    api_secret: str,
    http_port: int,
    https_port: int,
    ca: Path,
    ca_bundle: Path,
    bound: str | None = None,
) -> str:
    bound = bound or settings.host
    shown = url_host(bound)
    everywhere = " (every interface of this machine)" if bound in ("0.0.0.0", "::") else ""
    return "\n".join(
        [
            f"Ringback {__version__}: a local Vonage",
            f"  listening  {bound}{everywhere}",
            f"  account    api_key {api_key}   api_secret {api_secret}",
            f"  https      https://{shown}:{https_port}   "
            f"(Python SDK: HttpClientOptions(api_host='{shown}:{https_port}', "
            f"rest_host='{shown}:{https_port}'))",
            f"  http       http://{shown}:{http_port}    "
            f"(Node SDK: apiHost/restHost 'http://{shown}:{http_port}')",
            f"  CA         {ca}",
            f"  CA bundle  {ca_bundle}   (certifi's trusted roots + Ringback's CA)",
            f"             export REQUESTS_CA_BUNDLE={ca_bundle}",
            f"             export NODE_EXTRA_CA_CERTS={ca_bundle}",
            f"  dashboard  http://{shown}:{http_port}/{_token_query(settings)}",
            f"  control    http://{shown}:{http_port}/_ringback/openapi.json",
            *_token_lines(settings),
            f"  data       {settings.data_dir.resolve()}",
            "",
        ]
    )


def _token_query(settings: Settings) -> str:
    return f"?token={quote(settings.control_token, safe='')}" if settings.control_token else ""


def _token_lines(settings: Settings) -> list[str]:
    if not settings.control_token:
        return []
    return [f"  token      {settings.control_token}   (control API: Authorization: Bearer <token>)"]


def serve(settings: Settings) -> None:
    """Check, lock the data directory, serve until a signal. Problems before serving raise
    StartupError (one line for the user)."""
    # before anything is written: SQLite creates its files itself, with the process umask
    restrict_umask()
    check_settings(settings)
    prepare_data_dir(settings.data_dir)
    fd_limit = raise_fd_limit()
    lock = ServerLock.acquire(settings.data_dir)
    try:
        settings = replace(settings, control_token=resolve_control_token(settings))
        if settings.workers > 1:
            from ringback.supervisor import supervise

            supervise(settings, fd_limit)
            return
        with contextlib.suppress(KeyboardInterrupt):
            # uvloop, as uvicorn would pick itself: the stock loop costs ~40 ms per keep-alive
            # request here (Nagle vs delayed ACK on the pre-bound sockets)
            uvloop.run(run(settings, fd_limit))
    finally:
        lock.release()


def _describe(exc: Exception) -> str:
    if isinstance(exc, DatabaseError):
        return f"database {exc.orig}"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    if isinstance(exc, RingbackError):
        return exc.detail
    return str(exc) or type(exc).__name__


def bind_both(settings: Settings) -> tuple[socket.socket, socket.socket]:
    http_sock = bind(settings.host, settings.http_port, "--http-port")
    try:
        https_sock = bind(settings.host, settings.https_port, "--https-port")
    except StartupError:
        http_sock.close()
        raise
    return http_sock, https_sock


async def run(
    settings: Settings,
    fd_limit: int = 4096,
    sockets: tuple[socket.socket, socket.socket] | None = None,
    ready: Callable[[], None] | None = None,
) -> None:
    """Serve until a signal. A worker of `--workers N` (supervisor.py) is given the sockets the
    supervisor bound and calls `ready` once serving; the supervisor writes server.json and the
    banner. Otherwise this process binds, writes and prints them itself."""
    http_sock, https_sock = sockets if sockets is not None else bind_both(settings)
    cluster: Cluster | None = None
    try:
        services = build_services(settings)
        if settings.workers > 1:
            cluster = Cluster(services)
            cluster.join()
        account, secret = bootstrap_default_account(services)
        # a docker-compose service name given with --allowed-hosts is served over HTTPS too
        names = [name.lstrip(".") for name in settings.allowed_hosts]
        tls = ensure_tls(settings.data_dir, settings.host, names)
    except DatabaseUnreachable as exc:
        http_sock.close()
        https_sock.close()
        if cluster is not None:
            cluster.leave()
        raise StartupError(str(exc)) from None
    except Exception as exc:
        log.debug("start-up failed", exc_info=True)
        http_sock.close()
        https_sock.close()
        if cluster is not None:
            cluster.leave()
        raise StartupError(f"could not start: {_describe(exc)}") from None
    app = AccessLog(create_app(services))
    # What start-up loaded (number metadata, price lists, SQLAlchemy, the routes) lives as long
    # as the process: moved out of the collector's sight, a full collection scans only what
    # requests made. Before, under load, full collections paused the loop for 50-75 ms.
    gc.collect()
    gc.freeze()
    per_listener = connections_per_listener(settings.max_connections, fd_limit)
    common = {
        "lifespan": "off",
        # uvicorn's start-up lines repeat per listener and say less than the banner
        "log_level": "debug" if settings.log_level == "debug" else "warning",
        "access_log": False,  # ours is access_log.py: it knows the account
        "timeout_graceful_shutdown": 5,
        "server_header": False,
    }

    def guard(name: str) -> type[GuardedHttpToolsProtocol]:
        return guarded_protocol(
            ConnectionGuard(
                name, per_listener, settings.request_head_timeout, settings.max_header_bytes
            )
        )

    http = _Server(uvicorn.Config(app, http=guard("http"), **common))  # type: ignore[arg-type]
    https = _Server(
        uvicorn.Config(
            app,
            http=guard("https"),
            ssl_certfile=str(tls.cert),
            ssl_keyfile=str(tls.key),
            **common,  # type: ignore[arg-type]
        )
    )
    bound = http_sock.getsockname()[0]
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
    runtime = settings.data_dir / RUNTIME_FILE
    try:
        if ready is not None:
            if not servers.done():
                ready()
            await servers
            return
        write_private(
            runtime,
            json.dumps(
                {
                    "pid": os.getpid(),
                    "host": settings.host,
                    "http_port": http_port,
                    "https_port": https_port,
                    "ca": str(tls.ca_cert.resolve()),
                    "ca_bundle": str(tls.ca_bundle.resolve()),
                    "api_key": account.api_key,
                    "control_token": settings.control_token,
                }
            ),
        )
        warning = network_warning(bound)
        if warning:
            sys.stderr.write(warning + "\n")
            sys.stderr.flush()
        sys.stdout.write(
            banner(
                settings,
                account.api_key,
                secret,
                http_port,
                https_port,
                tls.ca_cert.resolve(),
                tls.ca_bundle.resolve(),
                bound,
            )
        )
        sys.stdout.flush()
        await servers
    finally:
        services.scheduler.stop()
        await scheduler_task
        # attempts in flight finish (or time out) and are recorded; the rest stay pending
        await services.webhooks.stop()
        await webhooks_task
        # only the server holding the data directory's lock writes server.json
        if ready is None:
            runtime.unlink(missing_ok=True)
        if cluster is not None:
            cluster.leave()
        services.store.close()
