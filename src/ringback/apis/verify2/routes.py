"""Verify v2 (`/v2/verify`): start, check, cancel, next_workflow, the silent-auth check URL,
and templates with their fragments. Basic or an application JWT (reference 000); rate rule
`verify`; errors as verify.v2.yml (`errors.py`)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ringback.apis.endpoint import Api, Ctx, render_error, route, services_of
from ringback.apis.services import Services
from ringback.apis.verify2 import schemas, service, templates
from ringback.apis.verify2.errors import VERIFY2_STYLE, invalid_params
from ringback.core.errors import RingbackError
from ringback.platform.auth import Credential
from ringback.state.jobs import Job
from ringback.state.store import Tx

VERIFY2 = Api("verify2", VERIFY2_STYLE, prefixes=("/v2/verify",))
AUTH = (Credential.BASIC, Credential.JWT)
OPTIONS: dict[str, Any] = {"auth": AUTH, "rate_limit": "verify"}


def _body(ctx: Ctx) -> Any:
    return ctx.params.json_body if ctx.params.json_body is not None else ctx.params.body


def _base(ctx: Ctx) -> str:
    return ctx.url("").rstrip("/")


def start(ctx: Ctx) -> dict[str, Any]:
    new = schemas.new_request(_body(ctx))
    return service.start(
        ctx.tx, ctx.services, ctx.api_key, ctx.principal.application_id, new, _base(ctx)
    )


def check(ctx: Ctx) -> dict[str, Any] | Response:
    body = _body(ctx)
    code = body.get("code") if isinstance(body, dict) else None
    if not isinstance(code, str) or not code:
        raise invalid_params([("code", "is required")])
    answer = service.check(ctx.tx, ctx.services, ctx.api_key, ctx.path["request_id"], code)
    if isinstance(answer, RingbackError):
        return render_error(VERIFY2, ctx.services, answer)
    return answer


def cancel(ctx: Ctx) -> Response:
    service.cancel(ctx.tx, ctx.services, ctx.api_key, ctx.path["request_id"])
    return Response(status_code=204)


def next_workflow(ctx: Ctx) -> Response:
    service.next_workflow(ctx.tx, ctx.services, ctx.api_key, ctx.path["request_id"])
    return Response(status_code=200)


async def silent_auth_redirect(request: Request) -> Response:
    """The check URL the handset opens: no credentials (the device has none), the request id
    is the secret. Answers the code as JSON, or redirects to the workflow's redirect_url with
    `request_id` and `code` in the fragment."""
    services = services_of(request)
    request_id = request.path_params["request_id"]
    try:
        code, redirect = await services.store.transact(
            lambda tx: service.silent_auth_opened(tx, services, request_id)
        )
    except RingbackError as error:
        return render_error(VERIFY2, services, error)
    if redirect:
        return RedirectResponse(f"{redirect}#request_id={request_id}&code={code}", status_code=302)
    return JSONResponse({"request_id": request_id, "code": code})


def _paging(ctx: Ctx) -> tuple[int, int]:
    return templates.paging({n: ctx.params.text(n) for n in ("page", "page_size")})


def list_templates(ctx: Ctx) -> dict[str, Any]:
    page, size = _paging(ctx)
    return templates.list_templates(ctx.tx, ctx.api_key, page, size, _base(ctx))


def create_template(ctx: Ctx) -> dict[str, Any]:
    made = templates.create(ctx.tx, ctx.services.ids, ctx.services.clock, ctx.api_key, _body(ctx))
    return templates.template_view(made, _base(ctx))


def get_template(ctx: Ctx) -> dict[str, Any]:
    found = templates.owned(ctx.tx, ctx.api_key, ctx.path["template_id"])
    return templates.template_view(found, _base(ctx))


def update_template(ctx: Ctx) -> dict[str, Any]:
    changed = templates.update(ctx.tx, ctx.api_key, ctx.path["template_id"], _body(ctx))
    return templates.template_view(changed, _base(ctx))


def delete_template(ctx: Ctx) -> Response:
    templates.delete(ctx.tx, ctx.api_key, ctx.path["template_id"])
    return Response(status_code=204)


def list_fragments(ctx: Ctx) -> dict[str, Any]:
    page, size = _paging(ctx)
    return templates.list_fragments(
        ctx.tx, ctx.api_key, ctx.path["template_id"], page, size, _base(ctx)
    )


def create_fragment(ctx: Ctx) -> dict[str, Any]:
    made = templates.create_fragment(
        ctx.tx, ctx.services.ids, ctx.services.clock, ctx.api_key, ctx.path["template_id"],
        _body(ctx),
    )  # fmt: skip
    return templates.fragment_view(made, _base(ctx))


def get_fragment(ctx: Ctx) -> dict[str, Any]:
    found = templates.owned_fragment(
        ctx.tx, ctx.api_key, ctx.path["template_id"], ctx.path["fragment_id"]
    )
    return templates.fragment_view(found, _base(ctx))


def update_fragment(ctx: Ctx) -> dict[str, Any]:
    changed = templates.update_fragment(
        ctx.tx, ctx.services.clock, ctx.api_key, ctx.path["template_id"],
        ctx.path["fragment_id"], _body(ctx),
    )  # fmt: skip
    return templates.fragment_view(changed, _base(ctx))


def delete_fragment(ctx: Ctx) -> Response:
    templates.delete_fragment(ctx.tx, ctx.api_key, ctx.path["template_id"], ctx.path["fragment_id"])
    return Response(status_code=204)


def routes() -> list[BaseRoute]:
    t = "/v2/verify/templates"
    one = t + "/{template_id}"
    frags = one + "/template_fragments"
    frag = frags + "/{fragment_id}"
    return [
        route(VERIFY2, t, ["GET"], list_templates, **OPTIONS),
        route(VERIFY2, t, ["POST"], create_template, **OPTIONS),
        route(VERIFY2, one, ["GET"], get_template, **OPTIONS),
        route(VERIFY2, one, ["PATCH"], update_template, **OPTIONS),
        route(VERIFY2, one, ["DELETE"], delete_template, **OPTIONS),
        route(VERIFY2, frags, ["GET"], list_fragments, **OPTIONS),
        route(VERIFY2, frags, ["POST"], create_fragment, **OPTIONS),
        route(VERIFY2, frag, ["GET"], get_fragment, **OPTIONS),
        route(VERIFY2, frag, ["PATCH"], update_fragment, **OPTIONS),
        route(VERIFY2, frag, ["DELETE"], delete_fragment, **OPTIONS),
        route(VERIFY2, "/v2/verify", ["POST"], start, status_code=202, **OPTIONS),
        Route(
            "/v2/verify/{request_id}/silent-auth/redirect", silent_auth_redirect, methods=["GET"]
        ),
        route(VERIFY2, "/v2/verify/{request_id}/next_workflow", ["POST"], next_workflow, **OPTIONS),
        route(VERIFY2, "/v2/verify/{request_id}", ["POST"], check, **OPTIONS),
        route(VERIFY2, "/v2/verify/{request_id}", ["DELETE"], cancel, **OPTIONS),
    ]


def register_jobs(services: Services) -> None:
    """`verify2.step`: a channel's timeout moves the workflow on (a sync job)."""

    def step(tx: Tx, job: Job) -> None:
        service.on_step_due(tx, services, job.payload)

    services.scheduler.register_sync(service.STEP_JOB, step)


APIS = [VERIFY2]
