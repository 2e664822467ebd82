"""CLI commands for the simulated world: accounts, reset, snapshots, clock, handsets."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from ringback.cli import views
from ringback.cli.control_client import DataDirOption, TokenOption, UrlOption, connect
from ringback.cli.output import JsonOption, emit

DATA_DIR = Path(".ringback")

accounts = typer.Typer(help="Accounts: list, create, show, change.", no_args_is_help=True)
snapshots = typer.Typer(help="Named snapshots of the whole state.", no_args_is_help=True)
clock = typer.Typer(help="Ringback's clock: show, freeze, advance, resume.")


@accounts.command("list")
def accounts_list(
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    body = connect(url, data_dir, control_token).call("GET", "/accounts")
    emit(body, as_json, views.accounts)


@accounts.command("create")
def accounts_create(
    api_key: Annotated[str | None, typer.Option()] = None,
    api_secret: Annotated[str | None, typer.Option()] = None,
    balance: Annotated[str | None, typer.Option()] = None,
    name: Annotated[str | None, typer.Option()] = None,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    fields = {"api_key": api_key, "api_secret": api_secret, "balance": balance, "name": name}
    given = {k: v for k, v in fields.items() if v is not None}
    body = connect(url, data_dir, control_token).call("POST", "/accounts", body=given)
    emit(body, as_json, views.account)


@accounts.command("show")
def accounts_show(
    api_key: str,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    body = connect(url, data_dir, control_token).call("GET", f"/accounts/{api_key}")
    emit(body, as_json, views.account)


@accounts.command("set")
def accounts_set(
    api_key: str,
    balance: Annotated[str | None, typer.Option()] = None,
    signature_method: Annotated[str | None, typer.Option()] = None,
    signature_secret: Annotated[str | None, typer.Option()] = None,
    signs_webhooks: Annotated[bool | None, typer.Option()] = None,
    auto_reload: Annotated[bool | None, typer.Option()] = None,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    fields = {
        "balance": balance,
        "signature_method": signature_method,
        "signature_secret": signature_secret,
        "signs_webhooks": signs_webhooks,
        "auto_reload": auto_reload,
    }
    given = {k: v for k, v in fields.items() if v is not None}
    body = connect(url, data_dir, control_token).call("PATCH", f"/accounts/{api_key}", body=given)
    emit(body, as_json, views.account)


def reset(
    api_key: Annotated[str | None, typer.Option(help="only this account")] = None,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Reset all state, or one account's resources."""
    params = {"api_key": api_key} if api_key else {}
    body = connect(url, data_dir, control_token).call("POST", "/reset", params=params)
    emit(body, as_json, views.reset)


@snapshots.command("list")
def snapshots_list(
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    body = connect(url, data_dir, control_token).call("GET", "/snapshots")
    emit(body, as_json, views.snapshots)


@snapshots.command("save")
def snapshots_save(
    name: str,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    body = connect(url, data_dir, control_token).call("POST", "/snapshots", body={"name": name})
    emit(body, as_json, views.snapshot)


@snapshots.command("restore")
def snapshots_restore(
    name: str,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    body = connect(url, data_dir, control_token).call("POST", f"/snapshots/{name}/restore")
    emit(body, as_json, views.snapshot)


@clock.callback(invoke_without_command=True)
def clock_show(
    ctx: typer.Context,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    if ctx.invoked_subcommand is None:
        body = connect(url, data_dir, control_token).call("GET", "/clock")
        emit(body, as_json, views.clock)


def _set_clock(
    change: dict[str, object], url: str | None, data_dir: Path, token: str | None, as_json: bool
) -> None:
    body = connect(url, data_dir, token).call("POST", "/clock", body=change)
    emit(body, as_json, views.clock)


@clock.command("freeze")
def clock_freeze(
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    _set_clock({"freeze": True}, url, data_dir, control_token, as_json)


@clock.command("advance")
def clock_advance(
    seconds: float,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Move the clock forward; jobs that fall due run before this returns."""
    if not math.isfinite(seconds):
        # JSON has no NaN or infinity: refused here, as Typer refuses "1d"
        raise typer.BadParameter("must be a finite number of seconds", param_hint="'seconds'")
    _set_clock({"advance_seconds": seconds}, url, data_dir, control_token, as_json)


@clock.command("resume")
def clock_resume(
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    _set_clock({"freeze": False}, url, data_dir, control_token, as_json)


def handsets(
    limit: Annotated[int | None, typer.Option(min=1, help="at most this many")] = None,
    url: UrlOption = None,
    data_dir: DataDirOption = DATA_DIR,
    control_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """The numbers that have had traffic, newest first, with their message counts."""
    params = {"limit": limit} if limit is not None else {}
    body = connect(url, data_dir, control_token).call("GET", "/handsets", params=params)
    emit(body, as_json, views.handsets)
