"""rest.nexmo.com/account/get-*-pricing/outbound/{type} (pricing.yml): one request a second."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute

from ringback.apis.endpoint import Api, Ctx, route
from ringback.apis.pricing import service
from ringback.apis.pricing.errors import PricingErrorStyle
from ringback.apis.services import Services
from ringback.platform.auth import Credential

PRICING = Api(
    "pricing",
    PricingErrorStyle(),
    prefixes=("/account/get-pricing", "/account/get-full-pricing", "/account/get-prefix-pricing"),
)
# the spec has api_key/api_secret query parameters; the SDKs send Basic
AUTH = (Credential.BASIC, Credential.PARAMS)


def retrieve_pricing_country(ctx: Ctx) -> dict[str, Any]:
    return service.country_pricing(
        ctx.services.billing.prices, ctx.path["type"], ctx.params.text("country")
    )


def retrieve_pricing_all_countries(ctx: Ctx) -> dict[str, Any]:
    return service.all_countries_pricing(ctx.services.billing.prices, ctx.path["type"])


def retrieve_prefix_pricing(ctx: Ctx) -> dict[str, Any]:
    return service.prefix_pricing(
        ctx.services.billing.prices, ctx.path["type"], ctx.params.text("prefix")
    )


def routes() -> list[BaseRoute]:
    options: dict[str, Any] = {"auth": AUTH, "rate_limit": "pricing"}
    return [
        route(
            PRICING,
            "/account/get-pricing/outbound/{type}",
            ["GET"],
            retrieve_pricing_country,
            **options,
        ),
        route(
            PRICING,
            "/account/get-full-pricing/outbound/{type}",
            ["GET"],
            retrieve_pricing_all_countries,
            **options,
        ),
        route(
            PRICING,
            "/account/get-prefix-pricing/outbound/{type}",
            ["GET"],
            retrieve_prefix_pricing,
            **options,
        ),
    ]


def register_jobs(services: Services) -> None:
    """No work for later: every answer is made in its request."""


APIS = [PRICING]
