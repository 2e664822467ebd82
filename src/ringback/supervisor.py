"""`ringback serve --workers N`: N processes serving the same ports on one PostgreSQL database.

This process (the supervisor) binds the HTTP and HTTPS sockets once, migrates the database,
makes the default account and the TLS files, and starts N workers (multiprocessing's `spawn`:
a fresh interpreter each, handed the two listening sockets, as uvicorn's own `--workers`
does); the kernel spreads new connections over the workers accepting on them. It holds the
data directory's lock, writes `server.json` and prints the banner once every worker serves,
restarts a worker that dies (its claimed work is taken over when its leases run out, see
cluster.py), and on SIGINT / SIGTERM stops them all (each shuts down as one `ringback serve`
does) and exits 0. A worker that cannot start stops them all: one `ringback:` line, exit 2.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import os
import signal
import socket
import sys
import time
from dataclasses import replace
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType

import uvloop

from ringback.app import bootstrap_default_account, build_services
from ringback.cluster import clear_shared
from ringback.config import Settings
from ringback.core.private_files import restrict_umask, write_private
from ringback.core.tls import TlsFiles, ensure_tls
from ringback.server import _describe, banner, bind_both, run
from ringback.server_lock import RUNTIME_FILE
from ringback.startup import network_warning
from ringback.startup_errors import StartupError
from ringback.state.store import DatabaseUnreachable

log = logging.getLogger("ringback")

START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0
# a worker that keeps dying is restarted at most this often
RESTART_PAUSE_SECONDS = 1.0

_spawn = multiprocessing.get_context("spawn")


def worker_main(
    settings: Settings, index: int, sockets: tuple[socket.socket, socket.socket], pipe: Connection
) -> None:
    """A worker's process: serve on the inherited sockets until SIGTERM / SIGINT."""
    restrict_umask()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    settings = replace(settings, worker_index=index)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            uvloop.run(run(settings, sockets=sockets, ready=lambda: pipe.send("ready")))
    except StartupError as exc:
        pipe.send(str(exc))
        sys.exit(2)
    except Exception as exc:
        log.exception("worker %s failed", index)
        with contextlib.suppress(OSError):
            pipe.send(f"could not start: {_describe(exc)}")
        sys.exit(1)


class Worker:
    def __init__(
        self, settings: Settings, index: int, sockets: tuple[socket.socket, socket.socket]
    ) -> None:
        self.index = index
        self.started_at = time.monotonic()
        self.pipe, child = _spawn.Pipe(duplex=False)
        self.process: BaseProcess = _spawn.Process(
            target=worker_main,
            args=(settings, index, sockets, child),
            name=f"ringback-worker-{index}",
        )
        self.process.start()
        child.close()

    def wait_ready(self, deadline: float) -> str | None:
        """None once the worker serves, else why it did not start."""
        while time.monotonic() < deadline:
            if self.pipe.poll(0.05):
                try:
                    message = self.pipe.recv()
                except EOFError:
                    break
                return None if message == "ready" else str(message)
            if not self.process.is_alive():
                break
        if self.process.is_alive():
            return "did not start in time"
        return f"exited with code {self.process.exitcode}"

    def stop(self) -> None:
        if self.process.is_alive() and self.process.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGTERM)


def _prepare(settings: Settings) -> tuple[str, str, TlsFiles]:
    """What the workers would each do at start, done once: the database migrated, the default
    account, the TLS files. Returns the account's key and secret and the TLS paths."""
    try:
        services = build_services(settings)
        try:
            account, secret = bootstrap_default_account(services)
            clear_shared(services)
        finally:
            services.store.close()
        names = [name.lstrip(".") for name in settings.allowed_hosts]
        tls = ensure_tls(settings.data_dir, settings.host, names)
    except DatabaseUnreachable as exc:
        raise StartupError(str(exc)) from None
    except Exception as exc:
        log.debug("start-up failed", exc_info=True)
        raise StartupError(f"could not start: {_describe(exc)}") from None
    return account.api_key, secret, tls


def supervise(settings: Settings, fd_limit: int) -> None:
    sockets = bind_both(settings)
    try:
        api_key, secret, tls = _prepare(settings)
        _serve(settings, sockets, api_key, secret, tls)
    finally:
        for sock in sockets:
            sock.close()


def _serve(
    settings: Settings,
    sockets: tuple[socket.socket, socket.socket],
    api_key: str,
    secret: str,
    tls: TlsFiles,
) -> None:
    stopping = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    workers = [Worker(settings, index, sockets) for index in range(settings.workers)]
    runtime = settings.data_dir / RUNTIME_FILE
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        for worker in workers:
            problem = worker.wait_ready(deadline)
            if problem is not None:
                raise StartupError(f"worker {worker.index}: {problem}")
            if stopping:
                return
        _announce(settings, sockets, api_key, secret, tls, runtime)
        while not stopping:
            sentinels = {worker.process.sentinel: worker for worker in workers}
            for ended in wait(list(sentinels), timeout=0.5):
                if stopping:
                    break
                dead = sentinels[ended]  # type: ignore[index]
                log.warning(
                    "worker %s (pid %s) exited with code %s; starting it again",
                    dead.index,
                    dead.process.pid,
                    dead.process.exitcode,
                )
                pause = RESTART_PAUSE_SECONDS - (time.monotonic() - dead.started_at)
                if pause > 0:
                    time.sleep(pause)
                workers[dead.index] = Worker(settings, dead.index, sockets)
    finally:
        for worker in workers:
            worker.stop()
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for worker in workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        runtime.unlink(missing_ok=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _announce(
    settings: Settings,
    sockets: tuple[socket.socket, socket.socket],
    api_key: str,
    secret: str,
    tls: TlsFiles,
    runtime: Path,
) -> None:
    """Every worker serves: server.json for the CLI and tests, and the banner."""
    http_sock, https_sock = sockets
    bound = http_sock.getsockname()[0]
    http_port, https_port = http_sock.getsockname()[1], https_sock.getsockname()[1]
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
                "api_key": api_key,
                "control_token": settings.control_token,
                "workers": settings.workers,
            }
        ),
    )
    warning = network_warning(bound)
    if warning:
        sys.stderr.write(warning + "\n")
    text = banner(
        settings,
        api_key,
        secret,
        http_port,
        https_port,
        tls.ca_cert.resolve(),
        tls.ca_bundle.resolve(),
        bound,
    )
    workers = f"  workers    {settings.workers} processes on one PostgreSQL database\n"
    sys.stdout.write(text + workers)
    sys.stdout.flush()
    sys.stderr.flush()
