"""The fast path takes a request only where Starlette's router would have taken the same
route; everything else (shadowed paths, other methods, path parameters) goes to Starlette."""

from __future__ import annotations

import asyncio

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ringback.fast_paths import FastPaths, exact_routes


def answering(text: str):  # type: ignore[no-untyped-def]
    async def endpoint(request: Request) -> Response:
        return PlainTextResponse(text)

    return endpoint


SHADOW = Route("/{name}/get", answering("shadow"), methods=["GET"])
SHADOWED = Route("/sms/get", answering("shadowed"), methods=["GET"])
EXACT = Route("/sms/json", answering("exact"), methods=["POST"])
PARAMS = Route("/numbers/{msisdn}", answering("params"), methods=["GET"])
ROUTES = [SHADOW, SHADOWED, EXACT, PARAMS]


def test_only_exact_paths_starlette_would_choose_are_taken() -> None:
    app = Starlette(routes=ROUTES)
    table = exact_routes(app, ROUTES)
    assert set(table) == {("/sms/json", "POST")}


def test_requests_outside_the_table_are_answered_by_starlette() -> None:
    app = FastPaths(Starlette(routes=ROUTES), ROUTES)

    async def scenario() -> list[tuple[int, str]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            answers = [
                await client.post("/sms/json"),
                await client.get("/sms/get"),
                await client.get("/numbers/447700900000"),
                await client.get("/sms/json"),
            ]
        return [(a.status_code, a.text) for a in answers]

    assert asyncio.run(scenario()) == [
        (200, "exact"),
        (200, "shadow"),
        (200, "params"),
        (405, "Method Not Allowed"),
    ]
