"""The Numbers API (rest.nexmo.com): search, buy, cancel and update numbers, list owned ones."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ringback.apis.endpoint import Api, Ctx, route
from ringback.apis.numbers import renewals, schemas, service
from ringback.apis.numbers.service import Available, NumberChanges, SearchQuery
from ringback.apis.services import Services
from ringback.core.error_styles import ErrorCodeStyle
from ringback.platform.auth import Credential
from ringback.state.jobs import Job
from ringback.state.numbers import OwnedFilter, OwnedNumber

NUMBERS = Api("numbers", ErrorCodeStyle(), prefixes=("/number/", "/account/numbers"))
KEY_OR_PARAMS = (Credential.BASIC, Credential.PARAMS)
SUCCESS = {"error-code": "200", "error-code-label": "success"}


def cost_text(price: Decimal) -> str:
    """Monthly costs as Vonage writes them: "0.90", "1.25" (more places only if priced so)."""
    return f"{price:.2f}" if price == round(price, 2) else str(price.normalize())


def _available_body(number: Available) -> dict[str, Any]:
    return {
        "country": number.country,
        "msisdn": number.msisdn,
        "type": number.type,
        "cost": cost_text(number.cost),
        "features": list(number.features),
    }


def _owned_body(number: OwnedNumber) -> dict[str, Any]:
    """Unset fields are left out. A linked application shows as the `app` callback of voice
    and messages, unless a SIP/tel forward or an explicit messages app was set."""
    body: dict[str, Any] = {
        "country": number.country,
        "msisdn": number.msisdn,
        "type": number.type,
        "features": list(number.features),
    }
    if number.mo_http_url:
        body["moHttpUrl"] = number.mo_http_url
    if number.messages_callback_value:
        body["messagesCallbackType"] = number.messages_callback_type
        body["messagesCallbackValue"] = number.messages_callback_value
    elif number.app_id:
        body["messagesCallbackType"] = "app"
        body["messagesCallbackValue"] = number.app_id
    if number.voice_callback_value:
        body["voiceCallbackType"] = number.voice_callback_type
        body["voiceCallbackValue"] = number.voice_callback_value
    elif number.app_id:
        body["voiceCallbackType"] = "app"
        body["voiceCallbackValue"] = number.app_id
    if number.voice_status_callback:
        body["voiceStatusCallback"] = number.voice_status_callback
    if number.app_id:
        body["app_id"] = number.app_id
    return body


def _listing(count: int, numbers: list[dict[str, Any]]) -> dict[str, Any]:
    # an empty result has no `numbers` at all (vonage-cli#51; the SDKs read it as optional)
    return {"count": count, "numbers": numbers} if count else {"count": 0}


def search_available_numbers(ctx: Ctx) -> dict[str, Any]:
    params = ctx.params
    query = SearchQuery(
        country=schemas.country(params),
        number_type=schemas.number_type(params),
        features=schemas.features(params),
        pattern=schemas.pattern(params),
        page=schemas.page(params),
    )
    count, numbers = service.search(ctx.tx, ctx.services.billing.prices, query)
    return _listing(count, [_available_body(n) for n in numbers])


def buy_number(ctx: Ctx) -> dict[str, Any]:
    country = schemas.country(ctx.params)
    msisdn = schemas.msisdn(ctx.params)
    service.buy(
        ctx.tx,
        ctx.services.billing,
        ctx.services.scheduler,
        ctx.principal.account,
        country,
        msisdn,
        schemas.optional(ctx.params, "target_api_key", 100),
    )
    return SUCCESS


def cancel_number(ctx: Ctx) -> dict[str, Any]:
    country = schemas.country(ctx.params)
    msisdn = schemas.msisdn(ctx.params)
    target = schemas.optional(ctx.params, "target_api_key", 100)
    service.cancel(ctx.tx, ctx.principal.account, country, msisdn, target)
    return SUCCESS


def update_number(ctx: Ctx) -> dict[str, Any]:
    params = ctx.params
    country = schemas.country(params)
    msisdn = schemas.msisdn(params)
    changes = NumberChanges(
        app_id=schemas.text(params, "app_id", 100),
        mo_http_url=schemas.text(params, "moHttpUrl"),
        mo_smpp_sys_type=schemas.text(params, "moSmppSysType", 100),
        voice_callback_type=schemas.text(params, "voiceCallbackType", 10),
        voice_callback_value=schemas.text(params, "voiceCallbackValue"),
        voice_status_callback=schemas.text(params, "voiceStatusCallback"),
        messages_callback_type=schemas.text(params, "messagesCallbackType", 10),
        messages_callback_value=schemas.text(params, "messagesCallbackValue", 100),
    )
    service.update(ctx.tx, ctx.principal.account, country, msisdn, changes)
    return SUCCESS


def list_owned_numbers(ctx: Ctx) -> dict[str, Any]:
    params = ctx.params
    pattern = schemas.pattern(params)
    where = OwnedFilter(
        country=schemas.country_filter(params),
        application_id=schemas.optional(params, "application_id", 100),
        has_application=schemas.flag(params, "has_application"),
        pattern=pattern.digits,
        search_pattern=pattern.search_pattern,
    )
    count, numbers = service.list_owned(ctx.tx, ctx.principal.account, where, schemas.page(params))
    return _listing(count, [_owned_body(n) for n in numbers])


def routes() -> list[Any]:
    limited = {"auth": KEY_OR_PARAMS, "rate_limit": "numbers"}
    return [
        route(NUMBERS, "/number/search", ["GET"], search_available_numbers, **limited),
        route(NUMBERS, "/number/buy", ["POST"], buy_number, **limited),
        route(NUMBERS, "/number/cancel", ["POST"], cancel_number, **limited),
        route(NUMBERS, "/number/update", ["POST"], update_number, **limited),
        route(
            NUMBERS,
            "/account/numbers",
            ["GET"],
            list_owned_numbers,
            auth=KEY_OR_PARAMS,
            rate_limit="numbers-owned",
        ),
    ]


def register_jobs(services: Services) -> None:
    async def renew_number(job: Job) -> None:
        await services.store.transact(
            renewals.renew, services.billing, services.scheduler, job.payload
        )

    services.scheduler.register(renewals.RENEW_JOB, renew_number)


APIS = [NUMBERS]
