"""The Messages API's inbound-message webhook bodies: v1 flat, per channel and message type
(messages_local.json 1.11.0 `x-webhooks.inbound-message`), and v0.1 nested (`to`/`from` as
`{type, number|id}`, the content under `message.content`; the migration guide)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ringback.network.messages_inbound_types import InboundEvent

# v0.1 names a party by `id` on channels that do not use phone numbers: (to, from)
V0_1_KEYS = {"messenger": ("id", "id"), "viber_service": ("id", "number"), "rcs": ("id", "number")}


def timestamp(at: float, version: str) -> str:
    moment = datetime.fromtimestamp(at, UTC)
    if version == "v0.1":
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def inbound_body(event: InboundEvent, version: str) -> dict[str, Any]:
    return _v0_1(event) if version == "v0.1" else _v1(event)


def _v1(event: InboundEvent) -> dict[str, Any]:
    channel = event.channel
    body: dict[str, Any] = {
        "channel": channel,
        "message_uuid": event.message_id,
        "to": event.to,
        "from": event.sender,
        "timestamp": timestamp(event.at, "v1"),
    }
    if channel == "sms":
        body["text"] = event.content
        body["sms"] = {"num_messages": str(event.parts), "keyword": event.keyword}
        body["usage"] = {"currency": "EUR", "price": event.price}
        if event.network_code:
            body["origin"] = {"network_code": event.network_code}
        return body
    if channel == "mms" and event.network_code:
        body["origin"] = {"network_code": event.network_code}
    if channel == "whatsapp":
        body["profile"] = {"name": event.profile_name}
    if channel in ("whatsapp", "rcs"):
        body["context_status"] = event.context_status
    if event.context is not None and channel in ("whatsapp", "viber_service"):
        body["context"] = (
            event.context
            if channel == "whatsapp"
            else {"message_uuid": event.context["message_uuid"]}
        )
    body["message_type"] = event.message_type
    if event.message_type != "unsupported":
        body[event.message_type] = event.content
    if channel == "mms" and event.message_type != "text":
        body["content"] = [{"type": event.message_type, "url": event.content["url"]}]
    if channel == "whatsapp" and event.extras:
        body["whatsapp"] = event.extras
    if channel == "whatsapp":
        body["_self"] = {"href": event.self_href}
    return body


def _v0_1(event: InboundEvent) -> dict[str, Any]:
    to_key, from_key = V0_1_KEYS.get(event.channel, ("number", "number"))
    content: dict[str, Any] = {"type": event.message_type}
    if event.message_type != "unsupported":
        content[event.message_type] = event.content
    message: dict[str, Any] = {"content": content}
    if event.context is not None:
        message["context"] = event.context
    if event.channel == "whatsapp":
        message["profile"] = {"name": event.profile_name}
    body: dict[str, Any] = {
        "message_uuid": event.message_id,
        "to": {"type": event.channel, to_key: event.to},
        "from": {"type": event.channel, from_key: event.sender},
        "timestamp": timestamp(event.at, "v0.1"),
        "direction": "inbound",
        "message": message,
    }
    if event.channel == "sms":
        body["usage"] = {"currency": "EUR", "price": event.price}
    return body
