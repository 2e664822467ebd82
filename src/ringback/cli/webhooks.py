"""`ringback webhooks ...`: what Ringback sent to your app, every attempt, and sending again.

Ringback itself is `--url` here too, as on every command; the list's filter by the webhook's
URL is `--webhook-url`. `--server` (the old name of Ringback's URL here) still works, hidden.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ringback.cli import views
from ringback.cli.control_client import DataDirOption, TokenOption, UrlOption, connect
from ringback.cli.output import JsonOption, emit

DATA_DIR = Path(".ringback")
OldServerOption = Annotated[str | None, typer.Option("--server", hidden=True)]

app = typer.Typer(
    help="Webhook deliveries: list them with their attempts, show one, replay, send a test.",
    no_args_is_help=True,
)


@app.command("list")
def list_deliveries(
    status: Annotated[str | None, typer.Option(help="pending, delivered or failed")] = None,
    webhook_url: Annotated[
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
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
    server: OldServerOption = None,
) -> None:
    """Deliveries, newest first, each with every attempt."""
    given: dict[str, Any] = {
        "status": status,
        "url": webhook_url,
        "kind": kind,
        "api_key": api_key,
        "reference": reference,
        "limit": limit,
        "wait": wait,
    }
    params = {k: v for k, v in given.items() if v is not None}
    control = connect(url or server, data_dir, control_token)
    emit(control.call("GET", "/webhooks", params=params), as_json, views.deliveries)


@app.command("show")
def show_delivery(
    delivery_id: Annotated[int, typer.Argument(metavar="ID")],
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
    server: OldServerOption = None,
) -> None:
    """One delivery and its attempts."""
    control = connect(url or server, data_dir, control_token)
    emit(control.call("GET", f"/webhooks/{delivery_id}"), as_json, views.delivery)


@app.command("replay")
def replay(
    delivery_id: Annotated[int, typer.Argument(metavar="ID")],
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
    server: OldServerOption = None,
) -> None:
    """Send it again now, with a fresh retry window (earlier attempts stay recorded)."""
    control = connect(url or server, data_dir, control_token)
    emit(control.call("POST", f"/webhooks/{delivery_id}/replay"), as_json, views.delivery)


@app.command("test")
def send_test(
    target: Annotated[str, typer.Argument(metavar="URL", help="where to send the test webhook")],
    api_key: Annotated[str | None, typer.Option(help="sign with this account's secret")] = None,
    method: Annotated[str, typer.Option(help="POST or GET")] = "POST",
    content_type: Annotated[str, typer.Option(help="json or form")] = "json",
    signing: Annotated[
        str | None, typer.Option(help="none, sms-signature or jwt (default: the account's)")
    ] = None,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
    server: OldServerOption = None,
) -> None:
    """Send a ping through the outbox, as a dashboard's "test webhook" button would."""
    body: dict[str, Any] = {"url": target, "method": method.upper(), "content_type": content_type}
    if api_key:
        body["api_key"] = api_key
    if signing:
        body["signing"] = signing
    control = connect(url or server, data_dir, control_token)
    emit(control.call("POST", "/webhooks/test", body=body), as_json, views.delivery)
