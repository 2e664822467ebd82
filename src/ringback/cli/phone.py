"""`ringback phone <number> ...`: be a virtual handset: read its inbox, send from it, set its
behaviour, read its last one-time code."""

from __future__ import annotations

import base64
import json
import mimetypes
import time
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import httpx
import typer

from ringback.cli import views
from ringback.cli.calls import calls_view
from ringback.cli.control_client import (
    Control,
    DataDirOption,
    TokenOption,
    UrlOption,
    answer,
    connect,
    parsed,
)
from ringback.cli.output import JsonOption, emit

DATA_DIR = Path(".ringback")
WaitOption = Annotated[
    float, typer.Option("--wait", min=0, help="seconds to wait for something to arrive")
]
# one long-poll per request (the server waits at most 60 s); longer waits ask again
POLL_SECONDS = 25.0

app = typer.Typer(
    help="A virtual handset: inbox, send, behaviour, one-time code, calls.",
    no_args_is_help=True,
)


@app.callback()
def phone(
    ctx: typer.Context,
    msisdn: Annotated[str, typer.Argument(help="the handset's number, e.g. +447700900901")],
) -> None:
    ctx.obj = msisdn


def _path(ctx: typer.Context, tail: str) -> str:
    return f"/handsets/{quote(str(ctx.obj), safe='')}/{tail}"


def _poll(control: Control, path: str, params: dict[str, Any], wait: float, found: Any) -> Any:
    """GET with `wait`, asking again while nothing came and time is left (each request waits
    at most POLL_SECONDS), then the answer, or the error shown."""
    deadline = time.monotonic() + wait
    while True:
        remaining = max(0.0, deadline - time.monotonic())
        chunk = min(remaining, POLL_SECONDS)
        query = {**params, "wait": f"{chunk:.3f}"}
        response: httpx.Response = control.send("GET", path, params=query, timeout=chunk + 30)
        body = parsed(response)
        if response.status_code < 400 and (not isinstance(body, dict) or found(body)):
            break
        if response.status_code >= 400 and response.status_code != 404:
            break
        if remaining <= chunk:
            break
    return answer(response)


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
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Its messages (received by default); --wait waits for one to arrive."""
    fields = {"from": sender, "direction": direction, "channel": channel, "after": after}
    params = {k: v for k, v in {**fields, "since": since}.items() if v is not None}
    control = connect(url, data_dir, control_token)
    body = _poll(control, _path(ctx, "messages"), params, wait, lambda b: bool(b.get("messages")))
    emit(body, as_json, views.inbox)


def messages_body(
    to: str,
    text: str,
    channel: str | None,
    message_type: str | None,
    content: str | None,
    media: Path | None,
    profile_name: str | None,
) -> dict[str, Any]:
    """The control API's body: an SMS as before, or a Messages channel's message."""
    message: dict[str, Any] = {"to": to, "text": text}
    if channel is None and message_type is None and media is None and content is None:
        return message
    kind = message_type or "text"
    message = {"to": to, "channel": channel or "sms", "message_type": kind}
    if kind == "text":
        message["text"] = text
    elif content is not None:
        try:
            message[kind] = json.loads(content)
        except ValueError:
            raise typer.BadParameter("must be JSON", param_hint="--content") from None
    elif text:
        message[kind] = {"caption": text}
    if media is not None:
        mime = mimetypes.guess_type(media.name)[0] or "application/octet-stream"
        data = base64.b64encode(media.read_bytes()).decode()
        message["media"] = {"content": data, "mime_type": mime, "name": media.name}
    if profile_name is not None:
        message["profile_name"] = profile_name
    return message


@app.command()
def send(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="the message")],
    to: Annotated[str, typer.Option("--to", help="the number or channel sender to write to")],
    channel: Annotated[
        str | None,
        typer.Option(help="sms (default), mms, whatsapp, messenger, viber_service or rcs"),
    ] = None,
    message_type: Annotated[
        str | None, typer.Option("--type", help="the message type (default text)")
    ] = None,
    content: Annotated[
        str | None,
        typer.Option(help='the type\'s content as JSON, e.g. {"lat": 51.5, "long": -0.1}'),
    ] = None,
    media: Annotated[
        Path | None, typer.Option(help="a file to send (image, audio, video, file, vcard...)")
    ] = None,
    profile_name: Annotated[
        str | None, typer.Option(help="the user's WhatsApp display name")
    ] = None,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Send from the handset: an SMS (to a Vonage number: an inbound webhook), or a message on
    another channel to an account's channel sender (--channel whatsapp ...: the application's
    inbound webhook)."""
    message = messages_body(to, text, channel, message_type, content, media, profile_name)
    body = connect(url, data_dir, control_token).call("POST", _path(ctx, "messages"), body=message)
    emit(body, as_json, views.sent)


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
    channel: Annotated[
        str | None,
        typer.Option(
            help="only on this channel (whatsapp, messenger, viber_service, rcs, mms, sms)"
        ),
    ] = None,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show what traffic to it does, or change it (on one channel with --channel)."""
    control, path = connect(url, data_dir, control_token), _path(ctx, "behaviour")
    params = {"channel": channel} if channel is not None else None
    if reset:
        emit(control.call("DELETE", path, params=params), as_json, views.behaviour)
        return
    if set_ is None and profile is None:
        emit(control.call("GET", path, params=params), as_json, views.behaviour)
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
    emit(control.call("PUT", path, params=params, body=fields), as_json, views.behaviour)


@app.command()
def calls(
    ctx: typer.Context,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """The voice calls to it, newest first (`ringback calls show <uuid>` for one)."""
    body = connect(url, data_dir, control_token).call("GET", _path(ctx, "calls"))
    emit(body, as_json, calls_view)


@app.command()
def code(
    ctx: typer.Context,
    wait: WaitOption = 0.0,
    after: Annotated[int | None, typer.Option(help="only in messages after this id")] = None,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """The last one-time code it received; --wait waits for one."""
    params = {"after": after} if after is not None else {}
    control = connect(url, data_dir, control_token)
    body = _poll(control, _path(ctx, "codes/latest"), params, wait, lambda b: True)
    emit(body, as_json, views.code)


def _dialled(body: dict[str, Any]) -> str:
    detail = f" ({body['detail']})" if body.get("detail") else ""
    uuid = f" call {body['uuid']}" if body.get("uuid") else ""
    return f"{body.get('status')}{detail}{uuid}"


@app.command()
def call(
    ctx: typer.Context,
    to: Annotated[str, typer.Argument(help="the number to call, e.g. an account's number")],
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Call a number: to an account's number linked to a voice application, an inbound call
    (its answer_url runs); otherwise `failed`, as the network says."""
    control = connect(url, data_dir, control_token)
    body = control.call("POST", _path(ctx, "calls"), body={"to": to})
    emit(body, as_json, _dialled)
