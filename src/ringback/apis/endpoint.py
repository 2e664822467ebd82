"""One wrapper every Vonage endpoint goes through: parse, authenticate, rate-limit, run the
handler in one transaction, and render any error in the style of the API at hand."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ringback.apis.services import Services
from ringback.core.caller import note_caller
from ringback.core.error_styles import ErrorStyle
from ringback.core.errors import InternalError, RingbackError, ServiceUnavailable
from ringback.core.request_params import ClientGone, RequestParams, path_text, read_params
from ringback.core.responses import VonageJSON
from ringback.platform.auth import AuthRefused, AuthRequest, Credential, Principal
from ringback.state.store import Tx, describe, unavailable

log = logging.getLogger("ringback.api")


@dataclass(frozen=True)
class Api:
    name: str
    style: ErrorStyle
    # path prefixes this API owns, so unknown paths and methods get its error shape
    prefixes: tuple[str, ...] = ()


@dataclass
class Ctx:
    request: Request
    params: RequestParams
    principal: Principal
    services: Services
    tx: Tx

    @property
    def path(self) -> dict[str, Any]:
        return self.request.path_params

    @property
    def api_key(self) -> str:
        return self.principal.api_key

    def url(self, path: str) -> str:
        """An absolute URL on the host the client called (SDKs follow `_links` as given)."""
        return f"{self.request.url.scheme}://{self.request.url.netloc}{path}"


Handler = Callable[[Ctx], Response | dict[str, Any]]
RequestCheck = Callable[[Request, RequestParams], None]


def services_of(request: Request) -> Services:
    services = request.app.state.services
    assert isinstance(services, Services)
    return services


def render_error(api: Api, services: Services, error: RingbackError) -> Response:
    return api.style.render(error, services.ids.instance())


def endpoint(
    api: Api,
    handler: Handler,
    *,
    auth: Sequence[Credential],
    rate_limit: str | None = None,
    checks: Sequence[RequestCheck] = (),
    sdk_signed_fields: tuple[str, ...] = (),
    status_code: int = 200,
) -> Callable[[Request], Awaitable[Response]]:
    accepted = frozenset(auth)

    async def run(request: Request) -> Response:
        services = services_of(request)
        try:
            params = await read_params(request)
            for check in checks:
                check(request, params)
            auth_request = AuthRequest(
                api=api.name,
                method=request.method,
                path=path_text(request),
                authorization=request.headers.get("authorization"),
                params=params,
                accepted=accepted,
                sdk_signed_fields=sdk_signed_fields,
                cross_site=request.headers.get("sec-fetch-site", "").lower() == "cross-site",
            )

            counted = False  # in memory: kept if this runs again (a lock wait on PostgreSQL)

            def authenticated(tx: Tx) -> Response | dict[str, Any] | AuthRefused:
                nonlocal counted
                outcome = services.auth.authenticate(tx, auth_request)
                if isinstance(outcome, AuthRefused):
                    return outcome  # its auth-log row is committed with the others
                note_caller(
                    request.scope.setdefault("state", {}), outcome.api_key, outcome.credential.value
                )
                if rate_limit and not counted:
                    counted = services.limits.hit(rate_limit, outcome.api_key, tx)
                return handler(Ctx(request, params, outcome, services, tx))

            # the request's one transaction: on SQLite in this turn's commit group (the answer
            # waits for its commit), on PostgreSQL on a worker thread (`Store.transact`)
            result = await services.store.transact(authenticated)
            if isinstance(result, AuthRefused):
                raise result
            if isinstance(result, Response):
                return result
            return VonageJSON(result, status_code=status_code)
        except RingbackError as error:
            return render_error(api, services, error)
        except ClientGone:
            return Response(status_code=400)  # nobody is there to read it
        except Exception as exc:
            if unavailable(exc):  # no traceback: the log says it once (Outage), 503 says retry
                log.debug("database unavailable on %s: %s", request.url.path, describe(exc))
                return render_error(api, services, ServiceUnavailable.database())
            log.exception("unexpected error on %s %s", request.method, request.url.path)
            return render_error(api, services, InternalError("An internal error occurred"))

    return run


def route(
    api: Api,
    path: str,
    methods: list[str],
    handler: Handler,
    **options: Any,
) -> Route:
    return Route(path, endpoint(api, handler, **options), methods=methods, name=handler.__name__)
