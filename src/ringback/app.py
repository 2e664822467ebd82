"""Composition root: build the shared parts, mount every API and the control API."""

from __future__ import annotations

import json
import logging
from decimal import Decimal

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ringback.apis import registry
from ringback.apis.endpoint import Api, render_error
from ringback.apis.services import Services
from ringback.config import Settings
from ringback.control import routes as control_routes
from ringback.control.guard import ControlGuard, is_guarded
from ringback.core.changes import Changes
from ringback.core.clock import Clock, ClockState
from ringback.core.error_styles import ProblemStyle
from ringback.core.errors import MethodNotAllowed, NotFound, RingbackError
from ringback.core.ids import Ids
from ringback.core.prices import PriceList
from ringback.core.private_files import make_private_dir
from ringback.core.ratelimit import RateLimits
from ringback.fast_paths import FastPaths
from ringback.network.delivery.pipeline import DeliveryPipeline, NetworkParts
from ringback.network.verification import CodeDelivery
from ringback.platform.auth import Authenticator, AuthMode
from ringback.platform.billing import Billing
from ringback.platform.provisioning import ensure_default_account
from ringback.scheduler.runner import Scheduler
from ringback.state.accounts import Account
from ringback.state.backend import open_store
from ringback.webhooks.dispatcher import Dispatcher

log = logging.getLogger("ringback")

FALLBACK_API = Api("unknown", ProblemStyle())


def build_services(settings: Settings) -> Services:
    if settings.database != ":memory:":
        make_private_dir(settings.data_dir)
    store = open_store(
        settings.database_path,
        synchronous=settings.sqlite_synchronous,
        snapshot_dir=settings.data_dir / "snapshots",
    )
    store.migrate()
    clock = Clock()
    saved_clock = store.get_meta("clock")
    if saved_clock:
        clock.set_state(ClockState(**json.loads(saved_clock)))
    ids = Ids(settings.seed)
    changes = Changes()
    services = Services(
        settings=settings,
        store=store,
        clock=clock,
        ids=ids,
        auth=Authenticator(clock, AuthMode(settings.auth_mode)),
        limits=RateLimits(settings.rate_limits, settings.rate_limit_overrides),
        billing=Billing(PriceList.load(settings.prices), clock),
        scheduler=Scheduler(store, clock, settings.scheduler_interval),
        webhooks=Dispatcher(
            store,
            clock,
            concurrency=settings.webhook_concurrency,
            connect_timeout=settings.webhook_connect_timeout,
            response_timeout=settings.webhook_response_timeout,
            pipeline=settings.webhook_pipeline,
            changes=changes,
        ),
        changes=changes,
    )
    network = NetworkParts(services.billing, clock, ids, changes)
    services.delivery = DeliveryPipeline(services.scheduler, network)
    services.verification = CodeDelivery(
        services.delivery, services.scheduler, services.clock, services.ids, services.changes
    )
    registry.register_jobs(services)
    return services


def bootstrap_default_account(services: Services) -> tuple[Account, str]:
    settings = services.settings
    with services.store.begin() as tx:
        return ensure_default_account(
            tx,
            services.ids,
            services.clock,
            settings.data_dir / "credentials.json",
            settings.api_key,
            settings.api_secret,
            Decimal(settings.default_balance),
        )


def api_for_path(path: str) -> Api:
    for api in registry.APIS:
        if any(path.startswith(prefix) for prefix in api.prefixes):
            return api
    return FALLBACK_API


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    error: RingbackError
    if exc.status_code == 405:
        error = MethodNotAllowed("Request method not allowed")
    elif exc.status_code == 404:
        error = NotFound("The requested resource does not exist")
    else:
        error = RingbackError(exc.detail)
        error.status = exc.status_code
    return render_error(api_for_path(request.url.path), request.app.state.services, error)


class TrailingSlash:
    """Vonage treats `/v1/calls/` as `/v1/calls`; so does Ringback (no redirect). A `%00` in
    the path becomes U+FFFD: no id holds a NUL, so the lookup answers the API's own 404 (a NUL
    reaching PostgreSQL's text would be a 500)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            if "\x00" in path:
                path = path.replace("\x00", "\ufffd")
                scope = {**scope, "path": path}
            if len(path) > 1 and path.endswith("/"):
                scope = {**scope, "path": path.rstrip("/") or "/"}
        await self.app(scope, receive, send)


def create_app(services: Services) -> ASGIApp:
    vonage = registry.routes()
    routes = [*control_routes.routes(), *vonage]
    app = Starlette(
        routes=routes,
        exception_handlers={404: http_error, 405: http_error},
    )
    app.state.services = services
    app.router.redirect_slashes = False
    # the Vonage endpoints at exact paths skip Starlette's route list (fast_paths.py) and the
    # two middlewares, which would not change them: no trailing slash or NUL, not guarded
    direct = [r for r in vonage if isinstance(r, Route) and _untouched(r.path)]
    return FastPaths(app, direct, rest=TrailingSlash(ControlGuard(app, services)))


def _untouched(path: str) -> bool:
    return not (path.endswith("/") or "\x00" in path or is_guarded(path))
