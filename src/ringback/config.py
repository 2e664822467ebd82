"""Settings, from `ringback serve` flags or `RINGBACK_*` environment variables."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_HTTP_PORT = 4280
DEFAULT_HTTPS_PORT = 4443


@dataclass
class Settings:
    host: str = "127.0.0.1"
    http_port: int = DEFAULT_HTTP_PORT
    https_port: int = DEFAULT_HTTPS_PORT
    data_dir: Path = field(default_factory=lambda: Path(".ringback"))
    # the SQLite file, ":memory:" or a postgresql:// URL; by default `<data_dir>/ringback.db`
    database: str | None = None
    sqlite_synchronous: str = "FULL"
    api_key: str | None = None
    api_secret: str | None = None
    default_balance: str = "10.00"
    log_level: str = "info"
    auth_mode: str = "strict"
    rate_limits: bool = True
    rate_limit_overrides: dict[str, str] = field(default_factory=dict)
    prices: Path | None = None
    seed: int | None = None
    scheduler_interval: float = 0.05
    # webhook delivery (vonage-behaviours §1.2, KB 226572227: connect 3 s, response 15 s);
    # also changeable at run time: PUT /_ringback/webhooks/settings
    webhook_concurrency: int = 16
    webhook_connect_timeout: float = 3.0
    webhook_response_timeout: float = 15.0
    webhook_pipeline: int = 64  # requests in flight to one receiver; 1 = one at a time
    # the control API's guard (control/guard.py): host names it answers besides loopback and
    # --host, and the bearer token it requires (generated when --host is not loopback)
    allowed_hosts: tuple[str, ...] = ()
    control_token: str | None = None
    # the server's own limits (connection_guard.py): per listener, at most this many open
    # connections (the oldest idle one is closed for a new one), a request head within this
    # many seconds of connecting or of the previous response, headers up to this size (else 431)
    max_connections: int = 1024
    request_head_timeout: float = 10.0
    max_header_bytes: int = 64 * 1024
    # `--workers N`: processes serving the same ports on one PostgreSQL database (cluster.py,
    # supervisor.py); each worker's own index, 0-based; how long a worker's claims on jobs and
    # webhook destinations last without renewal (wall-clock seconds)
    workers: int = 1
    worker_index: int = 0
    lease_seconds: float = 15.0

    @property
    def database_path(self) -> str:
        if self.database:
            return self.database
        return str(self.data_dir / "ringback.db")
