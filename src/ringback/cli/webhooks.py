"""`ringback webhooks ...`: what Ringback sent to your app, every attempt, and sending again.

Here `--url` filters by the webhook's URL; Ringback itself is `--server` (or RINGBACK_URL).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ringback.cli.control_client import call, control_url, show

ServerOption = Annotated[
    str | None,
    typer.Option("--server", envvar="RINGBACK_URL", help="Ringback's HTTP base URL"),
]
DataDirOption = Annotated[Path, typer.Option("--data-dir", envvar="RINGBACK_DATA_DIR")]

app = typer.Typer(
    help="Webhook deliveries: list them with their attempts, show one, replay, send a test.",
    no_args_is_help=True,
)


@app.command("list")
def list_deliveries(
    status: Annotated[str | None, typer.Option(help="pending, delivered or failed")] = None,
    url: Annotated[
        str | None,
        typer.Option(help="the webhook URL: an absolute URL matches it and below; else a part"),
    ] = None,
    kind: Annotated[str | None, typer.Option(help="e.g. sms-dlr, sms-inbound, test")] = None,
    api_key: Annotated[str | None, typer.Option()] = None,
    reference: Annotated[str | None, typer.Option(help="e.g. a message id")] = None,
    limit: Annotated[int | None, typer.Option(min=1, max=1000)] = None,
    wait: Annotated[
        float | None, typer.Option(min=0, max=25, help="seconds to wait for a match")
    ] = None,
    server: ServerOption = None,
    data_dir: DataDirOption = Path(".ringback"),
) -> None:
    """Deliveries, newest first, each with every attempt."""
    given: dict[str, Any] = {
        "status": status,
        "url": url,
        "kind": kind,
        "api_key": api_key,
        "reference": reference,
        "limit": limit,
        "wait": wait,
    }
    params = {k: v for k, v in given.items() if v is not None}
    show(call(control_url(server, data_dir), "GET", "/webhooks", params=params))


@app.command("show")
def show_delivery(
    delivery_id: Annotated[int, typer.Argument(metavar="ID")],
    server: ServerOption = None,
    data_dir: DataDirOption = Path(".ringback"),
) -> None:
    """One delivery and its attempts."""
    show(call(control_url(server, data_dir), "GET", f"/webhooks/{delivery_id}"))


@app.command("replay")
def replay(
    delivery_id: Annotated[int, typer.Argument(metavar="ID")],
    server: ServerOption = None,
    data_dir: DataDirOption = Path(".ringback"),
) -> None:
    """Send it again now, with a fresh retry window (earlier attempts stay recorded)."""
    show(call(control_url(server, data_dir), "POST", f"/webhooks/{delivery_id}/replay"))


@app.command("test")
def send_test(
    url: Annotated[str, typer.Argument(help="where to send the test webhook")],
    api_key: Annotated[str | None, typer.Option(help="sign with this account's secret")] = None,
    method: Annotated[str, typer.Option(help="POST or GET")] = "POST",
    content_type: Annotated[str, typer.Option(help="json or form")] = "json",
    signing: Annotated[
        str | None, typer.Option(help="none, sms-signature or jwt (default: the account's)")
    ] = None,
    server: ServerOption = None,
    data_dir: DataDirOption = Path(".ringback"),
) -> None:
    """Send a ping through the outbox, as a dashboard's "test webhook" button would."""
    body: dict[str, Any] = {"url": url, "method": method.upper(), "content_type": content_type}
    if api_key:
        body["api_key"] = api_key
    if signing:
        body["signing"] = signing
    show(call(control_url(server, data_dir), "POST", "/webhooks/test", json=body))
