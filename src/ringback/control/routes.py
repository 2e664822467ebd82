from __future__ import annotations

import os
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Route

from ringback import __version__
from ringback.apis.services import Services
from ringback.control import (
    accounts,
    calls,
    codes,
    credentials,
    handsets,
    messaging,
    openapi,
    senders,
    webhooks,
    world,
)
from ringback.control.common import control


async def health(request: Request, services: Services, body: dict[str, Any]) -> Any:
    return {
        "status": "ok",
        "version": __version__,
        "database": services.store.kind,
        "workers": services.settings.workers,
        # the answering process: which of the workers, and its pid
        "worker": os.getpid(),
        "worker_index": services.settings.worker_index,
        "long_polls": services.changes.waiting,  # waiting now, in this worker
    }


async def openapi_document(request: Request, services: Services, body: dict[str, Any]) -> Any:
    return openapi.document()


async def index(request: Request) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><title>Ringback</title><h1>Ringback</h1>"
        f"<p>Version {__version__}. The control API is at "
        '<a href="/_ringback/openapi.json">/_ringback/openapi.json</a>; '
        'accounts at <a href="/_ringback/accounts">/_ringback/accounts</a>.</p>'
    )


def routes() -> list[BaseRoute]:
    return [
        Route("/", index, methods=["GET"]),
        Route("/_ringback/health", control(health), methods=["GET"]),
        Route("/_ringback/openapi.json", control(openapi_document), methods=["GET"]),
        *accounts.routes(),
        *world.routes(),
        *credentials.routes(),
        *handsets.routes(),
        *messaging.routes(),
        *senders.routes(),
        *webhooks.routes(),
        *calls.routes(),
        *codes.routes(),
    ]
