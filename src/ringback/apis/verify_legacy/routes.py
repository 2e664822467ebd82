"""Verify (legacy), api.nexmo.com/verify: request, check, search, control, PSD2 and network
unblock. Each answers `json` or `xml` (the path's format, which also shapes its errors), to
GET and to POST ("this endpoint is available by GET request as well as POST", verify.yml);
PSD2 has no XML ("XML format is not supported for the Payment Services Directive endpoint").
Auth: the key and secret as Basic (the SDKs) or as `api_key`/`api_secret` parameters
(verify.yml's security). Rate rule `verify`, 30 requests/s per key.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import Response
from starlette.routing import BaseRoute

from ringback.apis.endpoint import Api, Ctx, Handler, route
from ringback.apis.services import Services
from ringback.apis.verify_legacy import schemas, service, unblock, wire
from ringback.apis.verify_legacy.errors import INVALID, SUCCESS, VerifyErrorStyle, VerifyRefused
from ringback.platform.auth import Credential
from ringback.state.jobs import Job
from ringback.state.store import Tx

AUTH = (Credential.BASIC, Credential.PARAMS)
METHODS = ["GET", "POST"]
RULE = "verify"
SHAPES = ("request", "check", "search", "control")
FORMATS = ("json", "xml")


def _api(shape: str, fmt: str, prefixes: tuple[str, ...] = ()) -> Api:
    return Api("verify-legacy", VerifyErrorStyle(shape, xml=fmt == "xml"), prefixes)


APIS_BY_SHAPE = {(shape, fmt): _api(shape, fmt) for shape in SHAPES for fmt in FORMATS}
VERIFY = _api("request", "json", prefixes=("/verify/",))
UNBLOCK = Api("verify-legacy", unblock.UNBLOCK_STYLE)


def request_handler(fmt: str) -> Handler:
    def handler(ctx: Ctx) -> Response:
        ask = schemas.start_request(ctx.params)
        request_id = service.start(ctx.tx, ctx.services, ctx.api_key, ask)
        body = {"request_id": request_id, "status": SUCCESS}
        return wire.answer(body, "request", xml=fmt == "xml")

    handler.__name__ = f"verify_request_{fmt}"
    return handler


def psd2_handler(ctx: Ctx) -> Response:
    ask = schemas.psd2_request(ctx.params)
    request_id = service.start(ctx.tx, ctx.services, ctx.api_key, ask)
    return wire.answer({"request_id": request_id, "status": SUCCESS}, "request", xml=False)


def psd2_xml(ctx: Ctx) -> Response:
    raise VerifyRefused(INVALID, "XML format is not supported for PSD2 requests")


def check_handler(fmt: str) -> Handler:
    def handler(ctx: Ctx) -> Response:
        request_id, code = schemas.check_request(ctx.params)
        checked = service.check(ctx.tx, ctx.services, ctx.api_key, request_id, code)
        if isinstance(checked, VerifyRefused):
            return APIS_BY_SHAPE["check", fmt].style.render(checked, "")
        body = {
            "request_id": checked.request_id,
            "event_id": checked.event_id,
            "status": SUCCESS,
            "price": checked.price,
            "currency": service.CURRENCY,
            "estimated_price_messages_sent": checked.estimated_price_messages_sent,
        }
        return wire.answer(body, "check", xml=fmt == "xml")

    handler.__name__ = f"verify_check_{fmt}"
    return handler


def _repeated_ids(ctx: Ctx) -> list[str]:
    """`request_ids` as the SDK sends it (repeated in the query), in a form body, or a JSON
    list; `request_ids[]` too (PHP-style clients)."""
    names = ("request_ids", "request_ids[]")
    found = [v for name in names for v in ctx.request.query_params.getlist(name)]
    if ctx.params.body_was_json:
        value = ctx.params.body.get("request_ids")
        if isinstance(value, list):
            found += [str(v) for v in value if isinstance(v, (str, int))]
        elif isinstance(value, str):
            found.append(value)
    elif ctx.params.raw.strip():
        text = ctx.params.raw.decode("utf-8", "replace")
        found += [v for k, v in parse_qsl(text, keep_blank_values=True) if k in names]
    return found


def search_handler(fmt: str) -> Handler:
    def handler(ctx: Ctx) -> Response:
        ids, many = schemas.search_ids(ctx.params, _repeated_ids(ctx))
        found = service.search(ctx.tx, ctx.services, ctx.api_key, ids)
        if not found:
            raise VerifyRefused("101")
        body: dict[str, Any] = {"verification_requests": found} if many else found[0]
        return wire.answer(body, "search", xml=fmt == "xml")

    handler.__name__ = f"verify_search_{fmt}"
    return handler


def control_handler(fmt: str) -> Handler:
    def handler(ctx: Ctx) -> Response:
        request_id, cmd = schemas.control_request(ctx.params)
        service.control(ctx.tx, ctx.services, ctx.api_key, request_id, cmd)
        return wire.answer({"status": SUCCESS, "command": cmd}, "control", xml=fmt == "xml")

    handler.__name__ = f"verify_control_{fmt}"
    return handler


def unknown_format(ctx: Ctx) -> Response:
    raise VerifyRefused(INVALID, "Invalid value for param: format")


def network_unblock(ctx: Ctx) -> dict[str, Any]:
    return unblock.unblock(ctx.params, ctx.services.clock.now())


def routes() -> list[BaseRoute]:
    found: list[BaseRoute] = [
        route(UNBLOCK, "/verify/network-unblock", ["POST"], network_unblock, auth=AUTH,
              rate_limit=RULE, status_code=202),
        route(APIS_BY_SHAPE["request", "json"], "/verify/psd2/json", METHODS, psd2_handler,
              auth=AUTH, rate_limit=RULE),
        route(APIS_BY_SHAPE["request", "xml"], "/verify/psd2/xml", METHODS, psd2_xml,
              auth=AUTH, rate_limit=RULE),
    ]  # fmt: skip
    makers = {"check": check_handler, "search": search_handler, "control": control_handler}
    for shape, make in makers.items():
        for fmt in FORMATS:
            found.append(
                route(APIS_BY_SHAPE[shape, fmt], f"/verify/{shape}/{fmt}", METHODS, make(fmt),
                      auth=AUTH, rate_limit=RULE)
            )  # fmt: skip
        found.append(
            route(APIS_BY_SHAPE[shape, "json"], f"/verify/{shape}/{{format}}", METHODS,
                  unknown_format, auth=AUTH, rate_limit=RULE)
        )  # fmt: skip
    for fmt in FORMATS:
        found.append(
            route(APIS_BY_SHAPE["request", fmt], f"/verify/{fmt}", METHODS, request_handler(fmt),
                  auth=AUTH, rate_limit=RULE)
        )  # fmt: skip
    found.append(
        route(VERIFY, "/verify/{format}", METHODS, unknown_format, auth=AUTH, rate_limit=RULE)
    )
    return found


def register_jobs(services: Services) -> None:
    def step(tx: Tx, job: Job) -> None:
        service.run_step(tx, services, job)

    services.scheduler.register_sync(service.STEP_JOB, step)


APIS: list[Api] = [VERIFY, UNBLOCK, *APIS_BY_SHAPE.values()]
