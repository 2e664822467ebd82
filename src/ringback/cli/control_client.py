"""The CLI talks to a running Ringback through its control API, never to the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import typer

from ringback.config import DEFAULT_HTTP_PORT


def control_url(url: str | None, data_dir: Path) -> str:
    if url:
        return url.rstrip("/")
    runtime = data_dir / "server.json"
    if runtime.exists():
        info = json.loads(runtime.read_text())
        host = info.get("host", "127.0.0.1")
        host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        return f"http://{host}:{info['http_port']}"
    return f"http://127.0.0.1:{DEFAULT_HTTP_PORT}"


def call(base: str, method: str, path: str, **kwargs: Any) -> Any:
    if method in ("POST", "PUT", "PATCH") and "json" not in kwargs:
        kwargs["json"] = {}  # control writes must be JSON, bodiless ones too
    try:
        response = httpx.request(method, f"{base}/_ringback{path}", timeout=30, **kwargs)
    except httpx.TransportError as exc:
        typer.echo(f"cannot reach Ringback at {base}: {exc}", err=True)
        raise typer.Exit(2) from exc
    body = response.json() if response.content else None
    if response.status_code >= 400:
        detail = body.get("detail") if isinstance(body, dict) else response.text
        typer.echo(f"error {response.status_code}: {detail}", err=True)
        raise typer.Exit(1)
    return body


def show(body: Any) -> None:
    typer.echo(json.dumps(body, indent=2))
