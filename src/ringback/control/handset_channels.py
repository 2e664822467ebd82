"""A handset sends on a Messages channel (`POST /_ringback/handsets/{msisdn}/messages` with a
`channel` other than sms, a `message_type`, or an SMS to a number whose application takes
inbound messages the Messages API's way): the inbound-message webhook to the application's
messages `inbound_url` (network/messages_inbound.py).

The body: `to` (the account's number or channel sender), `channel`, `message_type` (default
`text`), the type's content under its name as the webhook carries it (`text` a string,
`contacts` a list, `unsupported` nothing, the rest objects), `media` `{content: base64,
mime_type, name?}` for a file the handset sends (image, audio, video, file, vcard, sticker:
Ringback serves it and puts its URL in the webhook), `context` `{message_uuid}` for a reply,
`profile_name` (WhatsApp's display name of the user) and `whatsapp` (e.g. a `referral`)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ringback.apis.services import Services
from ringback.control.handset_params import message_view, phone_number
from ringback.core.errors import Conflict, InvalidParameter, InvalidParameters
from ringback.core.responses import VonageJSON
from ringback.network import handsets, messages_inbound
from ringback.network.delivery.messaging import summary
from ringback.network.messages_inbound_types import (
    INBOUND_TYPES,
    LIST_TYPES,
    MEDIA_TYPES,
    InboundRequest,
    MediaUpload,
)
from ringback.state import handsets as handset_state
from ringback.state import numbers as number_state

FIELDS = {"to", "channel", "message_type", "media", "context", "profile_name", "whatsapp"}
MAX_PROFILE_NAME = 256


def _problem(problems: list[InvalidParameter]) -> InvalidParameters:
    return InvalidParameters("Invalid message", invalid_parameters=problems)


def _sender(request: Request, channel: str) -> str:
    raw = str(request.path_params["msisdn"])
    if channel == "messenger":  # a Messenger user is an id, not a number
        if not 1 <= len(raw) <= 50:
            raise _problem(
                [InvalidParameter("msisdn", "must be a Messenger id of 1-50 characters")]
            )
        return raw
    return phone_number(raw, "msisdn")


def _media(value: Any, problems: list[InvalidParameter]) -> MediaUpload | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.append(InvalidParameter("media", "must be {content, mime_type, name?}"))
        return None
    mime, name, data = value.get("mime_type"), value.get("name"), value.get("content")
    if not isinstance(mime, str) or "/" not in mime:
        problems.append(InvalidParameter("media.mime_type", "must be a MIME type, e.g. image/png"))
    if name is not None and not isinstance(name, str):
        problems.append(InvalidParameter("media.name", "must be a file name"))
    try:
        content = base64.b64decode(data, validate=True) if isinstance(data, str) else None
    except (binascii.Error, ValueError):
        content = None
    if not content:
        problems.append(InvalidParameter("media.content", "must be the file's bytes in base64"))
    if problems or content is None or not isinstance(mime, str):
        return None
    return MediaUpload(content, mime, name if isinstance(name, str) else None)


def _content(body: dict[str, Any], kind: str, problems: list[InvalidParameter]) -> Any:
    value = body.get(kind)
    if kind == "unsupported":
        return None
    if kind == "text":
        if not isinstance(value, str) or not value:
            problems.append(InvalidParameter("text", "must be a non-empty string"))
        return value
    if kind in LIST_TYPES:
        if not isinstance(value, list) or not value:
            problems.append(InvalidParameter(kind, "must be a non-empty list"))
        return value
    if kind in MEDIA_TYPES:
        if value is None:
            value = {}
        if not isinstance(value, dict):
            problems.append(InvalidParameter(kind, "must be an object"))
        elif body.get("media") is None and not isinstance(value.get("url"), str):
            problems.append(InvalidParameter("media", f"a {kind} needs the file (or {kind}.url)"))
        return value
    if not isinstance(value, dict) or not value:
        problems.append(InvalidParameter(kind, "must be a non-empty object"))
    return value


def read_request(request: Request, body: dict[str, Any]) -> InboundRequest:
    channel = body.get("channel", "sms")
    if not isinstance(channel, str) or channel not in INBOUND_TYPES:
        names = ", ".join(INBOUND_TYPES)
        raise _problem([InvalidParameter("channel", f"must be one of {names}")])
    sender = _sender(request, channel)
    kind = body.get("message_type", "text")
    allowed = INBOUND_TYPES[channel]
    if not isinstance(kind, str) or kind not in allowed:
        reason = f"on {channel} must be one of {', '.join(allowed)}"
        raise _problem([InvalidParameter("message_type", reason)])
    problems = [
        InvalidParameter(k, "is not a field of a message")
        for k in body
        if k not in FIELDS and k != kind
    ]
    to = body.get("to")
    if not isinstance(to, str) or not to:
        problems.append(InvalidParameter("to", "must be the account's number or channel sender"))
    content = _content(body, kind, problems)
    media = _media(body.get("media"), problems) if kind in MEDIA_TYPES else None
    if kind not in MEDIA_TYPES and body.get("media") is not None:
        problems.append(InvalidParameter("media", f"a {kind} message carries no file"))
    context = body.get("context")
    context_uuid = context.get("message_uuid") if isinstance(context, dict) else None
    if context is not None and not isinstance(context_uuid, str):
        problems.append(InvalidParameter("context", "must be {message_uuid}"))
    name = body.get("profile_name")
    if name is not None and (not isinstance(name, str) or not 0 < len(name) <= MAX_PROFILE_NAME):
        problems.append(InvalidParameter("profile_name", "must be a display name"))
    extras = body.get("whatsapp", {})
    if not isinstance(extras, dict):
        problems.append(InvalidParameter("whatsapp", "must be an object"))
    if problems:
        raise _problem(problems)
    assert isinstance(to, str)
    if channel in ("sms", "mms", "whatsapp"):
        to = phone_number(to, "to")
    return InboundRequest(
        channel=channel,
        message_type=kind,
        sender=sender,
        to=to,
        content=content,
        media=media,
        context_uuid=context_uuid,
        profile_name=name,
        extras=extras,
    )


def _sms_to_sms_api(services: Services, body: dict[str, Any]) -> bool:
    """A plain SMS the SMS API's inbound webhook takes (control/handsets.py sends it)."""
    if body.get("channel", "sms") != "sms" or "message_type" in body:
        return False
    to = body.get("to")
    if not isinstance(to, str):
        return True  # handsets.py answers the bad body
    try:
        number = phone_number(to, "to")
    except InvalidParameters:
        return True
    with services.store.begin() as tx:
        return messages_inbound.destination(tx, "sms", number) is None


