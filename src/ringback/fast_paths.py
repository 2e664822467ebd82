"""The Vonage endpoints at exact paths (`/sms/json`, `/account/get-balance`, …) reached by a
dict lookup instead of Starlette's middleware stack and its route list.

Starlette tries every route in turn (about fifty before `/sms/json`) and wraps each request in
two exception middlewares and two closures; for a hot endpoint that was a fifth of the
server's time per SMS. Here the route Starlette *would* pick for a path and method is worked
out once, at start-up, with Starlette's own `Route.matches` over the whole route list; a
request whose path and method are in that table goes straight to the route's endpoint, the
rest (path parameters, 404, 405, the control API) through Starlette as before. Only the
Vonage endpoints made by `apis/endpoint.py` are taken: they catch every exception themselves,
so the answers are the same.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send

Endpoint = Callable[[Request], Awaitable[Response]]


def exact_routes(app: Starlette, eligible: Collection[object]) -> dict[tuple[str, str], Endpoint]:
    """(path, method) → the endpoint Starlette would call, for each eligible route without
    path parameters, where Starlette would choose that route."""
    table: dict[tuple[str, str], Endpoint] = {}
    for candidate in app.routes:
        if (
            candidate not in eligible
            or not isinstance(candidate, Route)
            or candidate.param_convertors
            or not inspect.iscoroutinefunction(candidate.endpoint)
        ):
            continue
        for method in candidate.methods or ():
            chosen = _starlette_choice(app, candidate.path, method)
            if chosen is candidate:
                table[(candidate.path, method)] = candidate.endpoint
    return table


def _starlette_choice(app: Starlette, path: str, method: str) -> Any:
    """The route Starlette's router takes: the first full match, else the first partial."""
    scope: Scope = {"type": "http", "path": path, "method": method, "root_path": ""}
    partial = None
    for route in app.routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route
        if match is Match.PARTIAL and partial is None:
            partial = route
    return partial


class FastPaths:
    """`rest` (Starlette, or the middlewares in front of it) answers what is not in the table;
    those middlewares must leave the table's paths as they are."""

    def __init__(
        self, starlette: Starlette, eligible: Collection[object], rest: ASGIApp | None = None
    ) -> None:
        self.app = rest or starlette
        self.starlette = starlette
        self.table = exact_routes(starlette, eligible)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            endpoint = self.table.get((scope["path"], scope["method"]))
            if endpoint is not None:
                # what Starlette and the matched route would have put in the scope
                scope["app"] = self.starlette
                scope["router"] = self.starlette.router
                scope["endpoint"] = endpoint
                scope["path_params"] = {}
                response = await endpoint(Request(scope, receive, send))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
