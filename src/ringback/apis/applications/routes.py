"""api.nexmo.com/v2/applications: Basic auth only, problem bodies (application.v2.yml 2.1.4).

The common errors (401, 404, 405, 406, 415) take their `type` and `title` from
common/common_errors.yml, which the spec references; the payload and list 400s take theirs from
the spec's own InvalidPayloadError and list 400 examples.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ringback.apis.applications import service
from ringback.apis.applications.schemas import parse_page_query
from ringback.apis.applications.service import Page
from ringback.apis.applications.validation import PAYLOAD_VALIDATION
from ringback.apis.endpoint import Api, Ctx, route
from ringback.apis.services import Services
from ringback.core.error_styles import ProblemStyle
from ringback.core.errors import InvalidParameters, NotAcceptable, UnsupportedMediaType
from ringback.core.request_params import RequestParams
from ringback.core.responses import VonageJSON, no_content
from ringback.platform.auth import Credential
from ringback.state.applications import Application

BASE = "/v2/applications"

APPLICATIONS = Api(
    "applications",
    ProblemStyle(
        type_base="https://developer.vonage.com/api-errors",
        slugs={
            "bad-request": PAYLOAD_VALIDATION,
            "method-not-allowed": "wrong-verb",
            "not-acceptable": "accept-header",
            "unsupported-media-type": "content-type-header",
        },
        titles={
            "method-not-allowed": "Request method not allowed",
            "not-acceptable": "Invalid Accept header",
            "unsupported-media-type": "Unsupported Content-Type header",
        },
    ),
    prefixes=(BASE,),
)
BASIC = [Credential.BASIC]


def accepts_json(request: Request, _params: RequestParams) -> None:
    """406 unless the Accept header (if any) allows application/json with a q above 0."""
    header = request.headers.get("accept", "").strip()
    if not header:
        return
    for media_range in header.split(","):
        kind, *parameters = (part.strip() for part in media_range.split(";"))
        if kind.lower() not in ("application/json", "application/*", "*/*"):
            continue
        if all(_quality(p) > 0 for p in parameters):
            return
    raise NotAcceptable(
        "Invalid Accept header provided. Must be one of the following: 'application/json'"
    )


def _quality(parameter: str) -> float:
    name, _, value = parameter.partition("=")
    if name.strip().lower() != "q":
        return 1.0
    try:
        return float(value)
    except ValueError:
        return 0.0


def sends_json(request: Request, params: RequestParams) -> None:
    """415 for a body that is not labelled application/json (a bodiless request is fine)."""
    if not params.raw.strip():
        return
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise UnsupportedMediaType(
            "Unsupported Content-Type header provided. "
            "Must be one of the following: 'application/json'"
        )


def _json_object(params: RequestParams) -> dict[str, Any] | None:
    if not params.raw.strip():
        return None
    if not params.body_was_json or not isinstance(params.json_body, dict):
        raise InvalidParameters("The request body must be a JSON object")
    return params.json_body


def _application_body(ctx: Ctx, app: Application, private_key: str | None = None) -> dict[str, Any]:
    keys = {"public_key": app.public_key}
    if private_key is not None:
        keys["private_key"] = private_key
    return {
        "id": app.id,
        "name": app.name,
        "keys": keys,
        "privacy": app.privacy,
        "capabilities": app.capabilities,
        "_links": {"self": {"href": ctx.url(f"{BASE}/{app.id}")}},
    }


def _page_links(ctx: Ctx, page: Page) -> dict[str, Any]:
    def href(number: int | None) -> dict[str, str]:
        query = f"?page_size={page.page_size}"
        if number is not None:
            query += f"&page={number}"
        return {"href": ctx.url(f"{BASE}{query}")}

    links = {"self": href(page.page), "first": href(None), "last": href(page.total_pages)}
    if page.page > 1:
        links["prev"] = href(min(page.page - 1, page.total_pages))
    if page.page < page.total_pages:
        links["next"] = href(page.page + 1)
    return links


def list_application(ctx: Ctx) -> dict[str, Any]:
    number, size = parse_page_query(ctx.params.query.get("page"), ctx.params.query.get("page_size"))
    page = service.list_applications(ctx.tx, ctx.api_key, number, size)
    return {
        "page_size": page.page_size,
        "page": page.page,
        "total_items": page.total_items,
        "total_pages": page.total_pages,
        "_embedded": {"applications": [_application_body(ctx, a) for a in page.applications]},
        "_links": _page_links(ctx, page),
    }


def create_application(ctx: Ctx) -> Response:
    app, private_key = service.create_application(
        ctx.tx, ctx.services.ids, ctx.services.clock, ctx.api_key, _json_object(ctx.params)
    )
    return VonageJSON(_application_body(ctx, app, private_key), status_code=201)


def get_application(ctx: Ctx) -> dict[str, Any]:
    app = service.get_application(ctx.tx, ctx.api_key, ctx.path["id"])
    return _application_body(ctx, app)


def update_application(ctx: Ctx) -> dict[str, Any]:
    app = service.update_application(ctx.tx, ctx.api_key, ctx.path["id"], _json_object(ctx.params))
    return _application_body(ctx, app)


def delete_application(ctx: Ctx) -> Response:
    service.delete_application(ctx.tx, ctx.api_key, ctx.path["id"])
    return no_content()


def routes() -> list[Any]:
    reads = {"auth": BASIC, "checks": [accepts_json]}
    writes = {"auth": BASIC, "checks": [accepts_json, sends_json]}
    return [
        route(APPLICATIONS, BASE, ["GET"], list_application, **reads),
        route(APPLICATIONS, BASE, ["POST"], create_application, **writes),
        route(APPLICATIONS, f"{BASE}/{{id}}", ["GET"], get_application, **reads),
        route(APPLICATIONS, f"{BASE}/{{id}}", ["PUT"], update_application, **writes),
        route(APPLICATIONS, f"{BASE}/{{id}}", ["DELETE"], delete_application, **reads),
    ]


def register_jobs(services: Services) -> None:
    """No work for later: every answer is made in its request."""


APIS = [APPLICATIONS]
