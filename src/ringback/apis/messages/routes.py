"""The Messages API (api.nexmo.com/v1/messages): POST sends on any channel."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ringback.apis.endpoint import Api, Ctx, route
from ringback.apis.messages import service, update
from ringback.apis.messages.errors import MessagesErrorStyle, MessagesProblem
from ringback.apis.messages.failover import Failover
from ringback.apis.messages.media import MEDIA, download
from ringback.apis.messages.request import CHANNELS, MessageInvalid
from ringback.apis.messages.statuses import READ_JOB, MessagesStatusWriter
from ringback.apis.messages.validation import read_message
from ringback.apis.services import Services
from ringback.core.errors import InvalidParameter, InvalidParameters, UnsupportedMediaType
from ringback.core.request_params import RequestParams
from ringback.core.responses import VonageJSON
from ringback.platform.auth import Credential

MESSAGES = Api("messages", MessagesErrorStyle(), prefixes=("/v1/messages",))
AUTH = (Credential.JWT, Credential.BASIC)


def _json_only(request: Request, params: RequestParams) -> None:
    """A JSON object, labelled JSON (the spec's only request body)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type != "application/json" and not content_type.endswith("+json"):
        raise UnsupportedMediaType(
            f"Content-Type {content_type} is not supported; send application/json"
        )
    if not params.body_was_json or not isinstance(params.json_body, dict):
        raise InvalidParameters("The request body must be a JSON object")


def writer_of(services: Services) -> MessagesStatusWriter:
    """The status writer, with the failover hook that sends a workflow's next entry."""
    plain = MessagesStatusWriter(services.webhooks, services.scheduler)
    return replace(plain, failover=Failover(services, plain))


def send_message(ctx: Ctx) -> Response:
    settings = service.check_application(ctx.tx, ctx.principal)
    try:
        request = read_message(ctx.params.json_body)
    except MessageInvalid as invalid:
        raise MessagesProblem(
            invalid.code,
            invalid.title,
            invalid.detail,
            [InvalidParameter(p.name, p.reason) for p in invalid.invalid_parameters],
        ) from None
    writer = writer_of(ctx.services)
    if request.failover:
        message_uuid, workflow_id = Failover(ctx.services, writer).start(
            ctx.tx, ctx.principal, request
        )
        body = {"message_uuid": message_uuid, "workflow_id": workflow_id}
        return VonageJSON(body, status_code=202)
    message = service.send(ctx.tx, ctx.services, writer, ctx.principal, request, settings=settings)
    return VonageJSON({"message_uuid": message.message_id}, status_code=202)


def update_message(ctx: Ctx) -> Response:
    body = ctx.params.json_body
    assert isinstance(body, dict)  # _json_only
    update.update(
        ctx.tx, ctx.services, writer_of(ctx.services), ctx.principal, ctx.path["message_uuid"], body
    )
    return Response(status_code=202)


def routes() -> list[Any]:
    return [
        route(
            MESSAGES,
            "/v1/messages",
            ["POST"],
            send_message,
            auth=AUTH,
            rate_limit="messages",
            checks=[_json_only],
        ),
        route(
            MESSAGES,
            "/v1/messages/{message_uuid}",
            ["PATCH"],
            update_message,
            auth=(Credential.JWT,),  # the spec: bearerAuth only
            rate_limit="messages",
            checks=[_json_only],
        ),
        Route("/v3/media/{media_id}", download, methods=["GET"]),
    ]


def register_jobs(services: Services) -> None:
    """A line per channel (the SMS channel's is `messages.sms.deliver`, beside the SMS API's
    own), the one status writer, and the job that reads a message for a handset's profile."""
    writer = writer_of(services)
    for channel in CHANNELS:
        services.delivery.open_line(service.line_kind(channel), channel, writer)
    services.scheduler.register_sync(READ_JOB, writer.read_job)


APIS = [MESSAGES, MEDIA]
