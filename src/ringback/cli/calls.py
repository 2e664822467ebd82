"""`ringback calls ...`: voice calls seen from the callee's handset: list them, show one with
its transcript, and drive the handset live (answer, reject, hang up, press digits, say words).
`ringback phone <number> calls` lists one handset's calls."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import typer
from rich.console import Group, RenderableType

from ringback.cli.control_client import DataDirOption, TokenOption, UrlOption, connect
from ringback.cli.output import NONE, JsonOption, emit, fields, local_time, money, row_time, table

DATA_DIR = Path(".ringback")
UuidArgument = Annotated[str, typer.Argument(help="the call's uuid")]

app = typer.Typer(
    help="Voice calls: list, show one with its transcript, drive the callee's handset.",
    no_args_is_help=True,
)


# --- how calls look ---------------------------------------------------------------------------


def _address(endpoint: object) -> object:
    if not isinstance(endpoint, dict):
        return endpoint
    for key in ("number", "uri", "user", "extension"):
        if key in endpoint:
            return endpoint[key]
    return endpoint.get("type")


def calls_view(body: dict[str, Any]) -> RenderableType:
    rows = [
        (
            c.get("uuid"),
            c.get("status"),
            c.get("direction"),
            _address(c.get("from")),
            _address(c.get("to")),
            row_time(c.get("created_at")),
            c.get("duration"),
            money(c.get("price")),
        )
        for c in body.get("calls", [])
    ]
    columns = ("UUID", "Status", "Direction", "From", "To", "Created", "Seconds", "Price")
    title = f"Calls to {body['msisdn']}" if "msisdn" in body else "Calls"
    return table(columns, rows, title=title, empty="no calls")


def _what(event: dict[str, Any]) -> str:
    """One transcript line's detail: the fields that are not its time, side or kind."""
    skip = {"at", "time", "side", "kind"}
    return ", ".join(f"{k}={v}" for k, v in event.items() if k not in skip) or NONE


def call_view(body: dict[str, Any]) -> RenderableType:
    summary = fields(
        f"call {body.get('uuid')}",
        [
            ("status", body.get("status")),
            ("direction", body.get("direction")),
            ("from", _address(body.get("from"))),
            ("to", _address(body.get("to"))),
            ("conversation", body.get("conversation_uuid")),
            ("application", body.get("application_id")),
            ("created", local_time(body.get("created_at"))),
            ("answered", local_time(body.get("start_time"))),
            ("ended", local_time(body.get("end_time"))),
            ("duration", body.get("duration")),
            ("price", money(body.get("price"))),
        ],
    )
    rows = [
        (row_time(e.get("at")), e.get("side"), e.get("kind"), _what(e))
        for e in body.get("transcript", [])
    ]
    transcript = table(("Time", "Side", "What", "Detail"), rows, title="Transcript")
    return Group(summary, transcript)


# --- commands -----------------------------------------------------------------------------------


@app.command("list")
def list_calls(
    status: Annotated[str | None, typer.Option(help="e.g. ringing, answered, completed")] = None,
    limit: Annotated[int | None, typer.Option(min=1, max=1000)] = None,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every account's calls, newest first."""
    given = {"status": status, "limit": limit}
    params = {k: v for k, v in given.items() if v is not None}
    body = connect(url, data_dir, control_token).call("GET", "/calls", params=params)
    emit(body, as_json, calls_view)


@app.command()
def show(
    uuid: UuidArgument,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """One call and its transcript: what the handset heard and did, with times."""
    body = connect(url, data_dir, control_token).call("GET", f"/calls/{quote(uuid, safe='')}")
    emit(body, as_json, call_view)


def _drive(
    uuid: str,
    action: str,
    body: dict[str, Any],
    url: str | None,
    data_dir: Path,
    control_token: str | None,
    as_json: bool,
) -> None:
    path = f"/calls/{quote(uuid, safe='')}/{action}"
    answer = connect(url, data_dir, control_token).call("POST", path, body=body)
    emit(answer, as_json, call_view)


@app.command()
def answer(
    uuid: UuidArgument,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Pick up a ringing call."""
    _drive(uuid, "answer", {}, url, data_dir, control_token, as_json)


@app.command()
def reject(
    uuid: UuidArgument,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Decline a ringing call (`rejected`, detail `declined`)."""
    _drive(uuid, "reject", {}, url, data_dir, control_token, as_json)


@app.command()
def hangup(
    uuid: UuidArgument,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Hang up from the handset."""
    _drive(uuid, "hangup", {}, url, data_dir, control_token, as_json)


@app.command()
def dtmf(
    uuid: UuidArgument,
    digits: Annotated[str, typer.Argument(help="keys to press: 0-9, * and #")],
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Press keys on the handset."""
    _drive(uuid, "dtmf", {"digits": digits}, url, data_dir, control_token, as_json)


@app.command()
def say(
    uuid: UuidArgument,
    text: Annotated[str, typer.Argument(help="the words, as speech recognition would hear them")],
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Say something into the handset (an input with speech gets it as its transcript)."""
    _drive(uuid, "speech", {"text": text}, url, data_dir, control_token, as_json)
