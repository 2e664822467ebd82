"""`ringback serve` reports a bad flag value as one line (`ringback: ...`, exit code 2).

Typer draws usage errors in a box; a server's start-up problem should read like every other
one `serve` reports (see `startup.py`), so scripts and logs get a single line.
"""

from __future__ import annotations

from typing import Any

import typer

# Typer parses with its own copy of click (typer._click); its errors are that copy's classes
from typer import _click
from typer.core import TyperCommand


def fail(message: str) -> typer.Exit:
    typer.echo(f"ringback: {message}", err=True)
    return typer.Exit(2)


class OneLineErrors(TyperCommand):
    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: _click.Context | None = None,
        **extra: Any,
    ) -> _click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except _click.ClickException as error:
            raise fail(error.format_message()) from None
