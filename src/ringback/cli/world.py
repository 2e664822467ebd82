"""CLI commands for the simulated world: accounts, reset, snapshots, clock."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ringback.cli.control_client import call, control_url, show

UrlOption = Annotated[
    str | None, typer.Option("--url", envvar="RINGBACK_URL", help="Ringback's HTTP base URL")
]
DataDirOption = Annotated[Path, typer.Option("--data-dir", envvar="RINGBACK_DATA_DIR")]

accounts = typer.Typer(help="Accounts: list, create, show, change.", no_args_is_help=True)
snapshots = typer.Typer(help="Named snapshots of the whole state.", no_args_is_help=True)
clock = typer.Typer(help="Ringback's clock: show, freeze, advance, resume.")


@accounts.command("list")
def accounts_list(url: UrlOption = None, data_dir: DataDirOption = Path(".ringback")) -> None:
    show(call(control_url(url, data_dir), "GET", "/accounts"))


@accounts.command("create")
def accounts_create(
    api_key: Annotated[str | None, typer.Option()] = None,
    api_secret: Annotated[str | None, typer.Option()] = None,
    balance: Annotated[str | None, typer.Option()] = None,
    name: Annotated[str | None, typer.Option()] = None,
    url: UrlOption = None,
    data_dir: DataDirOption = Path(".ringback"),
) -> None:
    fields = {"api_key": api_key, "api_secret": api_secret, "balance": balance, "name": name}
    body = {k: v for k, v in fields.items() if v is not None}
    show(call(control_url(url, data_dir), "POST", "/accounts", json=body))


@accounts.command("show")
def accounts_show(
    api_key: str, url: UrlOption = None, data_dir: DataDirOption = Path(".ringback")
) -> None:
    show(call(control_url(url, data_dir), "GET", f"/accounts/{api_key}"))


@accounts.command("set")
def accounts_set(
    api_key: str,
    balance: Annotated[str | None, typer.Option()] = None,
    signature_method: Annotated[str | None, typer.Option()] = None,
    signature_secret: Annotated[str | None, typer.Option()] = None,
    signs_webhooks: Annotated[bool | None, typer.Option()] = None,
    auto_reload: Annotated[bool | None, typer.Option()] = None,
    url: UrlOption = None,
    data_dir: DataDirOption = Path(".ringback"),
) -> None:
    fields = {
        "balance": balance,
        "signature_method": signature_method,
        "signature_secret": signature_secret,
        "signs_webhooks": signs_webhooks,
        "auto_reload": auto_reload,
    }
    body = {k: v for k, v in fields.items() if v is not None}
    show(call(control_url(url, data_dir), "PATCH", f"/accounts/{api_key}", json=body))


def reset(
    api_key: Annotated[str | None, typer.Option(help="only this account")] = None,
    url: UrlOption = None,
    data_dir: DataDirOption = Path(".ringback"),
) -> None:
    """Reset all state, or one account's resources."""
    params = {"api_key": api_key} if api_key else {}
    show(call(control_url(url, data_dir), "POST", "/reset", params=params))


@snapshots.command("list")
def snapshots_list(url: UrlOption = None, data_dir: DataDirOption = Path(".ringback")) -> None:
    show(call(control_url(url, data_dir), "GET", "/snapshots"))


@snapshots.command("save")
def snapshots_save(
    name: str, url: UrlOption = None, data_dir: DataDirOption = Path(".ringback")
) -> None:
    show(call(control_url(url, data_dir), "POST", "/snapshots", json={"name": name}))


@snapshots.command("restore")
def snapshots_restore(
    name: str, url: UrlOption = None, data_dir: DataDirOption = Path(".ringback")
) -> None:
    show(call(control_url(url, data_dir), "POST", f"/snapshots/{name}/restore"))


@clock.callback(invoke_without_command=True)
def clock_show(
    ctx: typer.Context, url: UrlOption = None, data_dir: DataDirOption = Path(".ringback")
) -> None:
    if ctx.invoked_subcommand is None:
        show(call(control_url(url, data_dir), "GET", "/clock"))


@clock.command("freeze")
def clock_freeze(url: UrlOption = None, data_dir: DataDirOption = Path(".ringback")) -> None:
    show(call(control_url(url, data_dir), "POST", "/clock", json={"freeze": True}))


@clock.command("advance")
def clock_advance(
    seconds: float, url: UrlOption = None, data_dir: DataDirOption = Path(".ringback")
) -> None:
    """Move the clock forward; jobs that fall due run before this returns."""
    show(call(control_url(url, data_dir), "POST", "/clock", json={"advance_seconds": seconds}))


@clock.command("resume")
def clock_resume(url: UrlOption = None, data_dir: DataDirOption = Path(".ringback")) -> None:
    show(call(control_url(url, data_dir), "POST", "/clock", json={"freeze": False}))
