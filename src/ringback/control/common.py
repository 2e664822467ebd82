from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ringback.apis.endpoint import Api, render_error, services_of
from ringback.apis.services import Services
from ringback.core.error_styles import ProblemStyle
from ringback.core.errors import (
    InternalError,
    InvalidParameters,
    RingbackError,
    ServiceUnavailable,
)
from ringback.core.json_input import read_json
from ringback.core.request_params import ClientGone, read_body
from ringback.core.responses import VonageJSON
from ringback.state.store import describe, unavailable

log = logging.getLogger("ringback.control")

CONTROL = Api(
    "control",
    ProblemStyle(type_base="https://ringback.dev/control-errors"),
    prefixes=("/_ringback",),
)

# async when it waits (long-polls, the scheduler); a plain function when it only reads and
# writes state: `control()` runs that through `Store.run` (a worker thread on PostgreSQL)
AsyncControlHandler = Callable[[Request, Services, dict[str, Any]], Awaitable[Response | Any]]
SyncControlHandler = Callable[[Request, Services, dict[str, Any]], Response | Any]
ControlHandler = AsyncControlHandler | SyncControlHandler


async def json_body(request: Request) -> dict[str, Any]:
    raw = (await read_body(request)).strip()
    if not raw:
        return {}
    body = read_json(raw)
    if not isinstance(body, dict):
        raise InvalidParameters("the body must be a JSON object")
    return body


def control(handler: ControlHandler) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        services = services_of(request)
        try:
            body = await json_body(request) if request.method in ("POST", "PUT", "PATCH") else {}
            if inspect.iscoroutinefunction(handler):
                result = await handler(request, services, body)
            else:
                result = await services.store.run(handler, request, services, body)
        except RingbackError as error:
            return render_error(CONTROL, services, error)
        except ClientGone:
            return Response(status_code=400)  # nobody is there to read it
        except Exception as exc:
            if unavailable(exc):
                log.debug("database unavailable on %s: %s", request.url.path, describe(exc))
                return render_error(CONTROL, services, ServiceUnavailable.database())
            log.exception("control API error on %s %s", request.method, request.url.path)
            return render_error(CONTROL, services, InternalError("An internal error occurred"))
        if isinstance(result, Response):
            return result
        return VonageJSON(result)

    return run


def field(body: dict[str, Any], name: str, kind: type) -> Any:
    value = body.get(name)
    if value is None:
        return None
    if kind is bool:
        ok = isinstance(value, bool)
    else:
        ok = isinstance(value, kind) and not isinstance(value, bool)
    if not ok:
        raise InvalidParameters(f"{name} must be of type {kind.__name__}")
    return value
