from __future__ import annotations

import enum
import json
import logging
from pathlib import Path
from typing import Annotated

import typer

from ringback.cli import calls, phone, senders, webhooks, world
from ringback.cli.one_line_errors import OneLineErrors, fail
from ringback.cli.output import JsonOption
from ringback.config import DEFAULT_HTTP_PORT, DEFAULT_HTTPS_PORT, Settings
from ringback.control.host_policy import parse_allowed_hosts
from ringback.control.token import check_token

app = typer.Typer(help="Ringback: the Vonage APIs on your own machine.", no_args_is_help=True)


def _print_version(wanted: bool) -> None:
    if wanted:
        from ringback import __version__

        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Ringback: the Vonage APIs on your own machine."""


class LogLevel(enum.StrEnum):
    debug = "debug"
    info = "info"
    warning = "warning"
    error = "error"
    critical = "critical"


class AuthModeFlag(enum.StrEnum):
    strict = "strict"
    soft = "soft"


class Synchronous(enum.StrEnum):
    OFF = "OFF"
    NORMAL = "NORMAL"
    FULL = "FULL"
    EXTRA = "EXTRA"


@app.command(cls=OneLineErrors)
def serve(
    host: Annotated[str, typer.Option(envvar="RINGBACK_HOST")] = "127.0.0.1",
    http_port: Annotated[
        int, typer.Option(envvar="RINGBACK_HTTP_PORT", help="0 picks a free port", min=0, max=65535)
    ] = DEFAULT_HTTP_PORT,
    https_port: Annotated[
        int,
        typer.Option(envvar="RINGBACK_HTTPS_PORT", help="0 picks a free port", min=0, max=65535),
    ] = DEFAULT_HTTPS_PORT,
    data_dir: Annotated[Path, typer.Option(envvar="RINGBACK_DATA_DIR")] = Path(".ringback"),
    database: Annotated[
        str | None,
        typer.Option(
            envvar="RINGBACK_DATABASE",
            help="SQLite file, :memory:, or postgresql://user:pass@host:port/db; "
            "default <data-dir>/ringback.db",
        ),
    ] = None,
    api_key: Annotated[str | None, typer.Option(envvar="RINGBACK_API_KEY")] = None,
    api_secret: Annotated[str | None, typer.Option(envvar="RINGBACK_API_SECRET")] = None,
    log_level: Annotated[
        LogLevel,
        typer.Option(
            envvar="RINGBACK_LOG_LEVEL",
            case_sensitive=False,
            help="info logs every request (access log); warning silences it",
        ),
    ] = LogLevel.info,
    auth_mode: Annotated[
        AuthModeFlag,
        typer.Option(envvar="RINGBACK_AUTH_MODE", help="strict (as Vonage) or soft"),
    ] = AuthModeFlag.strict,
    rate_limits: Annotated[bool, typer.Option(envvar="RINGBACK_RATE_LIMITS")] = True,
    prices: Annotated[
        Path | None, typer.Option(envvar="RINGBACK_PRICES", help="your own price list (JSON)")
    ] = None,
    seed: Annotated[int | None, typer.Option(envvar="RINGBACK_SEED")] = None,
    sqlite_synchronous: Annotated[
        Synchronous, typer.Option(envvar="RINGBACK_SQLITE_SYNCHRONOUS", case_sensitive=False)
    ] = Synchronous.FULL,
    max_connections: Annotated[
        int,
        typer.Option(
            envvar="RINGBACK_MAX_CONNECTIONS",
            min=1,
            help="open connections per listener; beyond it the oldest idle one is closed",
        ),
    ] = 1024,
    request_head_timeout: Annotated[
        float, typer.Option(envvar="RINGBACK_REQUEST_HEAD_TIMEOUT", min=0.1, hidden=True)
    ] = 10.0,
    allowed_hosts: Annotated[
        str | None,
        typer.Option(
            envvar="RINGBACK_ALLOWED_HOSTS",
            help="more host names for the control API, comma-separated (e.g. a compose service)",
        ),
    ] = None,
    control_token: Annotated[
        str | None,
        typer.Option(
            envvar="RINGBACK_CONTROL_TOKEN",
            help="bearer token the control API requires (generated when --host is not loopback)",
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            envvar="RINGBACK_WORKERS",
            min=1,
            help="processes serving the same ports (more than 1 needs a postgresql:// --database)",
        ),
    ] = 1,
    lease_seconds: Annotated[
        float, typer.Option(envvar="RINGBACK_LEASE_SECONDS", min=0.5, hidden=True)
    ] = 15.0,
) -> None:
    """Start Ringback: HTTPS and HTTP on the same app, state in the data directory."""
    from ringback.server import serve as serve_forever
    from ringback.startup_errors import StartupError

    try:
        allowed = parse_allowed_hosts(allowed_hosts)
    except ValueError as exc:
        raise fail(f"--allowed-hosts: {exc}") from None
    try:
        token = check_token(control_token) if control_token else None
    except ValueError as exc:
        raise fail(f"--control-token: {exc}") from None
    logging.basicConfig(level=log_level.value.upper(), format="%(asctime)s %(name)s %(message)s")
    settings = Settings(
        host=host,
        http_port=http_port,
        https_port=https_port,
        data_dir=data_dir,
        database=database,
        api_key=api_key,
        api_secret=api_secret,
        log_level=log_level.value,
        auth_mode=auth_mode.value,
        rate_limits=rate_limits,
        prices=prices,
        seed=seed,
        sqlite_synchronous=sqlite_synchronous.value,
        max_connections=max_connections,
        request_head_timeout=request_head_timeout,
        allowed_hosts=allowed,
        control_token=token,
        workers=workers,
        lease_seconds=lease_seconds,
    )
    try:
        serve_forever(settings)
    except StartupError as error:
        raise fail(str(error)) from None


app.add_typer(world.accounts, name="accounts")
app.add_typer(world.snapshots, name="snapshot")
app.add_typer(world.clock, name="clock")
app.command("reset")(world.reset)
app.command("handsets")(world.handsets)
app.add_typer(phone.app, name="phone")
app.add_typer(webhooks.app, name="webhooks")
app.add_typer(senders.app, name="senders")
app.add_typer(calls.app, name="calls")


@app.command()
def version(as_json: JsonOption = False) -> None:
    """Print Ringback's version."""
    from ringback import __version__

    if as_json:
        typer.echo(json.dumps({"version": __version__}))
    else:
        typer.echo(__version__)


if __name__ == "__main__":
    app()
