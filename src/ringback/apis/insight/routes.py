"""The Number Insight API (api.nexmo.com/ni): Basic, Standard, Advanced, and Advanced async.

Each level answers `json` or `xml` (the path's `{format}`), to GET and to POST ("this
endpoint also supports POST requests", number-insight.yml). The format decides the shape of
errors too, so each format is a route of its own with its own error style; any other format
is status 5. Vonage sunsets the API on 2027-02-04: every answer carries a `Sunset` header and
the first lookup of a run logs it.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute

from ringback.apis.endpoint import Api, Ctx, Handler, route
from ringback.apis.insight import bodies, callbacks, schemas, service, xml_bodies
from ringback.apis.insight.errors import (
    INTERNAL,
    SUNSET_HEADERS,
    InsightErrorStyle,
    InsightStatus,
    xml_response,
)
from ringback.apis.services import Services
from ringback.core.responses import VonageJSON
from ringback.platform.auth import Credential

log = logging.getLogger("ringback.insight")

INSIGHT = Api("insight", InsightErrorStyle(), prefixes=("/ni/",))
INSIGHT_XML = Api("insight", InsightErrorStyle(xml=True))
INSIGHT_ASYNC = Api("insight", InsightErrorStyle(async_shape=True))
INSIGHT_ASYNC_XML = Api("insight", InsightErrorStyle(xml=True, async_shape=True))
# number-insight.yml's security: api_key/api_secret query parameters; the SDKs send Basic
AUTH = (Credential.BASIC, Credential.PARAMS)
METHODS = ["GET", "POST"]
SUNSET_NOTICE = (
    "Vonage sunsets the Number Insight API on 2027-02-04; Identity Insights is its successor"
)
_noticed = False


def _notice_sunset() -> None:
    global _noticed
    if not _noticed:
        _noticed = True
        log.warning(SUNSET_NOTICE)


def lookup_handler(level: str, fmt: str) -> Handler:
    def handler(ctx: Ctx) -> Response:
        _notice_sunset()
        query = schemas.query(ctx.params, level)
        request_id = ctx.services.ids.uuid()
        insight = service.look_up(ctx.tx, ctx.services.billing, ctx.api_key, request_id, query)
        if fmt == "xml":
            return xml_response(xml_bodies.lookup(insight))
        return VonageJSON(bodies.for_level(insight), headers=SUNSET_HEADERS)

    handler.__name__ = f"insight_{level}_{fmt}"
    return handler


def async_handler(fmt: str) -> Handler:
    def handler(ctx: Ctx) -> Response:
        _notice_sunset()
        query = schemas.query(ctx.params, "advanced", is_async=True)
        insight = callbacks.look_up_async(
            ctx.tx,
            ctx.services.billing,
            ctx.services.clock.now(),
            ctx.api_key,
            ctx.services.ids.uuid(),
            query,
        )
        if fmt == "xml":
            return xml_response(xml_bodies.async_ack(insight))
        return VonageJSON(bodies.async_ack(insight), headers=SUNSET_HEADERS)

    handler.__name__ = f"insight_advanced_async_{fmt}"
    return handler


def unknown_format(ctx: Ctx) -> Response:
    fmt = str(ctx.path.get("format", ""))
    raise InsightStatus(INTERNAL, f"Unsupported format [ {schemas.echo(fmt)} ]")


def routes() -> list[BaseRoute]:
    found: list[BaseRoute] = []

    def add(api: Api, path: str, handler: Handler, rule: str) -> None:
        found.append(route(api, path, METHODS, handler, auth=AUTH, rate_limit=rule))

    # async before /ni/advanced/{format}, which would take "async" for a format
    add(INSIGHT_ASYNC, "/ni/advanced/async/json", async_handler("json"), "ni-advanced")
    add(INSIGHT_ASYNC_XML, "/ni/advanced/async/xml", async_handler("xml"), "ni-advanced")
    add(INSIGHT_ASYNC, "/ni/advanced/async/{format}", unknown_format, "ni-advanced")
    for level in schemas.LEVELS:
        rule = f"ni-{level}"
        add(INSIGHT, f"/ni/{level}/json", lookup_handler(level, "json"), rule)
        add(INSIGHT_XML, f"/ni/{level}/xml", lookup_handler(level, "xml"), rule)
        add(INSIGHT, f"/ni/{level}/{{format}}", unknown_format, rule)
    return found


def register_jobs(services: Services) -> None:
    """No jobs: the async lookup's callback is an outbox row (callbacks.py)."""


APIS: list[Any] = [INSIGHT, INSIGHT_XML, INSIGHT_ASYNC, INSIGHT_ASYNC_XML]
