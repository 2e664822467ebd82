"""`ringback phone <number> ...`: be a virtual handset: read its inbox, send from it, set its
behaviour, read its last one-time code. JSON out, as the other commands."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import httpx
import typer

from ringback.cli.control_client import call, control_url, show

UrlOption = Annotated[
    str | None, typer.Option("--url", envvar="RINGBACK_URL", help="Ringback's HTTP base URL")
]
DataDirOption = Annotated[Path, typer.Option("--data-dir", envvar="RINGBACK_DATA_DIR")]
WaitOption = Annotated[
    float, typer.Option("--wait", min=0, help="seconds to wait for something to arrive")
]
# one long-poll per request (the server waits at most 60 s); longer waits ask again
POLL_SECONDS = 25.0

app = typer.Typer(
    help="A virtual handset: inbox, send, behaviour, one-time code.", no_args_is_help=True
)


@app.callback()
def phone(
    ctx: typer.Context,
    msisdn: Annotated[str, typer.Argument(help="the handset's number, e.g. +447700900901")],
) -> None:
    ctx.obj = msisdn


def _path(ctx: typer.Context, tail: str) -> str:
    return f"/handsets/{quote(str(ctx.obj), safe='')}/{tail}"


def _get(base: str, path: str, params: dict[str, Any]) -> httpx.Response:
    try:
        return httpx.get(f"{base}/_ringback{path}", params=params, timeout=POLL_SECONDS + 5)
    except httpx.TransportError as exc:
        typer.echo(f"cannot reach Ringback at {base}: {exc}", err=True)
        raise typer.Exit(2) from exc


def _poll(base: str, path: str, params: dict[str, Any], wait: float, found: Any) -> Any:
    """GET with `wait`, asking again while nothing came and time is left (each request waits
    at most POLL_SECONDS), then show the answer or the error."""
    deadline = time.monotonic() + wait
    while True:
        remaining = max(0.0, deadline - time.monotonic())
        chunk = min(remaining, POLL_SECONDS)
        response = _get(base, path, {**params, "wait": f"{chunk:.3f}"})
        body = response.json() if response.content else None
        if response.status_code < 400 and found(body):
            break
        if response.status_code >= 400 and response.status_code != 404:
            break
        if remaining <= chunk:
            break
    if response.status_code >= 400:
        detail = body.get("detail") if isinstance(body, dict) else response.text
        typer.echo(f"error {response.status_code}: {detail}", err=True)
        raise typer.Exit(1)
    return body


@app.command()
def inbox(
    ctx: typer.Context,
    wait: WaitOption = 0.0,
    sender: Annotated[str | None, typer.Option("--from", help="only from this sender")] = None,
    direction: Annotated[str, typer.Option(help="received, sent or all")] = "received",
    channel: Annotated[str | None, typer.Option()] = None,
    after: Annotated[int | None, typer.Option(help="only after this message id")] = None,
    since: Annotated[str | None, typer.Option(help="epoch seconds or ISO 8601")] = None,
    url: UrlOption = None,
    data_dir: DataDirOption = Path(".ringback"),
) -> None:
    """Its messages (received by default); --wait waits for one to arrive."""
    fields = {"from": sender, "direction": direction, "channel": channel, "after": after}
    params = {k: v for k, v in {**fields, "since": since}.items() if v is not None}
    base = control_url(url, data_dir)
    show(_poll(base, _path(ctx, "messages"), params, wait, lambda b: bool(b["messages"])))


@app.command()
def send(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="the message")],
    to: Annotated[str, typer.Option("--to", help="the number to text")],
    url: UrlOption = None,
    data_dir: DataDirOption = Path(".ringback"),
) -> None:
    """Send an SMS from the handset (to a Vonage number: an inbound webhook)."""
    body = {"to": to, "text": text}
    show(call(control_url(url, data_dir), "POST", _path(ctx, "messages"), json=body))


@app.command()
def behaviour(
    ctx: typer.Context,
    set_: Annotated[
        str | None, typer.Option("--set", help='behaviour fields as JSON, e.g. {"sms":"failed"}')
    ] = None,
    profile: Annotated[
        str | None, typer.Option(help="copy a named profile, e.g. absent-temporary")
    ] = None,
    reset: Annotated[bool, typer.Option("--reset", help="back to magic or default")] = False,
    url: UrlOption = None,
    data_dir: DataDirOption = Path(".ringback"),
) -> None:
    """Show what traffic to it does, or change it."""
    base, path = control_url(url, data_dir), _path(ctx, "behaviour")
    if reset:
        show(call(base, "DELETE", path))
        return
    if set_ is None and profile is None:
        show(call(base, "GET", path))
        return
    fields: dict[str, Any] = {}
    if set_ is not None:
        try:
            fields = json.loads(set_)
        except ValueError as exc:
            raise typer.BadParameter("--set must be a JSON object") from exc
        if not isinstance(fields, dict):
            raise typer.BadParameter("--set must be a JSON object")
    if profile is not None:
        fields["profile"] = profile
    show(call(base, "PUT", path, json=fields))


@app.command()
def code(
    ctx: typer.Context,
    wait: WaitOption = 0.0,
    after: Annotated[int | None, typer.Option(help="only in messages after this id")] = None,
    url: UrlOption = None,
    data_dir: DataDirOption = Path(".ringback"),
) -> None:
    """The last one-time code it received; --wait waits for one."""
    params = {"after": after} if after is not None else {}
    base = control_url(url, data_dir)
    show(_poll(base, _path(ctx, "codes/latest"), params, wait, lambda b: True))
