"""What a handset does with Messages API traffic, through the control API: read a message it
received (`POST /_ringback/handsets/{msisdn}/messages/{message_uuid}/read`: the sender gets
`read`), open WhatsApp's 24-hour window as if the user had written to a business sender
(`POST …/whatsapp-window`), and a sent message with its status history
(`GET /_ringback/messages/{message_uuid}`)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from ringback.apis.messages.routes import writer_of
from ringback.apis.messages.statuses import has_read_receipts
from ringback.apis.services import Services
from ringback.control.common import control
from ringback.control.handset_params import invalid, iso, phone_number
from ringback.core.errors import Conflict, NotFound
from ringback.network import numbering, whatsapp
from ringback.state import messages as message_state
from ringback.state.messages import Message
from ringback.state.store import Tx


def _view(tx: Tx, message: Message) -> dict[str, Any]:
    view = message_state.to_json(message)
    view["message_uuid"] = view.pop("message_id")
    view["history"] = [
        {"status": e.status, "error_code": e.error_code, "at": e.at, "time": iso(e.at)}
        for e in message_state.history(tx, message.message_id)
    ]
    return view


def _message(tx: Tx, message_uuid: str) -> Message:
    message = message_state.get(tx, message_uuid)
    if message is None:
        raise NotFound(f"no message {message_uuid}")
    return message


def read_message(request: Request, services: Services, body: dict[str, Any]) -> Any:
    raw = request.path_params["msisdn"]
    msisdn = numbering.normalise(raw) or raw  # a Messenger recipient is an id, not a number
    with services.store.begin() as tx:
        message = message_state.get(tx, request.path_params["message_uuid"])
        if message is None or message.to_msisdn != msisdn:
            raise NotFound(f"{msisdn} received no message {request.path_params['message_uuid']}")
        if not has_read_receipts(message.channel):
            raise Conflict(f"{message.channel} has no read receipts")
        if message.status != "read" and not writer_of(services).read(
            tx, message, services.clock.now()
        ):
            raise Conflict(f"the message is {message.status}, not delivered")
        return _view(tx, _message(tx, message.message_id))


def open_whatsapp_window(request: Request, services: Services, body: dict[str, Any]) -> Any:
    msisdn = phone_number(request.path_params["msisdn"], "msisdn")
    sender = body.get("sender")
    if not isinstance(sender, str) or numbering.normalise(sender) is None:
        raise invalid("sender", "must be the business's WhatsApp number")
    sender = phone_number(sender, "sender")
    now = services.clock.now()
    with services.store.begin() as tx:
        whatsapp.open_window(tx, sender, msisdn, now)
    return {
        "msisdn": msisdn,
        "sender": sender,
        "opened_at": now,
        "closes_at": now + whatsapp.WINDOW_SECONDS,
    }


def show_message(request: Request, services: Services, body: dict[str, Any]) -> Any:
    with services.store.begin() as tx:
        return _view(tx, _message(tx, request.path_params["message_uuid"]))


def routes() -> list[Route]:
    base = "/_ringback/handsets/{msisdn}"
    return [
        Route(f"{base}/messages/{{message_uuid}}/read", control(read_message), methods=["POST"]),
        Route(f"{base}/whatsapp-window", control(open_whatsapp_window), methods=["POST"]),
        Route("/_ringback/messages/{message_uuid}", control(show_message), methods=["GET"]),
    ]
