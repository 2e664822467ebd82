"""How the CLI prints: rich tables and key/value panels for people, or `--json` for scripts.

Cells fold instead of being cut with an ellipsis, so a narrow terminal still gets every
character. To a pipe (stdout not a terminal) rich draws no colour and, unless COLUMNS is set,
long cells are not wrapped: a row stays on one line (unless its text has line breaks), for
grep. Times are shown in the local time zone (TZ); tables say which zone once, in their
caption. Money is shown as given, with at least two decimals.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

JsonOption = Annotated[
    bool, typer.Option("--json", help="print the control API's JSON as it is, for scripts")
]
NONE = "-"
UNWRAPPED = 100_000  # a pipe's width: no line is wrapped


def emit(body: Any, as_json: bool, render: Callable[[Any], RenderableType]) -> None:
    if as_json:
        typer.echo(json.dumps(body, indent=2))
        return
    console = Console(highlight=False)
    if console.is_terminal:
        console.print(render(body))
        return
    if "COLUMNS" not in os.environ:
        console.width = UNWRAPPED
    with console.capture() as captured:
        console.print(render(body))
    typer.echo("\n".join(line.rstrip() for line in captured.get().splitlines()))


def cell(value: object) -> Text:
    """Plain text (never rich markup: `[b]` in an SMS stays `[b]`)."""
    if value is None or value == "":
        return Text(NONE)
    if isinstance(value, bool):
        return Text("yes" if value else "no")
    if isinstance(value, Text):
        return value
    if isinstance(value, (dict, list)):
        return Text(json.dumps(value))
    return Text(str(value))


def table(
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    title: str | None = None,
    empty: str = "none",
) -> RenderableType:
    rows = list(rows)
    if not rows:
        return Text(f"{title}: {empty}" if title else empty)
    grid = Table(
        title=title,
        caption=f"local times, {zone()}",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        title_justify="left",
        caption_justify="left",
    )
    for name in columns:
        grid.add_column(name, overflow="fold")
    for row in rows:
        grid.add_row(*(cell(value) for value in row))
    return grid


def fields(title: str, pairs: Iterable[tuple[str, object]]) -> RenderableType:
    """One object as a panel of `name  value` lines."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for name, value in pairs:
        grid.add_row(name, cell(value))
    return Panel(grid, title=Text(title), title_align="left", expand=False)


def zone() -> str:
    """The local time zone, e.g. `CET (UTC+01:00)`."""
    now = datetime.now().astimezone()
    name, offset = now.tzname() or "", now.strftime("%z")
    utc = f"UTC{offset[:3]}:{offset[3:]}"
    if name in ("UTC", "GMT") and offset == "+0000":
        return name
    return utc if not name or name[0] in "+-" else f"{name} ({utc})"


def local_time(value: float | str | None, *, with_zone: bool = True) -> str:
    """Epoch seconds or an ISO 8601 time (UTC unless it says) in the local time zone."""
    if value is None or value == "":
        return NONE
    try:
        if isinstance(value, (int, float)):
            moment = datetime.fromtimestamp(value, tz=UTC)
        else:
            moment = datetime.fromisoformat(value)
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        return str(value)
    return moment.astimezone().strftime(
        "%Y-%m-%d %H:%M:%S %Z" if with_zone else "%Y-%m-%d %H:%M:%S"
    )


def row_time(value: float | str | None) -> str:
    """A time in a table row: the zone is in the table's caption."""
    return local_time(value, with_zone=False)


def money(amount: str | float | None) -> str:
    """`10.00000000` -> `10.00 EUR`, `0.03330000` -> `0.0333 EUR`: trailing zeros go, at least
    two decimals stay, nothing is rounded."""
    if amount is None or amount == "":
        return NONE
    text = str(amount)
    whole, dot, decimals = text.partition(".")
    if not dot:
        return f"{text}.00 EUR" if text.lstrip("-").isdigit() else f"{text} EUR"
    return f"{whole}.{decimals.rstrip('0').ljust(2, '0')} EUR"
