"""`ringback senders ...`: the WhatsApp, Viber, Messenger and RCS senders registered to an
account for the Messages API, each linked to an application (the Vonage dashboard's external
accounts)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import typer

from ringback.cli import views
from ringback.cli.control_client import DataDirOption, TokenOption, UrlOption, connect
from ringback.cli.output import JsonOption, emit

DATA_DIR = Path(".ringback")
ApiKey = Annotated[str, typer.Argument(metavar="API_KEY", help="the account")]
Channel = Annotated[str, typer.Argument(help="whatsapp, viber_service, messenger or rcs")]
SenderId = Annotated[str, typer.Argument(metavar="ID", help="the sender's id on the channel")]

app = typer.Typer(
    help="Messages API senders (WhatsApp, Viber, Messenger, RCS) of an account.",
    no_args_is_help=True,
)


def _path(api_key: str, tail: str = "") -> str:
    return f"/accounts/{quote(api_key, safe='')}/senders{tail}"


@app.command("list")
def list_senders(
    api_key: ApiKey,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """The account's registered senders."""
    body = connect(url, data_dir, control_token).call("GET", _path(api_key))
    emit({**body, "api_key": api_key} if not as_json else body, as_json, views.senders)


@app.command("add")
def add_sender(
    api_key: ApiKey,
    channel: Channel,
    sender_id: SenderId,
    application: Annotated[
        str | None, typer.Option("--application", help="the application it is linked to")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="its display name")] = None,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Register a sender to the account, linked to an application."""
    fields: dict[str, Any] = {"channel": channel, "id": sender_id}
    if application is not None:
        fields["application_id"] = application
    if name is not None:
        fields["display_name"] = name
    body = connect(url, data_dir, control_token).call("POST", _path(api_key), body=fields)
    emit({"api_key": api_key, "senders": [body]} if not as_json else body, as_json, views.senders)


@app.command("remove")
def remove_sender(
    api_key: ApiKey,
    channel: Channel,
    sender_id: SenderId,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Remove a registered sender."""
    tail = f"/{quote(channel, safe='')}/{quote(sender_id, safe='')}"
    connect(url, data_dir, control_token).call("DELETE", _path(api_key, tail))
    removed = {"removed": {"channel": channel, "id": sender_id}}
    typer.echo(json.dumps(removed) if as_json else f"removed {channel} sender {sender_id}")
