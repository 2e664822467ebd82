"""A throwaway PostgreSQL cluster for tests and benchmarks: Debian's server binaries, a fresh
data directory, a free loopback port, gone when stopped. Nothing to install or configure
beyond the `postgresql` package; as root the cluster runs as the `postgres` user (initdb refuses
root)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

SEARCH = ["/usr/lib/postgresql/*/bin"]


def server_binaries() -> Path | None:
    """The newest installed PostgreSQL server's bin directory, or None."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent  # through a link, e.g. /usr/local/bin/initdb
    versions = sorted(
        (Path(p) for pattern in SEARCH for p in glob.glob(pattern)),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    candidates = [v for v in versions if (v / "initdb").exists()]
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ThrowawayPostgres:
    """`start()` → a superuser URL (`postgresql://ringback@127.0.0.1:port/postgres`)."""

    def __init__(self, durable: bool = False) -> None:
        # tests need no durability: fsync off makes the cluster several times faster;
        # benchmarks pass durable=True so PostgreSQL commits as it would for a user
        self.durable = durable
        self.bin = server_binaries()
        self.port = 0
        self.root: Path | None = None
        self._user: dict[str, Any] = {}

    @property
    def url(self) -> str:
        return f"postgresql://ringback@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgresql://ringback@127.0.0.1:{self.port}/{name}"

    def start(self, timeout: float = 30.0) -> ThrowawayPostgres:
        if self.bin is None:
            raise RuntimeError(
                "PostgreSQL's server is not installed (Debian: apt-get install postgresql)"
            )
        self.root = Path(tempfile.mkdtemp(prefix="ringback-pg-"))
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
            self._user = {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}
        data = self.root / "data"
        subprocess.run(
            [
                str(self.bin / "initdb"),
                "-D",
                str(data),
                "-U",
                "ringback",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            **self._user,
        )
        self.port = _free_port()
        self._pg_ctl_start(timeout)
        return self

    def _pg_ctl_start(self, timeout: float) -> None:
        assert self.root is not None and self.bin is not None
        data = self.root / "data"
        options = [
            f"-p {self.port}",
            "-c listen_addresses=127.0.0.1",
            f"-c unix_socket_directories={self.root}",
            "-c max_connections=300",
            "-c shared_buffers=64MB",
        ]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        subprocess.run(
            [
                str(self.bin / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(self.root / "server.log"),
                "-o",
                " ".join(options),
                "-w",
                "-t",
                str(int(timeout)),
                "start",
            ],
            check=True,
            capture_output=True,
            **self._user,
        )

    def pause(self) -> None:
        """Stop the server but keep its data: what a database outage looks like to Ringback."""
        assert self.root is not None and self.bin is not None
        data = self.root / "data"
        subprocess.run(
            [str(self.bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            check=True,
            capture_output=True,
            **self._user,
        )

    def resume(self, timeout: float = 30.0) -> None:
        """Start the paused server again, on the same port with the same data."""
        self._pg_ctl_start(timeout)

    def create_database(self, prefix: str = "ringback", template: str | None = None) -> str:
        """A new empty database, or a copy of the database `template` (Debian's `createdb`:
        no SQL outside state/); returns its URL."""
        assert self.bin is not None
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        copy = ["-T", template] if template else []
        subprocess.run(
            [
                str(self.bin / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "ringback",
                *copy,
                name,
            ],
            check=True,
            capture_output=True,
        )
        return self.database_url(name)

    def stop(self) -> None:
        if self.root is None or self.bin is None:
            return
        data = self.root / "data"
        subprocess.run(
            [str(self.bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            **self._user,
        )
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                shutil.rmtree(self.root)
                break
            except OSError:
                time.sleep(0.1)
        self.root = None