def send(request: Request, services: Services, body: dict[str, Any]) -> Response | None:
    """The answer (201), or None when the message is a plain SMS for the SMS API's path."""
    if _sms_to_sms_api(services, body):
        return None
    inbound = read_request(request, body)
    base_url = f"{request.url.scheme}://{request.url.netloc}"
    with services.store.begin() as tx:
        if inbound.channel in messages_inbound.NUMBER_CHANNELS or inbound.channel == "whatsapp":
            own = number_state.get_number(tx, inbound.sender)
            if own is not None:
                raise Conflict(
                    f"{inbound.sender} is a Vonage number rented by account {own.api_key}: "
                    "send from it with the Messages API"
                )
        dest = messages_inbound.destination(tx, inbound.channel, inbound.to)
        if dest is None:
            raise messages_inbound.unknown_receiver(inbound.channel, inbound.to)
        delivered = messages_inbound.deliver(tx, services, inbound, dest, base_url)
        now = services.clock.now()
        shown = {
            "message_type": inbound.message_type,
            inbound.message_type: delivered_content(delivered, inbound),
        }
        sent = handsets.record(
            tx,
            services.changes,
            msisdn=inbound.sender,
            direction="sent",
            channel=inbound.channel,
            peer=inbound.to,
            text=summary(shown),
            now=now,
            api_key=dest.api_key,
            reference=delivered.message_uuid,
            content=None if inbound.channel == "sms" else shown,
        )
        messages_inbound.remember(tx, inbound, delivered, sent, now)
        sent_message = handset_state.message(tx, sent)
        received_message = handset_state.message(tx, delivered.received_id)
    services.webhooks.wake()
    assert sent_message is not None and received_message is not None
    answer = {
        "from": inbound.sender,
        "to": inbound.to,
        "channel": inbound.channel,
        "message_type": inbound.message_type,
        "delivered_to": "account",
        "sent": message_view(sent_message),
        "received": message_view(received_message),
        "inbound": delivered.to_json(),
    }
    return VonageJSON(answer, status_code=201)


def delivered_content(delivered: messages_inbound.Delivered, inbound: InboundRequest) -> Any:
    """The content as the webhook carried it (a media URL Ringback's own)."""
    payload = delivered.payload
    if "message" in payload:  # v0.1
        return payload["message"]["content"].get(inbound.message_type)
    if inbound.channel == "sms":
        return payload["text"]
    return payload.get(inbound.message_type)
