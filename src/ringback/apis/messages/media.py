"""Inbound media: `GET /v3/media/{media_id}` serves a file a handset sent (its URL is in the
inbound webhook, on the host the handset's message reached, as Vonage serves them from
`api-<region>.nexmo.com/v3/media/<id>`). When the receiving application's messages capability
sets `authenticate_inbound_media`, the request needs that application's JWT (Bearer); else
the file is public, as the URL is unguessable."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ringback.apis.endpoint import Api, render_error, services_of
from ringback.core.error_styles import ProblemStyle
from ringback.core.errors import NotFound, RingbackError, Unauthorized
from ringback.core.request_params import RequestParams
from ringback.network.messages_inbound import authenticates_media
from ringback.platform.auth import AuthRefused, AuthRequest, Credential
from ringback.state import inbound_messages as inbound_state
from ringback.state.inbound_messages import Media
from ringback.state.store import Tx

MEDIA = Api(
    "media", ProblemStyle(type_base="https://developer.vonage.com/api-errors"), ("/v3/media",)
)


async def download(request: Request) -> Response:
    services = services_of(request)
    media_id = str(request.path_params["media_id"])
    auth_request = AuthRequest(
        api=MEDIA.name,
        method=request.method,
        path=request.url.path,
        authorization=request.headers.get("authorization"),
        params=RequestParams({}, {}),
        accepted=frozenset({Credential.JWT}),
        sdk_signed_fields=(),
        cross_site=False,
    )

    def find(tx: Tx) -> Media | RingbackError:
        media = inbound_state.get_media(tx, media_id)
        if media is None:
            return NotFound(f"No media {media_id}")
        if authenticates_media(tx, media.api_key, media.application_id):
            principal = services.auth.authenticate(tx, auth_request)
            if isinstance(principal, AuthRefused):
                return principal  # its auth-log row is committed
            if principal.application_id != media.application_id:
                return Unauthorized("The JWT is not of the application that received the media")
        return media

    try:
        found = await services.store.transact(find)
    except RingbackError as error:
        found = error
    if isinstance(found, RingbackError):
        return render_error(MEDIA, services, found)
    name = "".join(
        c for c in found.name or "" if c.isascii() and c.isprintable() and c not in '"\\'
    )
    headers = {"Content-Disposition": f'inline; filename="{name}"'} if name else None
    return Response(found.content, media_type=found.mime_type, headers=headers)
