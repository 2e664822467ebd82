from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ringback.apis.account import service
from ringback.apis.endpoint import Api, Ctx, route
from ringback.apis.services import Services
from ringback.core.error_styles import ErrorCodeStyle, ProblemStyle
from ringback.core.errors import InvalidParameter, InvalidParameters
from ringback.core.responses import VonageJSON, no_content
from ringback.platform.auth import Credential
from ringback.state.accounts import ApiSecret

# rest.nexmo.com/account/*: `api_key`/`api_secret` parameters, or Basic (the SDKs send Basic)
ACCOUNT = Api(
    "account",
    ErrorCodeStyle(),
    prefixes=("/account/get-balance", "/account/top-up", "/account/settings"),
)
# api.nexmo.com/accounts/{api_key}/secrets: Basic only, problem bodies
SECRETS = Api(
    "secrets",
    ProblemStyle(titles={"unauthorized": "Unauthorized"}),
    prefixes=("/accounts/",),
)
KEY_OR_PARAMS = (Credential.BASIC, Credential.PARAMS)


def get_balance(ctx: Ctx) -> dict[str, Any]:
    return service.balance(ctx.principal.account)


def top_up(ctx: Ctx) -> dict[str, Any]:
    service.top_up(ctx.tx, ctx.services.billing, ctx.principal.account, ctx.params.text("trx"))
    return {"error-code": "200", "error-code-label": "success"}


def change_settings(ctx: Ctx) -> dict[str, Any]:
    # the spec spells them moCallBackUrl/drCallBackUrl, the Python SDK moCallbackUrl
    mo = ctx.params.text("moCallBackUrl")
    mo = mo if mo is not None else ctx.params.text("moCallbackUrl")
    dr = ctx.params.text("drCallBackUrl")
    dr = dr if dr is not None else ctx.params.text("drCallbackUrl")
    account = service.change_settings(ctx.tx, ctx.principal.account, mo, dr)
    limits = ctx.services.limits.rules
    return service.settings_body(
        account,
        max_outbound=limits["sms"].amount if "sms" in limits else 30,
        max_calls=limits["sms"].amount if "sms" in limits else 30,
    )


def _secret_body(ctx: Ctx, secret: ApiSecret) -> dict[str, Any]:
    return {
        "_links": {"self": {"href": f"/accounts/{secret.api_key}/secrets/{secret.id}"}},
        "id": secret.id,
        "created_at": service.iso(secret.created_at),
    }


def retrieve_api_secrets(ctx: Ctx) -> dict[str, Any]:
    api_key = ctx.path["api_key"]
    secrets = service.list_secrets(ctx.tx, ctx.principal.account, api_key)
    return {
        "_links": {"self": {"href": f"/accounts/{api_key}/secrets"}},
        "_embedded": {"secrets": [_secret_body(ctx, s) for s in secrets]},
    }


def create_api_secret(ctx: Ctx) -> Response:
    body = ctx.params.json_body
    if not isinstance(body, dict) or "secret" not in body:
        raise InvalidParameters(
            "The request failed due to secret validation errors",
            slug=f"{service.SECRETS_DOCS}#validation",
            invalid_parameters=[InvalidParameter("secret", "is required")],
        )
    secret = service.create_secret(
        ctx.tx,
        ctx.services.ids,
        ctx.services.clock,
        ctx.principal.account,
        ctx.path["api_key"],
        body["secret"],
    )
    return VonageJSON(_secret_body(ctx, secret), status_code=201)


def retrieve_api_secret(ctx: Ctx) -> dict[str, Any]:
    secret = service.get_secret(
        ctx.tx, ctx.principal.account, ctx.path["api_key"], ctx.path["secret_id"]
    )
    return _secret_body(ctx, secret)


def revoke_api_secret(ctx: Ctx) -> Response:
    service.revoke_secret(ctx.tx, ctx.principal.account, ctx.path["api_key"], ctx.path["secret_id"])
    return no_content()


def routes() -> list[Any]:
    return [
        route(ACCOUNT, "/account/get-balance", ["GET"], get_balance, auth=KEY_OR_PARAMS),
        route(ACCOUNT, "/account/top-up", ["POST"], top_up, auth=KEY_OR_PARAMS),
        route(ACCOUNT, "/account/settings", ["POST"], change_settings, auth=KEY_OR_PARAMS),
        route(
            SECRETS,
            "/accounts/{api_key}/secrets",
            ["GET"],
            retrieve_api_secrets,
            auth=[Credential.BASIC],
        ),
        route(
            SECRETS,
            "/accounts/{api_key}/secrets",
            ["POST"],
            create_api_secret,
            auth=[Credential.BASIC],
        ),
        route(
            SECRETS,
            "/accounts/{api_key}/secrets/{secret_id}",
            ["GET"],
            retrieve_api_secret,
            auth=[Credential.BASIC],
        ),
        route(
            SECRETS,
            "/accounts/{api_key}/secrets/{secret_id}",
            ["DELETE"],
            revoke_api_secret,
            auth=[Credential.BASIC],
        ),
    ]


def register_jobs(services: Services) -> None:
    """No work for later: every answer is made in its request."""


APIS = [ACCOUNT, SECRETS]
