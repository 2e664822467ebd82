"""A real Ringback process for tests: random ports, its own data directory, a real CA."""

from __future__ import annotations

import json
import os
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from ringback.testing import backends

BANNER_END = b"\n  data       "  # the banner's last line (server.py)


class RingbackProcess:
    def __init__(self, data_dir: Path, *extra_args: str, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.extra_args = list(extra_args)
        self.env = env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.info: dict[str, Any] = {}
        self.log_path = data_dir / "server.log"
        # RINGBACK_TEST_BACKEND=postgresql: a database of its own, kept across restarts
        self.database: str | None = None

    def start(self, timeout: float = 60.0) -> RingbackProcess:
        # a ceiling, not a wait: a start takes ~1 s alone, but several times that with the
        # suite's parallel workers on two loaded cores
        # private as Ringback keeps it: the log holds the banner, and the banner the secret
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        runtime = self.data_dir / "server.json"
        runtime.unlink(missing_ok=True)
        log = os.fdopen(os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")
        log_start = log.seek(0, os.SEEK_END)
        chosen = "RINGBACK_DATABASE" in self.env or any(
            arg == "--database" or arg.startswith("--database=") for arg in self.extra_args
        )
        if self.database is None and not chosen and backends.on_postgres():
            self.database = backends.new_database(migrated=True)
        database = ["--database", self.database] if self.database else []
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ringback.cli.main",
                "serve",
                "--data-dir",
                str(self.data_dir),
                "--http-port",
                "0",
                "--https-port",
                "0",
                "--log-level",
                "warning",
                *database,
                *self.extra_args,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **self.env},
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ringback exited early:\n{self.log_path.read_text()}")
            if runtime.exists() and self._banner_printed(log_start):
                try:
                    self.info = json.loads(runtime.read_text())
                    break
                except ValueError:
                    pass
            time.sleep(0.02)
        else:
            self.stop()
            raise RuntimeError(f"ringback did not start:\n{self.log_path.read_text()}")
        return self

    def _banner_printed(self, since: int) -> bool:
        """server.json is written just before the banner is printed: a test reading the log
        as soon as start() returns would otherwise race the banner (seen under load)."""
        with self.log_path.open("rb") as log:
            log.seek(since)
            return BANNER_END in log.read()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        code = self.process.returncode
        self.process = None
        return code

    def restart(self) -> RingbackProcess:
        self.stop()
        return self.start()

    @property
    def ca(self) -> str:
        return str(self.info["ca"])

    @property
    def ca_bundle(self) -> str:
        """certifi's roots + Ringback's CA: what the banner tells users to export."""
        return str(self.info["ca_bundle"])

    @property
    def tls(self) -> ssl.SSLContext:
        """For httpx: `verify=server.tls` trusts Ringback's CA."""
        return ssl.create_default_context(cafile=self.ca)

    @property
    def https_host(self) -> str:
        """What the Python SDK takes as api_host/rest_host."""
        return f"127.0.0.1:{self.info['https_port']}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.info['http_port']}"

    @property
    def https_url(self) -> str:
        return f"https://{self.https_host}"

    def default_credentials(self) -> tuple[str, str]:
        saved = json.loads((self.data_dir / "credentials.json").read_text())
        return saved["api_key"], saved["api_secret"]

    @property
    def control_token(self) -> str | None:
        """The token the control API requires (from server.json), or None."""
        token = self.info.get("control_token")
        return str(token) if token else None

    def control_headers(self, method: str = "GET") -> dict[str, str]:
        """What the control API asks of a client: the token when one is in force, and the JSON
        content type on every write (bodiless POSTs too)."""
        headers: dict[str, str] = {}
        if self.control_token:
            headers["authorization"] = f"Bearer {self.control_token}"
        if method.upper() in ("POST", "PUT", "PATCH", "DELETE"):
            headers["content-type"] = "application/json"
        return headers

    def control(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = httpx.Headers(self.control_headers(method))
        if ("data" in kwargs or "files" in kwargs) and "content-type" in headers:
            del headers["content-type"]
        headers.update(kwargs.pop("headers", None) or {})
        return httpx.request(
            method, f"{self.http_url}/_ringback{path}", timeout=30, headers=headers, **kwargs
        )

    def new_account(self, **fields: Any) -> tuple[str, str]:
        response = self.control("POST", "/accounts", json=fields)
        response.raise_for_status()
        body = response.json()
        return body["api_key"], body["api_secret"]

    def client(self, api_key: str, api_secret: str, **auth: Any) -> Any:
        """The official Vonage SDK, pointed at this server (only the hosts change)."""
        from vonage import Auth, HttpClientOptions, Vonage

        os.environ["REQUESTS_CA_BUNDLE"] = self.ca_bundle
        return Vonage(
            Auth(api_key=api_key, api_secret=api_secret, **auth),
            HttpClientOptions(api_host=self.https_host, rest_host=self.https_host),
        )
