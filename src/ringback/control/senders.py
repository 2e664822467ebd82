"""Senders for the Messages API's WhatsApp, Viber, Messenger and RCS channels, registered to an
account and linked to one of its applications, as the Vonage dashboard's external accounts
(`GET|POST /_ringback/accounts/{api_key}/senders`, `DELETE …/senders/{channel}/{id}`)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ringback.apis.messages.service import REGISTERED_CHANNELS
from ringback.apis.services import Services
from ringback.control.common import control
from ringback.core.errors import Conflict, InvalidParameter, InvalidParameters, NotFound
from ringback.core.responses import VonageJSON
from ringback.network import numbering
from ringback.state import accounts as account_state
from ringback.state import applications as application_state
from ringback.state import message_senders as sender_state
from ringback.state.message_senders import Sender
from ringback.state.store import Tx

FIELDS = {"channel", "id", "application_id", "display_name"}
PHONE_SENDERS = frozenset({"whatsapp", "viber_service", "rcs"})  # ids that are numbers (Viber
# and RCS take a name or agent id too)


def _account(tx: Tx, api_key: str) -> None:
    if account_state.get_account(tx, api_key) is None:
        raise NotFound(f"account {api_key} not found")


def _sender_body(body: dict[str, Any]) -> tuple[str, str, str | None, str | None]:
    problems = [InvalidParameter(k, "is not a field of a sender") for k in body if k not in FIELDS]
    channel = body.get("channel")
    if not isinstance(channel, str) or channel not in REGISTERED_CHANNELS:
        names = ", ".join(sorted(REGISTERED_CHANNELS))
        problems.append(InvalidParameter("channel", f"must be one of {names}"))
    sender_id = body.get("id")
    if not isinstance(sender_id, str) or not sender_id.strip() or len(sender_id) > 100:
        problems.append(InvalidParameter("id", "must be the sender's id on the channel"))
    elif channel == "whatsapp" and numbering.normalise(sender_id) != sender_id:
        problems.append(InvalidParameter("id", "a WhatsApp sender is a number in E.164 digits"))
    for name in ("application_id", "display_name"):
        value = body.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > 200):
            problems.append(InvalidParameter(name, "must be a string"))
    if problems:
        raise InvalidParameters("Invalid sender", invalid_parameters=problems)
    assert isinstance(channel, str) and isinstance(sender_id, str)
    return channel, sender_id, body.get("application_id"), body.get("display_name")


def list_senders(request: Request, services: Services, body: dict[str, Any]) -> Any:
    api_key = request.path_params["api_key"]
    with services.store.begin() as tx:
        _account(tx, api_key)
        return {"senders": [s.to_json() for s in sender_state.of_account(tx, api_key)]}


def add_sender(request: Request, services: Services, body: dict[str, Any]) -> Response:
    api_key = request.path_params["api_key"]
    channel, sender_id, app_id, name = _sender_body(body)
    with services.store.begin() as tx:
        _account(tx, api_key)
        if app_id is not None and application_state.get_application(tx, api_key, app_id) is None:
            raise InvalidParameters(
                "Invalid sender",
                invalid_parameters=[
                    InvalidParameter("application_id", "is not an application of this account")
                ],
            )
        if sender_state.get(tx, channel, sender_id) is not None:
            raise Conflict(f"{channel} sender {sender_id} is already registered")
        sender = Sender(channel, sender_id, api_key, app_id, name, services.clock.now())
        sender_state.add(tx, sender)
    return VonageJSON(sender.to_json(), status_code=201)


def remove_sender(request: Request, services: Services, body: dict[str, Any]) -> Response:
    api_key = request.path_params["api_key"]
    channel = request.path_params["channel"]
    sender_id = request.path_params["sender_id"]
    with services.store.begin() as tx:
        _account(tx, api_key)
        if not sender_state.remove(tx, api_key, channel, sender_id):
            raise NotFound(f"{channel} sender {sender_id} is not registered to {api_key}")
    return Response(status_code=204)


def routes() -> list[Route]:
    base = "/_ringback/accounts/{api_key}/senders"
    return [
        Route(base, control(list_senders), methods=["GET"]),
        Route(base, control(add_sender), methods=["POST"]),
        Route(f"{base}/{{channel}}/{{sender_id}}", control(remove_sender), methods=["DELETE"]),
    ]
