"""The CLI talks to a running Ringback through its control API, never to the database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn

import httpx
import typer

from ringback.config import DEFAULT_HTTP_PORT

UrlOption = Annotated[
    str | None,
    typer.Option(
        "--url",
        envvar="RINGBACK_URL",
        help="Ringback's HTTP base URL (default: from <data-dir>/server.json)",
        show_default=False,
    ),
]
DataDirOption = Annotated[Path, typer.Option("--data-dir", envvar="RINGBACK_DATA_DIR")]
TokenOption = Annotated[
    str | None,
    typer.Option(
        "--control-token",
        envvar="RINGBACK_CONTROL_TOKEN",
        help="the control API's token (default: from <data-dir>/server.json)",
        show_default=False,
    ),
]


def _runtime(data_dir: Path) -> dict[str, Any]:
    """What the running server wrote about itself; {} when absent or unreadable."""
    try:
        info = json.loads((data_dir / "server.json").read_text())
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def control_url(url: str | None, data_dir: Path) -> str:
    if url:
        return url.rstrip("/")
    info = _runtime(data_dir)
    if "http_port" in info:
        host = str(info.get("host", "127.0.0.1"))
        host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{info['http_port']}"
    return f"http://127.0.0.1:{DEFAULT_HTTP_PORT}"


def control_token(token: str | None, data_dir: Path) -> str | None:
    if token:
        return token
    saved = _runtime(data_dir).get("control_token")
    return saved if isinstance(saved, str) and saved else None


@dataclass(frozen=True)
class Control:
    """One Ringback's control API, as the CLI calls it."""

    base: str
    token: str | None = None

    def send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        timeout: float = 30,
    ) -> httpx.Response:
        """Every write carries a JSON body (`{}` when it has none): the control API refuses
        writes of other content types."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        payload = None if method == "GET" else (body if body is not None else {})
        try:
            return httpx.request(
                method,
                f"{self.base}/_ringback{path}",
                params=params,
                json=payload,
                headers=headers,
                timeout=timeout,
            )
        except httpx.TransportError as exc:
            typer.echo(f"cannot reach Ringback at {self.base}: {exc}", err=True)
            raise typer.Exit(2) from exc

    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> Any:
        return answer(self.send(method, path, params=params, body=body))


def connect(url: str | None, data_dir: Path, token: str | None) -> Control:
    return Control(control_url(url, data_dir), control_token(token, data_dir))


def parsed(response: httpx.Response) -> Any:
    """The JSON body, or None when there is none or it is not JSON."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def answer(response: httpx.Response) -> Any:
    """The JSON body of a success; on an error, its problem on stderr and exit 1."""
    body = parsed(response)
    if response.status_code >= 400:
        fail(response)
    if response.content and body is None:
        typer.echo(
            f"error: {response.request.url} answered {response.status_code} with a body that "
            "is not JSON; is --url a Ringback?",
            err=True,
        )
        raise typer.Exit(1)
    return body


def fail(response: httpx.Response) -> NoReturn:
    typer.echo("\n".join(problem_lines(response)), err=True)
    raise typer.Exit(1)


def problem_lines(response: httpx.Response) -> list[str]:
    """`error 400: <title>: <detail>` and a line per invalid parameter (`  name: reason`)."""
    status, body = response.status_code, parsed(response)
    if not isinstance(body, dict):
        text = response.text.strip().splitlines()
        return [f"error {status}: {text[0][:200] if text else response.reason_phrase}"]
    title, detail = body.get("title"), body.get("detail")
    said = [str(part) for part in (title, detail) if part]
    if len(said) == 2 and said[0] == said[1]:
        said.pop()
    lines = [f"error {status}: {': '.join(said) or response.reason_phrase}"]
    for problem in body.get("invalid_parameters") or []:
        if isinstance(problem, dict):
            lines.append(f"  {problem.get('name', '?')}: {problem.get('reason', '')}")
    return lines
