"""GET /_ringback/credentials/check: which account (and application) a credential is.

It accepts every credential kind Vonage has, with the same checks the APIs make, so a user can
see why their JWT or signature is refused without reading server logs.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ringback.apis.endpoint import Ctx, route
from ringback.control.common import CONTROL
from ringback.platform.auth import Credential


def check_credentials(ctx: Ctx) -> dict[str, Any]:
    return {
        "api_key": ctx.principal.api_key,
        "credential": ctx.principal.credential.value,
        "application_id": ctx.principal.application_id,
    }


ALL = [Credential.SIGNATURE, Credential.PARAMS, Credential.BASIC, Credential.JWT]


def routes() -> list[Route]:
    return [
        route(
            CONTROL, "/_ringback/credentials/check", ["GET", "POST"], check_credentials, auth=ALL
        ),
    ]
